// Tools a CI step runs that run files of the repository by names of their own (domain/ci-commands.ts):
// workspace runners that find a package by its `name` or run a script in every package (turbo, nx,
// lerna, `pnpm -r`/`--filter`, `yarn workspace(s)`, `npm -w`/`--workspaces`), task runners (just,
// task, mise, pre-commit, tox, rake, docker compose), docker with the checkout mounted into the
// container, and `npx`/`pnpm exec`/`bundle exec`/`poetry run`, which run the tool they are handed. A workspace is marked, not resolved, here: collect/gate-chains.ts reads
// its packages at the tip (every one may run: fail closed).
import { posix } from 'node:path';
import { GITGUARD_WORD, option, repoPath, type Add, type Put } from './ci-words.js';
import { JUSTFILES } from './justfiles.js';
import { PRE_COMMIT_FILES, preCommitEntries } from './pre-commit-parts.js';
import { toxEnvs } from './tox-ini.js';
import { TASKFILES, taskNames } from './taskfile-parts.js';
import { miseTasks } from './mise-parts.js';
import { composeServices } from './compose-parts.js';

/** The files each task runner reads in a folder (mise's file tasks are looked up by the task's name). */
const TASK_FILES: Record<string, readonly string[]> = {
  just: JUSTFILES,
  task: TASKFILES,
  mise: ['mise.toml', '.mise.toml', 'mise.local.toml', '.mise.local.toml', '.config/mise.toml'].concat([
    '.config/mise/config.toml',
    'mise/config.toml',
    '.mise/config.toml',
    '.tool-versions',
  ]),
  'pre-commit': PRE_COMMIT_FILES,
  tox: ['tox.ini'],
  rake: ['Rakefile', 'rakefile', 'Rakefile.rb', 'rakefile.rb'],
  'docker-compose': ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'],
};
/** What `docker compose` reads beside its file when no `-f` names one: the override file, and `.env` (variables, `COMPOSE_FILE`). */
const COMPOSE_COMPANIONS = ['compose.override.yaml', 'compose.override.yml', 'docker-compose.override.yaml'].concat([
  'docker-compose.override.yml',
  '.env',
]);

/**
 * The files docker compose reads with a compose file on the gate's chain (watched whole, there or
 * not: one added replaces the gate service's command); none for another file.
 */
export function composeCompanions(path: string): string[] {
  if (!TASK_FILES['docker-compose']!.includes(posix.basename(path))) return [];
  const dir = posix.dirname(path);
  return COMPOSE_COMPANIONS.map((n) => (dir === '.' ? n : `${dir}/${n}`));
}

/** Every file `docker compose` is given (`-f a -f b`, `--file=a`, `-fa`). */
const composeFiles = (args: readonly string[]): string[] =>
  args.flatMap((a, k) => {
    if (a === '-f' || a === '--file') return args[k + 1] === undefined ? [] : [args[k + 1]!];
    const v = /^(?:--file=|-f)(.+)$/.exec(a)?.[1];
    return v === undefined ? [] : [v];
  });

/** The options naming a task runner's file instead (short, long). */
const FILE_OPTIONS: Record<string, readonly [string | undefined, ...string[]]> = {
  just: ['-f', '--justfile'],
  task: ['-t', '--taskfile'],
  mise: [undefined, '--file'],
  'pre-commit': ['-c', '--config'],
  tox: ['-c', '--conf'],
  rake: ['-f', '--rakefile'],
  'docker-compose': ['-f', '--file'],
};
const MISE_TASK_DIRS = ['mise-tasks', '.mise-tasks', 'mise/tasks', '.mise/tasks', '.config/mise/tasks'];
const WORKSPACE_TOOLS = new Set(['turbo', 'nx', 'lerna']);
const LAUNCHERS = new Set(['npx', 'bunx', 'pnpx', 'uvx']);
/** Tools that run the command after their subcommand (`bundle exec rake gate`, `poetry run ./ci/gate`). */
const SUB_LAUNCHERS: Record<string, string> = {
  bundle: 'exec',
  poetry: 'run',
  uv: 'run',
  pipenv: 'run',
  pdm: 'run',
  hatch: 'run',
  pipx: 'run',
  conda: 'run',
};
const CONTAINERS = new Set(['docker', 'podman']);

