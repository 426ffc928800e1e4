// Digest algorithms as gpg 2.2.40 takes them by default: only MD5 is refused (--weak-digest's
// default), in data signatures and self-signatures alike; SHA-1 and RIPEMD-160 verify (the
// weak-cryptography rule then names them). Real commits signed by real gpg with --digest-algo,
// and an RSA key whose self-signatures gpg made with --cert-digest-algo; git's %G? against ours.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeRepo, cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { makeGpg, type Gpg } from '../helpers/gpg.js';
import { verifyRows } from '../helpers/cli.js';

afterAll(cleanupTemp);

let r: TestRepo;
let gpg: Gpg;
const NOW = Math.floor(Date.now() / 1000);

beforeAll(() => {
  r = makeRepo();
  gpg = makeGpg(mkdtempSync(join(tmpdir(), 'gg-')));
  r.run(['config', 'gpg.program', gpg.wrapper]);
}, 60_000);
afterAll(() => gpg?.kill());

/** A key whose self-signatures use `certDigest`: its fingerprint. */
function keyWithSelfSigs(name: string, certDigest: string): string {
  const status = gpg.run(
    [
      '--status-fd',
      '1',
      '--allow-weak-key-signatures',
      '--cert-digest-algo',
      certDigest,
      '--quick-gen-key',
      `${name} <${name.toLowerCase()}@example.com>`,
      'rsa2048',
      'sign',
      'never',
    ],
    { at: NOW - 1000 },
  );
  const fpr = /KEY_CREATED P ([0-9A-F]{40})/.exec(status.toString())![1]!;
  gpg.trust(fpr);
  return fpr;
}

/** A commit signed by `key` over `digest`: git's %G? and gitguard's row. */
async function signedWith(key: string, digest: string): Promise<{ git: string; letter: string; status: string }> {
  const email = execFileSync('gpg', ['--list-keys', '--with-colons', key], { env: gpg.env })
    .toString()
    .match(/<([^>]+)>/)![1]!;
  r.run(['-c', `user.signingkey=${key}`, 'commit', '-q', '--allow-empty', '-S', '-m', digest], {
    env: {
      GNUPGHOME: gpg.home,
      GG_GPG_ARGS: `--digest-algo ${digest} --allow-weak-digest-algos`,
      GIT_COMMITTER_EMAIL: email,
    },
  });
  const oid = r.head();
  const git = execFileSync('git', ['rev-list', '--no-walk', '--format=%G?', oid], {
    cwd: r.dir,
    env: { ...r.env, GNUPGHOME: gpg.home },
  })
    .toString()
    .split('\n')[1]!;
  const keyring = join(mkdtempSync(join(tmpdir(), 'gg-')), 'k.gpg');
  writeFileSync(keyring, gpg.exportPublic(key));
  const row = (await verifyRows(r.dir, r.env, keyring)).get(oid)!;
  return { git, letter: row.letter, status: row.status };
}

test('a data signature over RIPEMD-160: G, authorized as git (before: E, a false failure)', async () => {
  const key = keyWithSelfSigs('Alice', 'SHA256');
  expect(await signedWith(key, 'RIPEMD160')).toEqual({ git: 'G', letter: 'G', status: 'authorized' });
});

test('a key whose self-signatures are over RIPEMD-160: its signatures G, as git (before: E)', async () => {
  const key = keyWithSelfSigs('Bob', 'RIPEMD160');
  expect(await signedWith(key, 'SHA256')).toEqual({ git: 'G', letter: 'G', status: 'authorized' });
});

test('twins: MD5 stays refused, E as git; SHA-1 verifies, G as git', async () => {
  const key = keyWithSelfSigs('Carol', 'SHA256');
  expect(await signedWith(key, 'MD5')).toMatchObject({ git: 'E', letter: 'E' });
  expect(await signedWith(key, 'SHA1')).toEqual({ git: 'G', letter: 'G', status: 'authorized' });
  const md5Key = keyWithSelfSigs('Dave', 'MD5');
  expect(await signedWith(md5Key, 'SHA256')).toMatchObject({ git: 'E', letter: 'E' });
});
