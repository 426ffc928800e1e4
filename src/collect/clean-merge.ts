// What a merge of two commits gives when nobody resolves anything: `git merge-tree --write-tree`
// (merge-ort, the merge GitHub's and GitLab's merge buttons make), run in the shadow git dir so the
// trees it writes never land in the audited repository. A merge commit whose protected path holds
// exactly that brings in nothing its parents did not already carry: the changes on each side were
// judged in the commits that made them.
import { runGit } from './git.js';
import type { Shadow } from './git.js';

const OBJECT_ID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/**
 * For each of `paths`, the id of the entry there in the clean merge of `a` and `b` (null: absent),
 * or undefined where the merge conflicts (under that path) or cannot be computed (an old git
 * without --write-tree, a missing object, a timeout): such a path is judged as changed.
 */
export async function cleanMergeIds(
  shadow: Shadow,
  a: string,
  b: string,
  paths: readonly string[],
): Promise<Array<string | null | undefined>> {
  const unknown = paths.map(() => undefined);
  if (!OBJECT_ID.test(a) || !OBJECT_ID.test(b)) return unknown;
  let out: string;
  try {
    const r = await runGit(['merge-tree', '--write-tree', '--name-only', '--no-messages', '-z', a, b], {
      gitDir: shadow.gitDir,
      okCodes: [1],
      timeoutMs: 60_000,
      maxBytes: 16 * 1024 * 1024,
    });
    out = r.stdout.toString('utf8');
  } catch {
    return unknown;
  }
  const [tree = '', ...conflicted] = out.split('\0').filter((s) => s !== '');
  if (!OBJECT_ID.test(tree)) return unknown;
  const inConflict = (p: string): boolean => conflicted.some((f) => f === p || f.startsWith(`${p}/`));
  return Promise.all(
    paths.map(async (p) => {
      if (inConflict(p)) return undefined;
      try {
        const r = await runGit(['rev-parse', '--verify', '-q', '--end-of-options', `${tree}:${p}`], {
          gitDir: shadow.gitDir,
          okCodes: [1, 128],
          timeoutMs: 60_000,
        });
        const id = r.stdout.toString('utf8').trim();
        return r.code === 0 && OBJECT_ID.test(id) ? id : null;
      } catch {
        return undefined;
      }
    }),
  );
}
