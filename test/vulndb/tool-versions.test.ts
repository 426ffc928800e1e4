// Version strings of the four client tools -> parsed version and the CVEs that apply.
//
// How the expectations were derived (by hand, not by running this code):
//  - git: Documentation/RelNotes of git/git — CVE-2023-25652 fixed in 2.39.3/2.40.1 (April 2023),
//    CVE-2024-32002 fixed in 2.39.4 ... 2.45.1 (May 2024).
//  - GnuPG: the NEWS files of gpg/gnupg (master, STABLE-BRANCH-2-4, -2-2, -2-0, -1-4): CVE-2018-12020
//    in 2.2.8 and 1.4.23, CVE-2022-34903 in 2.2.36 and 2.3.7, CVE-2019-14855 in 2.2.18, the AEAD
//    preference overflow (#5050, CVE-2020-25125) in 2.2.23 for a bug of 2.2.21, dirmngr CSRF via
//    redirects (CVE-2018-1000858) in 2.2.12, CVE-2014-4617 in 2.0.24 and 1.4.17, CVE-2017-7526 in
//    1.4.22, the malicious-subkey verification DoS (T7527, CVE-2025-30258) in 2.5.5 and 2.4.8.
//  - OpenSSH: release notes 9.3p2 (CVE-2023-38408), 9.6 (CVE-2023-48795, -51384, -51385), 9.3
//    (CVE-2023-28531, ssh-add since 8.9), 8.5 (CVE-2021-28041, since 8.2), 9.9p2 (CVE-2025-26465,
//    since 6.8p1), 10.1 (CVE-2025-61984, -61985).
//  - Git LFS: CHANGELOG.md at v2.12.1 (CVE-2020-27955, Windows), v2.13.2 (CVE-2021-21237, Windows),
//    v3.1.3 (CVE-2022-24826, Windows), v3.6.1 (CVE-2024-53263), v3.7.1 (CVE-2025-26625).
import { affecting, type Platform, type VulnDatabase } from '../../src/vulndb/database.js';
import { loadVulnerabilityDatabase } from '../../src/collect/vulnerability-data.js';
import { parseGitLfsVersion, parseGpgVersion, parseSshVersion, TOOL_SCHEMES } from '../../src/vulndb/tool-versions.js';
import { join } from 'node:path';
import { RULES_DIR } from '../../src/engine/catalog.js';

type Tool = 'git' | 'gpg' | 'ssh' | 'git-lfs';
interface Row {
  tool: Tool;
  raw: string;
  /** The upstream version, in the tool's own spelling. */
  version: string;
  vendor?: string;
  platform?: Platform;
  affected?: string[];
  notAffected?: string[];
  /** No CVE of the database applies. */
  clean?: boolean;
}

