// Reads git config as data, every scope (system, global, local, worktree, command) with its origin,
// includes followed exactly as git follows them (includeIf conditions evaluated against this repository).
// `git config --list` is plumbing that runs no hooks, fsmonitor, pager or driver: it only parses.
// Unlike other git calls it keeps the user's own HOME/XDG/GIT_CONFIG_* variables, because those
// scopes are part of what is audited.
import { existsSync, readdirSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import type { Available, ConfigEntry, ConfigScope, RepositoryInfo } from '../domain/model.js';
import { runGit } from './git.js';
import { runEnv } from './run-context.js';
import { locateConfigLines } from './config-lines.js';
import { markCredsInit } from './creds-init.js';
import { normaliseKey } from '../domain/config.js';
import { assertGitDirReadable } from './object-store.js';
import { conditionalConfig, markAfterSetup, withIncludedFiles, type Listing } from './config-includes.js';
import { interpolatePath } from './user-home.js';

const USER_CONFIG_VARS = [
  'HOME',
  'XDG_CONFIG_HOME',
  'GIT_CONFIG_GLOBAL',
  'GIT_CONFIG_SYSTEM',
  'GIT_CONFIG_NOSYSTEM',
  'GIT_CONFIG_PARAMETERS',
  'GIT_CONFIG_COUNT',
];

function userConfigEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {
    GIT_CONFIG_NOSYSTEM: undefined,
    GIT_CONFIG_GLOBAL: undefined,
    GIT_CONFIG_COUNT: undefined,
  };
  for (const k of USER_CONFIG_VARS) if (env[k] !== undefined) out[k] = env[k];
  const count = Number(env.GIT_CONFIG_COUNT ?? 0);
  for (let i = 0; i < count && i < 1000; i += 1) {
    out[`GIT_CONFIG_KEY_${i}`] = env[`GIT_CONFIG_KEY_${i}`];
    out[`GIT_CONFIG_VALUE_${i}`] = env[`GIT_CONFIG_VALUE_${i}`];
  }
  return out;
}

/**
 * The `safe.directory` entries git honours for the user (system, global and command-line scopes; a
 * repository's own config never counts), in order, `~` expanded from the user's HOME as git expands it.
 */
export async function userSafeDirectories(env: NodeJS.ProcessEnv = runEnv()): Promise<string[]> {
  const res = await runGit(['config', '--get-all', '--type=path', '-z', 'safe.directory'], {
    env: userConfigEnv(env),
    noOverrides: true,
    timeoutMs: 30_000,
    okCodes: [1], // 1: none set
  });
  return res.stdout.toString('utf8').split('\0').slice(0, -1);
}

/** Parses `git config --list --show-scope --show-origin -z` output. */
export function parseConfigList(out: string): ConfigEntry[] {
  // Records are "scope\0origin\0key\nvalue\0" (or "key\0" with no value).
  const parts = out.split('\0');
  const entries: ConfigEntry[] = [];
  for (let i = 0; i + 2 < parts.length; i += 3) {
    const scope = parts[i]! as ConfigScope;
    const origin = parts[i + 1]!;
    const kv = parts[i + 2]!;
    const nl = kv.indexOf('\n');
    const key = nl === -1 ? kv : kv.slice(0, nl);
    entries.push({
      key: normaliseKey(key),
      value: nl === -1 ? null : kv.slice(nl + 1),
      scope: ['system', 'global', 'local', 'worktree', 'command'].includes(scope) ? scope : 'unknown',
      origin,
    });
  }
  return entries;
}

export async function collectConfig(
  repo: RepositoryInfo,
  env: NodeJS.ProcessEnv = runEnv(),
  credsInitDirs?: readonly string[],
): Promise<ConfigEntry[]> {
  const cwd = repo.workTree ?? repo.gitDir;
  const entries = [
    ...markCredsInit(await listConfig(['--list'], repo.gitDir, cwd, env), cwd, credsInitDirs),
    ...environmentSettings(env),
  ];
  return repo.workTree ? withOpenedPaths(entries, env, repo.workTree) : entries;
}

