// The one module that opens files in an audited repository: real FIFOs, symlinks and devices.
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import {
  assertInside,
  mkdirNoFollow,
  readBounded,
  readBoundedIfExists,
  UnsafeFileError,
} from '../../src/collect/safe-fs.js';
import { writeFileSafe, writeUserFile } from '../../src/collect/safe-write.js';
import { tempDir, cleanupTemp } from '../helpers/repo.js';

afterAll(cleanupTemp);

const reason = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    if (e instanceof UnsafeFileError) return e.reason;
    throw e;
  }
  return 'no error';
};

describe('readBounded', () => {
  const d = tempDir('gg-safefs-');
  writeFileSync(join(d, 'small'), 'hello');
  writeFileSync(join(d, 'big'), Buffer.alloc(4096, 'x'));
  execFileSync('mkfifo', [join(d, 'fifo')]);
  symlinkSync(join(d, 'small'), join(d, 'link'));
  symlinkSync('/dev/zero', join(d, 'zero'));

  test('a regular file within the bound', () => {
    expect(readBounded(join(d, 'small'), 5).toString()).toBe('hello');
  });
  test('a FIFO with no writer: refused at once, not blocked on', () => {
    expect(reason(() => readBounded(join(d, 'fifo'), 100))).toBe('not-a-file');
  });
  test('a symlink: refused unless asked to follow', () => {
    expect(reason(() => readBounded(join(d, 'link'), 100))).toBe('symlink');
    expect(readBounded(join(d, 'link'), 100, { follow: true }).toString()).toBe('hello');
  });
  test('/dev/zero, even followed: not a regular file', () => {
    expect(reason(() => readBounded(join(d, 'zero'), 100, { follow: true }))).toBe('not-a-file');
    expect(reason(() => readBounded('/dev/zero', 100, { follow: true }))).toBe('not-a-file');
  });
  test('over the bound: refused, or its head when truncating', () => {
    expect(reason(() => readBounded(join(d, 'big'), 4095))).toBe('too-large');
    expect(readBounded(join(d, 'big'), 10, { truncate: true })).toHaveLength(10);
  });
  test('missing', () => {
    expect(reason(() => readBounded(join(d, 'nope'), 1))).toBe('missing');
    expect(readBoundedIfExists(join(d, 'nope'), 1)).toBeUndefined();
  });
});

describe('writeFileSafe and folders', () => {
  test('a symlink at the target is refused by default, and replaced (never written through) when allowed', () => {
    const d = tempDir('gg-safefs-');
    const victim = join(tempDir('gg-victim-'), 'victim');
    writeFileSync(victim, 'keep');
    symlinkSync(victim, join(d, 'out'));
    expect(reason(() => writeFileSafe(join(d, 'out'), 'new'))).toBe('symlink');
    writeFileSafe(join(d, 'out'), 'new', { refuseLink: false });
    expect(readFileSync(victim, 'utf8')).toBe('keep');
    expect(lstatSync(join(d, 'out')).isFile()).toBe(true);
    expect(readdirSync(d)).toEqual(['out']); // no temp file left
  });
  test('a folder that resolves outside the root', () => {
    const root = tempDir('gg-root-');
    const out = tempDir('gg-out-');
    symlinkSync(out, join(root, 'sub'));
    expect(reason(() => assertInside(root, join(root, 'sub', 'f')))).toBe('outside');
    expect(reason(() => writeFileSafe(join(root, 'sub', 'f'), 'x', { root }))).toBe('outside');
    expect(readdirSync(out)).toEqual([]);
  });
  test('mkdirNoFollow creates folders and refuses a link on the way', () => {
    const root = tempDir('gg-root-');
    mkdirNoFollow(root, join(root, 'a', 'b'));
    expect(lstatSync(join(root, 'a', 'b')).isDirectory()).toBe(true);
    symlinkSync(tempDir('gg-out-'), join(root, 'c'));
    expect(reason(() => mkdirNoFollow(root, join(root, 'c', 'd')))).toBe('symlink');
    expect(readlinkSync(join(root, 'c'))).toBeTruthy();
  });
  test('a FIFO at the target is refused, not opened', () => {
    const d = tempDir('gg-safefs-');
    execFileSync('mkfifo', [join(d, 'f')]);
    expect(reason(() => writeFileSafe(join(d, 'f'), 'x'))).toBe('not-a-file');
  });
});

describe('writeUserFile: a file the user names for a report', () => {
  test('the streams and a device named as such are written to; a link to a device or file is refused', () => {
    writeUserFile('/dev/null', 'report');
    const d = tempDir('gg-userfile-');
    // A committed link at the report path to a device (as root in CI, /dev/sda): never written through.
    symlinkSync('/dev/null', join(d, 'to-device'));
    expect(reason(() => writeUserFile(join(d, 'to-device'), 'report'))).toBe('symlink');
    const victim = join(tempDir('gg-victim-'), 'victim');
    writeFileSync(victim, 'keep');
    symlinkSync(victim, join(d, 'to-file'));
    expect(reason(() => writeUserFile(join(d, 'to-file'), 'report'))).toBe('symlink');
    expect(readFileSync(victim, 'utf8')).toBe('keep');
    writeUserFile(join(d, 'plain.sarif'), 'report');
    expect(readFileSync(join(d, 'plain.sarif'), 'utf8')).toBe('report');
  });

  // /dev/shm is a file system (tmpfs) where checkouts and CI work folders live, not a device folder.
  test.each(['/dev/shm'].filter((p) => existsSync(p)))(
    'a link in a checkout under %s is refused like anywhere else',
    (root) => {
      const d = mkdtempSync(join(root, 'gg-userfile-'));
      try {
        const victim = join(tempDir('gg-victim-'), 'victim');
        writeFileSync(victim, 'keep');
        symlinkSync(victim, join(d, 'gitguard.sarif'));
        expect(reason(() => writeUserFile(join(d, 'gitguard.sarif'), 'report'))).toBe('symlink');
        expect(readFileSync(victim, 'utf8')).toBe('keep');
      } finally {
        rmSync(d, { recursive: true, force: true });
      }
    },
  );
});