const rows: Row[] = [
  // git
  { tool: 'git', raw: 'git version 2.39.2', version: '2.39.2', affected: ['CVE-2023-25652', 'CVE-2024-32002'] },
  { tool: 'git', raw: 'git version 2.39.4', version: '2.39.4', notAffected: ['CVE-2023-25652', 'CVE-2024-32002'] },
  {
    tool: 'git',
    raw: 'git version 2.45.0 (Apple Git-154)',
    version: '2.45.0',
    vendor: 'apple',
    platform: 'macos',
    affected: ['CVE-2024-32002'],
  },
  {
    tool: 'git',
    raw: 'git version 2.45.1.windows.1',
    version: '2.45.1',
    vendor: 'windows',
    platform: 'windows',
    notAffected: ['CVE-2024-32002'],
  },
  {
    tool: 'git',
    raw: '1:2.39.5-0+deb12u2',
    version: '2.39.5',
    vendor: 'debian',
    notAffected: ['CVE-2024-32002', 'CVE-2023-25652'],
  },
  { tool: 'git', raw: 'git version 2.55.0', version: '2.55.0', clean: true },
  // GnuPG
  {
    tool: 'gpg',
    raw: 'gpg (GnuPG) 2.2.40',
    version: '2.2.40',
    affected: ['CVE-2025-30258'],
    notAffected: ['CVE-2022-34903', 'CVE-2018-12020', 'CVE-2019-14855'],
  },
  {
    tool: 'gpg',
    raw: 'gpg (GnuPG/MacGPG2) 2.2.41',
    version: '2.2.41',
    platform: 'macos',
    notAffected: ['CVE-2022-34903'],
  },
  {
    tool: 'gpg',
    raw: 'gpg (GnuPG) 2.2.7',
    version: '2.2.7',
    affected: ['CVE-2018-12020', 'CVE-2019-14855', 'CVE-2022-34903', 'CVE-2018-1000858'],
  },
  {
    tool: 'gpg',
    raw: 'gpg (GnuPG) 2.2.8',
    version: '2.2.8',
    affected: ['CVE-2019-14855', 'CVE-2018-1000858'],
    notAffected: ['CVE-2018-12020'],
  },
  { tool: 'gpg', raw: 'gpg (GnuPG) 2.2.20', version: '2.2.20', notAffected: ['CVE-2020-25125', 'CVE-2019-14855'] },
  { tool: 'gpg', raw: 'gpg (GnuPG) 2.2.22', version: '2.2.22', affected: ['CVE-2020-25125', 'CVE-2022-34903'] },
  { tool: 'gpg', raw: 'gpg (GnuPG) 2.2.23', version: '2.2.23', notAffected: ['CVE-2020-25125'] },
  {
    tool: 'gpg',
    raw: 'gpg (GnuPG) 2.3.6',
    version: '2.3.6',
    affected: ['CVE-2022-34903'],
    notAffected: ['CVE-2018-12020'],
  },
  { tool: 'gpg', raw: 'gpg (GnuPG) 2.3.7', version: '2.3.7', notAffected: ['CVE-2022-34903'] },
  { tool: 'gpg', raw: 'gpg (GnuPG) 2.4.4\nlibgcrypt 1.10.3', version: '2.4.4', affected: ['CVE-2025-30258'] },
  // gpg.fail's armor out-of-bounds write (CVE-2025-68973): fixed in 2.4.9, 2.5.16 (2.2.51 for extended support).
  {
    tool: 'gpg',
    raw: 'gpg (GnuPG) 2.4.8',
    version: '2.4.8',
    affected: ['CVE-2025-68973'],
    notAffected: ['CVE-2025-30258'],
  },
  { tool: 'gpg', raw: 'gpg (GnuPG) 2.4.9', version: '2.4.9', clean: true },
  {
    tool: 'gpg',
    raw: 'gpg (GnuPG) 2.5.5',
    version: '2.5.5',
    affected: ['CVE-2025-68973'],
    notAffected: ['CVE-2025-30258'],
  },
  { tool: 'gpg', raw: 'gpg (GnuPG) 2.5.16', version: '2.5.16', clean: true },
  { tool: 'gpg', raw: 'gpg (GnuPG) 2.2.51', version: '2.2.51', notAffected: ['CVE-2025-68973'] },
  {
    tool: 'gpg',
    raw: 'gpg (GnuPG) 1.4.22',
    version: '1.4.22',
    affected: ['CVE-2018-12020'],
    notAffected: ['CVE-2017-7526', 'CVE-2014-4617'],
  },
  { tool: 'gpg', raw: 'gpg (GnuPG) 1.4.23', version: '1.4.23', notAffected: ['CVE-2018-12020'] },
  { tool: 'gpg', raw: 'gpg2 (GnuPG) 2.0.22', version: '2.0.22', affected: ['CVE-2014-4617', 'CVE-2018-12020'] },
  {
    tool: 'gpg',
    raw: 'gpg (GnuPG) 2.1.11',
    version: '2.1.11',
    affected: ['CVE-2018-12020'],
    notAffected: ['CVE-2018-1000858'],
  },
  { tool: 'gpg', raw: '2.2.40-1.1+deb12u2', version: '2.2.40', vendor: 'debian', affected: ['CVE-2025-30258'] },
  // OpenSSH
  {
    tool: 'ssh',
    raw: 'OpenSSH_9.2p1 Debian-2+deb12u6, OpenSSL 3.0.19 27 Jan 2026',
    version: '9.2p1',
    vendor: 'debian',
    affected: ['CVE-2023-28531', 'CVE-2023-38408', 'CVE-2023-48795', 'CVE-2023-51385'],
  },
  {
    tool: 'ssh',
    raw: 'OpenSSH_for_Windows_9.5p1, LibreSSL 3.8.2',
    version: '9.5p1',
    vendor: 'windows',
    platform: 'windows',
    affected: ['CVE-2023-48795'],
    notAffected: ['CVE-2023-38408', 'CVE-2023-28531'],
  },
  {
    tool: 'ssh',
    raw: 'OpenSSH_9.3p1, OpenSSL 3.0.8 7 Feb 2023',
    version: '9.3p1',
    affected: ['CVE-2023-38408'],
    notAffected: ['CVE-2023-28531'],
  },
  {
    tool: 'ssh',
    raw: 'OpenSSH_9.3p2, OpenSSL 3.1.1 30 May 2023',
    version: '9.3p2',
    notAffected: ['CVE-2023-38408'],
    affected: ['CVE-2023-48795'],
  },
  {
    tool: 'ssh',
    raw: 'OpenSSH_9.6p1 Ubuntu-3ubuntu13.5, OpenSSL 3.0.13 30 Jan 2024',
    version: '9.6p1',
    vendor: 'ubuntu',
    affected: ['CVE-2025-26465'],
    notAffected: ['CVE-2023-48795', 'CVE-2023-51385'],
  },
  {
    tool: 'ssh',
    raw: 'OpenSSH_9.9p2, OpenSSL 3.4.1 11 Feb 2025',
    version: '9.9p2',
    affected: ['CVE-2025-61984'],
    notAffected: ['CVE-2025-26465'],
  },
  {
    tool: 'ssh',
    raw: 'OpenSSH_10.1p1, OpenSSL 3.5.3 16 Sep 2025',
    version: '10.1p1',
    affected: ['CVE-2026-35386', 'CVE-2026-60002'],
    notAffected: ['CVE-2025-61984'],
  },
  { tool: 'ssh', raw: 'OpenSSH_10.5p1, OpenSSL 3.5.3 16 Sep 2025', version: '10.5p1', clean: true },
  {
    tool: 'ssh',
    raw: 'OpenSSH_8.1p1, LibreSSL 2.7.3',
    version: '8.1p1',
    platform: 'macos',
    affected: ['CVE-2023-38408'],
    notAffected: ['CVE-2021-28041', 'CVE-2023-28531'],
  },
  {
    tool: 'ssh',
    raw: 'OpenSSH_8.4p1 Debian-5+deb11u3, OpenSSL 1.1.1w  11 Sep 2023',
    version: '8.4p1',
    vendor: 'debian',
    affected: ['CVE-2021-28041'],
  },
  {
    tool: 'ssh',
    raw: 'OpenSSH_7.4p1, OpenSSL 1.0.2k-fips  26 Jan 2017',
    version: '7.4p1',
    affected: ['CVE-2025-26465'],
    notAffected: ['CVE-2021-28041'],
  },
  {
    tool: 'ssh',
    raw: 'OpenSSH_9.6, LibreSSL 3.8.2',
    version: '9.6p1',
    platform: 'other',
    notAffected: ['CVE-2023-48795'],
  },
  {
    tool: 'ssh',
    raw: 'OpenSSH_6.7p1 Debian-5+deb8u8, OpenSSL 1.0.1t  3 May 2016',
    version: '6.7p1',
    vendor: 'debian',
    notAffected: ['CVE-2025-26465'],
  },
  // HPN-SSH: the OpenSSH release it is built on, with upstream's CVEs (hpn-ssh's version.h: SSH_VERSION
  // SSH_PORTABLE SSH_HPN, "-hpn17v14" in the 17.x series, "-hpn18.3.1" then "_hpn19.0.0").
  {
    tool: 'ssh',
    raw: 'OpenSSH_9.7p1-hpn18.3.1, OpenSSL 3.0.13 30 Jan 2024',
    version: '9.7p1',
    affected: ['CVE-2025-26465', 'CVE-2025-61984'],
    notAffected: ['CVE-2023-48795', 'CVE-2023-51385'],
  },
  {
    tool: 'ssh',
    raw: 'OpenSSH_9.3p2-hpn17v14, OpenSSL 3.0.8 7 Feb 2023',
    version: '9.3p2',
    affected: ['CVE-2023-48795'],
    notAffected: ['CVE-2023-38408'],
  },
  { tool: 'ssh', raw: 'OpenSSH_10.5p1_hpn18.11.1, OpenSSL 3.5.3 16 Sep 2025', version: '10.5p1', clean: true },
  {
    tool: 'ssh',
    raw: 'OpenSSH_10.1p1_hpn19.0.0-g1a2b3c4d-dirty, OpenSSL 3.5.3 16 Sep 2025',
    version: '10.1p1',
    affected: ['CVE-2026-35386'],
  },
  // Git LFS
  {
    tool: 'git-lfs',
    raw: 'git-lfs/3.4.1 (GitHub; linux amd64; go 1.21.5)',
    version: '3.4.1',
    affected: ['CVE-2024-53263', 'CVE-2025-26625'],
    notAffected: ['CVE-2022-24826'],
  },
  {
    tool: 'git-lfs',
    raw: 'git-lfs/3.4.1 (GitHub; windows amd64; go 1.21.5; git 0898dcbc)',
    version: '3.4.1',
    platform: 'windows',
    notAffected: ['CVE-2022-24826', 'CVE-2021-21237'],
  },
  {
    tool: 'git-lfs',
    raw: 'git-lfs/3.1.2 (GitHub; windows amd64; go 1.17.2)',
    version: '3.1.2',
    platform: 'windows',
    affected: ['CVE-2022-24826'],
    notAffected: ['CVE-2021-21237'],
  },
  {
    tool: 'git-lfs',
    raw: 'git-lfs/3.6.1 (GitHub; darwin arm64; go 1.23.3)',
    version: '3.6.1',
    platform: 'macos',
    affected: ['CVE-2025-26625'],
    notAffected: ['CVE-2024-53263'],
  },
  { tool: 'git-lfs', raw: 'git-lfs/3.7.1 (GitHub; linux amd64; go 1.25.1)', version: '3.7.1', clean: true },
  {
    tool: 'git-lfs',
    raw: 'git-lfs/2.12.0 (GitHub; windows amd64; go 1.15.3)',
    version: '2.12.0',
    platform: 'windows',
    affected: ['CVE-2020-27955', 'CVE-2021-21237'],
  },
  {
    tool: 'git-lfs',
    raw: 'git-lfs/2.13.1 (GitHub; windows 386; go 1.15.3)',
    version: '2.13.1',
    platform: 'windows',
    affected: ['CVE-2021-21237'],
    notAffected: ['CVE-2020-27955'],
  },
  {
    tool: 'git-lfs',
    raw: 'git-lfs/3.3.0 (Debian; linux amd64; go 1.19.8)',
    version: '3.3.0',
    vendor: 'debian',
    affected: ['CVE-2024-53263'],
  },
  {
    tool: 'git-lfs',
    raw: 'git-lfs/2.9.2 (GitHub; linux amd64; go 1.13.5)',
    version: '2.9.2',
    affected: ['CVE-2024-53263'],
    notAffected: ['CVE-2020-27955'],
  },
];

