// Whether `gitguard audit` with the options a CI step gives it still fails on a change no maintainer
// made: the real CLI (src/cli/program.ts) run on a repository whose only failure is an unsigned commit
// exits 0 with `--fail-on critical`, with a `--rule`/`--threat` selection that leaves out
// commits-signed or signers-authorized (`--rule security-policy-present`, `--threat history`), and
// judges no commit with `--base HEAD` (the change is HEAD: nothing after it). Such a step runs
// gitguard and gates nothing. Options that keep it failing (`--format`, `-o`, `--no-cache`,
// `--fail-on high`, `--threat impersonation`) leave the gate; a value named by a variable the reading
// cannot know (`--rule "$RULES"`) counts as the check the runner could run. No GITGUARD_* variable
// turns the checks off (each limit past its bounds fails the run, exit 2), so none is read here.
// An audit of a repository the change chose (`audit ci/clean.git`, `--git ci/git`) or a `verify`
// of a range from HEAD (`HEAD..HEAD`) exits 0 as well: no gate either; so does one whose
// `--trust-root` is the change (`HEAD`, `$GITHUB_SHA`: judged by the policy it brings) or whose
// `--trust-root`/`--base` is read from the checkout (`$(cat .gitguard/root)`).
import { inCheckout, namedFolder, ROOT, type Place } from './step-folder.js';
import { expressionWords } from './expression-words.js';
import { baseGates, forgeBase, forgeBasesJoined, FORGE_BASE_NAMES } from './base-revision.js';

/**
 * The rules a gate must run and fail on, with their threats (test/meta checks them against rules/):
 * together they fail a commit that is unsigned or signed by no one the policy names.
 */
export const GATE_RULES: ReadonlyArray<readonly [id: string, threat: string]> = [
  ['commits-signed', 'impersonation'],
  ['signers-authorized', 'impersonation'],
];

/**
 * The `--fail-on` values at or below the lowest severity of GATE_RULES: `critical` lets them fail with
 * exit 0, any other word (`none`) is refused by the CLI, which then fails every run alike.
 */
const GATING_FAIL_ON = new Set(['info', 'low', 'medium', 'high']);

/** audit's options that take a value (commander: `--x v`, `--x=v`; short ones `-r v`, `-rv`), by long name. */
const VALUED = new Set([
  ...['--repo', '--format', '--output', '--output-text', '--output-json', '--output-sarif', '--output-junit'],
  ...['--output-markdown', '--baseline', '--fail-on', '--rule', '--threat', '--max-findings', '--git'],
  ...['--trust-root', '--base', '--forge-repo', '--forge-url', '--keyring', '--allowed-signers', '--revoked-keys'],
]);
const SHORT: Readonly<Record<string, string>> = {
  C: '--repo',
  f: '--format',
  o: '--output',
  r: '--rule',
  t: '--threat',
};
/** `--forge [kind]`: its value is taken only when the next word is no option. */
const OPTIONAL = new Set(['--forge']);

/**
 * `--trust-root`: the one commit judged by its own policy. Only a full object id written in the CI
 * file, or a forge setting (`${{ vars.X }}`, `${{ secrets.X }}`), names a commit the change cannot
 * be: `HEAD`, `$GITHUB_SHA`, a branch the push moves or a value read from the checkout
 * (`$(cat .gitguard/root)`) makes the change its own trust root, judged by the policy it brings.
 */
const FIXED_ROOT = /^(?:[0-9a-f]{40}|[0-9a-f]{64}|\$\{\{\s*(?:vars|secrets)\.[A-Za-z_][\w-]*\s*\}\})$/i;

