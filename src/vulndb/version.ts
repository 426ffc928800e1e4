// Tool version strings -> a form the `semver` package can compare.
//
// Pure: no I/O. The collector (src/collect/client.ts) hands over whatever `git --version` (or a
// package manager) printed; this module finds the upstream version in it and says which vendor
// build it is, so the vulnerability matcher (database.ts) compares like with like.
//
// Comparable form. Every version becomes a semver string "MAJOR.MINOR.PATCH[-PRERELEASE]":
//   - release candidates count as below their release: "2.46.0.rc1" / "2.46.0-rc1" -> "2.46.0-rc.1";
//   - git 1.x up to 1.8 used four numbers, the third naming the feature release and the fourth the
//     maintenance release (1.8.5 -> 1.8.5.6). semver has three, so those versions are folded as
//     PATCH = third * 1000 + fourth: "1.8.5.6" -> "1.8.5006", "1.8.5" -> "1.8.5000". Order is kept,
//     and maintenanceLine() knows that their maintenance line is "1.8.5", not "1.8".
//     displayVersion() turns the folded form back into git's own spelling.
//   - a build from a commit after a tag ("2.45.0.123.gabc1234") is treated as the tag it
//     describes: we cannot know which later fixes it carries, so we assume none;
//   - a tree between releases ("2.45.GIT", git's own DEF_VER) is "2.45.0-dev": below 2.45.0 and
//     its release candidates, above every 2.44.x.
import { createRequire } from 'node:module';

// semver is loaded on first use: most runs never compare a version (verify, a policy without
// client.min_versions), and loading it costs more than a whole warm verification batch. Only the
// three functions used: semver's index loads all 47 of its modules (~25 ms of CPU per process).
interface Semver {
  valid: typeof import('semver/functions/valid.js');
  parse: typeof import('semver/functions/parse.js');
  compare: typeof import('semver/functions/compare.js');
}
let loaded: Semver | undefined;
function semverLib(): Semver {
  if (loaded) return loaded;
  const require = createRequire(import.meta.url);
  return (loaded = {
    valid: require('semver/functions/valid.js') as Semver['valid'],
    parse: require('semver/functions/parse.js') as Semver['parse'],
    compare: require('semver/functions/compare.js') as Semver['compare'],
  });
}

export type Vendor = 'apple' | 'windows' | 'vfs' | 'debian' | 'ubuntu' | 'redhat' | 'fedora' | 'suse' | 'alpine';

export interface ParsedVersion {
  /** The input, trimmed. */
  raw: string;
  /** semver-comparable upstream version, e.g. "2.39.3", "2.46.0-rc.1", "1.8.5006" (see the top). */
  version: string;
  /**
   * Who built it. Distributions (debian, ubuntu, redhat, ...) backport security fixes without
   * changing the upstream number, so a match against such a build is "may be affected".
   */
  vendor?: Vendor;
  /** The vendor's own build or package revision: "146" (Apple Git-146), "1" (.windows.1), "0+deb12u2". */
  vendorBuild?: string;
}

export interface VersionToken {
  /** The numeric components as written: "2.39.3" -> [2, 39, 3]. */
  numbers: number[];
  /** A pre-release marker, e.g. { tag: 'rc', number: 1 } for "rc1" / "-rc.1" / ".rc1". */
  prerelease?: { tag: string; number: number };
  /** Where the token starts in the text, and the text after it. */
  index: number;
  rest: string;
}

// Generic: the first "N.N[.N[.N]]" in a text, optionally followed by a pre-release marker
// (rc, alpha, beta, pre, with "-", "." or nothing before it, and an optional "." before its
// number). Other tools' strings use the same helper later:
//   gpg (GnuPG) 2.2.40                                   -> numbers [2, 2, 40]
//   OpenSSH_9.2p1 Debian-2+deb12u6, OpenSSL 3.0.15 ...    -> numbers [9, 2], rest "p1 Debian-..."
const TOKEN = /(?<![\d.])(\d+)\.(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:[-.]?(rc|alpha|beta|pre)\.?(\d+))?/i;

/** Finds the first version-looking token in a text (see TOKEN above), or null. */
export function findVersionToken(text: string): VersionToken | null {
  const m = TOKEN.exec(text);
  if (!m) return null;
  const numbers = [m[1], m[2], m[3], m[4]].filter((s): s is string => s !== undefined).map(Number);
  if (numbers.some((n) => !Number.isSafeInteger(n))) return null;
  const token: VersionToken = { numbers, index: m.index, rest: text.slice(m.index + m[0].length) };
  if (m[5] !== undefined && m[6] !== undefined) token.prerelease = { tag: m[5].toLowerCase(), number: Number(m[6]) };
  return token;
}

