import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { copyRepo, gitInitArgs, makeRepo, cleanupTemp, tempDir } from './repo.js';
afterAll(cleanupTemp);
test('makeRepo makes commits with pinned identity and no signing', async () => {
  const r = makeRepo();
  const a = r.commit('first');
  const b = r.commit('second', { 'x.txt': 'x' });
  expect(r.run(['rev-list', '--count', 'HEAD'])).toBe('2');
  expect(r.run(['log', '-1', '--format=%an <%ae> %G?', b])).toBe('Alice Example <alice@example.com> N');
  expect(await r.git.revparse(['HEAD~1'])).toBe(a);
});

test('head() is what git rev-parse HEAD says: on a branch, detached, packed, SHA-256', () => {
  const r = makeRepo();
  const a = r.commit('first');
  expect(r.head()).toBe(r.run(['rev-parse', 'HEAD']));
  r.commit('second');
  r.run(['checkout', '-q', '--detach', a]);
  expect(r.head()).toBe(a);
  r.run(['checkout', '-q', 'main']);
  r.run(['pack-refs', '--all']); // no loose ref left: asked of git
  expect(r.head()).toBe(r.run(['rev-parse', 'HEAD']));
  expect(r.head()).not.toBe(a);
  const s = makeRepo({ objectFormat: 'sha256' });
  const c = s.commit('first');
  expect([c.length, s.head()]).toEqual([64, s.run(['rev-parse', 'HEAD'])]);
});

test('commits do not start git maintenance (pinned maintenance.auto=false)', () => {
  const r = makeRepo();
  expect(r.run(['config', '--get', 'maintenance.auto'])).toBe('false');
});

test('copyRepo: the same history, independent of its source, going on with later dates', () => {
  const src = makeRepo();
  src.commit('first');
  const copy = copyRepo(src);
  expect(copy.dir).not.toBe(src.dir);
  expect(copy.head()).toBe(src.head());
  const next = copy.commit('second');
  expect(copy.run(['rev-list', '--count', 'HEAD'])).toBe('2');
  expect(src.run(['rev-list', '--count', 'HEAD'])).toBe('1'); // the source is untouched
  expect(copy.run(['fsck', '--strict'])).toBe('');
  // The copy's commit counter went on from its source's: a later date, a new file.
  const dates = copy.run(['log', '--format=%ct', 'HEAD']).split('\n').map(Number);
  expect(dates[0]).toBeGreaterThan(dates[1]!);
  expect(copy.run(['show', '--name-only', '--format=', next])).toBe('file-1.txt');
  // Its env is its own: git reads the copy's global config, not the source's.
  expect(copy.env.HOME).not.toBe(src.env.HOME);
  expect(copy.run(['config', '--show-origin', '--get', 'init.defaultBranch'])).toContain(copy.home);
});

test('config() leaves the config file byte for byte as git config does, in a work tree and a bare repository', () => {
  const settings = {
    'gpg.format': 'ssh',
    'user.signingkey': '/tmp/keys/key-alice',
    'commit.gpgSign': 'true',
    'core.hooksPath': '.husky/_', // a section git init wrote
    'gpg.ssh.allowedSignersFile': '/tmp/allowed signers', // a subsection
    'user.name': 'Alice; "Example"', // a value git quotes
    'tag.gpgSign': 'true',
  };
  for (const bare of [false, true]) {
    const [byGit, byHelper] = [makeRepo({ bare }), makeRepo({ bare })];
    for (const [k, v] of Object.entries(settings)) byGit.run(['config', k, v]);
    byHelper.config(settings);
    const file = (r: typeof byGit) => readFileSync(join(r.dir, bare ? '' : '.git', 'config'), 'utf8');
    expect(file(byHelper)).toBe(file(byGit));
    expect(byHelper.run(['config', '--get', 'user.name'])).toBe('Alice; "Example"');
  }
});

test("makeRepo's repository is the one git init makes, file for file (work tree, bare, SHA-256)", () => {
  const tree = (dir: string): Record<string, string> => {
    const out: Record<string, string> = {};
    for (const name of readdirSync(dir, { recursive: true }) as string[]) {
      const st = statSync(join(dir, name));
      out[name] = `${(st.mode & 0o777).toString(8)} ${st.isDirectory() ? '/' : readFileSync(join(dir, name), 'utf8')}`;
    }
    return out;
  };
  for (const opts of [{}, { bare: true }, { objectFormat: 'sha256' as const }]) {
    // Two: the first may be the one git made for the run, the second is a copy of it.
    const [first, second] = [makeRepo(opts), makeRepo(opts)];
    const byGit = join(tempDir(), 'by-git');
    execFileSync('git', gitInitArgs(byGit, opts), { env: first.env });
    const gitDir = (d: string) => (opts.bare ? d : join(d, '.git'));
    expect(tree(gitDir(first.dir))).toEqual(tree(gitDir(byGit)));
    expect(tree(gitDir(second.dir))).toEqual(tree(gitDir(byGit)));
  }
});
