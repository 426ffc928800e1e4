// The files a CI step's commands run on their way to gitguard (domain/ci-commands.ts), read at a
// tip: what derived-paths.ts watches as the CI gate, in parts where a file runs in parts.
import { gitguardFiles } from '../domain/audit-options.js';
import { commandFiles, commandsOf, GITGUARD_WORD, runsInParts } from '../domain/ci-commands.js';
import { isMiseFile, miseEnvFiles, miseIncludes } from '../domain/mise-parts.js';
import type { CommandFile } from '../domain/ci-words.js';
import { isMakeFile, makeAssignments, makeIncludeDirs, makeIncludes, shadowingMakefiles } from '../domain/makefiles.js';
import { isWorkspacePart, settingsPrograms } from '../domain/workspace-parts.js';
import { LAUNCHER_SETTINGS, packageSettings } from '../domain/ci-tools.js';
import type { GitObject } from './objects.js';
import type { RunCommand } from './ci-yaml.js';
import { filesRun } from './command-reading.js';
import { WORKSPACE_CONFIGS, workspacePackages, yamlJson } from './workspace-packages.js';
import { TASKFILES, taskfileDotenv, taskfileIncludes, taskfileRootCalls } from '../domain/taskfile-parts.js';
import { repoPath } from '../domain/ci-words.js';
import { composeCompanions } from '../domain/ci-tools.js';
import { composeFileValue, composeReferences } from '../domain/compose-files.js';
import { isComposeFile } from '../domain/compose-parts.js';
import {
  addValues,
  loadedByVariables,
  shellAssignments,
  sourcedFiles,
  withVariables,
  type VariableValues,
} from '../domain/ci-variables.js';

/** The files besides the root package.json that declare a workspace's packages. */
const DECLARATIONS = ['pnpm-workspace.yaml', 'lerna.json'];
import { posix } from 'node:path';

/** How deep a chain of files run by commands is followed (workflow -> npm script -> shell script -> ...). */
const MAX_COMMAND_DEPTH = 4;
/** Past this many Taskfiles included (nested), a Taskfile's calls back are not told: all of it counts. */
const MAX_INCLUDED = 64;

/**
 * The files the commands of a CI file run (domain/ci-commands.ts) that lead to gitguard: the file
 * names it, or a file it runs does. Each file on such a chain is watched: editing any one can drop
 * the gate (or `exit 0` before it). A file that cannot be read as text (too large, a package.json
 * that is no JSON) or a chain deeper than MAX_COMMAND_DEPTH counts as leading there (fail closed).
 * `values`: every value the CI configuration gives a variable (ci-yaml.ts ciVariables); with those
 * the shell scripts the commands run assign, each is written into the commands that use it.
 * `unread`: a command was past the run's YAML budget (command-reading.ts): what they run is not known.
 */
