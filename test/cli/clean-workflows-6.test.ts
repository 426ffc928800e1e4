// Sixth round of clean set-ups that must pass (see clean-workflows.test.ts to -5): a forge's own refs.
// A `git clone --mirror` of a GitHub or GitLab repository holds every pull request's head and
// GitHub's test merge of it (refs/pull/<n>/head and /merge: contributors' commits, unsigned, and
// GitHub's), GitLab's merge requests, keep-around, deployment and pipeline refs: --all walked them as
// branches and failed commits-signed, and the server hook refused a `git push --mirror` of such a
// mirror. Proposals are not the project's history until a branch merges them. And a commit amended
// after an audit recorded it, before it was pushed, failed protected-refs-not-rewritten. Each case
// keeps a twin that still fails: a branch named like them, a ref of another shape, a branch that
// merges one, a commit a remote had.
import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupTemp, personEnv, tempDir, type TestRepo } from '../helpers/repo.js';
import { makeSshKey, type SshTestKey } from '../helpers/ssh.js';
import { ALICE_POLICY, sshSigningRepo, tryGit } from '../helpers/signing-repo.js';
import { runMain, parseJson, resultOf, stderrLines, type JsonReport } from '../helpers/cli.js';
import { gitAsync, inProcessHooks, stopHookBridge } from '../helpers/hook-bridge.js';

let alice: SshTestKey;
beforeAll(() => {
  alice = makeSshKey(mkdtempSync(join(tmpdir(), 'gg-clean6-')), 'ed25519', 'alice');
});
afterAll(cleanupTemp);

const RULES = [
  'commits-signed',
  'signatures-valid',
  'signers-authorized',
  'signer-matches-committer',
  'policy-changes-authorized',
  'protected-paths-changed-by-maintainers',
  'protected-refs-not-rewritten',
  'protected-refs-present',
  'reflog-no-forced-updates',
  'tags-not-moved',
  'tags-signed',
  'trust-root-in-history',
  'secrets-not-in-history',
];

const audit = async (r: TestRepo, dir: string, extra: string[] = []) => {
  const res = await runMain(['audit', '-C', dir, '--format', 'json', '--no-cache', '-r', RULES.join(','), ...extra], {
    env: r.env,
  });
  return { code: res.code, report: parseJson(res) };
};
/** The rules that fail or warn (the ledger rules are not-applicable before a first audit records one). */
const failing = (report: JsonReport): string[] =>
  RULES.filter((id) => !['pass', 'not-applicable'].includes(resultOf(report, id).outcome));
const unsignedIds = (report: JsonReport): string[] =>
  resultOf(report, 'commits-signed')
    .findings.map((f) => f.commit!)
    .sort();

const BOB = personEnv('bob@contributor.example', '2024-02-01T00:00:00Z');
const GITHUB = { GIT_COMMITTER_NAME: 'GitHub', GIT_COMMITTER_EMAIL: 'noreply@github.com' };

interface Forge {
  r: TestRepo;
  /** The forge's bare repository, its refs as GitHub and GitLab keep them. */
  forge: string;
  /** bob's unsigned pull request commit and the forge's unsigned test merge of it. */
  pr: string;
  merge: string;
}

/**
 * alice's governed project on a forge: main and a signed tag, and bob's pull request (unsigned, on
 * no branch) under every family of forge ref a mirror clone copies.
 */
function forgeRepo(): Forge {
  const r = sshSigningRepo(alice);
  r.commit('work', { 'src/a.txt': 'a\n' });
  r.run(['tag', '-m', 'v1', 'v1']);
  r.run(['checkout', '-q', '-b', 'bob']);
  r.write({ 'src/b.txt': 'b\n' });
  r.run(['add', '-A']);
  r.run(['commit', '-q', '--no-gpg-sign', '-m', "bob's proposal"], { env: { ...r.env, ...BOB } });
  const pr = r.head();
  r.run(['checkout', '-q', 'main']);
  r.run(['branch', '-q', '-D', 'bob']);
  const merge = r.run(['commit-tree', '-p', 'main', '-p', pr, '-m', `Merge ${pr} into main`, `${pr}^{tree}`], {
    env: { ...r.env, ...GITHUB },
  });
  const forge = join(tempDir(), 'forge.git');
  r.run(['init', '-q', '--bare', forge]);
  r.run(['push', '-q', forge, 'main', 'v1']);
  const refs: Record<string, string> = {
    'refs/pull/1/head': pr,
    'refs/pull/1/merge': merge,
    'refs/merge-requests/7/head': pr,
    'refs/merge-requests/7/merge': merge,
    'refs/merge-requests/7/train': merge,
    [`refs/keep-around/${pr}`]: pr,
    'refs/environments/review-bob/deployments/3': pr,
    'refs/pipelines/42': merge,
    'refs/pull-requests/5/from': pr,
    'refs/pull-requests/5/merge': merge,
    'refs/changes/45/12345/1': pr,
  };
  r.run(['push', '-q', forge, ...Object.entries(refs).map(([ref, oid]) => `${oid}:${ref}`)]);
  return { r, forge, pr, merge };
}

