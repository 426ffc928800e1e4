// cleanpass113: a key taken out of a tracked allowed-signers file (.github/allowed_signers, given as
// --allowed-signers), read as git and ssh-keygen read the file.
//
// Deleting a key's line withdraws trust from every signature it made: git says U for the commits it
// signed, and gitguard fails them (all but a commit that changes the file, judged by its parent's
// version). That is no false failure: judging old commits by the file of their day would let a key
// deleted because it leaked vouch for history and for new commits on old forks alike. The way to
// retire a key and keep its history is its line kept with `valid-before` (git: G; gitguard passes).
//
// A deleted key still signs on a branch forked before the deletion: that branch's checkout (and, for
// a commit changing the file, its parent's version) still lists it, so an audit there passes what the
// ex-signer signs later. `--revoked-keys` voids the key everywhere (README, "Removing a key").
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { cleanupTemp, makeRepo, tempDir, type TestRepo } from '../helpers/repo.js';
import { commitAsPerson, configureSshSigning, makeSshKey, type SshTestKey } from '../helpers/ssh.js';
import { parseJson, resultOf, runMain } from '../helpers/cli.js';

afterAll(cleanupTemp);

const FILE = '.github/allowed_signers';
const keys = tempDir();
const [alice, alice2, bob] = ['alice', 'alice2', 'bob'].map((n) => makeSshKey(keys, 'ed25519', n)) as [
  SshTestKey,
  SshTestKey,
  SshTestKey,
];
const pub = (k: SshTestKey): string => k.pub.split(' ').slice(0, 2).join(' ');
const line = (email: string, k: SshTestKey, opts = ''): string => `${email} ${opts ? `${opts} ` : ''}${pub(k)}\n`;
const day = (n: number): number => Date.UTC(2025, 0, n) / 1000;
const revoked = join(keys, 'revoked_keys');
writeFileSync(revoked, `# bob left\n${pub(bob)}\n`);

/** git's letter for each commit from HEAD, the checkout's file as git's allowedSignersFile. */
const gitLetters = (r: TestRepo): string[] =>
  r.run(['-c', `gpg.ssh.allowedSignersFile=${join(r.dir, FILE)}`, 'log', '--format=%G?', 'HEAD']).split('\n');

/** An impersonation audit with the checkout's file (and `extra`): its exit code and the commits it fails. */
async function audit(r: TestRepo, extra: string[] = []): Promise<{ code: number; failed: string[] }> {
  const args = ['audit', '-C', r.dir, '--allowed-signers', join(r.dir, FILE), '--threat', 'impersonation'];
  const res = await runMain([...args, '--format', 'json', '--no-cache', '--no-ledger', ...extra], { env: r.env });
  const report = parseJson(res);
  const rules = ['commits-signed', 'signers-authorized', 'signing-keys-valid'];
  const failed = rules.flatMap((id) => resultOf(report, id).findings.map((f: { commit?: string }) => f.commit ?? ''));
  return { code: res.code, failed: [...new Set(failed)].sort() };
}

/** alice starts the file (and bob), works, then rotates to alice2: the old line `kept` with valid-before or deleted. */
function rotated(kept: boolean): { r: TestRepo; old: string[] } {
  const r = makeRepo();
  configureSshSigning(r, alice);
  const both = line('alice@example.com', alice) + line('bob@example.com', bob);
  const init = commitAsPerson(r, alice, 'alice@example.com', 'init', { [FILE]: both, a: '1\n' }, [], day(1));
  const work = commitAsPerson(r, alice, 'alice@example.com', 'work', { b: '1\n' }, [], day(2));
  const oldLine = kept ? line('alice@example.com', alice, 'valid-before="20250110"') : '';
  const next = oldLine + line('alice@example.com', alice2) + line('bob@example.com', bob);
  commitAsPerson(r, alice, 'alice@example.com', 'rotate', { [FILE]: next }, [], day(3));
  commitAsPerson(r, alice2, 'alice@example.com', 'new key', { c: '1\n' }, [], day(4));
  return { r, old: [init, work].sort() };
}

test('a rotation that keeps the old key with valid-before: git reads G, gitguard passes', async () => {
  const { r } = rotated(true);
  expect(gitLetters(r)).toEqual(['G', 'G', 'G', 'G']);
  expect(await audit(r)).toEqual({ code: 0, failed: [] });
});

test('twin: a rotation deleting the old key voids what it signed, as git reads it (U)', async () => {
  const { r, old } = rotated(false);
  expect(gitLetters(r)).toEqual(['G', 'U', 'U', 'U']);
  // The rotation itself changes the file: judged by its parent's version, which lists the old key.
  expect(await audit(r)).toEqual({ code: 1, failed: old });
});

test('a key deleted on main still signs on a branch forked before: --revoked-keys stops it there', async () => {
  const r = makeRepo();
  configureSshSigning(r, alice);
  const both = line('alice@example.com', alice) + line('bob@example.com', bob);
  commitAsPerson(r, alice, 'alice@example.com', 'init', { [FILE]: both, a: '1\n' }, [], day(1));
  r.run(['branch', 'fork']);
  commitAsPerson(r, alice, 'alice@example.com', 'bob leaves', { [FILE]: line('alice@example.com', alice) }, [], day(3));
  r.run(['checkout', '-q', 'fork']);
  const late = commitAsPerson(r, bob, 'bob@example.com', 'late work', { z: '1\n' }, [], day(5));
  // His fork's file lists him: git says G, and so does the audit of that branch.
  expect(gitLetters(r)).toEqual(['G', 'G']);
  expect(await audit(r)).toEqual({ code: 0, failed: [] });
  expect(await audit(r, ['--revoked-keys', revoked])).toEqual({ code: 1, failed: [late] });
  // On main, whose file no longer lists him, his commit fails once merged.
  r.run(['checkout', '-q', 'main']);
  r.run(['merge', '-q', '--no-ff', '--no-edit', 'fork'], {
    env: { GIT_COMMITTER_DATE: `@${day(6)} +0000`, GIT_AUTHOR_DATE: `@${day(6)} +0000` },
  });
  expect((await audit(r)).failed).toContain(late);
});
