// The files a CI file runs, as GitHub's and GitLab's YAML parsers read it: the line reading of
// domain/ci-references.ts sees `uses: ./x` and `include: local: x` on lines of their own, not a
// flow-style step `- { uses: ./x }`, a quoted key, an alias of an anchored path or a folded
// scalar, each of which runs the file all the same. Both readings are kept (a file one of them
// names is watched): a text that is no valid YAML runs nothing, and reading more only widens.
import type { Document, Node as YamlNode } from 'yaml';
import { referenceKey, referencesIn, referencesOfValues } from '../domain/ci-references.js';
import { runContext } from './run-context.js';
import { shellAssignments } from '../domain/ci-variables.js';
import { resolveAlias } from './yaml-aliases.js';
import { keyTwice, refusedYaml } from './yaml-refused.js';
import { parsedYaml, textKey, walkTooDeep } from './yaml-budget.js';
import { defaultShell, eventsOf, otherShellGates, runMode, runsForChanges } from '../domain/actions-run.js';
import { scriptGates } from './script-gate.js';

/**
 * Each text's answers in one run, by what was asked ('uses', 'include', 'gate', 'action'): the CI
 * gate's check reads a workflow folder per commit that changes it, mostly the same files again.
 */
const answersIn = new WeakMap<object, Map<string, Promise<unknown>>>();

function memo<T>(kind: string, text: string, compute: () => Promise<T>): Promise<T> {
  const run = runContext();
  let answers = answersIn.get(run);
  if (!answers) answersIn.set(run, (answers = new Map<string, Promise<unknown>>()));
  const key = `${kind}\0${textKey(text)}`;
  let answer = answers.get(key) as Promise<T> | undefined;
  if (!answer) answers.set(key, (answer = compute()));
  return answer;
}

/** Aliases expanded in one value (a value of nested aliases could otherwise grow exponentially). */
const MAX_ALIASES = 64;

/** Per run, the texts whose references were read past the parse budget (by line alone): see referencesUnread. */
const unreadIn = new WeakMap<object, Set<string>>();

/**
 * Whether ciReferencesIn read `text` by line alone for the run's parse budget: a flow-style step
 * (`- { uses: ./audit }`) may run a file it did not name, so what follows from it is not known.
 */
export function referencesUnread(text: string): boolean {
  return unreadIn.get(runContext())?.has(textKey(text)) ?? false;
}

/** The values of `key` anywhere in the documents of `text`, parsed (maps as Map); [] where it cannot be parsed. */
async function valuesOf(text: string, key: string): Promise<unknown[]> {
  const docs = await parsedYaml(text);
  if (docs === 'past-budget') {
    const run = runContext();
    let unread = unreadIn.get(run);
    if (!unread) unreadIn.set(run, (unread = new Set()));
    unread.add(textKey(text));
  }
  if (typeof docs === 'string') return [];
  alsoGate(text);
  const yaml = await import('yaml');
  const out: unknown[] = [];
  try {
    for (const doc of docs) {
      const js = (n: unknown): unknown =>
        yaml.isNode(n) ? (n as YamlNode).toJS(doc, { mapAsMap: true, maxAliasCount: MAX_ALIASES }) : n;
      yaml.visit(doc, {
        Pair(_, pair) {
          if (js(pair.key) === key) out.push(js(pair.value));
        },
      });
    }
  } catch {
    // A value expanding past MAX_ALIASES, or a parser failure: what was read stands.
  }
  return out;
}

/** What a file of the CI configuration (or one it runs) runs, by the CI file it was named from. */
export function ciReferencesIn(text: string, origin: string): Promise<string[]> {
  return memo(`refs ${origin}`, text, () => referencesOf(text, origin));
}

async function referencesOf(text: string, origin: string): Promise<string[]> {
  const byLine = referencesIn(text, origin);
  const byYaml = referencesOfValues(await valuesOf(text, referenceKey(origin)), origin);
  return [...new Set([...byLine, ...byYaml])];
}

