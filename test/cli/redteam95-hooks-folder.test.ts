// Red team 95: git runs a hook only as an executable file named as one (githooks(5); find_hook checks
// access(X_OK)). A core.hooksPath naming a folder that holds files but no such hook switches every
// hook off as /dev/null does: `core.hooksPath=/etc` (full of files, some with an x bit), a folder
// with only a README, or with the team's pre-push there but not executable. hooks-not-disabled
// counted any file as a hook and passed. Checked against git's own answer: a real `git push` to a
// bare remote, whose hooks write a marker when git runs them.
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTemp, makeRepo, tempDir, type TestRepo } from '../helpers/repo.js';
import { parseJson, resultOf, runMain } from '../helpers/cli.js';

afterAll(() => cleanupTemp());

async function rule(r: TestRepo): Promise<{ outcome: string; said: string }> {
  const res = await runMain(
    ['audit', '-C', r.dir, '--no-cache', '--no-ledger', '--format', 'json', '-r', 'hooks-not-disabled'],
    { env: r.env },
  );
  const result = resultOf(parseJson(res), 'hooks-not-disabled');
  return { outcome: result.outcome, said: result.findings.map((f) => f.message).join('\n') };
}

function setUp(): { r: TestRepo; hooks: string; marker: string; push: () => boolean } {
  const r = makeRepo();
  r.commit('first', { 'README.md': 'x\n' });
  const remote = tempDir();
  r.run(['init', '-q', '--bare', remote]);
  const hooks = join(tempDir(), 'hooks');
  mkdirSync(hooks);
  const marker = join(hooks, '..', 'ran');
  let n = 0;
  // git's answer: whether a push ran the folder's pre-push (it writes the marker)
  const push = (): boolean => {
    rmSync(marker, { force: true });
    r.run(['push', '-q', remote, `HEAD:refs/heads/b${(n += 1)}`]);
    return existsSync(marker);
  };
  r.run(['config', 'core.hooksPath', hooks]);
  return { r, hooks, marker, push };
}

const HOOK = (marker: string): string => `#!/bin/sh\necho pushed >> '${marker}'\n`;

test('a folder whose pre-push is not executable: git runs no hook, and the rule fails (before: pass)', async () => {
  const { r, hooks, marker, push } = setUp();
  writeFileSync(join(hooks, 'pre-push'), HOOK(marker), { mode: 0o644 });
  expect(push()).toBe(false);
  const got = await rule(r);
  expect(got.outcome).toBe('fail');
  expect(got.said).toContain(`points at ${hooks}, whose 1 file(s) git runs none of`);
  // the honest twin: the same hook with its x bit, which git runs
  chmodSync(join(hooks, 'pre-push'), 0o755);
  expect(push()).toBe(true);
  expect(readFileSync(marker, 'utf8')).toBe('pushed\n');
  expect((await rule(r)).outcome).toBe('pass');
});

test('a folder of executable files none named as a hook (as /etc): git runs none, and the rule fails (before: pass)', async () => {
  const { r, hooks, marker, push } = setUp();
  for (const name of ['README', 'hosts', 'prepush', 'pre-push.sh', 'pre-push.d'])
    writeFileSync(join(hooks, name), HOOK(marker), { mode: 0o755 });
  expect(push()).toBe(false);
  const got = await rule(r);
  expect(got.outcome).toBe('fail');
  expect(got.said).toContain('whose 5 file(s) git runs none of (not executable, or not named as a hook)');
  // the honest twin: one hook of git's among them (not even pre-push) keeps the folder a hooks folder
  writeFileSync(join(hooks, 'post-checkout'), '#!/bin/sh\n', { mode: 0o755 });
  expect((await rule(r)).outcome).toBe('pass');
});