const mirrorOf = (f: Forge): string => {
  const dir = join(tempDir(), 'mirror.git');
  f.r.run(['clone', '-q', '--mirror', f.forge, dir]);
  return dir;
};

// One forge for the mirror and push cases (each makes its own mirror, and undoes what it adds to alice's work tree).
let forge: Forge | undefined;
const sharedForge = (): Forge => (forge ??= forgeRepo());

describe('a mirror clone of a forge repository under --all', () => {
  let f: Forge;
  beforeAll(() => {
    f = sharedForge();
  });

  test('pull and merge request refs are left out and named: every rule passes, verify --all too', async () => {
    const mirror = mirrorOf(f);
    expect(tryGit(f.r, ['for-each-ref', '--format=%(refname)', 'refs/pull/'], mirror).stdout).toMatch(/refs\/pull\/1/);
    const first = await audit(f.r, mirror, ['--all']);
    expect(failing(first.report)).toEqual([]);
    expect(first.code).toBe(0);
    expect(first.report.scope.description).toMatch(
      /left out: 11 forge refs \(refs\/changes\/\*: 1, refs\/environments\/\*: 1, refs\/keep-around\/\*: 1, refs\/merge-requests\/\*: 3, refs\/pipelines\/\*: 1, refs\/pull-requests\/\*: 2, refs\/pull\/\*: 2\)/,
    );
    // The ledger recorded, a second audit judges the protected refs against it.
    expect(failing((await audit(f.r, mirror, ['--all'])).report)).toEqual([]);
    const verify = await runMain(['verify', '-C', mirror, '--all', '--no-cache'], { env: f.r.env });
    expect(verify.code).toBe(0);
  });

  test('twin: a branch named pull/1/head, and forge-like refs of another shape, are walked as branches and fail', async () => {
    const mirror = mirrorOf(f);
    const other = f.r.commit('another', { 'src/c.txt': 'c\n' }, ['--no-gpg-sign']);
    f.r.run(['reset', '-q', '--hard', 'HEAD~1']);
    f.r.run(['push', '-q', mirror, `${other}:refs/heads/pull/1/head`]);
    expect(unsignedIds((await audit(f.r, mirror, ['--all'])).report)).toEqual([other]);
    tryGit(f.r, ['update-ref', '-d', 'refs/heads/pull/1/head'], mirror);
    for (const ref of [
      `refs/keep-around/${f.merge}`, // named for another commit than the one it holds
      'refs/changes/12/12345/2', // not in its change's folder
      'refs/pull/1/heads', // a name no forge gives
      'refs/pull/01/head',
    ]) {
      expect(tryGit(f.r, ['update-ref', ref, other], mirror).code).toBe(0);
      expect(unsignedIds((await audit(f.r, mirror, ['--all'])).report)).toEqual([other]);
      expect(tryGit(f.r, ['update-ref', '-d', ref], mirror).code).toBe(0);
    }
  });

  test("twin: a branch that merges the pull request has bob's unsigned commit judged with it", async () => {
    const mirror = mirrorOf(f);
    f.r.run(['fetch', '-q', mirror, 'refs/pull/1/head']);
    f.r.run(['merge', '-q', '--no-ff', '-m', 'merge #1', 'FETCH_HEAD']);
    f.r.run(['push', '-q', '-f', mirror, 'HEAD:refs/heads/main']);
    f.r.run(['reset', '-q', '--hard', 'HEAD~1']);
    expect(unsignedIds((await audit(f.r, mirror, ['--all'])).report)).toEqual([f.pr]);
  });
});

