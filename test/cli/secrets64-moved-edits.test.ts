// Secrets 64: a file moved from an excused path to a judged one WITH an edit in the same commit.
// `git log -p` pairs the two (rename detection) and prints only the edited lines; the new version is
// no copy of the old one, so neither leak-copies.ts nor placed-blobs.ts saw it: a vendored AWS key
// pair (node_modules/: excused) or a fixture a `secrets.allow` glob excused, moved to src/ with one
// line added, passed `audit --no-cache`, `--base` and both hooks while `git show HEAD:src/config.js`
// printed the key. Now each version a rename puts at a new path is read whole (moved-lines.ts).
// git's own answer: `git log -1 -M --name-status` (a rename), `git log -p` (no key line), `git show`.
// Twins: an honest rename with an edit of a clean file, and the vendored file moved and edited
// within node_modules/, pass and are pushed.
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTemp, copyRepo, makeRepo, type TestRepo } from '../helpers/repo.js';
import { gitAsync, stopHookBridge } from '../helpers/hook-bridge.js';
import { parseJson, resultOf, runMain, type JsonReport } from '../helpers/cli.js';
import {
  hookedRemote,
  remoteHas,
  secretsOpen,
  vendoredTemplate,
  VENDORED,
  type Hook,
} from '../helpers/hooked-remote.js';
import { TokenFactory } from '../helpers/secrets.js';

const pair = new TokenFactory(6464).awsPair();
const CONFIG = [
  '// AWS client settings for the helper',
  `const id = "${pair.id}";`,
  `const secret = "aws_secret_access_key = ${pair.secret}";`,
  'export const region = "eu-west-1";',
  'export const retries = 3;',
  'export const timeoutMs = 5000;',
  'export default { id, secret };',
  '',
].join('\n');
const UTIL = ['export const one = 1;', 'export const two = 2;', 'export const three = 3;', 'export {};', ''].join('\n');

let base: TestRepo;
beforeAll(() => {
  base = vendoredTemplate(CONFIG, UTIL);
});
afterAll(async () => {
  await stopHookBridge();
  cleanupTemp();
});

/** A commit moving `from` to `to` (git mv) and adding a line to it. */
function moveEdited(r: TestRepo, from: string, to: string): string {
  mkdirSync(join(r.dir, to, '..'), { recursive: true });
  r.run(['mv', from, to]);
  appendFileSync(join(r.dir, to), '// moved here\n');
  r.run(['add', to]);
  r.run(['commit', '-q', '-m', `move ${from}`]);
  const tip = r.head();
  // git's answer: a rename with an edit, whose diff prints no line of the key.
  expect(r.run(['log', '-1', '-M', '--format=', '--name-status', tip])).toMatch(/^R0\d\d\t/);
  expect(r.run(['log', '-1', '-p', '--format=', tip])).not.toContain(pair.id);
  return tip;
}

describe('a file moved from an excused path to a judged one with an edit', () => {
  test.each([
    ['the vendored key pair', VENDORED, 'src/config.js'],
    ['a fixture secrets.allow excuses', 'fixtures/aws.js', 'src/aws.js'],
  ])('%s: audit --no-cache and --base fail at the new path (before: pass)', async (_, from, to) => {
    const r = copyRepo(base);
    const published = r.head();
    const tip = moveEdited(r, from, to);
    expect(r.run(['show', `${tip}:${to}`])).toContain(pair.id);
    const full = await secretsOpen(r);
    expect(full).toEqual({ outcome: 'fail', open: [`${to}:3`] });
    expect(await secretsOpen(r, '--base', published)).toEqual(full);
  });

  test('twins: a clean file renamed with an edit, the vendored file moved and edited within node_modules/: pass', async () => {
    const r = copyRepo(base);
    const published = r.head();
    moveEdited(r, 'lib/util.js', 'src/util.js');
    const tip = moveEdited(r, VENDORED, 'node_modules/aws-helper/lib/config.js');
    expect(r.run(['show', `${tip}:node_modules/aws-helper/lib/config.js`])).toContain(pair.id);
    expect(await secretsOpen(r)).toEqual({ outcome: 'pass', open: [] });
    expect(await secretsOpen(r, '--base', published)).toEqual({ outcome: 'pass', open: [] });
  });
});

// A secret the policy excuses by its fingerprint, in a file renamed with an edit: the finding at the
// new path copies the excused one (the same bytes), and the audit still passes.
test('twin: a fingerprint-excused secret renamed with an edit: pass', async () => {
  const r = makeRepo();
  r.commit('init', { 'README.md': '# app\n', 'src/keys.js': CONFIG });
  const res = await runMain(
    ['audit', r.dir, '--no-ledger', '--no-cache', '-r', 'secrets-not-in-history', '--format', 'json'],
    {
      env: r.env,
    },
  );
  const findings = resultOf(parseJson<JsonReport>(res), 'secrets-not-in-history').findings as Array<{
    evidence?: { fingerprint?: string };
  }>;
  const prints = findings.map((f) => f.evidence!.fingerprint!);
  expect(prints).toHaveLength(1);
  const allow = prints.map((p) => `    - fingerprint: "${p}"\n      reason: revoked\n`).join('');
  r.commit('excuse it', {
    '.gitguard/policy.yml': `version: 1\nrequire_signatures: false\nsecrets:\n  allow:\n${allow}`,
  });
  expect(await secretsOpen(r)).toEqual({ outcome: 'pass', open: [] });
  const tip = moveEdited(r, 'src/keys.js', 'src/aws/keys.js');
  expect(r.run(['show', `${tip}:src/aws/keys.js`])).toContain(pair.id);
  expect(await secretsOpen(r)).toEqual({ outcome: 'pass', open: [] });
});

describe.each<Hook>(['pre-push', 'pre-receive'])('the %s hook', (hook) => {
  test('the vendored key pair moved to src/ with an edit: refused (before: accepted)', async () => {
    const { r, remote } = await hookedRemote(base, hook);
    const published = r.head();
    moveEdited(r, VENDORED, 'src/config.js');
    const res = await gitAsync(r, ['push', 'origin', 'main']);
    const out = res.stdout + res.stderr;
    expect(res.code).not.toBe(0);
    expect(out).toMatch(/secrets-not-in-history/);
    expect(out).toContain('src/config.js:3');
    expect(out).not.toContain(pair.secret);
    expect(remoteHas(r, remote, 'refs/heads/main')).toBe(published);
  });

  test('twins: a clean file renamed with an edit, the vendored file moved and edited within node_modules/: accepted', async () => {
    const { r, remote } = await hookedRemote(base, hook);
    moveEdited(r, 'lib/util.js', 'src/util.js');
    const tip = moveEdited(r, VENDORED, 'node_modules/aws-helper/lib/config.js');
    const res = await gitAsync(r, ['push', 'origin', 'main']);
    expect(res.stdout + res.stderr).not.toMatch(/secrets-not-in-history/);
    expect(res.code).toBe(0);
    expect(remoteHas(r, remote, 'refs/heads/main')).toBe(tip);
  });
});
