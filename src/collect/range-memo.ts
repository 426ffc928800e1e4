// The range search's answer (derived-range.ts) as an earlier audit found it, kept in the walk
// checkpoint (sealed with the per-user HMAC: collect/checkpoint.ts), so that a re-audit of an
// unchanged repository reads none of the range's commits again, and one after new commits reads
// only theirs. A record answers only for the same key: the ends' findings (the files the CI runs at
// the tip and where the range starts), the range's exclusions, the cap and what the caller salts it
// with (gitguard's version and data, the git binary, the object limit).
import { createHash } from 'node:crypto';
import type { DerivedFound } from '../domain/derived-union.js';

/** One search's answer: what it found over the commits reachable from `tips`, and what it spent of the cap. */
export interface RangeRecord {
  key: string;
  /** The positive revisions of the range searched. */
  tips: string[];
  /** The findings, in the order found (serialized by foundText). */
  found: string;
  /** Commits read, and loose files' parts compared, against GITGUARD_MAX_RANGE_COMMITS. */
  read: number;
  checks: number;
}

/** What a run gives the search (`known`, an earlier run's record) and takes back (`found`, this run's, if complete). */
export interface RangeMemo {
  salt: string;
  known?: RangeRecord;
  found?: RangeRecord;
}

const byKey = <T>([a]: readonly [string, T], [b]: readonly [string, T]): number => (a < b ? -1 : a > b ? 1 : 0);

/** Findings as text, in their order (the order decides which origin a watched path keeps). */
export function foundText(f: DerivedFound): string {
  return JSON.stringify({
    paths: [...f.paths],
    indirect: [...f.indirect],
    parts: [...f.parts],
    ranOnly: [...f.ranOnly],
    unread: [...f.unread],
  });
}

/** Findings as text whatever their order: equal where they watch the same. */
export function foundSame(f: DerivedFound): string {
  return JSON.stringify({
    paths: [...f.paths].sort(byKey),
    indirect: [...f.indirect].sort(),
    parts: [...f.parts].map(([p, e]) => [p, [...e].sort()] as const).sort(byKey),
    ranOnly: [...f.ranOnly].sort(),
    unread: [...f.unread].sort(),
  });
}

const strings = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');
const pairs = (v: unknown, second: (x: unknown) => boolean): boolean =>
  Array.isArray(v) && v.every((e) => Array.isArray(e) && e.length === 2 && typeof e[0] === 'string' && second(e[1]));

/** foundText read back; undefined for anything else (the checkpoint authenticates, but is checked all the same). */
export function parseFound(text: string): DerivedFound | undefined {
  try {
    const o = JSON.parse(text) as Record<string, unknown>;
    if (!pairs(o.paths, (x) => typeof x === 'string') || !pairs(o.parts, strings)) return undefined;
    if (!strings(o.indirect) || !strings(o.ranOnly) || !strings(o.unread)) return undefined;
    return {
      paths: new Map(o.paths as Array<[string, string]>),
      indirect: new Set(o.indirect),
      parts: new Map(o.parts as Array<[string, string[]]>),
      ranOnly: new Set(o.ranOnly),
      unread: new Set(o.unread),
    };
  } catch {
    return undefined;
  }
}

/** The key a record answers for. */
export function rangeKey(
  salt: string,
  cap: number,
  range: readonly string[],
  start: string | undefined,
  ends: DerivedFound,
): string {
  const exclusions = range.filter((r) => r.startsWith('^')).sort();
  return createHash('sha256')
    .update(JSON.stringify([salt, cap, exclusions, start ?? '', foundSame(ends)]))
    .digest('hex');
}

/** A record as the checkpoint holds it, or undefined when it is not one. */
export function asRecord(v: unknown): RangeRecord | undefined {
  const r = v as Partial<RangeRecord> | undefined;
  return r &&
    typeof r.key === 'string' &&
    strings(r.tips) &&
    typeof r.found === 'string' &&
    Number.isSafeInteger(r.read) &&
    Number.isSafeInteger(r.checks)
    ? (r as RangeRecord)
    : undefined;
}
