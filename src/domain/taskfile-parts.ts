// A Taskfile (go-task's `Taskfile.yml`) as the CI gate's chain reads it (domain/ci-commands.ts
// chainPart): what `task <name>` runs. Task reads every key outside `tasks` (`vars`, `env`, `dotenv`,
// `includes`, `set`, `output`...) for every task, and of `tasks` the tasks named (by name or alias)
// and, in turn, every task whose name a kept task's definition mentions (`deps`, `cmds: - task: x`,
// `defer`, a shell `task x`): a task added or edited that none of those mentions is no change. Where
// that cannot be told (a merge key `<<`, a wildcard task `a:*`, a task called by a template, a task
// named that is not in the file, `tasks` of another shape): all of it. A task of an included Taskfile
// (`task ns:x`, or `task x` where an include is `flatten: true`) reads only the settings of this one
// (its `includes:` and `vars:` among them), and the tasks of this one the included files call back
// (`task: :x`, taskfileRootCalls), which collect/ names too. collect/ reads the YAML (as JSON here).
import { isObject, parsedJson, yamlObject, type Json } from './workspace-parts.js';

export const TASKFILES = ['Taskfile', 'taskfile', 'Taskfile.dist', 'taskfile.dist'].flatMap((n) => [
  `${n}.yml`,
  `${n}.yaml`,
]);

/** Options of `task` that take a value: the word after one names no task. */
const VALUED = ['-t', '--taskfile', '-d', '--dir', '-o', '--output', '-C', '--concurrency', '-I', '--interval'];

/** The tasks `task <args>` runs (`default` where none is named); words after `--` and `VAR=x` name none. */
export function taskNames(args: readonly string[]): string[] {
  const end = args.indexOf('--');
  const words = (end < 0 ? args : args.slice(0, end)).filter(
    (a, k) => !a.startsWith('-') && !a.includes('=') && !VALUED.includes(args[k - 1] ?? ''),
  );
  return words.length ? words : ['default'];
}

/** Past this many tasks, all of the file (each kept task's words are looked up for every task's name). */
const MAX_TASKS = 1024;