/** A value a command substitution reads from a file (`$(cat f)`, `$(< f)`): the checkout's files are the change's. */
const READS_FILE = /\$\(\s*(?:<|(?:cat|head|tail|sed|awk|jq|yq)\b)|`\s*(?:<|(?:cat|head|tail|sed|awk|jq|yq)\b)/;

/** Whether `v` names a trust root the change cannot choose (FIXED_ROOT): what a caller may hand a reusable workflow's input. */
export const fixedRootValue = (v: string): boolean => FIXED_ROOT.test(v.trim());

/** Whether `--trust-root` and `--base` name commits the change does not choose (the policy's own root otherwise). */
const fixedStart = (opts: Map<string, string[]>): boolean =>
  (opts.get('--trust-root') ?? []).every(fixedRootValue) && !(opts.get('--base') ?? []).some((v) => READS_FILE.test(v));

/** `--git`: git found on PATH or at the runner's own place; a program named in the checkout or by a variable may print anything. */
const RUNNER_GIT = /^(?:\/(?:usr\/(?:local\/)?|opt\/homebrew\/)?bin\/)?git$|^\$\((?:which|command -v) git\)$/;

const FORGE_KINDS = new Set(['github', 'gitlab', 'auto']);

/** audit's arguments read as commander reads them: each long option's values, in order. */
function optionsOf(args: readonly string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const put = (name: string, value: string): void => void out.set(name, [...(out.get(name) ?? []), value]);
  for (let i = 0; i < args.length; i += 1) {
    const a = args[i]!;
    if (a === '--') {
      for (const w of args.slice(i + 1)) put('', w);
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq < 0 ? a : a.slice(0, eq);
      if (eq >= 0) put(name, a.slice(eq + 1));
      else if (VALUED.has(name) && i + 1 < args.length) put(name, args[(i += 1)]!);
      else if (OPTIONAL.has(name) && args[i + 1] !== undefined && !args[i + 1]!.startsWith('-'))
        put(name, args[(i += 1)]!);
      else put(name, '');
      continue;
    }
    if (!a.startsWith('-') || a.length < 2) {
      put('', a); // a positional: audit's [path], verify's [range]
      continue;
    }
    // Short flags together (`-qv`), the first that takes a value takes the rest or the next word.
    for (let k = 1; k < a.length; k += 1) {
      const name = SHORT[a[k]!];
      if (!name) continue;
      const rest = a.slice(k + 1);
      if (rest) put(name, rest);
      else if (i + 1 < args.length) put(name, args[(i += 1)]!);
      break;
    }
  }
  return out;
}

/** A list option's names (repeatable and comma-separated, as options.ts `list` reads them). */
const listed = (values: readonly string[] | undefined): string[] =>
  (values ?? []).flatMap((v) => v.split(',').map((x) => x.trim())).filter(Boolean);

/**
 * Whether the options name the checkout as the repository and git on the runner as git. The
 * repository named (`.`, `$GITHUB_WORKSPACE`, `repo` where `actions/checkout` put the change) or,
 * with none, the folder gitguard runs in must be a checkout's root (step-folder.ts): any other
 * (`ci/clean.git`, a bare repository committed as plain files, or `/tmp/x` made by an earlier step)
 * is a repository the change chose, and auditing it gates nothing.
 */
function readsCheckout(opts: Map<string, string[]>, positional: readonly string[], at: Place): boolean {
  const named = [...(opts.get('--repo') ?? []), ...positional];
  const root = (p: string): boolean => inCheckout({ ...at, folder: namedFolder(p, at.folder, true) });
  return (
    (named.length ? named.every(root) : inCheckout(at)) &&
    (opts.get('--git') ?? []).every((g) => RUNNER_GIT.test(g.trim()))
  );
}

/** Whether `gitguard verify <args>` (the words after `verify`) judges the change: not a range from HEAD (`HEAD..HEAD`, `$GITHUB_SHA..`). */
export function verifyGates(args: readonly string[], global: readonly string[] = [], at: Place = ROOT): boolean {
  const opts = optionsOf([...global, ...args]);
  const range = optionsOf(args).get('') ?? [];
  if (!readsCheckout(opts, [], at) || !fixedStart(opts)) return false;
  const dots = range[0]?.match(/^(.*?)\.\.\.?(.*)$/);
  return !dots || baseGates(dots[1]!.trim() || 'HEAD', at.triggers);
}

/** Whether `gitguard audit <args>` (the words after `audit`) fails on an unsigned or unauthorized change. */
export function auditGates(args: readonly string[], global: readonly string[] = [], at: Place = ROOT): boolean {
  const opts = optionsOf([...global, ...args]);
  const last = (name: string): string | undefined => opts.get(name)?.at(-1);
  // `--forge PATH` gives the path back (program.ts): it names the repository.
  const forgePath = (opts.get('--forge') ?? []).filter((v) => v && !FORGE_KINDS.has(v));
  if (!readsCheckout(opts, [...(optionsOf(args).get('') ?? []), ...forgePath], at) || !fixedStart(opts)) return false;
  const failOn = last('--fail-on');
  // A value named by a variable the reading cannot know counts as the one the runner could give.
  if (failOn !== undefined && !failOn.includes('$') && !GATING_FAIL_ON.has(failOn)) return false;
  const rules = listed(opts.get('--rule'));
  const threats = listed(opts.get('--threat'));
  // A selection named by a variable may be any: the runner could run the check.
  if (![...rules, ...threats].some((v) => v.includes('$'))) {
    const selected = ([id, threat]: readonly [string, string]): boolean =>
      (!rules.length || rules.includes(id)) && (!threats.length || threats.includes(threat));
    if (!GATE_RULES.every(selected)) return false;
  }
  // Only the commits after --base are judged: after the checked-out commit there are none, and a
  // value the run chooses may be that commit (base-revision.ts).
  const from = last('--base');
  return from === undefined || baseGates(from, at.triggers);
}

/** gitguard's own GitHub Action (`uses: <owner>/gitguard@<ref>`, action.yml at the repository's root). */
export const OWN_ACTION = /^[\w.-]+\/gitguard@[^/\s]+$/;

/**
 * Whether gitguard's action with these `with:` inputs fails the job on an unsigned or unauthorized
 * change: action.yml runs `gitguard audit <path> --fail-on <fail-on> [--threat <threats>] <args>`
 * (threats default to all but client, empty for all four; args split at spaces) and fails by its exit;
 * `at`: where the step runs (its `path:` read from there, step-folder.ts).
 */
export function actionGates(input: (name: string) => unknown, at: Place = ROOT): boolean {
  // A map or list where the action takes text: the runner refuses the workflow, which then runs nothing.
  const text = (name: string, fallback: string): string | undefined => {
    const v = input(name);
    if (v === undefined || v === null) return fallback;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    return typeof v === 'string' ? v : undefined;
  };
  const [path, failOn, threats, more] = [
    text('path', '.'),
    text('fail-on', 'low'),
    text('threats', 'impersonation,history,protections'),
    text('args', ''),
  ];
  if (path === undefined || failOn === undefined || threats === undefined || more === undefined) return false;
  const args = [path, '--fail-on', failOn, ...(threats ? ['--threat', threats] : [])];
  // The runner writes each `${{ x }}` in before the action splits `args`: an object id GitHub sets is
  // one word (`--base ${{ github.event.before }}`); any other value may be several, or none.
  const words = expressionWords(more.split(/\s+/).filter(Boolean)).flatMap((w) =>
    w.includes('${{') && !FORGE_ID.test(w) ? w.split(' ') : [w],
  );
  return auditGates([...args, ...words], [], at);
}

/** An expression the forge sets to one commit id of the push or pull request (`${{ github.event.before }}`, `${{ github.sha }}`). */
const FORGE_ID =
  /^\$\{\{\s*(?:github|gitea|forgejo)\.(?:sha|event\.(?:before|after|pull_request\.(?:base|head)\.sha|merge_group\.base_sha))\s*\}\}$/;

/** gitguard's options that read a file: what it suppresses (`--baseline`) and whose keys it trusts. */
const FILE_OPTIONS = ['--baseline', '--keyring', '--allowed-signers', '--revoked-keys'];

/**
 * The files the gitguard commands of a script read through their options (`--baseline F`,
 * `--allowed-signers=F`): a file of the checkout there is chosen by whoever changes it (a finding's
 * fingerprint added to the baseline, a key added to the signers), so the gate's chain watches it as
 * it watches the workflow (collect/gate-chains.ts): only a maintainer changes it without a finding.
 */
export function gitguardFiles(script: string): string[] {
  const out: string[] = [];
  for (const line of script.split(/\r?\n/))
    if (/\bgitguard\b/.test(line)) {
      const opts = optionsOf(
        line
          .trim()
          .split(/\s+/)
          .map((w) => w.replace(/^(['"])(.*)\1$/, '$2')),
      );
      for (const o of FILE_OPTIONS) out.push(...(opts.get(o) ?? []).filter(Boolean));
    }
  return out;
}

/**
 * Whether gitguard's arguments `args` (its command's words past the `audit` or `verify` word) name no
 * path: no repository (`-C`, `--repo`, a positional but `.`) and no file its options read
 * (FILE_OPTIONS): it reads the repository of the folder it runs in and nothing else of the workspace.
 */
export function namesNoPath(args: readonly string[]): boolean {
  const opts = optionsOf(args);
  return (
    (opts.get('') ?? []).every((p) => p === '.' || p === './') && !['--repo', ...FILE_OPTIONS].some((o) => opts.has(o))
  );
}

/**
 * The paths audit's `args` name, as given: `repos`, the repository it opens (`-C`, `--repo`, a
 * positional: audit's path, verify's range read as one too); `files`, those its file options read.
 */
export function namedPaths(args: readonly string[]): { repos: string[]; files: string[] } {
  const opts = optionsOf(args);
  const repos = [...(opts.get('') ?? []), ...(opts.get('--repo') ?? [])];
  return { repos, files: FILE_OPTIONS.flatMap((o) => opts.get(o) ?? []) };
}

/** A full object id, as `--trust-root` names a commit the change cannot be. */
const FULL_ID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/i;
/**
 * What may set a variable without its name written (`read`, `eval`, a sourced file, `printf -v`,
 * `declare "$n=x"`, `let` and `(( ))` on an expanded name, `${!n}`): a script with one keeps its
 * variables unknown.
 */
/** INDIRECT's parts but for `source` and `.`: what sets a variable without naming it other than a sourced file. */
const UNNAMED_SETTERS = [
  String.raw`(?:^|[\s;&|(){}\x60])(?:eval|read|readarray|mapfile|getopts|let)(?=[\s;&|)]|$)`,
  String.raw`\bprintf\s+(?:-\S+\s+)*-v`,
  String.raw`\b(?:export|declare|typeset|local|readonly)\s+(?:-\S*\s+)*[^A-Za-z_\s;&|)]`,
  String.raw`\(\(|\$\{!`,
];
const INDIRECT = new RegExp(
  [
    String.raw`(?:^|[\s;&|(){}\x60])source(?=[\s;&|)]|$)`,
    // `.` sources a file only as a command's name (`. ./env.sh`, `X=1 . f`, `if . f`), not as a word (`audit .`).
    String.raw`(?:^|[;&|(){}\x60!]|\b(?:then|do|else|if|elif|while|until|command|builtin|exec|time)\b)[ \t]*(?:-\w+[ \t]+)*(?:[A-Za-z_]\w*=\S*[ \t]+)*\.(?=[\s;&|)]|$)`,
    ...UNNAMED_SETTERS,
  ].join('|'),
  'm',
);
/**
 * INDIRECT in the texts run before a checkout file (withForgeBasesOwned `ran`): a file they source
 * is one of them, read at the commit before the file (checkout-runs.ts; one not read runs no gate),
 * so only the other setters count.
 */
const INDIRECT_BUT_SOURCED = new RegExp(UNNAMED_SETTERS.join('|'), 'm');
/** Whether `text` may set a variable without naming it (INDIRECT); `sourced` false: a file it sources aside. */
export const setsUnnamed = (text: string, sourced = true): boolean =>
  (sourced ? INDIRECT : INDIRECT_BUT_SOURCED).test(text);

/**
 * A value the shell reads back as the same words wherever it is written in: no quote, `$`, backslash,
 * glob, tab or separator. One with a space is several words unquoted (GitLab's `GITGUARD_ARGS: --all
 * --quiet` in `gitguard audit $GITGUARD_ARGS`), one in double quotes.
 */
const PLAIN_VALUE = /^[\w@%+=:,./ -]*$/;
/**
 * GitLab's predefined variables holding one commit id of the pipeline, which GitLab writes into a
 * `variables:` value naming them (`GITGUARD_ARGS: --base $CI_COMMIT_BEFORE_SHA`): as words of a
 * plain value they stay themselves, read as the same word written in the script (`--base
 * $CI_COMMIT_SHA` judges nothing: base-revision.ts). Only where the job sets none of them itself.
 */
const GITLAB_ID_WORD =
  /(?<=^| )\$(?:CI_COMMIT_BEFORE_SHA|CI_COMMIT_SHA|CI_COMMIT_SHORT_SHA|CI_MERGE_REQUEST_(?:DIFF_BASE|SOURCE_BRANCH|TARGET_BRANCH)_SHA)(?= |$)|(?<=^| )\$\{(?:CI_COMMIT_BEFORE_SHA|CI_COMMIT_SHA|CI_COMMIT_SHORT_SHA|CI_MERGE_REQUEST_(?:DIFF_BASE|SOURCE_BRANCH|TARGET_BRANCH)_SHA)\}(?= |$)/g;
/** Whether `value` is plain once GitLab's commit id words the job does not set are left out (GITLAB_ID_WORD). */
const plainGitlabValue = (value: string, vars: ReadonlyMap<string, string>): boolean =>
  PLAIN_VALUE.test(value.replace(GITLAB_ID_WORD, (word) => (vars.has(word.replace(/[${}]/g, '')) ? '$' : '')));

/**
 * `script` with the variables the CI file sets written in (`--trust-root "$ROOT"` with `env: ROOT:
 * <id>`, a job's or the workflow's, or GitLab's `variables:`): a full object id, and with `plain` (a
 * GitLab job, whose `variables:` the runner exports as given) any PLAIN_VALUE (GitLab's commit id
 * variables as words of it: GITLAB_ID_WORD), one with a space only
 * where it stands as a whole word unquoted or double-quoted (not `X=$V`, `"a $V"`). Only where the
 * script names each such variable in no other way than `$X`, `${X}` or `${{ env.X }}` (never
 * assigns, exports or unsets it) and sets none without naming it (INDIRECT: `read -a`), the runner
 * reads no startup file into it (BASH_ENV, ENV), and no earlier step's `$GITHUB_ENV` lines name it
 * (`earlier`: their scripts; a runner applies those over the job's `env:` and, in older versions,
 * over the step's). Any other value stays a variable: a `--trust-root` read as the change's own
 * (fixedStart), a word of audit's options as one the reading cannot know.
 */
export function withFixedIds(written: string, given: ReadonlyMap<string, string>, earlier = '', plain = false): string {
  const script = forgeBasesJoined(written);
  const vars = new Map([...given].map(([k, v]) => [k, forgeBasesJoined(v)]));
  if (!script.includes('$') || vars.has('BASH_ENV') || vars.has('ENV') || INDIRECT.test(script))
    return withForgeBasesOwned(script, vars, earlier);
  let out = script;
  for (const [name, value] of vars) {
    // A forge's expression for the commit before the change (`BEFORE: ${{ github.event.before }}`): GitHub writes it in.
    const forgeSet = forgeBase(value) && !/\$(?!\{\{)/.test(value);
    if (!(FULL_ID.test(value) || forgeSet || (plain && plainGitlabValue(value, vars))) || !/^[A-Za-z_]\w*$/.test(name))
      continue;
    const use = new RegExp(String.raw`\$\{\{\s*env\.${name}\s*\}\}|\$\{${name}\}|\$${name}(?!\w)`, 'g');
    // `${X:+words}`: the words where X is set and not empty, else nothing (`${T:+--threat "$T"}`).
    const alternate = new RegExp(String.raw`\$\{${name}:\+([^{}\x60]*)\}`, 'g');
    const named = new RegExp(String.raw`(?<![\w-])${name}(?!\w)`);
    if (named.test(script.replace(alternate, '$1').replace(use, '')) || named.test(earlier)) continue;
    out = out.replace(alternate, (_all, words: string) => (value ? words : ''));
    // Several words: only a whole word (`$V`, `"${V}"`) between blanks or a line's ends and separators.
    const whole = new RegExp(String.raw`(?<=^|[ \t])("?)(?:\$\{${name}\}|\$${name})\1(?=[ \t;&|)]|$)`, 'gm');
    out = value.includes(' ') ? out.replace(whole, (_all, q: string) => `${q}${value}${q}`) : out.replace(use, value);
  }
  return withForgeBasesOwned(out, vars, earlier);
}

