// Clean pass 34: SECURITY.md as GitHub reads it, from the default branch. A branch forked before the
// default branch got its SECURITY.md (a pull request's, a topic branch in a GitLab detached merge
// request pipeline or a GitHub push run, an old release's tag pipeline, a topic checked out in a
// fresh clone) failed security-policy-present (low, so the CI gate at its default fail-on) though
// the repository has a security policy and merging the branch keeps it. Now, where HEAD has none,
// the default branch's (the CI runner's name for it, else refs/remotes/origin/HEAD) counts when no
// merge base of the two had one. Twins: a branch that removed it, a default branch without one, an
// unrelated history, and a default branch the clone lacks still fail.
// Also kept as tests: pre-push set-ups of an honest maintainer's day that passed (a Gerrit-style push
// to refs/for/main, --force-with-lease after a rebase, --mirror to a backup, a first push).
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTemp, tempDir, type TestRepo } from '../helpers/repo.js';
import { makeSshKey, type SshTestKey } from '../helpers/ssh.js';
import { signingClone, sshSigningRepo, tryGit } from '../helpers/signing-repo.js';
import { parseJson, resultOf, runMain } from '../helpers/cli.js';
import { gitAsync, inProcessHooks, stopHookBridge } from '../helpers/hook-bridge.js';

let alice: SshTestKey;
beforeAll(() => {
  alice = makeSshKey(tempDir(), 'ed25519', 'alice');
});
afterAll(async () => {
  await stopHookBridge();
  cleanupTemp();
});

const SECURITY = '# Security\nReport to security@example.com; the latest release gets fixes; answer in 3 days.\n';

/**
 * Alice's signed history: `topic` forked from main, then main gets SECURITY.md (unless `withPolicy`
 * is false); pushed to a bare upstream and cloned from it.
 */
function project(withPolicy = true): ReturnType<typeof signingClone> {
  return signingClone(alice, (r) => {
    r.run(['branch', 'topic']);
    r.run(['switch', '-q', 'topic']);
    r.commit('topic work', { 'src/topic.txt': 'topic\n' });
    r.run(['switch', '-q', 'main']);
    r.commit(
      withPolicy ? 'security policy' : 'main work',
      withPolicy ? { 'SECURITY.md': SECURITY } : { 'm.txt': 'm\n' },
    );
  });
}

/** security-policy-present in `dir` with `env` added: outcome, note and finding messages. */
async function securityPolicy(r: TestRepo, dir: string, env: NodeJS.ProcessEnv = {}) {
  const res = await runMain(['audit', '-C', dir, '--format', 'json', '--no-cache', '-r', 'security-policy-present'], {
    env: { ...r.env, ...env },
  });
  const result = resultOf(parseJson(res), 'security-policy-present');
  return { outcome: result.outcome, note: result.note ?? '', findings: result.findings.map((f) => f.message) };
}

/** git's own answer: the SECURITY.md entries `rev` holds at the root. */
const lsSecurity = (r: TestRepo, dir: string, rev: string): string =>
  tryGit(r, ['ls-tree', '--name-only', rev, '--', 'SECURITY.md'], dir).stdout.trim();

/** A CI runner's checkout: `git init`, fetch `refspecs` from upstream, check out `sha` detached. */
function ciCheckout(r: TestRepo, upstream: string, sha: string, refspecs: string[]): string {
  const dir = join(tempDir(), 'ci');
  const run = (a: string[]) => execFileSync('git', a, { cwd: dir, env: r.env, stdio: 'pipe' });
  execFileSync('git', ['init', '-q', dir], { env: r.env });
  run(['remote', 'add', 'origin', upstream]);
  run(['fetch', '-q', 'origin', ...refspecs]);
  run(['checkout', '-q', '-f', sha]);
  return dir;
}

