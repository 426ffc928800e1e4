// How GitHub Actions (and Forgejo's and Gitea's runners, which read the same workflows) run a
// workflow's gitguard step, as far as whether it gates a change: the events that start the workflow
// (`on:`) and the shell a step's `run:` runs in (domain/shell-gate.ts judges the script in it).
import type { ShellMode } from './shell-state.js';
import { base, gitguardCall, SHELLS } from './gitguard-call.js';
import { ROOT, type Place } from './step-folder.js';
import { GITGUARD_WORD } from './ci-words.js';
import { foreignFileCommand, plainPackageLine } from './pwsh-code.js';
import { writesFiles } from './written-targets.js';

/**
 * Events that never run for a change pushed or proposed: a workflow started only by them checks no
 * change before it lands (a scheduled or hand-started audit reports after the fact).
 */
const NO_CHANGE_EVENTS = new Set([
  ...['schedule', 'workflow_dispatch', 'repository_dispatch', 'release', 'issues', 'issue_comment'],
  ...['discussion', 'discussion_comment', 'label', 'milestone', 'page_build', 'project', 'project_card'],
  ...['project_column', 'public', 'registry_package', 'status', 'watch', 'fork', 'gollum', 'deployment'],
  ...['deployment_status', 'branch_protection_rule', 'create', 'delete'],
]);

/**
 * Whether a workflow whose `on:` names `events` (undefined: no `on:`, an action's file) can run for a
 * change: one event that is no NO_CHANGE_EVENTS (push, pull_request, merge_group, one not known here)
 * is enough; `called` (a workflow that starts runs it), any.
 */
export function runsForChanges(events: readonly unknown[] | undefined, called = false): boolean {
  // `workflow_call`: a reusable workflow runs only where a workflow that starts calls it.
  const never = (e: unknown): boolean =>
    typeof e === 'string' && (NO_CHANGE_EVENTS.has(e) || (!called && e === 'workflow_call'));
  return events === undefined || called || events.some((e) => !never(e));
}

/** The events a workflow's `on:` value names (a name, a list, a map of them); undefined: no `on:`. */
export function eventsOf(on: unknown): unknown[] | undefined {
  if (on === undefined) return undefined;
  if (on instanceof Map) return [...(on as Map<unknown, unknown>).keys()];
  return Array.isArray(on) ? (on as unknown[]) : [on];
}

/** `${{ matrix.x }}` alone: a value each job of the matrix gives as it lists it. */
const MATRIX_REF = /^\s*\$\{\{\s*matrix\.([A-Za-z_][\w-]*)\s*\}\}\s*$/;

/**
 * The values `value` (a `runs-on:` label, a `shell:`) takes in the jobs of a job whose `strategy:` is
 * `strategy` (plain data, maps as Map): itself, or for `${{ matrix.x }}` each string the list `matrix: x:`
 * and the `include:` entries give it. Undefined where they are not all written out (another expression,
 * `matrix: ${{ fromJSON(...) }}`, an include that leaves x empty): any value then.
 */
export function matrixChoices(value: unknown, strategy: unknown): unknown[] | undefined {
  const name = typeof value === 'string' ? MATRIX_REF.exec(value)?.[1] : undefined;
  if (name === undefined) return typeof value === 'string' && value.includes('${{') ? undefined : [value];
  const matrix: unknown = strategy instanceof Map ? (strategy as Map<unknown, unknown>).get('matrix') : undefined;
  if (!(matrix instanceof Map)) return undefined;
  const listed: unknown = matrix.get(name);
  const include: unknown = matrix.get('include') ?? [];
  if ((listed !== undefined && !Array.isArray(listed)) || !Array.isArray(include)) return undefined;
  const out: unknown[] = [...((listed as unknown[] | undefined) ?? [])];
  for (const e of include as unknown[]) {
    if (!(e instanceof Map)) return undefined;
    if (e.has(name)) out.push(e.get(name));
    else if (listed === undefined) return undefined; // a job of its own with x empty
  }
  if (!out.length || out.some((v) => typeof v !== 'string' || v.includes('${{'))) return undefined;
  return [...new Set(out)];
}

