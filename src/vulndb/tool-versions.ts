// Version strings of the other client tools git relies on -> the comparable form of version.ts.
//
// Pure, like version.ts. Each parser takes the first line the tool printed (or a bare/package
// version) and returns the upstream version plus who built it, or null when it cannot tell.
//   gpg --version      "gpg (GnuPG) 2.2.40", "gpg (GnuPG/MacGPG2) 2.2.41", "gpg2 (GnuPG) 2.0.22"
//   ssh -V             "OpenSSH_9.2p1 Debian-2+deb12u6, OpenSSL 3.0.19 27 Jan 2026",
//                      "OpenSSH_for_Windows_9.5p1, LibreSSL 3.8.2", "OpenSSH_9.6, LibreSSL 3.8.2" (OpenBSD),
//                      "OpenSSH_9.7p1-hpn18.3.1, OpenSSL 3.0.13 30 Jan 2024" (HPN-SSH)
//   git-lfs version    "git-lfs/3.4.1 (GitHub; linux amd64; go 1.21.5)"
// OpenSSH portable releases "X.YpN" compare as X.Y.N; an OpenBSD build ("OpenSSH_9.6") is X.Yp1,
// the portable release made from it. displaySshVersion() spells the comparable form back.
// Unlike git, these tools' 1.x versions are plain three-number semver (no four-part folding).
// semver's parse alone: its index loads all 48 of its modules (~25 ms of CPU in every process).
import parseSemver from 'semver/functions/parse.js';
import {
  displayPlainVersion,
  displayVersion,
  parseGitVersion,
  plainVersion,
  type ParsedVersion,
  type Vendor,
} from './version.js';

/** The databases in rules/<name>-vulnerabilities.json. */
export type DatabaseName = 'git' | 'gpg' | 'openssh' | 'git-lfs';

function distroOf(text: string): Vendor | undefined {
  if (/ubuntu/i.test(text)) return 'ubuntu';
  if (/debian|deb\d+u\d+/i.test(text)) return 'debian';
  if (/\.el\d/i.test(text)) return 'redhat';
  if (/\.fc\d/i.test(text)) return 'fedora';
  if (/\bsuse\b/i.test(text)) return 'suse';
  return undefined;
}

// "2.2.40-1.1", "1:2.2.40-1.1+deb12u1", "2.4.4-2ubuntu17" (package versions), or a bare "2.4.5".
const PACKAGE = /^(?:(\d+):)?(\d+\.\d+(?:\.\d+)?)(?:-((?:\d|r\d)[0-9A-Za-z.+~_]*))?$/;

function fromPackage(raw: string, text: string): ParsedVersion | null {
  const m = PACKAGE.exec(text);
  if (!m || m[2] === undefined) return null;
  const version = plainVersion(threeNumbers(m[2]));
  if (!version) return null;
  const result: ParsedVersion = { raw, version };
  if (m[3] !== undefined) {
    result.vendorBuild = m[3];
    const vendor = distroOf(m[3]) ?? (m[1] !== undefined ? 'debian' : undefined);
    if (vendor) result.vendor = vendor;
  }
  return result;
}

/** "2.2.40" -> [2, 2, 40]; "2.4" -> [2, 4, 0]. */
function threeNumbers(text: string): number[] {
  const n = text.split('.').map(Number);
  return n.length === 2 ? [...n, 0] : n;
}

const firstLine = (output: string): string => (output.trim().split(/\r?\n/, 1)[0] ?? '').trim();

/** `gpg --version` (first line) or a gpg package version. Null when no GnuPG version is found. */
export function parseGpgVersion(output: string): ParsedVersion | null {
  const raw = output.trim();
  const text = firstLine(output);
  const m = /^gpg2?\s+\(GnuPG(?:\/([^)]*))?\)\s+(\d+\.\d+\.\d+)(?:-(beta|rc)(\d+))?(\S*)/i.exec(text);
  if (!m) return fromPackage(raw, text);
  const pre = m[3] !== undefined && m[4] !== undefined ? { tag: m[3].toLowerCase(), number: Number(m[4]) } : undefined;
  // "2.2.40-unknown" style builds from a git tree: treat as the release.
  if (m[5] && !/^-[0-9A-Za-z.-]*$/.test(m[5])) return null;
  const version = plainVersion(threeNumbers(m[2] as string), pre);
  if (!version) return null;
  const result: ParsedVersion = { raw, version };
  if (m[1]) result.vendorBuild = m[1];
  return result;
}

