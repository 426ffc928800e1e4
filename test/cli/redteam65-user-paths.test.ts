// Red team 65: git expands `~user/` in a path value (interpolate_path: that user's home from the
// password database, the rest appended as written) as it expands `~/`. gitguard read `~user/` in
// core.hooksPath only: an `includeIf "onbranch:<b>"` whose path was `~user/...` was never read (a file
// there setting core.hooksPath=/dev/null passed hooks-not-disabled while `git checkout <b>` switched
// hooks off), an include at `~user/fifo` blocked git for 30 s (the absolute path was refused at once),
// and an http.sslCAInfo of `~user/...` leading into the work tree passed. Now every reader of such a
// value expands it in one place (collect/user-home.ts interpolatePath). Twins: the same set-ups
// leading to a harmless file or a CA outside the work tree pass.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync, spawnSync } from 'node:child_process';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { cleanupTemp, makeRepo, tempDir, type TestRepo } from '../helpers/repo.js';
import { parseJson, resultOf, runMain } from '../helpers/cli.js';
import { lsRemote, startTlsServer, type TlsServer } from '../helpers/tls-server.js';

afterAll(cleanupTemp);

/** `path` (absolute) written from the current user's home by name, as `~<user>/../../<path>`. */
function byUserName(path: string): string {
  const { username, homedir } = userInfo();
  const up = homedir
    .split('/')
    .filter(Boolean)
    .map(() => '..');
  return `~${username}/${[...up, path.slice(1)].join('/')}`;
}

async function outcome(r: TestRepo, rule: string): Promise<string> {
  const res = await runMain(['audit', '-C', r.dir, '--no-cache', '--no-ledger', '--format', 'json', '-r', rule], {
    env: r.env,
  });
  return `${res.code} ${resultOf(parseJson(res), rule).outcome}`;
}

/** A repository on main with a branch `release`, whose onbranch:release include is `~<user>/...` naming a file of `text`. */
function branchInclude(text: string): TestRepo {
  const r = makeRepo();
  r.commit('base', { f: 'base\n' });
  r.run(['branch', 'release']);
  const file = join(tempDir(), 'release.cfg');
  writeFileSync(file, text);
  r.run(['config', 'includeIf.onbranch:release.path', byUserName(file)]);
  return r;
}

describe('an onbranch include named by ~user/', () => {
  test('switching hooks off: fails (before: passed); git reads it once the branch is checked out', async () => {
    const r = branchInclude('[core]\n\thooksPath = /dev/null\n');
    expect(await outcome(r, 'hooks-not-disabled')).toBe('1 fail');
    const here = spawnSync('git', ['config', 'core.hooksPath'], { cwd: r.dir, env: r.env, encoding: 'utf8' });
    expect([here.status, here.stdout]).toEqual([1, '']);
    r.run(['checkout', '-q', 'release']);
    expect(r.run(['config', 'core.hooksPath'])).toBe('/dev/null');
  });

  test('twin: setting nothing that runs or switches off: passes', async () => {
    const r = branchInclude('[user]\n\tname = Release Manager\n');
    expect(await outcome(r, 'hooks-not-disabled')).toBe('0 pass');
    r.run(['checkout', '-q', 'release']);
    expect(r.run(['config', 'user.name'])).toBe('Release Manager');
  });
});

describe('an include at ~user/ that git opens', () => {
  test('a FIFO: refused at once in one line (before: git blocked 30 s)', async () => {
    const r = makeRepo();
    r.commit('base', { f: 'base\n' });
    const fifo = join(tempDir(), 'fifo');
    execFileSync('mkfifo', [fifo]);
    // git config (the write) does not read includes; the audit's git does.
    r.run(['config', 'include.path', byUserName(fifo)]);
    const res = await runMain(['audit', '-C', r.dir, '--no-ledger', '-r', 'hooks-not-disabled'], { env: r.env });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/^gitguard: \S*fifo is not a regular file \(a FIFO/);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
  });

  test('twin: a regular file there is read as git reads it', async () => {
    const r = makeRepo();
    r.commit('base', { f: 'base\n' });
    const file = join(tempDir(), 'shared.cfg');
    writeFileSync(file, '[core]\n\thooksPath = /dev/null\n');
    r.run(['config', 'include.path', byUserName(file)]);
    expect(r.run(['config', 'core.hooksPath'])).toBe('/dev/null');
    expect(await outcome(r, 'hooks-not-disabled')).toBe('1 fail');
  });
});

describe('http.sslCAInfo at ~user/', () => {
  let server: TlsServer;
  let r: TestRepo;
  beforeAll(async () => {
    server = await startTlsServer();
    r = makeRepo();
    r.commit('our CA', { 'certs/ca.pem': readFileSync(server.ca, 'utf8') });
  });
  afterAll(() => server.close());

  async function withCa(value: string): Promise<string> {
    r.run(['config', 'http.sslCAInfo', value]);
    try {
      const git = (await lsRemote(server.url, r.dir, r.env)).includes('not found') ? 'trusted' : 'refused';
      return `${git} ${await outcome(r, 'tls-verification-enabled')}`;
    } finally {
      r.run(['config', '--unset', 'http.sslCAInfo']);
    }
  }

  test('leading into the work tree: fails (before: passed)', async () => {
    expect(await withCa(byUserName(join(r.dir, 'certs', 'ca.pem')))).toBe('trusted 1 fail');
  });

  test('twin: a CA outside the work tree passes', async () => {
    const outside = join(tempDir(), 'ca');
    mkdirSync(outside);
    writeFileSync(join(outside, 'ca.pem'), readFileSync(server.ca));
    expect(await withCa(byUserName(join(outside, 'ca.pem')))).toBe('trusted 0 pass');
  });
});
