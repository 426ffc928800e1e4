// Red team 30: an unreadable policy at HEAD (here a key file over 1 MiB in .gitguard/keys) ends the
// audit with one line and exit 2. But the secrets scan had asked for HEAD's policy (its entropy
// option) and awaited that answer only after loading its modules: when the policy failed in between,
// node found the rejection unhandled, printed the stack of gitguard's error after its line and exited
// 1 (measured on main: 5 runs in 30 of `gitguard audit`). Process-level, so the built binary is run.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTemp, makeRepo } from '../helpers/repo.js';
import { runCli, stderrLines } from '../helpers/cli.js';

afterAll(() => cleanupTemp());

const r = makeRepo();
r.commit('policy', {
  '.gitguard/policy.yml': 'version: 1\nsigners:\n  - name: A\n    emails: [a@example.com]\n',
  '.gitguard/keys/big.asc': 'x'.repeat(1_100_000),
});

test('an unreadable policy: one line and exit 2, run after run (before: a stack trace and exit 1 in one run of six)', () => {
  for (let i = 0; i < 8; i += 1) {
    const res = runCli(['audit', '--no-cache'], { cwd: r.dir, env: r.env });
    expect({ code: res.code, lines: stderrLines(res) }).toEqual({
      code: 2,
      lines: [expect.stringContaining('unreadable policy: .gitguard at')],
    });
  }
});

test('twin: the key file removed, the audit runs and prints no error', () => {
  rmSync(join(r.dir, '.gitguard/keys/big.asc'));
  writeFileSync(join(r.dir, 'a.txt'), 'a\n');
  r.run(['add', '-A']);
  r.run(['commit', '-q', '--no-gpg-sign', '-m', 'no key file']);
  const res = runCli(['audit', '--no-cache'], { cwd: r.dir, env: r.env });
  expect(res.code).toBe(1); // unsigned commits fail their rules
  expect(res.stderr).not.toMatch(/unreadable policy|Node\.js|\n\s+at /);
});
