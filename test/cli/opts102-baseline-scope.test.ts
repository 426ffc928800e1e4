// opts102: `--baseline` naming a file tracked in the audited checkout, extended by the change. A
// commit's own finding cannot be in the baseline it writes (the fingerprint holds its id), so an
// outsider who writes his first commit's findings into the baseline in a second commit still fails
// on the second: it is judged itself (signers-authorized). The twin: a listed signer (the only kind
// of vouching a keys-only audit has; with a policy, a maintainer: target92-gate-files) excuses it.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTemp, makeRepo, tempDir, type TestRepo } from '../helpers/repo.js';
import { commitAsPerson, configureSshSigning, makeSshKey } from '../helpers/ssh.js';
import { runMain } from '../helpers/cli.js';
import { TokenFactory } from '../helpers/secrets.js';

afterAll(cleanupTemp);

const keys = tempDir();
const maint = makeSshKey(keys, 'ed25519', 'maint');
const bob = makeSshKey(keys, 'ed25519', 'bob');
const eve = makeSshKey(keys, 'ed25519', 'eve');
const signers = join(keys, 'allowed_signers');
writeFileSync(signers, `maint@example.com ${maint.pub}\nbob@example.com ${bob.pub}\n`);
const RULE = ['-r', 'secrets-not-in-history,commits-signed,signers-authorized'];

const gitguard = (r: TestRepo, ...args: string[]) =>
  runMain([...args, '-C', r.dir, '--allowed-signers', signers, '--no-cache', ...RULE], { env: r.env });

/** A file outside the repository holding gitguard's own baseline of `r` now. */
async function written(r: TestRepo): Promise<string> {
  const f = join(tempDir(), 'b.json');
  mkdirSync(join(f, '..'), { recursive: true });
  expect((await gitguard(r, 'baseline', 'write', f)).code).toBe(0);
  return readFileSync(f, 'utf8');
}

/** The maintainer's baseline of an empty history, then `who` commits a token. */
async function withSecret(who: typeof bob, email: string): Promise<TestRepo> {
  const r = makeRepo();
  configureSshSigning(r, maint);
  const empty = await written(r);
  commitAsPerson(r, maint, 'maint@example.com', 'init', { a: '1\n', 'baseline.json': empty });
  commitAsPerson(r, who, email, 'token', { 'deploy.env': `TOKEN=${new TokenFactory(7).checksummed('ghp_')}\n` });
  return r;
}

test("an outsider who writes his earlier commit's findings into the tracked baseline still fails", async () => {
  const r = await withSecret(eve, 'eve@example.com');
  commitAsPerson(r, eve, 'eve@example.com', 'accept it', { 'baseline.json': await written(r) });
  const res = await gitguard(r, 'audit', '--baseline', join(r.dir, 'baseline.json'));
  expect([res.code, res.stdout]).toEqual([
    1,
    expect.stringMatching(/FAIL\s+signers-authorized[\s\S]*pass\s+secrets-not-in-history/),
  ]);
});

test('twin: a listed signer writes it into the tracked baseline: suppressed, the audit passes', async () => {
  const r = await withSecret(bob, 'bob@example.com');
  expect((await gitguard(r, 'audit')).code).toBe(1);
  commitAsPerson(r, bob, 'bob@example.com', 'accept it', { 'baseline.json': await written(r) });
  expect((await gitguard(r, 'audit', '--baseline', join(r.dir, 'baseline.json'))).code).toBe(0);
});
