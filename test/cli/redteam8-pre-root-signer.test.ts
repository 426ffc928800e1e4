// Red-team round 8: a branch forked before the trust root is judged by a policy (clean-workflows-7),
// but which one? The root's is the policy of adoption day: a signer the project has since removed
// (left the project, key rotated out without a revocation) is still in it. Such a signer pushed a new
// branch forked from before the root to the governed server, or opened it as a pull request that CI
// audits with --base, and was accepted, where the same commit on main's history is refused. What the
// server (its HEAD) or CI (--base) has accepted judges such a push, as it judges every other push.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupTemp, copyRepo, makeRepo, tempDir, type TestRepo } from '../helpers/repo.js';
import { commitAsPerson, configureSshSigning, makeSshKey, type SshTestKey } from '../helpers/ssh.js';
import { runMain, parseJson, resultOf } from '../helpers/cli.js';

let alice: SshTestKey;
let carol: SshTestKey;
let base: TestRepo;
let fx: { preRoot: string; root: string; mainTip: string };

const POLICY = (carolToo: boolean): string =>
  `version: 1\nsigners:\n  - name: Alice\n    emails: [alice@example.com]\n${carolToo ? '  - name: Carol\n    emails: [carol@example.com]\n' : ''}maintainers: [Alice]\n`;

const commitAs = commitAsPerson;

beforeAll(() => {
  const keys = mkdtempSync(join(tmpdir(), 'gg-rt8-'));
  alice = makeSshKey(keys, 'ed25519', 'alice');
  carol = makeSshKey(keys, 'ed25519', 'carol');
  const r = makeRepo();
  configureSshSigning(r, alice);
  const preRoot = commitAs(r, undefined, 'alice@example.com', 'before the policy', { 'src/a.txt': 'a\n' });
  const root = commitAs(r, alice, 'alice@example.com', 'gitguard init', {
    '.gitguard/policy.yml': POLICY(true),
    '.gitguard/allowed_signers': `alice@example.com ${alice.pub}\ncarol@example.com ${carol.pub}\n`,
  });
  // Carol leaves: Alice, the maintainer, removes her from the signers and her key from the policy.
  const mainTip = commitAs(r, alice, 'alice@example.com', 'carol left the project', {
    '.gitguard/policy.yml': POLICY(false),
    '.gitguard/allowed_signers': `alice@example.com ${alice.pub}\n`,
  });
  base = r;
  fx = { preRoot, root, mainTip };
});
afterAll(cleanupTemp);

/** A copy with a branch `side` from `from` holding one commit signed by `key` as `email`. */
function sideBranch(from: string, key: SshTestKey, email: string): { r: TestRepo; tip: string } {
  const r = copyRepo(base);
  r.run(['checkout', '-q', '-b', 'side', from]);
  const tip = commitAs(r, key, email, 'a change', { 'src/evil.txt': 'x\n' });
  return { r, tip };
}

/** The governed server (main at the tip) judging a push creating refs/heads/side at `tip`. */
async function preReceive(r: TestRepo, tip: string) {
  const dir = join(tempDir(), 'server.git');
  r.run(['init', '-q', '--bare', dir]);
  r.run(['push', '-q', dir, `${fx.mainTip}:refs/heads/main`]);
  r.run(['--git-dir', dir, 'fetch', '-q', r.dir, tip]);
  return runMain(['hook', 'run', 'pre-receive'], {
    cwd: dir,
    env: r.env,
    input: `${'0'.repeat(40)} ${tip} refs/heads/side\n`,
  });
}

/** CI's audit of the branch at `tip` against --base main. */
async function ciAudit(r: TestRepo) {
  const res = await runMain(
    ['audit', '-C', r.dir, '--format', 'json', '--no-cache', '-r', 'signers-authorized', '--base', fx.mainTip],
    { env: r.env },
  );
  return { code: res.code, outcome: resultOf(parseJson(res), 'signers-authorized').outcome };
}