describe('git push --mirror of such a mirror to a governed server, and through the pre-push hook', () => {
  let f: Forge;
  beforeAll(() => {
    f = sharedForge();
  });
  afterAll(stopHookBridge);
  /** A bare server holding main and v1 from alice, with gitguard's pre-receive hook (the built binary,
   *  or by default gitguard in this process: pushes through it then go through gitAsync). */
  async function served(runs: 'binary' | 'in-process' = 'in-process'): Promise<string> {
    const server = join(tempDir(), 'server.git');
    f.r.run(['init', '-q', '--bare', server]);
    f.r.run(['push', '-q', server, 'main', 'v1']);
    const bridge = runs === 'in-process' ? await inProcessHooks() : {};
    expect((await runMain(['hook', 'install', '--server', '-C', server], { env: f.r.env, ...bridge })).code).toBe(0);
    return server;
  }
  const has = (dir: string, ref: string): boolean => tryGit(f.r, ['rev-parse', '-q', '--verify', ref], dir).code === 0;

  test('the server accepts the pull and merge request refs (before: refused by commits-signed)', async () => {
    // The one push here through a hook that runs the built binary.
    const server = await served('binary');
    const push = tryGit(f.r, ['push', '--mirror', server], mirrorOf(f));
    expect(push.stderr).not.toMatch(/rejected/);
    expect(push.code).toBe(0);
    expect(has(server, 'refs/pull/1/merge')).toBe(true);
  });

  test("twins: a branch of bob's commit, or one that merges the pull request later, is refused", async () => {
    const server = await served();
    const mirror = mirrorOf(f);
    expect((await gitAsync(f.r, ['push', '--mirror', server], mirror)).code).toBe(0);
    const asBranch = await gitAsync(f.r, ['push', server, `${f.pr}:refs/heads/bob`], mirror);
    expect(asBranch.stderr).toMatch(new RegExp(`commit ${f.pr.slice(0, 12)} refused by commits-signed`));
    expect(has(server, 'refs/heads/bob')).toBe(false);
    f.r.run(['fetch', '-q', server, 'refs/pull/1/head']);
    f.r.run(['merge', '-q', '--no-ff', '-m', 'merge #1', 'FETCH_HEAD']);
    const merged = await gitAsync(f.r, ['push', server, 'HEAD:main']);
    f.r.run(['reset', '-q', '--hard', 'HEAD~1']);
    expect(merged.stderr).toMatch(new RegExp(`commit ${f.pr.slice(0, 12)} refused by commits-signed`));
    expect(merged.code).not.toBe(0);
  });

  test("gitguard's pre-push hook in the mirror lets git push --mirror through; a branch of bob's commit is refused", async () => {
    const mirror = mirrorOf(f);
    const backup = join(tempDir(), 'backup.git');
    f.r.run(['init', '-q', '--bare', backup]);
    expect((await runMain(['hook', 'install', '-C', mirror], { env: f.r.env, ...(await inProcessHooks()) })).code).toBe(
      0,
    );
    const push = await gitAsync(f.r, ['push', '--mirror', backup], mirror);
    expect(push.stderr).not.toMatch(/refused/);
    expect(push.code).toBe(0);
    expect(has(backup, 'refs/pull/1/head')).toBe(true);
    const asBranch = await gitAsync(f.r, ['push', backup, `${f.pr}:refs/heads/bob`], mirror);
    expect(asBranch.stderr).toMatch(/commits-signed/);
    expect(asBranch.code).not.toBe(0);
  });
});

describe('a ref name that only looks like a forge ref', () => {
  test('a packed refs/pull/../heads/evil stops the audit in one line (exit 2), as git refuses to list it', async () => {
    const r = sshSigningRepo(alice);
    r.run(['pack-refs', '--all']);
    appendFileSync(join(r.dir, '.git', 'packed-refs'), `${r.head()} refs/pull/../heads/evil\n`);
    const res = await runMain(['audit', '-C', r.dir, '--all', '--no-cache', '-r', 'commits-signed'], {
      env: r.env,
    });
    expect(res.code).toBe(2);
    expect(stderrLines(res)).toEqual([expect.stringMatching(/^gitguard: cannot list the refs to walk: .*dangerous/)]);
  });
});

