// Secrets 64: pre-push measured a fast-forward against the pushed branch's old remote sha only, so
// merging `origin/vendor` into `main` walked and scanned vendor's commits again, and a leak the remote
// already has there refused the push, while pre-receive (which excludes every ref it has) accepts it.
// Now every remote-tracking tip of that remote is excluded, as git's own push excludes them. Git's
// answer: `git rev-list main --not origin/main --remotes=origin` (what the push publishes) lists only
// the merge, and the remote's `vendor` holds the leak. Twin: a local branch the remote has never had,
// with a leak, merged and pushed the same way: refused by both hooks. Real pushes to a real bare remote.
import { cleanupTemp, makeRepo, type TestRepo } from '../helpers/repo.js';
import { gitAsync, stopHookBridge } from '../helpers/hook-bridge.js';
import { hookedRemote, remoteHas, type Hook } from '../helpers/hooked-remote.js';
import { TokenFactory } from '../helpers/secrets.js';

const pair = new TokenFactory(6465).awsPair();
const CONFIG = `const id = "${pair.id}";\nconst secret = "aws_secret_access_key = ${pair.secret}";\n`;

let base: TestRepo;
beforeAll(() => {
  base = makeRepo();
  base.commit('init', { 'README.md': '# app\n', '.gitguard/policy.yml': 'version: 1\nrequire_signatures: false\n' });
  // A branch the remote has, with a leak it already published.
  base.run(['checkout', '-q', '-b', 'vendor']);
  base.commit('legacy', { 'docs/legacy.js': CONFIG });
  base.run(['checkout', '-q', 'main']);
  base.commit('app', { 'src/app.js': 'export {};\n' });
});
afterAll(async () => {
  await stopHookBridge();
  cleanupTemp();
});

describe.each<Hook>(['pre-push', 'pre-receive'])('the %s hook, main fast-forwarded by a merge', (hook) => {
  test('of a branch the remote has, its leak published there already: accepted (pre-push before: refused)', async () => {
    const { r, remote } = await hookedRemote(base, hook);
    r.run(['merge', '-q', '--no-ff', '--no-edit', 'origin/vendor']);
    const tip = r.head();
    // git's answer: the push publishes the merge alone; the remote has the leak on vendor.
    expect(r.run(['rev-list', 'main', '--not', 'origin/main', '--remotes=origin'])).toBe(tip);
    expect(r.run(['--git-dir', remote, 'show', 'vendor:docs/legacy.js'])).toContain(pair.id);
    const res = await gitAsync(r, ['push', 'origin', 'main']);
    expect(res.stdout + res.stderr).not.toMatch(/secrets-not-in-history/);
    expect(res.code).toBe(0);
    expect(remoteHas(r, remote, 'refs/heads/main')).toBe(tip);
  });

  test('twin: of a local branch the remote never had, with the same leak: refused', async () => {
    const { r, remote } = await hookedRemote(base, hook);
    const published = r.head();
    r.run(['checkout', '-q', '-b', 'wip', 'main~1']);
    r.commit('wip', { 'docs/wip.js': CONFIG });
    r.run(['checkout', '-q', 'main']);
    r.run(['merge', '-q', '--no-ff', '--no-edit', 'wip']);
    expect(r.run(['rev-list', 'main', '--not', 'origin/main', '--remotes=origin']).split('\n')).toHaveLength(2);
    const res = await gitAsync(r, ['push', 'origin', 'main']);
    const out = res.stdout + res.stderr;
    expect(res.code).not.toBe(0);
    expect(out).toMatch(/secrets-not-in-history/);
    expect(out).toContain('docs/wip.js');
    expect(out).not.toContain(pair.secret);
    expect(remoteHas(r, remote, 'refs/heads/main')).toBe(published);
  });
});
