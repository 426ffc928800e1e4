// The trust policy: the versioned `.gitguard/` folder of an audited repository (policy.yml, keys/*,
// allowed_signers), parsed from raw file contents into a validated, typed object. Pure: the caller
// reads the files (out of a commit, or a folder) and hands them over.
//
// Everything here is attacker-controlled input. The parser is strict and bounded: sizes are capped,
// YAML tags are refused, aliases are limited (no "billion laughs"), unknown keys are errors, and every
// cross-reference (fingerprints, maintainers) must resolve. Each failure is one PolicyError whose
// message is one line naming the file and the offending field, e.g.
//   .gitguard/policy.yml at 1a2b3c4: signers[2].emails[0]: "bob" is not an e-mail address
import type { Document, DocumentOptions, ParseOptions, SchemaOptions } from 'yaml';
// The YAML parser is loaded on first use: runs that never read a policy (or answer from the cache)
// skip it.
type Yaml = typeof import('yaml');
import { SEVERITIES, type Severity } from '../domain/model.js';
import type { Keyring } from '../domain/keys.js';
import { loadKeyring } from './signatures/keyring.js';
import { AllowedSignersError, parseAllowedSigners } from './signatures/allowed-signers.js';
import type { AllowedSigner } from '../domain/keys.js';
import { principalMatches } from '../domain/principals.js';
import { dbVersion } from '../vulndb/database.js';
import { parseForgePolicy } from './policy-forge.js';
import {
  CLIENT_MIN_TOOLS,
  DEFAULT_PROTECTED_PATHS,
  DEFAULT_PROTECTED_REFS,
  type ClientMinTool,
  type Forge,
  type ForgePolicy,
  type Policy,
  type RevokedKeyEntry,
  type SecretsPolicy,
  type Signer,
} from '../domain/policy.js';
import { escapeJsonUnsafe, hasUnsafe } from '../domain/escape.js';

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

const MiB = 1024 * 1024;
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
function fileLabel(label: string, file: string): string {
  const m = /^(.*) at ([^/\s]+)$/.exec(label);
  if (m) return `${m[1]!.replace(/\/+$/, '')}/${file} at ${m[2]}`;
  return `${label.replace(/\/+$/, '')}/${file}`;
}

// Unsafe characters as every output defines them (src/report/escape.ts), shown as \uXXXX.
const escapeUnsafe = escapeJsonUnsafe;

/** A repository-supplied string, quoted, escaped and shortened for a one-line message. */
function show(s: string): string {
  const cut = s.length > 80 ? `${s.slice(0, 77)}...` : s;
  return escapeUnsafe(JSON.stringify(cut));
}

/** A repository-supplied name used bare (a key file name): escaped and shortened. */
function bare(s: string): string {
  return escapeUnsafe(s.length > 100 ? `${s.slice(0, 97)}...` : s);
}

