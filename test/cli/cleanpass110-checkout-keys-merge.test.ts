// cleanpass110: a keys-only audit whose allowed-signers file is tracked in the checkout
// (.github/allowed_signers). A signer listed since an earlier commit merges a branch forked before she
// was added: the merge keeps the mainline's file (git diff against the first parent is empty), git
// reads G, yet gitguard compared it with the side branch's older file, which does not list her, and
// failed signers-authorized. A merge is compared with its first parent holding the file. The twins:
// an unlisted signer's same merge fails, and so does a merge that takes a side branch's file listing
// the merger himself (judged by the mainline's file).
import { join } from 'node:path';
import { cleanupTemp, makeRepo, tempDir, type TestRepo } from '../helpers/repo.js';
import { commitAsPerson, configureSshSigning, makeSshKey, type SshTestKey } from '../helpers/ssh.js';
import { parseJson, resultOf, runCli } from '../helpers/cli.js';

afterAll(cleanupTemp);

const FILE = '.github/allowed_signers';
const keys = tempDir();
const alice = makeSshKey(keys, 'ed25519', 'alice');
const alice2 = makeSshKey(keys, 'ed25519', 'alice2');
const bob = makeSshKey(keys, 'ed25519', 'bob');
const carol = makeSshKey(keys, 'ed25519', 'carol');
const mallory = makeSshKey(keys, 'ed25519', 'mallory');
const pub = (k: SshTestKey): string => k.pub.split(' ').slice(0, 2).join(' ');
const line = (email: string, k: SshTestKey, opts = ''): string => `${email} ${opts ? `${opts} ` : ''}${pub(k)}\n`;
const day = (n: number): number => Date.UTC(2025, 0, n) / 1000;

/** A signed merge of `branch` into the checked-out branch by `email` with `key`, on day `n`. */
function merge(r: TestRepo, key: SshTestKey, email: string, branch: string, n: number): string {
  const date = `@${day(n)} +0000`;
  r.run(['-c', `user.signingkey=${key.path}`, 'merge', '-q', '-S', '--no-ff', '-m', `merge ${branch}`, branch], {
    env: {
      GIT_AUTHOR_NAME: 'x',
      GIT_AUTHOR_EMAIL: email,
      GIT_COMMITTER_NAME: 'x',
      GIT_COMMITTER_EMAIL: email,
      GIT_AUTHOR_DATE: date,
      GIT_COMMITTER_DATE: date,
    },
  });
  return r.head();
}

/** git's letter for each commit (newest first), read with the checkout's file as git's allowedSignersFile. */
const gitLetters = (r: TestRepo): string[] =>
  r.run(['-c', `gpg.ssh.allowedSignersFile=${join(r.dir, FILE)}`, 'log', '--format=%G?']).split('\n');

function audit(r: TestRepo, extra: string[] = []): { code: number; failed: string[] } {
  const res = runCli(
    [
      'audit',
      '-C',
      r.dir,
      '--allowed-signers',
      join(r.dir, FILE),
      '--threat',
      'impersonation',
      '--format',
      'json',
      '--no-cache',
      ...extra,
    ],
    { env: r.env },
  );
  const failed = resultOf(parseJson(res), 'signers-authorized').findings.map((f) => f.commit ?? '');
  return { code: res.code, failed };
}

/**
 * alice starts the file, adds bob, bob works; a branch `old` forks there (alice works on it); alice
 * rotates her key (the old one kept until the rotation with valid-before, as ssh-keygen reads it),
 * bob leaves (valid-before his last day) and carol is added. Every commit signed by a listed key.
 */
function project(): { r: TestRepo; base: string } {
  const r = makeRepo();
  configureSshSigning(r, alice);
  commitAsPerson(
    r,
    alice,
    'alice@example.com',
    'init',
    { [FILE]: line('alice@example.com', alice), a: '1\n' },
    [],
    day(1),
  );
  commitAsPerson(
    r,
    alice,
    'alice@example.com',
    'add bob',
    { [FILE]: line('alice@example.com', alice) + line('bob@example.com', bob) },
    [],
    day(2),
  );
  commitAsPerson(r, bob, 'bob@example.com', 'bob works', { b: '1\n' }, [], day(3));
  const base = r.head();
  r.run(['branch', 'old']);
  const rotated =
    line('alice@example.com', alice, 'valid-before="20250105"') +
    line('alice@example.com', alice2) +
    line('bob@example.com', bob);
  commitAsPerson(r, alice, 'alice@example.com', 'rotate', { [FILE]: rotated }, [], day(4));
  commitAsPerson(r, alice2, 'alice@example.com', 'new key', { c: '1\n' }, [], day(5));
  const left =
    line('alice@example.com', alice, 'valid-before="20250105"') +
    line('alice@example.com', alice2) +
    line('bob@example.com', bob, 'valid-before="20250106"') +
    line('carol@example.com', carol);
  commitAsPerson(r, alice2, 'alice@example.com', 'bob left, carol joins', { [FILE]: left }, [], day(7));
  r.run(['checkout', '-q', 'old']);
  commitAsPerson(r, alice, 'alice@example.com', 'old work', { o: '1\n' }, [], day(3) + 60);
  r.run(['checkout', '-q', 'main']);
  return { r, base };
}

test('a listed signer merges a branch forked before she was added: git reads G, gitguard passes', () => {
  const { r, base } = project();
  merge(r, carol, 'carol@example.com', 'old', 8);
  expect(gitLetters(r)).toEqual(Array(8).fill('G'));
  expect(audit(r)).toEqual({ code: 0, failed: [] });
  expect(audit(r, ['--base', base])).toEqual({ code: 0, failed: [] });
});

test('twin: an unlisted signer merging the same branch fails', () => {
  const { r } = project();
  const evil = merge(r, mallory, 'carol@example.com', 'old', 8);
  expect(gitLetters(r)[0]).toBe('U');
  expect(audit(r)).toEqual({ code: 1, failed: [evil] });
});

test("twin: a merge taking a side branch's file that lists the merger is judged by the mainline's file", () => {
  const { r } = project();
  const listed = r.run(['show', `main:${FILE}`]) + '\n' + line('mallory@example.com', mallory);
  r.run(['checkout', '-q', 'old']);
  // The side branch's own commit adding mallory is signed by alice's old key, which its parent lists.
  const side = commitAsPerson(r, alice, 'alice@example.com', 'side', { [FILE]: listed }, [], day(3) + 120);
  r.run(['checkout', '-q', 'main']);
  r.run(['merge', '-q', '--no-commit', '-X', 'theirs', 'old'], { env: { GIT_COMMITTER_DATE: `@${day(8)} +0000` } });
  r.write({ [FILE]: listed });
  const evil = commitAsPerson(r, mallory, 'mallory@example.com', 'merge old', {}, [], day(8));
  expect(r.run(['rev-list', '--parents', '-n1', evil]).split(' ')).toHaveLength(3);
  expect(gitLetters(r)[0]).toBe('G');
  expect(audit(r).failed).toEqual([evil]);
  expect(side).not.toBe(evil);
});
