// Which hooks are present, and where git would look for them (core.hooksPath wins over .git/hooks).
import { accessSync, constants, existsSync, readdirSync, statSync } from 'node:fs';
import { readBounded } from './safe-fs.js';
import { isAbsolute, join, resolve } from 'node:path';
import { homedir } from 'node:os';
import type { ConfigEntry, HooksFacts, RepositoryInfo } from '../domain/model.js';
import { checkHookMarker } from './hook-marker.js';
import { runEnv } from './run-context.js';

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

function lastValue(config: ConfigEntry[], key: string): ConfigEntry | undefined {
  for (let i = config.length - 1; i >= 0; i -= 1) if (config[i]!.key === key) return config[i];
  return undefined;
}

/** The folder one core.hooksPath value names (`~/` expanded; relative to the work tree, or the git dir when bare). */
function resolveHooksPath(repo: RepositoryInfo, value: string): string {
  const dir = value.startsWith('~/') ? join(runEnv().HOME ?? homedir(), value.slice(2)) : value;
  // A relative core.hooksPath is taken from where hooks run: the work tree top, or the git dir when bare.
  return isAbsolute(dir) ? dir : resolve(repo.workTree ?? repo.gitDir, dir);
}

export function hooksDir(repo: RepositoryInfo, config: ConfigEntry[]): { dir: string; source: string } {
  const hp = lastValue(config, 'core.hookspath');
  if (hp && hp.value !== null && hp.value !== '') {
    return { dir: resolveHooksPath(repo, hp.value), source: `core.hooksPath (${hp.scope})` };
  }
  return { dir: join(repo.commonDir, 'hooks'), source: 'default' };
}

function listHooks(dir: string): HooksFacts['hooks'] {
  const hooks: HooksFacts['hooks'] = [];
  if (existsSync(dir) && statSync(dir).isDirectory()) {
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

export function collectHooks(repo: RepositoryInfo, config: ConfigEntry[]): HooksFacts {
  const { dir, source } = hooksDir(repo, config);
  const hooks = listHooks(dir);
  // gitguard hooks left behind in folders git no longer uses: the default folder, or a core.hooksPath
  // that a later scope overrides. A hook installed there does not run.
  const others = new Set<string>([join(repo.commonDir, 'hooks')]);
  for (const e of config) if (e.key === 'core.hookspath' && e.value) others.add(resolveHooksPath(repo, e.value));
  others.delete(dir);
  const bypassed = [...others].flatMap((d) =>
    listHooks(d).filter((h) => h.marker !== 'absent' && !hooks.some((x) => x.name === h.name && x.marker !== 'absent')),
  );
  return { dir, source, hooks, ...(bypassed.length ? { bypassed } : {}) };
}
