// Red team 98: what else in the environment makes lefthook run no gitguard, past red team 95's
// LEFTHOOK=0. Measured with lefthook 1.13.6 itself (npm lefthook-linux-x64, `lefthook install`, a real
// `git push` through its hook with the README's recipe): LEFTHOOK=false skips every command as 0 does
// (FALSE, off, no, 00 do not); LEFTHOOK_EXCLUDE, comma-separated and each matched whole, skips the
// command of that name or with that tag (`x,gitguard`, `security` for `tags: [security]`; ` gitguard`
// and `GITGUARD` do not); and the hook script runs LEFTHOOK_BIN in lefthook's place whenever it is
// set (`LEFTHOOK_BIN=true` checks nothing). gitguard-hook-installed passed for each. Here the rule
// reads the hook lefthook writes (test/fixtures/hook-managers) and the README's lefthook.yml; twins:
// the values lefthook runs gitguard under pass. The pre-commit framework likewise skips the hooks whose
// id or alias SKIP names (pre-commit's documented `SKIP=id git push`; comma-separated, each stripped:
// pre-commit 4's _get_skips): the rule read no SKIP.
import { chmodSync, copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTemp, makeRepo, type TestRepo } from '../helpers/repo.js';
import { ROOT, parseJson, resultOf, runMain } from '../helpers/cli.js';

afterAll(() => cleanupTemp());

/** A repository whose pre-push hook is `fixture` (as the manager writes it), with `files`. */
function managed(fixture: string, files: Record<string, string>): TestRepo {
  const r = makeRepo();
  r.commit('first', { 'README.md': 'x\n' });
  const hook = join(r.dir, '.git', 'hooks', 'pre-push');
  mkdirSync(join(hook, '..'), { recursive: true });
  copyFileSync(join(ROOT, 'test', 'fixtures', 'hook-managers', fixture), hook);
  chmodSync(hook, 0o755);
  r.write(files);
  return r;
}

let r: TestRepo;
let pc: TestRepo;
beforeAll(() => {
  r = managed('lefthook-pre-push', {
    'lefthook.yml':
      'pre-push:\n  commands:\n    gitguard:\n      tags: [security, push]\n      run: gitguard hook run pre-push {1} {2}\n      use_stdin: true\n',
  });
  pc = managed('pre-commit-pre-push', {
    '.pre-commit-config.yaml':
      'repos:\n  - repo: https://example.com/gitguard\n    rev: v0.1.0\n    hooks:\n      - id: gitguard\n        alias: guard\n',
  });
});

async function installed(env: NodeJS.ProcessEnv, repo = r): Promise<{ outcome: string; said: string }> {
  const res = await runMain(
    ['audit', '-C', repo.dir, '--format', 'json', '--no-cache', '--no-ledger', '-r', 'gitguard-hook-installed'],
    { env: { ...repo.env, ...env } },
  );
  const result = resultOf(parseJson(res), 'gitguard-hook-installed');
  return { outcome: result.outcome, said: [result.note ?? '', ...result.findings.map((f) => f.message)].join('\n') };
}

test.each([
  ['LEFTHOOK', 'false'],
  ['LEFTHOOK_EXCLUDE', 'x,gitguard'],
  ['LEFTHOOK_EXCLUDE', 'security'],
  ['LEFTHOOK_EXCLUDE', 'x,push'],
  ['LEFTHOOK_BIN', 'true'],
])('%s=%s: lefthook runs no gitguard on push, and the rule fails (before: pass)', async (name, value) => {
  const off = await installed({ [name]: value });
  expect(off.outcome).toBe('fail');
  expect(off.said).toContain(`is switched off: ${name}=${value} in the environment makes it run no gitguard on push`);
});

test.each([
  ['LEFTHOOK', 'FALSE'],
  ['LEFTHOOK', 'off'],
  ['LEFTHOOK', '1'],
  ['LEFTHOOK_EXCLUDE', ' gitguard'],
  ['LEFTHOOK_EXCLUDE', 'GITGUARD'],
  ['LEFTHOOK_EXCLUDE', 'pre-push'],
  ['LEFTHOOK_BIN', '/opt/lefthook/bin/lefthook'],
])('%s=%s: lefthook still runs gitguard, and the rule passes', async (name, value) => {
  expect((await installed({ [name]: value })).outcome).toBe('pass');
});

test.each(['gitguard', 'flake8, gitguard ', 'guard'])(
  'pre-commit with SKIP=%s: the rule fails (before: pass)',
  async (skip) => {
    const off = await installed({ SKIP: skip }, pc);
    expect(off.outcome).toBe('fail');
    expect(off.said).toContain(`is switched off: SKIP=${skip} in the environment makes it run no gitguard on push`);
  },
);

test.each(['', 'flake8', 'gitguard-other', 'GITGUARD'])('pre-commit with SKIP=%s: the rule passes', async (skip) => {
  expect((await installed({ SKIP: skip }, pc)).outcome).toBe('pass');
});
