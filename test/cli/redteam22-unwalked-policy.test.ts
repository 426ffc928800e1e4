// Red team 22: cleanpass16 let a run of client-min-versions / signing-enabled-when-required go on when
// the walk that vouches for HEAD's policy cannot be done, for a shallow clone. But every expected
// error of the walk's opening was taken for that: a --keyring or --revoked-keys that cannot be read,
// a --base or --trust-root git does not know, were swallowed in a full clone, the rule not-available
// with a note blaming a shallow clone, and the run exit 0 when another rule passed (any other run says
// what is wrong and exits 2). Now only the shallow boundary is "not vouched for"; the rest stop the
// run as everywhere. Twin: the real shallow clones of clean-workflows-23 still run.
import { join } from 'node:path';
import { cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { aliceAndBob } from '../helpers/team.js';
import { runMain } from '../helpers/cli.js';

afterAll(() => cleanupTemp());

const RULES = 'client-min-versions,no-code-execution-in-local-config';
let r: TestRepo;
beforeAll(() => {
  r = aliceAndBob({}).r;
});

test.each([
  ['--keyring', 'missing.asc', 'missing.asc'],
  ['--revoked-keys', 'missing-revoked', 'missing-revoked'],
  ['--base', 'no-such-rev', 'no-such-rev'],
  ['--trust-root', '1234567890123456789012345678901234567890', '1234567890'],
])('%s %s in a full clone: exit 2 in one line naming it, not a pass', async (flag, value, named) => {
  const arg = flag === '--keyring' || flag === '--revoked-keys' ? join(r.home, value) : value;
  const res = await runMain(['audit', '-C', r.dir, '--no-cache', '--no-ledger', '-r', RULES, flag, arg], {
    env: r.env,
  });
  expect(res.code).toBe(2);
  const lines = res.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toContain(named);
  expect(res.stdout).not.toContain('shallow clone');
});

test('twin: the same run without the bad option passes', async () => {
  const res = await runMain(['audit', '-C', r.dir, '--no-cache', '--no-ledger', '-r', RULES], { env: r.env });
  expect(res.code).toBe(0);
});
