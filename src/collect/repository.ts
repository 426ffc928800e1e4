// Finds the repository a path names, the way git would, without reading anything else of it.
import { existsSync, realpathSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ExpectedError, firstLine } from '../errors.js';
import type { RepositoryInfo } from '../domain/model.js';
import { assertGitRuns, runGit, type GitResult } from './git.js';
import { userSafeDirectories } from './config.js';
import { assertGitDirReadable, assertObjectStoreReadable } from './object-store.js';
import { assertMultiPackIndexesIntact } from './multi-pack-index.js';
import { assertOneCopyPerId } from './duplicate-objects.js';
import { enclosingWorkTree, noteAuditedFolders } from './audited-folders.js';
import { runEnv } from './run-context.js';
import { liveLinkedWorktrees } from './worktrees.js';
import { shellWord } from '../domain/shell-word.js';
import { assertNotNestedBare } from './nested-bare.js';

// One call: --show-toplevel comes last because it fails (exit 128) in a bare repository or a .git
// folder after the other answers are printed.
const REV_PARSE = [
  'rev-parse',
  '--path-format=absolute',
  '--git-dir',
  '--git-common-dir',
  '--is-bare-repository',
  '--is-shallow-repository',
  '--show-object-format',
  '--show-toplevel',
];

/**
 * git's answer for a repository another user owns, once the user has said it is safe: git runs here
 * without the user's global config, so the `safe.directory` entries of their system and global config
 * (what the refusal tells them to add) are handed to it on the command line, the one scope besides
 * those that git honours for this key. git then judges them itself, `*` and all.
 */
async function revParseTrusted(abs: string): Promise<GitResult | undefined> {
  const safe = await userSafeDirectories();
  if (!safe.length) return undefined;
  const env: NodeJS.ProcessEnv = { GIT_CONFIG_COUNT: String(safe.length) };
  safe.forEach((value, i) => {
    env[`GIT_CONFIG_KEY_${i}`] = 'safe.directory';
    env[`GIT_CONFIG_VALUE_${i}`] = value;
  });
  return runGit(REV_PARSE, { cwd: abs, env, timeoutMs: 30_000, okCodes: [128] });
}

const answers = (res: GitResult): string[] =>
  res.stdout
    .toString('utf8')
    .split('\n')
    .filter((l) => l !== '');

/**
 * The repository at `path`, its files checked as git would read them. With `cache`, the duplicate-id
 * check's clean verdict is kept in .git/gitguard/ under the run's per-user secret (not with --no-cache).
 */
export async function discoverRepository(path: string, opts: { cache?: boolean } = {}): Promise<RepositoryInfo> {
  const abs = resolve(path);
  const where = 'pass the path of a repository (a work tree, .git folder or bare repository) as PATH or with -C PATH';
  if (!existsSync(abs)) throw new ExpectedError(`no such file or directory: ${abs}`, where);
  if (!statSync(abs).isDirectory()) throw new ExpectedError(`not a directory: ${abs}`, where);
  // git prints each path it answers with on a line of its own: one holding a line break reads as two.
  const real = realpathSync.native(abs);
  if (/[\n\r]/.test(real))
    throw new ExpectedError(
      `the path of ${abs}${real === abs ? '' : ` (${real})`} contains a line break, which git's answers cannot carry`,
      'move or rename the repository to a path without one',
    );
  assertGitDirReadable(abs);
  // Before any git runs there: no PATH entry in the repository may supply it (audited-folders.ts).
  noteAuditedFolders([abs, enclosingWorkTree(abs)]);
  await assertGitRuns();
  let res = await runGit(REV_PARSE, { cwd: abs, timeoutMs: 30_000, okCodes: [128] });
  let lines = answers(res);
  if (lines.length < 5 && /dubious ownership/i.test(res.stderr)) {
    const trusted = await revParseTrusted(abs);
    if (trusted) [res, lines] = [trusted, answers(trusted)];
  }
  if (lines.length < 5) {
    const why = firstLine(res.stderr);
    if (/not a git repository/i.test(why)) {
      // git's GIT_DIR (set by a runner, or exported to a hook) is dropped with every GIT_* variable.
      const gitDir = runEnv().GIT_DIR;
      throw new ExpectedError(
        `not a git repository: ${abs}`,
        gitDir
          ? `gitguard does not read GIT_DIR (${gitDir}): pass the repository with -C PATH`
          : 'run gitguard inside a repository or pass its path with -C PATH',
      );
    }
    if (/dubious ownership/i.test(why)) {
      throw new ExpectedError(
        `git refuses ${abs}: it is owned by another user (safe.directory)`,
        `if you trust it: git config --global --add safe.directory ${shellWord(abs)}`,
      );
    }
    throw new ExpectedError(
      `cannot open repository ${abs}: ${why || `git rev-parse exited ${res.code}`}`,
      'check it with: git -C PATH status',
    );
  }
  const [gitDir, commonDir, bare, shallow, format] = lines;
  if (!gitDir || !commonDir || !/^(true|false)$/.test(bare!) || !/^(true|false)$/.test(shallow!))
    throw new ExpectedError(
      `cannot open repository ${abs}: git rev-parse did not answer one path and one word a line (a git dir whose path holds a line break?)`,
      'check it with: git -C PATH rev-parse --git-dir',
    );
  if (format !== 'sha1' && format !== 'sha256')
    throw new ExpectedError(
      `unsupported object format "${format}" in ${abs}`,
      'gitguard reads sha1 and sha256 repositories; upgrade gitguard or git',
    );
  const info: RepositoryInfo = {
    path: abs,
    gitDir,
    commonDir,
    bare: bare === 'true',
    shallow: shallow === 'true',
    objectFormat: format,
  };
  if (!info.bare && lines[5]) info.workTree = lines[5];
  await assertNotNestedBare(info);
  // Listing them fails toward a server (the strict side): its rules apply.
  const linked = info.bare ? await liveLinkedWorktrees(info).catch(() => 0) : 0;
  if (linked) info.linkedWorktrees = linked;
  noteAuditedFolders([gitDir, commonDir, info.workTree]);
  assertObjectStoreReadable(join(commonDir, 'objects'));
  await assertMultiPackIndexesIntact(gitDir, join(commonDir, 'objects'));
  await assertOneCopyPerId(info, opts.cache ?? false);
  return info;
}