export async function gateChains(
  readObject: (spec: string) => Promise<GitObject | null | undefined>,
  oidBytes: 20 | 32,
  tip: string,
  commands: readonly RunCommand[],
  values: Iterable<readonly [string, string]> = [],
): Promise<{ chain: Map<string, string[] | undefined>; ran: Map<string, string[] | undefined>; unread?: true }> {
  /** Each file on a chain, with the package scripts or make targets the chains run of it (undefined: all). */
  const chain = new Map<string, string[] | undefined>();
  // Each object read once (a workspace's package.json files are read ahead, side by side).
  const objects = new Map<string, Promise<GitObject | null | undefined>>();
  const read = (spec: string): Promise<GitObject | null | undefined> => {
    let o = objects.get(spec);
    if (!o) objects.set(spec, (o = readObject(spec)));
    return o;
  };
  /** Each file the commands run, leading to gitguard or not (the same way). */
  const ran = new Map<string, string[] | undefined>();
  const union = (into: Map<string, string[] | undefined>, file: CommandFile): void => {
    const had = into.get(file.path);
    const whole = !file.entries || !runsInParts(file.path) || (into.has(file.path) && !had);
    into.set(file.path, whole ? undefined : [...new Set([...(had ?? []), ...file.entries!])]);
  };
  const onChain = (file: CommandFile): void => union(chain, file);
  /** Each variable's values, from the CI's files and the scripts read (domain/ci-variables.ts). */
  const pool = new Map<string, string[]>();
  addValues(pool, values);
  const leads = new Map<string, Promise<boolean>>();
  const reading = new Set<string>();
  const follow = (file: CommandFile, depth: number): Promise<boolean> => {
    const key = `${file.path}\0${file.entries?.join(' ') ?? '*'}\0${file.workspaces ?? ''}\0${file.together?.join(' ') ?? ''}\0${file.includeDirs?.join(' ') ?? ''}`;
    // A script that runs itself again (`"audit": "npm run audit"`, a make loop) adds nothing: not awaited.
    if (reading.has(key)) return Promise.resolve(false);
    let answer = leads.get(key);
    if (!answer) {
      reading.add(key);
      leads.set(key, (answer = readFile(file, depth).finally(() => reading.delete(key))));
    }
    return answer;
  };
  /**
   * The tasks of a Taskfile that the Taskfiles it includes (and theirs) call back (`task: :prepare`),
   * at the tip; undefined where that is not told (an include not in the repository, a folder by a
   * template, a call by a template, too many): then all of it counts.
   */
  const rootCalls = async (
    json: string | undefined,
    folder: string,
    seen: Set<string>,
  ): Promise<string[] | undefined> => {
    const out: string[] = [];
    for (const f of taskfileIncluded(json, folder)) {
      if (seen.has(f.path)) continue;
      seen.add(f.path);
      if (seen.size > MAX_INCLUDED) return undefined;
      const o = await read(`${tip}:${f.path}`);
      // Absent: runs nothing (task stops there).
      if (o === null) continue;
      if (o?.type !== 'blob') return undefined;
      const inc = await yamlJson(o.body.toString('utf8'));
      const calls = inc === undefined ? undefined : taskfileRootCalls(inc);
      if (!calls) return undefined;
      const deeper = await rootCalls(inc, posix.dirname(f.path).replace(/^\.$/, ''), seen);
      if (!deeper) return undefined;
      out.push(...calls, ...deeper);
    }
    return out;
  };
  const readFile = async (asked: CommandFile, depth: number): Promise<boolean> => {
    let file = asked;
    if (file.workspaces) return readWorkspace(file, depth);
    // A package manager's settings a launcher of gitguard reads (domain/ci-tools.ts launcherSettings),
    // there or not (one added may name another registry): on the chain, in its part.
    if (LAUNCHER_SETTINGS.includes(posix.basename(file.path))) {
      const had = chain.get(file.path);
      if (!chain.has(file.path) || had) chain.set(file.path, [...new Set([...(had ?? []), ...(file.entries ?? [])])]);
      return true;
    }
    const o = await read(`${tip}:${file.path}`);
    // Not in the repository (a partial clone): it may lead there. Absent: it runs nothing.
    if (o === undefined) {
      chain.set(file.path, undefined);
      return true;
    }
    // A folder: what a variable or glob in the path stood for (domain/ci-commands.ts), watched whole.
    if (o?.type === 'tree' && file.program) return false;
    if (o?.type === 'tree') chain.set(file.path, undefined);
    if (o?.type !== 'blob') return o?.type === 'tree';
    const text = o.body.toString('utf8');
    // A Taskfile's tasks are read as task reads them, as YAML (domain/taskfile-parts.ts), else line by line.
    const yaml = file.entries && TASKFILES.includes(posix.basename(file.path)) ? await yamlJson(text) : undefined;
    // The tasks of it the included Taskfiles call back run with the ones named (all of it where not told).
    if (file.entries && TASKFILES.includes(posix.basename(file.path))) {
      const { entries, ...whole } = file;
      const calls = await rootCalls(yaml, posix.dirname(file.path).replace(/^\.$/, ''), new Set([file.path]));
      file = calls ? { ...whole, entries: [...new Set([...entries, ...calls])] } : whole;
    }
    const cmds = commandsOf(file, yaml ?? text);
    // A make file's variables (`GG = npx gitguard`), written into its recipes' `$(GG)` as the shell's are.
    if (isMakeFile(file.path)) addValues(pool, makeAssignments(text));
    if (cmds !== 'unreadable') addValues(pool, cmds.flatMap(shellAssignments));
    const next = cmds === 'unreadable' ? cmds : cmds.map((c) => withVariables(c, pool));
    union(ran, next === 'unreadable' ? { path: file.path } : file);
    const own = next !== 'unreadable' && runsInParts(file.path) ? next : [text];
    let yes =
      next === 'unreadable' ||
      depth >= MAX_COMMAND_DEPTH ||
      o.body.length === 0 ||
      own.some((c) => GITGUARD_WORD.test(c));
    // A package script runs in its package's folder, a recipe of `make -C` in the Makefile's: a path
    // in it counts from there and from the root (where the step, or `make -f`, may have run it).
    const folder = posix.dirname(file.path).replace(/^\.$/, '');
    if (next !== 'unreadable')
      for (const f of next.flatMap((c) => [...commandFiles(c), ...(folder ? commandFiles(c, folder) : [])])) {
        if (!(await follow(f, depth + 1))) continue;
        yes = true;
        // A package script or make target the chain runs in turn: a part of the same file.
        if (f.path === file.path) onChain(f);
      }
    // A compose file's includes, extends, env files and the Dockerfiles it builds (domain/compose-files.ts).
    if (/\.ya?ml$/.test(file.path) && !TASKFILES.includes(posix.basename(file.path)))
      for (const raw of composeReferences((await yamlJson(text)) ?? 'null')) {
        const p = repoPath(raw, folder);
        if (p !== undefined && (await follow({ path: p }, depth + 1))) yes = true;
      }
    // A Taskfile's `includes:`: the included Taskfiles run as its tasks (`task ns:gate`), read whole.
    if (TASKFILES.includes(posix.basename(file.path)))
      for (const f of taskfileIncluded(yaml ?? (await yamlJson(text)), folder))
        if (await follow(f, depth + 1)) yes = true;
    // What is read with it as one configuration (readWith): followed, and watched whole with it.
    const withIt = readWith(file.path, text, yaml, folder, isMakeFile(file.path) ? makeEnv(file) : undefined);
    for (const p of withIt) if (await follow({ path: p }, depth + 1)) yes = true;
    if (yes) for (const p of withIt) onChain({ path: p });
    if (yes) onChain(next === 'unreadable' ? { path: file.path } : file);
    // The files gitguard's options read there (`--baseline`, `--allowed-signers`): part of the gate, whole.
    if (yes && next !== 'unreadable') await loaded(next.flatMap(gitguardFiles), [folder, ''], depth + 1);
    // The files read with it as one configuration (compose's `-f a -f b`): whole.
    // mise's files, there or not, in the part its tasks read (domain/mise-parts.ts).
    const part = file.entries ? { entries: file.entries } : {};
    if (yes) for (const t of file.together ?? []) if (t !== file.path) onChain({ path: t, ...part });
    if (yes && posix.basename(file.path) === 'package.json') await scriptSettings(folder, depth);
    return yes;
  };
  /**
   * A package script on the chain runs as the package managers' settings say: those of its folder and
   * each folder above it in part (a `script-shell=` or `node-options=` added is a change), and the
   * files they run every script through (domain/workspace-parts.ts settingsPrograms), whole.
   */
  const scriptSettings = async (folder: string, depth: number): Promise<void> => {
    for (const p of packageSettings(folder)) {
      await follow({ path: p, entries: [] }, depth);
      const o = await read(`${tip}:${p}`);
      if (o?.type === 'blob') await loaded(settingsPrograms(p, o.body.toString('utf8')), [folder, ''], depth + 1);
    }
  };
  /** Files a program on the chain loads or runs first (as written, from each of `dirs`): followed, and watched whole. */
  const loaded = async (raws: readonly string[], dirs: readonly string[], depth: number): Promise<void> => {
    for (const raw of raws)
      for (const q of new Set(dirs.map((d) => repoPath(raw, d))))
        if (q !== undefined) {
          await follow({ path: q }, depth);
          chain.set(q, undefined);
        }
  };
  /**
   * A runner that picks a workspace package by name, or runs every one: each package's package.json
   * (the scripts named) and project.json (nx's targets) may run. Where one leads to gitguard, what
   * decides which packages run is on the chain too: the root package.json's `workspaces` and the
   * packages' names (chainPart), the workspace's and its runners' files (whole), and a folder not read.
   */
  const readWorkspace = async (file: CommandFile, depth: number): Promise<boolean> => {
    const root = posix.dirname(file.path).replace(/^\.$/, '');
    const { packages, unread, searchCut } = await workspacePackages(read, oidBytes, tip, root);
    let yes = false;
    const inEach = file.workspaces;
    // Each package's files read by id, side by side (thousands of packages), then followed in turn.
    for (const [p, files] of packages)
      for (const n of ['package.json', 'project.json']) {
        const spec = `${tip}:${posix.join(p || '.', n)}`;
        const oid = files.get(n);
        if (!objects.has(spec)) objects.set(spec, oid ? readObject(oid) : Promise.resolve(null));
      }
    if (typeof inEach !== 'string') await Promise.all([...objects.values()]);
    for (const p of packages.keys())
      for (const f of typeof inEach === 'string'
        ? commandFiles(inEach, p)
        : [
            { path: posix.join(p || '.', 'package.json'), entries: file.entries },
            { path: posix.join(p || '.', 'project.json') },
          ])
        if (await follow(f, depth)) yes = true;
    if (!yes && !unread.length) {
      if (!searchCut) return false;
      // The search past the declaration was cut short: what declares the packages is watched (a
      // gate package left out of it may lie past the cut), as a chain would watch it.
      onChain({ path: file.path, entries: [] });
      for (const c of DECLARATIONS.map((n) => posix.join(root || '.', n))) if (!chain.has(c)) chain.set(c, undefined);
      return false;
    }
    for (const u of unread) chain.set(u, undefined);
    onChain({ path: file.path, entries: [] });
    const gates = [...packages.keys()].filter((p) =>
      ['package.json', 'project.json'].some((n) => chain.has(posix.join(p || '.', n))),
    );
    const beside = gates.map((p) => posix.join(p || '.', 'turbo.json'));
    // In part (domain/workspace-parts.ts): turbo.json and nx.json in the gate's tasks (the scripts run), .npmrc and
    // .yarnrc.yml and lerna.json in their settings, pnpm-workspace.yaml in whether it takes in the gate packages (no folder unread);
    // the rest whole.
    const parts: Record<string, string[] | undefined> = {
      'turbo.json': typeof inEach === 'string' ? undefined : file.entries,
      'nx.json': typeof inEach === 'string' ? undefined : file.entries,
      '.npmrc': [],
      '.yarnrc.yml': [],
      'lerna.json': [],
      'pnpm-workspace.yaml': unread.length ? undefined : gates.map((p) => posix.relative(root || '.', p || '.')),
    };
    for (const c of [...WORKSPACE_CONFIGS.map((n) => posix.join(root || '.', n)), ...beside]) {
      const part = isWorkspacePart(c) ? parts[posix.basename(c)] : undefined;
      const had = chain.get(c);
      chain.set(c, part && (had || !chain.has(c)) ? [...new Set([...(had ?? []), ...part])] : undefined);
    }
    return true;
  };
  /**
   * What make reads besides a makefile's own includes, wherever the CI may set it for make: the folders
   * `-I` and a MAKEFLAGS value add to the include search, and the makefiles MAKEFILES names (read first).
   */
  const makeEnv = (file: CommandFile): MakeEnv => ({
    dirs: [
      ...(file.includeDirs ?? []),
      ...(pool.get('MAKEFLAGS') ?? []).flatMap((v) => makeIncludeDirs(v.trim().split(/\s+/))),
    ],
    files: (pool.get('MAKEFILES') ?? []).flatMap((v) => v.trim().split(/\s+/)).filter(Boolean),
  });
  // What the scripts the commands run assign (a sourced `. ./ci/env.sh`, then `bash $GATE`), then the commands with the variables written in.
  const first: CommandFile[] = [];
  for (const c of commands) {
    const runs = filesRun(c.text, c.dir);
    if (!runs) return { chain, ran, unread: true };
    first.push(...runs);
  }
  for (const f of first) {
    // mise.toml and compose files are read in parts since cleanpass25/26, their assignments still read ahead as before.
    if ((runsInParts(f.path) && !isMiseFile(f.path) && !isComposeFile(f.path)) || f.workspaces) continue;
    const o = await read(`${tip}:${f.path}`);
    if (o?.type === 'blob') addValues(pool, shellAssignments(o.body.toString('utf8')));
  }
  const scoped = (c: RunCommand): VariableValues => {
    if (!c.vars) return pool;
    const out = new Map<string, readonly string[]>(pool);
    for (const [k, v] of c.vars) out.set(k, [v, ...(pool.get(k) ?? []).filter((x) => x !== v)]);
    return out;
  };
  for (const c of commands) {
    const vars = scoped(c);
    // compose reads the files COMPOSE_FILE names instead of its own: as if given with -f.
    const files = (vars.get('COMPOSE_FILE') ?? []).flatMap(composeFileValue).map((f) => `-f ${f}`);
    const text = files.length
      ? c.text.replace(/\b(docker\s+compose|docker-compose)\b/g, `$1 ${files.join(' ')}`)
      : c.text;
    const command = withVariables(text, vars);
    let leads = GITGUARD_WORD.test(command);
    const runs = filesRun(command, c.dir);
    if (!runs) return { chain, ran, unread: true };
    for (const f of runs) if (await follow(f, 1)) leads = true;
    // The step's own shell runs its script (GitHub's `shell: bash ci/shell.sh {0}`): what that shell
    // command runs is on the way to the gate, whether or not it names gitguard itself.
    if (leads && c.shell)
      for (const f of commandFiles(withVariables(c.shell.replaceAll('{0}', ''), vars), c.dir)) {
        await follow(f, 1);
        onChain(f);
      }
    // What the CI's variables make node, bash or npm load first (domain/ci-variables.ts loadedByVariables),
    // and the files a step naming gitguard sources (`. ./ci/env.sh`: it may redefine gitguard or `set +e`).
    // The files its gitguard reads (`--baseline`, `--allowed-signers`: what it suppresses and trusts) too.
    if (leads)
      await loaded([...loadedByVariables(vars), ...sourcedFiles(command), ...gitguardFiles(command)], [c.dir, ''], 1);
  }
  // A GNUmakefile or makefile added beside the gate's Makefile is read instead of it: watched whole.
  // So is a compose override file or .env beside the gate's compose file: docker compose reads them too.
  for (const p of [...chain.keys()])
    for (const m of [...shadowingMakefiles(p), ...composeCompanions(p)]) if (!chain.has(m)) chain.set(m, undefined);
  return { chain, ran };
}

