// What a merge of two commits gives when nobody resolves anything: `git merge-tree --write-tree`
// (merge-ort, the merge GitHub's and GitLab's merge buttons make), run in the shadow git dir so the
// trees it writes never land in the audited repository. A merge commit whose protected path holds
// exactly that brings in nothing its parents did not already carry: the changes on each side were
// judged in the commits that made them. That holds path by path only: merge-ort's rename detection
// (which git 2.39's merge-tree cannot turn off) carries an edit made at an unprotected path, judged
// as such, into the protected file a rename on the other side moved there. So a path where either
// side, against a merge base, adds a file and deletes one anywhere (what a rename into it looks
// like) is judged as changed: stricter than git, never laxer.
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
  const renamedInto = await renameTargets(shadow, a, b);
  if (!renamedInto) return unknown;
  const under = (p: string) => (f: string) => f === p || f.startsWith(`${p}/`);
  return Promise.all(
    paths.map(async (p) => {
      if (conflicted.some(under(p)) || renamedInto.some(under(p))) return undefined;
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

/**
 * The files that a side of the merge of `a` and `b` adds while it also deletes a file, against each
 * of their merge bases: the places a rename may have moved something to. Undefined when that
 * cannot be told.
 */
async function renameTargets(shadow: Shadow, a: string, b: string): Promise<string[] | undefined> {
  const opts = { gitDir: shadow.gitDir, timeoutMs: 60_000, maxBytes: 16 * 1024 * 1024 };
  try {
    const bases = (await runGit(['merge-base', '--all', a, b], { ...opts, okCodes: [1] })).stdout
      .toString('utf8')
      .split('\n')
      .filter((l) => OBJECT_ID.test(l));
    if (!bases.length) return undefined;
    const added: string[] = [];
    for (const base of bases)
      for (const side of [a, b]) {
        const r = await runGit(
          ['diff-tree', '-r', '-z', '--no-renames', '--name-status', '--diff-filter=AD', base, side],
          opts,
        );
        const f = r.stdout.toString('utf8').split('\0');
        const statuses = f.filter((_, i) => i % 2 === 0);
        if (!statuses.includes('D')) continue;
        statuses.forEach((st, i) => st === 'A' && added.push(f[2 * i + 1]!));
      }
    return added;
  } catch {
    return undefined;
  }
}