const dbs = new Map<string, VulnDatabase>();
const dbFor = (tool: Tool): VulnDatabase => {
  const name = TOOL_SCHEMES[tool].database;
  let db = dbs.get(name);
  if (!db) {
    db = loadVulnerabilityDatabase(join(RULES_DIR, `${name}-vulnerabilities.json`));
    dbs.set(name, db);
  }
  return db;
};

describe('client tool versions against the vulnerability databases', () => {
  test('the table covers at least 40 version strings across the four tools', () => {
    expect(rows.length).toBeGreaterThanOrEqual(40);
    expect(new Set(rows.map((r) => r.tool)).size).toBe(4);
  });

  test.each(rows.map((r) => [`${r.tool}: "${r.raw.split('\n')[0]}"`, r] as const))('%s', (_name, r) => {
    const scheme = TOOL_SCHEMES[r.tool];
    const parsed = scheme.parse(r.raw);
    expect(parsed).not.toBeNull();
    expect(scheme.display(parsed!.version)).toBe(r.version);
    if (r.vendor) expect(parsed!.vendor).toBe(r.vendor);
    const ids = affecting(dbFor(r.tool), parsed!, r.platform ?? 'linux').map((e) => e.id);
    for (const id of r.affected ?? []) expect(ids).toContain(id);
    for (const id of r.notAffected ?? []) expect(ids).not.toContain(id);
    if (r.clean) expect(ids).toEqual([]);
  });
});

