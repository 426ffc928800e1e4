// The policy at HEAD is read once per run, and its `severity:` overrides apply to every selected rule,
// whichever other rules run: `audit -r <id>` alone (no commit walk) sees the same override as a
// run that walks the history with the signature rules.
import { makeRepo, cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { parseJson, resultOf, runMain } from '../helpers/cli.js';

afterAll(cleanupTemp);

let repo: TestRepo;
beforeAll(async () => {
  repo = makeRepo();
  // fsck-objects-enabled is medium in rules/fsck-objects-enabled.json; the policy lowers it.
  repo.write({
    '.gitguard/policy.yml':
      'version: 1\nseverity:\n  fsck-objects-enabled: low\n  tls-verification-enabled: critical\n',
  });
  repo.run(['add', '-A']);
  repo.run(['commit', '-q', '-m', 'policy']);
});

const audit = async (rules: string) =>
  parseJson(
    await runMain(['audit', repo.dir, '--format', 'json', '--no-ledger', '--no-cache', '--rule', rules], {
      env: repo.env,
    }),
  );

describe('policy severity overrides', () => {
  test('apply when only that rule is selected (no walk, no signature rule)', async () => {
    const report = await audit('fsck-objects-enabled');
    const r = resultOf(report, 'fsck-objects-enabled');
    expect(r.outcome).toBe('warn');
    expect(r.severity).toBe('low');
  });

  test('apply the same with the signature rules and the walk', async () => {
    const report = await audit('fsck-objects-enabled,tls-verification-enabled,commits-signed');
    expect(resultOf(report, 'fsck-objects-enabled').severity).toBe('low');
    expect(resultOf(report, 'tls-verification-enabled').severity).toBe('critical');
    expect(resultOf(report, 'commits-signed').severity).toBe('high');
  });

  test('a rule the policy does not name keeps its own severity', async () => {
    expect(resultOf(await audit('tls-verification-enabled,hooks-not-disabled'), 'hooks-not-disabled').severity).toBe(
      'high',
    );
  });
});
