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

/**
 * git's boolean (config.c: git_parse_maybe_bool_text, then git_parse_int): no value, `true`/`yes`/`on`
 * (ASCII case folded) and a non-zero int are true; `false`/`no`/`off`, "" and zero false; anything
 * else undefined (git stops there: "bad boolean config value"). Nothing is trimmed: git compares the
 * value whole, so `true ` is no boolean (core.fsmonitor then runs it as a program), and an int is
 * read as strtoimax reads it in base 0: `0x0`, `+0`, `00` and `0k` are false (`http.sslVerify=0x0`
 * turns certificate checks off), `010` is eight.
 */
export function gitBool(value: string | null): boolean | undefined {
  if (value === null) return true;
  const v = value.replace(/[A-Z]/g, (c) => c.toLowerCase());
  if (v === 'true' || v === 'yes' || v === 'on') return true;
  if (v === 'false' || v === 'no' || v === 'off' || v === '') return false;
  const n = gitInt(value);
  return n === undefined ? undefined : n !== 0n;
}

const INT_MAX = 2n ** 31n - 1n;
const UNIT = new Map([
  ['', 1n],
  ['k', 1024n],
  ['m', 1024n ** 2n],
  ['g', 1024n ** 3n],
]);

/**
 * git's int (git_parse_signed for an int): leading C whitespace, a sign, digits in base 0 (`0x` hex,
 * a leading `0` octal, else decimal, as strtoimax reads them: `0x` alone is the 0 before an `x`),
 * then nothing or one unit `k`/`m`/`g` (any case); within ±INT_MAX once scaled. Undefined otherwise.
 */
function gitInt(value: string): bigint | undefined {
  const m = /^[ \t\n\v\f\r]*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)(.*)$/s.exec(value);
  const factor = m ? UNIT.get(m[3]!.replace(/[KMG]/, (c) => c.toLowerCase())) : undefined;
  if (!m || factor === undefined) return undefined;
  const digits = m[2]!;
  const magnitude = /^0[0-7]+$/.test(digits) ? BigInt(`0o${digits.slice(1)}`) : BigInt(digits);
  // git refuses a value past the bound before scaling: val > max / factor (C's division, truncated).
  if (magnitude > INT_MAX / factor) return undefined;
  return (m[1] === '-' ? -magnitude : magnitude) * factor;
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
