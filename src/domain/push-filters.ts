// Whether a CI file's triggers run it for a change to a protected branch: GitHub's (and Forgejo's,
// Gitea's) `on: push: branches:`/`branches-ignore:`/`tags:`, `pull_request: branches:`/`types:`,
// a job's `if:` that is constant for such a change, GitLab's `only:`/`except:` refs. A workflow
// `on: push: branches: [nope]` runs gitguard for no change to main: it gates nothing. Filter patterns
// as GitHub's "Filter pattern cheat sheet" states them: `*` any characters but `/`, `**` any, `?` and
// `+` zero-or-one and one-or-more of the character before, `[...]` a class, `!` (a pattern after the
// first) leaves out what it matches, the last pattern that matches deciding. What a run's values decide
// (an `if:` on `github.actor`) counts as running: the runner could run it.

import { RE2JS } from 're2js';
import { eventsOf, runsForChanges } from './actions-run.js';
import { workflowTriggers, type BaseTriggers } from './base-triggers.js';

/** GitHub's filter pattern as a RegExp over a whole ref name (a branch's name without refs/heads/). */
function filterPattern(pattern: string): Linear {
  let out = '';
  for (let i = 0; i < pattern.length; i += 1) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) out += escape(pattern[(i += 1)]!);
    else if (c === '*' && pattern[i + 1] === '*') {
      out += '.*';
      i += 1;
    } else if (c === '*') out += '[^/]*';
    else if (c === '?' || c === '+') out += c;
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) out += '\\[';
      else {
        out += `[${pattern.slice(i + 1, end).replace(/[\\\]^]/g, (x) => `\\${x}`)}]`;
        i = end;
      }
    } else out += escape(c);
  }
  try {
    return linear(`^(?:${out})$`);
  } catch {
    return { test: () => false }; // a pattern GitHub cannot read matches nothing
  }
}

/** A whole-name expression run on RE2: a CI file's patterns (`*a*a*a*...`) cannot make it backtrack. */
interface Linear {
  test(name: string): boolean;
}
const linear = (source: string): Linear => {
  const re = RE2JS.compile(source, RE2JS.DOTALL);
  return { test: (name) => re.matcher(name).find() };
};

const escape = (c: string): string => c.replace(/[.*+?^${}()|[\]\\/]/g, (x) => `\\${x}`);

/** Whether a name is in the set a list of patterns names (`!` ones leave out; the last match decides). */
function matcher(patterns: readonly unknown[]): (name: string) => boolean {
  const compiled = patterns.flatMap((p) => {
    if (typeof p !== 'string' && typeof p !== 'number') return [];
    const s = String(p);
    const negated = s.startsWith('!');
    return [{ negated, re: filterPattern(negated ? s.slice(1) : s) }];
  });
  return (name) => {
    let inside = false;
    for (const { negated, re } of compiled) if (re.test(name)) inside = !negated;
    return inside;
  };
}

/** What a change to a protected branch is: the branches (undefined: any) and the tip's files (undefined: any). */
export interface GateScope {
  branches?: readonly string[];
  files?: readonly string[];
}

/** A filter's list (`branches: main` is one pattern). */
const listOf = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);
const get = (m: unknown, key: string): unknown =>
  m instanceof Map ? (m as Map<unknown, unknown>).get(key) : undefined;

/**
 * Whether an event's filters (`branches`, `branches-ignore`) let it run for one of `branches` (the
 * protected ones; undefined: any name could be). `tagsOnly`: a push filter naming tags and no branches
 * runs for tags alone.
 */
function branchFilterRuns(filter: unknown, branches: readonly string[] | undefined, tagsOnly: boolean): boolean {
  const only = get(filter, 'branches');
  const ignore = get(filter, 'branches-ignore');
  if (only === undefined && ignore === undefined) return !tagsOnly;
  // No protected names known (outside a walk): a filter runs unless it names no branch at all.
  if (branches === undefined)
    return only !== undefined
      ? listOf(only).some((p) => !String(p).startsWith('!'))
      : !listOf(ignore).some((p) => p === '**');
  const match = matcher(listOf(only ?? ignore));
  return branches.some((b) => match(b) === (only !== undefined));
}

