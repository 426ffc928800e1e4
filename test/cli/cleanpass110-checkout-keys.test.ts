// cleanpass110: a keys-only audit whose allowed-signers file is tracked in the checkout
// (.github/allowed_signers). A signer listed since an earlier commit merges a branch forked before she
// was added: the merge keeps the mainline's file (git diff against the first parent is empty), git
// reads G, yet gitguard compared it with the side branch's older file, which does not list her, and
// failed signers-authorized. A merge is compared with its first parent holding the file. The twins:
// an unlisted signer's same merge fails, and so does a merge that takes a side branch's file listing
// the merger himself (judged by the mainline's file).
//
// And a keys-only project (no .gitguard policy; its signers in a tracked
// .github/allowed_signers) whose CI audits from a commit named by its full id (`--trust-root <sha>`:
// older history unsigned), in a full or a shallow clone. The named root carries no policy and no
// commit after it adds one, yet every commit was judged "no policy judges it" and the audit failed
// though git reads G for each. Such a root now starts a keys-only scope: the keys judge, as with no
// root. Twins: an unlisted signer after the root still fails; without keys the root still fails with
// its reason; a root before a policy still moves to the commit adding it (trust-chain.test.ts).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { cleanupTemp, makeRepo, tempDir, type TestRepo } from '../helpers/repo.js';
import { commitAsPerson, configureSshSigning, makeSshKey, type SshTestKey } from '../helpers/ssh.js';
import { ruleFindings } from '../helpers/cli.js';

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

/** git's letter for each commit of the clone at `dir` (from HEAD), its tracked file as git's allowedSignersFile. */
const gitLetters = (r: TestRepo, dir = r.dir): string[] =>
  r.run(['-C', dir, '-c', `gpg.ssh.allowedSignersFile=${join(dir, FILE)}`, 'log', '--format=%G?', 'HEAD']).split('\n');

/** gitguard's impersonation audit of `dir` with its tracked signers file (and `extra`): its exit code and the commits signers-authorized names. */
const audit = (r: TestRepo, extra: string[] = [], dir = r.dir, keyed = true) =>
  ruleFindings(
    { dir, env: r.env },
    'signers-authorized',
    [...(keyed ? ['--allowed-signers', join(dir, FILE)] : []), ...extra],
    ['--threat', 'impersonation'],
  );

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

test('a listed signer merges a branch forked before she was added: git reads G, gitguard passes', async () => {
  const { r, base } = project();
  merge(r, carol, 'carol@example.com', 'old', 8);
  expect(gitLetters(r)).toEqual(Array(8).fill('G'));
  expect(await audit(r)).toMatchObject({ code: 0, failed: [] });
  expect(await audit(r, ['--base', base])).toMatchObject({ code: 0, failed: [] });
});

test('twin: an unlisted signer merging the same branch fails', async () => {
  const { r } = project();
  const evil = merge(r, mallory, 'carol@example.com', 'old', 8);
  expect(gitLetters(r)[0]).toBe('U');
  expect(await audit(r)).toMatchObject({ code: 1, failed: [evil] });
});

test("twin: a merge taking a side branch's file that lists the merger is judged by the mainline's file", async () => {
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
  expect((await audit(r)).failed).toEqual([evil]);
  expect(side).not.toBe(evil);
});

/** Unsigned history, then alice starts the signers file (the root CI names), adds bob, and both work. */
function signedFrom(): { r: TestRepo; root: string } {
  const r = makeRepo();
  configureSshSigning(r, alice);
  commitAsPerson(r, undefined, 'alice@example.com', 'old, unsigned', { a: '0\n' });
  const root = commitAsPerson(r, alice, 'alice@example.com', 'sign from here', {
    [FILE]: line('alice@example.com', alice),
  });
  commitAsPerson(r, alice, 'alice@example.com', 'add bob', {
    [FILE]: line('alice@example.com', alice) + line('bob@example.com', bob),
  });
  commitAsPerson(r, bob, 'bob@example.com', 'bob works', { b: '1\n' });
  commitAsPerson(r, alice, 'alice@example.com', 'alice works', { c: '1\n' });
  return { r, root };
}

test('--trust-root <full id> with the tracked signers file: git reads G for every commit in scope, gitguard passes', async () => {
  const { r, root } = signedFrom();
  expect(gitLetters(r)).toEqual(['G', 'G', 'G', 'G', 'N']);
  expect(await audit(r, ['--trust-root', root])).toMatchObject({
    code: 0,
    failed: [],
  });
});

test('the same in a shallow clone (CI fetch-depth: 2) from the commit before the tip', async () => {
  const { r } = signedFrom();
  const dir = join(tempDir(), 'shallow');
  const clone = spawnSync('git', ['clone', '-q', '--depth', '2', `file://${r.dir}`, dir], { env: r.env });
  expect(clone.status).toBe(0);
  const from = r.run(['-C', dir, 'rev-parse', 'HEAD~1']);
  expect(r.run(['-C', dir, 'rev-parse', '--is-shallow-repository'])).toBe('true');
  expect(gitLetters(r, dir)).toEqual(['G', 'G']);
  expect(await audit(r, ['--trust-root', from], dir)).toMatchObject({
    code: 0,
    failed: [],
  });
});

test('twin: an unlisted signer after the root fails', async () => {
  const { r, root } = signedFrom();
  const evil = commitAsPerson(r, mallory, 'bob@example.com', 'evil', { d: '1\n' });
  expect(gitLetters(r)[0]).toBe('U');
  expect(await audit(r, ['--trust-root', root])).toMatchObject({
    code: 1,
    failed: [evil],
  });
});

test('twin: without keys, a root that carries no policy still judges nothing, with its reason', async () => {
  const { r, root } = signedFrom();
  const res = await audit(r, ['--trust-root', root], r.dir, false);
  expect(res.code).toBe(1);
  expect(res.failed).toHaveLength(4);
  expect(res.why[0]).toContain('carries no .gitguard/policy.yml');
});
