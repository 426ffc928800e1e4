// A branch forked before the trust root, judged by a plain `gitguard audit` (no --base, no hook):
// round 8 made the server's HEAD and CI's --base judge it; a plain audit still took the trust root's
// policy, so a signer removed since (Carol) passed on a pull request forked before adoption day, once
// a maintainer merged it. Now the policy at HEAD judges what the ledger's last record did not hold
// yet; what it held keeps the judgement it had (the root's policy), so a removal never fails work
// accepted before it.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupTemp, copyRepo, makeRepo, type TestRepo } from '../helpers/repo.js';
import { commitAsPerson, configureSshSigning, makeSshKey, type SshTestKey } from '../helpers/ssh.js';
import { runMain, parseJson, resultOf } from '../helpers/cli.js';

let alice: SshTestKey;
let carol: SshTestKey;
let base: TestRepo;
let preRoot: string;

const POLICY = (carolToo: boolean): string =>
  `version: 1\nsigners:\n  - name: Alice\n    emails: [alice@example.com]\n${carolToo ? '  - name: Carol\n    emails: [carol@example.com]\n' : ''}maintainers: [Alice]\n`;
const SIGNERS = (carolToo: boolean): string =>
  `alice@example.com ${alice.pub}\n${carolToo ? `carol@example.com ${carol.pub}\n` : ''}`;

beforeAll(() => {
  const keys = mkdtempSync(join(tmpdir(), 'gg-rt9-'));
  alice = makeSshKey(keys, 'ed25519', 'alice');
  carol = makeSshKey(keys, 'ed25519', 'carol');
  const r = makeRepo();
  configureSshSigning(r, alice);
  preRoot = commitAsPerson(r, undefined, 'alice@example.com', 'before the policy', { 'src/a.txt': 'a\n' });
  commitAsPerson(r, alice, 'alice@example.com', 'gitguard init', {
    '.gitguard/policy.yml': POLICY(true),
    '.gitguard/allowed_signers': SIGNERS(true),
  });
  base = r;
});
afterAll(cleanupTemp);

/** Alice, the maintainer, removes Carol from the policy. */
const carolLeaves = (r: TestRepo): string =>
  commitAsPerson(r, alice, 'alice@example.com', 'carol left the project', {
    '.gitguard/policy.yml': POLICY(false),
    '.gitguard/allowed_signers': SIGNERS(false),
  });

/** A branch from before the root with one commit by `key` as `email`, merged into main by Alice. */
function mergeSide(r: TestRepo, key: SshTestKey, email: string, name: string): string {
  r.run(['checkout', '-q', '-b', name, preRoot]);
  const tip = commitAsPerson(r, key, email, `work on ${name}`, { [`src/${name}.txt`]: 'x\n' });
  r.run(['checkout', '-q', 'main']);
  r.run(['-c', `user.signingkey=${alice.path}`, 'merge', '-q', '--no-ff', '-S', '-m', `merge ${name}`, name], {
    env: { GIT_COMMITTER_NAME: 'alice', GIT_COMMITTER_EMAIL: 'alice@example.com' },
  });
  return tip;
}

/** A plain audit of the threats that record the ledger: its exit code, signers-authorized, whether it recorded. */
async function audit(r: TestRepo) {
  const res = await runMain(['audit', '-C', r.dir, '--format', 'json', '--no-cache', '-t', 'impersonation,history'], {
    env: r.env,
  });
  const report = parseJson(res);
  return {
    code: res.code,
    authorized: resultOf(report, 'signers-authorized').outcome,
    recorded: report.ledger?.updated,
    stdout: res.stdout,
  };
}

test("Carol, removed, on a branch forked before the root and merged by Alice: the plain audit fails (before: pass under the root's policy)", async () => {
  const r = copyRepo(base);
  carolLeaves(r);
  expect(await audit(r)).toMatchObject({ code: 0, authorized: 'pass', recorded: true }); // the ledger records main
  const tip = mergeSide(r, carol, 'carol@example.com', 'side');
  const after = await audit(r);
  expect(after).toMatchObject({ code: 1, authorized: 'fail' });
  expect(after.stdout).toContain(tip.slice(0, 12));
});

test('twin: the same branch merged while Carol was a signer, recorded, then Carol removed: still passes', async () => {
  const r = copyRepo(base);
  mergeSide(r, carol, 'carol@example.com', 'side');
  expect(await audit(r)).toMatchObject({ code: 0, authorized: 'pass' });
  carolLeaves(r);
  expect(await audit(r)).toMatchObject({ code: 0, authorized: 'pass' });
});

test("twin: Alice's branch forked before the root, merged after Carol left and the ledger recorded: passes", async () => {
  const r = copyRepo(base);
  carolLeaves(r);
  expect(await audit(r)).toMatchObject({ code: 0, authorized: 'pass' });
  mergeSide(r, alice, 'alice@example.com', 'side');
  expect(await audit(r)).toMatchObject({ code: 0, authorized: 'pass' });
});
