// Which package owns a judged binary and what its changelog says: the real dpkg of this machine
// (skipped, saying why, elsewhere), documentation folders laid out in a temp folder, and machines
// without dpkg or rpm.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { distroRecord, dpkgOwner, expectLookups } from '../../src/collect/distro-package.js';
import { collectClient } from '../../src/collect/client.js';
import { ROOT } from '../helpers/cli.js';
import { cleanupTemp, tempDir } from '../helpers/repo.js';

afterAll(cleanupTemp);

const fixture = (name: string): Buffer => readFileSync(join(ROOT, 'test', 'fixtures', 'distro', name));
const NO_TOOLS = { dpkgQuery: null, rpm: null, alpineRelease: '/nonexistent/alpine-release' } as const;

test('dpkgOwner reads dpkg-query -S output (several owners, arch suffixes, diversions)', () => {
  expect(dpkgOwner('git: /usr/bin/git\n', '/usr/bin/git')).toBe('git');
  expect(dpkgOwner('diversion by x from: /usr/bin/a\nlibc6:amd64, libc6:i386: /usr/bin/a\n', '/usr/bin/a')).toBe(
    'libc6:amd64',
  );
  expect(dpkgOwner('git: /usr/bin/git-other\n', '/usr/bin/git')).toBeUndefined();
});

test('an RPM machine: the package that owns the program, its version and rpm -q --changelog (a stand-in rpm replaying a recorded changelog)', async () => {
  const dir = tempDir('gitguard-rpm-');
  const log = join(ROOT, 'test', 'fixtures', 'distro', 'photon-git.rpm-changelog');
  const rpm = join(dir, 'rpm');
  writeFileSync(
    rpm,
    `#!/bin/sh
case "$1 $2" in
  "-qf --qf") echo git ;;
  "-q --qf") echo 2.19.0-3 ;;
  "-q --changelog") cat '${log}' ;;
  *) exit 1 ;;
esac
`,
  );
  chmodSync(rpm, 0o755);
  const r = await distroRecord('/bin/sh', 'git version 2.19.0', { dpkgQuery: null, rpm });
  expect(r).toEqual({
    kind: 'changelog',
    manager: 'rpm',
    package: 'git',
    version: '2.19.0-3',
    source: 'rpm -q --changelog git',
    mentions: [expect.objectContaining({ id: 'CVE-2017-14867', version: '2.14.2-1', line: 10 })],
  });
});

test('an RPM machine where no package owns the program says so', async () => {
  const rpm = join(tempDir('gitguard-rpm-'), 'rpm');
  writeFileSync(rpm, '#!/bin/sh\necho "file /x is not owned by any package"; exit 1\n');
  chmodSync(rpm, 0o755);
  const r = await distroRecord('/bin/sh', 'git version 2.19.0', { dpkgQuery: null, rpm });
  expect(r.kind === 'none' && r.reason).toMatch(/^no distribution record: .* belongs to no RPM package/);
});