/**
 * What git's environment variables set over every config scope, as the keys they stand for (scope
 * `command`, origin `environment:<VARIABLE>`), last: git reads them after its config and they win.
 * http.c's http_init: GIT_SSL_NO_VERIFY (set at all, even empty) turns certificate checks off,
 * GIT_SSL_CAINFO and GIT_SSL_CAPATH name the CAs; transport.c's is_transport_allowed: a
 * GIT_ALLOW_PROTOCOL list allows exactly its protocols, whatever protocol.* says. A CI job's
 * `GIT_SSL_NO_VERIFY=1` left every git of the job fetching from anyone while
 * tls-verification-enabled passed (`GIT_CONFIG_PARAMETERS` with the same setting failed it).
 */
function environmentSettings(env: NodeJS.ProcessEnv): ConfigEntry[] {
  const at = (variable: string, key: string, value: string): ConfigEntry => ({
    key,
    value,
    scope: 'command',
    origin: `environment:${variable}`,
  });
  const out: ConfigEntry[] = [];
  if (env.GIT_SSL_NO_VERIFY !== undefined) out.push(at('GIT_SSL_NO_VERIFY', 'http.sslverify', 'false'));
  for (const [variable, key] of [
    ['GIT_SSL_CAINFO', 'http.sslcainfo'],
    ['GIT_SSL_CAPATH', 'http.sslcapath'],
  ] as const) {
    const value = env[variable];
    if (value !== undefined) out.push(at(variable, key, value));
  }
  const allowed = env.GIT_ALLOW_PROTOCOL;
  if (allowed !== undefined) {
    const listed = new Set(allowed.split(':').filter(Boolean));
    out.push(at('GIT_ALLOW_PROTOCOL', 'protocol.allow', 'never'));
    for (const name of new Set(['ext', 'file', ...listed]))
      out.push(at('GIT_ALLOW_PROTOCOL', `protocol.${name}.allow`, listed.has(name) ? 'always' : 'never'));
  }
  return out;
}

/** At most this many other worktrees' config is read (one git each). */
const MAX_WORKTREES = 64;

/**
 * The repository's own config git reads only in its other worktrees: each one's config.worktree and
 * what an `includeIf` takes in there alone (`onbranch:` its branch, `gitdir:` its git dir). Whoever
 * works in that worktree has git run it, so it is the repository's as much as this worktree's. Asked of
 * git in each one's git dir (`worktrees/<id>`, and the main one's from a linked worktree), once the
 * files git opens there are checked (a FIFO stops the run, as in this one's). `config`: this worktree's.
 */
export async function otherWorktreesConfig(
  { repository: repo, env = runEnv() }: { repository: RepositoryInfo; env?: NodeJS.ProcessEnv },
  config: Available<ConfigEntry[]>,
): Promise<ConfigEntry[]> {
  const here = config.ok ? config.value : [];
  const common = resolve(repo.commonDir);
  const dirs = [common, ...linkedGitDirs(common)].filter((d) => d !== resolve(repo.gitDir));
  const key = (e: ConfigEntry): string => `${e.scope}\0${e.origin}\0${e.key}\0${e.value ?? ''}`;
  const seen = new Set(here.map(key));
  const out: ConfigEntry[] = [];
  const hereCwd = repo.workTree ?? repo.gitDir;
  const listings: Listing[] = config.ok
    ? [{ entries: here, cwd: hereCwd, readFile: fileReader(repo.gitDir, hereCwd, env) }]
    : [];
  for (const dir of dirs.slice(0, MAX_WORKTREES)) {
    assertGitDirReadable(dir, env);
    const entries = await listConfig(['--list'], dir, dir, env);
    listings.push({ entries, cwd: dir, readFile: fileReader(dir, dir, env) });
    for (const e of entries) {
      if ((e.scope === 'local' || e.scope === 'worktree') && !seen.has(key(e))) out.push({ ...e, worktreeGitDir: dir });
      seen.add(key(e));
    }
  }
  return [...out, ...(await conditionalConfig(listings, env))];
}

