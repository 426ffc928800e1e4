// How the expectations below were checked: each "hand-checked" row was written from reading git's
// own release notes (Documentation/RelNotes/<version>.adoc in git/git, snapshot of 2026-08-20,
// newest tag v2.55.0) — which release on which maintenance line carries which fix, and the
// "merges the security fix that appears in vX" forward-ports — plus, for "introduced", the tag that
// first contains the commit that brought the bug (CVE-2018-19486: v2.13.2; CVE-2021-21300 needs
// delayed checkout, first in v2.17.0; CVE-2019-19604: v2.20.0 per the 2.20.2 notes). None of the
// expected values was produced by running this code. Platforms follow the notes' own wording
// (case-insensitive filesystems -> windows+macos, "Windows only", "on the UNIX platforms").
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  affecting,
  fixedOnLine,
  isAffected,
  parseVulnerabilityDatabase,
  remediation,
  type Platform,
  type VulnDatabase,
  type VulnEntry,
} from '../../src/vulndb/database.js';
import { loadVulnerabilityDatabase } from '../../src/collect/vulnerability-data.js';
import { parseGitVersion, parseVersionNumber } from '../../src/vulndb/version.js';

const RULES = fileURLToPath(new URL('../../rules/git-vulnerabilities.json', import.meta.url));

let db: VulnDatabase;
beforeAll(() => {
  db = loadVulnerabilityDatabase(RULES);
});

function entry(id: string): VulnEntry {
  const e = db.vulnerabilities.find((v) => v.id === id);
  if (!e) throw new Error(`no ${id} in the shipped database`);
  return e;
}

function ids(version: string, platform: Platform): string[] {
  return affecting(db, version, platform).map((e) => e.id);
}

describe('the shipped rules/git-vulnerabilities.json', () => {
  test('loads and validates', () => {
    expect(db.tool).toBe('git');
    expect(db.schemaVersion).toBe(1);
    expect(db.vulnerabilities.length).toBeGreaterThanOrEqual(45);
  });

  test('every entry has at least one fixed version, a summary, a severity and an NVD reference', () => {
    for (const e of db.vulnerabilities) {
      expect(e.fixed.length).toBeGreaterThan(0);
      expect(e.summary.length).toBeGreaterThan(20);
      expect(['critical', 'high', 'medium', 'low']).toContain(e.severity);
      expect(e.references).toContain(`https://nvd.nist.gov/vuln/detail/${e.id}`);
    }
  });

  test('records the newest git release the data knows', () => {
    expect(db.newestKnownVersion).toBe('2.55.0');
    expect(ids('2.55.0', 'linux')).toEqual([]);
    expect(ids('2.55.0', 'windows')).toEqual([]);
    expect(ids('2.55.0', 'macos')).toEqual([]);
  });

  test("covers every CVE git's release notes name since 2014", () => {
    const named = [
      'CVE-2018-11233',
      'CVE-2018-11235',
      'CVE-2018-17456',
      'CVE-2019-1348',
      'CVE-2019-1349',
      'CVE-2019-1350',
      'CVE-2019-1351',
      'CVE-2019-1352',
      'CVE-2019-1353',
      'CVE-2019-1354',
      'CVE-2019-1387',
      'CVE-2019-19604',
      'CVE-2020-5260',
      'CVE-2020-11008',
      'CVE-2021-21300',
      'CVE-2022-24765',
      'CVE-2022-29187',
      'CVE-2022-39253',
      'CVE-2022-39260',
      'CVE-2022-23521',
      'CVE-2022-41903',
      'CVE-2023-22490',
      'CVE-2023-23946',
      'CVE-2023-25652',
      'CVE-2023-25815',
      'CVE-2023-29007',
      'CVE-2024-32002',
      'CVE-2024-32004',
      'CVE-2024-32020',
      'CVE-2024-32021',
      'CVE-2024-32465',
      'CVE-2024-50349',
      'CVE-2024-52006',
      'CVE-2025-27613',
      'CVE-2025-27614',
      'CVE-2025-46334',
      'CVE-2025-46835',
      'CVE-2025-48384',
      'CVE-2025-48385',
      'CVE-2025-48386',
    ];
    const have = new Set(db.vulnerabilities.map((e) => e.id));
    expect(named.filter((id) => !have.has(id))).toEqual([]);
  });
});