function describe(v: unknown): string {
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

// ---------------------------------------------------------------------------------------------
// YAML

const YAML_OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = {
  version: '1.2',
  schema: 'core',
  customTags: [],
  merge: false,
  uniqueKeys: true,
  strict: true,
  prettyErrors: true,
  stringKeys: false,
  intAsBigInt: false,
};

function readYaml(yaml: Yaml, text: string, file: string): unknown {
  const { LineCounter, parseDocument, visit } = yaml;
  const lineCounter = new LineCounter();
  let doc: Document.Parsed;
  try {
    doc = parseDocument(text, { ...YAML_OPTIONS, lineCounter });
  } catch (e) {
    throw new PolicyError(`${file}: YAML syntax error: ${oneLine(e)}`);
  }
  const problem = doc.errors[0] ?? doc.warnings[0];
  if (problem) throw new PolicyError(`${file}: YAML syntax error: ${oneLine(problem)}`);
  visit(doc, {
    Node(_key, node) {
      if (node.tag) {
        const at = node.range ? lineCounter.linePos(node.range[0]) : undefined;
        throw new PolicyError(`${file}: YAML tags such as ${show(node.tag.replace(/^tag:yaml\.org,2002:/, '!!'))} are not allowed${at ? ` (line ${at.line})` : ''}`);
      }
    },
  });
  try {
    return doc.toJS({ mapAsMap: true, maxAliasCount: POLICY_LIMITS.aliases });
  } catch (e) {
    throw new PolicyError(`${file}: YAML cannot be read: ${oneLine(e)} (at most ${POLICY_LIMITS.aliases} alias expansions)`);
  }
}

function oneLine(e: unknown): string {
  const m = (e instanceof Error ? e.message : String(e)).split('\n', 1)[0]!.replace(/:\s*$/, '');
  return escapeUnsafe(m.length > 200 ? `${m.slice(0, 197)}...` : m);
}

// ---------------------------------------------------------------------------------------------
// Structural validation

class Ctx {
  constructor(readonly file: string) {}
  fail(path: string, msg: string): never {
    throw new PolicyError(path ? `${this.file}: ${path}: ${msg}` : `${this.file}: ${msg}`);
  }
}

type Fields = Map<string, unknown>;

function mapping(ctx: Ctx, v: unknown, path: string, allowed: readonly string[], what = 'a mapping'): Fields {
  if (!(v instanceof Map)) ctx.fail(path, `must be ${what}, not ${describe(v)}`);
  for (const k of v.keys()) {
    if (typeof k !== 'string') ctx.fail(path, `keys must be plain words, not ${describe(k)}`);
    if (!allowed.includes(k)) ctx.fail(path, `unknown key ${show(k)} (expected one of: ${allowed.join(', ')})`);
  }
  return v as Fields;
}

function list(ctx: Ctx, v: unknown, path: string, max: number): unknown[] {
  if (!Array.isArray(v)) ctx.fail(path, `must be a list, not ${describe(v)}`);
  if (v.length > max) ctx.fail(path, `more than ${max} entries`);
  return v;
}

function str(ctx: Ctx, v: unknown, path: string, max = MAX_STRING): string {
  if (typeof v !== 'string') {
    const hint = typeof v === 'number' || typeof v === 'boolean' ? ' (quote it)' : '';
    ctx.fail(path, `must be a string, not ${describe(v)}${hint}`);
  }
  if (v.trim() === '') ctx.fail(path, 'must not be empty');
  if (hasControl(v)) ctx.fail(path, `${show(v)} must be one line without control characters`);
  if (v.length > max) ctx.fail(path, `longer than ${max} characters`);
  return v.trim();
}

function bool(ctx: Ctx, v: unknown, path: string): boolean {
  if (typeof v !== 'boolean') ctx.fail(path, `must be true or false, not ${describe(v)}`);
  return v;
}

const EMAIL = /^[^\s@<>,;"]+@[^\s@<>,;"]+$/;

function email(ctx: Ctx, v: unknown, path: string): string {
  const s = str(ctx, v, path, 254);
  if (!EMAIL.test(s)) ctx.fail(path, `${show(s)} is not an e-mail address`);
  return s.toLowerCase();
}

function emails(ctx: Ctx, v: unknown, path: string, max: number): string[] {
  const out: string[] = [];
  list(ctx, v, path, max).forEach((x, i) => {
    const e = email(ctx, x, `${path}[${i}]`);
    if (out.includes(e)) ctx.fail(`${path}[${i}]`, `${show(e)} is listed twice`);
    out.push(e);
  });
  return out;
}

function hexId(ctx: Ctx, v: unknown, path: string): string {
  const s = str(ctx, v, path, 200);
  if (!/^(?:[0-9a-fA-F]{40}|[0-9a-fA-F]{64})$/.test(s)) ctx.fail(path, `${show(s)} is not a full commit id (40 or 64 hex digits)`);
  return s.toLowerCase();
}

function openpgpFingerprint(ctx: Ctx, v: unknown, path: string): string {
  const s = str(ctx, v, path, 200).replace(/\s+/g, '');
  if (/^(?:0x)?[0-9a-fA-F]{16}$|^(?:0x)?[0-9a-fA-F]{8}$/.test(s)) {
    ctx.fail(path, `${show(s)} is a key id; write the full fingerprint (40 or 64 hex digits)`);
  }
  if (!/^(?:[0-9a-fA-F]{40}|[0-9a-fA-F]{64})$/.test(s)) ctx.fail(path, `${show(s)} is not an OpenPGP fingerprint (40 or 64 hex digits)`);
  return s.toUpperCase();
}

function sshFingerprint(ctx: Ctx, v: unknown, path: string): string {
  const s = str(ctx, v, path, 200);
  if (!/^SHA256:[A-Za-z0-9+/]{43}$/.test(s)) {
    ctx.fail(path, `${show(s)} is not an SSH key fingerprint ("SHA256:" and 43 base64 characters, as ssh-keygen -l prints it)`);
  }
  return s;
}

function fingerprints(ctx: Ctx, v: unknown, path: string, kind: 'openpgp' | 'ssh'): string[] {
  const out: string[] = [];
  list(ctx, v, path, POLICY_LIMITS.perSignerList).forEach((x, i) => {
    const f = kind === 'openpgp' ? openpgpFingerprint(ctx, x, `${path}[${i}]`) : sshFingerprint(ctx, x, `${path}[${i}]`);
    if (out.includes(f)) ctx.fail(`${path}[${i}]`, `${f} is listed twice`);
    out.push(f);
  });
  return out;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?[ \t]*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

/** An ISO date (midnight UTC) or date-time (UTC unless it says otherwise), as unix seconds. */
export function parsePolicyTime(s: string): number | undefined {
  const m = DATE_TIME.exec(s) ?? DATE.exec(s);
  if (!m) return undefined;
  const [y, mo, d, h = 0, mi = 0, se = 0] = [m[1], m[2], m[3], m[4], m[5], m[6]].map((x) => (x === undefined ? undefined : Number(x))) as number[];
  if (y! < 1970 || mo! < 1 || mo! > 12 || d! < 1 || d! > 31 || h > 23 || mi > 59 || se > 60) return undefined;
  const t = new Date(0);
  t.setUTCFullYear(y!, mo! - 1, d!);
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

function retired(ctx: Ctx, v: unknown, path: string): { at: number } | undefined {
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
function moment(ctx: Ctx, v: unknown, path: string): number {
  const at = typeof v === 'string' ? parsePolicyTime(v.trim()) : undefined;
  if (at === undefined) {
    ctx.fail(path, `${typeof v === 'string' ? show(v) : describe(v)} is not a date (2025-06-01) or date and time (2025-06-01T12:00:00Z); leave since out to void every signature`);
  }
  return at;
}

/** An OpenPGP fingerprint (primary key or subkey) or an SSH "SHA256:" fingerprint. */
function revokedKey(ctx: Ctx, v: unknown, path: string): string {
  const s = str(ctx, v, path, 200);
  if (/^SHA256:/i.test(s)) return sshFingerprint(ctx, s, path);
  const hex = s.replace(/\s+/g, '');
  if (/^(?:0x)?[0-9a-fA-F]{16}$|^(?:0x)?[0-9a-fA-F]{8}$/.test(hex)) return openpgpFingerprint(ctx, s, path);
  if (!/^(?:[0-9a-fA-F]{40}|[0-9a-fA-F]{64})$/.test(hex)) {
    ctx.fail(path, `${show(s)} is neither an OpenPGP fingerprint (40 or 64 hex digits) nor an SSH key fingerprint ("SHA256:" and 43 base64 characters, as ssh-keygen -l prints it)`);
  }
  return hex.toUpperCase();
}

const RULE_ID = /^[a-z][a-z0-9-]*$/;

function globs(ctx: Ctx, v: unknown, path: string, kind: 'refs' | 'paths'): string[] {
  const out: string[] = [];
  list(ctx, v, path, POLICY_LIMITS.globs).forEach((x, i) => {
    const p = `${path}[${i}]`;
    const g = str(ctx, x, p);
    if (kind === 'refs' && !g.startsWith('refs/')) ctx.fail(p, `${show(g)} is not a full ref name or pattern (refs/heads/..., refs/tags/...)`);
    if (kind === 'paths') {
      if (g.startsWith('/')) ctx.fail(p, `${show(g)} must be relative to the repository root (no leading "/")`);
      if (g.split('/').some((seg) => seg === '..' || seg === '.')) ctx.fail(p, `${show(g)} must not contain "." or ".." segments`);
    }
    if (!out.includes(g)) out.push(g);
  });
  return out;
}


/** A secret finding's fingerprint: commit:path:kind:line. */
const SECRET_FINGERPRINT = /^[0-9a-f]{40}(?:[0-9a-f]{24})?:.+:[a-z0-9-]+:[1-9][0-9]*$/;

function secretsPolicy(ctx: Ctx, v: unknown): SecretsPolicy {
  const sec = mapping(ctx, v, 'secrets', ['allow', 'entropy']);
  const out: SecretsPolicy = { allow: [], entropy: sec.has('entropy') ? bool(ctx, sec.get('entropy'), 'secrets.entropy') : false };
  if (!sec.has('allow')) return out;
  list(ctx, sec.get('allow'), 'secrets.allow', POLICY_LIMITS.globs).forEach((x, i) => {
    const p = `secrets.allow[${i}]`;
    const e = mapping(ctx, x, p, ['path', 'fingerprint', 'reason']);
    const reason = e.has('reason') ? str(ctx, e.get('reason'), `${p}.reason`) : undefined;
    if (e.has('path') === e.has('fingerprint')) ctx.fail(p, 'give either path (a glob) or fingerprint (commit:path:kind:line), not both or neither');
    if (e.has('path')) {
      const [g] = globs(ctx, [e.get('path')], `${p}.path`, 'paths');
      out.allow.push({ path: g!, ...(reason ? { reason } : {}) });
    } else {
      const f = str(ctx, e.get('fingerprint'), `${p}.fingerprint`);
      if (!SECRET_FINGERPRINT.test(f)) ctx.fail(`${p}.fingerprint`, `${show(f)} is not a fingerprint commit:path:kind:line (full commit id), as the finding prints it`);
      if (!reason) ctx.fail(p, 'reason: missing; say why this committed secret is acceptable (e.g. revoked on 2026-01-02)');
      out.allow.push({ fingerprint: f, reason: reason! });
    }
  });
  return out;
}

interface Draft {
  identity: Policy['identity'];
  requireSignatures: boolean;
  trustRoot?: string;
  signers: Signer[];
  maintainers: string[];
  forges: Forge[];
  goodlist: Policy['goodlist'];
  severity: Record<string, Severity>;
  protected: Policy['protected'];
  client?: Policy['client'];
  revokedKeys: RevokedKeyEntry[];
  secrets?: SecretsPolicy;
  forge: ForgePolicy;
}


const TOP_KEYS = ['version', 'identity', 'require_signatures', 'trust_root', 'signers', 'maintainers', 'forges', 'goodlist', 'severity', 'protected', 'client', 'revoked_keys', 'secrets', 'forge'] as const;
const SIGNER_KEYS = ['name', 'emails', 'openpgp', 'ssh', 'retired'] as const;
const FORGE_KEYS = ['name', 'committer', 'openpgp', 'ssh'] as const;

function validateStructure(ctx: Ctx, raw: unknown): Draft {
  if (raw === null || raw === undefined) ctx.fail('', 'is empty; it must at least say "version: 1"');
  const top = mapping(ctx, raw, '', TOP_KEYS, 'a mapping of settings (version: 1, signers: ...)');

  if (!top.has('version')) ctx.fail('', 'version: missing; write "version: 1"');
  const version = top.get('version');
  if (version !== 1) ctx.fail('version', `unsupported version ${typeof version === 'number' ? version : describe(version)} (this gitguard reads version 1)`);

  const draft: Draft = {
    identity: 'committer',
    requireSignatures: true,
    signers: [],
    maintainers: [],
    forges: [],
    goodlist: [],
    severity: {},
    protected: { refs: [...DEFAULT_PROTECTED_REFS], paths: [...DEFAULT_PROTECTED_PATHS] },
    revokedKeys: [],
    forge: { minApprovals: 1, requiredStatusChecks: [], requireSignatures: true },
  };

  if (top.has('identity')) {
    const v = top.get('identity');
    if (v !== 'committer' && v !== 'author' && v !== 'both') ctx.fail('identity', `must be committer, author or both, not ${describe(v)}`);
    draft.identity = v;
  }
  if (top.has('require_signatures')) draft.requireSignatures = bool(ctx, top.get('require_signatures'), 'require_signatures');
  if (top.has('trust_root')) draft.trustRoot = hexId(ctx, top.get('trust_root'), 'trust_root');

  // signers
  if (top.has('signers')) {
    const owner = new Map<string, string>(); // e-mail -> "signers[i] (name)"
    const names = new Map<string, number>(); // lower-cased name -> index
    list(ctx, top.get('signers'), 'signers', POLICY_LIMITS.signers).forEach((x, i) => {
      const p = `signers[${i}]`;
      const s = mapping(ctx, x, p, SIGNER_KEYS);
      if (!s.has('emails')) ctx.fail(p, 'emails: missing; a signer needs at least one e-mail address');
      const es = emails(ctx, s.get('emails'), `${p}.emails`, POLICY_LIMITS.perSignerList);
      if (!es.length) ctx.fail(`${p}.emails`, 'must list at least one e-mail address');
      const name = s.has('name') ? str(ctx, s.get('name'), `${p}.name`, 200) : es[0]!;
      const signer: Signer = {
        name,
        emails: es,
        openpgp: s.has('openpgp') ? fingerprints(ctx, s.get('openpgp'), `${p}.openpgp`, 'openpgp') : [],
        ssh: s.has('ssh') ? fingerprints(ctx, s.get('ssh'), `${p}.ssh`, 'ssh') : [],
      };
      if (s.has('retired')) {
        const r = retired(ctx, s.get('retired'), `${p}.retired`);
        if (r) signer.retired = r;
      }
      es.forEach((e, j) => {
        const prev = owner.get(e);
        if (prev) ctx.fail(`${p}.emails[${j}]`, `${show(e)} is already an e-mail of ${prev}`);
      });
      const who = `${p} (${show(name)})`;
      es.forEach((e) => owner.set(e, who));
      const prevName = names.get(name.toLowerCase());
      if (prevName !== undefined) ctx.fail(`${p}.name`, `${show(name)} is already the name of signers[${prevName}]`);
      names.set(name.toLowerCase(), i);
      draft.signers.push(signer);
    });
    // A name that is another signer's e-mail would make maintainers ambiguous.
    draft.signers.forEach((s, i) => {
      const o = owner.get(s.name.toLowerCase());
      if (o && !s.emails.includes(s.name.toLowerCase())) ctx.fail(`signers[${i}].name`, `${show(s.name)} is an e-mail of ${o}`);
    });
  }

  // maintainers
  if (top.has('maintainers')) {
    list(ctx, top.get('maintainers'), 'maintainers', POLICY_LIMITS.maintainers).forEach((x, i) => {
      const p = `maintainers[${i}]`;
      const m = str(ctx, x, p, 254);
      const asEmail = EMAIL.test(m) ? m.toLowerCase() : undefined;
      const found = draft.signers.some((s) => s.name === m || (asEmail !== undefined && s.emails.includes(asEmail)));
      if (!found) ctx.fail(p, `${show(m)} is neither the name nor an e-mail of a signer`);
      const value = asEmail !== undefined && draft.signers.some((s) => s.emails.includes(asEmail)) ? asEmail : m;
      if (!draft.maintainers.includes(value)) draft.maintainers.push(value);
    });
  }

  // forges
  if (top.has('forges')) {
    list(ctx, top.get('forges'), 'forges', POLICY_LIMITS.forges).forEach((x, i) => {
      const p = `forges[${i}]`;
      const f = mapping(ctx, x, p, FORGE_KEYS);
      if (!f.has('name')) ctx.fail(p, 'name: missing (e.g. GitHub)');
      const name = str(ctx, f.get('name'), `${p}.name`, 200);
      if (draft.forges.some((o) => o.name.toLowerCase() === name.toLowerCase())) ctx.fail(`${p}.name`, `${show(name)} is listed twice`);
      if (!f.has('committer')) ctx.fail(p, 'committer: missing (the e-mail the platform commits as, e.g. noreply@github.com)');
      const c = f.get('committer');
      const committerEmails = typeof c === 'string' ? [email(ctx, c, `${p}.committer`)] : emails(ctx, c, `${p}.committer`, POLICY_LIMITS.perSignerList);
      if (!committerEmails.length) ctx.fail(`${p}.committer`, 'must list at least one e-mail address');
      committerEmails.forEach((e, j) => {
        const s = draft.signers.findIndex((sg) => sg.emails.includes(e));
        const path = typeof c === 'string' ? `${p}.committer` : `${p}.committer[${j}]`;
        if (s !== -1) ctx.fail(path, `${show(e)} is also an e-mail of signers[${s}]; a forge commits under its own address`);
      });
      const forge: Forge = {
        name,
        committerEmails,
        openpgp: f.has('openpgp') ? fingerprints(ctx, f.get('openpgp'), `${p}.openpgp`, 'openpgp') : [],
        ssh: f.has('ssh') ? fingerprints(ctx, f.get('ssh'), `${p}.ssh`, 'ssh') : [],
      };
      if (!forge.openpgp.length && !forge.ssh.length) ctx.fail(p, 'names no key; list the platform key under openpgp: or ssh:');
      draft.forges.push(forge);
    });
  }

  // goodlist
  if (top.has('goodlist')) {
    list(ctx, top.get('goodlist'), 'goodlist', POLICY_LIMITS.goodlist).forEach((x, i) => {
      const p = `goodlist[${i}]`;
      const g = mapping(ctx, x, p, ['commit', 'reason']);
      if (!g.has('commit')) ctx.fail(p, 'commit: missing');
      const commit = hexId(ctx, g.get('commit'), `${p}.commit`);
      if (!g.has('reason')) ctx.fail(p, 'reason: missing; say why this commit is accepted');
      const reason = str(ctx, g.get('reason'), `${p}.reason`);
      const prev = draft.goodlist.findIndex((e) => e.commit === commit);
      if (prev !== -1) ctx.fail(`${p}.commit`, `${commit} is already goodlist[${prev}]`);
      draft.goodlist.push({ commit, reason });
    });
  }

  // severity
  if (top.has('severity')) {
    const v = top.get('severity');
    if (!(v instanceof Map)) ctx.fail('severity', `must be a mapping of rule id to severity, not ${describe(v)}`);
    if (v.size > POLICY_LIMITS.severity) ctx.fail('severity', `more than ${POLICY_LIMITS.severity} entries`);
    for (const [k, sev] of v) {
      if (typeof k !== 'string' || !RULE_ID.test(k) || k.length > 100) ctx.fail('severity', `${describe(k)} is not a rule id`);
      if (typeof sev !== 'string' || !(SEVERITIES as readonly string[]).includes(sev)) {
        ctx.fail(`severity.${k}`, `must be one of ${SEVERITIES.join(', ')}, not ${describe(sev)}`);
      }
      draft.severity[k] = sev as Severity;
    }
  }

  // protected
  if (top.has('protected')) {
    const pr = mapping(ctx, top.get('protected'), 'protected', ['refs', 'paths']);
    if (pr.has('refs')) draft.protected.refs = globs(ctx, pr.get('refs'), 'protected.refs', 'refs');
    if (pr.has('paths')) {
      const paths = globs(ctx, pr.get('paths'), 'protected.paths', 'paths');
      // The policy protects itself, whatever the list says.
      draft.protected.paths = paths.includes('.gitguard/**') ? paths : ['.gitguard/**', ...paths];
    }
  }

  // client
  if (top.has('client')) {
    const cl = mapping(ctx, top.get('client'), 'client', ['min_versions']);
    const minVersions: Partial<Record<ClientMinTool, string>> = {};
    if (cl.has('min_versions')) {
      const mv = mapping(ctx, cl.get('min_versions'), 'client.min_versions', CLIENT_MIN_TOOLS);
      for (const tool of CLIENT_MIN_TOOLS) {
        if (!mv.has(tool)) continue;
        const v = mv.get(tool);
        const p = `client.min_versions.${tool}`;
        if (typeof v !== 'string') ctx.fail(p, `must be a version written as a string such as "2.45.1" (quote it: YAML reads 2.40 as the number 2.4), not ${describe(v)}`);
        if (dbVersion(v as string) === null) ctx.fail(p, `${show(v as string)} is not a version such as "2.45.1" (or "9.6p1" for ssh)`);
        minVersions[tool] = v as string;
      }
    }
    draft.client = { minVersions };
  }

  // revoked_keys
  if (top.has('revoked_keys')) {
    list(ctx, top.get('revoked_keys'), 'revoked_keys', POLICY_LIMITS.revokedKeys).forEach((x, i) => {
      const p = `revoked_keys[${i}]`;
      const r = mapping(ctx, x, p, ['key', 'reason', 'since']);
      if (!r.has('key')) ctx.fail(p, 'key: missing (an OpenPGP fingerprint, or an SSH fingerprint "SHA256:...")');
      const key = revokedKey(ctx, r.get('key'), `${p}.key`);
      if (!r.has('reason')) ctx.fail(p, 'reason: missing; say why the key is revoked');
      const reason = str(ctx, r.get('reason'), `${p}.reason`);
      const entry: RevokedKeyEntry = { key, reason };
      if (r.has('since')) entry.since = moment(ctx, r.get('since'), `${p}.since`);
      const prev = draft.revokedKeys.findIndex((e) => e.key === key);
      if (prev !== -1) ctx.fail(`${p}.key`, `${key} is already revoked_keys[${prev}]`);
      draft.revokedKeys.push(entry);
    });
  }
  if (top.has('secrets')) draft.secrets = secretsPolicy(ctx, top.get('secrets'));

  // forge
  draft.forge = parseForgePolicy(top.get('forge'), draft.requireSignatures, (path, msg) => ctx.fail(path, msg));
  return draft;
}

// ---------------------------------------------------------------------------------------------
// Keys

async function readKeys(files: PolicyFiles): Promise<Keyring> {
  if (files.keys.length > POLICY_LIMITS.keyFiles) {
    throw new PolicyError(`${fileLabel(files.label, 'keys/')}: more than ${POLICY_LIMITS.keyFiles} files`);
  }
  let total = 0;
  const sources = files.keys.map((k) => {
    const file = fileLabel(files.label, `keys/${bare(k.name)}`);
    if (k.data.length > POLICY_LIMITS.keyFileBytes) throw new PolicyError(`${file}: larger than 1 MiB (${k.data.length} bytes)`);
    total += k.data.length;
    return { file, data: k.data };
  });
  if (total > POLICY_LIMITS.keyBytesTotal) {
    throw new PolicyError(`${fileLabel(files.label, 'keys/')}: the key files add up to more than ${POLICY_LIMITS.keyBytesTotal / MiB} MiB`);
  }
  try {
    return await loadKeyring(sources, { limits: { userIds: POLICY_LIMITS.userIdsPerKey, subkeys: POLICY_LIMITS.subkeysPerKey, selfSignatures: POLICY_LIMITS.selfSignaturesPerKey } });
  } catch (e) {
    // loadKeyring names the file(s) first: "<file>: not a readable OpenPGP key file (...)".
    throw new PolicyError(oneLine(e));
  }
}

function readAllowedSigners(files: PolicyFiles): AllowedSigner[] {
  if (files.allowedSigners === undefined) return [];
  const file = fileLabel(files.label, 'allowed_signers');
  const bytes = Buffer.byteLength(files.allowedSigners, 'utf8');
  if (bytes > POLICY_LIMITS.allowedSignersBytes) throw new PolicyError(`${file}: larger than 1 MiB (${bytes} bytes)`);
  try {
    return parseAllowedSigners(files.allowedSigners, file);
  } catch (e) {
    if (e instanceof AllowedSignersError) throw new PolicyError(`${file}: line ${e.line}: ${oneLine(e.detail)}`);
    throw new PolicyError(`${file}: ${oneLine(e)}`);
  }
}


// ---------------------------------------------------------------------------------------------
// Cross-references

async function crossCheck(ctx: Ctx, d: Draft, keyring: Keyring, allowed: AllowedSigner[]): Promise<void> {
  const keys = keyring.keys();
  const primaries = new Map(keys.map((k) => [k.fingerprint, k]));
  const subOf = new Map<string, string>();
  for (const k of keys) for (const s of k.subkeys) subOf.set(s, k.fingerprint);
  const sshFprs = new Set(allowed.filter((e) => !e.certAuthority).map((e) => e.key.fingerprint));

  const pinnedPgp = new Map<string, string>(); // fingerprint -> who
  const pinnedSsh = new Map<string, string>();
  const checkPgp = (f: string, path: string, who: string): void => {
    if (!primaries.has(f)) {
      const primary = subOf.get(f);
      if (primary) ctx.fail(path, `${f} is a subkey of ${primary}; name the primary key`);
      ctx.fail(path, `key ${f} is not in keys/`);
    }
    const prev = pinnedPgp.get(f);
    if (prev) ctx.fail(path, `key ${f} is already named by ${prev}`);
    pinnedPgp.set(f, who);
  };
  const checkSsh = (f: string, path: string, who: string): void => {
    if (!sshFprs.has(f)) {
      ctx.fail(path, allowed.length ? `key ${f} is not in allowed_signers` : `key ${f} is not in allowed_signers (there is none, or it lists no key)`);
    }
    const prev = pinnedSsh.get(f);
    if (prev) ctx.fail(path, `key ${f} is already named by ${prev}`);
    pinnedSsh.set(f, who);
  };
  d.signers.forEach((s, i) => {
    const who = `signers[${i}] (${show(s.name)})`;
    s.openpgp.forEach((f, j) => checkPgp(f, `signers[${i}].openpgp[${j}]`, who));
    s.ssh.forEach((f, j) => checkSsh(f, `signers[${i}].ssh[${j}]`, who));
  });
  d.forges.forEach((g, i) => {
    const who = `forges[${i}] (${show(g.name)})`;
    g.openpgp.forEach((f, j) => checkPgp(f, `forges[${i}].openpgp[${j}]`, who));
    g.ssh.forEach((f, j) => checkSsh(f, `forges[${i}].ssh[${j}]`, who));
  });

  // Implicit ownership must be unambiguous: a key nobody names may belong to one signer at most.
  const implicitPgp = d.signers.filter((s) => s.openpgp.length === 0);
  if (implicitPgp.length) {
    for (const k of keys) {
      if (pinnedPgp.has(k.fingerprint)) continue;
      const ids = await keyring.identities(k.fingerprint);
      const owners = implicitPgp.filter((s) => s.emails.some((e) => ids.includes(e)));
      if (owners.length > 1) {
        throw new PolicyError(
          `${k.files.join(', ')}: key ${k.fingerprint} has user IDs of several signers (${owners.map((s) => show(s.name)).join(', ')}); name it under openpgp: of the one it belongs to`,
        );
      }
    }
  }
  const implicitSsh = d.signers.filter((s) => s.ssh.length === 0);
  if (implicitSsh.length) {
    for (const e of allowed) {
      if (e.certAuthority || pinnedSsh.has(e.key.fingerprint)) continue;
      const owners = implicitSsh.filter((s) => s.emails.some((m) => principalMatches(m, e.principalList)));
      if (owners.length > 1) {
        throw new PolicyError(
          `${e.file}: line ${e.line}: key ${e.key.fingerprint} matches the e-mails of several signers (${owners.map((s) => show(s.name)).join(', ')}); name it under ssh: of the one it belongs to`,
        );
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// API

/** Parses and validates a policy; undefined when there is no policy.yml. Throws PolicyError. */
export async function parsePolicy(files: PolicyFiles): Promise<Policy | undefined> {
  if (files.policyYml === undefined) return undefined;
  const ymlFile = fileLabel(files.label, 'policy.yml');
  const bytes = Buffer.byteLength(files.policyYml, 'utf8');
  if (bytes > POLICY_LIMITS.policyBytes) throw new PolicyError(`${ymlFile}: larger than 1 MiB (${bytes} bytes)`);
  const ctx = new Ctx(ymlFile);
  const draft = validateStructure(ctx, readYaml(await import('yaml'), files.policyYml, ymlFile));
  const keyring = await readKeys(files);
  const allowedSigners = readAllowedSigners(files);
  await crossCheck(ctx, draft, keyring, allowedSigners);
  return { version: 1, ...draft, keyring, allowedSigners, label: files.label };
}

