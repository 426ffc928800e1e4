// Red team 62: the default trust root is the first commit carrying the policy on the tip's first-parent
// chain, and whoever makes a merge picks its first parent. Bob (a signer, no maintainer) forks from
// the history before Alice adopted the policy, commits there a copy of her policy naming himself a
// maintainer, merges main with `-s ours` (his side first) and fast-forwards main to it: git's own
// first-parent answer for the root is now his commit, judged by its own policy. Alice's commits are
// not unrelated history (they share the commit before the policy), so nothing marks them foreign.
// Once the ledger has recorded the root, or in CI with --base, the audit must keep Alice's root and
// fail Bob's policy; the twins (Alice's own policy change, Bob's old work branch merged the same way)
// pass. A fresh clone with neither takes the tip's history on first use, as the README says.
import { writeFileSync } from 'node:fs';
import { cleanupTemp, makeRepo, type TestRepo } from '../helpers/repo.js';
import { commitAsPerson, configureSshSigning, sharedSshKey, type SshTestKey } from '../helpers/ssh.js';
import { parseJson, resultOf, runMain } from '../helpers/cli.js';

afterAll(cleanupTemp);

const RULES = ['policy-changes-authorized', 'signers-authorized', 'protected-paths-changed-by-maintainers'];
const POLICY = (maintainers: string): string =>
  `version: 1\nsigners:\n  - name: Alice\n    emails: [alice@example.com]\n  - name: Bob\n    emails: [bob@example.com]\nmaintainers: [${maintainers}]\n`;

interface Setup {
  r: TestRepo;
  alice: SshTestKey;
  bob: SshTestKey;
  preRoot: string;
  root: string;
  tip: string;
}

/** A commit before the policy, Alice's policy (the root) and one more commit of hers. */
function setUp(): Setup {
  const [alice, bob] = [sharedSshKey('alice'), sharedSshKey('bob')];
  const r = makeRepo();
  configureSshSigning(r, alice);
  const preRoot = commitAsPerson(r, undefined, 'alice@example.com', 'before the policy', { 'src/a.txt': 'a\n' });
  const root = commitAsPerson(r, alice, 'alice@example.com', 'gitguard init', {
    '.gitguard/policy.yml': POLICY('Alice'),
    '.gitguard/allowed_signers': `alice@example.com ${alice.pub}\nbob@example.com ${bob.pub}\n`,
  });
  const tip = commitAsPerson(r, alice, 'alice@example.com', 'more work', { 'src/b.txt': 'b\n' });
  return { r, alice, bob, preRoot, root, tip };
}

/** Bob's branch from before the policy (with `files`), main merged into it (his side first, `mergeArgs`), main fast-forwarded. */
function bobsMerge(s: Setup, files: Record<string, string>, mergeArgs: string[]): string {
  s.r.run(['checkout', '-q', '-b', 'side', s.preRoot]);
  commitAsPerson(s.r, s.bob, 'bob@example.com', 'work from before the policy', files);
  s.r.run(['merge', '-q', '--no-commit', ...mergeArgs, 'main']);
  const merge = commitAsPerson(s.r, s.bob, 'bob@example.com', 'merge main', {});
  s.r.run(['checkout', '-q', 'main']);
  s.r.run(['merge', '-q', '--ff-only', 'side']);
  return merge;
}

/** The outcomes of RULES, the exit code and the root the report names. */
async function outcomes(r: TestRepo, extra: string[]): Promise<Record<string, string | number>> {
  const res = await runMain(
    ['audit', '-C', r.dir, '--format', 'json', '--no-ledger', '-r', RULES.join(','), ...extra],
    {
      env: r.env,
    },
  );
  const report = parseJson(res);
  return { code: res.code, ...Object.fromEntries(RULES.map((id) => [id, resultOf(report, id).outcome])) };
}

