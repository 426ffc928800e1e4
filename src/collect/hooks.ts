// Which hooks are present, and where git would look for them (core.hooksPath wins over .git/hooks).
import { effective, inWorkTreeFiles } from '../domain/config.js';
import { GIT_HOOKS } from '../domain/git-hooks.js';
import {
  accessSync,
  constants,
  existsSync,
  lstatSync,
  readdirSync,
  readlinkSync,
  realpathSync,
  statSync,
} from 'node:fs';
import { readBounded } from './safe-fs.js';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { ConfigEntry, ConfigScope, HooksFacts, RepositoryInfo } from '../domain/model.js';
import { checkHookMarker } from './hook-marker.js';
import { runEnv } from './run-context.js';
import { interpolatePath } from './user-home.js';

/** Hooks larger than this are not read for gitguard's marker (ours are a few hundred bytes). */
const MARKER_READ_LIMIT = 256 * 1024;

function markerOf(path: string): 'absent' | 'valid' | 'modified' {
  try {
    // Hooks may be links (git runs them through the link), so the final link is followed; a FIFO is not read.
    const buf = readBounded(path, MARKER_READ_LIMIT + 1, { follow: true, truncate: true });
    const state = checkHookMarker(buf.subarray(0, Math.min(buf.length, MARKER_READ_LIMIT)).toString('utf8'));
    // A marker in a file too large to read whole cannot be vouched for.
    return buf.length > MARKER_READ_LIMIT && state !== 'absent' ? 'modified' : state;
  } catch {
    return 'absent';
  }
}

/** The folder one core.hooksPath value names, expanded as git's interpolate_path does ("~" and
 *  "~/x" from HOME, "~user/x" from that user's home); relative to the work tree, or the git dir when bare. */
function resolveHooksPath(repo: RepositoryInfo, value: string, env: NodeJS.ProcessEnv): string {
  const dir = interpolatePath(value, env);
  // An unknown user: git cannot expand it and refuses the value; no folder, so no hooks.
  if (dir === undefined) return '';
  // A relative core.hooksPath is taken from where hooks run: the work tree top, or the git dir when bare.
  const named = isAbsolute(dir) ? dir : resolve(repo.workTree ?? repo.gitDir, dir);
  // git opens <folder>/<hook> as written, so the kernel takes each ".." after a link from where the
  // link leads (`.git/hooks/../hooks`, .git/hooks a link elsewhere, is no .git/hooks): where that is
  // another folder, or none, it is that one (path.resolve drops ".." by the text alone).
  const asWritten = isAbsolute(dir) ? dir : `${repo.workTree ?? repo.gitDir}/${dir}`;
  const real = realOf(asWritten);
  return real === realOf(named) ? named : (real ?? asWritten);
}

/** Where git looks for hooks. An empty core.hooksPath names no folder: git then runs no hook at all
 *  (dir is ""), it does not fall back to .git/hooks. `scope`: the config scope that set core.hooksPath. */
export function hooksDir(
  repo: RepositoryInfo,
  config: ConfigEntry[],
  env: NodeJS.ProcessEnv = runEnv(),
): { dir: string; source: string; scope?: ConfigScope } {
  const hp = effective(config, 'core.hookspath');
  if (hp && hp.value !== null) {
    return {
      dir: hp.value === '' ? '' : resolveHooksPath(repo, hp.prefixed ?? hp.value, env),
      source: `core.hooksPath (${hp.scope})`,
      scope: hp.scope,
    };
  }
  return { dir: join(repo.commonDir, 'hooks'), source: 'default' };
}

function listHooks(dir: string): HooksFacts['hooks'] {
  const hooks: HooksFacts['hooks'] = [];
  if (dir !== '' && existsSync(dir) && statSync(dir).isDirectory()) {
    for (const name of readdirSync(dir).sort()) {
      if (name.endsWith('.sample')) continue;
      const path = join(dir, name);
      let executable = false;
      try {
        if (!statSync(path).isFile()) continue;
        accessSync(path, constants.X_OK);
        executable = true;
      } catch {
        executable = false;
      }
      hooks.push({ name, path, executable, marker: markerOf(path) });
    }
  }
  return hooks;
}