/**
 * `script` with each forge variable for where the change starts (FORGE_BASE_NAMES: `$CI_COMMIT_BEFORE_SHA`,
 * `$GITHUB_BASE_REF`) that the job sets itself renamed to a variable nobody knows: one the CI file's
 * variables or an earlier step's `$GITHUB_ENV` lines name, or the script names other than to read it
 * (`CI_COMMIT_BEFORE_SHA=HEAD`, `export`, `unset`) or may set without naming it (INDIRECT: `read`,
 * `eval`, a sourced file); `ran`: the texts run before it in the job (the step's script that runs
 * this file, the files read before), which count as the script does; `sourcesRead`: the files the
 * script sources were read and set none (sourced-bases.ts), so its `.`/`source` set nothing. Read
 * then as any variable (base-revision.ts): no gate.
 */
export function withForgeBasesOwned(
  script: string,
  vars: ReadonlyMap<string, string> = new Map(),
  earlier = '',
  ran = '',
  sourcesRead = false,
): string {
  let out = script;
  // What ran before in the job (the step that runs this file) sets by name or may set without one (`eval`).
  const indirect = setsUnnamed(script, !sourcesRead) || INDIRECT_BUT_SOURCED.test(ran);
  for (const name of FORGE_BASE_NAMES) {
    const use = new RegExp(String.raw`\$\{${name}\}|\$${name}(?!\w)`, 'g');
    // `${X:-default}` and `${X-default}` read X too (base-revision.ts: a forge id with another as its default).
    const withDefault = new RegExp(String.raw`\$\{${name}(?=:?-)`, 'g');
    const named = new RegExp(String.raw`(?<![\w-])${name}(?!\w)`);
    if (out.search(use) < 0 && out.search(withDefault) < 0) continue;
    const said = `${earlier}\n${ran}`.replace(use, '').replace(withDefault, '');
    if (indirect || vars.has(name) || named.test(said) || named.test(out.replace(use, '').replace(withDefault, '')))
      out = out.replace(use, `$${name}_SET_BY_JOB`).replace(withDefault, `\${${name}_SET_BY_JOB`);
  }
  return out;
}