/** Whether `runs` hands a command named so to toolFiles. */
export const isTool = (name: string): boolean =>
  WORKSPACE_TOOLS.has(name) ||
  name in TASK_FILES ||
  LAUNCHERS.has(name) ||
  name in SUB_LAUNCHERS ||
  CONTAINERS.has(name);

/** A command text run in folder `dir` (ci-commands.ts commandFiles), its files put with the rest. */
export type Inner = (text: string, dir: string) => void;

/** A package runner's script `s` with npm's `pre`/`post` scripts (turbo and nx run it through the package manager). */
const scriptEntries = (names: readonly string[]): string[] | undefined =>
  names.length ? names.flatMap((s) => [`pre${s}`, s, `post${s}`]) : undefined;

/** Options of the tools here that take a value (`--filter x`): their values name no task. */
const VALUED = new Set(
  ['--filter', '-F', '--scope', '--ignore', '--projects', '-p', '--exclude', '--concurrency', '--parallel'].concat([
    '--cache-dir',
    '--output-logs',
    '--log-order',
    '--graph',
    '--since',
    '--base',
    '--head',
    '--configuration',
    '-c',
  ]),
);

/** The words of `args` that are no option or option value. */
const plain = (args: readonly string[]): string[] =>
  args.filter((a, k) => !a.startsWith('-') && !(VALUED.has(args[k - 1] ?? '') && !args[k - 1]!.includes('=')));

/**
 * The scripts or targets a workspace runner runs in each package: turbo's tasks (`turbo run a b`,
 * `turbo a`, `pkg#task`), nx's targets (`nx run p:t`, `nx run-many -t a b`, `--targets=a,b`, `nx t p`),
 * lerna's script (`lerna run t`); undefined where none is named (all of them).
 */
