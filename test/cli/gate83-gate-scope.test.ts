// gate83: a gitguard step that runs for no change to a protected branch, or an audit whose options
// check nothing a change brings, kept the gate. Each history: Alice adds the gate, a later commit
// narrows it; ci-gate-kept must fail. The twins narrow nothing that matters and keep it. The audit
// options are those the real CLI, run on a repository whose only failure is an unsigned commit,
// exits 0 with (checked below against the built CLI itself).
import { join } from 'node:path';
import { cleanupTemp } from '../helpers/repo.js';
import { aliceSigns } from '../helpers/team.js';
import { gateBatch } from '../helpers/gate-batch.js';
import { commitAsPerson } from '../helpers/ssh.js';
import { runCliBatch } from '../helpers/cli-batch.js';

afterAll(cleanupTemp);

const WF = '.github/workflows/ci.yml';
const GH = (on: string, step = 'npx gitguard audit', job = ''): string =>
  `on:\n${on}\njobs:\n  a:\n    runs-on: ubuntu-latest\n${job}    steps:\n      - run: ${JSON.stringify(step)}\n`;
const KEPT = GH('  push:\n  pull_request:\n');
// Every change below judged by one audit of its chain (gate-batch.ts), each test reading its own.
const batch = gateBatch();

const lost: Array<[string, string]> = [
  ['push: branches: [nope]', GH('  push:\n    branches: [nope]\n')],
  ["push: branches-ignore: ['**']", GH("  push:\n    branches-ignore: ['**']\n")],
  ["push: branches: ['!main'] only", GH("  push:\n    branches: ['!main', '!master']\n")],
  ['push: tags only', GH("  push:\n    tags: ['v*']\n")],
  ['pull_request: types: [closed]', GH('  pull_request:\n    types: [closed]\n')],
  ['push to nope, pull requests to nope', GH('  push:\n    branches: [nope]\n  pull_request:\n    branches: [nope]\n')],
  ['push: paths: [does-not-exist/**]', GH('  push:\n    paths: [does-not-exist/**]\n')],
  ["push: paths-ignore: ['**']", GH("  push:\n    paths-ignore: ['**']\n")],
  ['a job if: false', GH('  push:\n', 'npx gitguard audit', '    if: false\n')],
  [
    "a job if: github.ref == 'refs/heads/never'",
    GH('  push:\n', 'npx gitguard audit', "    if: github.ref == 'refs/heads/never'\n"),
  ],
  [
    "a job if: ${{ github.event_name == 'schedule' }}",
    GH('  push:\n  pull_request:\n', 'npx gitguard audit', "    if: ${{ github.event_name == 'schedule' }}\n"),
  ],
  ['audit --rule security-policy-present', GH('  push:\n', 'npx gitguard audit --rule security-policy-present')],
  ['audit -r security-policy-present', GH('  push:\n', 'npx gitguard audit -r security-policy-present')],
  ['audit --threat history', GH('  push:\n', 'npx gitguard audit --threat history')],
  ['audit --fail-on critical', GH('  push:\n', 'npx gitguard audit --fail-on critical')],
  ['audit --fail-on=critical', GH('  push:\n', 'npx gitguard audit --fail-on=critical')],
  ['audit --base HEAD', GH('  push:\n', 'npx gitguard audit --base HEAD')],
  ['audit --base "$GITHUB_SHA"', GH('  push:\n', 'npx gitguard audit --base "$GITHUB_SHA"')],
  // A variable nothing in the CI file sets may be HEAD (an earlier step's $GITHUB_ENV line): base210.
  ['audit --base "$BEFORE"', GH('  push:\n', 'npx gitguard audit --base "$BEFORE"')],
];

for (const [name, after] of lost)
  test(`narrowed: ${name}: ci-gate-kept fails`, batch.add({ [WF]: KEPT }, { [WF]: after }, false));

