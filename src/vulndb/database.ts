// Vulnerability databases (rules/<tool>-vulnerabilities.json): strict loading and version matching.
//
// The format is tool-generic (git today; gpg, ssh, git-lfs later): one file per tool, each entry a
// CVE with the exact fixed version on every maintenance line that got the fix.
//
// Matching (isAffected) — a version V is affected by an entry when ALL of:
//   1. V >= entry.introduced, when the entry names one;
//   2. some fixed version F > V exists (a version newer than every fix was released after the fix);
//   3. no fixed version G on V's own maintenance line (same major.minor; "1.8.5" for git 1.x's
//      four-part numbers) has G <= V.
// So a maintenance line that never got a backport is fixed only by the next fixed release above it,
// and release candidates count as below their release (2.46.0-rc1 < 2.46.0). Versions are compared
// in the semver form that version.ts produces.
import {
  compareVersions,
  displayVersion,
  maintenanceLine,
  parseGitVersion,
  parseVersionNumber,
  plainVersion,
} from './version.js';

export type Platform = 'linux' | 'windows' | 'macos' | 'other';
/** "other" is any platform gitguard does not name (BSDs, Solaris...): list it for Unix-wide bugs. */
export type EntryPlatform = 'all' | 'linux' | 'windows' | 'macos' | 'other';
export type VulnSeverity = 'critical' | 'high' | 'medium' | 'low';

const ENTRY_PLATFORMS: readonly EntryPlatform[] = ['all', 'linux', 'windows', 'macos', 'other'];
const SEVERITIES: readonly VulnSeverity[] = ['critical', 'high', 'medium', 'low'];

export interface VulnEntry {
  id: string;
  summary: string;
  severity: VulnSeverity;
  severitySource: string;
  platforms: readonly EntryPlatform[];
  /** As written in the file (git's spelling). */
  introduced?: string;
  fixed: readonly string[];
  references: readonly string[];
  /** Comparable (semver) forms, for matching. */
  introducedComparable?: string;
  /** Comparable forms of `fixed`, ascending. */
  fixedComparable: readonly string[];
  /** How the entry was last checked: the day and what it was checked against (advisory URLs, changelogs). */
  checked?: { on: string; against: readonly string[] };
}

/** A CVE of the tool left out of the database on purpose (server-only, a program git never runs...). */
export interface ExcludedEntry {
  id: string;
  reason: string;
}

export interface VulnDatabase {
  /** Where it was loaded from, for messages. */
  file: string;
  schemaVersion: 1;
  tool: string;
  compiled: string;
  /** The newest release of the tool the compiler of the data knew of, when recorded. */
  newestKnownVersion?: string;
  sources: readonly string[];
  vulnerabilities: readonly VulnEntry[];
  /** CVEs known and left out on purpose, so the cross-check with distribution changelogs does not call them unknown. */
  excluded: readonly ExcludedEntry[];
}

/** Is `id` known to the database, as an entry or as a deliberate exclusion? */
export function knowsId(db: VulnDatabase, id: string): boolean {
  return db.vulnerabilities.some((e) => e.id === id) || db.excluded.some((e) => e.id === id);
}

type Obj = Record<string, unknown>;

/**
 * A version as a database writes it: git's spelling ("2.39.4", "1.8.5.6", "2.46.0-rc1"), or an
 * OpenSSH portable release ("9.3p2", compared as 9.3.2: the portable number orders releases of
 * the same OpenBSD version). Returns the comparable form, or null. Only git folds 1.x's four-part
 * numbers (version.ts); other tools' 1.x versions are plain semver ("1.4.23" for GnuPG 1.4.23).
 */
export function dbVersion(text: string, tool = 'git'): string | null {
  const portable = /^(\d+)\.(\d+)p(\d+)$/.exec(text);
  if (portable) return plainVersion([Number(portable[1]), Number(portable[2]), Number(portable[3])]);
  if (tool === 'git') return parseVersionNumber(text);
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?(?:[-.]?(rc|alpha|beta|pre)\.?(\d+))?$/i.exec(text);
  if (!m) return null;
  const pre = m[4] !== undefined && m[5] !== undefined ? { tag: m[4].toLowerCase(), number: Number(m[5]) } : undefined;
  return plainVersion([Number(m[1]), Number(m[2]), Number(m[3] ?? 0)], pre);
}

