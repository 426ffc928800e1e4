// Distribution changelogs read as data: which CVEs the installed package says it fixes. Pure; the
// collector (src/collect/distro-package.ts) finds and reads the text.
//
//   Debian/Ubuntu  /usr/share/doc/<pkg>/changelog.Debian.gz, newest entry first:
//                    git (1:2.39.5-0+deb12u2) bookworm-security; urgency=high
//                      * credential: sanitize the user prompt (CVE-2024-50349)
//                     -- Name <mail>  Sat, 11 Jan 2025 20:46:03 +0100
//   RPM            `rpm -q --changelog <pkg>`, newest entry first:
//                    * Tue Jun 04 2024 Name <mail> - 2.43.5-1
//                    - Fixes CVE-2024-32002
//
// A CVE id on a line of an entry is a mention; a line that reverts a fix or says the package is not
// affected or not fixed does not count as a fix (the mention is kept, marked `negated`, so the
// cross-check still sees the id).
import { compareDebianVersions, parseDebianVersion } from './debian-version.js';

export interface ChangelogLine {
  /** 1-based line number in the changelog text. */
  n: number;
  text: string;
}

export interface ChangelogEntry {
  /** The source package the entry names (Debian), when it names one. */
  package?: string;
  /** The version the entry describes, as written ('' when an RPM entry names none). */
  version: string;
  lines: ChangelogLine[];
}

export interface CveMention {
  id: string;
  /** The version of the changelog entry that names it. */
  version: string;
  /** Line number and text (trimmed, at most 300 characters) of the line that names it. */
  line: number;
  text: string;
  /** The line reverts a fix or says "not affected" / "not fixed": not evidence of a fix. */
  negated: boolean;
}

/** What gitguard knows of the installed package's own record of fixes. */
export type DistroRecord =
  | {
      kind: 'changelog';
      manager: 'dpkg' | 'rpm';
      /** The package that owns the judged binary, and its installed version. */
      package: string;
      version: string;
      /** Where the changelog was read: a file, or "rpm -q --changelog <pkg>". */
      source: string;
      /** One mention per CVE id (the newest entry that names it), entries above `version` left out. */
      mentions: CveMention[];
    }
  | { kind: 'none'; reason: string };

const DEBIAN_HEADER = /^(\S+) \(([^()\s]+)\)(?: [^;]*)?;/;
const RPM_HEADER = /^\*\s+(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2} +\d{1,2} \d{4}\b(.*)$/;
const CVE = /\bCVE-\d{4}-\d{4,}\b/gi;
const NEGATED =
  /\b(?:revert(?:s|ed|ing)?|not (?:yet )?(?:fixed|affected|vulnerable)|unaffected|does(?:n't| not) affect)\b/i;

function splitLines(text: string): string[] {
  return text.split(/\r?\n/);
}

/** Entries of a Debian changelog, newest first; text before the first header is ignored. */
export function parseDebianChangelog(text: string): ChangelogEntry[] {
  const out: ChangelogEntry[] = [];
  let current: ChangelogEntry | undefined;
  splitLines(text).forEach((raw, i) => {
    const m = DEBIAN_HEADER.exec(raw);
    if (m) {
      current = { package: m[1] as string, version: m[2] as string, lines: [] };
      out.push(current);
      return;
    }
    // Emacs/vim local-variable trailers and the "Old Changelog:" tail end the structured part.
    if (/^(?:Old Changelog:|Local variables:)/i.test(raw)) {
      current = undefined;
      return;
    }
    if (current && raw.trim() !== '') current.lines.push({ n: i + 1, text: raw });
  });
  return out;
}

/** Entries of `rpm -q --changelog` output, newest first. */
export function parseRpmChangelog(text: string): ChangelogEntry[] {
  const out: ChangelogEntry[] = [];
  let current: ChangelogEntry | undefined;
  splitLines(text).forEach((raw, i) => {
    const m = RPM_HEADER.exec(raw);
    if (m) {
      // "Name <mail> - 2.43.5-1", "Name <mail> 2.43.5-1", "Name - 1:9.0p1-19": the version is the last word.
      const v = /(?:^|[\s>])-?\s*((?:\d+:)?\d[^\s<>]*)\s*$/.exec(m[1] as string);
      current = { version: v?.[1] ?? '', lines: [{ n: i + 1, text: raw }] };
      out.push(current);
      return;
    }
    if (current && raw.trim() !== '') current.lines.push({ n: i + 1, text: raw });
  });
  return out;
}

/**
 * The entries that describe the installed package (newest first): its own entry and every one below
 * it in the file. A changelog lists uploads newest first, and a backport's history goes on with the
 * unstable uploads it was built from, whose versions sort above its own (1:10.0p1-7 above
 * 1:10.0p1-7~bpo12+1): their fixes are in it. Without an entry of the installed version (a binNMU
 * such as 1:9.2p1-2+b1, or a sibling package's newer changelog), the entries at or below it, as dpkg
 * orders versions; entries whose version cannot be read are then left out. An installed version
 * that is not a Debian version has no history.
 */
export function installedHistory(entries: readonly ChangelogEntry[], installed: string): readonly ChangelogEntry[] {
  const inst = parseDebianVersion(installed);
  if (!inst) return [];
  const at = entries.findIndex((e) => {
    const v = parseDebianVersion(e.version);
    return v !== null && compareDebianVersions(v, inst) === 0;
  });
  if (at >= 0) return entries.slice(at);
  return entries.filter((e) => {
    const v = parseDebianVersion(e.version);
    return v !== null && compareDebianVersions(v, inst) <= 0;
  });
}

/**
 * The CVE ids the entries name, one mention per id: the newest entry that names it decides (a later
 * upload that reverts a fix reopens the CVE, whatever an older entry said), and within that entry a
 * line that counts as a fix wins. With `installed` (a Debian version), only the installed package's
 * history counts (installedHistory): a changelog read from a sibling package's documentation may be
 * newer than the binary judged. With `source` (the source package the
 * installed package is built from), entries another package wrote are left out: their fixes are
 * that package's.
 */
export function cveMentions(entries: readonly ChangelogEntry[], installed?: string, source?: string): CveMention[] {
  const history = installed !== undefined ? installedHistory(entries, installed) : entries;
  const byId = new Map<string, CveMention>();
  for (const e of history) {
    if (source && e.package !== undefined && e.package !== source) continue;
    const decided = new Set(byId.keys());
    for (const line of e.lines) {
      for (const m of line.text.matchAll(CVE)) {
        const id = m[0].toUpperCase();
        if (decided.has(id)) continue;
        const mention: CveMention = {
          id,
          version: e.version,
          line: line.n,
          text: line.text.trim().slice(0, 300),
          negated: NEGATED.test(line.text),
        };
        const had = byId.get(id);
        if (!had || (had.negated && !mention.negated)) byId.set(id, mention);
      }
    }
  }
  return [...byId.values()];
}

/** The mention that records `id` as fixed, if any. */
export function fixMention(record: DistroRecord | undefined, id: string): CveMention | undefined {
  if (record?.kind !== 'changelog') return undefined;
  return record.mentions.find((m) => m.id === id && !m.negated);
}
