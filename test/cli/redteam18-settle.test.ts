// Red team: commits judged by HEAD's policy wait for the end of the walk (settle). A policy change by
// a signer who is no maintainer (Bob adds Mallory and her key) is later "ratified" by a maintainer's
// commit that keeps Mallory: the window between judges nothing, whatever the tip's policy says, also
// when the walk starts later (--base) or resumes from the ledger (all held: no fix needed).
import { makeRepo, cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { commitAsPerson, configureSshSigning, makeSshKey } from '../helpers/ssh.js';
import { runMain } from '../helpers/cli.js';

afterAll(cleanupTemp);

const policy = (extra = ''): string =>
  `version: 1\nsigners:\n  - name: Alice\n    emails: [alice@example.com]\n  - name: Bob\n    emails: [bob@example.com]\n${extra}maintainers: [Alice]\n`;
const MALLORY = '  - name: Mallory\n    emails: [mallory@example.com]\n';

async function ratified(
  first?: (r: TestRepo) => Promise<void>,
): Promise<{ r: TestRepo; before: string; window: string }> {
  const r = makeRepo();
  const alice = makeSshKey(r.home, 'ed25519', 'alice');
  const bob = makeSshKey(r.home, 'ed25519', 'bob');
  const mallory = makeSshKey(r.home, 'ed25519', 'mallory');
  configureSshSigning(r, alice);
  const signers = `alice@example.com ${alice.pub}\nbob@example.com ${bob.pub}\n`;
  const before = commitAsPerson(r, alice, 'alice@example.com', 'policy', {
    '.gitguard/policy.yml': policy(),
    '.gitguard/allowed_signers': signers,
  });
  await first?.(r);
  commitAsPerson(r, bob, 'bob@example.com', 'add a colleague', {
    '.gitguard/policy.yml': policy(MALLORY),
    '.gitguard/allowed_signers': `${signers}mallory@example.com ${mallory.pub}\n`,
  });
  const window = commitAsPerson(r, mallory, 'mallory@example.com', 'backdoor', { 'src/a.js': 'evil()\n' });
  commitAsPerson(r, alice, 'alice@example.com', 'ratify', { '.gitguard/policy.yml': `${policy(MALLORY)}# ok\n` });
  commitAsPerson(r, mallory, 'mallory@example.com', 'later', { 'src/b.js': 'fine()\n' });
  return { r, before, window };
}

const audit = (r: TestRepo, ...extra: string[]) =>
  runMain(['audit', '-C', r.dir, '--no-ledger', '--no-cache', ...extra], { env: r.env });

test('a policy change without a maintainer, ratified later: the window it judged still fails', async () => {
  const { r, window } = await ratified();
  // The window's commit itself fails signers-authorized (not only the policy change's path rule).
  const res = await audit(r, '-r', 'signers-authorized');
  expect(res.code).toBe(1);
  expect(res.stdout).toContain(window.slice(0, 7));
});

test('the same from --base (a CI range starting before the change)', async () => {
  const { r, before, window } = await ratified();
  const res = await audit(r, '--base', before, '-r', 'signers-authorized');
  expect(res.code).toBe(1);
  expect(res.stdout).toContain(window.slice(0, 7));
});

test('the same in an incremental re-audit resuming from the ledger recorded before the change', async () => {
  const { r, window } = await ratified(async (at) => {
    const first = await runMain(['audit', '-C', at.dir, '--no-cache', '-r', 'signers-authorized'], { env: at.env });
    expect(first.code).toBe(0);
  });
  const res = await runMain(['audit', '-C', r.dir, '--no-cache', '-r', 'signers-authorized'], { env: r.env });
  expect(res.code).toBe(1);
  expect(res.stdout).toContain(window.slice(0, 7));
});

test("the tip's goodlist vouching for a change that brings back the policy.yml before it but adds Mallory's key beside it: Mallory's commit after it still fails", async () => {
  const r = makeRepo();
  const alice = makeSshKey(r.home, 'ed25519', 'alice');
  const bob = makeSshKey(r.home, 'ed25519', 'bob');
  const mallory = makeSshKey(r.home, 'ed25519', 'mallory');
  configureSshSigning(r, alice);
  const signers = `alice@example.com ${alice.pub}\nbob@example.com ${bob.pub}\n`;
  commitAsPerson(r, alice, 'alice@example.com', 'policy', {
    '.gitguard/policy.yml': policy(),
    '.gitguard/allowed_signers': signers,
  });
  const broke = commitAsPerson(r, bob, 'bob@example.com', 'oops', { '.gitguard/policy.yml': 'version: [\n' });
  const fix = commitAsPerson(r, bob, 'bob@example.com', 'fix the policy', {
    '.gitguard/policy.yml': policy(),
    '.gitguard/allowed_signers': `${signers}mallory@example.com ${mallory.pub}\n`,
  });
  const m = commitAsPerson(r, mallory, 'mallory@example.com', 'backdoor', { 'src/a.js': 'evil()\n' });
  commitAsPerson(r, alice, 'alice@example.com', 'goodlist the fix', {
    '.gitguard/policy.yml': `${policy()}goodlist:\n  - commit: ${broke}\n    reason: broken policy\n  - commit: ${fix}\n    reason: the fix\n`,
  });
  const res = await audit(r, '-r', 'signers-authorized');
  expect(res.code).toBe(1);
  expect(res.stdout).toContain(m.slice(0, 7));
});
