// Red team: the CI gate moved into a script the workflow runs (`run: ./scripts/gate.sh`, `bash
// ci/check.sh`, `make audit`, `npm run audit`, a GitLab `script:`): a signer who is no maintainer
// edits the script (drops gitguard, or `exit 0` before it) and protected-paths-changed-by-maintainers
// passed, the workflow itself untouched. The files a CI command runs on the way to gitguard are
// protected like the workflow. Twins: the maintainer's edit passes; a script CI runs that leads to
// no gitguard, and a file no command names, stay unprotected.
import { cleanupTemp } from '../helpers/repo.js';
import { aliceAndBob, protectedPerCommit, type Team } from '../helpers/team.js';

afterAll(cleanupTemp);

const team = (files: Record<string, string>): Team =>
  aliceAndBob(
    {
      'scripts/test.sh': '#!/bin/sh\nnpm test\n',
      'scripts/other.sh': '#!/bin/sh\necho other\n',
      ...files,
    },
    'own',
  );

const workflow = (run: string): string =>
  `on: push\njobs:\n  gate:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: ./scripts/test.sh\n      - run: ${run}\n`;
const GATE = '#!/bin/sh\nset -e\nnpx gitguard audit --fail-on high\n';

const cases: Array<[string, Record<string, string>, string]> = [
  [
    'a path as the command',
    { '.github/workflows/ci.yml': workflow('./scripts/gate.sh'), 'scripts/gate.sh': GATE },
    'scripts/gate.sh',
  ],
  ['bash <file>', { '.github/workflows/ci.yml': workflow('bash ci/check.sh'), 'ci/check.sh': GATE }, 'ci/check.sh'],
  [
    'make <target>',
    {
      '.github/workflows/ci.yml': workflow('make audit'),
      Makefile: 'test:\n\tnpm test\naudit:\n\tnpx gitguard audit\n',
    },
    'Makefile',
  ],
  [
    'npm run <script>',
    {
      '.github/workflows/ci.yml': workflow('npm ci && npm run audit'),
      'package.json': '{ "scripts": { "audit": "gitguard audit" } }\n',
    },
    'package.json',
  ],
  [
    'npm run <script> that runs a script',
    {
      '.github/workflows/ci.yml': workflow('npm run audit'),
      'package.json': '{ "scripts": { "audit": "sh ./scripts/gate.sh" } }\n',
      'scripts/gate.sh': GATE,
    },
    'scripts/gate.sh',
  ],
  [
    'a path from the workspace variable',
    { '.github/workflows/ci.yml': workflow('bash "$GITHUB_WORKSPACE/ci/check.sh"'), 'ci/check.sh': GATE },
    'ci/check.sh',
  ],
  [
    'a path through a variable (its folder)',
    { '.github/workflows/ci.yml': workflow('./gate/$STAGE.sh'), 'gate/prod.sh': GATE },
    'gate/prod.sh',
  ],
  [
    'a GitLab script: python3 <file>',
    {
      '.gitlab-ci.yml': 'gate:\n  script:\n    - python3 tools/gate.py\n',
      'tools/gate.py': 'import os\nos.system("gitguard audit")\n',
    },
    'tools/gate.py',
  ],
];

describe.each(cases)('the gate run through %s', (_name, files, script) => {
  // Bob's attack, then the twin's commits (Alice's edit of the script, which leaves the tree the twin
  // alone had, Bob's of a script leading to no gitguard and of a file nothing runs), one audit of them
  // all: each commit's verdict read from the findings naming it (the twin alone made an audit of its
  // own). Not where the attack is on package.json: `exit 0` before its JSON leaves it unreadable, and
  // from that commit on `npm test` may run anything (fail closed), so scripts/test.sh is protected
  // after it; there the twin keeps a history and an audit of its own.
  let got: { code: number; attack: string; twin: string[] };
  beforeAll(async () => {
    const { r, alice, bob } = team(files);
    const twin = [
      [alice, 'alice@example.com', { [script]: `${files[script]!}\n` }],
      [bob, 'bob@example.com', { 'scripts/test.sh': '#!/bin/sh\nnpm test -- --ci\n' }],
      [bob, 'bob@example.com', { 'scripts/other.sh': '#!/bin/sh\necho else\n' }],
    ] as const;
    const attack = [bob, 'bob@example.com', { [script]: `exit 0\n${files[script]!}` }] as const;
    if (script !== 'package.json') {
      const all = await protectedPerCommit(r, [attack, ...twin]);
      got = { code: all.code, attack: all.perChange[0]!, twin: [...all.perChange.slice(1), ...all.others] };
    } else {
      const alone = await protectedPerCommit(r, [attack]);
      const twins = await protectedPerCommit(team(files).r, twin);
      got = { code: alone.code, attack: alone.perChange[0]!, twin: [...twins.perChange, ...twins.others] };
      expect(twins.code).toBe(0);
    }
  }, 60_000);

  test('edited by a signer who is no maintainer (exit 0 first): protected-paths-changed-by-maintainers fails', () => {
    // The file, or the folder a variable in its path stood for.
    expect([got.code, got.attack]).toEqual([
      1,
      expect.stringContaining(script === 'gate/prod.sh' ? 'protected gate ' : script),
    ]);
  });

  test("twin: the maintainer's edit passes, and so do the signer's edits of a script leading to no gitguard and of a file nothing runs", () => {
    expect(got.twin).toEqual(['', '', '']);
  });
});
