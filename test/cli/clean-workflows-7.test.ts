// Seventh round of clean set-ups that must pass (see clean-workflows.test.ts to -6): the day a project
// adopts gitguard. The commit that adds .gitguard/ is the trust root, and every branch open at that
// moment forked from history before it: a pull request merged after the root, a maintainer's backport
// on an older release line. Their signed commits failed signers-authorized ("no policy judges it") in
// audit and in the server hook. They are judged by the trust root's policy now, never by one the
// branch brings; each case keeps a twin that still fails.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupTemp, copyRepo, makeRepo, tempDir, type TestRepo } from '../helpers/repo.js';
import { commitAsPerson, configureSshSigning, makeSshKey, type SshTestKey } from '../helpers/ssh.js';
import { runMain, parseJson, resultOf, type JsonReport } from '../helpers/cli.js';
import { tryGit } from '../helpers/signing-repo.js';
import { gitAsync, inProcessHooks, stopHookBridge } from '../helpers/hook-bridge.js';

let alice: SshTestKey;
let carol: SshTestKey;
let bob: SshTestKey;
/** Pre-adoption history, the trust root and main after it, a PR branch and a release line forked before it. */
let base: TestRepo;
let fixture: { preRoot: string; root: string; mainTip: string; releaseBase: string };

const RULES = [
  'commits-signed',
  'signatures-valid',
  'signers-authorized',
  'policy-changes-authorized',
  'protected-paths-changed-by-maintainers',
];

/** Alice maintains, Carol signs. */
const POLICY =
  'version: 1\nsigners:\n  - name: Alice\n    emails: [alice@example.com]\n  - name: Carol\n    emails: [carol@example.com]\nmaintainers: [Alice]\n';

const commitAs = commitAsPerson;
const asAlice = (r: TestRepo, m: string, f: Record<string, string>) => commitAs(r, alice, 'alice@example.com', m, f);
const asCarol = (r: TestRepo, m: string, f: Record<string, string>) => commitAs(r, carol, 'carol@example.com', m, f);
/** A signed --no-ff merge by Alice of `branch` into the checked-out branch. */
const merge = (r: TestRepo, branch: string, extra: string[] = []): string => {
  r.run([
    '-c',
    `user.signingkey=${alice.path}`,
    'merge',
    '-q',
    '--no-ff',
    '-S',
    ...extra,
    '-m',
    `merge ${branch}`,
    branch,
  ]);
  return r.head();
};

beforeAll(() => {
  const keys = mkdtempSync(join(tmpdir(), 'gg-clean7-'));
  alice = makeSshKey(keys, 'ed25519', 'alice');
  carol = makeSshKey(keys, 'ed25519', 'carol');
  bob = makeSshKey(keys, 'ed25519', 'bob');
  const r = makeRepo();
  configureSshSigning(r, alice);
  // Before adoption: unsigned history, a release line and an open pull request branch.
  const releaseBase = commitAs(r, undefined, 'alice@example.com', 'v0.1', { 'src/a.txt': 'a\n' });
  r.run(['branch', 'release-0.x']);
  const preRoot = commitAs(r, undefined, 'dave@example.com', 'before the policy', { 'src/b.txt': 'b\n' });
  r.run(['branch', 'pr']);
  const root = asAlice(r, 'gitguard init', {
    '.gitguard/policy.yml': POLICY,
    '.gitguard/allowed_signers': `alice@example.com ${alice.pub}\ncarol@example.com ${carol.pub}\n`,
  });
  const mainTip = asCarol(r, 'work after adoption', { 'src/c.txt': 'c\n' });
  base = r;
  fixture = { preRoot, root, mainTip, releaseBase };
});
afterAll(async () => {
  await stopHookBridge();
  cleanupTemp();
});

const audit = async (r: TestRepo, extra: string[] = []): Promise<{ code: number; report: JsonReport }> => {
  const res = await runMain(['audit', '-C', r.dir, '--format', 'json', '--no-cache', '-r', RULES.join(','), ...extra], {
    env: r.env,
  });
  return { code: res.code, report: parseJson(res) };
};
const outcomes = (report: JsonReport) => Object.fromEntries(RULES.map((id) => [id, resultOf(report, id).outcome]));
const allPass = Object.fromEntries(RULES.map((id) => [id, 'pass']));
const failing = (report: JsonReport): string[] => RULES.filter((id) => resultOf(report, id).outcome !== 'pass');
const findingsOf = (report: JsonReport, id: string) => resultOf(report, id).findings;