/**
 * The files read with a file as one configuration, from its `folder` (and from the root, where make or
 * task may have run it): a make file's includes (an included file may set the gate's variables or
 * give its goal another recipe; also in the include folders, and the makefiles MAKEFILES names: `make`),
 * a Taskfile's `dotenv:` files (the variables its commands use), the toml files mise's `[task_config]
 * includes` names (more tasks, the gate's among them) and what its `[env]` loads (env files, PATH folders).
 */
function readWith(path: string, text: string, yaml: string | undefined, folder: string, make?: MakeEnv): string[] {
  const name = posix.basename(path);
  const includes = isMakeFile(path) ? makeIncludes(text).map((c) => c.slice(2)) : [];
  const raw = isMakeFile(path)
    ? [...includes, ...(make?.files ?? [])]
    : TASKFILES.includes(name)
      ? taskfileDotenv(yaml ?? 'null')
      : isMiseFile(path)
        ? [...miseIncludes(text).filter((i) => i.endsWith('.toml')), ...miseEnvFiles(text)]
        : [];
  const paths = raw.flatMap((r) => [repoPath(r, folder), ...(folder ? [repoPath(r, '')] : [])]);
  // An include not found beside the makefile is looked for in the include folders.
  for (const d of make?.dirs ?? []) for (const r of includes) paths.push(repoPath(r, d));
  return [...new Set(paths.filter((p): p is string => p !== undefined))];
}

/** What make reads besides a makefile's includes: include folders (from the root) and MAKEFILES' files. */
interface MakeEnv {
  dirs: string[];
  files: string[];
}

/**
 * The files a Taskfile's includes name (`json`: the Taskfile as JSON), from its `folder`: a file, or
 * a folder's Taskfiles; a path with a template in it is the folder before it (read whole: fail closed).
 */
function taskfileIncluded(json: string | undefined, folder: string): CommandFile[] {
  const out: CommandFile[] = [];
  for (const raw of json === undefined ? [] : taskfileIncludes(json)) {
    const p = repoPath(raw, folder);
    if (p === undefined) continue;
    if (/\.ya?ml$/.test(p) || /[$`*?[\]{}]/.test(raw)) out.push({ path: p });
    else for (const n of TASKFILES) out.push({ path: posix.join(p, n) });
  }
  return out;
}
