// Red-team round 6: nothing gitguard trusts may come from files the audited repository controls,
// even through an ABSOLUTE path: `npx gitguard audit` run inside a repository puts its
// `node_modules/.bin` first on PATH (a committed `git` there would run), and an XDG_CACHE_HOME
// inside it would take the per-user secret that seals the ledger and caches from a file it ships.
import { chmodSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createHmac } from 'node:crypto';
import { delimiter, join } from 'node:path';
import { cleanupTemp, tempDir, type TestRepo } from '../helpers/repo.js';
import { makeSshKey, type SshTestKey } from '../helpers/ssh.js';
import { sshSigningRepo } from '../helpers/signing-repo.js';
import { runMain, parseJson, resultOf } from '../helpers/cli.js';

afterAll(cleanupTemp);

let alice: SshTestKey;
beforeAll(() => {
  alice = makeSshKey(tempDir(), 'ed25519', 'alice');
});

const REAL_GIT = ['/usr/bin/git', '/bin/git', '/usr/local/bin/git'].find((g) => existsSync(g))!;

/** A `git` in `dir` that leaves a mark in `marks` each time it runs, then runs the real one. */
function plantGit(dir: string, marks: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'git'), `#!/bin/sh\necho "$*" >> '${marks}'\nexec '${REAL_GIT}' "$@"\n`);
  chmodSync(join(dir, 'git'), 0o755);
}

describe('PATH entries inside the audited repository', () => {
  test.each([
    ['the repository itself', (r: TestRepo) => r.dir, (r: TestRepo) => join(r.dir, 'node_modules', '.bin')],
    ['a folder of it', (r: TestRepo) => join(r.dir, 'src'), (r: TestRepo) => join(r.dir, 'node_modules', '.bin')],
    [
      'its .git folder, the entry a link into the work tree',
      (r: TestRepo) => join(r.dir, '.git'),
      (r: TestRepo) => {
        const link = join(tempDir(), 'bin');
        symlinkSync(join(r.dir, 'node_modules', '.bin'), link);
        return link;
      },
    ],
  ])('audited as %s: its committed git never runs', async (_what, target, entry) => {
    const r = sshSigningRepo(alice);
    mkdirSync(join(r.dir, 'src'), { recursive: true });
    const marks = join(tempDir(), 'marks');
    plantGit(join(r.dir, 'node_modules', '.bin'), marks);
    r.commit('tools', { 'src/a.c': 'a\n' });
    const PATH = [entry(r), r.env.PATH].join(delimiter);
    const res = await runMain(['audit', '-C', target(r), '--format', 'json', '-r', 'commits-signed'], {
      env: { ...r.env, PATH },
    });
    expect(res.code).toBe(0);
    expect(resultOf(parseJson(res), 'commits-signed').outcome).toBe('pass');
    expect(existsSync(marks) ? readFileSync(marks, 'utf8') : '').toBe('');
  });

  test("when the only git on PATH is the repository's, the run stops in one line saying so", async () => {
    const r = sshSigningRepo(alice);
    const marks = join(tempDir(), 'marks');
    plantGit(join(r.dir, 'node_modules', '.bin'), marks);
    const PATH = [join(r.dir, 'node_modules', '.bin'), tempDir()].join(delimiter);
    const res = await runMain(['audit', '-C', r.dir, '-r', 'commits-signed'], { env: { ...r.env, PATH } });
    expect(res.code).toBe(2);
    expect(res.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        /git did not run: not found on PATH \(the one in .*node_modules\/\.bin is inside the audited repository/,
      ),
    ]);
    expect(existsSync(marks)).toBe(false);
  });

  test('twin: the same git outside the repository does run (the test can see it)', async () => {
    const r = sshSigningRepo(alice);
    const marks = join(tempDir(), 'marks');
    const outside = join(tempDir(), 'bin');
    plantGit(outside, marks);
    const res = await runMain(['audit', '-C', r.dir, '--format', 'json', '-r', 'commits-signed'], {
      env: { ...r.env, PATH: [outside, r.env.PATH].join(delimiter) },
    });
    expect(res.code).toBe(0);
    expect(readFileSync(marks, 'utf8')).toMatch(/rev-parse/);
  });
});

/** Whether a sealed state file's first line is its body's MAC under `secret` (state-secret.ts's seal). */
function sealedWith(text: string, secret: Buffer): boolean {
  const nl = text.indexOf('\n');
  const body = text.slice(nl + 1);
  const version = (JSON.parse(body) as { version: string }).version;
  const mac = createHmac('sha256', secret).update(version).update('\0').update(body).digest('hex');
  return text.slice(0, nl) === mac;
}

describe('XDG_CACHE_HOME inside the audited repository', () => {
  test.each([
    ['0600', 0o600],
    ['0644', 0o644],
  ])('a shipped secret (mode %s) neither seals the state nor is written over', async (_name, mode) => {
    const r = sshSigningRepo(alice);
    const planted = Buffer.alloc(32, 7);
    const folder = join(r.dir, '.cache', 'gitguard');
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    chmodSync(folder, 0o700);
    chmodSync(join(r.dir, '.cache'), 0o700);
    writeFileSync(join(folder, 'cache-secret'), planted);
    chmodSync(join(folder, 'cache-secret'), mode);
    const env = { ...r.env, XDG_CACHE_HOME: join(r.dir, '.cache') };
    const res = await runMain(['audit', '-C', r.dir, '--format', 'json', '-r', 'commits-signed'], { env });
    expect(res.code).toBe(0);
    // Nothing in the repository changed, and the walk checkpoint is sealed with the user's own secret.
    expect(readFileSync(join(folder, 'cache-secret'))).toEqual(planted);
    const own = readFileSync(join(r.home, '.cache', 'gitguard', 'cache-secret'));
    const cache = readFileSync(join(r.dir, '.git', 'gitguard', 'checkpoint.json'), 'utf8');
    expect([sealedWith(cache, planted), sealedWith(cache, own)]).toEqual([false, true]);
  });

  test('twin: an XDG_CACHE_HOME outside the repository is used', async () => {
    const r = sshSigningRepo(alice);
    const cacheHome = tempDir();
    const res = await runMain(['audit', '-C', r.dir, '--format', 'json', '-r', 'commits-signed'], {
      env: { ...r.env, XDG_CACHE_HOME: cacheHome },
    });
    expect(res.code).toBe(0);
    const secret = readFileSync(join(cacheHome, 'gitguard', 'cache-secret'));
    const cache = readFileSync(join(r.dir, '.git', 'gitguard', 'checkpoint.json'), 'utf8');
    expect(sealedWith(cache, secret)).toBe(true);
  });
});
