// The pieces of the policy parser: its input, error and limits, one-line messages, and one
// validator per kind of field (strict YAML reading is policy-yaml.ts). policy.ts puts them together.
import type { SecretsPolicy } from '../domain/policy.js';
import { foldEmail } from '../domain/principals.js';
import { escapeJsonUnsafe, hasUnsafe } from '../domain/escape.js';
import { watchable } from '../domain/protected-paths.js';

export interface PolicyFiles {
  /** e.g. ".gitguard at 1a2b3c4d" or a folder path; used in messages. */
  label: string;
  /** Contents of .gitguard/policy.yml (undefined = no policy). */
  policyYml: string | undefined;
  /** .gitguard/keys/* files (OpenPGP public keys, armored or binary). */
  keys: { name: string; data: Uint8Array }[];
  /** Contents of .gitguard/allowed_signers. */
  allowedSigners: string | undefined;
}

export class PolicyError extends Error {
  override name = 'PolicyError';
}

// ---------------------------------------------------------------------------------------------
// Limits

export const MiB = 1024 * 1024;
export const POLICY_LIMITS = {
  policyBytes: MiB,
  keyFileBytes: MiB,
  keyFiles: 1000,
  keyBytesTotal: 16 * MiB,
  // Per key: each user ID and self-signature is verified, so these bound the work one key can cost.
  userIdsPerKey: 100,
  subkeysPerKey: 100,
  selfSignaturesPerKey: 1000,
  allowedSignersBytes: MiB,
  signers: 1000,
  perSignerList: 100,
  forges: 100,
  maintainers: 1000,
  goodlist: 10000,
  revokedKeys: 10000,
  severity: 1000,
  globs: 1000,
  aliases: 32,
} as const;

const MAX_STRING = 1024;

// ---------------------------------------------------------------------------------------------
// Messages

/** "<dir>/<file>" with the " at <commit>" of the label kept at the end. */
export function fileLabel(label: string, file: string): string {
  const m = /^(.*) at ([^/\s]+)$/.exec(label);
  if (m) return `${m[1]!.replace(/\/+$/, '')}/${file} at ${m[2]}`;
  return `${label.replace(/\/+$/, '')}/${file}`;
}

// Unsafe characters as every output defines them (src/report/escape.ts), shown as \uXXXX.
const escapeUnsafe = escapeJsonUnsafe;

/** A repository-supplied string, quoted, escaped and shortened for a one-line message. */
export function show(s: string): string {
  const cut = s.length > 80 ? `${s.slice(0, 77)}...` : s;
  return escapeUnsafe(JSON.stringify(cut));
}

/** A repository-supplied name used bare (a key file name): escaped and shortened. */
export function bare(s: string): string {
  return escapeUnsafe(s.length > 100 ? `${s.slice(0, 97)}...` : s);
}

export function describe(v: unknown): string {
  if (v === null || v === undefined) return 'empty';
  if (typeof v === 'string') return show(v);
  if (typeof v === 'number' || typeof v === 'bigint') return `the number ${String(v)}`;
  if (typeof v === 'boolean') return `${v}`;
  if (Array.isArray(v)) return 'a list';
  if (v instanceof Map) return 'a mapping';
  if (v instanceof Date) return 'a date';
  return 'a value of another type';
}

const hasControl = hasUnsafe;

export function oneLine(e: unknown): string {
  const m = (e instanceof Error ? e.message : String(e)).split('\n', 1)[0]!.replace(/:\s*$/, '');
  return escapeUnsafe(m.length > 200 ? `${m.slice(0, 197)}...` : m);
}

// ---------------------------------------------------------------------------------------------
// Structural validation

export class Ctx {
  constructor(readonly file: string) {}
  fail(path: string, msg: string): never {
    throw new PolicyError(path ? `${this.file}: ${path}: ${msg}` : `${this.file}: ${msg}`);
  }
}

export type Fields = Map<string, unknown>;

export function mapping(ctx: Ctx, v: unknown, path: string, allowed: readonly string[], what = 'a mapping'): Fields {
  if (!(v instanceof Map)) ctx.fail(path, `must be ${what}, not ${describe(v)}`);
  for (const k of v.keys()) {
    if (typeof k !== 'string') ctx.fail(path, `keys must be plain words, not ${describe(k)}`);
    if (!allowed.includes(k)) ctx.fail(path, `unknown key ${show(k)} (expected one of: ${allowed.join(', ')})`);
  }
  return v as Fields;
}

export function list(ctx: Ctx, v: unknown, path: string, max: number): unknown[] {
  if (!Array.isArray(v)) ctx.fail(path, `must be a list, not ${describe(v)}`);
  if (v.length > max) ctx.fail(path, `more than ${max} entries`);
  return v;
}

export function str(ctx: Ctx, v: unknown, path: string, max = MAX_STRING): string {
  if (typeof v !== 'string') {
    const hint = typeof v === 'number' || typeof v === 'boolean' ? ' (quote it)' : '';
    ctx.fail(path, `must be a string, not ${describe(v)}${hint}`);
  }
  if (v.trim() === '') ctx.fail(path, 'must not be empty');
  if (hasControl(v)) ctx.fail(path, `${show(v)} must be one line without control characters`);
  if (v.length > max) ctx.fail(path, `longer than ${max} characters`);
  return v.trim();
}

