// The remote's own policy, for a push judged without HEAD's (engine/prepush.ts): the commit at the
// remote's default branch, refs/remotes/<remote>/HEAD, when git made that ref. git 2.39 makes it only
// on clone, so a repository that was `git init`, `git remote add` and `git push -u` has none; the
// remote's policy is then the one every branch of it this repository tracks carries (the same
// .gitguard tree at each tip, a tip without one counting as one more policy). Branches that differ
// (a contributor's branch with its own policy) name none: the defaults. Only tracking refs the remote's
// fetch refspecs map back to one of its branches count (not refs/pull/*, refs/merge-requests/*).
import type { HistoryFacts } from '../domain/model.js';
import { POLICY_DIR } from '../domain/trust.js';
import type { ObjectReader } from './objects.js';

const BATCH = 256;

/** The commit whose policy is the remote's own; undefined when the remote's branches do not tell. */
export async function remotePolicyTip(
  reader: ObjectReader,
  history: HistoryFacts,
  remote: string,
  branches: ReadonlySet<string>,
): Promise<string | undefined> {
  const prefix = `refs/remotes/${remote}/`;
  const remoteHead = history.refs.find((r) => r.name === `${prefix}HEAD`)?.symref;
  if (remoteHead !== undefined) {
    const tip = branches.has(remoteHead) ? history.refs.find((r) => r.name === remoteHead) : undefined;
    return tip?.type === 'commit' ? tip.oid : undefined;
  }
  const tips = history.refs.filter((r) => r.name.startsWith(prefix) && branches.has(r.name));
  if (!tips.length || tips.some((t) => t.type !== 'commit')) return undefined;
  let shared: string | undefined;
  for (let i = 0; i < tips.length; i += BATCH) {
    const trees = await Promise.all(
      tips.slice(i, i + BATCH).map(async (t) => {
        const o = await reader.read(`${t.oid}:${POLICY_DIR}`).catch(() => undefined);
        return o === undefined ? undefined : o?.type === 'tree' ? o.oid : '';
      }),
    );
    for (const tree of trees) {
      if (tree === undefined || tree === '' || (shared !== undefined && tree !== shared)) return undefined;
      shared = tree;
    }
  }
  // One policy: read at the default branch's usual name when tracked (its history is the vetted one).
  return (tips.find((t) => t.name === `${prefix}main` || t.name === `${prefix}master`) ?? tips[0]!).oid;
}