describe('SECURITY.md on the default branch, HEAD on a branch forked before it was added', () => {
  test('a topic branch checked out in a fresh clone (refs/remotes/origin/HEAD names main): pass', async () => {
    const { r, dir: clone, git } = project();
    git(['switch', '-q', 'topic']);
    // git: HEAD has none, origin/main has it, their merge base has none
    expect(lsSecurity(r, clone, 'HEAD')).toBe('');
    expect(lsSecurity(r, clone, 'origin/main')).toBe('SECURITY.md');
    expect(lsSecurity(r, clone, git(['merge-base', 'HEAD', 'origin/main']))).toBe('');
    const got = await securityPolicy(r, clone);
    expect(got.outcome).toBe('pass');
    expect(got.note).toMatch(
      /^SECURITY\.md \(\d+ bytes\) on the default branch refs\/remotes\/origin\/main at [0-9a-f]{12}; HEAD [0-9a-f]{12} forked before it was added$/,
    );
  });

  test("a GitLab detached merge request pipeline (GIT_DEPTH: 0's refspecs, HEAD detached, CI_DEFAULT_BRANCH): pass", async () => {
    const { r, upstream } = project();
    const topic = tryGit(r, ['rev-parse', 'topic']).stdout.trim();
    const dir = ciCheckout(r, upstream, topic, ['+refs/heads/*:refs/remotes/origin/*', '+refs/tags/*:refs/tags/*']);
    const gitlab = {
      GITLAB_CI: 'true',
      CI_PIPELINE_SOURCE: 'merge_request_event',
      CI_MERGE_REQUEST_IID: '1',
      CI_COMMIT_SHA: topic,
      CI_DEFAULT_BRANCH: 'main',
    };
    expect((await securityPolicy(r, dir, gitlab)).outcome).toBe('pass');
    // twin: GIT_DEPTH: 20 fetches only the pipeline's commit, so the default branch is not in the clone
    const shallow = ciCheckout(r, upstream, topic, ['--depth=20', `+${topic}:refs/pipelines/7`]);
    expect(await securityPolicy(r, shallow, gitlab)).toMatchObject({ outcome: 'fail' });
  });

  test("a GitHub tag run of a release tagged before SECURITY.md (the event payload's default_branch): pass", async () => {
    const { r, upstream } = project();
    const old = tryGit(r, ['rev-parse', 'main~1']).stdout.trim();
    const dir = ciCheckout(r, upstream, old, ['+refs/heads/*:refs/remotes/origin/*']);
    const event = join(tempDir(), 'event.json');
    writeFileSync(event, JSON.stringify({ repository: { default_branch: 'main' } }));
    const github = { GITHUB_ACTIONS: 'true', GITHUB_EVENT_NAME: 'push', GITHUB_REF: 'refs/tags/v1.0', GITHUB_SHA: old };
    expect((await securityPolicy(r, dir, { ...github, GITHUB_EVENT_PATH: event })).outcome).toBe('pass');
    // twin: without the payload nothing names the default branch (actions/checkout writes no origin/HEAD)
    expect((await securityPolicy(r, dir, github)).outcome).toBe('fail');
  });

  test('twin: a branch that removed SECURITY.md fails, saying so', async () => {
    const { r, dir: clone, git } = project();
    git(['switch', '-q', '-c', 'drop', 'origin/main']);
    git(['rm', '-q', 'SECURITY.md']);
    git(['commit', '-q', '-m', 'drop the security policy']);
    expect(lsSecurity(r, clone, git(['merge-base', 'HEAD', 'origin/main']))).toBe('SECURITY.md');
    const got = await securityPolicy(r, clone);
    expect(got.outcome).toBe('fail');
    expect(got.findings).toEqual([
      expect.stringMatching(/has SECURITY\.md, which a merge base of the two had too: HEAD's branch removed it\)$/),
    ]);
  });

  test('twin: a default branch without SECURITY.md fails', async () => {
    const { r, dir: clone, git } = project(false);
    git(['switch', '-q', 'topic']);
    expect((await securityPolicy(r, clone)).outcome).toBe('fail');
  });

  test('twin: an unrelated history (an orphan branch) has no merge base with main: fails', async () => {
    const { r, dir: clone, git } = project();
    git(['switch', '-q', '--orphan', 'pages']);
    git(['commit', '-q', '--allow-empty', '-m', 'pages']);
    expect(tryGit(r, ['merge-base', 'HEAD', 'origin/main'], clone).code).toBe(1);
    expect((await securityPolicy(r, clone)).outcome).toBe('fail');
  });
});

describe("pre-push set-ups of a maintainer's day that pass (kept as tests)", () => {
  test('first push to an empty remote, a Gerrit-style push to refs/for/main, --force-with-lease after a rebase, --mirror to a backup', async () => {
    const r = sshSigningRepo(alice);
    r.config({ 'tag.gpgSign': 'true' });
    const upstream = join(tempDir(), 'origin.git');
    const backup = join(tempDir(), 'backup.git');
    for (const b of [upstream, backup]) execFileSync('git', ['init', '-q', '--bare', b], { env: r.env });
    r.run(['remote', 'add', 'origin', upstream]);
    const installed = await runMain(['hook', 'install'], { cwd: r.dir, env: r.env, ...(await inProcessHooks()) });
    expect(installed.code).toBe(0);
    const push = async (args: string[]) => {
      const res = await gitAsync(r, ['push', ...args]);
      return [res.code, res.stderr.match(/gitguard pre-push: .*/g) ?? []];
    };
    expect(await push(['-u', 'origin', 'main'])).toEqual([
      0,
      ['gitguard pre-push: 1 new commit(s) checked, 0 rule(s) failed'],
    ]);
    r.run(['switch', '-q', '-c', 'feature']);
    r.commit('feature', { 'f.txt': 'f\n' });
    expect((await push(['origin', 'HEAD:refs/for/main']))[0]).toBe(0);
    expect((await push(['-u', 'origin', 'feature']))[0]).toBe(0);
    r.run(['switch', '-q', 'main']);
    r.commit('main moves', { 'm.txt': 'm\n' });
    r.run(['tag', '-m', 'v1.0', 'v1.0']);
    expect((await push(['--follow-tags', 'origin', 'main']))[0]).toBe(0);
    r.run(['switch', '-q', 'feature']);
    r.run(['rebase', '-q', 'main']);
    expect((await push(['--force-with-lease', 'origin', 'feature']))[0]).toBe(0);
    expect(tryGit(r, ['ls-remote', upstream, 'refs/heads/feature']).stdout.slice(0, 40)).toBe(r.head());
    expect((await push(['--mirror', backup]))[0]).toBe(0);
    expect((await push(['origin', ':feature']))[0]).toBe(0);
    // twin: an unsigned commit is refused on each of those ways (refs/for/release: a plain bare
    // repository stores refs/for/main, which Gerrit never does, so a second push there is not a fast-forward)
    r.run(['-c', 'commit.gpgSign=false', 'commit', '-q', '--allow-empty', '-m', 'unsigned']);
    for (const args of [
      ['origin', 'HEAD:refs/for/release'],
      ['--mirror', backup],
    ]) {
      const [code, lines] = await push(args);
      expect(code).not.toBe(0);
      expect(lines).toContainEqual(expect.stringMatching(/^gitguard pre-push: push to .* blocked$/));
    }
  });
});