// Hand-checked: [version, platform, CVE, expected affected?, why (from the release notes)]
const handChecked: Array<[string, Platform, string, boolean, string]> = [
  ['2.39.2', 'linux', 'CVE-2023-25652', true, '2.39 line fixed in 2.39.3'],
  ['2.39.2', 'macos', 'CVE-2024-32002', true, '2.39 line fixed in 2.39.4'],
  ['2.39.2', 'windows', 'CVE-2024-32002', true, '2.39 line fixed in 2.39.4'],
  [
    '2.39.2',
    'linux',
    'CVE-2024-32002',
    true,
    'reported on linux too: a case-insensitive filesystem (casefold ext4, NTFS, exFAT) cannot be ruled out',
  ],
  ['2.39.2', 'linux', 'CVE-2023-22490', false, '2.39.2 is the fix on its line'],
  ['2.39.3', 'linux', 'CVE-2023-25652', false, '2.39.3 is the fix'],
  ['2.39.3', 'linux', 'CVE-2024-32004', true, 'fixed in 2.39.4'],
  ['2.39.4', 'macos', 'CVE-2024-32002', false, '2.39.4 is the fix'],
  ['2.39.4', 'linux', 'CVE-2024-50349', true, 'the 2.39 line got no 2.40.4-era backport; next fix above is 2.40.4'],
  ['2.39.5', 'linux', 'CVE-2024-52006', true, 'same: 2.39.5 only reverted defense-in-depth changes'],
  ['2.40.3', 'linux', 'CVE-2024-50349', true, '2.40 line fixed in 2.40.4'],
  ['2.40.4', 'linux', 'CVE-2024-50349', false, '2.40.4 is the fix'],
  ['2.45.0', 'windows', 'CVE-2024-32002', true, '2.45 line fixed in 2.45.1'],
  ['2.45.1', 'windows', 'CVE-2024-32002', false, '2.45.1 is the fix'],
  ['2.45.1', 'linux', 'CVE-2024-50349', true, '2.45 line fixed in 2.45.3'],
  ['2.46.0', 'macos', 'CVE-2024-32002', false, '2.46.0 was released after every fix (newest 2.45.1)'],
  ['2.46.0-rc1', 'macos', 'CVE-2024-32002', false, 'an rc of 2.46 is still above 2.45.1'],
  ['2.46.0-rc1', 'linux', 'CVE-2024-50349', true, 'below 2.46.3, the fix on its line'],
  ['2.46.2', 'linux', 'CVE-2024-52006', true, '2.46 line fixed in 2.46.3'],
  ['2.30.1', 'windows', 'CVE-2021-21300', true, '2.30 line fixed in 2.30.2'],
  [
    '2.30.1',
    'linux',
    'CVE-2021-21300',
    true,
    'reported on linux too: case-insensitive filesystems cannot be ruled out',
  ],
  ['2.30.2', 'macos', 'CVE-2021-21300', false, '2.30.2 is the fix'],
  ['2.30.2', 'linux', 'CVE-2022-24765', true, '2.30 line fixed in 2.30.3'],
  ['2.31.0', 'windows', 'CVE-2021-21300', false, '2.31.0 came after the newest fix (2.30.2)'],
  ['2.30.0', 'linux', 'CVE-2021-40330', true, 'newline in git:// URLs forbidden in 2.30.1'],
  ['2.30.1', 'linux', 'CVE-2021-40330', false, '2.30.1 is the fix'],
  ['2.16.6', 'windows', 'CVE-2021-21300', false, 'delayed checkout (needed) arrived in 2.17.0'],
  ['2.17.0', 'macos', 'CVE-2021-21300', true, 'introduced in 2.17.0, fixed on that line in 2.17.6'],
  ['2.17.0', 'linux', 'CVE-2018-11235', true, '2.17 line fixed in 2.17.1'],
  ['2.17.1', 'linux', 'CVE-2018-11235', false, '2.17.1 is the fix'],
  ['2.15.1', 'linux', 'CVE-2018-11235', true, '2.15 line fixed in 2.15.2'],
  ['2.15.2', 'linux', 'CVE-2018-11235', false, '2.15.2 also carries the 2.13.7 fixes'],
  ['2.20.1', 'linux', 'CVE-2019-19604', true, 'introduced 2.20.0, fixed 2.20.2'],
  ['2.19.2', 'linux', 'CVE-2019-19604', false, 'below 2.20.0'],
  ['2.19.2', 'linux', 'CVE-2019-1387', true, '2.19 line fixed in 2.19.3'],
  ['2.24.0', 'windows', 'CVE-2019-1352', true, '2.24 line fixed in 2.24.1'],
  ['2.24.0', 'linux', 'CVE-2019-1352', false, 'NTFS alternate data streams: windows only'],
  ['2.26.0', 'linux', 'CVE-2020-5260', true, '2.26 line fixed in 2.26.1'],
  ['2.26.1', 'linux', 'CVE-2020-5260', false, '2.26.1 is the fix'],
  ['2.26.1', 'linux', 'CVE-2020-11008', true, '2.26 line fixed in 2.26.2'],
  ['2.38.0', 'linux', 'CVE-2022-39253', true, '2.38 line fixed in 2.38.1'],
  ['2.38.1', 'linux', 'CVE-2022-39253', false, '2.38.1 is the fix'],
  ['2.38.2', 'linux', 'CVE-2022-41903', true, '2.38 line fixed in 2.38.3'],
  ['2.40.0', 'linux', 'CVE-2023-29007', true, '2.40 line fixed in 2.40.1'],
  ['2.40.1', 'linux', 'CVE-2023-29007', false, '2.40.1 is the fix'],
  ['2.48.1', 'linux', 'CVE-2024-50349', false, '2.48.1 is the fix'],
  ['2.48.1', 'linux', 'CVE-2025-48385', true, '2.48 line fixed in 2.48.2'],
  ['2.49.0', 'linux', 'CVE-2025-48384', true, '2.49 line fixed in 2.49.1'],
  ['2.49.0', 'windows', 'CVE-2025-48384', false, 'a trailing CR cannot be in a Windows path'],
  ['2.49.0', 'windows', 'CVE-2025-48386', true, 'wincred, 2.49 line fixed in 2.49.1'],
  ['2.49.0', 'linux', 'CVE-2025-48386', false, 'wincred is windows only'],
  ['2.50.1', 'linux', 'CVE-2025-48385', false, '2.50.1 is the fix'],
  ['2.51.0', 'linux', 'CVE-2025-48385', false, 'released after every fix (newest 2.50.1)'],
  ['2.54.0', 'linux', 'CVE-2024-52005', true, 'sideband control sequences masked from 2.55.0'],
  ['2.13.1', 'linux', 'CVE-2018-19486', false, 'the execv change arrived in 2.13.2'],
  ['2.13.2', 'linux', 'CVE-2018-19486', true, 'introduced 2.13.2; only fix is 2.19.2'],
  ['2.18.5', 'macos', 'CVE-2018-19486', true, 'no backport to 2.18; fixed by 2.19.2'],
  ['2.19.1', 'windows', 'CVE-2018-19486', false, 'the bug was in the UNIX run_command()'],
  ['2.19.2', 'linux', 'CVE-2018-19486', false, '2.19.2 is the fix'],
  ['2.14.0', 'linux', 'CVE-2017-1000117', true, '2.14 line fixed in 2.14.1'],
  ['2.14.1', 'linux', 'CVE-2017-1000117', false, '2.14.1 is the fix'],
  ['2.14.1', 'linux', 'CVE-2017-14867', true, '2.14 line fixed in 2.14.2'],
  ['2.7.3', 'linux', 'CVE-2016-2324', true, '2.7 line fixed in 2.7.4'],
  ['2.7.4', 'linux', 'CVE-2016-2324', false, '2.7.4 is the fix'],
  ['2.3.10', 'linux', 'CVE-2016-2324', true, 'the 2.3 line got no backport; next fix above is 2.4.11'],
  ['2.3.10', 'linux', 'CVE-2015-7545', false, '2.3.10 is the fix'],
  ['1.8.5.5', 'macos', 'CVE-2014-9390', true, '1.8.5 line fixed in 1.8.5.6'],
  ['1.8.5.6', 'macos', 'CVE-2014-9390', false, '1.8.5.6 is the fix'],
  ['1.8.4.5', 'windows', 'CVE-2014-9390', true, 'the 1.8.4 line got no backport'],
  ['1.9.4', 'windows', 'CVE-2014-9390', true, '1.9 line fixed in 1.9.5'],
  ['2.2.0', 'macos', 'CVE-2014-9390', true, '2.2 line fixed in 2.2.1'],
  ['2.2.1', 'macos', 'CVE-2014-9390', false, '2.2.1 is the fix'],
  ['2.2.0', 'linux', 'CVE-2014-9390', false, 'case-insensitive/HFS+ filesystems only'],
];