const kept: Array<[string, string]> = [
  ["push: branches: [main, 'release/**']", GH("  push:\n    branches: [main, 'release/**']\n")],
  ["push: branches: ['ma*']", GH("  push:\n    branches: ['ma*']\n")],
  ["push: branches-ignore: ['dependabot/**']", GH("  push:\n    branches-ignore: ['dependabot/**']\n")],
  ['push: paths-ignore: [docs/**]', GH('  push:\n    paths-ignore: [docs/**]\n')],
  ["push: paths: ['.github/**']", GH("  push:\n    paths: ['.github/**']\n")],
  ['push: branches and tags', GH("  push:\n    branches: [main]\n    tags: ['v*']\n")],
  [
    'pull_request: types: [opened, synchronize]',
    GH('  push:\n    branches: [main]\n  pull_request:\n    types: [opened, synchronize]\n'),
  ],
  [
    "a job if: github.ref == 'refs/heads/main'",
    GH('  push:\n', 'npx gitguard audit', "    if: github.ref == 'refs/heads/main'\n"),
  ],
  ["a job if: github.actor != 'bot'", GH('  push:\n', 'npx gitguard audit', "    if: github.actor != 'bot'\n")],
  ['audit --format json -o report.json', GH('  push:\n', 'npx gitguard audit --format json -o report.json')],
  ['audit --no-cache --fail-on high', GH('  push:\n', 'npx gitguard audit --no-cache --fail-on high')],
  ['audit --threat impersonation', GH('  push:\n', 'npx gitguard audit --threat impersonation')],
];

for (const [name, after] of kept)
  test(`twin: ${name} keeps the gate`, batch.add({ [WF]: KEPT }, { [WF]: after }, true));

const GL = (job: string): string => `audit:\n  script:\n    - npx gitguard audit\n${job}`;
for (const [name, after, keeps] of [
  ['only: [tags]', GL('  only: [tags]\n'), false],
  ['except: [branches]', GL('  except: [branches]\n'), false],
  ['only: [schedules]', GL('  only:\n    - schedules\n'), false],
  ['only: { refs: [nope] }', GL('  only:\n    refs: [nope]\n'), false],
  ['only: [main, merge_requests]', GL('  only: [main, merge_requests]\n'), true],
  ['only: [/^ma/]', GL('  only: [/^ma/]\n'), true],
  ['except: [tags]', GL('  except: [tags]\n'), true],
  ['rules: - changes: [nothing/**]', GL('  rules:\n    - changes: [nothing/**]\n'), false],
  ['rules: - changes: { paths: [nothing] }', GL('  rules:\n    - changes:\n        paths: [nothing]\n'), false],
  ['rules: - changes: [.gitlab-ci.yml]', GL('  rules:\n    - changes: [.gitlab-ci.yml]\n'), true],
  ['rules: - changes: ["**/*.yml"]', GL('  rules:\n    - changes: ["**/*.yml"]\n'), true],
] as Array<[string, string, boolean]>)
  test(
    `GitLab ${name}: gate kept: ${keeps}`,
    batch.add({ '.gitlab-ci.yml': GL('') }, { '.gitlab-ci.yml': after }, keeps),
  );

// The reference: the built CLI on a repository whose only commit failure is an unsigned one (each
// case its own repository, all run by one node process of the built code: runCliBatch).
describe('the real CLI on a failing repository', () => {
  const setUp = (): { dir: string; keys: string; env: NodeJS.ProcessEnv } => {
    const { r, alice, keys } = aliceSigns();
    commitAsPerson(r, alice, 'alice@example.com', 'one', { a: 'a\n' });
    commitAsPerson(r, undefined, 'alice@example.com', 'unsigned', { b: 'b\n' });
    return { dir: r.dir, keys, env: r.env };
  };
  const cases: Array<[string[], number]> = [
    [['--threat', 'history'], 0],
    [['--rule', 'signers-authorized'], 0],
    [['--fail-on', 'critical'], 0],
    [['--base', 'HEAD', '--allow-empty'], 0],
    [[], 1],
    [['--format', 'sarif'], 1],
    [['--no-cache', '--fail-on', 'high'], 1],
    [['--base', 'HEAD~1'], 1],
  ];
  let codes: number[];
  beforeAll(() => {
    const runs = cases.map(([extra]) => {
      const { dir, keys, env } = setUp();
      // The client threat left out: this machine's ssh/gpg/git versions are no part of the reference.
      const only = extra.includes('--threat') ? [] : ['--threat', 'impersonation,history'];
      return { args: ['audit', '-C', dir, '--no-ledger', '--allowed-signers', keys, ...only, ...extra], env };
    });
    codes = runCliBatch(runs, { timeoutMs: 120_000 }).map((res) => res.code);
  }, 180_000);
  test.each(cases.map(([extra, code], i) => [extra, code, i] as const))('audit %j exits %i', (_extra, code, i) => {
    expect(codes[i]).toBe(code);
  });
});

test('GATE_RULES name rules of rules/ with their threats', async () => {
  const { readFileSync } = await import('node:fs');
  const { GATE_RULES } = await import('../../src/domain/audit-options.js');
  for (const [id, threat] of GATE_RULES) {
    const meta = JSON.parse(readFileSync(join('rules', `${id}.json`), 'utf8')) as { threat: string };
    expect([id, meta.threat]).toEqual([id, threat]);
  }
});
