// Red-team round 12: at most 512 derived paths are watched, and the nested `.gitattributes` past
// that cap (in `git ls-tree` order) were simply not watched: in a tree holding more of them (a
// vendored monorepo), a signer who is no maintainer set `merge=ours` in the last one and
// protected-paths-changed-by-maintainers passed. Past the cap the watch now folds them into their
// folders (fail closed: a change anywhere there is a protected change), never drops one.
import { makeRepo, cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { commitAsPerson, configureSshSigning, makeSshKey, type SshTestKey } from '../helpers/ssh.js';
import { runMain } from '../helpers/cli.js';
import { protectedPerCommit } from '../helpers/team.js';

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

// Bob's change, then Alice's edit of the same file (a line added), one repository and one audit: each
// commit's verdict read from the findings naming it (each test alone built the 1,200 files and audited).
let got: Awaited<ReturnType<typeof protectedPerCommit>>;
beforeAll(async () => {
  const { r, alice, bob } = monorepo();
  const lock = 'lock.json merge=ours\n';
  got = await protectedPerCommit(r, [
    [bob, 'bob@example.com', { 'vendor/p599/.gitattributes': lock }],
    [alice, 'alice@example.com', { 'vendor/p599/.gitattributes': `${lock}# reviewed\n` }],
  ]);
}, 60_000);

test('a nested .gitattributes past the cap, changed by a signer who is no maintainer: fails', () => {
  expect([got.code, got.perChange[0]]).toEqual([1, expect.stringContaining('vendor')]);
});

test("twin: the maintainer's change passes", () => {
  expect([got.perChange[1], got.others]).toEqual(['', []]);
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