/** `ssh -V` (first line) or an openssh package version. Null when no OpenSSH version is found. */
export function parseSshVersion(output: string): ParsedVersion | null {
  const raw = output.trim();
  const text = firstLine(output);
  // HPN-SSH (the high-performance patch set) appends its own release to the one it is built on:
  // "OpenSSH_9.3p2-hpn17v14", "OpenSSH_9.7p1-hpn18.3.1", "OpenSSH_10.4p1_hpn19.0.0" (a dev build adds
  // "-g<commit>[-dirty]"). It is that OpenSSH release with faster buffers, so upstream's CVEs apply to it.
  const m =
    /^OpenSSH_(for_Windows_)?(\d+)\.(\d+)(?:p(\d+))?(?:[-_](hpn\d+(?:[v.]\d+)*)(?:-g[0-9a-f]{7,40}(?:-dirty)?)?)?(?=[\s,]|$)(.*)$/i.exec(
      text,
    );
  if (!m) {
    const pkg = /^(?:(\d+):)?(\d+)\.(\d+)p(\d+)-(\S+)$/.exec(text);
    if (!pkg) return null;
    const version = plainVersion([Number(pkg[2]), Number(pkg[3]), Number(pkg[4])]);
    if (!version) return null;
    const result: ParsedVersion = { raw, version, vendorBuild: pkg[5] };
    const vendor = distroOf(pkg[5] as string) ?? (pkg[1] !== undefined ? 'debian' : undefined);
    if (vendor) result.vendor = vendor;
    return result;
  }
  const version = plainVersion([Number(m[2]), Number(m[3]), Number(m[4] ?? 1)]);
  if (!version) return null;
  const result: ParsedVersion = { raw, version };
  if (m[1]) {
    result.vendor = 'windows';
    return result;
  }
  if (m[5]) result.vendorBuild = m[5];
  // "OpenSSH_9.2p1 Debian-2+deb12u6, OpenSSL ...", "OpenSSH_8.9p1 Ubuntu-3ubuntu0.10, OpenSSL ..."
  const build = /^\s+(\w+)-([0-9A-Za-z.+~_]+)/.exec(m[6] ?? '');
  if (build?.[1] !== undefined && build[2] !== undefined) {
    const vendor = distroOf(build[1]);
    if (vendor) result.vendor = vendor;
    result.vendorBuild = `${build[1]}-${build[2]}`;
  }
  return result;
}

/** "9.3.2" -> "9.3p2" (OpenSSH's spelling of the comparable form). */
function displaySshVersion(comparable: string): string {
  const v = parseSemver(comparable);
  return v ? `${v.major}.${v.minor}p${v.patch}` : comparable;
}

/** `git-lfs version` or `git lfs version`. Null when no Git LFS version is found. */
export function parseGitLfsVersion(output: string): ParsedVersion | null {
  const raw = output.trim();
  const text = firstLine(output);
  const m = /^git-lfs\/(\d+\.\d+\.\d+)(?:-(pre|rc|beta)\.?(\d+))?(?:\s+\(([^)]*)\))?\s*$/i.exec(text);
  if (!m) return fromPackage(raw, text);
  const pre = m[2] !== undefined && m[3] !== undefined ? { tag: m[2].toLowerCase(), number: Number(m[3]) } : undefined;
  const version = plainVersion(threeNumbers(m[1] as string), pre);
  if (!version) return null;
  const result: ParsedVersion = { raw, version };
  const builder = m[4]?.split(';')[0]?.trim();
  if (builder && builder !== 'GitHub') {
    result.vendorBuild = builder;
    const vendor = distroOf(builder);
    if (vendor) result.vendor = vendor;
  }
  return result;
}

/** How each client tool's output is read and shown. */
export interface ToolScheme {
  database: DatabaseName;
  /** The name people know it by, for messages. */
  label: string;
  parse(output: string): ParsedVersion | null;
  display(comparable: string): string;
}

export const TOOL_SCHEMES: Record<'git' | 'gpg' | 'ssh' | 'ssh-keygen' | 'git-lfs', ToolScheme> = {
  git: { database: 'git', label: 'git', parse: parseGitVersion, display: displayVersion },
  gpg: { database: 'gpg', label: 'GnuPG', parse: parseGpgVersion, display: displayPlainVersion },
  ssh: { database: 'openssh', label: 'OpenSSH', parse: parseSshVersion, display: displaySshVersion },
  'ssh-keygen': { database: 'openssh', label: 'OpenSSH', parse: parseSshVersion, display: displaySshVersion },
  'git-lfs': { database: 'git-lfs', label: 'Git LFS', parse: parseGitLfsVersion, display: displayPlainVersion },
};
