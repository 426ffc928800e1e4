import { defineRepoRule } from './define.js';
import { configFinding } from './lib/config.js';
import { FindingList, notAvailable } from './lib/findings.js';

// With fsckObjects on, git can still be told to ignore single checks: <direction>.fsck.<msg-id>=ignore
// or warn downgrades one check (e.g. badTree, gitmodulesUrl), and <direction>.fsck.skipList exempts
// named objects. Either lets exactly the malformed objects the checks exist for through. Whether
// fsckObjects itself is on is fsck-objects-enabled's question.
const DIRECTIONS = ['fetch', 'receive', 'transfer'];

export default defineRepoRule({
  id: 'object-checks-not-weakened',
  needs: ['config'],
  evaluate(facts, ctx) {
    if (!facts.config.ok) return notAvailable(facts.config.reason);
    const found = new FindingList(ctx.findingLimit);
    for (const e of facts.config.value) {
      const parts = e.key.split('.');
      if (parts.length !== 3 || !DIRECTIONS.includes(parts[0]!) || parts[1] !== 'fsck') continue;
      const v = (e.value ?? '').trim().toLowerCase();
      if (parts[2] === 'skiplist') {
        if (v)
          found.add(configFinding(e, `${e.key}=${e.value} (${e.scope}): the objects listed there are never checked`));
      } else if (v === 'ignore' || v === 'warn') {
        found.add(
          configFinding(
            e,
            `object check ${parts[2]} is downgraded to ${v} on ${parts[0] === 'transfer' ? 'fetch and receive' : parts[0]}: ${e.key}=${e.value} (${e.scope})`,
          ),
        );
      }
    }
    return found.evaluation();
  },
});
