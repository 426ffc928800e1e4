// A bare repository git found inside another repository's work tree that tracks it: a `fake.git/`
// folder committed with its HEAD, objects and refs, which git opens from any folder under it (a
// person's or a hook's `cd`, `-C tools`). Auditing it judges the history its committer chose, not
// the checkout's. git 2.38+ refuses such a repository found by discovery with
// `safe.bareRepository=explicit`; gitguard refuses the one a work tree above it tracks, and keeps
// a bare repository of its own (a server's `/srv/x.git`, none above it), a `.git` folder and what lies
// in one (a submodule's or linked worktree's git dir), and the `proj/.bare` a `proj/.git` file names.
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { ExpectedError } from '../errors.js';
import type { RepositoryInfo } from '../domain/model.js';
import { enclosingWorkTree } from './audited-folders.js';
import { runGit } from './git.js';
import { shellWord } from '../domain/shell-word.js';

/** Whether `path` is a `.git` folder or lies in one. */
const inDotGit = (path: string): boolean => path.split(sep).includes('.git');

/** The git dir a `.git` file names (`gitdir: ./.bare`), resolved; undefined for a folder or no such file. */
function gitFileTarget(dotGit: string): string | undefined {
  try {
    if (!statSync(dotGit).isFile()) return undefined;
    const m = /^gitdir: (.+)$/m.exec(readFileSync(dotGit, 'utf8').slice(0, 4096));
    return m ? realpathSync.native(resolve(dirname(dotGit), m[1]!.trim())) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Refuses (exit 2) a bare repository `info` that lies in the work tree of another repository whose
 * index holds a file of it; a work tree git cannot answer for counts as holding one.
 */
export async function assertNotNestedBare(info: RepositoryInfo): Promise<void> {
  if (!info.bare || basename(info.gitDir) === '.git' || inDotGit(info.gitDir)) return;
  const top = enclosingWorkTree(dirname(info.gitDir));
  if (!top) return;
  const dotGit = join(top, '.git');
  // `proj/.git` saying `gitdir: ./.bare` (the bare-repository-and-worktrees layout) is this repository's own.
  const own = gitFileTarget(dotGit);
  if (own !== undefined && own === realpathSync.native(info.commonDir)) return;
  const rel = relative(top, info.gitDir).split(sep).join('/');
  const tracked = await runGit(['ls-files', '-z', '--cached', '--', `:(literal)${rel}/HEAD`], {
    cwd: top,
    timeoutMs: 30_000,
    maxBytes: 64 * 1024,
  }).then(
    (r) => r.stdout.length > 0,
    () => true,
  );
  if (!tracked) return;
  throw new ExpectedError(
    `refusing ${info.gitDir}: a bare repository that the work tree ${top} tracks as files (git with safe.bareRepository=explicit refuses it too)`,
    `audit the repository that holds it: gitguard audit -C ${shellWord(top)}`,
  );
}