/** `git config <args> --show-scope --show-origin --includes -z` in `gitDir`, read as this module reads a listing. */
async function listConfig(args: string[], gitDir: string, cwd: string, env: NodeJS.ProcessEnv): Promise<ConfigEntry[]> {
  const res = await runGit(['config', ...args, '--show-scope', '--show-origin', '--includes', '-z'], {
    gitDir,
    cwd,
    env: userConfigEnv(env),
    noOverrides: true,
    timeoutMs: 30_000,
    okCodes: [1], // 1: no config at all
  });
  const entries = await withPrefixed(
    locateConfigLines(markAfterSetup(parseConfigList(res.stdout.toString('utf8'))), cwd),
  );
  return withIncludedFiles(entries, cwd, env);
}

/** One config file listed as git reads it in `gitDir` (its includes followed, their conditions judged there). */
function fileReader(gitDir: string, cwd: string, env: NodeJS.ProcessEnv): Listing['readFile'] {
  return (file) => listConfig(['--file', file, '--list'], gitDir, cwd, env);
}

/** The git dirs of the linked worktrees (`worktrees/<id>` holding a HEAD), in name order. */
function linkedGitDirs(common: string): string[] {
  let ids: string[];
  try {
    ids = readdirSync(join(common, 'worktrees')).sort();
  } catch {
    return [];
  }
  return ids.map((id) => join(common, 'worktrees', id)).filter((d) => existsSync(join(d, 'HEAD')));
}

const PREFIX = '%(prefix)/';

/**
 * `entries` with `prefixed` set on a value `%(prefix)/x`: git reads it as a path (core.hooksPath,
 * include.path...) under its own install prefix (its runtime prefix where built so), and `x` itself
 * where absolute. git says where: `git config --type=path` of `%(prefix)/` given on its command line.
 */
async function withPrefixed(entries: ConfigEntry[]): Promise<ConfigEntry[]> {
  if (!entries.some((e) => e.value?.startsWith(PREFIX))) return entries;
  const res = await runGit(['-c', `gitguard.prefix=${PREFIX}`, 'config', '--type=path', 'gitguard.prefix'], {
    timeoutMs: 30_000,
    okCodes: [1, 128],
  });
  const prefix = res.stdout.toString('utf8').replace(/\n$/, '');
  // No answer (a git before 2.35 reads it as a relative path): left as the value.
  if (res.code !== 0 || !isAbsolute(prefix) || !prefix.endsWith('/')) return entries;
  return entries.map((e) => {
    const rest = e.value?.startsWith(PREFIX) ? e.value.slice(PREFIX.length) : undefined;
    return rest === undefined ? e : { ...e, prefixed: isAbsolute(rest) ? rest : prefix + rest };
  });
}

/** Keys whose value is a file or folder git opens: the CAs it trusts (tls-verification-enabled). Include
 * directives' files are set by config-includes.ts (withIncludedFiles), read from the file naming them. */
const OPENED_PATH = /^http\.(?:.*\.)?sslca(?:info|path)$/;

/**
 * `entries` with `opens` set on those naming a path git opens: as git expands it (`~/` from the
 * audited HOME, `~user/` from that user's; a relative path from the top of the work tree, where git runs its transport), every
 * symbolic link resolved (`/etc/ssl/ours` -> the work tree, HOME holding the work tree: CI runners'
 * /home/runner/work/x/x). A part not there yet is appended to the deepest folder that is.
 */
async function withOpenedPaths(
  entries: ConfigEntry[],
  env: NodeJS.ProcessEnv,
  workTree: string,
): Promise<ConfigEntry[]> {
  const out: ConfigEntry[] = [];
  for (const e of entries) {
    const v = e.prefixed ?? e.value;
    const expanded = v && OPENED_PATH.test(e.key) && !v.startsWith(PREFIX) ? interpolatePath(v, env) : undefined;
    if (expanded === undefined) {
      out.push(e);
      continue;
    }
    const path = resolve(workTree, expanded);
    out.push({ ...e, opens: await realPathOf(path) });
  }
  return out;
}

/** `path` with its links resolved, as far as it exists (the rest appended). */
async function realPathOf(path: string): Promise<string> {
  const rest: string[] = [];
  for (let at = path; ; at = dirname(at)) {
    try {
      return join(await realpath(at), ...rest.reverse());
    } catch {
      if (dirname(at) === at) return path;
      rest.push(basename(at));
    }
  }
}
