// Red team 36: a CI gate run through a variable the shell sets (`GATE=./scripts/gate.sh; bash $GATE`,
// `export GATE=...`, a sourced `. ./ci/env.sh`, a step writing `GATE=...` to $GITHUB_ENV for a later
// step, a variable an included GitLab file or a hidden job sets) named no file to gitguard's
// reading: only the CI file's own `env:`/`variables:` were written into its commands. Bob (a signer,
// no maintainer) emptying the script passed. Every value a variable is given anywhere in the CI
// configuration, or in a script the commands run, is now read into the commands that use it.
// Clean twins: Alice emptying the script; Bob editing a script leading nowhere.
import { cleanupTemp } from '../helpers/repo.js';
import { GATE_FAIL, GATE_PASS, gateTeam } from '../helpers/team.js';

afterAll(cleanupTemp);

const GATE = '#!/bin/sh\nnpx gitguard audit\n';
const OFF = { 'scripts/gate.sh': '#!/bin/sh\nexit 0\n' };
const OTHER = { 'scripts/lint.sh': '#!/bin/sh\neslint . --fix\n' };
const steps = (...runs: string[]): string =>
  `on: push\njobs:\n  gate:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n${runs.map((r) => `      - run: ${r}\n`).join('')}`;
const github = gateTeam({
  '.github/workflows/a.yml': steps('GATE=./scripts/gate.sh; bash $GATE'),
  '.github/workflows/b.yml': steps('|\n          export CHECK="scripts/check.sh"\n          sh "${CHECK}"'),
  '.github/workflows/c.yml': steps('. ./ci/env.sh && bash "$VIA_SOURCE"', 'sh scripts/lint.sh'),
  '.github/workflows/d.yml': steps('echo "LATER=./scripts/later.sh" >> "$GITHUB_ENV"', 'bash $LATER'),
  '.github/workflows/e.yml': steps('bash scripts/run.sh'),
  'ci/env.sh': 'VIA_SOURCE=scripts/sourced.sh\n',
  'scripts/run.sh': '#!/bin/sh\nINNER=./scripts/inner.sh\n"$INNER" --strict\n',
  'scripts/gate.sh': GATE,
  'scripts/check.sh': GATE,
  'scripts/sourced.sh': GATE,
  'scripts/later.sh': GATE,
  'scripts/inner.sh': GATE,
  'scripts/lint.sh': '#!/bin/sh\neslint .\n',
});
const gitlab = gateTeam({
  '.gitlab-ci.yml':
    'include:\n  - local: ci/vars.yml\n.base:\n  variables:\n    HIDDEN: scripts/hidden.sh\naudit:\n  extends: .base\n  script:\n    - sh ${GATE}\n    - sh $HIDDEN\n    - sh scripts/lint.sh\n',
  'ci/vars.yml': 'variables:\n  GATE: scripts/gate.sh\n',
  'scripts/gate.sh': GATE,
  'scripts/hidden.sh': GATE,
  'scripts/lint.sh': '#!/bin/sh\neslint .\n',
});

// Each script emptied in its own commit, all judged in one audit: every one of Bob's commits is named.
test('Bob empties the script a shell variable names (GATE=...; bash $GATE, export CHECK=..., a sourced file, $GITHUB_ENV, a script setting its own variable): each fails (before: passed)', async () => {
  const emptied = [
    'scripts/gate.sh',
    'scripts/check.sh',
    'scripts/sourced.sh',
    'scripts/later.sh',
    'scripts/inner.sh',
  ].map((path) => ({ [path]: '#!/bin/sh\nexit 0\n' }));
  const { outcomes, flagged } = await github.chain(emptied);
  expect([outcomes, flagged]).toEqual([GATE_FAIL, emptied]);
});

test("Bob empties the script an included file's or a hidden job's variables: name: each fails (before: passed)", async () => {
  const emptied = [OFF, { 'scripts/hidden.sh': '#!/bin/sh\nexit 0\n' }];
  const { outcomes, flagged } = await gitlab.chain(emptied);
  expect([outcomes, flagged]).toEqual([GATE_FAIL, emptied]);
});

test('twins: Alice empties the script; Bob edits a script leading nowhere: pass', async () => {
  expect(await github.outcomes(OFF, github.alice, 'alice@example.com')).toEqual(GATE_PASS);
  expect(await github.outcomes(OTHER)).toEqual(GATE_PASS);
  expect(await gitlab.outcomes(OTHER)).toEqual(GATE_PASS);
});