describe('hand-checked versions against the shipped data', () => {
  test.each(handChecked)('%s on %s: %s affected = %s (%s)', (version, platform, id, expected) => {
    expect(ids(version, platform).includes(id)).toBe(expected);
  });

  test('the whole list for 2.39.5 on linux', () => {
    // 2.39.5: everything up to the 2.39.4 batch is fixed on the 2.39 line; the Jan 2025 and Jul 2025
    // batches were never backported to 2.39, and the sideband fix exists only from 2.55.0.
    // CVE-2025-27614 is in gitk code that came with 2.41.0 (its `introduced`), so 2.39.5 is not affected.
    expect(ids('2.39.5', 'linux').sort()).toEqual(
      [
        'CVE-2024-50349',
        'CVE-2024-52006',
        'CVE-2024-52005',
        'CVE-2025-27613',
        'CVE-2025-46835',
        'CVE-2025-48384',
        'CVE-2025-48385',
      ].sort(),
    );
  });

  test('introduced: CVE-2025-27614 affects 2.41.0 and later lines without the fix, not 2.40', () => {
    expect(ids('2.40.1', 'linux')).not.toContain('CVE-2025-27614');
    expect(ids('2.41.0', 'linux')).toContain('CVE-2025-27614');
    expect(ids('2.43.6', 'linux')).toContain('CVE-2025-27614');
    expect(ids('2.43.7', 'linux')).not.toContain('CVE-2025-27614');
  });

  test('the whole list for 2.45.2.windows.1 on windows', () => {
    // 2.45.2: 2.45.1 fixed the May 2024 batch; 2.45.3 the Jan 2025 one; 2.45.4 the Jul 2025 one
    // (48384 does not apply on windows).
    const parsed = parseGitVersion('git version 2.45.2.windows.1')!;
    expect(
      affecting(db, parsed, 'windows')
        .map((e) => e.id)
        .sort(),
    ).toEqual(
      [
        'CVE-2024-50349',
        'CVE-2024-52006',
        'CVE-2024-52005',
        'CVE-2025-27613',
        'CVE-2025-27614',
        'CVE-2025-46334',
        'CVE-2025-46835',
        'CVE-2025-48385',
        'CVE-2025-48386',
      ].sort(),
    );
  });

  test("Apple's 2.39.3 (Apple Git-146) on macos is affected by CVE-2024-32002", () => {
    const parsed = parseGitVersion('git version 2.39.3 (Apple Git-146)')!;
    expect(affecting(db, parsed, 'macos').map((e) => e.id)).toContain('CVE-2024-32002');
  });
});