/** The base with the PR branch carrying `build` (run on it), then merged into main by Alice. */
function mergedPr(build: (r: TestRepo) => void): { r: TestRepo; merged: string } {
  const r = copyRepo(base);
  r.run(['checkout', '-q', 'pr']);
  build(r);
  r.run(['checkout', '-q', 'main']);
  return { r, merged: merge(r, 'pr') };
}

/** A bare server holding main at `at`, and the work tree's origin (its remote-tracking refs fetched). */
function server(r: TestRepo, at: string): string {
  const dir = join(tempDir(), 'server.git');
  r.run(['init', '-q', '--bare', dir]);
  r.run(['push', '-q', dir, `${at}:refs/heads/main`]);
  r.run(['remote', 'add', 'origin', dir]);
  r.run(['fetch', '-q', 'origin']);
  return dir;
}

/**
 * The server's hook judging an update of main to `to`: its objects fetched there first without a ref
 * (as a push's quarantine holds them), so nothing makes them known history.
 */
async function preReceive(r: TestRepo, dir: string, from: string, to: string) {
  r.run(['--git-dir', dir, 'fetch', '-q', r.dir, to]);
  return runMain(['hook', 'run', 'pre-receive'], { cwd: dir, env: r.env, input: `${from} ${to} refs/heads/main\n` });
}
/** The pre-push hook judging a push of main from `from` to `to` to origin. */
const prePush = (r: TestRepo, dir: string, from: string, to: string) =>
  runMain(['hook', 'run', 'pre-push', 'origin', dir], {
    cwd: r.dir,
    env: r.env,
    input: `refs/heads/main ${to} refs/heads/main ${from}\n`,
  });

