import {
  compareVersions,
  displayVersion,
  findVersionToken,
  maintenanceLine,
  parseGitVersion,
  parseVersionNumber,
} from '../../src/vulndb/version.js';

describe('parseGitVersion', () => {
  const cases: Array<[string, string, string | undefined, string | undefined]> = [
    // input, comparable version, vendor, vendorBuild
    ['git version 2.39.3 (Apple Git-146)', '2.39.3', 'apple', '146'],
    ['git version 2.39.5 (Apple Git-154)', '2.39.5', 'apple', '154'],
    ['git version 2.45.2.windows.1', '2.45.2', 'windows', '1'],
    ['2.45.2.windows.1', '2.45.2', 'windows', '1'],
    ['git version 2.47.1.windows.2', '2.47.1', 'windows', '2'],
    ['git version 2.46.0.rc1.windows.1', '2.46.0-rc.1', 'windows', '1'],
    ['git version 2.45.2.vfs.0.0', '2.45.2', 'vfs', '0.0'],
    ['git version 2.46.0.rc1', '2.46.0-rc.1', undefined, undefined],
    ['2.46.0-rc1', '2.46.0-rc.1', undefined, undefined],
    ['git version 2.46.0-rc0', '2.46.0-rc.0', undefined, undefined],
    ['1:2.39.5-0+deb12u2', '2.39.5', 'debian', '0+deb12u2'],
    ['1:2.30.2-1+deb11u2', '2.30.2', 'debian', '1+deb11u2'],
    ['1:2.43.0-1ubuntu7.3', '2.43.0', 'ubuntu', '1ubuntu7.3'],
    ['1:2.46.0~rc1-1', '2.46.0-rc.1', 'debian', '1'],
    ['2.43.5-1.el9_4', '2.43.5', 'redhat', '1.el9_4'],
    ['2.47.1-1.fc41', '2.47.1', 'fedora', '1.fc41'],
    ['2.45.2-r0', '2.45.2', 'alpine', 'r0'],
    ['git version 2.39.5', '2.39.5', undefined, undefined],
    ['2.17.1', '2.17.1', undefined, undefined],
    ['  git version 2.34.1\n', '2.34.1', undefined, undefined],
    ['git version 2.45.0.123.gabc1234', '2.45.0', undefined, undefined],
    ['git version 2.45.0.dirty', '2.45.0', undefined, undefined],
    ['git version 2.45.GIT', '2.45.0-dev', undefined, undefined],
    ['git version 1.8.5.6', '1.8.5006', undefined, undefined],
    ['git version 1.8.5', '1.8.5000', undefined, undefined],
    ['git version 1.9.5', '1.9.5', undefined, undefined],
    ['git version 2.50.1\ncpu: x86_64\n', '2.50.1', undefined, undefined],
  ];
  test.each(cases)('parses %j as %s (vendor %s, build %s)', (input, version, vendor, vendorBuild) => {
    const parsed = parseGitVersion(input);
    expect(parsed).not.toBeNull();
    expect(parsed!.version).toBe(version);
    expect(parsed!.vendor).toBe(vendor);
    expect(parsed!.vendorBuild).toBe(vendorBuild);
    expect(parsed!.raw).toBe(input.trim());
  });

  test.each([
    '',
    'not git at all',
    'git version',
    'git version 2.39',
    'git version 2.39.3abc',
    'git version banana',
    'gpg (GnuPG) 2.2.40',
  ])('returns null for %j', (input) => {
    expect(parseGitVersion(input)).toBeNull();
  });
});

describe('ordering of comparable versions', () => {
  const ordered: Array<[string, string]> = [
    // a < b, each as git spells it
    ['2.46.0-rc1', '2.46.0'],
    ['2.46.0-rc0', '2.46.0-rc1'],
    ['2.45.3', '2.46.0-rc0'],
    ['1.8.5', '1.8.5.6'],
    ['1.8.4.5', '1.8.5'],
    ['1.8.5.6', '1.9.0'],
    ['2.9.5', '2.10.0'],
    ['2.39.10', '2.40.0'],
  ];
  test.each(ordered)('%s is below %s', (a, b) => {
    const ca = parseVersionNumber(a)!;
    const cb = parseVersionNumber(b)!;
    expect(compareVersions(ca, cb)).toBeLessThan(0);
    expect(compareVersions(cb, ca)).toBeGreaterThan(0);
  });

  test('a tree between releases sorts below the release candidates and above the previous line', () => {
    const dev = parseGitVersion('git version 2.45.GIT')!.version;
    expect(compareVersions(dev, parseVersionNumber('2.45.0-rc0')!)).toBeLessThan(0);
    expect(compareVersions(dev, parseVersionNumber('2.44.4')!)).toBeGreaterThan(0);
  });
});

describe('parseVersionNumber (the database spelling)', () => {
  test.each([
    ['2.39.4', '2.39.4'],
    ['2.46.0-rc1', '2.46.0-rc.1'],
    ['2.46.0.rc1', '2.46.0-rc.1'],
    ['2.46.0-rc.1', '2.46.0-rc.1'],
    ['1.8.5.6', '1.8.5006'],
    ['2.2', '2.2.0'],
  ])('%s -> %s', (input, expected) => {
    expect(parseVersionNumber(input)).toBe(expected);
  });

  test.each(['v2.39.4', '2.39.4 ', '2.39.4.windows.1', '2.45.1.2', 'two', '2', '', '1:2.39.5-0+deb12u2'])(
    'rejects %j',
    (input) => {
      expect(parseVersionNumber(input)).toBeNull();
    },
  );
});

describe('maintenanceLine and displayVersion', () => {
  test.each([
    ['2.39.4', '2.39'],
    ['2.46.0-rc1', '2.46'],
    ['1.8.5.6', '1.8.5'],
    ['1.8.4', '1.8.4'],
    ['1.9.5', '1.9'],
  ])('%s is on the %s line', (v, line) => {
    expect(maintenanceLine(parseVersionNumber(v)!)).toBe(line);
  });

  test.each(['2.39.4', '2.46.0-rc1', '1.8.5.6', '1.8.5', '1.9.5'])(
    '%s round-trips through the comparable form',
    (v) => {
      expect(displayVersion(parseVersionNumber(v)!)).toBe(v);
    },
  );
});

describe('findVersionToken (generic, for other tools later)', () => {
  test("finds GnuPG's version", () => {
    expect(findVersionToken('gpg (GnuPG) 2.2.40')).toMatchObject({ numbers: [2, 2, 40], rest: '' });
  });
  test("finds OpenSSH's version and leaves the portable suffix in rest", () => {
    const t = findVersionToken('OpenSSH_9.2p1 Debian-2+deb12u6, OpenSSL 3.0.15 3 Sep 2024');
    expect(t?.numbers).toEqual([9, 2]);
    expect(t?.rest.startsWith('p1 Debian-2+deb12u6')).toBe(true);
  });
  test("finds git-lfs's version", () => {
    expect(findVersionToken('git-lfs/3.4.1 (GitHub; linux amd64; go 1.21.5)')?.numbers).toEqual([3, 4, 1]);
  });
  test('reads a release-candidate marker', () => {
    expect(findVersionToken('2.46.0.rc2')?.prerelease).toEqual({ tag: 'rc', number: 2 });
  });
  test('returns null without a version', () => {
    expect(findVersionToken('no digits here')).toBeNull();
  });
});