function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Validates parsed JSON as a database. `file` only names the source in error messages. */
export function parseVulnerabilityDatabase(json: unknown, file: string): VulnDatabase {
  const fail = (what: string): never => {
    throw new Error(`${file}: ${what}`);
  };
  if (!isObject(json)) fail('the top level must be an object');
  const top = json as Obj;
  const allowedTop = [
    'schemaVersion',
    'tool',
    'compiled',
    'newestKnownVersion',
    'sources',
    'vulnerabilities',
    'excluded',
  ];
  for (const key of Object.keys(top)) if (!allowedTop.includes(key)) fail(`unknown field "${key}"`);
  if (top['schemaVersion'] !== 1) fail(`schemaVersion must be 1, got ${JSON.stringify(top['schemaVersion'])}`);
  const tool = top['tool'];
  if (typeof tool !== 'string' || !/^[a-z][a-z0-9-]*$/.test(tool))
    fail('"tool" must be a lower-case name such as "git"');
  const compiled = top['compiled'];
  if (typeof compiled !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(compiled))
    fail('"compiled" must be a date YYYY-MM-DD');
  const sources = top['sources'];
  if (
    !Array.isArray(sources) ||
    sources.length === 0 ||
    !sources.every((s) => typeof s === 'string' && s.trim() !== '')
  ) {
    fail('"sources" must be a non-empty array of strings');
  }
  let newestKnownVersion: string | undefined;
  if (top['newestKnownVersion'] !== undefined) {
    const n = top['newestKnownVersion'];
    if (typeof n !== 'string' || dbVersion(n, tool as string) === null)
      fail('"newestKnownVersion" must be a version such as "2.45.1"');
    newestKnownVersion = n as string;
  }
  const list = top['vulnerabilities'];
  if (!Array.isArray(list)) fail('"vulnerabilities" must be an array');

  const seen = new Set<string>();
  const vulnerabilities = (list as unknown[]).map((raw, index) => {
    const entry = parseEntry(raw, index, file, tool as string);
    if (seen.has(entry.id)) throw new Error(`${file}: ${entry.id}: duplicate id`);
    seen.add(entry.id);
    return entry;
  });

  const excluded: ExcludedEntry[] = [];
  if (top['excluded'] !== undefined) {
    const ex = top['excluded'];
    if (!Array.isArray(ex)) fail('"excluded" must be an array');
    for (const item of ex as unknown[]) {
      const id = isObject(item) ? item['id'] : undefined;
      const reason = isObject(item) ? item['reason'] : undefined;
      if (!isObject(item) || Object.keys(item).some((k) => k !== 'id' && k !== 'reason'))
        fail('"excluded" entries must be objects with "id" and "reason"');
      if (typeof id !== 'string' || !ID.test(id)) fail(`"excluded": not a CVE or GHSA id: ${JSON.stringify(id)}`);
      if (typeof reason !== 'string' || reason.trim().length < 10)
        fail(`"excluded": ${id as string}: "reason" must be a sentence`);
      if (seen.has(id as string)) fail(`"excluded": ${id as string} is also an entry (or listed twice)`);
      seen.add(id as string);
      excluded.push({ id: id as string, reason: reason as string });
    }
  }

  const db: VulnDatabase = {
    file,
    schemaVersion: 1,
    tool: tool as string,
    compiled: compiled as string,
    sources: sources as string[],
    vulnerabilities,
    excluded,
  };
  if (newestKnownVersion !== undefined) db.newestKnownVersion = newestKnownVersion;
  return db;
}

const ENTRY_FIELDS = [
  'id',
  'summary',
  'severity',
  'severitySource',
  'platforms',
  'introduced',
  'fixed',
  'references',
  'checked',
];
const ID = /^(?:CVE-\d{4}-\d{4,}|GHSA(?:-[23456789cfghjmpqrvwx]{4}){3})$/;

