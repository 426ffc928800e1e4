// A default audit takes the walk's watched-path changes from the secrets scan's `git log --raw`
// (src/collect/path-tap.ts) when both read the same history, and judges exactly as with the
// walk's own `git diff-tree`: the same findings for protected paths, the CI gate and the policy,
// on a real repository with SSH-signed commits by a maintainer and a non-maintainer.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeRepo, cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { makeSshKey, signedCommit, type SshTestKey } from '../helpers/ssh.js';
import { loggingGit, runMain, parseJson } from '../helpers/cli.js';

let alice: SshTestKey;
let bob: SshTestKey;
beforeAll(() => {
  const dir = mkdtempSync(join(tmpdir(), 'gg-tap-'));
  alice = makeSshKey(dir, 'ed25519', 'alice');
  bob = makeSshKey(dir, 'ed25519', 'bob');
});
afterAll(cleanupTemp);

const JUDGED = [
  'protected-paths-changed-by-maintainers',
  'ci-gate-kept',
  'policy-changes-authorized',
  'signers-authorized',
  'commits-signed',
];

/** A linear history: the policy, then protected paths changed by bob (not a maintainer) and by alice. */
function history(): TestRepo {
  const r = makeRepo();
  const step = (key: SshTestKey, files: Record<string, string | null>, message: string): void => {
    for (const [path, content] of Object.entries(files)) {
      if (content === null) r.run(['rm', '-q', '-r', path]);
      else r.write({ [path]: content });
    }
    r.run(['add', '-A']);
    signedCommit(r, key, message, key === bob ? { committerEmail: 'bob@example.com' } : {});
  };
  step(
    alice,
    {
      '.gitguard/policy.yml':
        'version: 1\nsigners:\n  - name: alice\n    emails: [alice@example.com]\n  - name: bob\n    emails: [bob@example.com]\nmaintainers: [alice]\n',
      '.gitguard/allowed_signers': `alice@example.com ${alice.pub}\nbob@example.com ${bob.pub}\n`,
      '.github/workflows/ci.yml': 'steps:\n  - run: gitguard audit\n',
    },
    'policy and CI',
  );
  step(bob, { 'src.txt': 'work\n' }, 'work');
  step(bob, { CODEOWNERS: '* @bob\n' }, 'own everything');
  step(bob, { '.github/workflows/ci.yml': 'steps:\n  - run: npm test\n' }, 'ci: faster');
  step(alice, { '.github/workflows/ci.yml': 'steps:\n  - run: gitguard audit\n' }, 'ci: gate back');
  step(bob, { 'docs/CODEOWNERS': '* @bob\n', CODEOWNERS: null }, 'move CODEOWNERS');
  step(bob, { '.gitguard/extra.txt': 'x\n' }, 'touch the policy folder');
  step(alice, { 'src.txt': 'more\n' }, 'more work');
  return r;
}

test("the watched paths from the scan's log judge as diff-tree's do, and diff-tree does not run", async () => {
  const r = history();
  const { git, log } = loggingGit(r.home);
  const audit = async (rules: string[]): Promise<{ results: unknown; log: string }> => {
    rmSync(log, { force: true });
    const res = await runMain(
      ['audit', r.dir, '--format', 'json', '--no-cache', '--git', git, ...rules.flatMap((id) => ['--rule', id])],
      { env: r.env },
    );
    const report = parseJson(res);
    const results = report.results
      .filter((x) => JUDGED.includes(x.meta.id))
      .map((x) => ({ id: x.meta.id, outcome: x.outcome, findings: x.findings }));
    return { results, log: readFileSync(log, 'utf8') };
  };
  // With the secrets scan: one diff pass, the scan's.
  const tapped = await audit([...JUDGED, 'secrets-not-in-history']);
  expect(tapped.log).toMatch(/ log -p .*--raw -t --no-abbrev /);
  expect(tapped.log).not.toMatch(/ diff-tree /);
  // Without it: the walk's own diff-tree.
  const own = await audit(JUDGED);
  expect(own.log).not.toMatch(/ log -p /);
  expect(own.log).toMatch(/ diff-tree --stdin /);
  expect(tapped.results).toEqual(own.results);
  // And the verdicts are the ones these changes call for.
  const byId = new Map(
    (own.results as Array<{ id: string; outcome: string; findings: unknown[] }>).map((x) => [x.id, x]),
  );
  expect(byId.get('protected-paths-changed-by-maintainers')!.outcome).toBe('fail');
  expect(byId.get('protected-paths-changed-by-maintainers')!.findings.length).toBeGreaterThanOrEqual(3);
  expect(byId.get('ci-gate-kept')!.outcome).toBe('fail');
}, 60_000);