/**
 * Turns version components into the comparable semver string (see the top of this file), or null
 * when they cannot be represented (fewer than two numbers, a fourth number outside git 1.x's
 * four-part era, a fourth number of 1000 or more).
 */
function toComparable(numbers: readonly number[], prerelease?: { tag: string; number: number }): string | null {
  if (numbers.length < 2 || numbers.length > 4) return null;
  const [major, minor, third = 0, fourth] = numbers as [number, number, number?, number?];
  let patch = third;
  if (isFourPartEra(major, minor)) {
    if ((fourth ?? 0) >= 1000) return null;
    patch = third * 1000 + (fourth ?? 0);
  } else if (fourth !== undefined) {
    return null;
  }
  const pre = prerelease ? `-${prerelease.tag}.${prerelease.number}` : '';
  const v = `${major}.${minor}.${patch}${pre}`;
  return semverLib().valid(v);
}

/**
 * Three version numbers as semver without git's four-part folding, for the other tools (GnuPG
 * 1.4.23 is "1.4.23"). Null when not representable.
 */
export function plainVersion(
  numbers: readonly [number, number, number] | number[],
  prerelease?: { tag: string; number: number },
): string | null {
  if (numbers.length !== 3 || numbers.some((n) => !Number.isSafeInteger(n))) return null;
  const pre = prerelease ? `-${prerelease.tag}.${prerelease.number}` : '';
  return semverLib().valid(`${numbers[0]}.${numbers[1]}.${numbers[2]}${pre}`);
}

/** A plain semver version spelt as the other tools spell it: "2.4.8", "2.5.0-rc1". */
export function displayPlainVersion(comparable: string): string {
  const v = semverLib().parse(comparable);
  if (!v) return comparable;
  const pre =
    v.prerelease.length === 2
      ? `-${v.prerelease[0]}${v.prerelease[1]}`
      : v.prerelease.length
        ? `-${v.prerelease.join('.')}`
        : '';
  return `${v.major}.${v.minor}.${v.patch}${pre}`;
}

/** git 1.0 - 1.8 numbered maintenance releases with a fourth component (1.8.5.6). */
function isFourPartEra(major: number, minor: number): boolean {
  return major === 1 && minor <= 8;
}

/**
 * Strictly parses a version written on its own, as the vulnerability database writes them:
 * "2.39.4", "1.8.5.6", "2.46.0-rc1", "2.46.0.rc1", "2.46.0-rc.1". Returns the comparable form,
 * or null for anything else (surrounding text, vendor suffixes, "v" prefix).
 */
export function parseVersionNumber(text: string): string | null {
  if (!/^\d+\.\d+(?:\.\d+){0,2}(?:[-.]?(?:rc|alpha|beta|pre)\.?\d+)?$/i.test(text)) return null;
  const token = findVersionToken(text);
  if (!token || token.rest !== '') return null;
  return toComparable(token.numbers, token.prerelease);
}

/** "2.39.4" for 2.39.x; "1.8.5" for the four-part era's 1.8.5.x (see the top). */
export function maintenanceLine(comparable: string): string {
  const v = semverLib().parse(comparable);
  if (!v) throw new Error(`not a comparable version: ${comparable}`);
  if (isFourPartEra(v.major, v.minor)) return `${v.major}.${v.minor}.${Math.floor(v.patch / 1000)}`;
  return `${v.major}.${v.minor}`;
}

/** The comparable form spelled as git spells it: "1.8.5006" -> "1.8.5.6", "2.46.0-rc.1" -> "2.46.0-rc1". */
export function displayVersion(comparable: string): string {
  const v = semverLib().parse(comparable);
  if (!v) return comparable;
  let core = `${v.major}.${v.minor}.${v.patch}`;
  if (isFourPartEra(v.major, v.minor)) {
    const third = Math.floor(v.patch / 1000);
    const fourth = v.patch % 1000;
    core = `${v.major}.${v.minor}.${third}${fourth ? `.${fourth}` : ''}`;
  }
  const pre =
    v.prerelease.length === 2
      ? `-${v.prerelease[0]}${v.prerelease[1]}`
      : v.prerelease.length
        ? `-${v.prerelease.join('.')}`
        : '';
  return core + pre;
}

/** semver ordering of two comparable versions: negative, zero or positive. */
export function compareVersions(a: string, b: string): number {
  return semverLib().compare(a, b);
}