function parseEntry(raw: unknown, index: number, file: string, tool: string): VulnEntry {
  const rawId = isObject(raw) && typeof raw['id'] === 'string' ? raw['id'] : `entry #${index}`;
  const fail = (what: string): never => {
    throw new Error(`${file}: ${rawId}: ${what}`);
  };
  if (!isObject(raw)) fail('must be an object');
  const e = raw as Obj;
  for (const key of Object.keys(e)) if (!ENTRY_FIELDS.includes(key)) fail(`unknown field "${key}"`);

  const id = e['id'];
  if (typeof id !== 'string' || !ID.test(id)) {
    fail('"id" must be a CVE id (CVE-YYYY-NNNN) or a GHSA id');
  }
  const summary = e['summary'];
  if (typeof summary !== 'string' || summary.trim().length < 10) fail('"summary" must be a sentence');
  const severity = e['severity'];
  if (typeof severity !== 'string' || !SEVERITIES.includes(severity as VulnSeverity)) {
    fail(`"severity" must be one of ${SEVERITIES.join(', ')}, got ${JSON.stringify(severity)}`);
  }
  const severitySource = e['severitySource'];
  if (typeof severitySource !== 'string' || severitySource.trim() === '')
    fail('"severitySource" must be a non-empty string');

  const platforms = e['platforms'];
  if (!Array.isArray(platforms) || platforms.length === 0) fail('"platforms" must be a non-empty array');
  for (const p of platforms as unknown[]) {
    if (typeof p !== 'string' || !ENTRY_PLATFORMS.includes(p as EntryPlatform)) {
      fail(`unknown platform ${JSON.stringify(p)} (expected ${ENTRY_PLATFORMS.join(', ')})`);
    }
  }
  if ((platforms as string[]).includes('all') && (platforms as string[]).length > 1)
    fail('"platforms": "all" must stand alone');
  if (new Set(platforms as string[]).size !== (platforms as string[]).length)
    fail('"platforms" lists a platform twice');

  let introduced: string | undefined;
  let introducedComparable: string | undefined;
  if (e['introduced'] !== undefined) {
    const v = e['introduced'];
    const c = typeof v === 'string' ? dbVersion(v, tool) : null;
    if (c === null) fail(`"introduced" is not a version: ${JSON.stringify(v)}`);
    introduced = v as string;
    introducedComparable = c as string;
  }

  const fixed = e['fixed'];
  if (!Array.isArray(fixed) || fixed.length === 0) fail('"fixed" must be a non-empty array of versions');
  const lines = new Map<string, string>();
  const fixedComparable = (fixed as unknown[]).map((v) => {
    const c = typeof v === 'string' ? dbVersion(v, tool) : null;
    if (c === null) return fail(`"fixed" has something that is not a version: ${JSON.stringify(v)}`);
    const line = maintenanceLine(c);
    const other = lines.get(line);
    if (other !== undefined) fail(`"fixed" names two versions on the ${line} line: ${other} and ${v as string}`);
    lines.set(line, v as string);
    if (introducedComparable !== undefined && compareVersions(c, introducedComparable) <= 0) {
      fail(`fixed version ${v as string} is not above "introduced" ${introduced as string}`);
    }
    return c;
  });
  fixedComparable.sort(compareVersions);

  const references = e['references'];
  if (!Array.isArray(references) || !references.every((r) => typeof r === 'string' && /^https:\/\/\S+$/.test(r))) {
    fail('"references" must be an array of https URLs');
  }

  const entry: VulnEntry = {
    id: id as string,
    summary: summary as string,
    severity: severity as VulnSeverity,
    severitySource: severitySource as string,
    platforms: platforms as EntryPlatform[],
    fixed: fixed as string[],
    references: references as string[],
    fixedComparable,
  };
  if (introduced !== undefined) {
    entry.introduced = introduced;
    entry.introducedComparable = introducedComparable;
  }
  if (e['checked'] !== undefined) {
    const c = e['checked'];
    const on = isObject(c) ? c['on'] : undefined;
    const against = isObject(c) ? c['against'] : undefined;
    if (!isObject(c) || Object.keys(c).some((k) => k !== 'on' && k !== 'against'))
      fail('"checked" must be an object with "on" and "against"');
    if (typeof on !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(on)) fail('"checked.on" must be a date YYYY-MM-DD');
    if (
      !Array.isArray(against) ||
      against.length === 0 ||
      !against.every((a) => typeof a === 'string' && a.trim() !== '')
    )
      fail('"checked.against" must be a non-empty array of strings');
    entry.checked = { on: on as string, against: against as string[] };
  }
  return entry;
}