/**
 * Whether `${{ matrix.x }}` (a `continue-on-error:`) may be true in some job of the matrix `strategy`
 * makes: a value the list `matrix: x:` or an `include:` entry gives that is not false, 0, null or empty,
 * or a matrix not written out. Any other value: false (a literal `true` is switchedOff's).
 */
export function matrixMayBeTrue(value: unknown, strategy: unknown): boolean {
  const name = typeof value === 'string' ? MATRIX_REF.exec(value)?.[1] : undefined;
  if (name === undefined) return false;
  const matrix: unknown = strategy instanceof Map ? (strategy as Map<unknown, unknown>).get('matrix') : undefined;
  if (!(matrix instanceof Map)) return true;
  const listed: unknown = matrix.get(name) ?? [];
  const include: unknown = matrix.get('include') ?? [];
  if (!Array.isArray(listed) || !Array.isArray(include) || include.some((e) => !(e instanceof Map))) return true;
  const values = [...(listed as unknown[]), ...(include as Array<Map<unknown, unknown>>).map((e) => e.get(name))];
  return values.some((v) => v !== undefined && v !== null && v !== false && v !== 0 && v !== '');
}

const WINDOWS = /^windows\b/i;

/**
 * The shells the steps below a job or workflow may run in where they name none: its own `defaults: run:
 * shell:`, else the inherited one (a workflow's `defaults:` hold on every runner); where none is named,
 * a job on a Windows runner (`runs-on: windows-latest`) runs pwsh. A label `${{ matrix.os }}` is each
 * value the matrix gives (matrixChoices), any other expression a Windows runner or not.
 */
export function defaultShells(
  own: unknown,
  inherited: readonly unknown[],
  runsOn: readonly unknown[],
  strategy: unknown,
): unknown[] {
  if (typeof own === 'string') return [own];
  if (inherited.some((s) => s !== undefined)) return [...inherited];
  const labels = runsOn.map((l) => matrixChoices(l, strategy));
  const windows = (l: unknown): boolean => typeof l === 'string' && WINDOWS.test(l.trim());
  // One label naming Windows picks a Windows runner; every label must allow another for one.
  const onWindows = labels.some((vs) => !vs || vs.some(windows));
  const elsewhere = labels.every((vs) => !vs || vs.some((l) => !windows(l)));
  return [...(elsewhere ? inherited : []), ...(onWindows ? ['pwsh'] : [])];
}

/**
 * Whether a step's `run:` gates in every shell it may run in: its own `shell:`, else each of `shells`
 * (defaultShells), a `${{ matrix.shell }}` each value of the matrix: `posix` judges a POSIX shell's
 * script, otherShellGates another's (`other`, as written: a line naming gitguard, as scriptGates asks of
 * a POSIX one; `Write-Host hi` is a command, no gate); `at`: the folder it runs in and where the change is checked out.
 */
export function stepGates(
  own: unknown,
  shells: readonly unknown[],
  strategy: unknown,
  script: string,
  posix: (script: string, mode: ShellMode, at: Place) => boolean,
  at: Place = ROOT,
  other: (line: string, at: Place) => boolean = (line, p) =>
    GITGUARD_WORD.test(line) && gitguardCall(line.split(/[ \t]+/), p) === 'check',
): boolean {
  const named = typeof own === 'string' ? [own] : shells;
  const each = named.flatMap((s) => matrixChoices(s, strategy) ?? [s]);
  return (
    each.length > 0 &&
    each.every((s) => {
      const mode = runMode(s, undefined);
      if (mode) return posix(script, mode, at);
      return otherShellGates(
        s,
        script,
        (line) => other(line, at),
        (text) => posix(text, PWSH_LINES, at),
      );
    })
  );
}

/** pwsh running plain lines: a failing program stops nothing, the step's status the last one's (GitHub ends it with `exit $LASTEXITCODE`). */
const PWSH_LINES: ShellMode = { errexit: false, pipefail: false, actions: true };

/** GitHub's shell when none is named: `bash -e {0}` (sh -e without bash): errexit, no pipefail. */
const UNNAMED: ShellMode = { errexit: true, pipefail: false, actions: true };

