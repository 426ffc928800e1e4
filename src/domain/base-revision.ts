// Whether a `--base` value (or the start of verify's range) names a commit the change does not choose,
// so that the commits after it include the change and gitguard judges them. Fail closed: a value gates
// only when it is literal text naming no commit CI may have checked out (not HEAD in any spelling git
// 2.39 reads as HEAD: `@`, `HEAD^0~0`, `HEAD^{}`, `HEAD@{now}`, `@@{0}`, `HEAD^{/msg}`), or a forge's
// own word for the commit before the change (`${{ github.event.before }}`, `$CI_COMMIT_BEFORE_SHA`,
// `origin/$GITHUB_BASE_REF`). Any other value is one the run may choose: a variable the step or an
// earlier one sets (`X=HEAD; --base "$X"`, `env: X: HEAD`, `${X:-HEAD}`), a command's output
// (`$(git rev-parse HEAD~0)`, `$(cat .base)`), a reflog or upstream (`HEAD@{1}`, `@{u}`, `@{-1}`), a
// ref a fetch or merge sets (`FETCH_HEAD`, `ORIG_HEAD`, `origin/HEAD`), a glob the checkout's files may
// match (`HEA[D]`), a message search (`:/msg`). Variables the CI file gives a known value are written in
// before this reading (audit-options.ts withFixedIds), so `env: BASE: <full id>` gates.

import { ANY_BRANCH, branchBaseJudges, type BaseTriggers } from './base-triggers.js';

/** GitHub's (and Gitea's, Forgejo's) members of the event for the commit a push, pull request or merge group starts from. */
const FORGE_BASE_MEMBER = String.raw`(?:github|gitea|forgejo)\.event\.(?:before|pull_request\.base\.sha|merge_group\.base_sha)`;
/**
 * An expression of those members, or of several joined by `||` (`${{ github.event.pull_request.base.sha
 * || github.event.before }}`, one workflow for pull requests and pushes): `||` gives the first that is
 * not empty, else the last, so always one of the event's own values.
 */
const FORGE_BASE_EXPRESSION = new RegExp(
  String.raw`^\$\{\{\s*${FORGE_BASE_MEMBER}(?:\s*\|\|\s*${FORGE_BASE_MEMBER})*\s*\}\}$`,
);

/**
 * The forge's variables for where a push or merge request starts (GitLab's commit ids, the target
 * branch's name GitHub and GitLab set), each as `$X` or `${X}`: the names a step must not set itself.
 */
export const FORGE_BASE_NAMES = [
  'CI_COMMIT_BEFORE_SHA',
  'CI_MERGE_REQUEST_DIFF_BASE_SHA',
  'CI_MERGE_REQUEST_TARGET_BRANCH_SHA',
  'GITHUB_BASE_REF',
  'CI_DEFAULT_BRANCH',
  'CI_MERGE_REQUEST_TARGET_BRANCH_NAME',
] as const;

const variable = (names: readonly string[]): string => String.raw`\$(?:${names.join('|')}|\{(?:${names.join('|')})\})`;
const ID_NAMES = FORGE_BASE_NAMES.slice(0, 3);
/**
 * A forge variable holding a commit id, alone or with another as its default (`${CI_MERGE_REQUEST_DIFF_BASE_SHA:-$CI_COMMIT_BEFORE_SHA}`,
 * one job for merge request and branch pipelines): the shell gives the first, or where it is unset
 * (`-`) or also empty (`:-`) the second, so always one of GitLab's own values.
 */
const FORGE_BASE_ID = new RegExp(
  String.raw`^(?:${variable(ID_NAMES)}|\$\{(?:${ID_NAMES.join('|')}):?-${variable(ID_NAMES)}\})$`,
);
/** A forge variable or expression holding the target branch's name, as the fetched remote branch. */
const FORGE_BASE_BRANCH = new RegExp(
  String.raw`^(?:refs/remotes/)?origin/(?:${variable(['GITHUB_BASE_REF', 'CI_MERGE_REQUEST_TARGET_BRANCH_NAME'])}|\$\{\{\s*github\.base_ref\s*\}\})$`,
);
/**
 * The default branch the forge names, as the fetched remote branch (`origin/$CI_DEFAULT_BRANCH`,
 * `origin/${{ github.event.repository.default_branch }}`): a branch a push moves (base-triggers.ts).
 */
const FORGE_DEFAULT_BRANCH = new RegExp(
  String.raw`^(?:refs/remotes/)?origin/(?:${variable(['CI_DEFAULT_BRANCH'])}|\$\{\{\s*(?:github|gitea|forgejo)\.event\.repository\.default_branch\s*\}\})$`,
);

/**
 * `script` with each expression of several forge bases joined by `||` written as its first member
 * alone: the runner puts one commit id (or nothing) in its place before the shell reads the line, so
 * the shell never sees the `||` (`--base ${{ github.event.pull_request.base.sha || github.event.before }}`
 * is one word), and the member is the same forge base to baseGates.
 */
export const forgeBasesJoined = (script: string): string =>
  script.replace(/\$\{\{[^}]*\|\|[^}]*\}\}/g, (e) =>
    FORGE_BASE_EXPRESSION.test(e) ? `\${{ ${new RegExp(FORGE_BASE_MEMBER).exec(e)![0]} }}` : e,
  );