/**
 * A version as the public functions below accept it: a ParsedVersion (from parseGitVersion; its
 * comparable form is used), a version as git spells it ("2.39.4", "2.46.0-rc1", "1.8.5.6"), or
 * `git --version` output. Returns the comparable form, or throws.
 */
export type VersionInput = string | { version: string };

function toComparableVersion(version: VersionInput): string {
  if (typeof version !== 'string') return version.version;
  const c = parseVersionNumber(version) ?? parseGitVersion(version)?.version ?? null;
  if (c === null) throw new Error(`not a version: ${JSON.stringify(version)}`);
  return c;
}

/** Does the entry apply on this platform? ["all"] applies everywhere, ["windows"] only on windows. */
function appliesToPlatform(entry: VulnEntry, platform: Platform): boolean {
  return entry.platforms.some((p) => p === 'all' || p === platform);
}

/** The matching rule at the top of this file. */
export function isAffected(entry: VulnEntry, version: VersionInput): boolean {
  return affectsComparable(entry, toComparableVersion(version));
}

function affectsComparable(entry: VulnEntry, v: string): boolean {
  if (entry.introducedComparable !== undefined && compareVersions(v, entry.introducedComparable) < 0) return false;
  if (!entry.fixedComparable.some((f) => compareVersions(f, v) > 0)) return false;
  const line = maintenanceLine(v);
  return !entry.fixedComparable.some((g) => maintenanceLine(g) === line && compareVersions(g, v) <= 0);
}

/** Entries that affect `version` on `platform`, in database order. */
export function affecting(db: VulnDatabase, version: VersionInput, platform: Platform): VulnEntry[] {
  const v = toComparableVersion(version);
  return db.vulnerabilities.filter((e) => appliesToPlatform(e, platform) && affectsComparable(e, v));
}

/**
 * The fixed version the entry names on `version`'s maintenance line (in git's spelling), whether
 * above or below `version`, or null when that line never got the fix.
 */
export function fixedOnLine(
  entry: VulnEntry,
  version: VersionInput,
  display: (comparable: string) => string = displayVersion,
): string | null {
  const line = maintenanceLine(toComparableVersion(version));
  const i = entry.fixedComparable.findIndex((g) => maintenanceLine(g) === line);
  return i < 0 ? null : display(entry.fixedComparable[i] as string);
}

export interface Remediation {
  /**
   * The lowest version on `version`'s own maintenance line that fixes every given entry, or null
   * when at least one of them was never fixed on that line (then only an upgrade to a newer line helps).
   */
  onLine: string | null;
  /**
   * The lowest version above `version`, on any line, that none of the given entries affects: the
   * smallest of their fixed versions (above `version`) that is itself unaffected by all of them.
   * Null when there is none (cannot happen for entries that affect `version`).
   */
  overall: string | null;
}

/** Where to upgrade to, given the entries that affect `version` (e.g. the result of affecting()). */
export function remediation(
  entries: readonly VulnEntry[],
  version: VersionInput,
  display: (comparable: string) => string = displayVersion,
): Remediation {
  const v = toComparableVersion(version);
  if (entries.length === 0) return { onLine: null, overall: null };
  const line = maintenanceLine(v);

  // Each entry's fix on this line; the highest of them fixes them all (if every entry has one).
  const lineFixes = entries.map((e) => e.fixedComparable.find((f) => maintenanceLine(f) === line));
  let onLine: string | null = null;
  if (lineFixes.every((g): g is string => g !== undefined)) {
    onLine = lineFixes.reduce((a, b) => (compareVersions(a, b) >= 0 ? a : b));
    if (compareVersions(onLine, v) <= 0) onLine = null;
  }

  const candidates = [...new Set(entries.flatMap((e) => e.fixedComparable))]
    .filter((f) => compareVersions(f, v) > 0)
    .sort(compareVersions);
  const overall = candidates.find((c) => entries.every((e) => !affectsComparable(e, c))) ?? null;

  return {
    onLine: onLine === null ? null : display(onLine),
    overall: overall === null ? null : display(overall),
  };
}