/** The keys whose values are shell commands: a GitHub step's `run:`, a GitLab job's scripts. */
const COMMAND_KEYS = (origin: string): string[] =>
  origin === '.gitlab-ci.yml' ? ['script', 'before_script', 'after_script'] : ['run'];

/** A shell command of a CI file, the folder it runs in ('' the checkout's root) and the variables set above it. */
export interface RunCommand {
  text: string;
  dir: string;
  vars?: ReadonlyMap<string, string>;
  /** A GitHub step's own shell (`shell:`, else the nearest `defaults: run: shell:`): the command that runs `text`. */
  shell?: string;
}

type Vars = ReadonlyMap<string, string>;

/**
 * The variables a node of a CI file sets for the commands below it, over those it inherits: GitHub's
 * `env:` (the workflow's, a job's, a step's), GitLab's `variables:` (a value or `{ value: }`).
 */
function variablesOf(node: Map<unknown, unknown>, inherited: Vars): Vars {
  let out: Map<string, string> | undefined;
  // `with:`: the inputs a reusable workflow or an action of the repository reads as `${{ inputs.x }}`.
  for (const key of ['env', 'variables', 'with']) {
    const m = node.get(key);
    if (!(m instanceof Map)) continue;
    for (const [k, raw] of m as Map<unknown, unknown>) {
      const v = raw instanceof Map ? (raw as Map<unknown, unknown>).get('value') : raw;
      if (typeof k !== 'string' || !/^[A-Za-z_][\w-]*$/.test(k) || !['string', 'number'].includes(typeof v)) continue;
      (out ??= new Map(inherited)).set(k, String(v));
    }
  }
  return out ?? inherited;
}

/**
 * The shell commands of a CI file (domain/ci-commands.ts reads which files they run), each with the
 * folder a GitHub step runs it in: its `working-directory:`, else the nearest `defaults: run:
 * working-directory:` above it (the job's, the workflow's); an expression there is read as the root.
 * The variables the file sets above a command come with it (gate-chains.ts writes them in).
 * A text that cannot be parsed here is read whole, every line as a command (fail closed: only widens).
 */
export function runCommands(text: string, origin: string): Promise<RunCommand[]> {
  return memo(`run ${origin}`, text, async () => {
    const lines = (): RunCommand[] => text.split(/\r?\n/).map((t) => ({ text: t, dir: '' }));
    const keys = COMMAND_KEYS(origin);
    const out: RunCommand[] = [];
    let visits = 0;
    const folder = (v: unknown, inherited: string): string =>
      typeof v === 'string' && !v.includes('${{') ? v.replace(/^\.\/+/, '').replace(/\/+$/, '') : inherited;
    const add = (v: unknown, dir: string, vars: Vars, shell: string | undefined): void => {
      if (typeof v === 'string')
        out.push({ text: v, dir, ...(vars.size ? { vars } : {}), ...(shell ? { shell } : {}) });
      else if (Array.isArray(v)) for (const x of v as unknown[]) add(x, dir, vars, shell);
    };
    // GitHub runs a step's script through its `shell:` (a custom one: `bash ci/shell.sh {0}`, {0} the script).
    const shellOf = (v: unknown, inherited: string | undefined): string | undefined =>
      origin === '.gitlab-ci.yml' ? undefined : typeof v === 'string' ? v : inherited;
    const walk = (node: unknown, dir: string, vars: Vars, shell: string | undefined, depth = 0): void => {
      if (++visits > MAX_VISITS || walkTooDeep(depth)) return void (visits = MAX_VISITS + 1);
      if (Array.isArray(node)) for (const x of node as unknown[]) walk(x, dir, vars, shell, depth + 1);
      if (!(node instanceof Map)) return;
      const defaults = node.get('defaults') as unknown;
      const run = defaults instanceof Map ? (defaults.get('run') as unknown) : undefined;
      const here = run instanceof Map ? folder(run.get('working-directory'), dir) : dir;
      const sh = run instanceof Map ? shellOf(run.get('shell'), shell) : shell;
      const own = variablesOf(node, vars);
      for (const k of keys)
        if (node.has(k))
          add(node.get(k), folder(node.get('working-directory'), here), own, shellOf(node.get('shell'), sh));
      for (const v of node.values()) walk(v, here, own, sh, depth + 1);
    };
    const docs = await documentsOf(text);
    if (docs === undefined) return lines();
    for (const d of docs) walk(d, '', new Map(), undefined);
    return visits > MAX_VISITS ? lines() : out;
  });
}