function workspaceTasks(name: string, args: readonly string[]): string[] | undefined {
  const words = plain(args).filter((w) => !['run', 'run-many', 'affected', 'exec'].includes(w));
  const named = [
    ...words,
    ...['-t', '--target', '--targets'].flatMap((o) => option(args, o.length === 2 ? o : undefined, o) ?? []),
  ];
  const tasks = named.flatMap((w) => w.split(/[,:#]/)).filter(Boolean);
  if (name === 'lerna' && args.includes('exec')) return undefined;
  return scriptEntries(tasks);
}

/** `docker run`'s options that take a value: the word after one is no image. */
const DOCKER_VALUED = new Set(
  ['-v', '--volume', '--mount', '-w', '--workdir', '-e', '--env', '--env-file', '--name', '--network', '-p'].concat([
    '--publish',
    '-u',
    '--user',
    '--entrypoint',
    '--platform',
    '-l',
    '--label',
    '--pull',
    '--cpus',
    '-m',
    '--memory',
  ]),
);

/** The folder of the repository a mount's source names: `$PWD`, `.`, `$GITHUB_WORKSPACE/x`, `$CI_PROJECT_DIR`. */
function hostFolder(src: string, dir: string): string | undefined {
  const m = /^"?\$\{?(PWD|GITHUB_WORKSPACE|CI_PROJECT_DIR)\}?"?(?:\/(.*))?$/.exec(src);
  const [base, rest] = m ? [m[1] === 'PWD' ? dir : '', m[2] ?? ''] : /^\.\.?(?:\/|$)/.test(src) ? [dir, src] : [];
  if (base === undefined) return undefined;
  const p = posix.normalize(posix.join(base || '.', rest || '.'));
  return p === '.' ? '' : repoPath(p, '');
}

/**
 * `docker run` with a folder of the checkout mounted (`-v $PWD:/src`, `--volume=.:/w`, `--mount
 * type=bind,source=.,target=/src`): a path under the mount point is that file of the repository,
 * and the container's command runs in the repository folder its `-w` names (its image is outside).
 */
function dockerFiles(args: readonly string[], dir: string, add: Add, inner: Inner): void {
  const mounts: Array<[string, string]> = [];
  for (const [k, a] of args.entries()) {
    const v = ['-v', '--volume', '--mount'].includes(a) ? args[k + 1] : /^(?:-v|--volume=|--mount=)(.+)$/.exec(a)?.[1];
    if (!v) continue;
    const kv = new Map(v.split(',').map((p) => [p.split('=')[0]!, p.slice(p.indexOf('=') + 1)] as const));
    const [src, dst] = /^[\w-]+=/.test(v)
      ? [kv.get('source') ?? kv.get('src'), kv.get('target') ?? kv.get('destination') ?? kv.get('dst')]
      : v.split(':');
    const host = src === undefined ? undefined : hostFolder(src, dir);
    if (host !== undefined && dst?.startsWith('/')) mounts.push([posix.normalize(dst).replace(/\/$/, ''), host]);
  }
  if (!mounts.length) return;
  /** A word at or (`below`) under a mount point, as the repository's path. */
  const inRepo = (w: string, below = false): string | undefined => {
    for (const [dst, host] of mounts)
      if ((w === dst && !below) || w.startsWith(`${dst}/`))
        return posix.join(host || '.', w.slice(dst.length + 1) || '.');
    return undefined;
  };
  // Every word below a mount point is a file of the repository the container may run (fail closed).
  for (const a of args) add(inRepo(a.replace(/^--?[\w-]+=/, ''), true), '');
  const work = option(args, '-w', '--workdir');
  const at = work === undefined ? undefined : inRepo(work);
  let image = 1;
  while (image < args.length && args[image]!.startsWith('-')) image += DOCKER_VALUED.has(args[image]!) ? 2 : 1;
  if (args[0] !== 'run' || image >= args.length) return;
  const command = args.slice(image + 1).map((a) => inRepo(a) ?? a);
  inner(command.join(' '), at === undefined || at === '.' ? '' : at);
}

/** The package managers' settings files a launcher reads where it runs (npm's, pnpm's: .npmrc; yarn's: .yarnrc.yml). */
export const LAUNCHER_SETTINGS = ['.npmrc', '.yarnrc.yml'];

/**
 * A launcher that fetches gitguard (`npx gitguard`, `npx @acme/gitguard-cli`, `pnpm dlx`, `yarn dlx`)
 * installs it from the registry its folder's settings name: the settings files in `dir` and each
 * folder above it (the package manager reads the nearest project's) are on the chain, in the part
 * that picks the registry of the scopes named (domain/workspace-parts.ts). A launch of something else: none.
 */
export function launcherSettings(args: readonly string[], dir: string, put: Put): void {
  if (!args.some((a) => GITGUARD_WORD.test(a))) return;
  const scopes = [...new Set(args.flatMap((a) => /^(?:--package=)?(@[^/\s]+)\//.exec(a)?.[1] ?? []))];
  for (const p of packageSettings(dir)) put(p, scopes);
}

/** The package managers' settings files (LAUNCHER_SETTINGS) of folder `dir` and each folder above it. */
export function packageSettings(dir: string): string[] {
  const folders = dir ? dir.split('/').map((_, k, all) => all.slice(0, k + 1).join('/')) : [];
  return ['', ...folders].flatMap((f) => LAUNCHER_SETTINGS.map((n) => posix.join(f || '.', n)));
}

/**
 * The files `name args` (isTool) run in folder `dir` runs: a workspace runner's package.json in
 * every package (put with `workspaces`), a task runner's file (whole), what a launcher or a
 * container runs (`inner`).
 */
export function toolFiles(name: string, args: readonly string[], dir: string, add: Add, put: Put, inner: Inner): void {
  if (LAUNCHERS.has(name)) {
    if (name === 'npx' || name === 'pnpx') launcherSettings(args, dir, put);
    const c = option(args, '-c', '--call');
    if (c !== undefined) return inner(c, dir);
    const k = args.findIndex((a, i) => !a.startsWith('-') && !['-p', '--package'].includes(args[i - 1] ?? ''));
    if (k >= 0) inner(args.slice(k).join(' '), dir);
  } else if (name in SUB_LAUNCHERS) {
    const k = args.indexOf(SUB_LAUNCHERS[name]!);
    if (k >= 0) inner(args.slice(k + 1).join(' '), dir);
  } else if (WORKSPACE_TOOLS.has(name)) {
    // `lerna exec -- ./gate.sh`: the command runs in each package's folder.
    const exec = name === 'lerna' && args.includes('exec') ? args.slice(args.indexOf('--') + 1).join(' ') : '';
    put(repoPath('package.json', dir), exec ? [] : workspaceTasks(name, args), exec || true);
  } else if (CONTAINERS.has(name)) {
    if (args[0] === 'build' || (args[0] === 'buildx' && args[1] === 'build')) {
      const file = option(args, '-f', '--file');
      const context = plain(args.slice(args[0] === 'build' ? 1 : 2)).find((a) => !a.includes('://')) ?? '.';
      add(file ?? posix.join(context, 'Dockerfile'), dir);
    } else if (args[0] === 'compose') toolFiles('docker-compose', args.slice(1), dir, add, put, inner);
    else dockerFiles(args[0] === 'container' ? args.slice(1) : args, dir, add, inner);
  } else {
    const file = option(args, ...FILE_OPTIONS[name]!);
    // `docker compose -f a -f b`: one configuration (b may replace a's gate command): on the chain together.
    const files = name === 'docker-compose' ? composeFiles(args).map((f) => repoPath(f, dir)) : [];
    const together = files.filter((f): f is string => f !== undefined);
    if (files.length > 1) for (const f of together) put(f, undefined, undefined, together);
    const folder = posix.join(dir, option(args, '-d', '--dir', '--working-directory', '--cd') ?? '');
    // just's recipes named (`just gate`; `just` alone runs the first: all of it), run in part (justfiles.ts).
    const valued = (a: string | undefined): boolean =>
      ['-f', '--justfile', '-d', '--working-directory'].includes(a ?? '');
    const recipes =
      name === 'just' ? args.filter((w, k) => !w.startsWith('-') && !w.includes('=') && !valued(args[k - 1])) : [];
    const entries = recipes.length
      ? recipes
      : name === 'pre-commit'
        ? preCommitEntries(args)
        : name === 'tox'
          ? toxEnvs(args)
          : name === 'task'
            ? taskNames(args)
            : name === 'mise'
              ? miseTasks(args)
              : name === 'docker-compose'
                ? composeServices(args)
                : undefined;
    if (file) add(file, dir, entries);
    // just and mise read the files of every folder up to the root; task the nearest: each may run.
    const up = (f: string): string[] => (f === '' || f === '.' ? [''] : [f, ...up(posix.dirname(f))]);
    if (!file) for (const f of up(folder)) for (const n of TASK_FILES[name]!) add(n, f, entries);
    // mise reads all of its files for every task, there or not (one added may redefine the gate's task): one configuration.
    const mises = name === 'mise' ? up(folder).flatMap((f) => TASK_FILES.mise!.map((n) => repoPath(n, f))) : [];
    const config = [...(file ? [repoPath(file, dir)] : []), ...mises].filter((m): m is string => m !== undefined);
    if (name === 'mise') for (const m of config) put(m, entries, undefined, config);
    if (name === 'mise')
      for (const t of plain(args).filter((w) => !['run', 'r', 'tasks'].includes(w)))
        for (const d of MISE_TASK_DIRS) add(`${d}/${t.replace(/:/g, '/')}`, folder);
  }
}

/** Lists of strings in a parsed file (`workspaces`, `packages`), or nothing. */
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

const json = (text: string | undefined): Record<string, unknown> | undefined => {
  try {
    const v: unknown = text === undefined ? undefined : JSON.parse(text.replace(/^\uFEFF/, ''));
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined;
  } catch {
    return { unreadable: true };
  }
};

/**
 * The folder globs of a workspace's packages, as its root's package.json (`workspaces`, or
 * `workspaces.packages`), lerna.json (`packages`, `packages/*` by default) and pnpm-workspace.yaml
 * (`pnpm` its `packages`) declare them; exclusions (`!x`) are not applied (more packages: fail
 * closed). None declared, or a file unreadable: `**` (nx and `pnpm -r` find packages anywhere).
 */
export function packageGlobs(
  packageJson: string | undefined,
  lernaJson: string | undefined,
  pnpm: readonly string[],
): string[] {
  const pkg = json(packageJson);
  const lerna = json(lernaJson);
  const ws = pkg?.workspaces;
  const globs = [
    ...strings(ws),
    ...strings((ws as { packages?: unknown } | undefined)?.packages),
    ...strings(lerna?.packages),
    ...(lerna && !lerna.packages ? ['packages/*'] : []),
    ...pnpm,
  ].filter((g) => !g.startsWith('!'));
  if (pkg?.unreadable || lerna?.unreadable || !globs.length) return ['**'];
  return [...new Set(globs.map((g) => g.replace(/^\.\//, '').replace(/\/+$/, '')))];
}

/** At most this many names a segment's braces spell; past it, the segment matches every name (fail closed). */
const MAX_ALTERNATIVES = 256;

/**
 * Whether a folder name matches one segment of a glob (`*`, `?`, `[...]`, `[!...]`, `{a,b}`), in
 * time linear in the product of their lengths: a regular expression made of the glob backtracked
 * for minutes on `*a*a*a*a*b` against a folder of 200 a's (a hostile workspace's hang). A segment
 * that cannot be read (an unclosed `[`) matches every name (fail closed: more folders are read).
 */
export function segmentMatches(segment: string, name: string): boolean {
  let alternatives = [''];
  for (const part of segment.split(/(\{[^}]*\})/)) {
    const options = part.startsWith('{') ? part.slice(1, -1).split(',') : [part];
    if (alternatives.length * options.length > MAX_ALTERNATIVES) return true;
    alternatives = alternatives.flatMap((a) => options.map((o) => a + o));
  }
  return alternatives.some((a) => {
    const tokens = globTokens(a);
    return tokens === undefined || wildcardMatches(tokens, name);
  });
}

/** One character's test, or null for `*` (any run); undefined where a `[` is not closed. */
type Token = ((c: string) => boolean) | null;

function globTokens(glob: string): Token[] | undefined {
  const out: Token[] = [];
  for (let i = 0; i < glob.length; i += 1) {
    const c = glob[i]!;
    if (c === '*') {
      if (out[out.length - 1] !== null) out.push(null);
    } else if (c === '?') out.push(() => true);
    else if (c === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close < 0) return undefined;
      let body = glob.slice(i + 1, close);
      const negated = body[0] === '!' || body[0] === '^';
      if (negated) body = body.slice(1);
      const ranges: Array<[string, string]> = [];
      for (let j = 0; j < body.length; j += 1)
        if (body[j + 1] === '-' && j + 2 < body.length) {
          ranges.push([body[j]!, body[j + 2]!]);
          j += 2;
        } else ranges.push([body[j]!, body[j]!]);
      out.push((x) => ranges.some(([lo, hi]) => x >= lo && x <= hi) !== negated);
      i = close;
    } else out.push((x) => x === c);
  }
  return out;
}

/** Wildcard matching with the last `*` as the only point to go back to: O(tokens x name). */
function wildcardMatches(tokens: readonly Token[], name: string): boolean {
  let [t, n, star, from] = [0, 0, -1, 0];
  while (n < name.length) {
    const token = tokens[t];
    if (token === null) [star, from, t] = [t, n, t + 1];
    else if (token !== undefined && token(name[n]!)) [t, n] = [t + 1, n + 1];
    else if (star >= 0) [t, n, from] = [star + 1, from + 1, from + 1];
    else return false;
  }
  while (tokens[t] === null) t += 1;
  return t === tokens.length;
}