/**
 * Whether a change to most files starts a run: more than half of the files the tip holds (`starts`:
 * whether a change to that file alone does). A gate a change to most files does not start does not
 * gate the branch (`paths: [README.md]`: an unsigned change to the code lands unaudited); one that
 * leaves out a few files (`paths-ignore: ['**.md']`, docs) still audits the history at the next change
 * it starts. Files not known (outside a walk, a tree too large to list): it runs.
 */
function startsForMost(files: readonly string[] | undefined, starts: (file: string) => boolean): boolean {
  if (files === undefined || !files.length) return true;
  let n = 0;
  for (const f of files) if (starts(f)) n += 1;
  return n * 2 > files.length;
}

/**
 * Whether an event's `paths:`/`paths-ignore:` let a change to most of the tip's files run it
 * (startsForMost): `paths: [README.md]` runs for few changes, `paths-ignore: [docs/**]` for the code.
 */
function pathFilterRuns(filter: unknown, files: readonly string[] | undefined): boolean {
  const only = get(filter, 'paths');
  const ignore = get(filter, 'paths-ignore');
  if (files === undefined || (only === undefined && ignore === undefined)) return true;
  const match = matcher(listOf(only ?? ignore));
  return startsForMost(files, (f) => match(f) === (only !== undefined));
}

/** The activity types of a pull request that run for the change before it lands (GitHub's default three). */
const CHANGE_TYPES = new Set(['opened', 'synchronize', 'reopened']);

/**
 * Whether an event of `on:` (parsed, maps as Map) runs for a change to a protected branch: push and
 * merge_group through their branch filters, pull_request(_target) through their base-branch filters and
 * `types:` (`[closed]` runs after the merge). Any other event: undefined (actions-run.ts decides).
 */
function eventRuns(event: unknown, filter: unknown, { branches, files }: GateScope): boolean | undefined {
  if (event === 'push') {
    const tags = get(filter, 'tags') !== undefined || get(filter, 'tags-ignore') !== undefined;
    return branchFilterRuns(filter, branches, tags) && pathFilterRuns(filter, files);
  }
  if (event === 'merge_group') return branchFilterRuns(filter, branches, false);
  if (event === 'pull_request' || event === 'pull_request_target') {
    const types = get(filter, 'types');
    if (types !== undefined && !listOf(types).some((t) => typeof t !== 'string' || CHANGE_TYPES.has(t))) return false;
    return branchFilterRuns(filter, branches, false) && pathFilterRuns(filter, files);
  }
  return undefined;
}

/**
 * The events of a workflow's `on:` (parsed, maps as Map; undefined: none, an action's file) less those
 * whose filters no change to a protected branch passes (actions-run.ts runsForChanges judges the rest).
 */
export function changeEvents(on: unknown, scope: GateScope): unknown[] | undefined {
  const events = eventsOf(on);
  return events?.filter((e) => eventRuns(e, on instanceof Map ? on.get(e) : undefined, scope) !== false);
}

/**
 * A job's or step's `if:` that is false for every change to a protected branch (GitHub evaluates
 * `if:` as an expression with or without `${{ }}`): `false`, `github.ref == 'refs/heads/never'`,
 * `github.event_name == 'schedule'`, joined by `&&`, `||`, `!` and parentheses. Anything else
 * (`github.actor == 'x'`, a function call) may be true.
 */
export function constantFalse(
  condition: unknown,
  branches: readonly string[] | undefined,
  events: readonly string[],
): boolean {
  if (condition === false) return true;
  const read = runsOf(condition, branches, events);
  return read !== undefined && read.runs.length > 0 && read.runs.every((run) => evaluate(read.text, run) === false);
}

/**
 * Whether a job's or step's `if:` is true for some run a change to a protected branch starts (none
 * written, `always()`, `success()`, `!cancelled()`, `github.event_name == 'push'` in a workflow on
 * push): it runs for one. One on what only the run knows (`github.actor`, `contains(...)`, `env.X`)
 * is not (gate-conditions.ts).
 */
export function provenTrue(
  condition: unknown,
  branches: readonly string[] | undefined,
  events: readonly string[],
): boolean {
  if (condition === undefined || condition === null || condition === true) return true;
  const read = runsOf(condition, branches, events);
  return read !== undefined && read.runs.some((run) => evaluate(read.text, run, true) === true);
}