/**
 * Every value a CI file gives a variable, wherever (domain/ci-variables.ts): its `env:` and
 * `variables:` at any depth (a hidden GitLab job `extends:` names, an included file's top level), the
 * assignments its commands make (`GATE=x`, `export`, a line for $GITHUB_ENV). A text that cannot be
 * parsed here: the assignments of its lines.
 */
export function ciVariables(text: string, origin: string): Promise<Array<[string, string]>> {
  return memo(`vars ${origin}`, text, async () => {
    const docs = await documentsOf(text);
    if (docs === undefined) return shellAssignments(text);
    const out: Array<[string, string]> = [];
    const keys = COMMAND_KEYS(origin);
    let visits = 0;
    const commands = (v: unknown, depth = 0): void => {
      if (visits > MAX_VISITS || walkTooDeep(depth)) visits = MAX_VISITS + 1;
      else if (typeof v === 'string') out.push(...shellAssignments(v));
      else if (Array.isArray(v)) for (const x of v as unknown[]) commands(x, depth + 1);
    };
    const walk = (node: unknown, depth = 0): void => {
      if (++visits > MAX_VISITS || walkTooDeep(depth)) return void (visits = MAX_VISITS + 1);
      if (Array.isArray(node)) for (const x of node as unknown[]) walk(x, depth + 1);
      if (!(node instanceof Map)) return;
      for (const [k, v] of variablesOf(node, new Map())) out.push([k, v]);
      for (const k of keys) commands(node.get(k));
      for (const v of node.values()) walk(v, depth + 1);
    };
    for (const d of docs) walk(d);
    return visits > MAX_VISITS ? shellAssignments(text) : out;
  });
}

/** The documents of `text`, parsed (maps as Map); [] where it is no valid YAML; undefined when too large, deep, or past the run's parse budget. */
async function documentsOf(text: string): Promise<unknown[] | undefined> {
  const docs = await parsedYaml(text);
  if (typeof docs === 'string') return undefined;
  alsoGate(text);
  const out: unknown[] = [];
  try {
    for (const doc of docs) out.push(doc.toJS({ mapAsMap: true, maxAliasCount: MAX_ALIASES }));
  } catch {
    // A value expanding past MAX_ALIASES, or a parser failure: what was read stands.
  }
  return out;
}

export const GITGUARD = /\bgitguard\b/;

/** Nodes visited in one file before the answer falls back to the text (aliases of aliases multiply them). */
export const MAX_VISITS = 100_000;

/** How deep GitLab follows `extends:` (its limit is 11 levels); merge keys count as a level too. */
export const MAX_EXTENDS = 11;

/** A literal `false` / `${{ false }}` (an expression could go either way: it counts as running). */
export const literally = (v: unknown, want: boolean): boolean =>
  v === want || (typeof v === 'string' && new RegExp(`^\\s*(?:\\$\\{\\{\\s*)?${want}(?:\\s*\\}\\})?\\s*$`).test(v));

/**
 * A step or job that never runs, or whose failure fails nothing: GitHub's `if: false`,
 * `continue-on-error: true`; GitLab's `allow_failure` (true, or exit codes that let gitguard's pass), `when:
 * manual` (allowed to fail unless told otherwise), `never` or `on_failure` (runs only after a job failed).
 */
export function switchedOff(get: (key: string) => unknown): boolean {
  const allow = get('allow_failure');
  const when = get('when');
  return (
    literally(get('if'), false) ||
    literally(get('continue-on-error'), true) ||
    literally(allow, true) ||
    (allow !== undefined && typeof allow === 'object' && !(allow && strictExitCodes(allow))) ||
    when === 'manual' ||
    when === 'never' ||
    when === 'on_failure'
  );
}

