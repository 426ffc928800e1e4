// The files a CI file runs, as GitHub's and GitLab's YAML parsers read it: the line reading of
// domain/ci-references.ts sees `uses: ./x` and `include: local: x` on lines of their own, not a
// flow-style step `- { uses: ./x }`, a quoted key, an alias of an anchored path or a folded
// scalar, each of which runs the file all the same. Both readings are kept (a file one of them
// names is watched): a text that is no valid YAML runs nothing, and reading more only widens.
import type { Document, Node as YamlNode } from 'yaml';
import { referenceKey, referencesIn, referencesOfValues } from '../domain/ci-references.js';
import { runContext } from './run-context.js';
import { shellAssignments } from '../domain/ci-variables.js';
import { folderOf, variablesOf } from '../domain/step-context.js';
import { chargeLines, parsedYaml, textKey, walkTooDeep } from './yaml-budget.js';
import { runsForChanges } from '../domain/actions-run.js';
import { changeEvents } from '../domain/push-filters.js';
import { gateKey, gateScopeFor } from './gate-branches.js';
import { MAX_ALIASES, memo } from './ci-yaml-memo.js';
import { alsoGate, MAX_VISITS } from './github-gate.js';

/** Per run, the texts whose references were read past the parse budget (by line alone): see referencesUnread. */
const unreadIn = new WeakMap<object, Set<string>>();

/**
 * Whether ciReferencesIn read `text` by line alone for the run's parse budget: a flow-style step
 * (`- { uses: ./audit }`) may run a file it did not name, so what follows from it is not known.
 */
export function referencesUnread(text: string): boolean {
  return unreadIn.get(runContext())?.has(textKey(text)) ?? false;
}

/** Notes `text` as read by line alone, or not at all, for the run's budget (referencesUnread). */
function markUnread(text: string): void {
  const run = runContext();
  let unread = unreadIn.get(run);
  if (!unread) unreadIn.set(run, (unread = new Set()));
  unread.add(textKey(text));
}

/** The values of `key` anywhere in the documents of `text`, parsed (maps as Map); undefined where it is not parsed. */
async function valuesOf(text: string, key: string): Promise<unknown[] | undefined> {
  const docs = await parsedYaml(text);
  if (docs === 'past-budget') markUnread(text);
  if (typeof docs === 'string') return undefined;
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
  const values = await valuesOf(text, referenceKey(origin));
  // Not parsed (too large, past the budget): its lines alone, on their own allowance; past that, nothing is known.
  const byLine = values !== undefined || chargeLines(text) ? referencesIn(text, origin) : (markUnread(text), []);
  return [...new Set([...byLine, ...referencesOfValues(values ?? [], origin)])];
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
  /** Its folder cannot be told (a `working-directory:` expression, an absolute path): `dir` stands for the root. */
  dirUnknown?: true;
}

/**
 * The shell commands of a CI file (domain/ci-commands.ts reads which files they run), each with the
 * folder a GitHub step runs it in: its `working-directory:`, else the nearest `defaults: run:
 * working-directory:` above it (the job's, the workflow's); an expression there is read as the root.
 * The variables the file sets above a command come with it (gate-chains.ts writes them in).
 * A text that cannot be parsed here is read whole, every line as a command (fail closed: only widens);
 * undefined when that line reading is past the run's allowance for those (chargeLines): not known.
 */
export async function runCommands(text: string, origin: string): Promise<RunCommand[] | undefined> {
  const answer = await commandsOf(text, origin);
  return answer === BY_LINE ? text.split(/\r?\n/).map((t) => ({ text: t, dir: '' })) : answer;
}

/**
 * runCommands' answer as kept for the run: a text read line by line is kept as that fact alone and
 * split again when asked (its lines as kept copies were ~8,600 strings and objects a 200 KiB version).
 */
const BY_LINE = 'by-line';

