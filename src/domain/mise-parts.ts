// mise's files as the CI gate's chain reads them (domain/ci-commands.ts chainPart) when a step runs
// `mise run <task>`: mise reads every table of mise.toml for every task (`[env]` and its `_.source`,
// `[tools]`, `[hooks]`, `[settings]`, `[task_config]`...), and of the `[tasks.<name>]` tables those of
// the tasks named and, in turn, of every task a kept table mentions (`depends`, `run = "mise run x"`)
// or that names one of them as its `alias`: another task added or edited is no change. A tool's plain
// version (`node = "20.11.0"` in `[tools]`, `nodejs 20.11.0` in .tool-versions), which Renovate bumps,
// installs the tool's release and runs no file of the repository; `path:`, `ref:`, a backend or an
// inline table still count. Where the file cannot be read so by its lines (a `[tasks]` table of dotted
// keys or inline tables, a multi-line string holding both quote kinds, a wildcard, a task named that is
// not there): all of it.

/** mise's configuration files read in parts (domain/ci-tools.ts lists where mise looks for them). */
export const isMiseFile = (path: string): boolean =>
  /(^|\/)(\.?mise(\.local)?\.toml|config\.toml|\.tool-versions)$/.test(path) &&
  (!path.endsWith('config.toml') || /(^|\/)(\.config\/mise|\.?mise)\/config\.toml$/.test(path));

/** Options of `mise run` that take a value: the word after one names no task. */
const VALUED = ['-C', '--cd', '-E', '--env', '-j', '--jobs', '-o', '--output', '-t', '--tool', '-p', '--profile'];

/** The tasks `mise run a b` (`mise r`, `mise tasks run`) runs; undefined for another command or none named (all of it). */
export function miseTasks(args: readonly string[]): string[] | undefined {
  const k = args[0] === 'tasks' ? 1 : 0;
  if (!['run', 'r'].includes(args[k] ?? '')) return undefined;
  const rest = args.slice(k + 1);
  const end = rest.indexOf('--');
  const tasks = (end < 0 ? rest : rest.slice(0, end)).filter(
    (a, i) => !a.startsWith('-') && !VALUED.includes(rest[i - 1] ?? ''),
  );
  return tasks.length && tasks.every((w) => /^[\w:.-]+$/.test(w)) ? tasks : undefined;
}

interface Table {
  task?: string;
  lines: string[];
}

