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

/** GitHub's (and Gitea's, Forgejo's) expressions for the commit a push or pull request starts from. */
const FORGE_BASE_EXPRESSION =
  /^\$\{\{\s*(?:github|gitea|forgejo)\.event\.(?:before|pull_request\.base\.sha|merge_group\.base_sha)\s*\}\}$/;

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
/** A forge variable holding a commit id, alone. */
const FORGE_BASE_ID = new RegExp(`^${variable(FORGE_BASE_NAMES.slice(0, 3))}$`);
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

/** Whether `value` is the forge's own word for where the change starts (a commit the change does not choose). */
export const forgeBase = (value: string): boolean =>
  FORGE_BASE_EXPRESSION.test(value) || FORGE_BASE_ID.test(value) || FORGE_BASE_BRANCH.test(value);

/**
 * A revision read as git reads it: a name, then moves (`~N`, `^N`; no number is 1) and peels
 * (`^{}`, `^{commit}`, `^{tag}`, `^{object}`). Anything else after the name (`^{/msg}`, `^!`, `^@`,
 * `@{...}`, `:path`) is refused by this reading.
 */
const REVISION = /^([^~^:@{}\s]*)((?:~\d*|\^\d*|\^\{(?:commit|tag|object)?\})*)$/;

/** A name a fetch, merge or rebase points at a commit of its own (`FETCH_HEAD`, `ORIG_HEAD`, `origin/HEAD`), in any case. */
const MOVED_REF = /(?:^|[/_])head$/i;

/** Whether the literal revision `rev` names a commit before the checked-out one that git reads one way. */
function literalGates(rev: string): boolean {
  // Glob, quote and escape characters the shell may have read (`HEA[D]` matches a file HEAD of the checkout).
  if (!rev || rev.startsWith('-') || rev.includes('..') || /[*?[\]\\'"<>|&;\s]/.test(rev)) return false;
  const m = REVISION.exec(rev);
  if (!m) return false;
  const [, name, moves] = m;
  if (!name) return false; // `^x` excludes, `~1` is the shell's
  // A move of one or more commits back from HEAD (`HEAD~5`, `HEAD^`, `HEAD~`) starts before the change.
  const steps = [...moves!.replace(/\^\{\w*\}/g, '').matchAll(/[~^](\d*)/g)];
  if (/^head$/i.test(name)) return steps.some(([, n]) => n === '' || Number(n) > 0);
  return !MOVED_REF.test(name);
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
  const fixed = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/i.test(name ?? '') || /^(?:refs\/)?tags\//i.test(name ?? '');
  if (!name || /^head$/i.test(name) || fixed) return undefined;
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
  if (!literalGates(v)) return false;
  const branch = branchOf(v);
  return branch === undefined || branchBaseJudges(branch, triggers);
}