/** How a step's script runs: its `shell:`, else `inherited` (defaultShell); undefined: no POSIX shell (pwsh, python). */
function runMode(own: unknown, inherited: unknown): ShellMode | undefined {
  const shell = typeof own === 'string' ? own : inherited;
  if (shell === undefined || shell === null) return UNNAMED;
  // `shell: ${{ matrix.shell }}` may be python, which reads no line as bash does: no gate.
  if (typeof shell !== 'string' || shell.includes('${{')) return undefined;
  return shellMode(shell);
}

/** How a shell command (GitHub's `shell:`, `{0}` the script) runs a script; undefined: not a POSIX shell read here. */
function shellMode(shell: string): ShellMode | undefined {
  const words = shell.trim().split(/\s+/);
  if (words[0] === 'bash' && words.length === 1) return { errexit: true, pipefail: true, actions: true };
  if (words[0] === 'sh' && words.length === 1) return { errexit: true, pipefail: false, actions: true };
  if (!SHELLS.has(base(words[0] ?? '')) || !words.includes('{0}')) return undefined;
  const mode = { errexit: false, pipefail: false, actions: true };
  for (let i = 1; i < words.length && words[i] !== '{0}'; i += 1) {
    const w = words[i]!;
    if (!w.startsWith('-') && !w.startsWith('+')) return undefined; // a script of its own runs {0}
    if (w.startsWith('--')) continue;
    if (w.slice(1).includes('e')) mode.errexit = w[0] === '-';
    if (w.slice(1).includes('o') && words[i + 1] === 'pipefail') mode.pipefail = w[0] === '-';
    if (w.slice(1).includes('o')) i += 1;
  }
  return mode;
}

/**
 * Whether a step run by a shell other than a POSIX one (pwsh, cmd, python...) gates: only a pwsh or
 * cmd script that is one command alone, one line of plain words (GitHub ends a pwsh step with `exit
 * $LASTEXITCODE`; cmd's status is its last command's), and that command a check (`line`: read as
 * written, gitguardCall; with the checkout, what it runs). A python `print("gitguard audit")` or a
 * pwsh `gitguard audit; exit 0` runs no gate. In pwsh, lines of a package manager before that one
 * (`npm ci`) are read by `posixLines` (bash without -e) with it, as a bash step's.
 */
function otherShellGates(
  shell: unknown,
  script: string,
  line: (script: string) => boolean,
  posixLines: (script: string) => boolean,
): boolean {
  if (typeof shell !== 'string' || !/^(?:pwsh|powershell|cmd)\b/i.test(shell.trim())) return false;
  const text = script.trim();
  const lines = text.split(/[ \t]*\r?\n[ \t]*/);
  // pwsh (not cmd: a `.cmd` program run without `call` ends cmd's script there) running plain package
  // manager lines (`npm ci`, pwsh-code.ts plainPackageLine) before the check on the last line: read as
  // bash without -e reads the same words, the check's status the step's.
  if (lines.length > 1 && /^(?:pwsh|powershell)\b/i.test(shell.trim()))
    return (
      lines.slice(0, -1).every(plainPackageLine) &&
      otherShellGates(shell, lines.at(-1)!, line, posixLines) &&
      posixLines(text)
    );
  // A command that writes the files it names (`Copy-Item x ci/gate.sh`, `cp x ci/gitguard.sh`) runs none of them.
  const words = text.split(/[ \t]+/);
  if (foreignFileCommand(words[0]!) || writesFiles(words)) return false;
  return /^[\w@./:=-]+(?:[ \t]+[\w@./:=-]+)*$/.test(text) && line(text);
}

/** `steps.<id>.outcome == 'failure'` (or `!= 'success'`, after `always() &&`), as a step's whole `if:`. */
const OUTCOME_FAILED =
  /^\s*(?:\$\{\{\s*)?(?:always\(\)\s*&&\s*)?steps\.([A-Za-z_][\w-]*)\.outcome\s*(?:==\s*'failure'|!=\s*'success')\s*(?:\}\})?\s*$/;

/**
 * The step id whose failure a later step turns into the job's (`if: steps.audit.outcome == 'failure'`
 * with `run: exit 1`): that step's `continue-on-error: true` lets the upload run first, and the job
 * still fails with it. Undefined: the step fails on no other step's outcome.
 */