/** env: the audited environment (its HOME expands "~" in core.hooksPath, as for the git it configures). */
export function collectHooks(
  repo: RepositoryInfo,
  config: ConfigEntry[],
  env: NodeJS.ProcessEnv = runEnv(),
): HooksFacts {
  const { dir, source } = hooksDir(repo, config, env);
  const hooks = listHooks(dir);
  const fallback = join(repo.commonDir, 'hooks');
  // gitguard hooks left behind in folders git no longer uses: the default folder, or a core.hooksPath
  // that a later scope overrides. A hook installed there does not run.
  const others = new Set<string>([fallback]);
  for (const e of config)
    if (e.key === 'core.hookspath' && e.value) others.add(resolveHooksPath(repo, e.prefixed ?? e.value, env));
  others.delete(dir);
  others.delete('');
  const bypassed = [...others].flatMap((d) =>
    listHooks(d).filter((h) => h.marker !== 'absent' && !hooks.some((x) => x.name === h.name && x.marker !== 'absent')),
  );
  const defaultFolder = source !== 'default' && dir !== '' && sameFolder(dir, fallback);
  return { dir, source, ...(defaultFolder ? { defaultFolder } : {}), hooks, ...(bypassed.length ? { bypassed } : {}) };
}

/** Whether two paths name one folder, links followed (`./.git/hooks/`, a link to it). */
function sameFolder(a: string, b: string): boolean {
  const [ra, rb] = [realOf(a), realOf(b)];
  return ra === rb && (ra !== undefined || resolve(a) === resolve(b));
}

/** The protected path a hooks folder of the work tree stands for in the walk: the default one of a repository's hooks. */
export const HOOKS_ORIGIN = '.githooks';

/** Link hops followed from a hook (SYMLOOP_MAX on Linux is 40). */
const MAX_HOPS = 40;

/**
 * The paths of the work tree git takes hooks from, relative to its top: what the last checkout wrote
 * there is what git runs, so a commit changing one changes the hooks as one changing `.githooks/` does
 * (the walk protects them like that: history.ts). Those are a core.hooksPath folder of the work tree
 * (`scripts/hooks`; husky's `.husky/_` runs the hooks of the folder above it, `.husky/pre-push`, which
 * is the one a commit edits), named as config names it and where its links lead (`.hooks` a tracked
 * link to `tools/hooks`); at the top itself, each hook name there; and in any hooks folder, the
 * default one too, every link a hook git runs is, hop by hop, into the work tree
 * (`.git/hooks/pre-push -> ../../scripts/pre-push`).
 */
export function workTreeHookPaths(
  repo: RepositoryInfo,
  config: ConfigEntry[],
  env: NodeJS.ProcessEnv = runEnv(),
): string[] {
  const top = repo.workTree;
  const { dir, source } = hooksDir(repo, config, env);
  if (!top || dir === '') return [];
  const out = new Set<string>();
  const inTree = (p: string | undefined): string | undefined =>
    p !== undefined && inWorkTreeFiles(p, top) ? relative(top, p).split(sep).join('/') : undefined;
  if (source !== 'default')
    for (const rel of [inTree(dir), inTree(realOf(dir))]) {
      if (rel === '') GIT_HOOKS.forEach((h) => out.add(h));
      else if (rel !== undefined) out.add(basename(rel) === '_' && dirname(rel) !== '.' ? dirname(rel) : rel);
    }
  for (const name of GIT_HOOKS)
    for (const hop of linkHops(join(dir, name))) {
      const rel = inTree(hop);
      if (rel) out.add(rel);
    }
  return [...out];
}

/** The real path of `p` as the kernel resolves it (node's own realpath drops ".." by the text first),
 *  undefined where it is not there (yet). */
function realOf(p: string): string | undefined {
  try {
    return realpathSync.native(p);
  } catch {
    return undefined;
  }
}

/** Where a link at `path` leads, each hop and the real path at the end; none when it is no link. */
function linkHops(path: string): string[] {
  const hops: string[] = [];
  let at = path;
  for (let i = 0; i < MAX_HOPS; i += 1) {
    let target: string;
    try {
      if (!lstatSync(at).isSymbolicLink()) break;
      target = readlinkSync(at);
    } catch {
      break;
    }
    at = resolve(dirname(at), target);
    hops.push(at);
  }
  const real = hops.length ? realOf(path) : undefined;
  return real ? [...hops, real] : hops;
}