describe('parsers refuse what is not their tool', () => {
  test.each([
    ['gpg', parseGpgVersion, 'gpg: keybox created'],
    ['gpg', parseGpgVersion, 'gpg (GnuPG) banana'],
    ['ssh', parseSshVersion, 'ssh: command not found'],
    ['ssh', parseSshVersion, 'usage: ssh [-46AaCfGgKkMNnqsTtVvXxYy]'],
    // Only HPN-SSH's own suffix is read past the release: not a word that merely starts with "hpn".
    ['ssh', parseSshVersion, 'OpenSSH_9.7p1-hpn, OpenSSL 3.0.13'],
    ['ssh', parseSshVersion, 'OpenSSH_9.7p1-hpnext18, OpenSSL 3.0.13'],
    ['ssh', parseSshVersion, 'OpenSSH_9.7p1-hpn18.3.1x, OpenSSL 3.0.13'],
    ['ssh', parseSshVersion, 'OpenSSH_9.7p1-custom18.3.1, OpenSSL 3.0.13'],
    ['git-lfs', parseGitLfsVersion, "git: 'lfs' is not a git command"],
  ] as const)('%s does not read a version from "%s"', (_tool, parse, text) => {
    expect(parse(text)).toBeNull();
  });

  test('an HPN-SSH build keeps its HPN release as the build, not as the OpenSSH version', () => {
    const p = parseSshVersion('OpenSSH_9.7p1-hpn18.3.1, OpenSSL 3.0.13 30 Jan 2024')!;
    expect(TOOL_SCHEMES.ssh.display(p.version)).toBe('9.7p1');
    expect(p.vendorBuild).toBe('hpn18.3.1');
    expect(p.vendor).toBeUndefined();
  });

  test('an OpenSSH portable version is spelt back with its p-number', () => {
    expect(TOOL_SCHEMES.ssh.display(parseSshVersion('OpenSSH_9.3p2')!.version)).toBe('9.3p2');
  });
});