describe('amending or resetting main after an audit recorded it, before it was pushed', () => {
  // An audit records the local tips in the ledger. Amending (or resetting away) a commit no remote
  // ever had, after such an audit, failed protected-refs-not-rewritten (critical) and warned on the
  // reflog: nothing published was rewritten. What a remote had still counts, and so does every
  // recorded tip in a repository with no remote to tell.
  const ledgerRules = async (r: TestRepo) => {
    const { code, report } = await audit(r, r.dir);
    const mainFindings = resultOf(report, 'protected-refs-not-rewritten').findings.filter(
      (f) => f.ref === 'refs/heads/main',
    );
    return {
      code,
      rewritten: resultOf(report, 'protected-refs-not-rewritten').outcome,
      main: mainFindings.length,
      reflog: resultOf(report, 'reflog-no-forced-updates').outcome,
      ledger: report.ledger?.updated,
    };
  };
  /** alice's work tree with main pushed to origin and fetched, and a first audit recording it. */
  async function published(): Promise<{ r: TestRepo; remote: string }> {
    const r = sshSigningRepo(alice);
    r.commit('work', { 'src/a.txt': 'a\n' });
    const remote = join(tempDir(), 'origin.git');
    r.run(['init', '-q', '--bare', remote]);
    r.run(['remote', 'add', 'origin', remote]);
    r.run(['push', '-q', '-u', 'origin', 'main']);
    expect((await ledgerRules(r)).ledger).toBe(true);
    return { r, remote };
  }

  test('an audit, a commit, an audit, then git commit --amend or git reset: every rule passes and the ledger moves', async () => {
    const { r } = await published();
    r.commit('wip', { 'src/b.txt': 'b\n' });
    expect((await ledgerRules(r)).ledger).toBe(true);
    r.run(['commit', '-q', '--amend', '-m', 'wip, reworded']);
    expect(await ledgerRules(r)).toEqual({ code: 0, rewritten: 'pass', main: 0, reflog: 'pass', ledger: true });
    r.commit('a mistake', { 'src/c.txt': 'c\n' });
    expect((await ledgerRules(r)).ledger).toBe(true);
    r.run(['reset', '-q', '--hard', 'HEAD~1']);
    expect(await ledgerRules(r)).toEqual({ code: 0, rewritten: 'pass', main: 0, reflog: 'pass', ledger: true });
  });

  test('twin: resetting main over a pushed commit fails', async () => {
    const { r } = await published();
    r.commit('pushed', { 'src/b.txt': 'b\n' });
    r.run(['push', '-q', 'origin', 'main']);
    expect((await ledgerRules(r)).ledger).toBe(true);
    r.run(['reset', '-q', '--hard', 'HEAD~1']);
    const after = await ledgerRules(r);
    expect([after.rewritten, after.main, after.code]).toEqual(['fail', 1, 1]);
  });

  test('twin: a pushed commit the remote later lost (a forced fetch), then reset away here, still fails', async () => {
    const { r, remote } = await published();
    const base = r.head();
    r.commit('pushed after the audit', { 'src/b.txt': 'b\n' });
    expect((await ledgerRules(r)).ledger).toBe(true); // records main at it, before the push
    r.run(['push', '-q', 'origin', 'main']);
    // Someone rewinds the remote; the fetch takes the commit out of origin/main (its reflog keeps it).
    expect(tryGit(r, ['update-ref', 'refs/heads/main', base], remote).code).toBe(0);
    r.run(['fetch', '-q', 'origin']);
    r.run(['reset', '-q', '--hard', 'origin/main']);
    const after = await ledgerRules(r);
    expect([after.rewritten, after.main]).toEqual(['fail', 1]);
  });

  test('twin: with no remote, an amend after an audit that recorded the commit still fails', async () => {
    const r = sshSigningRepo(alice);
    r.commit('wip', { 'src/b.txt': 'b\n' });
    expect((await ledgerRules(r)).ledger).toBe(true);
    r.run(['commit', '-q', '--amend', '-m', 'wip, reworded']);
    const after = await ledgerRules(r);
    expect([after.rewritten, after.main, after.reflog]).toEqual(['fail', 1, 'warn']);
  });
});

