// gate63: the default protected paths covered GitHub's and GitLab's CI only, so a signer who is no
// maintainer could gut any other CI (.circleci/config.yml, Jenkinsfile, .forgejo/workflows, ...) and
// the audit passed. Every CI system's documented place is protected now (domain/ci-systems.ts), and
// ci-gate-kept reads Forgejo's and Gitea's workflow folders (GitHub's syntax) for the gitguard step.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTemp } from '../helpers/repo.js';
import { ROOT } from '../helpers/cli.js';
import { checkoutWorkflow, gateTeam, keysOnlyGate } from '../helpers/team.js';
import { CI_SYSTEMS } from '../../src/domain/ci-systems.js';
import { DEFAULT_PROTECTED_PATHS } from '../../src/domain/policy.js';

afterAll(cleanupTemp);

/** A file each CI system reads at its place: the pattern itself, or a file in its folder. */
const fileOf = (pattern: string): string =>
  pattern.endsWith('/**')
    ? `${pattern.slice(0, -3)}/${pattern.startsWith('.github/actions') ? 'audit/action.yml' : 'config.yml'}`
    : pattern;
const CI_FILES = [...new Set(CI_SYSTEMS.map((s) => fileOf(s.pattern)))];
const RUNS = checkoutWorkflow('      - run: make test\n');
const GATED = checkoutWorkflow('      - run: make test\n      - run: npx gitguard audit\n');

describe('every CI system’s file is protected by default', () => {
  // One repository holding every CI file (Alice's first commit); each test edits one of them.
  const team = gateTeam(Object.fromEntries(CI_FILES.map((f) => [f, RUNS])));

  // Each file's edit its own commit, all judged in one audit: every one of Bob's is named in a finding.
  test('Bob’s edit of each fails, every one named; Alice’s edits pass', async () => {
    const gutted = CI_FILES.map((file) => ({ [file]: 'on: push\njobs: {}\n' }));
    const bob = await team.chain(gutted);
    expect(bob.outcomes).toMatchObject({ code: 1, 'protected-paths-changed-by-maintainers': 'fail' });
    expect(bob.flagged).toEqual(gutted);
    const alice = await team.chain(gutted, team.alice, 'alice@example.com');
    expect(alice.outcomes).toMatchObject({ code: 0, 'protected-paths-changed-by-maintainers': 'pass' });
  });

  test('unrelated files named alike: Bob’s edits pass', async () => {
    const unrelated = [
      'docs/Jenkinsfile.md',
      'src/.circleci.ts',
      'ci/Jenkinsfile',
      '.circleci.yml',
      'docs/.travis.yml',
      '.forgejo/ISSUE_TEMPLATE.md',
      '.gitea/template',
      'tools/azure-pipelines.yml',
      'cloudbuild.yaml.example',
    ].map((file) => ({ [file]: 'x\n' }));
    const bob = await team.chain(unrelated);
    expect(bob.outcomes).toMatchObject({ code: 0, 'protected-paths-changed-by-maintainers': 'pass' });
    expect(bob.flagged).toEqual([]);
  });
});

describe.each(['.forgejo/workflows/ci.yml', '.gitea/workflows/ci.yaml'])('the gitguard step in %s', (file) => {
  const team = gateTeam({ [file]: GATED });

  test('removed by Bob: ci-gate-kept fails', async () => {
    expect(await team.outcomes({ [file]: RUNS })).toEqual({
      code: 1,
      'protected-paths-changed-by-maintainers': 'fail',
      'ci-gate-kept': 'fail',
    });
  });

  test('moved out of the folder CI reads by Bob: ci-gate-kept fails', async () => {
    const moved = file.replace(/workflows\/ci\.ya?ml$/, 'ci.yml');
    expect(
      await team.outcomes({ [file]: RUNS, [moved]: checkoutWorkflow('      - run: npx gitguard audit\n') }),
    ).toMatchObject({ code: 1, 'ci-gate-kept': 'fail' });
  });

  test('removed by Alice: passes', async () => {
    expect(await team.outcomes({ [file]: RUNS }, team.alice, 'alice@example.com')).toEqual({
      code: 0,
      'protected-paths-changed-by-maintainers': 'pass',
      'ci-gate-kept': 'pass',
    });
  });

  test('kept by Bob, another step edited: only the protected path fails', async () => {
    const edited = checkoutWorkflow('      - run: make check\n      - run: npx gitguard audit\n');
    expect(await team.outcomes({ [file]: edited })).toEqual({
      code: 1,
      'protected-paths-changed-by-maintainers': 'fail',
      'ci-gate-kept': 'pass',
    });
  });
});

describe('docs/policy.md', () => {
  test('lists the default protected paths as the code has them', () => {
    const doc = readFileSync(join(ROOT, 'docs/policy.md'), 'utf8');
    const block = /Default protected paths:\n\n```\n([^`]*)```/.exec(doc)![1]!;
    expect(block.split(/\s+/).filter(Boolean)).toEqual(DEFAULT_PROTECTED_PATHS);
  });
});

// No policy (keys only): ci-gate-kept alone judges, so this is its own reading of the folders.
describe.each(['.forgejo/workflows/ci.yml', '.gitea/workflows/ci.yml'])('no policy, %s', (file) => {
  async function gate(after: string): Promise<{ code: number; stdout: string }> {
    const res = await keysOnlyGate(file, GATED, after);
    // git's own answer: the second commit changes the workflow file.
    expect(res.r.run(['diff', '--name-only', 'HEAD~1', 'HEAD']).trim()).toBe(file);
    return res;
  }

  test('the step removed: ci-gate-kept fails', async () => {
    const res = await gate(RUNS);
    expect([res.code, res.stdout]).toEqual([1, expect.stringMatching(/FAIL\s+ci-gate-kept/)]);
  });

  test('the step kept, another edited: passes', async () => {
    const res = await gate(checkoutWorkflow('      - run: make check\n      - run: npx gitguard audit\n'));
    expect([res.code, res.stdout]).toEqual([0, expect.stringMatching(/pass\s+ci-gate-kept/)]);
  });
});