/** Whether `value` is the forge's own word for where the change starts (a commit the change does not choose). */
export const forgeBase = (value: string): boolean =>
  FORGE_BASE_EXPRESSION.test(value) || FORGE_BASE_ID.test(value) || FORGE_BASE_BRANCH.test(value);

/**
 * A revision read as git reads it: a name, then moves (`~N`, `^N`; no number is 1) and peels
 * (`^{}`, `^{commit}`, `^{tag}`, `^{object}`). Anything else after the name (`^{/msg}`, `^!`, `^@`,
 * `@{...}`, `:path`) is refused by this reading.
 */
const REVISION = /^([^~^:@{}\s]*)((?:~\d*|\^\d*|\^\{(?:commit|tag|object)?\})*)$/;

/** A full object id (SHA-1's 40 hex digits or SHA-256's 64): no push can make one name the checked-out commit. */
const FULL_ID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/i;

/** A name a fetch, merge or rebase points at a commit of its own (`FETCH_HEAD`, `ORIG_HEAD`, `origin/HEAD`), in any case. */
const MOVED_REF = /(?:^|[/_])head$/i;

/**
 * Whether the literal revision `rev` names a commit before the checked-out one that git reads one
 * way: `HEAD` moved back along first parents (`HEAD~5`, `HEAD^`, `HEAD~`, `HEAD^1`), or anything from
 * a full object id. Not a ref name (`main`, `origin/main`, `v1`, `refs/heads/x`, `head` in another
 * case): actions/checkout points the pushed branch (`x`, `origin/x`) at the pushed commit, GitLab
 * fetches it to `origin/x`, a tag the change pushes may name it (a branch's name gates only on the
 * runs base-triggers.ts reads, branchOf); not an abbreviated id, which git
 * takes for any commit whose id starts so (a change can be retried until its id has a 7-digit
 * prefix); not `HEAD^2`, the second parent (a pull request's test merge's is the change's tip).
 */
function literalGates(rev: string): boolean {
  // Glob, quote and escape characters the shell may have read (`HEA[D]` matches a file HEAD of the checkout).
  if (!rev || rev.startsWith('-') || rev.includes('..') || /[*?[\]\\'"<>|&;\s]/.test(rev)) return false;
  const m = REVISION.exec(rev);
  if (!m) return false;
  const [, name, moves] = m;
  if (FULL_ID.test(name!)) return true;
  if (name !== 'HEAD') return false;
  const steps = [...moves!.replace(/\^\{\w*\}/g, '').matchAll(/([~^])(\d*)/g)];
  // A parent other than the first (`^2`) is refused; one or more commits back from HEAD starts before the change.
  if (steps.some(([, op, n]) => op === '^' && n !== '' && Number(n) > 1)) return false;
  return steps.some(([, , n]) => n === '' || Number(n) > 0);
}

/**
 * The branch a literal revision names where it moves no commit back (`origin/main`, `main^{}`,
 * `refs/remotes/origin/main~0`): one a push may move to the checked-out commit (base-triggers.ts).
 * Undefined: a full object id, a tag (`refs/tags/v1`), a move back (`origin/main~1`, read as `HEAD~1`).
 */
function branchOf(rev: string): string | undefined {
  const m = REVISION.exec(rev);
  if (!m) return undefined;
  const [, name, moves] = m;
  // Not a branch: an id, whole or abbreviated (git takes a name of 4 or more hex digits for an id where
  // no ref has it), a tag (one the change may push), a name git or a fetch points at a commit of its
  // own (`FETCH_HEAD`, `origin/HEAD`, `head`), a name that is not a plain ref name.
  if (!name || /^[0-9a-f]{4,}$/i.test(name) || /^(?:refs\/)?tags\//i.test(name) || MOVED_REF.test(name))
    return undefined;
  if (
    !/^[\w.][\w./-]*$/.test(name) ||
    name.includes('//') ||
    name.includes('..') ||
    name.endsWith('/') ||
    name.endsWith('.lock')
  )
    return undefined;
  const steps = [...moves!.replace(/\^\{\w*\}/g, '').matchAll(/[~^](\d*)/g)];
  return steps.some(([, n]) => n === '' || Number(n) > 0) ? undefined : name;
}

/**
 * Whether `--base value` (a word as the shell hands it on, quotes read) makes gitguard judge the
 * change: a forge's base (forgeBase) or a literal revision before HEAD (literalGates); one naming a
 * branch (`origin/main`, `origin/$CI_DEFAULT_BRANCH`) only on the runs `triggers` gives where that
 * branch is not the one pushed (base-triggers.ts; none given: no run known, no gate). Any other `$`,
 * backquote or `(` left is a value the run chooses.
 */
export function baseGates(value: string, triggers?: BaseTriggers): boolean {
  const v = value.trim();
  if (FORGE_DEFAULT_BRANCH.test(v)) return branchBaseJudges(ANY_BRANCH, triggers);
  if (forgeBase(v)) return true;
  if (/[$`(){}]/.test(v.replace(/\^\{(?:commit|tag|object)?\}/g, ''))) return false;
  if (literalGates(v)) return true;
  const branch = branchOf(v);
  return branch !== undefined && branchBaseJudges(branch, triggers);
}
