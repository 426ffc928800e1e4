// submod211: what a real `git submodule update --init --recursive` writes, the reference for reading it
// as a write of the commit's submodule folders only (domain/submodule-writes.ts): a clone of a
// repository with a submodule (a file:// URL, allowed in this test's git environment only) gets the
// submodule's folder and nothing else outside .git, the submodule's own link made and not followed,
// and git refuses an `update = !command` from .gitmodules without running it.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, writeFileSync, symlinkSync } from 'node:fs';
import { join, relative } from 'node:path';
import { cleanupTemp, pinnedEnv, tempDir } from '../helpers/repo.js';

afterAll(cleanupTemp);

const root = tempDir('gitguard-submod211-');
mkdirSync(join(root, 'home'));
const env = {
  ...pinnedEnv(join(root, 'home')),
  GIT_CONFIG_COUNT: '1',
  GIT_CONFIG_KEY_0: 'protocol.file.allow',
  GIT_CONFIG_VALUE_0: 'always',
};
const git = (cwd: string, ...args: string[]): string =>
  execFileSync('git', args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] }).toString();

/** Every path under `dir` but .git's, from `dir`. */
function listed(dir: string, at = dir): string[] {
  return readdirSync(at).flatMap((n) => {
    const p = join(at, n);
    if (relative(dir, p) === '.git') return [];
    const isDir = lstatSync(p).isDirectory();
    return [relative(dir, p), ...(isDir ? listed(dir, p) : [])];
  });
}

beforeAll(() => {
  const sub = join(root, 'sub');
  mkdirSync(sub);
  git(sub, 'init', '-q');
  writeFileSync(join(sub, 'f.txt'), 'hi\n');
  symlinkSync('../../escape', join(sub, 'up'));
  git(sub, 'add', '-A');
  git(sub, 'commit', '-qm', 'sub');
  const top = join(root, 'top');
  mkdirSync(top);
  git(top, 'init', '-q');
  writeFileSync(join(top, 'package.json'), '{}\n');
  git(top, 'submodule', 'add', '-q', `file://${sub}`, 'vendor/lib');
  git(top, 'commit', '-qm', 'top');
});

test('an honest update writes the submodule folder and nothing else outside .git', () => {
  const clone = join(root, 'clone');
  git(root, 'clone', '-q', join(root, 'top'), clone);
  const before = new Set(listed(clone));
  git(clone, 'submodule', 'update', '--init', '--recursive', '--depth', '1', '--jobs', '4');
  const added = listed(clone).filter((p) => !before.has(p));
  expect(added.length).toBeGreaterThan(0);
  expect(added.filter((p) => p !== 'vendor/lib' && !p.startsWith('vendor/lib/'))).toEqual([]);
  // The submodule's link is made as a link, its target not written.
  expect(lstatSync(join(clone, 'vendor/lib/up')).isSymbolicLink()).toBe(true);
  expect(existsSync(join(root, 'escape'))).toBe(false);
});

test('git refuses update = !command from .gitmodules and runs nothing', () => {
  const top = join(root, 'top');
  const marker = join(root, 'ran');
  git(top, 'config', '-f', '.gitmodules', 'submodule.vendor/lib.update', `!touch ${marker}`);
  git(top, 'commit', '-qam', 'update command');
  const clone = join(root, 'clone2');
  git(root, 'clone', '-q', top, clone);
  const res = spawnSync('git', ['submodule', 'update', '--init', '--recursive'], { cwd: clone, env });
  expect(res.status).not.toBe(0);
  expect(existsSync(marker)).toBe(false);
});
