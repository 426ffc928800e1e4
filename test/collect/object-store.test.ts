// assertObjectStoreReadable: the files git opens in an object store, read as data before git runs.
// /dev/zero is tested here, without git: a git that read it would allocate without end.
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertGitDirReadable, assertObjectStoreReadable } from '../../src/collect/object-store.js';
import { ExpectedError } from '../../src/errors.js';
import { cleanupTemp, tempDir } from '../helpers/repo.js';

afterAll(cleanupTemp);

/** An empty object store (objects/info, objects/pack) in a temp folder. */
function store(): string {
  const objects = join(tempDir(), 'objects');
  mkdirSync(join(objects, 'info'), { recursive: true });
  mkdirSync(join(objects, 'pack'));
  return objects;
}

const refusal = (objects: string): string | undefined => {
  try {
    assertObjectStoreReadable(objects);
    return undefined;
  } catch (err) {
    expect(err).toBeInstanceOf(ExpectedError);
    return (err as Error).message;
  }
};

test('alternates -> /dev/zero, and a chain ending in it, are refused', () => {
  const a = store();
  symlinkSync('/dev/zero', join(a, 'info/alternates'));
  expect(refusal(a)).toBe(
    `${join(a, 'info/alternates')} is not a regular file (a FIFO, device or socket): git would block on it or read it without end`,
  );
  const b = store();
  writeFileSync(join(b, 'info/alternates'), `${a}\n`);
  expect(refusal(b)).toMatch(/^\S+ is not a regular file/);
});

test('an alternates file over 16 MiB is refused by its size', () => {
  const a = store();
  writeFileSync(join(a, 'info/alternates'), Buffer.alloc(16 * 1024 * 1024 + 1, '#'));
  expect(refusal(a)).toMatch(/alternates is 16 MiB, over gitguard's limit of 16 MiB/);
});

test('a loop of alternates, missing folders, comments and a folder at info/alternates pass', () => {
  const a = store();
  const b = store();
  writeFileSync(join(a, 'info/alternates'), `# a comment\n${b}\n/no/such/objects\n\n`);
  writeFileSync(join(b, 'info/alternates'), `${a}\n`);
  expect(refusal(a)).toBeUndefined();
  const c = store();
  mkdirSync(join(c, 'info/alternates'));
  expect(refusal(c)).toBeUndefined();
});

test("git opens a repository's store and six alternates below it, no further; so does the check", () => {
  const stores = Array.from({ length: 8 }, store);
  stores.slice(0, -1).forEach((s, i) => writeFileSync(join(s, 'info/alternates'), `${stores[i + 1]}\n`));
  execFileSync('mkfifo', [join(stores[7]!, 'pack', 'multi-pack-index')]);
  expect(refusal(stores[0]!)).toBeUndefined(); // beyond git's nesting limit: git never opens it
  execFileSync('mkfifo', [join(stores[6]!, 'pack', 'multi-pack-index')]);
  expect(refusal(stores[0]!)).toMatch(/multi-pack-index is not a regular file/);
});

test('loose objects: a FIFO, or a link to one, is refused; regular files and other names are not looked at further', () => {
  const a = store();
  mkdirSync(join(a, 'ab'));
  writeFileSync(join(a, 'ab', 'c'.repeat(38)), 'x');
  mkdirSync(join(a, 'tmp_junk'));
  execFileSync('mkfifo', [join(a, 'tmp_junk', 'fifo')]); // not a loose-object folder: git never opens it
  expect(refusal(a)).toBeUndefined();
  execFileSync('mkfifo', [join(a, 'ab', 'd'.repeat(38))]);
  expect(refusal(a)).toMatch(new RegExp(`/ab/${'d'.repeat(38)} is not a regular file`));
  const b = store();
  mkdirSync(join(b, 'cd'));
  symlinkSync(join(a, 'ab', 'd'.repeat(38)), join(b, 'cd', 'e'.repeat(38)));
  expect(refusal(b)).toMatch(new RegExp(`/cd/${'e'.repeat(38)} is not a regular file`));
});

test('git dir files: through a .git file and a commondir, a FIFO among the common refs is found; an honest layout passes', () => {
  const root = tempDir();
  const common = join(root, 'main.git');
  const wt = join(common, 'worktrees', 'wt');
  mkdirSync(join(common, 'refs', 'heads'), { recursive: true });
  mkdirSync(wt, { recursive: true });
  writeFileSync(join(common, 'HEAD'), 'ref: refs/heads/main\n');
  writeFileSync(join(wt, 'HEAD'), 'ref: refs/heads/wt\n');
  writeFileSync(join(wt, 'commondir'), '../..\n');
  const checkout = join(root, 'checkout');
  mkdirSync(checkout);
  writeFileSync(join(checkout, '.git'), `gitdir: ${wt}\n`);
  expect(() => assertGitDirReadable(checkout)).not.toThrow();
  execFileSync('mkfifo', [join(common, 'refs', 'heads', 'trap')]);
  expect(() => assertGitDirReadable(checkout)).toThrow(/main\.git\/refs\/heads\/trap is not a regular file/);
});