/** An `if:` as an expression (GitHub reads it with or without `${{ }}`) and each run a change starts. */
function runsOf(
  condition: unknown,
  branches: readonly string[] | undefined,
  events: readonly string[],
): { text: string; runs: Run[] } | undefined {
  if (typeof condition !== 'string' || branches === undefined) return undefined;
  const text = condition.trim().replace(/^\$\{\{([\s\S]*)\}\}$/, '$1');
  const refs = branches.map((b) => `refs/heads/${b}`);
  // Each run a change starts: a push to a protected branch, a pull request to one.
  const runs = events.flatMap((e): Run[] => (e === 'push' ? refs.map((ref) => ({ e, ref })) : [{ e, ref: undefined }]));
  return { text, runs };
}

type Value = string | boolean | undefined;
/** A run's context: undefined where the value is not known here (a pull request's ref number). */
interface Run {
  e: string;
  ref: string | undefined;
}

/**
 * A small evaluator of GitHub expressions: undefined where it cannot decide. `steps`: a step's or
 * job's own `if:`, where success() is true (the steps or jobs before it succeeded: a failed one fails
 * the job, or a job it needs, which job-needs.ts reads).
 */
function evaluate(text: string, run: Run, steps = false): Value {
  const tokens = text.match(/'(?:[^']|'')*'|&&|\|\||==|!=|[()!]|[\w.-]+|\S/g) ?? [];
  let i = 0;
  const operand = (): Value => {
    const t = tokens[i++];
    if (t === undefined) throw new Error('end');
    if (t === '!') {
      const v = operand();
      return v === undefined ? undefined : !truthy(v);
    }
    if (t === '(') {
      const v = or();
      if (tokens[i++] !== ')') throw new Error('paren');
      return v;
    }
    if (t.startsWith("'")) return t.slice(1, -1).replace(/''/g, "'").toLowerCase();
    if (t === 'true' || t === 'false') return t === 'true';
    if (tokens[i] === '(') return call(t.toLowerCase());
    if (t === 'github.event_name') return run.e;
    if (t === 'github.ref') return run.ref?.toLowerCase();
    if (t === 'github.ref_name') return run.ref?.replace(/^refs\/heads\//, '').toLowerCase();
    return undefined;
  };
  // A function, its name read as GitHub reads it, ignoring case: always() is true, cancelled() false
  // for a run that audits anything; any other call (success(), contains(...)) may be either.
  const call = (name: string): Value => {
    i += 1;
    if (tokens[i] !== ')') {
      or();
      while (tokens[i] === ',') {
        i += 1;
        or();
      }
    }
    if (tokens[i++] !== ')') throw new Error('call');
    return name === 'always' || (steps && name === 'success') ? true : name === 'cancelled' ? false : undefined;
  };
  const compare = (): Value => {
    const a = operand();
    const op = tokens[i];
    if (op !== '==' && op !== '!=') return a;
    i += 1;
    const b = operand();
    if (a === undefined || b === undefined) return undefined;
    // GitHub compares strings ignoring case.
    return (a === b) === (op === '==');
  };
  const and = (): Value => {
    let v = compare();
    while (tokens[i] === '&&') {
      i += 1;
      const w = compare();
      v = v === false || w === false ? false : v === undefined || w === undefined ? undefined : truthy(w);
    }
    return v;
  };
  const or = (): Value => {
    let v = and();
    while (tokens[i] === '||') {
      i += 1;
      const w = and();
      v = v === true || w === true ? true : v === undefined || w === undefined ? undefined : truthy(v) || truthy(w);
    }
    return v;
  };
  try {
    const v = or();
    return i === tokens.length ? (v === undefined ? undefined : truthy(v)) : undefined;
  } catch {
    return undefined;
  }
}

const truthy = (v: Value): boolean => v !== false && v !== '' && v !== undefined;

/** GitLab's `only:`/`except:` refs (a list, or a map's `refs:`); undefined: none named, `{ variables: }` alone. */
function gitlabRefs(v: unknown): unknown[] | undefined {
  if (v instanceof Map) return v.has('refs') ? listOf(v.get('refs')) : undefined;
  return v === undefined || v === null ? undefined : listOf(v);
}