// Debian/Ubuntu: "[epoch:]upstream-revision", e.g. "1:2.39.5-0+deb12u2", "1:2.43.0-1ubuntu7.3".
// RPM: "2.43.5-1.el9_4", "2.47.1-1.fc41", "2.43.0-150600.3.3.1" (SUSE). Alpine: "2.45.2-r0".
// The revision starts with a digit (or r<digit> on Alpine), which keeps "2.46.0-rc1" and "-dirty" out.
const PACKAGE = /^(?:(\d+):)?(\d+\.\d+(?:\.\d+){0,2}(?:~rc\.?\d+)?)-((?:\d|r\d)[0-9A-Za-z.+~_]*)$/;

function packageVendor(revision: string, hasEpoch: boolean): Vendor | undefined {
  if (/ubuntu/i.test(revision)) return 'ubuntu';
  if (/deb\d+|debian/i.test(revision) || (hasEpoch && /^\d/.test(revision))) return 'debian';
  if (/\.el\d/i.test(revision)) return 'redhat';
  if (/\.fc\d/i.test(revision)) return 'fedora';
  if (/^r\d+$/.test(revision)) return 'alpine';
  if (/^\d{6}\./.test(revision)) return 'suse';
  return undefined;
}

/**
 * Parses what `git --version` prints, or a git package version, into the comparable form.
 *   git version 2.39.3 (Apple Git-146)   -> 2.39.3, apple, "146"
 *   git version 2.45.2.windows.1         -> 2.45.2, windows, "1"
 *   git version 2.45.2.vfs.0.0           -> 2.45.2, vfs, "0.0"
 *   git version 2.46.0.rc1 / 2.46.0-rc1  -> 2.46.0-rc.1
 *   1:2.39.5-0+deb12u2                   -> 2.39.5, debian, "0+deb12u2"
 *   git version 2.45.0.123.gabc1234      -> 2.45.0 (a build after the tag; see the top)
 *   git version 2.45.GIT                 -> 2.45.0-dev
 * Returns null when no git version can be found.
 */
export function parseGitVersion(output: string): ParsedVersion | null {
  const raw = output.trim();
  // Only the first line means anything (`git --version --build-options` prints more).
  let text = (raw.split(/\r?\n/, 1)[0] ?? '').trim();
  text = text.replace(/^git version\s+/i, '').replace(/^v(?=\d)/, '');

  // A distribution package version.
  const pkg = PACKAGE.exec(text);
  if (pkg && pkg[2] !== undefined && pkg[3] !== undefined) {
    const version = parseVersionNumber(pkg[2].replace('~', '-'));
    if (version) {
      const result: ParsedVersion = { raw, version, vendorBuild: pkg[3] };
      const vendor = packageVendor(pkg[3], pkg[1] !== undefined);
      if (vendor) result.vendor = vendor;
      return result;
    }
  }

  // An unreleased tree: "2.45.GIT".
  const dev = /^(\d+)\.(\d+)\.GIT\b/i.exec(text);
  if (dev) {
    const version = semverLib().valid(`${Number(dev[1])}.${Number(dev[2])}.0-dev`);
    return version ? { raw, version } : null;
  }

  const token = findVersionToken(text);
  if (!token || token.index !== 0) return null;
  // git 2.x has three numbers; a fourth is a "commits since the tag" count of a dev build
  // ("2.45.0.123.gabc1234"), not a version component. git 1.x had three or four.
  let numbers = token.numbers;
  let rest = token.rest;
  const major = numbers[0] ?? 0;
  if (major >= 2 && numbers.length === 4) {
    rest = `.${numbers[3]}${rest}`;
    numbers = numbers.slice(0, 3);
  }
  if (numbers.length < 3) return null;
  const version = toComparable(numbers, token.prerelease);
  if (!version) return null;
  const result: ParsedVersion = { raw, version };

  const apple = /\(Apple Git-([0-9][0-9A-Za-z.]*)\)/.exec(rest);
  const vendorSuffix = /^\.(windows|vfs)\.(\d+(?:\.\d+)*)/i.exec(rest);
  if (apple?.[1] !== undefined) {
    result.vendor = 'apple';
    result.vendorBuild = apple[1];
  } else if (vendorSuffix?.[1] !== undefined && vendorSuffix[2] !== undefined) {
    result.vendor = vendorSuffix[1].toLowerCase() as Vendor;
    result.vendorBuild = vendorSuffix[2];
  } else if (!/^(?:$|\s|\.\d+\.g[0-9a-f]{4,}|[.-]g[0-9a-f]{4,}|[.-]dirty\b)/i.test(rest)) {
    // Something glued to the version that we do not know ("2.39.3abc"): refuse rather than guess.
    return null;
  }
  return result;
}
