// opts102: `--baseline` naming a file tracked in the audited checkout. A commit that writes a finding
// of the audited history into that baseline accepted it itself: the finding was suppressed and the
// audit passed. An entry a commit in scope added (none of its parents' versions lists it) now
// suppresses nothing; the twins, the file's first version (adopting gitguard on an old history) and
// the same baseline kept outside the repository (the user's word), still suppress it.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTemp, makeRepo, tempDir, type TestRepo } from '../helpers/repo.js';
import { commitAsPerson, configureSshSigning, makeSshKey } from '../helpers/ssh.js';
import { runCli } from '../helpers/cli.js';
import { TokenFactory } from '../helpers/secrets.js';

afterAll(cleanupTemp);

const keys = tempDir();
const maint = makeSshKey(keys, 'ed25519', 'maint');
const bob = makeSshKey(keys, 'ed25519', 'bob');
const signers = join(keys, 'allowed_signers');
writeFileSync(signers, `maint@example.com ${maint.pub}\nbob@example.com ${bob.pub}\n`);
const RULE = ['-r', 'secrets-not-in-history,commits-signed,signers-authorized'];

const gitguard = (r: TestRepo, ...args: string[]) =>
  runCli([...args, '-C', r.dir, '--allowed-signers', signers, '--no-cache', ...RULE], { env: r.env });

/** Bob commits a token; the baseline that lists its finding, written by gitguard itself. */
function withSecret(firstBaseline: boolean): { r: TestRepo; listing: string } {
  const r = makeRepo();
  configureSshSigning(r, maint);
  commitAsPerson(r, maint, 'maint@example.com', 'init', {
    a: '1\n',
    ...(firstBaseline ? {} : { 'baseline.json': readFileSync(emptyBaseline(r)).toString() }),
  });
  commitAsPerson(r, bob, 'bob@example.com', 'token', {
    'deploy.env': `TOKEN=${new TokenFactory(7).checksummed('ghp_')}\n`,
  });
  const listing = join(tempDir(), 'b.json');
  mkdirSync(join(listing, '..'), { recursive: true });
  expect(gitguard(r, 'baseline', 'write', listing).code).toBe(0);
  return { r, listing };
}

function emptyBaseline(r: TestRepo): string {
  const f = join(tempDir(), 'empty.json');
  mkdirSync(join(f, '..'), { recursive: true });
  expect(gitguard(r, 'baseline', 'write', f).code).toBe(0); // an empty history: no findings
  return f;
}

test('a commit that adds the finding to the tracked baseline does not suppress it', () => {
  const { r, listing } = withSecret(false);
  expect(gitguard(r, 'audit').code).toBe(1);
  commitAsPerson(r, bob, 'bob@example.com', 'accept it', { 'baseline.json': readFileSync(listing).toString() });
  const res = gitguard(r, 'audit', '--baseline', join(r.dir, 'baseline.json'));
  expect([res.code, res.stdout]).toEqual([1, expect.stringMatching(/FAIL\s+secrets-not-in-history/)]);
});

test("twin: the file's first version, and a copy outside the repository, suppress it", () => {
  const { r, listing } = withSecret(true);
  commitAsPerson(r, maint, 'maint@example.com', 'adopt gitguard', {
    'baseline.json': readFileSync(listing).toString(),
  });
  expect(gitguard(r, 'audit', '--baseline', join(r.dir, 'baseline.json')).code).toBe(0);
  const outside = join(tempDir(), 'outside.json');
  mkdirSync(join(outside, '..'), { recursive: true });
  copyFileSync(listing, outside);
  expect(gitguard(r, 'audit', '--baseline', outside).code).toBe(0);
});
