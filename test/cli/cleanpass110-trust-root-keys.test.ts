// cleanpass110: a keys-only project (no .gitguard policy; its signers in a tracked
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
import { parseJson, resultOf, runCli } from '../helpers/cli.js';

afterAll(cleanupTemp);

const FILE = '.github/allowed_signers';
const keys = tempDir();
const alice = makeSshKey(keys, 'ed25519', 'alice');
const bob = makeSshKey(keys, 'ed25519', 'bob');
const mallory = makeSshKey(keys, 'ed25519', 'mallory');
const line = (email: string, k: SshTestKey): string => `${email} ${k.pub.split(' ').slice(0, 2).join(' ')}\n`;

/** Unsigned history, then alice starts the signers file (the root CI names), adds bob, and both work. */
function project(): { r: TestRepo; root: string } {
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

/** git's letters for every commit of the clone at `dir` (from HEAD), with the checkout's file as git's allowedSignersFile. */
const gitLetters = (r: TestRepo, dir: string): string[] =>
  r.run(['-C', dir, '-c', `gpg.ssh.allowedSignersFile=${join(dir, FILE)}`, 'log', '--format=%G?', 'HEAD']).split('\n');

function audit(r: TestRepo, dir: string, extra: string[]): { code: number; failed: string[]; why: string[] } {
  const res = runCli(['audit', '-C', dir, '--threat', 'impersonation', '--format', 'json', '--no-cache', ...extra], {
    env: r.env,
  });
  const findings = resultOf(parseJson(res), 'signers-authorized').findings;
  return { code: res.code, failed: findings.map((f) => f.commit ?? ''), why: findings.map((f) => f.message) };
}

test('--trust-root <full id> with the tracked signers file: git reads G for every commit in scope, gitguard passes', () => {
  const { r, root } = project();
  expect(gitLetters(r, r.dir)).toEqual(['G', 'G', 'G', 'G', 'N']);
  expect(audit(r, r.dir, ['--allowed-signers', join(r.dir, FILE), '--trust-root', root])).toMatchObject({
    code: 0,
    failed: [],
  });
});

test('the same in a shallow clone (CI fetch-depth: 2) from the commit before the tip', () => {
  const { r } = project();
  const dir = join(tempDir(), 'shallow');
  const clone = spawnSync('git', ['clone', '-q', '--depth', '2', `file://${r.dir}`, dir], { env: r.env });
  expect(clone.status).toBe(0);
  const from = r.run(['-C', dir, 'rev-parse', 'HEAD~1']);
  expect(r.run(['-C', dir, 'rev-parse', '--is-shallow-repository'])).toBe('true');
  expect(gitLetters(r, dir)).toEqual(['G', 'G']);
  expect(audit(r, dir, ['--allowed-signers', join(dir, FILE), '--trust-root', from])).toMatchObject({
    code: 0,
    failed: [],
  });
});

test('twin: an unlisted signer after the root fails', () => {
  const { r, root } = project();
  const evil = commitAsPerson(r, mallory, 'bob@example.com', 'evil', { d: '1\n' });
  expect(gitLetters(r, r.dir)[0]).toBe('U');
  expect(audit(r, r.dir, ['--allowed-signers', join(r.dir, FILE), '--trust-root', root])).toMatchObject({
    code: 1,
    failed: [evil],
  });
});

test('twin: without keys, a root that carries no policy still judges nothing, with its reason', () => {
  const { r, root } = project();
  const res = audit(r, r.dir, ['--trust-root', root]);
  expect(res.code).toBe(1);
  expect(res.failed).toHaveLength(4);
  expect(res.why[0]).toContain('carries no .gitguard/policy.yml');
});
