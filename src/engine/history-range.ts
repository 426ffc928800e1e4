// The revisions a --range names, as git resolves them, or one line saying what to give instead.
import { ExpectedError, GitError, firstLine } from '../errors.js';
import type { RepositoryInfo } from '../domain/model.js';
import { gitText } from '../collect/git.js';

export async function resolveRange(repo: RepositoryInfo, range: string): Promise<string[]> {
  const hint = 'give a range git understands, e.g. main~20..main or origin/main..HEAD';
  if (range.startsWith('-')) throw new ExpectedError(`"${range}" is not a revision range`, hint);
  try {
    const out = await gitText(['rev-parse', '--revs-only', '--end-of-options', range], {
      gitDir: repo.gitDir,
      timeoutMs: 30_000,
    });
    const revs = out.split('\n').filter(Boolean);
    if (!revs.length) throw new ExpectedError(`"${range}" names no commits`, hint);
    return revs;
  } catch (err) {
    if (err instanceof GitError)
      throw new ExpectedError(`"${range}" is not a revision range in ${repo.path}: ${firstLine(err.stderr)}`, hint);
    throw err;
  }
}