export function bool(ctx: Ctx, v: unknown, path: string): boolean {
  if (typeof v !== 'boolean') ctx.fail(path, `must be true or false, not ${describe(v)}`);
  return v;
}

export const EMAIL = /^[^\s@<>,;"]+@[^\s@<>,;"]+$/;

export function email(ctx: Ctx, v: unknown, path: string): string {
  const s = str(ctx, v, path, 254);
  if (!EMAIL.test(s)) ctx.fail(path, `${show(s)} is not an e-mail address`);
  return foldEmail(s);
}

export function emails(ctx: Ctx, v: unknown, path: string, max: number): string[] {
  const out: string[] = [];
  list(ctx, v, path, max).forEach((x, i) => {
    const e = email(ctx, x, `${path}[${i}]`);
    if (out.includes(e)) ctx.fail(`${path}[${i}]`, `${show(e)} is listed twice`);
    out.push(e);
  });
  return out;
}

export function hexId(ctx: Ctx, v: unknown, path: string): string {
  const s = str(ctx, v, path, 200);
  if (!/^(?:[0-9a-fA-F]{40}|[0-9a-fA-F]{64})$/.test(s))
    ctx.fail(path, `${show(s)} is not a full commit id (40 or 64 hex digits)`);
  return s.toLowerCase();
}

function openpgpFingerprint(ctx: Ctx, v: unknown, path: string): string {
  const s = str(ctx, v, path, 200).replace(/\s+/g, '');
  if (/^(?:0x)?[0-9a-fA-F]{16}$|^(?:0x)?[0-9a-fA-F]{8}$/.test(s)) {
    ctx.fail(path, `${show(s)} is a key id; write the full fingerprint (40 or 64 hex digits)`);
  }
  if (!/^(?:[0-9a-fA-F]{40}|[0-9a-fA-F]{64})$/.test(s))
    ctx.fail(path, `${show(s)} is not an OpenPGP fingerprint (40 or 64 hex digits)`);
  return s.toUpperCase();
}

function sshFingerprint(ctx: Ctx, v: unknown, path: string): string {
  const s = str(ctx, v, path, 200);
  if (!/^SHA256:[A-Za-z0-9+/]{43}$/.test(s)) {
    ctx.fail(
      path,
      `${show(s)} is not an SSH key fingerprint ("SHA256:" and 43 base64 characters, as ssh-keygen -l prints it)`,
    );
  }
  return s;
}

export function fingerprints(ctx: Ctx, v: unknown, path: string, kind: 'openpgp' | 'ssh'): string[] {
  const out: string[] = [];
  list(ctx, v, path, POLICY_LIMITS.perSignerList).forEach((x, i) => {
    const f =
      kind === 'openpgp' ? openpgpFingerprint(ctx, x, `${path}[${i}]`) : sshFingerprint(ctx, x, `${path}[${i}]`);
    if (out.includes(f)) ctx.fail(`${path}[${i}]`, `${f} is listed twice`);
    out.push(f);
  });
  return out;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?[ \t]*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

/** An ISO date (midnight UTC) or date-time (UTC unless it says otherwise), as unix seconds. */
export function parsePolicyTime(s: string): number | undefined {
  const m = DATE_TIME.exec(s) ?? DATE.exec(s);
  if (!m) return undefined;
  const [y, mo, d, h = 0, mi = 0, se = 0] = [m[1], m[2], m[3], m[4], m[5], m[6]].map((x) =>
    x === undefined ? undefined : Number(x),
  ) as number[];
  if (y! < 1970 || mo! < 1 || mo! > 12 || d! < 1 || d! > 31 || h > 23 || mi > 59 || se > 60) return undefined;
  const t = new Date(0);
  t.setUTCFullYear(y!, mo! - 1, d);
  if (t.getUTCDate() !== d) return undefined; // Feb 30 and the like
  t.setUTCHours(h, mi, se, 0);
  let secs = Math.floor(t.getTime() / 1000);
  const zone = m[8];
  if (zone && zone.toUpperCase() !== 'Z') {
    const z = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone)!;
    const off = Number(z[2]) * 60 + Number(z[3] ?? 0);
    if (Number(z[2]) > 23 || Number(z[3] ?? 0) > 59) return undefined;
    secs -= (z[1] === '-' ? -1 : 1) * off * 60;
  }
  return secs;
}

export function retired(ctx: Ctx, v: unknown, path: string): { at: number } | undefined {
  if (v === true) return { at: 0 };
  if (v === false) return undefined;
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) ctx.fail(path, 'is not a valid date');
    return { at: Math.floor(v.getTime() / 1000) };
  }
  if (typeof v !== 'string') {
    ctx.fail(path, `must be a date (2025-06-01), a date and time (2025-06-01T12:00:00Z) or true, not ${describe(v)}`);
  }
  const at = parsePolicyTime(v.trim());
  if (at === undefined) ctx.fail(path, `${show(v)} is not a date (2025-06-01) or date and time (2025-06-01T12:00:00Z)`);
  return { at };
}

