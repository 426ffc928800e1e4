// Distribution changelogs as data: recorded samples (test/fixtures/distro, so this runs anywhere)
// and, on a Debian machine, the real files under /usr/share/doc.
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import {
  cveMentions,
  fixMention,
  installedHistory,
  parseDebianChangelog,
  parseRpmChangelog,
} from '../../src/vulndb/distro-changelog.js';
import { ROOT } from '../helpers/cli.js';

const fixture = (name: string): string => readFileSync(join(ROOT, 'test', 'fixtures', 'distro', name), 'utf8');
const byId = (list: ReturnType<typeof cveMentions>) => new Map(list.map((m) => [m.id, m]));

describe('Debian changelog (recorded: git 1:2.39.5-0+deb12u3 on Debian 12)', () => {
  const entries = parseDebianChangelog(fixture('git.changelog.Debian'));

  test('reads each entry with its package and version, newest first', () => {
    expect(entries.map((e) => e.version).slice(0, 4)).toEqual([
      '1:2.39.5-0+deb12u3',
      '1:2.39.5-0+deb12u2',
      '1:2.39.5-0+deb12u1',
      '1:2.39.2-1.1',
    ]);
    expect(entries.every((e) => e.package === 'git')).toBe(true);
  });

  test('names each CVE with the entry version and the line that names it', () => {
    const m = byId(cveMentions(entries, '1:2.39.5-0+deb12u3'));
    expect(m.get('CVE-2025-48384')).toMatchObject({
      version: '1:2.39.5-0+deb12u3',
      line: 7,
      text: '* Fix CVE-2025-48384',
      negated: false,
    });
    expect(m.get('CVE-2024-50349')).toMatchObject({
      version: '1:2.39.5-0+deb12u2',
      text: '* credential: sanitize the user prompt (CVE-2024-50349)',
    });
    // An id on a continuation line of a multi-line item.
    expect(m.get('CVE-2024-32002')).toMatchObject({ version: '1:2.39.5-0+deb12u1' });
    expect(m.get('CVE-2023-22490')).toMatchObject({ version: '1:2.39.2-1' });
    for (const id of ['CVE-2024-52006', 'CVE-2025-27613', 'CVE-2025-46835', 'CVE-2025-48385'])
      expect(m.has(id)).toBe(true);
    // Named nowhere: the sideband bug and the gitk bug of 2.41.0+.
    expect(m.has('CVE-2024-52005')).toBe(false);
    expect(m.has('CVE-2025-27614')).toBe(false);
  });

  test('leaves out entries above the installed version', () => {
    const m = byId(cveMentions(entries, '1:2.39.5-0+deb12u2'));
    expect(m.has('CVE-2024-50349')).toBe(true);
    expect(m.has('CVE-2025-48384')).toBe(false);
    expect(
      cveMentions(entries, '1:2.39.2-1')
        .map((x) => x.id)
        .sort(),
    ).toEqual(['CVE-2022-23521', 'CVE-2022-41903', 'CVE-2023-22490', 'CVE-2023-23946']);
  });

  test('a line that reverts a fix or says "not affected" is not a fix', () => {
    const text =
      'git (1:2.0-2) unstable; urgency=medium\n\n  * Revert the fix for CVE-2099-0001 (regression).\n  * CVE-2099-0002 does not affect this version.\n  * Fix CVE-2099-0003.\n\n -- A <a@b>  Mon, 01 Jan 2024 00:00:00 +0000\n';
    const m = byId(cveMentions(parseDebianChangelog(text)));
    expect(m.get('CVE-2099-0001')?.negated).toBe(true);
    expect(m.get('CVE-2099-0002')?.negated).toBe(true);
    expect(m.get('CVE-2099-0003')?.negated).toBe(false);
    const record = {
      kind: 'changelog' as const,
      manager: 'dpkg' as const,
      package: 'git',
      version: '1:2.0-2',
      source: 'x',
      mentions: [...m.values()],
    };
    expect(fixMention(record, 'CVE-2099-0001')).toBeUndefined();
    expect(fixMention(record, 'CVE-2099-0003')?.line).toBe(5);
  });
});