export function failsOnOutcome(condition: unknown, run: unknown, lenient: unknown): string | undefined {
  if (typeof condition !== 'string' || typeof run !== 'string' || lenient === true) return undefined;
  if (!/^\s*(?:exit\s+0*[1-9]\d*|false)\s*$/.test(run)) return undefined;
  return OUTCOME_FAILED.exec(condition)?.[1];
}

/** A step of a list as checkedIds reads it: its `id:`, and failsOnOutcome's `if:`, `run:`, `continue-on-error:`. */
export interface OutcomeStep {
  id: unknown;
  if: unknown;
  run: unknown;
  lenient: unknown;
}

/**
 * The ids of a list's steps whose failure a later step of it fails the job on (failsOnOutcome), where
 * the step of that id comes before it (one not run yet has no outcome). One walk, the ids seen so far
 * in a set: 45,000 aliases of one such step, each scanning the list before it, took minutes.
 */
export function checkedIds(steps: readonly OutcomeStep[]): Set<string> {
  const [seen, out] = [new Set<unknown>(), new Set<string>()];
  for (const step of steps) {
    const id = failsOnOutcome(step.if, step.run, step.lenient);
    if (id !== undefined && seen.has(id)) out.add(id);
    seen.add(step.id);
  }
  return out;
}

/** `[ "$GITHUB_EVENT_NAME" = schedule ]` (`!=`, `==`, either side) where a change runs a workflow: its answer. */
export function eventTest(args: readonly string[]): boolean | undefined {
  const [a, op, b, close] = args;
  if (args.length !== (close === undefined ? 3 : 4) || !['=', '==', '!='].includes(op ?? '')) return undefined;
  const isEvent = (w: string): boolean =>
    /^(?:\$GITHUB_EVENT_NAME|\$\{GITHUB_EVENT_NAME\}|\$\{\{\s*github\.event_name\s*\}\})$/.test(w);
  const other = isEvent(a!) ? b! : isEvent(b!) ? a! : undefined;
  if (other === undefined || !NO_CHANGE_EVENTS.has(other)) return undefined;
  return op === '!=';
}

/**
 * The keys of a GitHub workflow's or action's map whose values may run gitguard where they name it
 * (a mention): a step's `uses:` and `with:` (the action it runs and what it passes; its `run:` is
 * judged as a script), a job's `steps:` or the reusable workflow it calls (`uses:`, `with:`), a
 * workflow's `jobs:`, an action's `runs:` and its inputs' `default:`s. A `name:`, `id:`, `if:`,
 * `env:` or `on:` names gitguard without running it (`name: gitguard audit` over `run: echo
 * skipped`). Undefined: a map of no such shape (another CI system's), each of whose values may run it.
 * `value`: the map's values by key; `under`, `above`: the keys it lies under (a list's items under
 * the list's); `top`: a document's map.
 */
export function runningKeys(
  value: (key: string) => unknown,
  keys: readonly unknown[],
  [under, above]: readonly [unknown, unknown],
  top: boolean,
): ReadonlySet<string> | undefined {
  const has = (k: string): boolean => keys.includes(k);
  if (top && has('jobs') && has('on')) return WORKFLOW;
  if (top && has('runs') && !has('jobs')) return ACTION;
  if (!top && above === 'inputs') return INPUT;
  // A step's `run:` as text (CircleCI's `run:` is a map of its own: read whole).
  const text = (k: string): boolean => typeof value(k) === 'string';
  if (under === 'steps' && (text('run') || text('uses'))) return STEP;
  if (!top && (has('runs-on') || (text('uses') && !has('steps')))) return JOB;
  return undefined;
}

const WORKFLOW: ReadonlySet<string> = new Set(['jobs']);
const ACTION: ReadonlySet<string> = new Set(['runs', 'inputs']);
const INPUT: ReadonlySet<string> = new Set(['default']);
const STEP: ReadonlySet<string> = new Set(['uses', 'with']);
const JOB: ReadonlySet<string> = new Set(['steps', 'uses', 'with']);