describe('no package manager', () => {
  test('a machine without dpkg or rpm says there is no distribution record', async () => {
    const r = await distroRecord('/bin/sh', 'sh', NO_TOOLS);
    expect(r).toEqual({
      kind: 'none',
      reason: expect.stringMatching(/^no distribution record: neither dpkg nor rpm is installed/),
    });
  });

  test('Alpine is named, with where to look instead', async () => {
    const marker = join(tempDir('gitguard-alpine-'), 'alpine-release');
    writeFileSync(marker, '3.20.0\n');
    const r = await distroRecord('/bin/sh', 'sh', { ...NO_TOOLS, alpineRelease: marker });
    expect(r.kind === 'none' && r.reason).toMatch(/^no distribution record: Alpine's apk keeps no changelog/);
  });

  test('collectClient in a dpkg-less environment gives every tool a "no distribution record" reason', async () => {
    const tools = await collectClient({ packageTools: NO_TOOLS });
    const git = tools.find((t) => t.tool === 'git');
    expect(git?.record).toEqual({ kind: 'none', reason: expect.stringContaining('no distribution record') });
    expect(git?.distribution).toBeUndefined();
  });
});

const DPKG_QUERY = ['/usr/bin/dpkg-query', '/bin/dpkg-query'].find((p) => existsSync(p));
const gitOwned =
  DPKG_QUERY !== undefined &&
  existsSync('/usr/bin/git') &&
  (() => {
    try {
      execFileSync(DPKG_QUERY, ['-S', '/usr/bin/git'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();

(gitOwned ? describe : describe.skip)(
  `with this machine's dpkg${gitOwned ? '' : ' (skipped: no dpkg-query, or /usr/bin/git is not from a Debian package)'}`,
  () => {
    const installed = (pkg: string): string =>
      execFileSync(DPKG_QUERY as string, ['-W', '-f', '${Version}', pkg], { encoding: 'utf8' });

    test('/usr/bin/git: package git, its installed version, its changelog', async () => {
      const r = await distroRecord('/usr/bin/git', 'git version 2.39.5');
      expect(r).toMatchObject({
        kind: 'changelog',
        manager: 'dpkg',
        package: 'git',
        version: installed('git'),
        source: '/usr/share/doc/git/changelog.Debian.gz',
      });
      if (r.kind === 'changelog') expect(r.mentions.length).toBeGreaterThan(0);
    });

    test('a program that no package owns is judged by its upstream version, and says so', async () => {
      const prog = join(tempDir('gitguard-selfbuilt-'), 'git');
      writeFileSync(prog, '#!/bin/sh\necho git version 2.39.5\n');
      chmodSync(prog, 0o755);
      const r = await distroRecord(prog, 'git version 2.39.5');
      expect(r.kind === 'none' && r.reason).toMatch(/^no distribution record: .* belongs to no Debian package/);
    });

    test('looked up once per program file: each caller gets its own copy, and a program replaced at its path is asked again', async () => {
      const prog = join(tempDir('gitguard-selfbuilt-'), 'git');
      writeFileSync(prog, '#!/bin/sh\necho git version 2.39.5\n');
      chmodSync(prog, 0o755);
      const first = await distroRecord(prog, 'git version 2.39.5');
      const again = await distroRecord(prog, 'git version 2.39.5');
      expect(again).toEqual(first);
      expect(again).not.toBe(first);
      Object.assign(again, { reason: 'changed by a caller' });
      expect(await distroRecord(prog, 'git version 2.39.5')).toEqual(first);
      // The same path now leads to the packaged git: a new answer, not the remembered one.
      rmSync(prog);
      symlinkSync('/usr/bin/git', prog);
      expect(await distroRecord(prog, 'git version 2.39.5')).toMatchObject({ kind: 'changelog', package: 'git' });
    });

    test('a documentation folder that is a symlink within the doc root is followed', async () => {
      const doc = tempDir('gitguard-doc-');
      mkdirSync(join(doc, 'git-common'));
      writeFileSync(join(doc, 'git-common', 'changelog.Debian.gz'), gzipSync(fixture('git.changelog.Debian')));
      symlinkSync('git-common', join(doc, 'git'));
      const r = await distroRecord('/usr/bin/git', 'git version 2.39.5', { docRoot: doc });
      expect(r).toMatchObject({
        kind: 'changelog',
        package: 'git',
        source: join(doc, 'git-common', 'changelog.Debian.gz'),
      });
    });

    test('a documentation symlink leading out of the doc root is not followed', async () => {
      const doc = tempDir('gitguard-doc-');
      const outside = tempDir('gitguard-outside-');
      writeFileSync(join(outside, 'changelog.Debian.gz'), gzipSync(fixture('git.changelog.Debian')));
      symlinkSync(outside, join(doc, 'git'));
      const r = await distroRecord('/usr/bin/git', 'git version 2.39.5', { docRoot: doc });
      expect(r.kind === 'none' && r.reason).toMatch(/no changelog\.Debian\.gz under/);
    });

    test('a changelog that is not gzip is reported, not thrown', async () => {
      const doc = tempDir('gitguard-doc-');
      mkdirSync(join(doc, 'git'));
      writeFileSync(join(doc, 'git', 'changelog.Debian.gz'), 'not gzip');
      const r = await distroRecord('/usr/bin/git', 'git version 2.39.5', { docRoot: doc });
      expect(r.kind === 'none' && r.reason).toMatch(/cannot read .*not gzip/);
    });

    test('the programs named up front are found by one dpkg-query -S and their versions by one -W, with the answers each search alone gives', async () => {
      const programs = ['/usr/bin/git', '/usr/bin/ssh', '/usr/bin/gpg', '/usr/bin/ssh-keygen'].filter((p) =>
        existsSync(p),
      );
      const alone = await Promise.all(programs.map((p) => distroRecord(p, 'x', { dpkgQuery: DPKG_QUERY as string })));
      // The same dpkg-query behind a wrapper that logs each call.
      const dir = tempDir('gitguard-dpkg-');
      const log = join(dir, 'calls');
      const wrapper = join(dir, 'dpkg-query');
      writeFileSync(wrapper, `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\nexec '${DPKG_QUERY}' "$@"\n`);
      chmodSync(wrapper, 0o755);
      // A program no package owns among them: the search exits 1 and still answers for the others.
      const selfBuilt = join(dir, 'gpg');
      writeFileSync(selfBuilt, '#!/bin/sh\n');
      chmodSync(selfBuilt, 0o755);
      expectLookups([...programs, selfBuilt]);
      const together = await Promise.all(
        [...programs, selfBuilt].map((p) => distroRecord(p, 'x', { dpkgQuery: wrapper })),
      );
      expect(together.slice(0, -1)).toEqual(alone);
      expect(together.map((r) => r.kind)).toEqual([...programs.map(() => 'changelog'), 'none']);
      expect(together.at(-1)).toEqual(await distroRecord(selfBuilt, 'x', { dpkgQuery: DPKG_QUERY as string }));
      const calls = readFileSync(log, 'utf8').split('\n');
      expect(calls.filter((l) => l.startsWith('-S'))).toHaveLength(1);
      // The version queries name packages (the sibling listing, when a changelog is elsewhere, does not).
      expect(calls.filter((l) => /^-W -f \S+ \S/.test(l))).toHaveLength(1);
    });

    const gpgOwned = existsSync('/usr/bin/gpg');
    (gpgOwned ? test : test.skip)(
      "gpg's changelog is found under another package of the same source (gnupg) when gpg has none",
      async () => {
        const doc = tempDir('gitguard-doc-');
        mkdirSync(join(doc, 'gnupg'));
        writeFileSync(join(doc, 'gnupg', 'changelog.Debian.gz'), gzipSync(fixture('gpg.changelog.Debian')));
        const r = await distroRecord('/usr/bin/gpg', 'gpg (GnuPG) 2.2.40', { docRoot: doc });
        expect(r).toMatchObject({
          kind: 'changelog',
          package: 'gpg',
          source: join(doc, 'gnupg', 'changelog.Debian.gz'),
        });
      },
    );
  },
);
