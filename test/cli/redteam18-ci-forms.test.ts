// Red team: the CI gate in a script the workflow runs in a form the command reader did not follow
// (`. ./ci/gate.sh`, `sh < ci/gate.sh`, `cd ci && ./gate.sh`, `time -p`, `make --directory=ci`,
// `npm --prefix=web`, `npm run audit -w web`, `python -m ci.gate`, a line continuation, a GitLab
// `- |` block merged in by a YAML anchor): the file was not protected, and a signer who is no
// maintainer put `exit 0` before gitguard with protected-paths-changed-by-maintainers passing. The
// runner runs each of these the same way as `./ci/gate.sh`. Twin: a script the same step names
// that leads to no gitguard stays unprotected.
import { cleanupTemp } from '../helpers/repo.js';
import { aliceAndBob, protectedPerCommit, type Team } from '../helpers/team.js';

afterAll(cleanupTemp);

// The run's shared alice and bob: no test here compares keys, and a pair of ssh-keygens per form
// (36 in all) bought nothing the shared pair does not.
const team = (files: Record<string, string>): Team =>
  aliceAndBob({
    'ci/lint.sh': '#!/bin/sh\necho lint\n',
    ...files,
  });

const workflow = (run: string): string =>
  `on: push\njobs:\n  gate:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: |\n${run
    .split('\n')
    .map((l) => `          ${l}`)
    .join('\n')}\n`;
const GATE = '#!/bin/sh\nset -e\nnpx gitguard audit --fail-on high\n';
const gh = (run: string, script = 'ci/gate.sh', body = GATE): [string, Record<string, string>, string] => [
  run,
  { '.github/workflows/ci.yml': workflow(`./ci/lint.sh\n${run}`), [script]: body },
  script,
];
const MAKEFILE = 'lint:\n\t./lint.sh\naudit:\n\tnpx gitguard audit\n';
const PKG = '{ "scripts": { "audit": "gitguard audit" } }\n';

const cases: Array<[string, Record<string, string>, string]> = [
  gh('. ./ci/gate.sh'),
  gh('source ci/gate.sh'),
  gh('sh < ci/gate.sh'),
  gh('bash -c "$(cat ci/gate.sh)"'),
  gh('cd ci && ./gate.sh'),
  gh('time -p ./ci/gate.sh'),
  gh('env -i PATH="$PATH" ./ci/gate.sh'),
  gh('if true; then ./ci/gate.sh; fi'),
  gh('./ci/\\\ngate.sh'),
  gh('python -m ci.gate', 'ci/gate.py', 'import os\nos.system("gitguard audit")\n'),
  gh(`node -e "require('./ci/gate')"`, 'ci/gate.js', 'require("child_process").execSync("gitguard audit")\n'),
  gh('sudo -u ci ./ci/gate', 'ci/gate'),
  gh('make --directory=ci audit', 'ci/Makefile', MAKEFILE),
  gh('timeout 10m make -fci/audit.mk audit', 'ci/audit.mk', MAKEFILE),
  gh('npm --prefix=web run audit', 'web/package.json', PKG),
  gh('npm run audit -w web', 'web/package.json', PKG),
  // Past the files one command text is read for: the file was dropped; now its top folder is watched.
  gh(`${Array.from({ length: 140 }, (_, i) => `echo notes/n${i}.sh`).join('\n')}\n./gate/run.sh`, 'gate/run.sh'),
  [
    'a GitLab `- |` block merged by a YAML anchor',
    {
      '.gitlab-ci.yml': '.base: &base\n  script:\n    - |\n      cd ci\n      ./gate.sh\ngate:\n  <<: *base\n',
      'ci/gate.sh': GATE,
    },
    'ci/gate.sh',
  ],
];

describe.each(cases)('the gate run as %s', (_name, files, script) => {
  // One history, one audit: Bob's attack, then the twin's commits (Alice's edit of the script, which
  // leaves the tree the twin alone had, Bob's of the script leading to no gitguard); each commit's
  // verdict read from the findings naming it (the twin alone made an audit of its own).
  let got: Awaited<ReturnType<typeof protectedPerCommit>>;
  beforeAll(async () => {
    const { r, alice, bob } = team(files);
    got = await protectedPerCommit(r, [
      [bob, 'bob@example.com', { [script]: `exit 0\n${files[script]!}` }],
      [alice, 'alice@example.com', { [script]: `${files[script]!}\n` }],
      [bob, 'bob@example.com', { 'ci/lint.sh': '#!/bin/sh\necho lint more\n' }],
    ]);
  }, 60_000);

  test('edited by a signer who is no maintainer (exit 0 first): protected-paths-changed-by-maintainers fails', () => {
    // The file, or past the cap the folder it is in.
    const named = script === 'gate/run.sh' ? 'protected gate ' : script;
    expect([got.code, got.perChange[0]]).toEqual([1, expect.stringContaining(named)]);
  });

  test("twin: the maintainer's edit passes, and so does the signer's edit of the script leading to no gitguard", () => {
    expect([got.perChange.slice(1), got.others]).toEqual([['', ''], []]);
  });
});
