// SARIF results point where each finding applies, in a real repository audited by the built binary:
// the config file and the line that sets the key, the workflow a removed CI gate lived in, and the
// repository root only when nothing fits. The output stays valid SARIF 2.1.0.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeRepo, cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { runMain } from '../helpers/cli.js';
import { validator } from '../report/sarif-schema.js';

afterAll(cleanupTemp);

interface SarifResult {
  ruleId: string;
  message: { text: string };
  locations: Array<{
    physicalLocation: {
      artifactLocation: { uri: string; description?: { text: string } };
      region?: { startLine: number };
    };
    logicalLocations?: Array<{ fullyQualifiedName: string }>;
  }>;
}

let repo: TestRepo;
let results: SarifResult[];
let sarif: unknown;
beforeAll(async () => {
  repo = makeRepo({ globalConfig: '[user]\n\tname = Alice\n[http]\n\tsslVerify = false\n' });
  repo.commit('add CI', {
    '.github/workflows/ci.yml': 'on: push\njobs:\n  gate:\n    steps:\n      - run: npx gitguard audit\n',
  });
  repo.commit('drop the gate', {
    '.github/workflows/ci.yml': 'on: push\njobs:\n  test:\n    steps:\n      - run: npm test\n',
  });
  repo.run(['config', 'core.fsmonitor', 'echo planted']);
  const r = await runMain(
    [
      'audit',
      repo.dir,
      '--format',
      'sarif',
      '--no-cache',
      '--no-ledger',
      '--rule',
      'no-code-execution-in-local-config,tls-verification-enabled,ci-gate-kept,commits-signed',
    ],
    { env: repo.env },
  );
  expect(r.code).toBe(1);
  sarif = JSON.parse(r.stdout);
  results = (sarif as { runs: Array<{ results: SarifResult[] }> }).runs[0]!.results;
});

const lineIn = (file: string, text: string): number => readFileSync(file, 'utf8').split('\n').indexOf(text) + 1;
const resultsOf = (id: string): SarifResult[] => results.filter((r) => r.ruleId === id);

describe('SARIF locations', () => {
  test('a key set in the repository config: .git/config and the line that sets it', async () => {
    const [r] = resultsOf('no-code-execution-in-local-config');
    const loc = r!.locations[0]!.physicalLocation;
    expect(loc.artifactLocation.uri).toBe('.git/config');
    expect(loc.region).toEqual({ startLine: lineIn(join(repo.dir, '.git', 'config'), '\tfsmonitor = echo planted') });
    expect(loc.region!.startLine).toBeGreaterThan(1);
  });

  test('a key set in the global config: its file (outside the repository) and line', async () => {
    const [r] = resultsOf('tls-verification-enabled');
    const loc = r!.locations[0]!.physicalLocation;
    expect(loc.artifactLocation.uri).toBe(`file://${join(repo.home, '.gitconfig')}`);
    expect(loc.region).toEqual({ startLine: lineIn(join(repo.home, '.gitconfig'), '\tsslVerify = false') });
  });

  test('a removed CI gate points at the workflows it was removed from, and names the commit', async () => {
    const [r] = resultsOf('ci-gate-kept');
    expect(r!.locations[0]!.physicalLocation.artifactLocation.uri).toBe('.github/workflows');
    expect(r!.locations[0]!.logicalLocations![0]!.fullyQualifiedName).toBe(repo.head());
  });

  test('a commit that touches nothing watched points at the repository root, never .git', async () => {
    const first = resultsOf('commits-signed').find((r) => r.message.text.includes('"add CI"'))!;
    // "add CI" adds a workflow: that is where it applies.
    expect(first.locations[0]!.physicalLocation.artifactLocation.uri).toBe('.github/workflows');
    const all = results.map((r) => r.locations[0]!.physicalLocation.artifactLocation.uri);
    expect(all).not.toContain('.git');
    const other = makeRepo();
    other.commit('plain');
    const o = await runMain(
      ['audit', other.dir, '--format', 'sarif', '--no-cache', '--no-ledger', '--rule', 'commits-signed'],
      { env: other.env },
    );
    const loc = (JSON.parse(o.stdout) as { runs: Array<{ results: SarifResult[] }> }).runs[0]!.results[0]!.locations[0]!
      .physicalLocation;
    expect(loc.artifactLocation.uri).toBe('.');
    expect(loc.artifactLocation.description!.text).toMatch(/^commit [0-9a-f]{40}$/);
  });

  test('the report is valid SARIF 2.1.0', async () => {
    for (const validate of ['sarif-schema-2.1.0.json', 'sarif-schema-2.1.0-errata01.json'].map(validator))
      expect({ valid: validate(sarif), errors: validate.errors ?? null }).toEqual({ valid: true, errors: null });
  });
});
