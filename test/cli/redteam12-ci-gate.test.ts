// Red-team round 12: ci-gate-kept took any mention of gitguard in a CI file as the gate: the step
// replaced by a comment naming it, switched off (`if: false`), or made unable to fail the run
// (`continue-on-error: true`; GitLab `allow_failure: true`, `when: manual`) kept the gate. Only a
// mention in what runs and can fail the run counts now.
import { cleanupTemp } from '../helpers/repo.js';
import { gateBatch } from '../helpers/gate-batch.js';

afterAll(cleanupTemp);

const GH = (step: string): string =>
  `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n${step}`;
const GL = (job: string): string => `build:\n  script: make\naudit:\n  script: npx gitguard audit\n${job}`;

/**
 * No policy: every removal is reported. The gate runs, then `after` replaces the CI file; the cases
 * judged by one audit per chain (gate-batch.ts).
 */
const batch = gateBatch();

const WF = '.github/workflows/ci.yml';
const KEPT = GH('      - run: npx gitguard audit\n');

describe.each([
  ['the step replaced by a comment naming it', WF, KEPT, GH('      # - run: npx gitguard audit\n')],
  ['the step switched off (if: false)', WF, KEPT, GH('      - run: npx gitguard audit\n        if: false\n')],
  [
    'the step switched off (if: ${{ false }})',
    WF,
    KEPT,
    GH("      - run: npx gitguard audit\n        if: '${{ false }}'\n"),
  ],
  [
    'the step unable to fail the run (continue-on-error: true)',
    WF,
    KEPT,
    GH('      - run: npx gitguard audit\n        continue-on-error: true\n'),
  ],
  ['a GitLab job allowed to fail', '.gitlab-ci.yml', GL(''), GL('  allow_failure: true\n')],
  ['a GitLab job made manual', '.gitlab-ci.yml', GL(''), GL('  when: manual\n')],
])('%s', (_name, file, before, after) => {
  test('ci-gate-kept fails', batch.add({ [file]: before }, { [file]: after }, false));
});

for (const [name, after] of [
  ['a step renamed, a comment added', GH('      # the audit\n      - name: audit\n        run: npx gitguard audit\n')],
  ['if: always()', GH('      - run: npx gitguard audit\n        if: always()\n')],
  ['continue-on-error: false', GH('      - run: npx gitguard audit\n        continue-on-error: false\n')],
])
  test(`twin: ${name} keeps the gate`, batch.add({ [WF]: KEPT }, { [WF]: after! }, true));
