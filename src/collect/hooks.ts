// Which hooks are present, and where git would look for them (core.hooksPath wins over .git/hooks).
import { accessSync, constants, existsSync, readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { homedir } from 'node:os';
import type { ConfigEntry, HooksFacts, RepositoryInfo } from '../model.js';

export function lastValue(config: ConfigEntry[], key: string): ConfigEntry | undefined {
  for (let i = config.length - 1; i >= 0; i -= 1) if (config[i]!.key === key) return config[i];
  return undefined;
}

export function hooksDir(repo: RepositoryInfo, config: ConfigEntry[]): { dir: string; source: string } {
  const hp = lastValue(config, 'core.hookspath');
  if (hp && hp.value !== null && hp.value !== '') {
    let dir = hp.value.startsWith('~/') ? join(process.env.HOME ?? homedir(), hp.value.slice(2)) : hp.value;
    // A relative core.hooksPath is taken from where hooks run: the work tree top, or the git dir when bare.
    if (!isAbsolute(dir)) dir = resolve(repo.workTree ?? repo.gitDir, dir);
    return { dir, source: `core.hooksPath (${hp.scope})` };
  }
  return { dir: join(repo.commonDir, 'hooks'), source: 'default' };
}

export function collectHooks(repo: RepositoryInfo, config: ConfigEntry[]): HooksFacts {
  const { dir, source } = hooksDir(repo, config);
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
      hooks.push({ name, path, executable });
    }
  }
  return { dir, source, hooks };
}