/** A template in a task's name where one task calls another (`task: '{{.NEXT}}'`, `deps: ['{{.X}}']`, `task {{.X}}`). */
const DYNAMIC_CALL =
  /"task":"[^"]*\{\{|"deps":\[[^\]]*\{\{|(?:^|["\s;&|(]|\\[nt])(?:task|\{\{\s*\.TASK_EXE\s*\}\})\s+[^"\n;&|]*\{\{/;

/** The settings and the tasks `named` reach, or undefined where the file is not read so (see the header). */
function keptTasks(json: string, named: readonly string[]): [Json, Array<[string[], unknown]>] | undefined {
  const parsed = yamlObject(json);
  if (!parsed) return undefined;
  const { tasks = {}, ...settings } = parsed;
  if (!isObject(tasks) || Object.keys(tasks).length > MAX_TASKS) return undefined;
  const aliases = (v: unknown): unknown[] => (isObject(v) && Array.isArray(v.aliases) ? v.aliases : []);
  const all = Object.entries(tasks).map(([n, v]) => {
    const text = JSON.stringify(v);
    // `task: :x` calls this file's x from anywhere (the root namespace): x is a word too.
    const words = text.split(/[^\w:.-]+/).flatMap((w) => [w, w.replace(/^:+/, '')]);
    return { names: [n, ...aliases(v).map(String)], v, text, words: new Set(words) };
  });
  // The namespaces of the included Taskfiles (their keys and aliases), and whether one is flattened in.
  const includes = isObject(settings.includes) ? Object.entries(settings.includes) : [];
  const spaces = includes.flatMap(([k, v]) => [k, ...aliases(v).map(String)]);
  const flat = includes.some(([, v]) => isObject(v) && v.flatten === true);
  const ours = new Set(all.flatMap((t) => t.names));
  const included = (n: string): boolean => !ours.has(n) && (flat || spaces.some((ns) => n.startsWith(`${ns}:`)));
  // A wildcard task (`deploy:*`) or a name of other characters: which one a name calls is not told here.
  if (all.some((t) => t.names.some((n) => !/^[\w:.-]+$/.test(n)))) return undefined;
  const wanted = new Set(named);
  const kept = new Set<(typeof all)[number]>();
  for (let grew = true; grew;) {
    grew = false;
    for (const t of all) {
      if (kept.has(t) || !t.names.some((n) => wanted.has(n))) continue;
      if (DYNAMIC_CALL.test(t.text)) return undefined;
      kept.add(t);
      grew = true;
      for (const o of all)
        if (!kept.has(o) && o.names.some((n) => t.words.has(n))) o.names.forEach((n) => wanted.add(n));
    }
  }
  if (named.some((n) => !included(n) && ![...kept].some((t) => t.names.includes(n)))) return undefined;
  const out = [...kept].map((t): [string[], unknown] => [t.names, t.v]);
  return [settings, out.sort(([a], [b]) => (a[0]! < b[0]! ? -1 : 1))];
}

/** See the header: the part `task named` reads, as text to compare; undefined where the file is not read so. */
export function taskfilePart(json: string, named: readonly string[]): string | undefined {
  const kept = keptTasks(json, named);
  return kept && JSON.stringify(kept);
}

/**
 * The commands `task named` may run: every string of the settings but `includes` (a variable's `sh:`
 * runs for every task) and of the tasks it reaches; undefined where the file is not read so (all of its lines count).
 */
export function taskfileCommands(json: string, named: readonly string[]): string[] | undefined {
  const kept = keptTasks(json, named);
  const strings = (v: unknown): string[] =>
    typeof v === 'string'
      ? [v]
      : Array.isArray(v)
        ? v.flatMap(strings)
        : isObject(v)
          ? Object.values(v).flatMap(strings)
          : [];
  if (!kept) return undefined;
  // The included Taskfiles are read as Taskfiles (taskfileIncludes), not their paths as commands.
  const { includes: _, ...settings } = kept[0];
  // A path by a template (`sh: sh {{.DIR}}/x.sh`, an env's `sh:` too): the plain vars written in.
  const written = templateWriter(kept[0], kept[1]);
  return [...strings(settings), ...kept[1].flatMap(([, v]) => strings(v))].map(written);
}

/**
 * Writes a Taskfile's plain `vars:` (its own, then those of `tasks`, each name's first) into a string's
 * `{{.NAME}}`, its folder for {{.TASKFILE_DIR}}, {{.ROOT_DIR}} and {{.USER_WORKING_DIR}}; an unknown
 * one stays (a path by it is read as the folder before it).
 */
function templateWriter(top: Json, tasks: ReadonlyArray<readonly [unknown, unknown]> = []): (t: string) => string {
  const vars = new Map<string, string>([
    ['TASKFILE_DIR', '.'],
    ['ROOT_DIR', '.'],
    ['USER_WORKING_DIR', '.'],
  ]);
  for (const v of [top.vars, ...tasks.map(([, t]) => (isObject(t) ? t.vars : undefined))])
    if (isObject(v))
      for (const [k, x] of Object.entries(v))
        if (typeof x === 'string' && !x.includes('{{') && !vars.has(k)) vars.set(k, x);
  return (t) => t.replace(/\{\{\s*\.(\w+)\s*\}\}/g, (all, name: string) => vars.get(name) ?? all);
}

/**
 * The tasks of the root Taskfile an included one calls (`task: :x`, `deps: [':x']`, a shell `task :x`):
 * the words of its strings that begin with a colon; undefined where a call is made by a template.
 */
export function taskfileRootCalls(json: string): string[] | undefined {
  if (DYNAMIC_CALL.test(json)) return undefined;
  const strings = (v: unknown): string[] =>
    typeof v === 'string' ? [v] : Array.isArray(v) || isObject(v) ? Object.values(v).flatMap(strings) : [];
  const words = strings(parsedJson(json)).flatMap((t) => t.split(/[^\w:.-]+/));
  return [...new Set(words.filter((w) => /^:+[\w.-]/.test(w)).map((w) => w.replace(/^:+/, '')))];
}

/**
 * The Taskfiles a Taskfile's `includes:` names (`ns: ./ci/Taskfile.yml`, `ns: { taskfile: ./ci }`), as
 * written, relative to its folder (a folder stands for the Taskfile in it); remote ones left out.
 * `task ns:x` (or `x`, `flatten: true`) runs a task of the included file.
 */
export function taskfileIncludes(json: string): string[] {
  const parsed = parsedJson(json);
  if (!isObject(parsed) || !isObject(parsed.includes)) return [];
  const included = parsed.includes;
  // A template in the path (`./{{.DIR}}/Taskfile.yml`): the Taskfile's own plain `vars:` written in.
  const written = templateWriter(parsed);
  return Object.values(included).flatMap((v) => {
    const t = isObject(v) ? v.taskfile : v;
    return typeof t === 'string' && t.trim() && !t.includes('://') ? [written(t.trim())] : [];
  });
}

/**
 * The env files a Taskfile's `dotenv:` names (at its top and in its tasks), relative to its folder:
 * task reads their variables for the commands (`$GATE audit` with `GATE=npx gitguard` in `.env`).
 */
export function taskfileDotenv(json: string): string[] {
  const parsed = parsedJson(json);
  if (!isObject(parsed)) return [];
  const lists = [
    parsed.dotenv,
    ...(isObject(parsed.tasks) ? Object.values(parsed.tasks) : []).map((t) => (isObject(t) ? t.dotenv : undefined)),
  ];
  return lists.flatMap((l) =>
    Array.isArray(l) ? l.filter((f): f is string => typeof f === 'string' && f.trim() !== '') : [],
  );
}