describe('fixedOnLine and remediation', () => {
  test("fixedOnLine names the fix on the version's own line, or null", () => {
    expect(fixedOnLine(entry('CVE-2024-32002'), '2.43.1')).toBe('2.43.4');
    expect(fixedOnLine(entry('CVE-2024-50349'), '2.39.5')).toBeNull();
    expect(fixedOnLine(entry('CVE-2014-9390'), '1.8.5.2')).toBe('1.8.5.6');
    expect(fixedOnLine(entry('CVE-2023-25652'), '2.36.0')).toBe('2.36.6');
  });

  test('on a line that got every fix, onLine is the highest of them', () => {
    // 2.45.0: CVE-2024-32004 fixed in 2.45.1, CVE-2024-50349 in 2.45.3.
    const r = remediation([entry('CVE-2024-32004'), entry('CVE-2024-50349')], '2.45.0');
    expect(r).toEqual({ onLine: '2.45.3', overall: '2.45.3' });
  });

  test('on a line that missed a fix, onLine is null and overall moves to the next line', () => {
    // 2.39.3: 32004 fixed in 2.39.4, but 50349 never on 2.39; 2.40.2 still lacks 50349 (2.40.4).
    const r = remediation([entry('CVE-2024-32004'), entry('CVE-2024-50349')], '2.39.3');
    expect(r).toEqual({ onLine: null, overall: '2.40.4' });
  });

  test('for everything affecting 2.50.0 on linux only 2.55.0 helps (the sideband fix)', () => {
    const r = remediation(affecting(db, '2.50.0', 'linux'), '2.50.0');
    expect(r).toEqual({ onLine: null, overall: '2.55.0' });
  });

  test('without the sideband entry, 2.50.0 is fixed by 2.50.1', () => {
    const list = affecting(db, '2.50.0', 'linux').filter((e) => e.id !== 'CVE-2024-52005');
    expect(list.length).toBeGreaterThan(0);
    expect(remediation(list, '2.50.0')).toEqual({ onLine: '2.50.1', overall: '2.50.1' });
  });

  test('nothing to remediate gives nulls', () => {
    expect(remediation([], '2.55.0')).toEqual({ onLine: null, overall: null });
  });
});

