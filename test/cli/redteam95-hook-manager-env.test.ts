// Red team 95: a hook manager's pre-push hook exits 0 before it runs anything when the environment
// says so: husky's `h` on HUSKY=0, lefthook's hook script on LEFTHOOK=0 (the scripts as each writes
// them, test/fixtures/hook-managers). A shell profile or CI job exporting it switches gitguard's
// check off on every push, while gitguard-hook-installed passed, naming the line that runs gitguard.
// Checked against git's own answer: a real `git push` through the managers' real scripts, with a
// `gitguard` (and a lefthook) on PATH that leave a marker when they run.
import { chmodSync, copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTemp, makeRepo, tempDir, type TestRepo } from '../helpers/repo.js';
import { ROOT, parseJson, resultOf, runMain } from '../helpers/cli.js';

afterAll(() => cleanupTemp());

const FIXTURES = join(ROOT, 'test', 'fixtures', 'hook-managers');
const put = (path: string, from: { fixture: string } | { text: string }): void => {
  mkdirSync(join(path, '..'), { recursive: true });
  if ('fixture' in from) copyFileSync(join(FIXTURES, from.fixture), path);
  else writeFileSync(path, from.text);
  chmodSync(path, 0o755);
};

/** A repository, a bare remote, and programs on PATH that write `marker` when a push runs them. */
function setUp(): { r: TestRepo; env: NodeJS.ProcessEnv; pushRuns: (extra: NodeJS.ProcessEnv) => boolean } {
  const r = makeRepo();
  r.commit('first', { 'README.md': 'x\n' });
  const remote = tempDir();
  r.run(['init', '-q', '--bare', remote]);
  const bin = tempDir();
  const marker = join(bin, 'ran');
  put(join(bin, 'gitguard'), { text: `#!/bin/sh\necho "$@" >> '${marker}'\n` });
  const env = { ...r.env, PATH: `${bin}:${r.env.PATH ?? process.env.PATH}`, LEFTHOOK_BIN: join(bin, 'gitguard') };
  let n = 0;
  const pushRuns = (extra: NodeJS.ProcessEnv): boolean => {
    rmSync(marker, { force: true });
    r.run(['push', '-q', remote, `HEAD:refs/heads/b${(n += 1)}`], { env: { ...env, ...extra } });
    return existsSync(marker);
  };
  return { r, env, pushRuns };
}

async function installed(r: TestRepo, env: NodeJS.ProcessEnv): Promise<{ outcome: string; said: string }> {
  const res = await runMain(
    ['audit', '-C', r.dir, '--format', 'json', '--no-cache', '--no-ledger', '-r', 'gitguard-hook-installed'],
    { env },
  );
  const result = resultOf(parseJson(res), 'gitguard-hook-installed');
  return { outcome: result.outcome, said: [result.note ?? '', ...result.findings.map((f) => f.message)].join('\n') };
}

test('husky 9 with HUSKY=0: git runs no gitguard on push, and the rule fails (before: pass)', async () => {
  const { r, env, pushRuns } = setUp();
  put(join(r.dir, '.husky', '_', 'pre-push'), { fixture: 'husky-pre-push' });
  put(join(r.dir, '.husky', '_', 'h'), { fixture: 'husky-h' });
  put(join(r.dir, '.husky', 'pre-push'), { text: 'gitguard hook run pre-push "$@"\n' });
  r.run(['config', 'core.hooksPath', '.husky/_']);
  // the honest twin: husky runs gitguard on every push, and the rule passes
  expect(pushRuns({})).toBe(true);
  expect((await installed(r, env)).outcome).toBe('pass');
  // HUSKY=0 where git runs: the hook exits before gitguard (HUSKY=1 does not)
  expect(pushRuns({ HUSKY: '0' })).toBe(false);
  expect(pushRuns({ HUSKY: '1' })).toBe(true);
  const off = await installed(r, { ...env, HUSKY: '0' });
  expect(off.outcome).toBe('fail');
  expect(off.said).toContain(
    "husky's pre-push hook (" +
      join(r.dir, '.husky', '_', 'pre-push') +
      ') is switched off: HUSKY=0 in the environment makes it exit before it runs anything',
  );
  expect((await installed(r, { ...env, HUSKY: '1' })).outcome).toBe('pass');
});

