// Red team 34: a workflow running its gate through a variable it sets itself (`bash $GATE`, with
// `GATE: ./scripts/gate.sh` in the workflow's, job's or step's `env:`; GitLab's `variables:`) named
// no file to gitguard's reading (a word with `$` in it was dropped), so nothing the variable named
// was protected: Bob (a signer, no maintainer) emptying the script passed. The variables a CI file
// sets are now written into its commands. Clean twins: Alice editing the script, Bob editing another.
import { cleanupTemp } from '../helpers/repo.js';
import { GATE_FAIL, GATE_PASS, gateTeam } from '../helpers/team.js';

afterAll(cleanupTemp);

const GATE = '#!/bin/sh\nnpx gitguard audit\n';
const OFF = { 'scripts/gate.sh': '#!/bin/sh\nexit 0\n' };
const OTHER = { 'scripts/lint.sh': '#!/bin/sh\neslint . --fix\n' };
const github = gateTeam({
  '.github/workflows/ci.yml':
    'on: push\nenv:\n  GATE: ./scripts/gate.sh\njobs:\n  gate:\n    runs-on: ubuntu-latest\n    env:\n      LINT: scripts/lint.sh\n    steps:\n      - uses: actions/checkout@v4\n      - run: bash $GATE\n      - run: sh "${{ env.LINT }}"\n      - run: bash "${CHECK}"\n        env:\n          CHECK: scripts/check.sh\n',
  'scripts/gate.sh': GATE,
  'scripts/lint.sh': '#!/bin/sh\neslint .\n',
  'scripts/check.sh': '#!/bin/sh\nexec ./scripts/gate.sh\n',
});
const gitlab = gateTeam({
  '.gitlab-ci.yml':
    'variables:\n  GATE:\n    value: scripts/gate.sh\n    description: the gate\naudit:\n  script:\n    - sh ${GATE}\n',
  'scripts/gate.sh': GATE,
  'scripts/lint.sh': '#!/bin/sh\neslint .\n',
});

test("Bob empties the script a workflow's env: names (bash $GATE): fails (before: passed)", async () => {
  expect(await github.outcomes(OFF)).toEqual(GATE_FAIL);
  expect(await github.outcomes({ 'scripts/check.sh': '#!/bin/sh\nexit 0\n' })).toEqual(GATE_FAIL);
});

test("Bob empties the script GitLab's variables: name: fails (before: passed)", async () => {
  expect(await gitlab.outcomes(OFF)).toEqual(GATE_FAIL);
});

test('twins: Alice empties the script; Bob edits a script leading nowhere: pass', async () => {
  expect(await github.outcomes(OFF, github.alice, 'alice@example.com')).toEqual(GATE_PASS);
  expect(await github.outcomes(OTHER)).toEqual(GATE_PASS);
  expect(await gitlab.outcomes(OTHER)).toEqual(GATE_PASS);
});