/** Whether a GitLab `only:`/`except:` ref names a pipeline for a push or merge request to `branch`; undefined: cannot tell. */
function gitlabRefMatches(ref: unknown, branch: string): boolean | undefined {
  if (typeof ref !== 'string' || ref.includes('$')) return undefined;
  if (['branches', 'pushes', 'merge_requests'].includes(ref)) return true;
  const re = /^\/(.*)\/([a-z]*)$/s.exec(ref);
  if (!re) return ref === branch;
  try {
    // GitLab runs these as untrusted expressions on RE2 (linear time); so does this reading.
    const flags = (re[2]!.includes('i') ? RE2JS.CASE_INSENSITIVE : 0) | (re[2]!.includes('m') ? RE2JS.MULTILINE : 0);
    return RE2JS.compile(re[1]!, flags | (re[2]!.includes('s') ? RE2JS.DOTALL : 0))
      .matcher(branch)
      .find();
  } catch {
    return undefined;
  }
}

/**
 * Whether GitLab's `only:`/`except:` let a job run in a pipeline for a change to a protected branch:
 * `only: [tags]`, `only: [schedules]`, `except: [branches]` run it for none. A ref it cannot read
 * (a variable) may match; an `except:` with conditions besides refs may not apply.
 */
export function gitlabRefsRun(only: unknown, except: unknown, branches: readonly string[] | undefined): boolean {
  const onlyRefs = gitlabRefs(only);
  const exceptRefs =
    except instanceof Map && [...except.keys()].some((k) => k !== 'refs') ? undefined : gitlabRefs(except);
  return (branches ?? ['main']).some(
    (b) =>
      (onlyRefs === undefined || onlyRefs.some((r) => gitlabRefMatches(r, b) !== false)) &&
      !(exceptRefs ?? []).some((r) => gitlabRefMatches(r, b) === true),
  );
}

/** GitLab's `changes:` glob (Ruby's File.fnmatch, pathname: `*` no `/`, `**` any folders); undefined: not read here (braces). */
function fnmatch(glob: string): Linear | undefined {
  if (/[{}\\]/.test(glob)) return undefined;
  const body = glob.replace(/\*\*\/|\*\*|\*|\?|[.+^$()|[\]]/g, (t) =>
    t === '**/' ? '(?:.*/)?' : t === '**' ? '.*' : t === '*' ? '[^/]*' : t === '?' ? '[^/]' : `\\${t}`,
  );
  try {
    return linear(`^${body}$`);
  } catch {
    return undefined;
  }
}

/**
 * Whether a GitLab rule's `changes:` (a list of globs, or `{ paths: }`) matches a change to few of the
 * files the tip holds (not startsForMost): such a rule is read as matching no change, as a GitHub
 * `paths:` filter is. A glob not read here, or files not known: it may match.
 */
export function changesNever(changes: unknown, files: readonly string[] | undefined): boolean {
  const paths: unknown = changes instanceof Map ? (changes as Map<unknown, unknown>).get('paths') : changes;
  if (files === undefined || !Array.isArray(paths)) return false;
  const list = paths as unknown[];
  if (!list.every((p): p is string => typeof p === 'string')) return false;
  const globs = list.map(fnmatch);
  if (globs.some((g) => g === undefined)) return false;
  return !startsForMost(files, (f) => globs.some((g) => g!.test(f)));
}

/**
 * The protected branches (`branches`) the branch filter of `event` in `on:` lets run; undefined: no
 * names known (outside a walk), any.
 */
function branchesRun(on: unknown, event: string, branches: readonly string[] | undefined): string[] | undefined {
  if (branches === undefined) return undefined;
  const filter = get(on, event);
  const only = get(filter, 'branches');
  const ignore = get(filter, 'branches-ignore');
  if (only === undefined && ignore === undefined) return [...branches];
  const match = matcher(listOf(only ?? ignore));
  return branches.filter((b) => match(b) === (only !== undefined));
}

/** The runs (base-triggers.ts) a workflow's `on:` (parsed, maps as Map) starts for a change; `called`: a reusable workflow. */
export const triggersOf = (on: unknown, scope: GateScope, called: boolean): BaseTriggers =>
  workflowTriggers(
    changeEvents(on, scope),
    (e) => branchesRun(on, e, scope.branches),
    called,
    (e) => !runsForChanges([e]),
    scope.branches,
  );
