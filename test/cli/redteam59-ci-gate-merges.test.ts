// Red team 59: a GitLab job that runs gitguard made unable to fail the pipeline through what it takes
// in rather than what it says: a YAML merge key (`<<: *lenient`, which GitLab reads) or `extends:` a
// hidden job holding `allow_failure: true` / `when: manual`. ci-gate-kept read only the job's own keys
// and kept the gate. GitLab's documented reading (the job's own keys, then what it merges, then the
// jobs `extends:` names, the last one named winning) decides now. Twins: a merge or parent that leaves
// the job able to fail, and a later parent that sets `allow_failure: false` again.
import { cleanupTemp } from '../helpers/repo.js';
import { gateBatch } from '../helpers/gate-batch.js';

afterAll(cleanupTemp);

const FILE = '.gitlab-ci.yml';
const KEPT = `build:\n  script: make\naudit:\n  script: npx gitguard audit\n`;
const LENIENT = `.lenient: &lenient\n  allow_failure: true\n.manual: &manual\n  when: manual\n.strict: &strict\n  allow_failure: false\n.defaults: &defaults\n  image: node:20\n`;
const job = (extra: string): string =>
  `${LENIENT}build:\n  script: make\naudit:\n${extra}  script: npx gitguard audit\n`;

/**
 * No policy: every removal is reported. The gate runs, then `after` replaces the CI file: ci-gate-kept
 * fails with exit 1 or passes with 0, each chain of cases judged by one audit (gate-batch.ts).
 */
const batch = gateBatch();
const gate = (after: string, kept: boolean): (() => Promise<void>) =>
  batch.add({ [FILE]: KEPT }, { [FILE]: after }, kept);

for (const [name, after] of [
  ['a merge key taking allow_failure: true in', job('  <<: *lenient\n')],
  ['a merge key list taking when: manual in', job('  <<: [*defaults, *manual]\n')],
  ['extends: a hidden job allowed to fail', job('  extends: .lenient\n')],
  [
    'extends: a chain ending in a manual job',
    `${LENIENT}.mid:\n  extends: .manual\nbuild:\n  script: make\naudit:\n  extends: [.defaults, .mid]\n  script: npx gitguard audit\n`,
  ],
])
  test(`${name}: ci-gate-kept fails (before: passed)`, gate(after!, false));

for (const [name, after] of [
  ['a merge key of settings that fail nothing', job('  <<: *defaults\n')],
  ['extends: a lenient job, then a strict one (the last wins)', job('  extends: [.lenient, .strict]\n')],
  ['the job itself says allow_failure: false over what it merges', job('  <<: *lenient\n  allow_failure: false\n')],
])
  test(`twin: ${name} keeps the gate`, gate(after!, true));
