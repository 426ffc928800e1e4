// Red-team round 70: the CI readers (ci-yaml.ts namesGitguard, gitlab-gate.ts) resolved each YAML
// alias with the parser's Alias.resolve, which walks the whole document for every alias: a 225 KB CI
// file of 25,000 `- *a` (under the parser's size limit) took minutes per version, and the audit
// never answered (over the test's limit). Aliases are resolved from one walk per document now
// (collect/yaml-aliases.ts), to the node the parser's own resolve names (YAML 1.2: the last anchor
// of the name before the alias), so the verdicts are those of a small file.
import { cleanupTemp } from '../helpers/repo.js';
import { keysOnlyGateFiles } from '../helpers/team.js';

afterAll(cleanupTemp);

const ALIASES = 25_000;
/** One anchored command and ALIASES aliases of it. */
const LIST = `[&m make${', *m'.repeat(ALIASES)}]`;
/** A build job whose script is one anchored command and ALIASES aliases of it. */
const BUILD = `build:\n  script: ${LIST}\n`;
const GITLAB = '.gitlab-ci.yml';
const GITHUB = '.github/workflows/ci.yml';
const WORKFLOW = (steps: string): string =>
  `on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    env:\n      ARGS: ${LIST}\n    steps:\n${steps}`;

/** The gate step after `n` aliases of a step that fails the job where step zz failed. */
const OUTCOME_STEPS = (n: number): string =>
  `on: push\njobs:\n  audit:\n    runs-on: ubuntu-latest\n    steps: [&s {if: "steps.zz.outcome == 'failure'", run: exit 1}${', *s'.repeat(n)}, {run: npx gitguard audit}]\n`;

test.each([
  {
    name: 'GitLab: the gate left only in a hidden job, next to 25,000 aliases',
    file: GITLAB,
    after: `${BUILD}.audit:\n  script: npx gitguard audit\n`,
    kept: false,
  },
  {
    name: 'twin: GitLab: the gate job kept, next to 25,000 aliases',
    file: GITLAB,
    after: `${BUILD}audit:\n  script: npx gitguard audit\n`,
    kept: true,
  },
  {
    name: 'twin: GitLab: the gate an alias of an anchor set after 25,000 aliases',
    file: GITLAB,
    after: `${BUILD}.cmd: &gate npx gitguard audit\naudit:\n  script: [*gate]\n`,
    kept: true,
  },
  {
    // suite162: each item of a list was judged with its whole prefix re-read (earlier steps, restores):
    // 45,000 items took 36 CPU-s, 125 s on this loaded machine (25,000: 22-38 s, under the test's limit); one walk now (eachAbove).
    name: 'twin: GitLab: the gate job kept, next to a script list of 45,000 aliases',
    file: GITLAB,
    after: `build:\n  script: [&m make${', *m'.repeat(45_000)}]\naudit:\n  script: npx gitguard audit\n`,
    kept: true,
  },
  {
    name: 'GitHub: the gate step switched off, next to 25,000 aliases',
    file: GITHUB,
    after: WORKFLOW('      - run: npx gitguard audit\n        if: false\n'),
    kept: false,
  },
  {
    // env107: the env: past the alias budget is read name by name, so NODE_OPTIONS beside it still counts.
    name: 'GitHub: NODE_OPTIONS in the step env:, beside 25,000 aliases',
    file: GITHUB,
    after: WORKFLOW(
      '      - run: npx gitguard audit\n        env:\n          A: *m\n          NODE_OPTIONS: --require ./x.js\n',
    ),
    kept: false,
  },
  {
    // suite162: each step whose if: fails the job on another's outcome (`exit 1`) scanned the steps before
    // it for that id (github-gate.ts checked): 45,000 aliases of one such step ran past 300 s (74 CPU-s).
    // One walk now (actions-run.ts checkedIds); past the reader's node limit: no gate judged (fails closed).
    name: 'GitHub: the gate step after 45,000 aliases of a step failing on an outcome: answered, no gate',
    file: GITHUB,
    after: OUTCOME_STEPS(45_000),
    kept: false,
  },
  {
    name: 'twin: GitHub: the gate step after 5,000 aliases of a step failing on an outcome is kept',
    file: GITHUB,
    after: OUTCOME_STEPS(5_000),
    kept: true,
  },
  {
    name: 'twin: GitHub: the gate step kept, next to 25,000 aliases',
    file: GITHUB,
    after: WORKFLOW('      - run: npx gitguard audit\n'),
    kept: true,
  },
])('$name', async ({ file, after, kept }) => {
  const before =
    file === GITLAB
      ? 'audit:\n  script: npx gitguard audit\n'
      : 'on: push\njobs:\n  audit:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npx gitguard audit\n';
  expect(after.length).toBeLessThan(256 * 1024); // read by the parser, not by line
  const res = await keysOnlyGateFiles({ [file]: before }, { [file]: after });
  // git's own answer: the second commit changes the file.
  expect(res.r.run(['diff', '--name-only', 'HEAD~1', 'HEAD']).trim()).toBe(file);
  if (kept) expect([res.code, res.stdout]).toEqual([0, expect.stringMatching(/pass\s+ci-gate-kept/)]);
  else {
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/FAIL\s+ci-gate-kept/);
  }
});
