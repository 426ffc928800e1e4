// Red-team round 12: at most 512 derived paths are watched, and the nested `.gitattributes` past
// that cap (in `git ls-tree` order) were simply not watched: in a tree holding more of them (a
// vendored monorepo), a signer who is no maintainer set `merge=ours` in the last one and
// protected-paths-changed-by-maintainers passed. Past the cap the watch now folds them into their
// folders (fail closed: a change anywhere there is a protected change), never drops one.
import { makeRepo, cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { commitAsPerson, configureSshSigning, makeSshKey, type SshTestKey } from '../helpers/ssh.js';
import { runMain } from '../helpers/cli.js';

afterAll(cleanupTemp);

const POLICY =
  'version: 1\nsigners:\n  - name: Alice\n    emails: [alice@example.com]\n  - name: Bob\n    emails: [bob@example.com]\nmaintainers: [Alice]\n';

/** alice (maintainer) commits the policy and 600 vendored packages, each with its .gitattributes. */
function monorepo(): { r: TestRepo; alice: SshTestKey; bob: SshTestKey } {
  const r = makeRepo();
  const alice = makeSshKey(r.home, 'ed25519', 'alice');
  const bob = makeSshKey(r.home, 'ed25519', 'bob');
  configureSshSigning(r, alice);
  const files: Record<string, string> = {
    '.gitguard/policy.yml': POLICY,
    '.gitguard/allowed_signers': `alice@example.com ${alice.pub}\nbob@example.com ${bob.pub}\n`,
  };
  for (let i = 0; i < 600; i += 1) {
    const pkg = `vendor/p${String(i).padStart(3, '0')}`;
    files[`${pkg}/.gitattributes`] = '*.bin binary\n';
    files[`${pkg}/lib.c`] = `int f${i};\n`;
  }
  commitAsPerson(r, alice, 'alice@example.com', 'policy and vendored packages', files);
  return { r, alice, bob };
}

const audit = (r: TestRepo): Promise<{ code: number; stdout: string }> =>
  runMain(['audit', '-C', r.dir, '-r', 'protected-paths-changed-by-maintainers', '--no-ledger'], { env: r.env });

test('a nested .gitattributes past the cap, changed by a signer who is no maintainer: fails', async () => {
  const { r, bob } = monorepo();
  commitAsPerson(r, bob, 'bob@example.com', 'lock', { 'vendor/p599/.gitattributes': 'lock.json merge=ours\n' });
  const res = await audit(r);
  expect([res.code, res.stdout]).toEqual([1, expect.stringContaining('vendor')]);
});

test("twin: the maintainer's change passes", async () => {
  const { r, alice } = monorepo();
  commitAsPerson(r, alice, 'alice@example.com', 'lock', { 'vendor/p599/.gitattributes': 'lock.json merge=ours\n' });
  expect((await audit(r)).code).toBe(0);
});

test('more top-level folders holding one than the cap: exit 2, one line saying so', async () => {
  const r = makeRepo();
  const files: Record<string, string> = {};
  for (let i = 0; i < 600; i += 1) files[`p${String(i).padStart(3, '0')}/.gitattributes`] = '*.bin binary\n';
  r.commit('packages', files);
  const res = await runMain(['audit', '-C', r.dir, '-r', 'protected-paths-changed-by-maintainers', '--no-ledger'], {
    env: r.env,
  });
  expect([res.code, res.stderr.trim().split('\n').length, res.stderr]).toEqual([
    2,
    1,
    expect.stringContaining('cannot all be watched'),
  ]);
});