describe('matching semantics on a synthetic entry', () => {
  const synthetic = parseVulnerabilityDatabase(
    {
      schemaVersion: 1,
      tool: 'git',
      compiled: '2026-11-25',
      sources: ['test'],
      vulnerabilities: [
        {
          id: 'CVE-2099-0001',
          summary: 'A synthetic entry for the matching rules.',
          severity: 'high',
          severitySource: 'test',
          platforms: ['all'],
          introduced: '2.30.0',
          fixed: ['2.35.4', '2.37.2'],
          references: [],
        },
      ],
    },
    'synthetic.json',
  );
  const e = synthetic.vulnerabilities[0]!;
  test.each([
    ['2.29.9', false, 'below introduced'],
    ['2.30.0', true, 'at introduced, no fix on 2.30'],
    ['2.35.3', true, 'below the fix on its line'],
    ['2.35.4', false, 'the fix on its line'],
    ['2.36.0', true, 'no fix on 2.36; 2.37.2 is above'],
    ['2.37.0-rc1', true, 'an rc is below 2.37.0'],
    ['2.37.2', false, 'the fix'],
    ['2.38.0', false, 'above every fix'],
  ])('%s affected = %s (%s)', (v, expected) => {
    expect(isAffected(e, v)).toBe(expected);
  });
});