/** git's own answer for the default root: the oldest first-parent commit whose tree has the policy file. */
function gitsFirstParentRoot(r: TestRepo): string {
  const chain = r.run(['rev-list', '--first-parent', '--reverse', 'HEAD']).split('\n');
  return chain.find((c) => r.run(['ls-tree', '--name-only', c, '.gitguard/policy.yml']) !== '')!;
}

/** git's %G? for `commit`, with the allowed_signers it carries (Alice's, as she wrote them). */
function gitsLetter(r: TestRepo, commit: string): string {
  const file = `${r.dir}/.git/alice-allowed-signers`;
  writeFileSync(file, r.run(['show', `${commit}:.gitguard/allowed_signers`]) + '\n');
  return r.run(['-c', `gpg.ssh.allowedSignersFile=${file}`, 'log', '-1', '--format=%G?', commit]);
}

/** Records the ledger (its tips and trust root) with a full audit, as a maintainer's first run does. */
async function recordLedger(r: TestRepo, root: string): Promise<void> {
  await runMain(['audit', '-C', r.dir, '-q'], { env: r.env });
  const shown = await runMain(['ledger', 'show', r.dir, '--format', 'json'], { env: r.env });
  expect((JSON.parse(shown.stdout) as { ledger: { trustRoot?: string } }).ledger.trustRoot).toBe(root);
}

const FAILS = {
  code: 1,
  'policy-changes-authorized': 'fail',
  'signers-authorized': 'fail',
  'protected-paths-changed-by-maintainers': 'fail',
};
const PASSES = {
  code: 0,
  'policy-changes-authorized': 'pass',
  'signers-authorized': 'pass',
  'protected-paths-changed-by-maintainers': 'pass',
};

test("Bob's policy on a branch from before the root, put first by his merge, fails after the ledger and with --base", async () => {
  const s = setUp();
  await recordLedger(s.r, s.root);
  const signers = s.r.run(['show', `${s.root}:.gitguard/allowed_signers`]) + '\n';
  const bobsPolicy = { '.gitguard/policy.yml': POLICY('Alice, Bob'), '.gitguard/allowed_signers': signers };
  const merge = bobsMerge(s, bobsPolicy, ['-s', 'ours']);
  // git finds Bob's signature good with the policy's own allowed_signers: only the policy may refuse it.
  expect(gitsLetter(s.r, merge)).toBe('G');
  // git's first-parent answer moved to Bob's commit: the attack's premise.
  const moved = gitsFirstParentRoot(s.r);
  expect(moved).not.toBe(s.root);
  expect(s.r.run(['log', '-1', '--format=%ae', moved])).toBe('bob@example.com');
  expect(await outcomes(s.r, [])).toEqual(FAILS);
  // CI on a fresh clone: no ledger, the push's "before" as --base.
  s.r.run(['update-ref', '-d', 'refs/heads/side']);
  expect(
    await outcomes(s.r, ['--no-cache', '--base', s.tip]).then((o) => [o.code, o['policy-changes-authorized']]),
  ).toEqual([1, 'fail']);
});

test("twins: Alice's own policy change, and Bob's old work branch merged his side first, pass", async () => {
  const s = setUp();
  await recordLedger(s.r, s.root);
  const honest = commitAsPerson(s.r, s.alice, 'alice@example.com', 'Bob maintains too', {
    '.gitguard/policy.yml': POLICY('Alice, Bob'),
  });
  expect(gitsLetter(s.r, honest)).toBe('G');
  expect(await outcomes(s.r, [])).toEqual(PASSES);
  expect(await outcomes(s.r, ['--no-cache', '--base', s.tip])).toEqual(PASSES);

  const t = setUp();
  await recordLedger(t.r, t.root);
  bobsMerge(t, { 'src/old.txt': 'old work\n' }, []);
  expect(await outcomes(t.r, [])).toEqual(PASSES);
  expect(await outcomes(t.r, ['--no-cache', '--base', t.tip])).toEqual(PASSES);
});
