// fsck.<msg-id> and fsck.skipList in the repository's own config blind `git fsck`, the check gitguard
// sends the user to for a damaged repository: a commit git fsck rejects (missingEmail) passes it once
// .git/config says fsck.missingEmail=ignore or lists the commit in fsck.skipList. gitguard's
// object-checks-not-weakened passed both (it knew only fetch/receive/transfer.fsck.*). Clean twins: the
// same keys in the user's global config (their own choice for their own fsck), and a check made
// stricter locally, pass.
import { spawnSync } from 'node:child_process';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runAudit } from '../../src/engine/audit.js';
import { cleanupTemp, makeRepo, type TestRepo } from '../helpers/repo.js';

afterAll(cleanupTemp);

const RULE = 'object-checks-not-weakened';

/** A repository holding a commit without an email, which git fsck rejects; its id. */
function damaged(): { r: TestRepo; oid: string } {
  const r = makeRepo();
  const tree = r.run(['mktree'], { input: '' });
  const body = `tree ${tree}\nauthor A 1 +0000\ncommitter A 1 +0000\n\nx\n`;
  const oid = r.run(['hash-object', '-w', '-t', 'commit', '--literally', '--stdin'], { input: body });
  r.run(['update-ref', 'refs/heads/main', oid]);
  return { r, oid };
}

const fsckPasses = (r: TestRepo): boolean =>
  spawnSync('git', ['fsck'], { cwd: r.dir, env: r.env, stdio: 'ignore' }).status === 0;

async function outcome(r: TestRepo): Promise<string> {
  const report = await runAudit({ path: r.dir, rules: [RULE], failOn: 'low', env: r.env, trust: { cache: false } });
  return report.results[0]!.outcome;
}

test('git fsck rejects the commit as made', () => {
  expect(fsckPasses(damaged().r)).toBe(false);
});

test.each([
  ['fsck.missingEmail=ignore in .git/config', (r: TestRepo) => r.run(['config', 'fsck.missingEmail', 'ignore'])],
  [
    'fsck.skipList naming the commit in .git/config',
    (r: TestRepo, oid: string) => {
      writeFileSync(join(r.dir, '.git', 'skip'), `${oid}\n`);
      r.run(['config', 'fsck.skipList', '.git/skip']);
    },
  ],
])('%s: git fsck passes it, gitguard fails', async (_name, set) => {
  const { r, oid } = damaged();
  set(r, oid);
  expect({ fsck: fsckPasses(r), gitguard: await outcome(r) }).toEqual({ fsck: true, gitguard: 'fail' });
});

test.each([
  [
    'fsck.missingEmail=ignore in the global config',
    (r: TestRepo) => appendFileSync(join(r.home, '.gitconfig'), '[fsck]\n\tmissingEmail = ignore\n'),
  ],
  ['fsck.missingEmail=error in .git/config', (r: TestRepo) => r.run(['config', 'fsck.missingEmail', 'error'])],
])('%s: passes', async (_name, set) => {
  const { r } = damaged();
  set(r);
  expect(await outcome(r)).toBe('pass');
});
