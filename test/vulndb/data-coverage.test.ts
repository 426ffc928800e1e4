// The shipped data against the distributions' own records: every git, GnuPG and OpenSSH entry says
// how it was checked, and every CVE a Debian changelog names is known (an entry, or excluded on
// purpose with the reason), so client-data-fresh does not warn on a clean Debian 12 machine.
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { vulnerabilityDatabase } from '../../src/engine/rule-data.js';
import { knowsId } from '../../src/vulndb/database.js';
import { cveMentions, parseDebianChangelog } from '../../src/vulndb/distro-changelog.js';
import { ROOT } from '../helpers/cli.js';

test.each(['git', 'gpg', 'openssh'] as const)('every %s entry records how it was checked', (name) => {
  const unchecked = vulnerabilityDatabase(name)
    .vulnerabilities.filter((e) => !e.checked)
    .map((e) => e.id);
  expect(unchecked).toEqual([]);
});

test.each([
  ['git', 'git.changelog.Debian'],
  ['gpg', 'gpg.changelog.Debian'],
] as const)('the %s data knows every CVE of the recorded Debian changelog %s', (name, file) => {
  const text = readFileSync(join(ROOT, 'test', 'fixtures', 'distro', file), 'utf8');
  const unknown = cveMentions(parseDebianChangelog(text))
    .filter((m) => !knowsId(vulnerabilityDatabase(name), m.id))
    .map((m) => m.id);
  expect(unknown).toEqual([]);
});

const REAL: Array<[string, string]> = [
  ['git', 'git'],
  ['gpg', 'gpg'],
  ['openssh', 'openssh-client'],
];
describe.each(REAL)('%s data against /usr/share/doc/%s/changelog.Debian.gz of this machine', (name, pkg) => {
  const file = `/usr/share/doc/${pkg}/changelog.Debian.gz`;
  (existsSync(file) ? test : test.skip)(
    `knows every CVE it names${existsSync(file) ? '' : ' (skipped: not installed here)'}`,
    () => {
      const text = gunzipSync(readFileSync(file)).toString('utf8');
      const unknown = cveMentions(parseDebianChangelog(text))
        .filter((m) => !knowsId(vulnerabilityDatabase(name as 'git'), m.id))
        .map((m) => m.id);
      expect(unknown).toEqual([]);
    },
  );
});

test('the newest Debian 12 OpenSSH changelog (recorded, 1:9.2p1-2+deb12u10): every CVE it names is known', () => {
  const text = readFileSync(
    join(ROOT, 'test', 'fixtures', 'distro', 'openssh-client-deb12u10.changelog.Debian'),
    'utf8',
  );
  const unknown = cveMentions(parseDebianChangelog(text))
    .filter((m) => !knowsId(vulnerabilityDatabase('openssh'), m.id))
    .map((m) => m.id);
  expect(unknown).toEqual([]);
});
