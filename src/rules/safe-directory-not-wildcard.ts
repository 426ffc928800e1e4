import type { ConfigEntry } from '../domain/model.js';
import { defineRepoRule } from './define.js';
import { configFinding } from './lib/config.js';
import { FindingList, notAvailable } from './lib/findings.js';

// git honours safe.directory only from protected config (system, global, command line); an empty
// value clears the list built so far.
const PROTECTED = new Set(['system', 'global', 'command']);

export default defineRepoRule({
  id: 'safe-directory-not-wildcard',
  needs: ['config'],
  evaluate(facts, ctx) {
    if (!facts.config.ok) return notAvailable(facts.config.reason);
    let list: ConfigEntry[] = [];
    for (const e of facts.config.value) {
      if (e.key !== 'safe.directory' || !PROTECTED.has(e.scope)) continue;
      if (e.value === '' || e.value === null) list = [];
      else list.push(e);
    }
    const found = new FindingList(ctx.findingLimit);
    for (const e of list) {
      if (e.value === '*')
        found.add(
          configFinding(
            e,
            `safe.directory=* in ${e.scope} config: git trusts repositories owned by any user, so their config (core.fsmonitor, hooks) can run code as you`,
          ),
        );
    }
    return found.evaluation();
  },
});
