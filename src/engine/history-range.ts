// The revisions a --range, --base or --trust-root names, as git resolves them, or one line saying what
// to give instead. A name git itself calls ambiguous is refused: git takes a ref over an abbreviated
// commit id (and refs/tags/x over refs/heads/x), so anyone who may push a branch or a tag named like
// the abbreviation (or `main`, `origin/main`) would otherwise choose the commit the audit starts from.
import { ExpectedError, GitError, firstLine } from '../errors.js';
import type { RepositoryInfo } from '../domain/model.js';
import { runGit } from '../collect/git.js';

// git's warning (refs.c/object-name.c warn_msg), under the C locale every git here runs in.
const AMBIGUOUS = /^warning: refname '(.*)' is ambiguous\.$/gm;
// `:/text` where a revision starts (alone, negated, or after a range's dots), or `^{/text}` after one.
const SEARCH = /(?:^\^?|\.\.)\^?:\/|\^\{\//;

/**
 * git's stdout for `rev-parse` with `args`, or ExpectedError: where git warns that a name is ambiguous
 * (core.warnAmbiguousRefs forced on: the repository's config may turn it off), unless that name is a
 * full object id, which git reads as the object whatever refs there are.
 */
export async function revParse(repo: RepositoryInfo, args: string[], what: string): Promise<string> {
  // git's message search (`:/text`, `rev^{/text}`) takes the newest commit whose message matches, on
  // any ref: whoever may push a branch or a commit chooses what it names. git gives no warning.
  const search = args.find((a) => SEARCH.test(a));
  if (search !== undefined)
    throw new ExpectedError(
      `${what}: "${search}" searches commit messages, which anyone who may push a commit can match`,
      'give the full commit id or a ref name',
    );
  const { stdout, stderr } = await runGit(['-c', 'core.warnAmbiguousRefs=true', 'rev-parse', ...args], {
    gitDir: repo.gitDir,
    timeoutMs: 30_000,
  });
  // A full id is the repository's length: 40 hex digits only abbreviate an id of a SHA-256 repository.
  const full = repo.objectFormat === 'sha256' ? 64 : 40;
  // Every name git warns of (a range names two).
  const name = [...stderr.matchAll(AMBIGUOUS)]
    .map((m) => m[1]!)
    .find((n) => !(n.length === full && /^[0-9a-f]+$/i.test(n)));
  if (name !== undefined)
    throw new ExpectedError(
      `${what}: git finds "${name}" ambiguous (a ref of that name, or several, besides what it may mean)`,
      'give the full commit id or the full ref name (refs/heads/..., refs/remotes/origin/...)',
    );
  return stdout.toString('utf8').trim();
}

export async function resolveRange(repo: RepositoryInfo, range: string): Promise<string[]> {
  const hint = 'give a range git understands, e.g. main~20..main or origin/main..HEAD';
  if (range.startsWith('-')) throw new ExpectedError(`"${range}" is not a revision range`, hint);
  try {
    const out = await revParse(repo, ['--revs-only', '--end-of-options', range], `"${range}"`);
    const revs = out.split('\n').filter(Boolean);
    if (!revs.length) throw new ExpectedError(`"${range}" names no commits`, hint);
    return revs;
  } catch (err) {
    if (err instanceof GitError)
      throw new ExpectedError(`"${range}" is not a revision range in ${repo.path}: ${firstLine(err.stderr)}`, hint);
    throw err;
  }
}