describe('a signer removed from the policy, on a branch forked before the trust root', () => {
  test('the server hook refuses her push (before: accepted under the root policy)', async () => {
    const { r, tip } = sideBranch(fx.preRoot, carol, 'carol@example.com');
    const res = await preReceive(r, tip);
    expect(res.stderr).toMatch(new RegExp(`commit ${tip.slice(0, 12)} refused by signers-authorized`));
    expect(res.code).toBe(1);
  });

  test('CI --base main fails signers-authorized (before: pass)', async () => {
    const { r } = sideBranch(fx.preRoot, carol, 'carol@example.com');
    expect(await ciAudit(r)).toEqual({ code: 1, outcome: 'fail' });
  });

  test('twin: the same commit forked from main is refused, as it always was', async () => {
    const { r, tip } = sideBranch(fx.mainTip, carol, 'carol@example.com');
    expect((await preReceive(r, tip)).code).toBe(1);
  });

  test("twin: Alice's branch forked before the root is still accepted, by the hook and CI", async () => {
    const { r, tip } = sideBranch(fx.preRoot, alice, 'alice@example.com');
    const res = await preReceive(r, tip);
    expect(res.stderr).not.toMatch(/refused/);
    expect(res.code).toBe(0);
    expect(await ciAudit(r)).toEqual({ code: 0, outcome: 'pass' });
  });
});

describe('held: a branch forked before the root brings back the pre-root workflow (no gitguard step) in a merge', () => {
  test("Carol's merge that keeps the old workflow changes it against main: protected paths and the CI gate fail; Alice's merge as git merges passes", async () => {
    const r = makeRepo();
    configureSshSigning(r, alice);
    const WF = '.github/workflows/ci.yml';
    commitAs(r, undefined, 'alice@example.com', 'before the policy', {
      [WF]: 'on: push\njobs: { t: { runs-on: x, steps: [ { run: make } ] } }\n',
    });
    r.run(['branch', 'old']);
    commitAs(r, alice, 'alice@example.com', 'gitguard init', {
      '.gitguard/policy.yml': POLICY(true),
      '.gitguard/allowed_signers': `alice@example.com ${alice.pub}\ncarol@example.com ${carol.pub}\n`,
      [WF]: 'on: push\njobs: { t: { runs-on: x, steps: [ { run: make }, { run: npx gitguard audit } ] } }\n',
    });
    r.run(['checkout', '-q', 'old']);
    commitAs(r, carol, 'carol@example.com', 'a fix on the old line', { 'src/fix.txt': 'f\n' });
    r.run(['checkout', '-q', 'main']);
    const rules = ['signers-authorized', 'protected-paths-changed-by-maintainers', 'ci-gate-kept'];
    const judged = async (dir: string) => {
      const res = await runMain(['audit', '-C', dir, '--format', 'json', '--no-cache', '-r', rules.join(',')], {
        env: r.env,
      });
      const report = parseJson(res);
      return Object.fromEntries(rules.map((id) => [id, resultOf(report, id).outcome]));
    };
    const carols = copyRepo(r);
    carols.run(['merge', '-q', '--no-ff', '--no-commit', 'old']);
    carols.run(['checkout', 'old', '--', WF]);
    carols.run(['-c', `user.signingkey=${carol.path}`, 'commit', '-q', '-S', '-m', 'merge old'], {
      env: {
        GIT_COMMITTER_NAME: 'carol',
        GIT_COMMITTER_EMAIL: 'carol@example.com',
        GIT_AUTHOR_NAME: 'carol',
        GIT_AUTHOR_EMAIL: 'carol@example.com',
      },
    });
    expect(await judged(carols.dir)).toEqual({
      'signers-authorized': 'pass',
      'protected-paths-changed-by-maintainers': 'fail',
      'ci-gate-kept': 'fail',
    });
    r.run(['-c', `user.signingkey=${alice.path}`, 'merge', '-q', '--no-ff', '-S', '-m', 'merge old', 'old']);
    expect(await judged(r.dir)).toEqual({
      'signers-authorized': 'pass',
      'protected-paths-changed-by-maintainers': 'pass',
      'ci-gate-kept': 'pass',
    });
  });
});
