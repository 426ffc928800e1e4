// Red team 61: the hooks scan only what the pushed commits' diffs print, and a diff prints no line of
// a file renamed as it was. A vendored file the remote already has (node_modules/: excused) holding
// an AWS key pair, moved to src/ by a pushed commit, went through both hooks (and `audit --base` at
// the remote's tip passed) while a full audit fails it at src/ (redteam60) and `git show` prints it
// there; a fixture a `secrets.allow` glob excused, moved out, the same. Each path a pushed commit puts
// a blob at is judged now (the blob read whole when the run never read it). Real pushes to a real
// bare remote through the installed hooks; git's own answer is what `git log -p` and `git show` print.
// Twins: an honest rename of a clean file, the vendored file moved within node_modules/, and (to the
// server) a merge of a branch the remote has (a leak it published already, where it has it) go through.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTemp, copyRepo, type TestRepo } from '../helpers/repo.js';
import { gitAsync, stopHookBridge } from '../helpers/hook-bridge.js';
import {
  hookedRemote,
  remoteHas,
  secretsOpen,
  vendoredTemplate,
  VENDORED,
  type Hook,
} from '../helpers/hooked-remote.js';
import { TokenFactory } from '../helpers/secrets.js';

const pair = new TokenFactory(6161).awsPair();
const CONFIG = `const id = "${pair.id}";\nconst secret = "aws_secret_access_key = ${pair.secret}";\n`;

let base: TestRepo;
beforeAll(() => {
  base = vendoredTemplate(CONFIG, 'export {};\n');
  // A branch the remote has, with a leak it already published.
  base.run(['checkout', '-q', '-b', 'vendor']);
  base.commit('legacy', { 'docs/legacy.js': `${CONFIG}// old\n` });
  base.run(['checkout', '-q', 'main']);
});
afterAll(async () => {
  await stopHookBridge();
  cleanupTemp();
});

async function push(r: TestRepo, args: string[]): Promise<{ code: number; out: string }> {
  const res = await gitAsync(r, ['push', 'origin', ...args]);
  return { code: res.code, out: res.stdout + res.stderr };
}

/** A commit moving `from` to `to` as it is (git mv). */
function move(r: TestRepo, from: string, to: string): string {
  mkdirSync(join(r.dir, to, '..'), { recursive: true });
  r.run(['mv', from, to]);
  r.run(['commit', '-q', '-m', `move ${from}`]);
  return r.head();
}

/** The findings the hook printed, as "path:line", for those the audit reports at `path`. */
const printedAt = (out: string, path: string): string[] =>
  [...out.matchAll(new RegExp(`${path.replace(/[.*/]/g, '\\$&')}:(\\d+)`, 'g'))].map((m) => `${path}:${m[1]}`);

describe.each<Hook>(['pre-push', 'pre-receive'])(
  'the %s hook judges every path a pushed commit puts a file at',
  (hook) => {
    test('the vendored key pair moved to src/ as it was: refused, as a full audit fails it (before: accepted)', async () => {
      const { r, remote } = await hookedRemote(base, hook);
      const published = r.head();
      move(r, VENDORED, 'src/config.js');
      // git's answer: the push prints no line of the file, yet publishes it at src/.
      expect(r.run(['log', '-p', 'origin/main..main'])).not.toContain(pair.id);
      expect(r.run(['show', 'main:src/config.js'])).toContain(pair.id);
      const full = await secretsOpen(r);
      expect(full.outcome).toBe('fail');
      const res = await push(r, ['main']);
      expect(res.code).not.toBe(0);
      expect(res.out).toMatch(/secrets-not-in-history/);
      expect(res.out).not.toContain(pair.secret);
      // The same findings as the full audit's at the path the push adds.
      expect([...new Set(printedAt(res.out, 'src/config.js'))].sort()).toEqual(full.open);
      expect(remoteHas(r, remote, 'refs/heads/main')).toBe(published);
    });

    test("a fixture the policy's secrets.allow excuses, moved out of fixtures/: refused (before: accepted)", async () => {
      const { r, remote } = await hookedRemote(base, hook);
      const published = r.head();
      move(r, 'fixtures/aws.js', 'src/aws.js');
      expect(r.run(['log', '-p', 'origin/main..main'])).not.toContain(pair.id);
      const res = await push(r, ['main']);
      expect(res.code).not.toBe(0);
      expect(printedAt(res.out, 'src/aws.js').length).toBeGreaterThan(0);
      expect(remoteHas(r, remote, 'refs/heads/main')).toBe(published);
    });

    test('twins: a clean file renamed, the vendored file moved within node_modules/: accepted', async () => {
      const { r, remote } = await hookedRemote(base, hook);
      move(r, 'lib/util.js', 'src/util.js');
      const tip = move(r, VENDORED, 'node_modules/aws-helper/lib/config.js');
      expect(r.run(['show', `${tip}:node_modules/aws-helper/lib/config.js`])).toContain(pair.id);
      expect((await secretsOpen(r)).outcome).toBe('pass');
      const res = await push(r, ['main']);
      expect(res.out).not.toMatch(/secrets-not-in-history/);
      expect(res.code).toBe(0);
      expect(remoteHas(r, remote, 'refs/heads/main')).toBe(tip);
    });
  },
);

// The server knows every ref it has (the client's pre-push excludes the remote's tracking tips:
// test/cli/secrets64-prepush-merged-branch): a merge taking files from another branch of the remote adds
// no path to what the remote has (git's combined diff lists none), its leak included.
test('pre-receive twin: a merge of a branch the remote has, a leak it already published at that path: accepted', async () => {
  const { r, remote } = await hookedRemote(base, 'pre-receive');
  r.run(['merge', '-q', '--no-ff', '--no-edit', 'origin/vendor']);
  const tip = r.head();
  expect(r.run(['log', '--raw', '-c', '--format=', '-1', tip])).toBe('');
  expect(await secretsOpen(r)).toEqual({ outcome: 'fail', open: ['docs/legacy.js:2'] });
  const res = await push(r, ['main']);
  expect(res.out).not.toMatch(/secrets-not-in-history/);
  expect(res.code).toBe(0);
  expect(remoteHas(r, remote, 'refs/heads/main')).toBe(tip);
});

test('audit --base at the published tip judges the moved file too (before: pass); its twin passes', async () => {
  const r = copyRepo(base);
  const published = r.head();
  move(r, VENDORED, 'src/config.js');
  const full = await secretsOpen(r);
  expect(await secretsOpen(r, '--base', published)).toEqual(full);
  expect(full.outcome).toBe('fail');
  r.run(['reset', '-q', '--hard', published]);
  move(r, 'lib/util.js', 'src/util.js');
  expect(await secretsOpen(r, '--base', published)).toEqual({ outcome: 'pass', open: [] });
});
