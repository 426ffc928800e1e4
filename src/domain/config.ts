// Config keys and origins as git spells them: pure helpers shared by the config collector and the
// config rules.
import { posix } from 'node:path';
import type { ConfigEntry } from './model.js';

/** Section and variable names are case-insensitive, the subsection is not. */
export function normaliseKey(key: string): string {
  const first = key.indexOf('.');
  const last = key.lastIndexOf('.');
  if (first === -1) return key.toLowerCase();
  if (first === last) return key.toLowerCase();
  return `${key.slice(0, first).toLowerCase()}.${key.slice(first + 1, last)}.${key.slice(last + 1).toLowerCase()}`;
}

/** The file an origin names, for reports: "file:/x/.git/config" -> "/x/.git/config". */
export function originFile(origin: string): string | undefined {
  return origin.startsWith('file:') ? origin.slice(5) : undefined;
}

/** The entry that decides a single-valued key, as `git config --get` answers: the last one git read. */
export function effective(config: readonly ConfigEntry[], key: string): ConfigEntry | undefined {
  for (let i = config.length - 1; i >= 0; i -= 1) if (config[i]!.key === key) return config[i];
  return undefined;
}

/** The last value of `key` in the user's own files (global or system): for what decides whom to trust. */
export function userValue(config: readonly ConfigEntry[], key: string): string | undefined {
  let v: string | undefined;
  for (const e of config)
    if (e.key === key && (e.scope === 'global' || e.scope === 'system') && e.value !== null) v = e.value;
  return v;
}

/**
 * Whether a gpg.ssh.defaultKeyCommand is git's documented `ssh-add -L` (git splits the value at
 * its whitespace, space, tab, LF and CR only, and runs it without a shell): the user's own ssh-add
 * listing their agent's keys, whose first git signs with. Nothing of the repository's choosing
 * runs, wherever the value is set. `ssh-add<VT>-L` is one word to git: a program of that name.
 */
export function isAgentKeyCommand(value: string | null | undefined): boolean {
  return (
    typeof value === 'string' &&
    value
      .split(/[ \t\n\r]+/)
      .filter(Boolean)
      .join(' ') === 'ssh-add -L'
  );
}

/** The environment variables git and libcurl read to pick a proxy for an http:// or git:// remote. */
export const PROXY_ENV = ['http_proxy', 'all_proxy', 'ALL_PROXY', 'no_proxy', 'NO_PROXY', 'GIT_PROXY_COMMAND'] as const;
export type ProxyEnv = Partial<Record<(typeof PROXY_ENV)[number], string>>;

/**
 * Whether `path` lies in the work tree `workTree` (its top included, its `.git` not): a file there is
 * whatever the last checkout wrote, so whoever commits picks it.
 */
export function inWorkTreeFiles(path: string, workTree: string | undefined): boolean {
  if (!workTree) return false;
  const rel = posix.relative(posix.normalize(workTree), posix.normalize(path));
  return rel === '' || (!rel.startsWith('..') && !posix.isAbsolute(rel) && !/^\.git(\/|$)/.test(rel));
}