function commandsOf(text: string, origin: string): Promise<RunCommand[] | undefined | typeof BY_LINE> {
  return memo(`run ${origin}`, text, async () => {
    const lines = (): typeof BY_LINE | undefined => (chargeLines(text) ? BY_LINE : undefined);
    const keys = COMMAND_KEYS(origin);
    const out: RunCommand[] = [];
    let visits = 0;
    // A folder that cannot be told (folderOf: null) is read as the root, marked so (dirUnknown).
    const add = (v: unknown, at: string | null, vars: ReadonlyMap<string, string>, shell: string | undefined): void => {
      const dir = at ?? '';
      if (typeof v === 'string')
        out.push({
          text: v,
          dir,
          ...(vars.size ? { vars } : {}),
          ...(shell ? { shell } : {}),
          ...(at === null ? { dirUnknown: true as const } : {}),
        });
      else if (Array.isArray(v)) for (const x of v as unknown[]) add(x, at, vars, shell);
    };
    // GitHub runs a step's script through its `shell:` (a custom one: `bash ci/shell.sh {0}`, {0} the script).
    const shellOf = (v: unknown, inherited: string | undefined): string | undefined =>
      origin === '.gitlab-ci.yml' ? undefined : typeof v === 'string' ? v : inherited;
    const walk = (
      node: unknown,
      dir: string | null,
      vars: ReadonlyMap<string, string>,
      shell: string | undefined,
      depth = 0,
    ): void => {
      if (++visits > MAX_VISITS || walkTooDeep(depth)) return void (visits = MAX_VISITS + 1);
      if (Array.isArray(node)) for (const x of node as unknown[]) walk(x, dir, vars, shell, depth + 1);
      if (!(node instanceof Map)) return;
      const defaults = node.get('defaults') as unknown;
      const run = defaults instanceof Map ? (defaults.get('run') as unknown) : undefined;
      const here = run instanceof Map ? folderOf(run.get('working-directory'), dir) : dir;
      const sh = run instanceof Map ? shellOf(run.get('shell'), shell) : shell;
      const own = variablesOf(node, vars);
      for (const k of keys)
        if (node.has(k))
          add(node.get(k), folderOf(node.get('working-directory'), here), own, shellOf(node.get('shell'), sh));
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
 * parsed here: the assignments of its lines; undefined past the allowance for line readings (chargeLines).
 */
export function ciVariables(text: string, origin: string): Promise<Array<[string, string]> | undefined> {
  return memo(`vars ${origin}`, text, async () => {
    const byLine = (): Array<[string, string]> | undefined => (chargeLines(text) ? shellAssignments(text) : undefined);
    const docs = await documentsOf(text);
    if (docs === undefined) return byLine();
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
    return visits > MAX_VISITS ? byLine() : out;
  });
}

/** The documents of `text`, parsed (maps as Map); [] where it is no valid YAML; undefined when too large, deep, or past the run's parse budget. */
async function documentsOf(text: string): Promise<unknown[] | undefined> {
  const docs = await parsedYaml(text);
  if (typeof docs === 'string') return undefined;
  alsoGate(text);
  let out = plainIn.get(docs);
  if (out) return out;
  plainIn.set(docs, (out = []));
  try {
    for (const doc of docs) out.push(doc.toJS({ mapAsMap: true, maxAliasCount: MAX_ALIASES }));
  } catch {
    // A value expanding past MAX_ALIASES, or a parser failure: what was read stands.
  }
  return out;
}

/** A parse's documents as plain data, made once for the readers that ask (variables, commands, `on:`), while the parse is kept. */
const plainIn = new WeakMap<readonly Document[], unknown[]>();

/**
 * Whether a workflow starts for a change by itself (its `on:`, runsForChanges): what it runs counts
 * only then. A text not read as YAML here: yes (its references are read by line).
 */
export function startsForChanges(text: string): Promise<boolean> {
  return memo(`starts ${gateKey()}`, text, async () => {
    const scope = await gateScopeFor([text]);
    const docs = await documentsOf(text);
    if (!docs?.length) return true;
    return docs.some((d) => !(d instanceof Map) || runsForChanges(changeEvents(d.get('on'), scope)));
  });
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
