import { defineRepoRule } from './define.js';
import { configFinding } from './lib/config.js';
import { FindingList, notAvailable } from './lib/findings.js';

const INSECURE = /^(http|git):\/\//i;

// remote.<name>.url / pushurl over http:// or git:// carry history (and, for http, credentials) in
// the clear, and anyone on the path can substitute what is fetched.
export default defineRepoRule({
  id: 'remotes-use-secure-transport',
  needs: ['config'],
  evaluate(facts, ctx) {
    if (!facts.config.ok) return notAvailable(facts.config.reason);
    const found = new FindingList(ctx.findingLimit);
    for (const e of facts.config.value) {
      if (!e.key.startsWith('remote.') || !(e.key.endsWith('.url') || e.key.endsWith('.pushurl'))) continue;
      if (e.value === null || !INSECURE.test(e.value.trim())) continue;
      const name = e.key.slice('remote.'.length, e.key.lastIndexOf('.'));
      found.add(configFinding(e, `remote "${name}" uses an unencrypted transport: ${e.key}=${e.value} (${e.scope})`));
    }
    return found.evaluation();
  },
});
