// The part of a workspace runner's own file that the CI gate's chain reads (ci-commands.ts chainPart),
// read as the tool reads it: turbo.json's gate tasks, what they depend on or run with, and every
// setting outside `tasks`; nx.json's likewise (`targetDefaults`); .npmrc's lines and .yarnrc.yml's
// settings but another scope's registry and a registry's credentials; lerna.json's but the release's;
// pnpm-workspace.yaml (read as YAML by collect/, handed here as JSON) in whether its `packages` take in
// each gate package, its catalogs' entries for gitguard and every other setting. A file read
// otherwise (JSON with comments or a key twice, an ini section, a glob not read here) is all of its text.
import { posix } from 'node:path';
import { nodeLoads } from './ci-variables.js';

/** The scopes of gitguard's own dependencies: a registry set for one may swap what `npx gitguard` installs. */
const OWN_SCOPES = new Set(['@gitbeaker', '@octokit']);

/**
 * Whether a file is one of these, read in parts (the entries: turbo's tasks, nx's targets; the gate packages'
 * folders, from the workspace's, for pnpm-workspace.yaml; none for .npmrc and .yarnrc.yml).
 */
export const isWorkspacePart = (path: string): boolean =>
  ['turbo.json', 'nx.json', '.npmrc', '.yarnrc.yml', 'pnpm-workspace.yaml', 'lerna.json'].includes(
    posix.basename(path),
  );

/** The part of `text` the chain reads, or undefined where it is not read so (all of it counts). */
export function workspacePart(path: string, entries: readonly string[], text: string): string | undefined {
  const name = posix.basename(path);
  if (name === 'pnpm-workspace.yaml') return pnpmPart(text, entries);
  if (name === 'nx.json') return nxPart(text, entries);
  if (name === '.yarnrc.yml') return yarnrcPart(text, entries);
  if (name === 'lerna.json') return lernaPart(text);
  return name === '.npmrc' ? npmrcPart(text, entries) : turboPart(text, entries);
}