/**
 * GitLab's `allow_failure: { exit_codes: }` (as plainValue gives it) that lets no exit of gitguard's
 * pass: an integer or a non-empty list of them, neither 1 (a failed audit) nor 2 (an error).
 */
function strictExitCodes(allow: object): boolean {
  const codes: unknown = allow instanceof Map ? (allow as Map<unknown, unknown>).get('exit_codes') : undefined;
  const list: unknown[] = Array.isArray(codes) ? codes : [codes];
  return list.length > 0 && list.every((c) => Number.isInteger(c) && c !== 1 && c !== 2);
}

/** A node as switchedOff reads it: a map as plain data (maps as Map), else the node; a map past the alias limit stays a node (lenient). */
export function plainValue(yaml: typeof import('yaml'), n: unknown, doc: Document): unknown {
  if (!yaml.isMap(n)) return n;
  try {
    return n.toJS(doc, { mapAsMap: true, maxAliasCount: MAX_ALIASES });
  } catch {
    return n;
  }
}

/**
 * Whether a CI file runs gitguard: true, false, or UNREAD when it mentions gitguard and the run's
 * parse budget is spent (ci-gate-kept reports a change whose answer depends on it).
 */
export type Gate = boolean | typeof UNREAD;
export const UNREAD = 'unread';

/**
 * Whether a CI file names gitguard where it runs and can fail the run: in a value (not a comment,
 * nor a key), outside the steps and jobs switchedOff. A text too large or deep to read as YAML here, or
 * whose aliases expand past MAX_VISITS, runs no gate; one past the run's parse budget is UNREAD (a
 * mention is no gate: one in a comment, the budget spent first, kept a removed gate). Only a text
 * that mentions gitguard is parsed for it.
 */
export function namesGitguard(text: string, called = false): Promise<Gate> {
  return memo(called ? 'gate called' : 'gate', text, () => gateIn(text, called));
}

/**
 * A parsed text's gate answer, settled while its parse is at hand (yaml-budget.ts keeps a few): the
 * range search reads the versions the walk asks about later, and a second parse would count twice.
 */
function alsoGate(text: string): void {
  if (GITGUARD.test(text)) void namesGitguard(text);
}

/**
 * Whether a workflow starts for a change by itself (its `on:`, runsForChanges): what it runs counts
 * only then. A text not read as YAML here: yes (its references are read by line).
 */
export function startsForChanges(text: string): Promise<boolean> {
  return memo('starts', text, async () => {
    const docs = await documentsOf(text);
    if (!docs?.length) return true;
    return docs.some((d) => !(d instanceof Map) || runsForChanges(eventsOf(d.get('on'))));
  });
}

