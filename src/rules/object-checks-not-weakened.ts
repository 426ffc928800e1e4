import { defineRepoRule } from './define.js';
import { configFinding } from './lib/config.js';
import { FindingList, notAvailable } from './lib/findings.js';

// With fsckObjects on, git can still be told to ignore single checks: <direction>.fsck.<msg-id>=ignore
// or warn downgrades one check (e.g. badTree, gitmodulesUrl), and <direction>.fsck.skipList exempts
// named objects. Either lets exactly the malformed objects the checks exist for through. Whether
// fsckObjects itself is on is fsck-objects-enabled's question.
// fsck.<msg-id> and fsck.skipList weaken only `git fsck`, the check gitguard's own messages send the
// user to for a damaged repository: the user's own choice in their global config, but in the
// repository's local or worktree config a way to hide the objects it plants from it.
const DIRECTIONS = ['fetch', 'receive', 'transfer'];
const LOCAL = new Set(['local', 'worktree']);

/** The direction and check a key downgrades (`fetch.fsck.badTree` -> fetch, badtree), if any. */
function checkOf(key: string, scope: string): { direction: string; check: string } | undefined {
  const parts = key.split('.');
  if (parts.length === 3 && DIRECTIONS.includes(parts[0]!) && parts[1] === 'fsck')
    return { direction: parts[0]!, check: parts[2]! };
  if (parts.length === 2 && parts[0] === 'fsck' && LOCAL.has(scope)) return { direction: 'fsck', check: parts[1]! };
  return undefined;
}

const WHERE: Record<string, string> = {
  fetch: 'fetch',
  receive: 'receive',
  transfer: 'fetch and receive',
  fsck: 'git fsck',
};

export default defineRepoRule({
  id: 'object-checks-not-weakened',
  needs: ['config'],
  evaluate(facts, ctx) {
    if (!facts.config.ok) return notAvailable(facts.config.reason);
    const found = new FindingList(ctx.findingLimit);
    for (const e of facts.config.value) {
      const at = checkOf(e.key, e.scope);
      if (!at) continue;
      const v = (e.value ?? '').trim().toLowerCase();
      if (at.check === 'skiplist') {
        if (v)
          found.add(configFinding(e, `${e.key}=${e.value} (${e.scope}): the objects listed there are never checked`));
      } else if (v === 'ignore' || v === 'warn') {
        found.add(
          configFinding(
            e,
            `object check ${at.check} is downgraded to ${v} on ${WHERE[at.direction]!}: ${e.key}=${e.value} (${e.scope})`,
          ),
        );
      }
    }
    return found.evaluation();
  },
});