// A later upload that reverts a backport (made up, above the recorded git changelog): the newest
// entry naming a CVE decides, so the older "Fix CVE-2025-48384" no longer settles it.
const REVERT_UPLOAD =
  'git (1:2.39.5-0+deb12u4) bookworm; urgency=medium\n\n  * Revert the fix for CVE-2025-48384: it broke submodule checkouts\n    (regression, closes: #1)\n\n -- A <a@b>  Mon, 01 Jun 2026 00:00:00 +0000\n\n';
describe('the newest entry naming a CVE decides (recorded git changelog with a revert upload on top)', () => {
  const entries = parseDebianChangelog(REVERT_UPLOAD + fixture('git.changelog.Debian'));
  const asRecord = (installed: string) => ({
    kind: 'changelog' as const,
    manager: 'dpkg' as const,
    package: 'git',
    version: installed,
    source: 'x',
    mentions: cveMentions(entries, installed, 'git'),
  });

  test('installed at the revert: CVE-2025-48384 is not fixed, the other backports still are', () => {
    const r = asRecord('1:2.39.5-0+deb12u4');
    expect(fixMention(r, 'CVE-2025-48384')).toBeUndefined();
    expect(r.mentions.find((m) => m.id === 'CVE-2025-48384')).toMatchObject({
      version: '1:2.39.5-0+deb12u4',
      negated: true,
    });
    expect(fixMention(r, 'CVE-2025-48385')?.version).toBe('1:2.39.5-0+deb12u3');
  });

  test('installed below the revert (deb12u3): the fix counts', () => {
    expect(fixMention(asRecord('1:2.39.5-0+deb12u3'), 'CVE-2025-48384')?.line).toBe(7 + 7);
  });
});

describe('a backport (recorded: openssh-client 1:10.0p1-7~bpo12+1 from bookworm-backports)', () => {
  const text = fixture('openssh-client-bpo12.changelog.Debian');
  const BPO = '1:10.0p1-7~bpo12+1';

  test('its history goes on with the unstable uploads it was rebuilt from, whose versions sort above its own', () => {
    expect(
      installedHistory(parseDebianChangelog(text), BPO)
        .map((e) => e.version)
        .slice(0, 4),
    ).toEqual([BPO, '1:10.0p1-7', '1:10.0p1-6', '1:10.0p1-5~bpo12+2']);
  });

  test('a CVE an unstable upload below the backport entry fixed counts for the backport', () => {
    // The recorded file, with one line added (made up) to its 1:10.0p1-7 entry (1:10.0p1-7 > 1:10.0p1-7~bpo12+1).
    const withFix = text.replace(
      '  * Make postinst logic',
      '  * CVE-2025-61984: ssh(1): disallow control characters in user names.\n  * Make postinst logic',
    );
    const m = cveMentions(parseDebianChangelog(withFix), BPO, 'openssh');
    expect(m.find((x) => x.id === 'CVE-2025-61984')).toMatchObject({ version: '1:10.0p1-7', negated: false });
  });

  test('without an entry of the installed version (a binNMU), the entries at or below it, as before', () => {
    const entries = parseDebianChangelog(fixture('openssh-client-deb12u10.changelog.Debian'));
    const versions = installedHistory(entries, '1:9.2p1-2+deb12u9+b1').map((e) => e.version);
    expect(versions[0]).toBe('1:9.2p1-2+deb12u9');
    expect(versions).not.toContain('1:9.2p1-2+deb12u10');
    expect(installedHistory(entries, 'not a version')).toEqual([]);
  });
});

test("entries another source package wrote settle nothing for this one (gnupg2's changelog judged for git)", () => {
  const gnupg = parseDebianChangelog(fixture('gpg.changelog.Debian'));
  expect(cveMentions(gnupg, '2.2.40-1.1+deb12u2', 'git')).toEqual([]);
  expect(cveMentions(gnupg, '2.2.40-1.1+deb12u2', 'gnupg2').map((m) => m.id)).toContain('CVE-2025-68973');
  // Concatenated: only git's own entries count.
  const both = parseDebianChangelog(fixture('gpg.changelog.Debian') + '\n' + fixture('git.changelog.Debian'));
  const ids = cveMentions(both, '1:2.39.5-0+deb12u3', 'git').map((m) => m.id);
  expect(ids).toContain('CVE-2025-48384');
  expect(ids).not.toContain('CVE-2025-68973');
});