describe("CI's --base on a push that force-pushed a rebased topic branch (the README's recipe)", () => {
  // `audit --base ${{ github.event.before }}` on every push: a topic branch rebased and force-pushed
  // failed protected-refs-not-rewritten (critical) though nothing protects it. A branch the runner
  // names, that the forge does not protect and that is neither the default branch nor named by the
  // policy or the defaults, is not held to --base; its new commits are still judged.
  let r: TestRepo;
  let origin: string;
  let before: string;
  let eventFile: string;
  /** A CI clone checked out at the rebased topic, as actions/checkout and GitLab's runner leave it. */
  let ci: string;
  const ALICE_POLICY_TOPIC = `version: 1\nsigners:\n  - name: Alice\n    emails: [alice@example.com]\nmaintainers: [Alice]\nprotected:\n  refs: [refs/heads/main, refs/heads/topic]\n`;
  beforeAll(() => {
    r = sshSigningRepo(alice);
    r.commit('work', { 'src/a.txt': 'a\n' });
    origin = join(tempDir(), 'origin.git');
    r.run(['init', '-q', '--bare', origin]);
    r.run(['push', '-q', origin, 'main']);
    r.run(['checkout', '-q', '-b', 'topic']);
    r.commit('topic work', { 'src/t.txt': 't\n' });
    before = r.head();
    r.run(['push', '-q', origin, 'topic']);
    r.run(['checkout', '-q', 'main']);
    r.commit('main moves on', { 'src/m.txt': 'm\n' });
    r.run(['push', '-q', origin, 'main']);
    r.run(['checkout', '-q', 'topic']);
    r.run(['rebase', '-q', 'main']);
    r.run(['push', '-q', '-f', origin, 'topic']);
    r.run(['checkout', '-q', 'main']);
    ci = join(tempDir(), 'ci');
    r.run(['clone', '-q', '-b', 'topic', origin, ci]);
    eventFile = join(tempDir(), 'event.json');
    writeFileSync(eventFile, JSON.stringify({ forced: true, repository: { default_branch: 'main' } }));
  });
  const head = (dir = ci) => tryGit(r, ['rev-parse', 'HEAD'], dir).stdout.trim();
  const github = (over: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: 'push',
    GITHUB_REF: 'refs/heads/topic',
    GITHUB_SHA: head(),
    GITHUB_EVENT_PATH: eventFile,
    GITHUB_REF_PROTECTED: 'false',
    ...over,
  });
  const gitlab = (over: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
    GITLAB_CI: 'true',
    CI_PIPELINE_SOURCE: 'push',
    CI_COMMIT_BRANCH: 'topic',
    CI_COMMIT_SHA: head(),
    CI_DEFAULT_BRANCH: 'main',
    CI_COMMIT_REF_PROTECTED: 'false',
    ...over,
  });
  const gate = async (env: NodeJS.ProcessEnv, dir = ci) => {
    const res = await runMain(
      ['audit', '-C', dir, '--format', 'json', '--no-cache', '--no-ledger', '-r', RULES.join(','), '--base', before],
      { env: { ...r.env, ...env } },
    );
    const report = parseJson(res);
    return { code: res.code, report, rewritten: resultOf(report, 'protected-refs-not-rewritten') };
  };

  test.each([
    ['GitHub Actions', github],
    ['GitLab CI', gitlab],
  ])('%s: the rebased topic passes; the note says why --base was not applied', async (_, ciEnv) => {
    const { code, report, rewritten } = await gate(ciEnv());
    expect(failing(report)).toEqual([]);
    expect(code).toBe(0);
    expect(rewritten.note).toMatch(/--base not applied: refs\/heads\/topic is not a protected branch/);
  });

  test('twins: protected by the forge, the default branch, a default branch not known, another HEAD, no CI: it fails', async () => {
    const cases: NodeJS.ProcessEnv[] = [
      github({ GITHUB_REF_PROTECTED: 'true' }),
      gitlab({ CI_COMMIT_REF_PROTECTED: 'true' }),
      gitlab({ CI_DEFAULT_BRANCH: 'topic' }),
      github({ GITHUB_EVENT_PATH: join(tempDir(), 'missing.json') }),
      github({ GITHUB_SHA: before }),
      {},
    ];
    for (const env of cases) {
      const { code, rewritten } = await gate(env);
      expect([rewritten.outcome, code]).toEqual(['fail', 1]);
    }
  });

  test('twin: the policy at --base protects the topic branch and the rebase drops that: it fails', async () => {
    const p = sshSigningRepo(alice, ALICE_POLICY_TOPIC);
    const origin = join(tempDir(), 'origin.git');
    p.run(['init', '-q', '--bare', origin]);
    p.run(['push', '-q', origin, 'main']);
    p.run(['checkout', '-q', '-b', 'topic']);
    p.commit('topic work', { 'src/t.txt': 't\n' });
    const old = p.head();
    p.run(['push', '-q', origin, 'topic']);
    p.write({ '.gitguard/policy.yml': ALICE_POLICY });
    p.run(['commit', '-q', '-a', '--amend', '-m', 'topic work, unprotected']);
    p.run(['push', '-q', '-f', origin, 'topic']);
    const clone = join(tempDir(), 'ci');
    p.run(['clone', '-q', '-b', 'topic', origin, clone]);
    const res = await runMain(
      [
        'audit',
        '-C',
        clone,
        '--format',
        'json',
        '--no-cache',
        '--no-ledger',
        '-r',
        'protected-refs-not-rewritten',
        '--base',
        old,
      ],
      { env: { ...p.env, ...github({ GITHUB_SHA: head(clone) }) } },
    );
    expect(resultOf(parseJson(res), 'protected-refs-not-rewritten').outcome).toBe('fail');
  });

  test('twin: an unsigned commit in the rebased topic still fails commits-signed', async () => {
    const clone = join(tempDir(), 'ci-unsigned');
    r.run(['clone', '-q', '-b', 'topic', origin, clone]);
    tryGit(r, ['-c', 'commit.gpgSign=false', 'commit', '-q', '--allow-empty', '-m', 'unsigned'], clone);
    const { report, rewritten } = await gate(github({ GITHUB_SHA: head(clone) }), clone);
    expect(rewritten.outcome).not.toBe('fail');
    expect(unsignedIds(report)).toEqual([head(clone)]);
  });
});

