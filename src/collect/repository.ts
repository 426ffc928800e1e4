// Finds the repository a path names, the way git would, without reading anything else of it.
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { ExpectedError, GitError, firstLine } from '../errors.js';
import type { RepositoryInfo } from '../model.js';
import { gitText } from './git.js';

export async function discoverRepository(path: string): Promise<RepositoryInfo> {
  const abs = resolve(path);
  if (!existsSync(abs)) throw new ExpectedError(`no such file or directory: ${abs}`);
  if (!statSync(abs).isDirectory()) throw new ExpectedError(`not a directory: ${abs}`);
  let lines: string[];
  try {
    const out = await gitText(
      ['rev-parse', '--path-format=absolute', '--git-dir', '--git-common-dir', '--is-bare-repository', '--is-shallow-repository', '--show-object-format'],
      { cwd: abs, timeoutMs: 30_000 },
    );
    lines = out.split('\n');
  } catch (err) {
    if (err instanceof GitError) {
      const why = firstLine(err.stderr);
      if (/not a git repository/i.test(why)) throw new ExpectedError(`not a git repository: ${abs}`, 'run gitguard inside a repository or pass its path: gitguard audit PATH');
      if (/dubious ownership/i.test(why)) {
        throw new ExpectedError(`git refuses ${abs}: it is owned by another user (safe.directory)`, `if you trust it: git config --global --add safe.directory ${abs}`);
      }
      throw new ExpectedError(`cannot open repository ${abs}: ${why}`);
    }
    throw err;
  }
  const [gitDir, commonDir, bare, shallow, format] = lines;
  if (!gitDir || !commonDir) throw new ExpectedError(`cannot open repository ${abs}: git gave no git dir`);
  if (format !== 'sha1' && format !== 'sha256') throw new ExpectedError(`unsupported object format "${format}" in ${abs}`);
  const info: RepositoryInfo = {
    path: abs,
    gitDir,
    commonDir,
    bare: bare === 'true',
    shallow: shallow === 'true',
    objectFormat: format,
  };
  if (!info.bare) {
    const top = await gitText(['rev-parse', '--show-toplevel'], { cwd: abs, timeoutMs: 30_000, okCodes: [128] });
    if (top) info.workTree = top;
  }
  return info;
}