/** `called`: a reusable workflow or action run by a workflow that starts (its `on: workflow_call` counts). */
async function gateIn(text: string, called: boolean): Promise<Gate> {
  if (!GITGUARD.test(text)) return false;
  // Too large or deep to read as YAML, or aliases past MAX_VISITS: no gate (a mention in a comment of
  // a padded file, the gate job removed, kept it).
  const docs = await parsedYaml(text);
  if (docs === 'too-large') return false;
  if (docs === 'past-budget') return UNREAD;
  const yaml = await import('yaml');
  let visits = 0;
  try {
    for (const doc of docs) {
      // GitHub (and Forgejo, Gitea: Go's yaml.v3) refuse a whole workflow or action that is no valid
      // YAML, or with a key written twice in one map ("'env' is already defined"): it runs nothing,
      // whatever the rest of it says.
      if (refusedYaml(yaml, doc) || keyTwice(yaml, doc)) return false;
      const scalar = (n: unknown): unknown => {
        const r = resolveAlias(yaml, n, doc);
        return yaml.isScalar(r) ? r.value : r;
      };
      const top = doc.contents;
      const list = (v: unknown): unknown[] => (yaml.isSeq(v) ? v.items.map(scalar) : [v]);
      const keys = (m: unknown): unknown[] => (yaml.isMap(m) ? m.items.map((p) => scalar(p.key)) : []);
      const entry = (map: unknown, key: string): unknown =>
        yaml.isMap(map) ? map.items.find((p) => scalar(p.key) === key)?.value : undefined;
      // A key as the CI reads it: set in the map, else from what it merges (`<<: *lenient`, GitLab reads
      // YAML merge keys), else from the jobs GitLab's `extends:` names (the last one named wins), as deep
      // as GitLab follows them.
      const lookup = (map: unknown, key: string, depth: number): unknown => {
        if ((visits += 1) > MAX_VISITS) throw new Error('too many nodes');
        if (depth > MAX_EXTENDS || !yaml.isMap(map)) return undefined;
        const own = map.items.find((p) => scalar(p.key) === key);
        if (own) return scalar(own.value);
        const merged = scalar(entry(map, '<<'));
        for (const m of yaml.isSeq(merged) ? merged.items : [merged]) {
          const found = lookup(resolveAlias(yaml, m, doc), key, depth + 1);
          if (found !== undefined) return found;
        }
        const ext = scalar(entry(map, 'extends'));
        const names = yaml.isSeq(ext) ? ext.items.map(scalar) : [ext];
        for (const name of names.reverse()) {
          const found = typeof name === 'string' ? lookup(scalar(entry(top, name)), key, depth + 1) : undefined;
          if (found !== undefined) return found;
        }
        return undefined;
      };
      // `shell`: the shell a step's `run:` runs in where it names none (the nearest `defaults: run: shell:`).
      const runs = (n: unknown, shell: unknown): boolean => {
        if ((visits += 1) > MAX_VISITS) throw new Error('too many nodes');
        const node = resolveAlias(yaml, n, doc);
        if (yaml.isScalar(node)) return typeof node.value === 'string' && GITGUARD.test(node.value);
        if (yaml.isSeq(node)) return node.items.some((i) => runs(i, shell));
        if (!yaml.isMap(node) || switchedOff((key) => plainValue(yaml, lookup(node, key, 0), doc))) return false;
        const own = scalar(entry(scalar(entry(scalar(entry(node, 'defaults')), 'run')), 'shell'));
        const here = defaultShell(own, shell, list(scalar(entry(node, 'runs-on'))));
        return node.items.some((p) => {
          const v = scalar(p.value);
          if (scalar(p.key) !== 'run' || typeof v !== 'string') return runs(p.value, here);
          const mode = runMode(scalar(entry(node, 'shell')), here);
          return mode ? scriptGates(v, mode) : otherShellGates(scalar(entry(node, 'shell')), here, v);
        });
      };
      // A workflow only events that never run for a change start (`schedule`, `workflow_dispatch`) gates none.
      const on = entry(top, 'on');
      if (
        !runsForChanges(
          on === undefined ? undefined : yaml.isMap(scalar(on)) ? keys(scalar(on)) : list(scalar(on)),
          called,
        )
      )
        continue;
      if (runs(doc.contents, undefined)) return true;
    }
  } catch {
    return false;
  }
  return false;
}

/** The keys of an action's `runs:` that name a file of the repository, relative to the action's folder. */
const ACTION_FILE_KEYS = ['main', 'pre', 'post', 'image'];

/**
 * The files an action.yml runs by path (its `runs:` `main`, `pre`, `post`, a Docker action's
 * `image` that is no `docker://` image), as written: relative to the action's folder, which they
 * may leave (`../../dist/audit.js`).
 */
export function actionFiles(text: string): Promise<string[]> {
  return memo('action', text, () => filesOfAction(text));
}

async function filesOfAction(text: string): Promise<string[]> {
  const out: string[] = [];
  for (const runs of (await documentsOf(text)) ?? []) {
    const block = runs instanceof Map ? (runs as Map<unknown, unknown>).get('runs') : undefined;
    if (!(block instanceof Map)) continue;
    for (const key of ACTION_FILE_KEYS) {
      const v: unknown = (block as Map<unknown, unknown>).get(key);
      if (typeof v === 'string' && v.trim() && !v.includes('://') && !v.includes('${{')) out.push(v.trim());
    }
  }
  return out;
}