test('lefthook with LEFTHOOK=0: its hook runs nothing on push, and the rule fails (before: pass)', async () => {
  const { r, env, pushRuns } = setUp();
  put(join(r.dir, '.git', 'hooks', 'pre-push'), { fixture: 'lefthook-pre-push' });
  r.write({
    'lefthook.yml':
      'pre-push:\n  commands:\n    gitguard:\n      run: gitguard hook run pre-push {1} {2}\n      use_stdin: true\n',
  });
  // the twin: the hook calls lefthook (LEFTHOOK_BIN, the marker here), and the rule passes
  expect(pushRuns({})).toBe(true);
  expect((await installed(r, env)).outcome).toBe('pass');
  expect(pushRuns({ LEFTHOOK: '0' })).toBe(false);
  const off = await installed(r, { ...env, LEFTHOOK: '0' });
  expect(off.outcome).toBe('fail');
  expect(off.said).toContain('is switched off: LEFTHOOK=0 in the environment');
});

// Clean pass 99: the variable failed the rule ("gitguard included") also where the manager's hook never
// ran gitguard: husky 9 writes `.husky/_/pre-push` in every repository it is installed in, one with no
// `.husky/pre-push` behind it or one that runs the tests. HUSKY=0 is husky's own advice for CI and
// what developers export to keep husky quiet; git runs no gitguard there either way, so the rule
// warns as it does without the variable.
describe("a manager's pre-push hook that never runs gitguard: its variable set to 0 changes nothing git runs", () => {
  const husky9 = (r: TestRepo, own: string | undefined): void => {
    put(join(r.dir, '.husky', '_', 'pre-push'), { fixture: 'husky-pre-push' });
    put(join(r.dir, '.husky', '_', 'h'), { fixture: 'husky-h' });
    if (own !== undefined) put(join(r.dir, '.husky', 'pre-push'), { text: own });
    r.run(['config', 'core.hooksPath', '.husky/_']);
  };
  for (const [name, own] of [
    ['husky 9 without a .husky/pre-push (the stub husky writes for every hook)', undefined],
    ['husky 9 whose .husky/pre-push runs the tests', 'echo tests\n'],
  ] as const) {
    test(`${name}: HUSKY=0 warns as without it (before: fail)`, async () => {
      const { r, env, pushRuns } = setUp();
      husky9(r, own);
      // git's answer: no gitguard on push, with HUSKY=0 or without
      expect(pushRuns({})).toBe(false);
      expect(pushRuns({ HUSKY: '0' })).toBe(false);
      const without = await installed(r, env);
      expect(without.outcome).toBe('warn');
      expect(without.said).toContain("husky's, which does not run gitguard");
      expect(await installed(r, { ...env, HUSKY: '0' })).toEqual(without);
    });
  }

  test('lefthook whose pre-push runs the tests: LEFTHOOK=0 warns as without it (before: fail)', async () => {
    const { r, env, pushRuns } = setUp();
    put(join(r.dir, '.git', 'hooks', 'pre-push'), { fixture: 'lefthook-pre-push' });
    r.write({ 'lefthook.yml': 'pre-push:\n  commands:\n    tests:\n      run: echo tests\n' });
    // lefthook runs the tests entry, not gitguard (a lefthook that exits 0)
    const tests = { LEFTHOOK_BIN: 'true' };
    expect(pushRuns(tests)).toBe(false);
    expect(pushRuns({ ...tests, LEFTHOOK: '0' })).toBe(false);
    const without = await installed(r, env);
    expect(without.outcome).toBe('warn');
    expect(without.said).toContain("lefthook's, which does not run gitguard");
    expect(await installed(r, { ...env, LEFTHOOK: '0' })).toEqual(without);
  });
});