describe('a pull request branch forked before the trust root, merged after it', () => {
  test('signed by an authorized signer: audit, pre-push and pre-receive all pass (before: no-policy in audit and the server)', async () => {
    const { r, merged } = mergedPr((b) => {
      asCarol(b, 'feature', { 'src/feature.txt': 'f\n' });
      asCarol(b, 'feature, reviewed', { 'src/feature.txt': 'f2\n' });
    });
    const { code, report } = await audit(r);
    expect(outcomes(report)).toEqual(allPass);
    expect(code).toBe(0);
    // The pre-root history is still out of scope: the two side commits, the root, main's and the merge.
    expect(report.scope.commits).toBe(5);
    expect(report.scope.description).toContain(`from trust root ${fixture.root.slice(0, 12)}`);
    const dir = server(r, fixture.mainTip);
    const push = await prePush(r, dir, fixture.mainTip, merged);
    expect(push.stderr).not.toMatch(/refused/);
    expect(push.code).toBe(0);
    const receive = await preReceive(r, dir, fixture.mainTip, merged);
    expect(receive.stderr).not.toMatch(/refused/);
    expect(receive.code).toBe(0);
  });

  test("a real git push of the merge through the server's installed hook (quarantined objects): accepted; a stranger's, refused", async () => {
    const { r, merged } = mergedPr((b) => asCarol(b, 'feature', { 'src/feature.txt': 'f\n' }));
    const dir = server(r, fixture.mainTip);
    // The hook git runs answered by gitguard in this process (helpers/hook-bridge.ts): git, its
    // quarantine and the installed hook script stay real; the binary's start is proven elsewhere.
    expect(
      (await runMain(['hook', 'install', '--server', '-C', dir], { env: r.env, ...(await inProcessHooks()) })).code,
    ).toBe(0);
    r.run(['checkout', '-q', '-b', 'stranger', 'pr']);
    const bobs = commitAs(r, bob, 'bob@example.com', 'a stranger', { 'src/feature.txt': 'x\n' });
    const refused = await gitAsync(r, ['push', 'origin', 'stranger']);
    expect(refused.stderr).toMatch(new RegExp(`commit ${bobs.slice(0, 12)} refused by signers-authorized`));
    expect(refused.code).not.toBe(0);
    const push = await gitAsync(r, ['push', 'origin', `${merged}:refs/heads/main`]);
    expect(push.stderr).not.toMatch(/refused|rejected/);
    expect(push.code).toBe(0);
    expect(tryGit(r, ['rev-parse', 'refs/heads/main'], dir).stdout.trim()).toBe(merged);
  });

  test('twin: a side commit signed by a key the trust root does not authorize fails, in audit and both hooks', async () => {
    let bobs = '';
    const { r, merged } = mergedPr((b) => {
      bobs = commitAs(b, bob, 'carol@example.com', 'signed with a key nobody trusts', { 'src/feature.txt': 'f\n' });
    });
    const { code, report } = await audit(r);
    expect(failing(report)).toEqual(['signers-authorized']);
    expect(findingsOf(report, 'signers-authorized').map((f) => f.commit)).toEqual([bobs]);
    expect(findingsOf(report, 'signers-authorized')[0]!.message).not.toMatch(/no policy/);
    expect(code).toBe(1);
    const dir = server(r, fixture.mainTip);
    const push = await prePush(r, dir, fixture.mainTip, merged);
    expect(push.stderr).toMatch(new RegExp(`signers-authorized: .*\n *${bobs.slice(0, 12)} signer not authorized`));
    expect(push.code).not.toBe(0);
    const receive = await preReceive(r, dir, fixture.mainTip, merged);
    expect(receive.stderr).toMatch(new RegExp(`commit ${bobs.slice(0, 12)} refused by signers-authorized`));
    expect(receive.code).not.toBe(0);
  });

  test('twin: an unsigned commit on it fails commits-signed', async () => {
    let plain = '';
    const { r } = mergedPr((b) => {
      asCarol(b, 'feature', { 'src/feature.txt': 'f\n' });
      plain = commitAs(b, undefined, 'carol@example.com', 'forgot to sign', { 'src/feature.txt': 'f2\n' });
    });
    const { report } = await audit(r);
    expect(failing(report)).toEqual(['commits-signed']);
    expect(findingsOf(report, 'commits-signed').map((f) => f.commit)).toEqual([plain]);
  });

  test("twin: a side commit adding Carol to the maintainers in the branch's own policy fails policy-changes-authorized, and that policy judges nothing", async () => {
    const r = copyRepo(base);
    r.run(['checkout', '-q', 'pr']);
    const grab = asCarol(r, 'make me a maintainer', {
      '.gitguard/policy.yml': POLICY.replace('maintainers: [Alice]', 'maintainers: [Alice, Carol, Bob]').replace(
        'signers:\n',
        'signers:\n  - name: Bob\n    emails: [bob@example.com]\n',
      ),
      '.gitguard/allowed_signers': `alice@example.com ${alice.pub}\ncarol@example.com ${carol.pub}\nbob@example.com ${bob.pub}\n`,
    });
    // Judged by the branch's policy, Bob would be authorized: by the trust root's, he is not.
    const bobs = commitAs(r, bob, 'bob@example.com', 'bob, trusted by the branch', { 'src/feature.txt': 'f\n' });
    r.run(['checkout', '-q', 'main']); // the trust root is found from HEAD: main's
    const { report } = await audit(r, ['--all']);
    expect(findingsOf(report, 'policy-changes-authorized').map((f) => f.commit)).toEqual([grab]);
    expect(findingsOf(report, 'signers-authorized').map((f) => f.commit)).toEqual([bobs]);
  });

  test("twin: a side commit changing a protected path (CODEOWNERS) with Carol's signature alone fails", async () => {
    let owners = '';
    const { r } = mergedPr((b) => {
      owners = asCarol(b, 'own everything', { CODEOWNERS: '* @carol\n' });
    });
    const { report } = await audit(r);
    expect(failing(report)).toEqual(['protected-paths-changed-by-maintainers']);
    expect(findingsOf(report, 'protected-paths-changed-by-maintainers').map((f) => f.commit)).toContain(owners);
  });

  test('twin: an unrelated history (an orphan branch) merged in is still judged by no policy', async () => {
    const r = copyRepo(base);
    r.run(['checkout', '-q', '--orphan', 'orphan']);
    r.run(['rm', '-rfq', '.']);
    const stray = asAlice(r, 'unrelated', { 'other.txt': 'o\n' });
    r.run(['checkout', '-q', 'main']);
    merge(r, 'orphan', ['--allow-unrelated-histories']);
    const { report } = await audit(r);
    expect(failing(report)).toEqual(['signers-authorized']);
    const [f] = findingsOf(report, 'signers-authorized');
    expect(f!.commit).toBe(stray);
    expect(f!.message).toMatch(/no policy judges it: .*unrelated history/);
  });
});

