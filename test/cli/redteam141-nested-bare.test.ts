// redteam141: a bare repository committed as plain files inside a work tree (`fake.git/` with its
// HEAD, objects and refs) is one git opens from any folder under it, so gitguard run there (a
// person's `cd`, a hook's `-C tools`) audited the history its committer chose and passed. git's
// reference: with `safe.bareRepository=explicit` (git 2.38+) it refuses a bare repository found by
// discovery. gitguard now refuses (exit 2, one line with the next step) the one a work tree above it
// tracks; a server's bare repository, a bare repository the work tree does not track, the
// `proj/.bare` a `proj/.git` file names, and the work tree itself are audited as before.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTemp, makeRepo } from '../helpers/repo.js';
import { runMain } from '../helpers/cli.js';

afterAll(cleanupTemp);

/** A bare repository as plain files. */
const bare = (at: string): Record<string, string> => ({
  [`${at}/HEAD`]: 'ref: refs/heads/main\n',
  [`${at}/config`]: '[core]\n\trepositoryformatversion = 0\n\tbare = true\n',
  [`${at}/objects/info/packs`]: '\n',
  [`${at}/refs/heads/.keep`]: '',
});

const r = makeRepo();
r.commit('fake', { 'src/a.js': '1\n', ...bare('ci/fake.git') });
const git = (cwd: string, ...a: string[]): string =>
  execFileSync('git', a, { cwd, env: r.env, stdio: 'pipe' }).toString().trim();
const audit = (path: string): ReturnType<typeof runMain> =>
  runMain(['audit', '-C', path, '-r', 'ci-gate-kept', '--no-ledger'], { env: r.env });
const refused = (res: { code: number; stderr: string }): boolean =>
  res.code === 2 && /refusing .*bare/.test(res.stderr);

test('git opens the committed folder as a bare repository; safe.bareRepository=explicit refuses it', () => {
  expect(git(join(r.dir, 'ci/fake.git'), 'rev-parse', '--is-bare-repository')).toBe('true');
  expect(() =>
    git(join(r.dir, 'ci/fake.git'), '-c', 'safe.bareRepository=explicit', 'rev-parse', '--git-dir'),
  ).toThrow();
});

test.each(['ci/fake.git', 'ci/fake.git/refs/heads'])(
  'audit -C %s: refused, exit 2, naming the work tree',
  async (p) => {
    const res = await audit(join(r.dir, p));
    expect(refused(res)).toBe(true);
    expect(res.stderr).toContain(`gitguard audit -C ${r.dir}`);
  },
);

test('the work tree itself: audited', async () => {
  expect(refused(await audit(r.dir))).toBe(false);
});

test('a bare repository the work tree does not track (made there, never committed): audited', async () => {
  const at = join(r.dir, 'tmp', 'mirror.git');
  mkdirSync(join(r.dir, 'tmp'), { recursive: true });
  git(r.dir, 'clone', '-q', '--bare', r.dir, at);
  const res = await audit(at);
  expect([refused(res), res.code === 2 ? res.stderr : '']).toEqual([false, '']);
});

test("a server's bare repository, no work tree above it: audited", async () => {
  const server = join(r.dir, '..', 'srv', 'x.git');
  git(r.dir, 'clone', '-q', '--bare', r.dir, server);
  const res = await audit(server);
  expect([refused(res), res.code === 2 ? res.stderr : '']).toEqual([false, '']);
});

test('proj/.bare named by proj/.git (the bare repository and worktrees layout): audited', async () => {
  const proj = join(r.dir, '..', 'proj');
  mkdirSync(proj);
  git(r.dir, 'clone', '-q', '--bare', r.dir, join(proj, '.bare'));
  writeFileSync(join(proj, '.git'), 'gitdir: ./.bare\n');
  const res = await audit(join(proj, '.bare'));
  expect([refused(res), res.code === 2 ? res.stderr : '']).toEqual([false, '']);
});