describe('strict validation', () => {
  const good = () => ({
    schemaVersion: 1,
    tool: 'git',
    compiled: '2026-11-25',
    sources: ['test'],
    vulnerabilities: [
      {
        id: 'CVE-2099-0001',
        summary: 'A valid synthetic entry.',
        severity: 'low',
        severitySource: 'test',
        platforms: ['windows', 'macos'],
        fixed: ['2.39.4'],
        references: ['https://example.org/a'],
      },
      {
        id: 'CVE-2099-0002',
        summary: 'Another valid synthetic entry.',
        severity: 'medium',
        severitySource: 'test',
        platforms: ['all'],
        fixed: ['2.39.4', '2.40.2'],
        references: [],
      },
    ],
  });

  test('accepts the good document', () => {
    expect(parseVulnerabilityDatabase(good(), 'good.json').vulnerabilities).toHaveLength(2);
  });

  type Doc = ReturnType<typeof good>;
  const badCases: Array<[string, (d: Doc) => void, RegExp]> = [
    [
      'a fixed version that is not a version',
      (d) => (d.vulnerabilities[1]!.fixed = ['2.39.4', 'two']),
      /bad\.json: CVE-2099-0002: .*fixed.*"two"/,
    ],
    [
      'a fixed version of the wrong type',
      (d) => ((d.vulnerabilities[1]!.fixed as unknown[]) = [2.39]),
      /bad\.json: CVE-2099-0002: .*fixed/,
    ],
    ['an empty fixed list', (d) => (d.vulnerabilities[0]!.fixed = []), /bad\.json: CVE-2099-0001: .*fixed/],
    [
      'an unknown platform',
      (d) => (d.vulnerabilities[0]!.platforms = ['windows', 'beos']),
      /bad\.json: CVE-2099-0001: unknown platform "beos"/,
    ],
    [
      '"all" with another platform',
      (d) => (d.vulnerabilities[0]!.platforms = ['all', 'linux']),
      /bad\.json: CVE-2099-0001: .*all/,
    ],
    ['a duplicate id', (d) => (d.vulnerabilities[1]!.id = 'CVE-2099-0001'), /bad\.json: CVE-2099-0001: duplicate id/],
    ['an unknown severity', (d) => (d.vulnerabilities[0]!.severity = 'urgent'), /bad\.json: CVE-2099-0001: "severity"/],
    [
      'a summary of the wrong type',
      (d) => ((d.vulnerabilities[0] as Record<string, unknown>)['summary'] = 42),
      /bad\.json: CVE-2099-0001: "summary"/,
    ],
    [
      'an unparseable introduced',
      (d) => ((d.vulnerabilities[0] as Record<string, unknown>)['introduced'] = 'v2.x'),
      /bad\.json: CVE-2099-0001: "introduced"/,
    ],
    [
      'a fix not above introduced',
      (d) => ((d.vulnerabilities[0] as Record<string, unknown>)['introduced'] = '2.39.4'),
      /bad\.json: CVE-2099-0001: fixed version 2\.39\.4 is not above/,
    ],
    [
      'two fixes on one line',
      (d) => (d.vulnerabilities[1]!.fixed = ['2.39.4', '2.39.5']),
      /bad\.json: CVE-2099-0002: .*2\.39 line/,
    ],
    [
      'an unknown field',
      (d) => ((d.vulnerabilities[0] as Record<string, unknown>)['fixd'] = ['2.39.4']),
      /bad\.json: CVE-2099-0001: unknown field "fixd"/,
    ],
    ['a bad id', (d) => (d.vulnerabilities[0]!.id = 'CVE-99'), /bad\.json: CVE-99: "id"/],
    [
      'a reference that is not https',
      (d) => (d.vulnerabilities[0]!.references = ['ftp://x']),
      /bad\.json: CVE-2099-0001: "references"/,
    ],
    ['a wrong schemaVersion', (d) => ((d as Record<string, unknown>)['schemaVersion'] = 2), /bad\.json: schemaVersion/],
    [
      'vulnerabilities not an array',
      (d) => ((d as Record<string, unknown>)['vulnerabilities'] = {}),
      /bad\.json: "vulnerabilities"/,
    ],
    [
      'a checked without a date',
      (d) => ((d.vulnerabilities[0] as Record<string, unknown>)['checked'] = { against: ['x'] }),
      /bad\.json: CVE-2099-0001: "checked\.on"/,
    ],
    [
      'a checked against nothing',
      (d) => ((d.vulnerabilities[0] as Record<string, unknown>)['checked'] = { on: '2026-12-04', against: [] }),
      /bad\.json: CVE-2099-0001: "checked\.against"/,
    ],
    [
      'an excluded id that is also an entry',
      (d) =>
        ((d as Record<string, unknown>)['excluded'] = [{ id: 'CVE-2099-0001', reason: 'server only, not the client' }]),
      /bad\.json: "excluded": CVE-2099-0001 is also an entry/,
    ],
    [
      'an excluded entry without a reason',
      (d) => ((d as Record<string, unknown>)['excluded'] = [{ id: 'CVE-2099-0009' }]),
      /bad\.json: "excluded": CVE-2099-0009: "reason"/,
    ],
  ];
  test.each(badCases)('rejects %s, naming the file and the entry', (_name, mutate, message) => {
    const d = good();
    mutate(d);
    expect(() => parseVulnerabilityDatabase(d, 'bad.json')).toThrow(message);
  });

  test('an entry that is not an object is named by its position', () => {
    const d = good() as Record<string, unknown>;
    d['vulnerabilities'] = ['nope'];
    expect(() => parseVulnerabilityDatabase(d, 'bad.json')).toThrow(/bad\.json: entry #0: must be an object/);
  });

  describe('from files', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(path.join(tmpdir(), 'gitguard-vulndb-'));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    test('rejects a file that is not JSON, naming it', () => {
      const file = path.join(dir, 'broken.json');
      writeFileSync(file, '{ "schemaVersion": 1, ');
      expect(() => loadVulnerabilityDatabase(file)).toThrow(
        new RegExp(`${file.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')}: not valid JSON`),
      );
    });

    test('rejects a file with a bad entry, naming the file and the id', () => {
      const file = path.join(dir, 'bad-entry.json');
      const d = good();
      d.vulnerabilities[1]!.fixed = ['2.39.4', 'latest'];
      writeFileSync(file, JSON.stringify(d));
      expect(() => loadVulnerabilityDatabase(file)).toThrow(/bad-entry\.json: CVE-2099-0002: .*"latest"/);
    });

    test('names a missing file', () => {
      expect(() => loadVulnerabilityDatabase(path.join(dir, 'missing.json'))).toThrow(/missing\.json: cannot read/);
    });
  });

  test('every version in the shipped file is in the strict database spelling', () => {
    const versions = db.vulnerabilities.flatMap((e) => [...e.fixed, ...(e.introduced ? [e.introduced] : [])]);
    expect(versions.length).toBeGreaterThan(0); // an empty database would pass the check below
    expect(versions.filter((v) => parseVersionNumber(v) === null)).toEqual([]);
  });
});