describe('a backport on a release line forked before the trust root', () => {
  test("Alice's signed backport passes audit --all and the server hook; pre-root history stays out of scope", async () => {
    const r = copyRepo(base);
    r.run(['checkout', '-q', 'release-0.x']);
    const backport = asAlice(r, 'backport a fix', { 'src/a.txt': 'a, fixed\n' });
    const { code, report } = await audit(r, ['--all']);
    expect(outcomes(report)).toEqual(allPass);
    expect(code).toBe(0);
    // The unsigned pre-root commits (v0.1, and dave's on main) are never judged.
    expect(report.scope.description).toContain(`from trust root ${fixture.root.slice(0, 12)}`);
    expect(report.scope.commits).toBe(3);
    const dir = join(tempDir(), 'server.git');
    r.run(['init', '-q', '--bare', dir]);
    r.run(['push', '-q', dir, 'main', `${fixture.releaseBase}:refs/heads/release-0.x`]);
    r.run(['--git-dir', dir, 'fetch', '-q', r.dir, backport]);
    const receive = await runMain(['hook', 'run', 'pre-receive'], {
      cwd: dir,
      env: r.env,
      input: `${fixture.releaseBase} ${backport} refs/heads/release-0.x\n`,
    });
    expect(receive.stderr).not.toMatch(/refused/);
    expect(receive.code).toBe(0);
  });

  test('twin: a backport signed by an unknown key fails; the release line before adoption is not judged', async () => {
    const r = copyRepo(base);
    r.run(['checkout', '-q', 'release-0.x']);
    const bobs = commitAs(r, bob, 'bob@example.com', 'backport by a stranger', { 'src/a.txt': 'a, fixed\n' });
    const { report } = await audit(r, ['--all']);
    expect(failing(report)).toEqual(['signers-authorized']);
    expect(findingsOf(report, 'signers-authorized').map((f) => f.commit)).toEqual([bobs]);
    expect(JSON.stringify(report)).not.toContain(fixture.releaseBase);
    expect(JSON.stringify(report)).not.toContain(fixture.preRoot);
  });
});

describe('resumed from the walk checkpoint', () => {
  type Walked = JsonReport & { walk?: { incremental: boolean; walked: number } };
  const cached = async (r: TestRepo) => {
    const res = await runMain(
      ['audit', '-C', r.dir, '--all', '--format', 'json', '--no-ledger', '-r', RULES.join(',')],
      {
        env: r.env,
      },
    );
    return parseJson<Walked>(res);
  };

  test("a release line's tip judged by an earlier run: the next backport on it is still judged by the trust root's policy", async () => {
    const r = copyRepo(base);
    r.run(['checkout', '-q', 'release-0.x']);
    asAlice(r, 'backport 1', { 'src/a.txt': 'a, fixed\n' });
    r.run(['checkout', '-q', 'main']);
    expect(outcomes(await cached(r))).toEqual(allPass);
    r.run(['checkout', '-q', 'release-0.x']);
    asCarol(r, 'backport 2', { 'src/a.txt': 'a, fixed twice\n' });
    r.run(['checkout', '-q', 'main']);
    const second = await cached(r);
    expect(second.walk).toMatchObject({ incremental: true, walked: 1 });
    expect(outcomes(second)).toEqual(allPass);
    // Twin: a third by an unknown key on top, resumed again, fails.
    r.run(['checkout', '-q', 'release-0.x']);
    const bobs = commitAs(r, bob, 'bob@example.com', 'backport 3', { 'src/a.txt': 'a, broken\n' });
    r.run(['checkout', '-q', 'main']);
    const third = await cached(r);
    expect(third.walk).toMatchObject({ incremental: true, walked: 1 });
    expect(findingsOf(third, 'signers-authorized').map((f) => f.commit)).toEqual([bobs]);
  });
});