describe('URLs with a password in documentation and tests', () => {
  // gitguard's own history failed secrets-not-in-history: a doc comment's `https://user:secret@host`
  // and a test's `https://bob:hunter2@example.com/r.git`. A host reserved for documentation (RFC 2606,
  // 6761) has no credentials to leak, and a bare `secret` is a placeholder like `password`.
  test('example.com, .example, .test and .invalid hosts and placeholder passwords pass; real-looking ones still fail', async () => {
    const r = sshSigningRepo(alice);
    const clean = [
      '/** Hides the password: https://user:secret@host -> https://user:***@host. */',
      "expect(redactUrl('https://bob:hunter2@example.com/r.git')).toBe('https://bob:***@example.com/r.git');",
      'git clone https://user:pass@host/repo.git',
      'url = https://alice:Zk29fQp1Lm@git.example.org/x.git',
      'url = https://ci:Zk29fQp1Lm@mirror.test/x.git and https://ci:Zk29fQp1Lm@gone.invalid/',
    ];
    r.commit('docs and tests', { 'docs/urls.md': `${clean.join('\n')}\n` });
    const rules = ['secrets-not-in-history'];
    const first = await runMain(['audit', '-C', r.dir, '--format', 'json', '--no-cache', '-r', rules[0]!], {
      env: r.env,
    });
    expect(resultOf(parseJson(first), 'secrets-not-in-history').outcome).toBe('pass');
    const live = [
      'url = https://deploy:Zk29fQp1Lm@github.com/o/r.git',
      'url = https://deploy:Zk29fQp1Lm@example.com.evil.io/x',
      'url = https://deploy:Zk29fQp1Lm@notexample.com/x',
      'db = postgres://app:Zk29fQp1Lm@localhost:5432/app',
    ];
    r.commit('real ones', { 'config/urls.txt': `${live.join('\n')}\n` });
    const second = await runMain(['audit', '-C', r.dir, '--format', 'json', '--no-cache', '-r', rules[0]!], {
      env: r.env,
    });
    const findings = resultOf(parseJson(second), 'secrets-not-in-history').findings;
    expect(findings.map((f) => f.message.replace(/.* at /, ''))).toEqual([
      'config/urls.txt:1: …(10 chars)',
      'config/urls.txt:2: …(10 chars)',
      'config/urls.txt:3: …(10 chars)',
      'config/urls.txt:4: …(10 chars)',
    ]);
  });
});