test('Debian changelog (recorded: gpg 2.2.40-1.1+deb12u2, source gnupg2): the gpg.fail fix', () => {
  const entries = parseDebianChangelog(fixture('gpg.changelog.Debian'));
  expect(entries[0]).toMatchObject({ package: 'gnupg2', version: '2.2.40-1.1+deb12u2' });
  expect(byId(cveMentions(entries, '2.2.40-1.1+deb12u2')).get('CVE-2025-68973')).toMatchObject({
    version: '2.2.40-1.1+deb12u2',
    line: 4,
    text: '+ Fix CVE-2025-68973 (Closes: #1124221)',
    negated: false,
  });
  // The changelog of a sibling package may be newer than the binary judged.
  expect(cveMentions(entries, '2.2.40-1.1+deb12u1')).toEqual([]);
});

test('RPM changelog (recorded: VMware Photon git): versions and CVEs per entry', () => {
  const entries = parseRpmChangelog(fixture('photon-git.rpm-changelog'));
  expect(entries.map((e) => e.version)).toEqual([
    '2.19.0-3',
    '2.19.0-2',
    '2.19.0-1',
    '2.14.2-2',
    '2.14.2-1',
    '2.9.3-4',
    '2.1.2-1',
  ]);
  expect(cveMentions(entries)).toEqual([
    {
      id: 'CVE-2017-14867',
      version: '2.14.2-1',
      line: 10,
      text: '-   Updated to version 2.14.2, fix CVE-2017-14867',
      negated: false,
    },
  ]);
});

test('RPM changelog in rpm -q --changelog form ("* date name <mail> - version")', () => {
  const text =
    '* Tue Jun 04 2024 A Packager <a@example.org> - 2.43.5-1\n- Update to 2.43.5 (CVE-2024-32002, CVE-2024-32004)\n\n* Mon Jan 01 2024 A Packager <a@example.org> - 2.43.0-1\n- Update to 2.43.0\n';
  const entries = parseRpmChangelog(text);
  expect(entries.map((e) => e.version)).toEqual(['2.43.5-1', '2.43.0-1']);
  expect(cveMentions(entries).map((m) => `${m.id}@${m.version}:${m.line}`)).toEqual([
    'CVE-2024-32002@2.43.5-1:2',
    'CVE-2024-32004@2.43.5-1:2',
  ]);
});

// The real files of this machine (Debian 12), when present.
const DOC = '/usr/share/doc';
const real = (pkg: string): string | undefined => {
  const file = join(DOC, pkg, 'changelog.Debian.gz');
  return existsSync(file) ? gunzipSync(readFileSync(file)).toString('utf8') : undefined;
};
const onDebian = existsSync(join(DOC, 'git', 'changelog.Debian.gz'));
(onDebian ? describe : describe.skip)(
  `the real changelogs under ${DOC}${onDebian ? '' : ' (skipped: no Debian git package documentation on this machine)'}`,
  () => {
    test('git: the bookworm security updates name the six CVEs issue 12 lists', () => {
      const m = byId(cveMentions(parseDebianChangelog(real('git') as string)));
      for (const id of [
        'CVE-2024-50349',
        'CVE-2024-52006',
        'CVE-2025-27613',
        'CVE-2025-46835',
        'CVE-2025-48384',
        'CVE-2025-48385',
      ]) {
        expect(m.get(id)?.negated).toBe(false);
      }
    });
    test('openssh-client: the agent and Terrapin fixes are named', () => {
      const text = real('openssh-client');
      if (text === undefined) return;
      const m = byId(cveMentions(parseDebianChangelog(text)));
      for (const id of ['CVE-2023-38408', 'CVE-2023-48795', 'CVE-2025-26465']) expect(m.has(id)).toBe(true);
    });
  },
);