export type Json = Record<string, unknown>;
export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A YAML file handed over as JSON by collect/, parsed; undefined where it is no JSON. */
export function parsedJson(json: string): unknown {
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * A YAML file's object, handed over as JSON by collect/; undefined where it is none, or holds a merge
 * key (`<<`: pnpm's, yarn's and pre-commit's readers merge it, the one collect/ uses does not).
 */
export function yamlObject(json: string): Json | undefined {
  try {
    const parsed: unknown = JSON.parse(json);
    return isObject(parsed) && !json.includes('"<<"') ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** A JSON object as a runner reads it; undefined where another reader may read it otherwise (comments, a key twice). */
function jsonObject(text: string): Json | undefined {
  const body = text.replace(/^\uFEFF/, '');
  try {
    const parsed: unknown = JSON.parse(body);
    return isObject(parsed) && keysOnce(body) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The entries of task tables (`[table, name, definition]`) that `tasks` reach: those `applies` takes
 * for the names wanted, and in turn the names `deps` reads in them; undefined where `deps` cannot tell.
 */
function reachedTasks(
  all: ReadonlyArray<readonly [number, string, unknown]>,
  tasks: readonly string[],
  applies: (name: string, wanted: ReadonlySet<string>) => boolean,
  deps: (definition: unknown) => string[] | undefined,
): Array<[string, unknown]> | undefined {
  const wanted = new Set(tasks);
  const kept = new Map<string, unknown>();
  for (let grew = true; grew;) {
    grew = false;
    for (const [k, n, v] of all) {
      if (kept.has(`${k}\0${n}`) || !applies(n, wanted)) continue;
      kept.set(`${k}\0${n}`, v);
      grew = true;
      const named = deps(v);
      if (!named) return undefined;
      for (const d of named) wanted.add(d);
    }
  }
  return [...kept].sort(([a], [b]) => (a < b ? -1 : 1));
}

/** The strings of a definition's `key` list ([] where there is none), undefined where it is something else. */
function listed(v: unknown, key: string, of: (item: unknown) => string | undefined): string[] | undefined {
  const list: unknown = isObject(v) ? v[key] : undefined;
  if (list === undefined) return [];
  if (!Array.isArray(list)) return undefined;
  const out = list.map(of).filter((x): x is string => x !== undefined);
  return out.length === list.length ? out : undefined;
}

/**
 * turbo.json: every key but `tasks` (turbo 2) and `pipeline` (turbo 1), and of those the entries of
 * `tasks` (by their name after `pkg#`) and what their `dependsOn` and `with` name, in turn.
 */
function turboPart(text: string, tasks: readonly string[]): string | undefined {
  const parsed = jsonObject(text);
  if (!parsed) return undefined;
  const { tasks: defs, pipeline, ...settings } = parsed;
  const tables = [defs, pipeline];
  if (tables.some((t) => t !== undefined && !isObject(t))) return undefined;
  const all = tables.flatMap((t, k) =>
    Object.entries((t as Json | undefined) ?? {}).map(([n, v]) => [k, n, v] as const),
  );
  const taskOf = (n: string): string => n.slice(n.lastIndexOf('#') + 1).replace(/^\^/, '');
  const name = (d: unknown): string | undefined => (typeof d === 'string' ? taskOf(d) : undefined);
  const kept = reachedTasks(
    all,
    tasks,
    (n, wanted) => wanted.has(taskOf(n)),
    (v) => {
      const [a, b] = [listed(v, 'dependsOn', name), listed(v, 'with', name)];
      return a && b && [...a, ...b];
    },
  );
  return kept && JSON.stringify([settings, kept]);
}

/**
 * nx.json: every key but `targetDefaults` and those only `nx g` and `nx release` read (`generators`,
 * `release`), and of `targetDefaults` the gate's targets, those keyed by an executor or a pattern
 * (`nx:run-commands`, `e2e-*`: they may apply to it) and what their `dependsOn` names, in turn.
 */
function nxPart(text: string, targets: readonly string[]): string | undefined {
  const parsed = jsonObject(text);
  if (!parsed) return undefined;
  const { targetDefaults, generators: _g, release: _r, ...settings } = parsed;
  if (targetDefaults !== undefined && !isObject(targetDefaults)) return undefined;
  const all = Object.entries(targetDefaults ?? {}).map(([n, v]) => [0, n, v] as const);
  const name = (d: unknown): string | undefined => {
    const t = isObject(d) ? d.target : d;
    return typeof t === 'string' ? t.slice(t.lastIndexOf(':') + 1).replace(/^\^/, '') : undefined;
  };
  const kept = reachedTasks(
    all,
    targets,
    (n, wanted) => wanted.has(n) || /[:*?{[]/.test(n),
    (v) => listed(v, 'dependsOn', name),
  );
  return kept && JSON.stringify([settings, kept]);
}

/**
 * lerna.json: every setting but the release's (`version`, which `lerna version` rewrites in each
 * release commit, and the `version` and `publish` commands' options): `packages`, `npmClient`,
 * `useNx` and `command.run` decide what `lerna run` runs.
 */
function lernaPart(text: string): string | undefined {
  const parsed = jsonObject(text);
  const { version: _v, command = {}, ...settings } = parsed ?? {};
  if (!parsed || !isObject(command)) return undefined;
  const { version: _cv, publish: _cp, ...commands } = command;
  return JSON.stringify([settings, commands]);
}

/**
 * Whether no object of a JSON text names a key twice (JSON.parse keeps the last; another reader may
 * keep the first): the text is walked string by string, a key compared as decoded.
 */
function keysOnce(text: string): boolean {
  const open: Array<Set<string> | null> = [];
  const token = /"(?:[^"\\]|\\.)*"|[{}[\]]/g;
  for (let m = token.exec(text); m; m = token.exec(text)) {
    const t = m[0];
    if (t === '{') open.push(new Set());
    else if (t === '[') open.push(null);
    else if (t === '}' || t === ']') open.pop();
    else if (/^\s*:/.test(text.slice(token.lastIndex))) {
      const keys = open[open.length - 1];
      const key = JSON.parse(t) as string;
      if (!keys || keys.has(key)) return false;
      keys.add(key);
    }
  }
  return true;
}

/**
 * .npmrc, as npm's ini reader reads it: its settings but comments, a registry's credentials
 * (`//host/:_authToken=...`: they pick no package) and a registry of a scope (`@acme:registry=`)
 * other than those of gitguard's dependencies and `scopes` (a gate launched as `npx @acme/gitguard`);
 * a `[section]` or a line in quotes: all of it.
 */
function npmrcPart(text: string, scopes: readonly string[]): string | undefined {
  const own = new Set([...OWN_SCOPES, ...scopes.map((c) => c.toLowerCase())]);
  const kept: string[] = [];
  for (const raw of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    if (/^["'[]/.test(line)) return undefined;
    if (line.startsWith('//')) continue;
    const scope = /^(@[^:=\s]+):registry\s*=/.exec(line)?.[1];
    if (scope && !own.has(scope.toLowerCase()) && !scope.includes('$')) continue;
    kept.push(line);
  }
  return JSON.stringify(kept);
}

/**
 * The files a package manager's settings file makes it run with every package script (the raw values,
 * as written): .npmrc's `script-shell`, the shell each script runs in (npm and pnpm), and what its
 * `node-options` loads into every node process the script starts, gitguard's own included
 * (`--require ./ci/x.cjs`); .yarnrc.yml's `yarnPath`, the file yarn runs as itself.
 */
export function settingsPrograms(path: string, text: string): string[] {
  if (posix.basename(path) === '.yarnrc.yml')
    return [...text.matchAll(/^yarnPath\s*:\s*["']?([^"'#\s]+)/gm)].map((m) => m[1]!);
  const out: string[] = [];
  for (const raw of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    const m = /^\s*(script-shell|node-options)\s*=\s*(.*?)\s*$/i.exec(raw);
    if (!m) continue;
    const value = m[2]!.replace(/^(["'])(.*)\1$/, '$2');
    out.push(...(m[1]!.toLowerCase() === 'script-shell' ? [value] : nodeLoads(value)));
  }
  return out;
}

/**
 * pnpm-workspace.yaml (as JSON): every setting but `packages` and the catalogs, each catalog's entries
 * that name gitguard, and for each gate package's folder whether `packages` takes it in (a pattern
 * matches it, no `!` pattern does). A merge key, or a pattern with more than `*`, `**` and `?`: undefined.
 */
function pnpmPart(json: string, folders: readonly string[]): string | undefined {
  const parsed = yamlObject(json);
  // A package in a dot folder (`*` may skip it): all of it.
  if (!parsed || folders.some((f) => /(?:^|\/)\./.test(f))) return undefined;
  const { packages, catalog, catalogs, ...settings } = parsed;
  if (!Array.isArray(packages) || packages.some((g) => typeof g !== 'string')) return undefined;
  const globs = (packages as string[]).map((g) => g.replace(/^(!?)\.\//, '$1').replace(/\/+$/, ''));
  if (globs.some((g) => !/^!?[\w.@*?/-]*$/.test(g))) return undefined;
  const takes = (f: string, g: string): boolean => globMatches(g.split('/').filter(Boolean), f.split('/'));
  const taken = folders.map(
    (f) =>
      f === '' ||
      (globs.some((g) => !g.startsWith('!') && takes(f, g)) &&
        !globs.some((g) => g.startsWith('!') && takes(f, g.slice(1)))),
  );
  const gate = (c: unknown): unknown =>
    isObject(c) ? Object.entries(c).filter(([k, v]) => /gitguard/i.test(k) || /gitguard/i.test(String(v))) : c;
  const named = isObject(catalogs) ? Object.entries(catalogs).map(([k, c]) => [k, gate(c)]) : catalogs;
  return JSON.stringify([settings, taken, gate(catalog), named]);
}

/**
 * Whether a glob's segments (`*`, `?` within a name, `**` any number of folders) match a folder's,
 * row by row over the glob (a pattern of many `**` is no exponential search).
 */
function globMatches(glob: readonly string[], path: readonly string[]): boolean {
  // ends[j]: the glob's segments so far match the path's first j.
  let ends = path.map((_, j) => j === 0).concat(path.length === 0);
  for (const g of glob) {
    const re = new RegExp(`^${g.replace(/[.]/g, '\\.').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}$`);
    ends =
      g === '**'
        ? ends.reduce<boolean[]>((out, e, j) => [...out, e || (j > 0 && out[j - 1]!)], [])
        : ends.map((_, j) => j > 0 && ends[j - 1]! && re.test(path[j - 1]!));
  }
  return ends[path.length]!;
}

/** yarn's credentials, for every registry or a scope's: they pick no package (as .npmrc's `//host/:_authToken=`). */
const YARN_CREDENTIALS = new Set(['npmAuthToken', 'npmAuthIdent', 'npmAlwaysAuth']);
const withoutCredentials = (o: Json): Json =>
  Object.fromEntries(Object.entries(o).filter(([k]) => !YARN_CREDENTIALS.has(k)));

/**
 * .yarnrc.yml (as JSON from collect/): every setting (`yarnPath` swaps yarn itself) but the registries'
 * credentials (`npmRegistries`, `npmAuthToken` and its kin, a scope's too) and the scopes of
 * `npmScopes` other than gitguard's dependencies' and `scopes`.
 */
function yarnrcPart(json: string, scopes: readonly string[]): string | undefined {
  const parsed = yamlObject(json);
  if (!parsed) return undefined;
  const { npmScopes, npmRegistries: _credentials, ...settings } = parsed;
  if (npmScopes !== undefined && !isObject(npmScopes)) return undefined;
  const kept = new Set([...OWN_SCOPES, ...scopes.map((c) => c.toLowerCase())]);
  const own = Object.entries(npmScopes ?? {})
    .filter(([k]) => kept.has(`@${k.replace(/^@/, '').toLowerCase()}`))
    .map(([k, v]) => [k, isObject(v) ? withoutCredentials(v) : v]);
  return JSON.stringify([withoutCredentials(settings), own]);
}