/** A date or date and time (not `true`): revoked_keys[].since. */
export function moment(ctx: Ctx, v: unknown, path: string): number {
  const at = typeof v === 'string' ? parsePolicyTime(v.trim()) : undefined;
  if (at === undefined) {
    ctx.fail(
      path,
      `${typeof v === 'string' ? show(v) : describe(v)} is not a date (2025-06-01) or date and time (2025-06-01T12:00:00Z); leave since out to void every signature`,
    );
  }
  return at;
}

/** An OpenPGP fingerprint (primary key or subkey) or an SSH "SHA256:" fingerprint. */
export function revokedKey(ctx: Ctx, v: unknown, path: string): string {
  const s = str(ctx, v, path, 200);
  if (/^SHA256:/i.test(s)) return sshFingerprint(ctx, s, path);
  const hex = s.replace(/\s+/g, '');
  if (/^(?:0x)?[0-9a-fA-F]{16}$|^(?:0x)?[0-9a-fA-F]{8}$/.test(hex)) return openpgpFingerprint(ctx, s, path);
  if (!/^(?:[0-9a-fA-F]{40}|[0-9a-fA-F]{64})$/.test(hex)) {
    ctx.fail(
      path,
      `${show(s)} is neither an OpenPGP fingerprint (40 or 64 hex digits) nor an SSH key fingerprint ("SHA256:" and 43 base64 characters, as ssh-keygen -l prints it)`,
    );
  }
  return hex.toUpperCase();
}

export const RULE_ID = /^[a-z][a-z0-9-]*$/;

export function globs(ctx: Ctx, v: unknown, path: string, kind: 'refs' | 'paths'): string[] {
  const out: string[] = [];
  list(ctx, v, path, POLICY_LIMITS.globs).forEach((x, i) => {
    const p = `${path}[${i}]`;
    const given = str(ctx, x, p);
    // A folder named with a trailing "/" is that folder (git prints paths without one, and a watched
    // ".github/workflows/" would match nothing git prints: protected nothing, silently).
    const g = kind === 'paths' && !given.startsWith('/') ? given.replace(/\/+$/, '') : given;
    if (kind === 'refs' && !g.startsWith('refs/'))
      ctx.fail(p, `${show(g)} is not a full ref name or pattern (refs/heads/..., refs/tags/...)`);
    if (kind === 'paths') {
      if (g.startsWith('/')) ctx.fail(p, `${show(g)} must be relative to the repository root (no leading "/")`);
      if (g.split('/').some((seg) => seg === '..' || seg === '.' || seg === ''))
        ctx.fail(p, `${show(given)} must not contain "." or ".." segments or "//"`);
      // Each protected pattern is watched at its literal folder: one that starts with a wildcard
      // would protect nothing, silently.
      else if (!g.startsWith('/') && !watchable(g))
        ctx.fail(
          p,
          `${show(g)} starts with a wildcard: name the folder or file it is in (".github/*.yml", not "*.yml")`,
        );
    }
    if (!out.includes(g)) out.push(g);
  });
  return out;
}

/** A secret finding's fingerprint: commit:path:kind:line. */
const SECRET_FINGERPRINT = /^[0-9a-f]{40}(?:[0-9a-f]{24})?:.+:[a-z0-9-]+:[1-9][0-9]*$/;

export function secretsPolicy(ctx: Ctx, v: unknown): SecretsPolicy {
  const sec = mapping(ctx, v, 'secrets', ['allow', 'entropy']);
  const out: SecretsPolicy = {
    allow: [],
    entropy: sec.has('entropy') ? bool(ctx, sec.get('entropy'), 'secrets.entropy') : false,
  };
  if (!sec.has('allow')) return out;
  list(ctx, sec.get('allow'), 'secrets.allow', POLICY_LIMITS.globs).forEach((x, i) => {
    const p = `secrets.allow[${i}]`;
    const e = mapping(ctx, x, p, ['path', 'fingerprint', 'reason']);
    const reason = e.has('reason') ? str(ctx, e.get('reason'), `${p}.reason`) : undefined;
    if (e.has('path') === e.has('fingerprint'))
      ctx.fail(p, 'give either path (a glob) or fingerprint (commit:path:kind:line), not both or neither');
    if (e.has('path')) {
      const [g] = globs(ctx, [e.get('path')], `${p}.path`, 'paths');
      out.allow.push({ path: g!, ...(reason ? { reason } : {}) });
    } else {
      const f = str(ctx, e.get('fingerprint'), `${p}.fingerprint`);
      if (!SECRET_FINGERPRINT.test(f))
        ctx.fail(
          `${p}.fingerprint`,
          `${show(f)} is not a fingerprint commit:path:kind:line (full commit id), as the finding prints it`,
        );
      if (!reason)
        ctx.fail(p, 'reason: missing; say why this committed secret is acceptable (e.g. revoked on 2026-01-02)');
      out.allow.push({ fingerprint: f, reason });
    }
  });
  return out;
}
