import { defineRepoRule } from './define.js';
import { notAServer } from './lib/server.js';
import { configFinding } from './lib/config.js';
import { effective, gitBool } from '../domain/config.js';
import { FindingList, notAvailable } from './lib/findings.js';

// What a repository others push into must refuse. Each is off by default in git (a plain
// `git init --bare`); `--shared` turns on denyNonFastForwards only. receive.fsckObjects falls back to
// transfer.fsckObjects. receive.advertisePushOptions is not judged: push options only reach hooks.
const CHECKS: Array<{ keys: string[]; what: string; fix: string }> = [
  {
    keys: ['receive.denynonfastforwards'],
    what: 'force pushes that rewrite history are accepted',
    fix: 'git config receive.denyNonFastForwards true',
  },
  {
    keys: ['receive.denydeletes'],
    what: 'pushes that delete branches and tags are accepted',
    fix: 'git config receive.denyDeletes true',
  },
  {
    keys: ['receive.fsckobjects', 'transfer.fsckobjects'],
    what: 'pushed objects are not checked for malformed content',
    fix: 'git config receive.fsckObjects true',
  },
];

export default defineRepoRule({
  id: 'server-receive-hardened',
  needs: ['config'],
  evaluate(facts, ctx) {
    const notServer = notAServer(facts);
    if (notServer) return { outcome: 'not-applicable', note: notServer };
    if (!facts.config.ok) return notAvailable(facts.config.reason);
    const config = facts.config.value;
    const found = new FindingList(ctx.findingLimit);
    for (const { keys, what, fix } of CHECKS) {
      const decider = keys.map((k) => effective(config, k)).find((e) => e !== undefined);
      if (!decider)
        found.add({
          message: `${keys[0]} is not set (git's default is off): ${what} (fix: ${fix})`,
          evidence: { key: keys[0]!, value: null, scope: 'none' },
        });
      else if (gitBool(decider.value) !== true)
        found.add(
          configFinding(decider, `${decider.key}=${decider.value ?? ''} (${decider.scope}): ${what} (fix: ${fix})`),
        );
    }
    return found.evaluation();
  },
});