const KEY = String.raw`(?:[\w-]+|"[^"\\]*"|'[^']*')`;
const TASK_HEADER = new RegExp(String.raw`^\s*\[\s*tasks\s*\.\s*(${KEY})(?:\s*\.\s*${KEY})*\s*\]\s*(?:#.*)?$`);
const HEADER = /^\s*\[/;

/**
 * Whether `line` opens or closes a multi-line string (`open`: the one open), or undefined where that
 * is not told by the line alone (both quote kinds, another quote or a comment beside the delimiter,
 * an escaped quote): a header hidden in a string, or one shown by a misread one, would move lines
 * between tables.
 */
function toggles(line: string, open: string | undefined): boolean | undefined {
  const kinds = ['"""', "'''"].filter((q) => line.includes(q));
  if (kinds.length > 1) return undefined;
  const q = kinds[0];
  if (!q || (open && q !== open)) return false;
  const rest = line.split(q);
  if (/["']/.test(rest.join('')) || (q === '"""' && line.includes('\\"'))) return undefined;
  if (!open && rest[0]!.includes('#')) return undefined;
  return rest.length % 2 === 0;
}

/** mise.toml's lines split by table (the root's first), or undefined where its tasks are not tables of their own. */
function tables(text: string): Table[] | undefined {
  const out: Table[] = [{ lines: [] }];
  let open: string | undefined;
  for (const line of text.split('\n')) {
    const flip = toggles(line, open);
    if (flip === undefined) return undefined;
    if (!open && HEADER.test(line)) {
      const m = TASK_HEADER.exec(line);
      if (!m && /^\s*\[\[?\s*["']?tasks\b/.test(line)) return undefined;
      out.push({ ...(m ? { task: m[1]!.replace(/^["']|["']$/g, '') } : {}), lines: [line] });
    } else {
      // A root key `tasks.x = ...` or `tasks = {...}`: tasks written so are not told apart.
      if (!open && out.length === 1 && /^\s*["']?tasks["']?\s*[.=]/.test(line)) return undefined;
      out[out.length - 1]!.lines.push(line);
    }
    if (flip) open = open ? undefined : line.includes('"""') ? '"""' : "'''";
  }
  return open ? undefined : out;
}

const words = (lines: readonly string[]): Set<string> => new Set(lines.join('\n').split(/[^\w:.-]+/));

/** The lines of mise.toml that `mise run <named>` reads, or undefined for all of it (see the header). */
export function miseLines(text: string, named: readonly string[]): string[] | undefined {
  const all = tables(text);
  if (!all) return undefined;
  const kept = all.filter((t) => t.task === undefined);
  const tasks = all.filter((t) => t.task !== undefined);
  const wanted = new Set([...named, ...words(kept.flatMap((t) => t.lines))]);
  const alias = (t: Table): string[] =>
    t.lines.filter((l) => /^\s*alias\s*=/.test(l)).flatMap((l) => [...words([l.replace(/^\s*alias\s*=/, '')])]);
  for (let grew = true; grew;) {
    grew = false;
    for (const t of tasks) {
      if (kept.includes(t) || !(wanted.has(t.task!) || alias(t).some((a) => wanted.has(a)))) continue;
      kept.push(t);
      grew = true;
      for (const w of words(t.lines)) wanted.add(w);
    }
  }
  const lines = kept.flatMap((t) => t.lines);
  // A wildcard (`mise run 'lint:*'`, `depends = ["lint:*"]`) may run any task; a task named that is
  // not here may be a file task or one from an included file.
  if (lines.some((l) => /["'][^"']*[*?][^"']*["']/.test(l))) return undefined;
  if (named.some((n) => !kept.some((t) => t.task === n || alias(t).includes(n)))) return undefined;
  return lines;
}

/** A plain version: a release of the tool, no path, ref or backend. */
const VERSION = String.raw`(?:\d[\w.+-]*|latest|lts|stable)`;
const TOOL_LINE = new RegExp(
  String.raw`^(\s*${KEY}\s*=\s*)(?:(["'])${VERSION}\2|\[\s*(["'])${VERSION}\3(?:\s*,\s*(["'])${VERSION}\4)*\s*,?\s*\])(\s*(?:#.*)?)$`,
);
const TOOL_VERSIONS_LINE = new RegExp(String.raw`^(\s*[\w-]+)(?:\s+${VERSION})+(\s*(?:#.*)?)$`);

/** The text `mise run <named>` reads of a mise file, tools' plain versions left out; undefined: all of it. */
export function misePart(path: string, text: string, named: readonly string[]): string | undefined {
  if (path.endsWith('.tool-versions'))
    return text
      .split('\n')
      .map((l) => l.replace(TOOL_VERSIONS_LINE, '$1 <version>$2'))
      .join('\n');
  const lines = miseLines(text, named);
  if (!lines) return undefined;
  let tools = false;
  return lines
    .map((l) => {
      if (HEADER.test(l)) tools = /^\s*\[\s*tools\s*\]/.test(l);
      return tools ? l.replace(TOOL_LINE, '$1"<version>"$5') : l;
    })
    .join('\n');
}

const DEPENDS = /^\s*(?:depends|depends_post|wait_for)\s*=/;

/**
 * `mise run <task>` for each task the tasks in `lines` depend on (`depends`, `depends_post`,
 * `wait_for`, an array on one line or several): mise runs them too, and one no table defines is a
 * file task (mise-tasks/<name>), which the chain then watches as it does the named task's.
 */
export function miseDependencyRuns(lines: readonly string[]): string[] {
  const out: string[] = [];
  let open = false;
  for (const line of lines) {
    if (!open && !DEPENDS.test(line)) continue;
    const value: string = open ? line : line.replace(DEPENDS, '');
    for (const m of value.matchAll(/"([^"\\]*)"|'([^']*)'/g)) {
      const task = (m[1] ?? m[2] ?? '').trim().split(/\s+/)[0];
      if (task && /^[\w:.-]+$/.test(task)) out.push(`mise run ${task}`);
    }
    open = open ? !value.includes(']') : value.includes('[') && !value.includes(']');
  }
  return out;
}

/** The strings of each TOML array `re` matches (its group 1), in order. */
const arrayStrings = (text: string, re: RegExp): string[] =>
  [...text.matchAll(re)].flatMap((m) =>
    [...m[1]!.matchAll(/"([^"\\]*)"|'([^']*)'/g)].map((q) => (q[1] ?? q[2]!).trim()),
  );

/**
 * What `[task_config] includes` names (also `task_config.includes = [...]` or `task_config = {
 * includes = [...] }` at the root): the folders and toml files mise reads tasks from. Where the file is
 * not read by its tables, every `includes = [...]` in it (more places: fail closed).
 */
export function miseIncludes(text: string): string[] {
  const all = tables(text);
  if (!all) return arrayStrings(text, /\bincludes\s*=\s*\[([^\]]*)\]/g).filter(Boolean);
  const root = all[0]!.lines.join('\n');
  const table = all
    .filter((t) => /^\s*\[\s*task_config\s*\]/.test(t.lines[0] ?? ''))
    .flatMap((t) => t.lines)
    .join('\n');
  return [
    ...arrayStrings(root, /^\s*task_config\s*(?:\.\s*includes\s*=|=\s*\{[^}]*?\bincludes\s*=)\s*\[([^\]]*)\]/gm),
    ...arrayStrings(table, /^\s*includes\s*=\s*\[([^\]]*)\]/gm),
  ].filter(Boolean);
}

/**
 * What mise's `[env]` directives name (`_.file`, `_.path`, `_.source`, as a string, a list or `{ path =
 * ... }`): env files whose variables every task gets (PATH, NODE_OPTIONS...), folders put before PATH
 * (a `gitguard` there is the one a task runs) and scripts sourced; relative to the file's folder.
 */
export function miseEnvFiles(text: string): string[] {
  return [...text.matchAll(/^\s*(?:env\s*\.\s*)?_\s*\.\s*(?:file|path|source)\s*=(.*)$/gm)]
    .flatMap((m) => [...m[1]!.matchAll(/"([^"\\]*)"|'([^']*)'/g)].map((q) => (q[1] ?? q[2]!).trim()))
    .map((f) => f.replace(/^\{\{\s*config_root\s*\}\}\/?/, ''))
    .filter((f) => f !== '');
}

/**
 * `./<folder>/<task>` for each task (`named` and what they depend on) and each folder `includes`
 * names: mise runs the file task of that name there (`a:b` is a/b), as from mise-tasks/.
 */
export function miseIncludedRuns(includes: readonly string[], tasks: readonly string[]): string[] {
  return includes
    .filter((i) => !i.endsWith('.toml'))
    .flatMap((i) => tasks.map((t) => `./${i.replace(/^\.\/|\/+$/g, '')}/${t.replace(/:/g, '/')}`));
}

/**
 * `mise run <dep>` for what a file task's header says it depends on (`#MISE depends=["setup"]`,
 * `# [MISE] wait_for=...`, `//MISE` in a script of another language): mise runs those first.
 */
export function miseHeaderRuns(lines: readonly string[]): string[] {
  const headers = lines.flatMap((l) => /^\s*(?:#|\/\/)\s*(?:MISE|\[MISE\])\s+(.*)$/.exec(l)?.[1] ?? []);
  return miseDependencyRuns(headers);
}
