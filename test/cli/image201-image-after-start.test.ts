// image201: a gate job whose image (or remote action, or `if:`) came in after the range's start. The
// start vouches for the images, actions and conditions a gate may carry (trusted-actions.ts), and a
// side whose gate job gained one it did not vouch for has no gate: the commit that brings it in
// loses the gate. But the commit after it was read the same way on its parent's side: the parent
// had "no gate", so a later commit removing the gate job entirely lost nothing, and passed where a
// maintainer had made the first change (or a goodlist had let it through). Now the parents are read
// again with the start's vouching set aside (vouching-off.ts): the gate the start had is what must
// be kept, and its removal is a loss however its job was changed before. A change that keeps the
// job as it was (an edit elsewhere after the bump) keeps the gate: the bump fails once, as before.
import { commitSeries } from '../helpers/commit-series.js';
import { gateBatch } from '../helpers/gate-batch.js';
import { cleanupTemp } from '../helpers/repo.js';
import { ALICE, gateFindings } from '../helpers/range-findings.js';
import { aliceSigns } from '../helpers/team.js';

afterAll(cleanupTemp);

const WF = '.github/workflows/ci.yml';
const CI = '.gitlab-ci.yml';
const STEPS = '    steps:\n      - uses: actions/checkout@v4\n';
/** A workflow whose `audit` job (with `job` keys, `before` steps) runs the gate, beside a test job. */
const wf = (job = '', before = ''): string =>
  `on: push\njobs:\n  audit:\n    runs-on: ubuntu-latest\n${job}${STEPS}${before}      - run: npx gitguard audit\n${TEST}`;
const TEST = '  test:\n    runs-on: ubuntu-latest\n    container: node:22\n    steps:\n      - run: npm test\n';
/** The same workflow with the gate job removed. */
const NO_GATE = `on: push\njobs:\n${TEST}`;
const MATRIX = (img: string): string =>
  `    container: \${{ matrix.img }}\n    strategy:\n      matrix:\n        img: [${img}]\n`;

const GL_GATE = (extra = ''): string => `gitguard:\n${extra}  script:\n    - gitguard audit --fail-on high\n`;

const BUILD = 'build:\n  image: node:22\n  script:\n    - npm test\n';

describe('GitHub: a gate job changed after the start, then removed', () => {
  const batch = gateBatch({ [WF]: wf() });
  const lost: Array<[string, string]> = [
    ['a container added to the gate job', wf('    container: registry.example.com/evil/img:1\n')],
    ['a service added beside the gate', wf('    services:\n      w:\n        image: evil:1\n')],
    ['a remote action added before the gate', wf('', '      - uses: someone/setup@v1\n')],
    ['an `if:` added to the gate job', wf("    if: github.actor != 'nobody'\n")],
  ];
  for (const [name, before] of lost)
    test(
      `${name}, the job removed next: lost`,
      batch.add({ [WF]: before }, { [WF]: NO_GATE }, false, 'GitHub Actions'),
    );
});

describe('GitHub: a matrix container changed after the start, then removed', () => {
  const batch = gateBatch({ [WF]: wf(MATRIX('node:20')) });
  test(
    "the matrix's image changed, the job removed next: lost",
    batch.add({ [WF]: wf(MATRIX('node:20, evil:1')) }, { [WF]: NO_GATE }, false, 'GitHub Actions'),
  );
});

describe('GitLab: a gate job changed after the start, then removed', () => {
  const batch = gateBatch({ [CI]: GL_GATE() + BUILD });
  const DEFAULT = 'default:\n  image: registry.example.com/evil/img:1\n';
  const lost: Array<[string, string, string]> = [
    ["the job's image added", GL_GATE('  image: registry.example.com/evil/img:1\n') + BUILD, BUILD],
    ["default:'s image added", DEFAULT + GL_GATE() + BUILD, DEFAULT + BUILD],
    ['a service added', GL_GATE('  services:\n    - registry.example.com/writer:1\n') + BUILD, BUILD],
  ];
  for (const [name, before, after] of lost)
    test(`${name}, the job removed next: lost`, batch.add({ [CI]: before }, { [CI]: after }, false, 'GitLab CI/CD'));
});

// The gate in a script the job runs (the chain judgement): read the same way on the parent's side.
describe('GitLab: a job running the gate script, its image changed after the start, then removed', () => {
  const SCRIPT = { 'ci/gate.sh': '#!/bin/sh\nset -e\ngitguard audit --fail-on high\n' };
  const job = (extra = ''): string => `gitguard:\n${extra}  script:\n    - sh ci/gate.sh\n`;
  const batch = gateBatch({ [CI]: job() + BUILD, ...SCRIPT });
  test(
    "the job's image added, the job removed next: lost",
    batch.add({ [CI]: job('  image: registry.example.com/evil/img:1\n') + BUILD, ...SCRIPT }, { [CI]: BUILD }, false),
  );
});

describe('honest twins: the gate kept across the range', () => {
  const github = gateBatch({ [WF]: wf('    container: node:20\n') });
  test(
    'the image as at the start, the test job edited twice: kept',
    github.add(
      { [WF]: wf('    container: node:20\n').replace('npm test', 'npm ci') },
      { [WF]: wf('    container: node:20\n') },
      true,
    ),
  );
  test(
    'a new image on the test job only, then the test job removed: kept',
    github.add(
      { [WF]: wf('    container: node:20\n').replace('container: node:22', 'container: evil:1') },
      { [WF]: wf('    container: node:20\n').replace(TEST, '') },
      true,
    ),
  );
  const gitlab = gateBatch({ [CI]: GL_GATE('  image: node:20\n') + BUILD });
  test(
    'the image as at the start, the build job edited twice: kept',
    gitlab.add(
      { [CI]: GL_GATE('  image: node:20\n') + BUILD.replace('npm test', 'npm ci') },
      { [CI]: `default:\n  image: node:20\n${GL_GATE()}${BUILD}` },
      true,
    ),
  );
  test(
    'a new image on the build job only, then the build job removed: kept',
    gitlab.add(
      { [CI]: GL_GATE('  image: node:20\n') + BUILD.replace('node:22', 'evil:1') },
      { [CI]: GL_GATE('  image: node:20\n') },
      true,
    ),
  );
});

// The bump itself fails once, as before; a later change that leaves the gate job as the bump made it
// is no loss (its parent's gate and its own are the same job), and a later removal is one.
test('after a new image, an edit elsewhere is no loss; the removal after it is', async () => {
  const { r, alice, keys } = aliceSigns();
  const env = ALICE;
  const bumped = wf('    container: node:24\n');
  const [start, bump, edit, removal] = commitSeries(
    r,
    [wf('    container: node:20\n'), bumped, bumped.replace('npm test', 'npm ci'), NO_GATE].map((text, i) => ({
      message: `ci ${i}`,
      signWith: alice.path,
      env,
      files: { [WF]: text },
    })),
  );
  const { res, named } = await gateFindings(r, keys, start!);
  expect(named).toEqual([bump, removal]);
  expect(named).not.toContain(edit);
  expect(res.code).toBe(1);
});

// A merge brings the side's new image into the line (as git merges it: the removal after it is
// judged against the merge, whose gate job runs in that image).
test('a new image merged in from a side branch, the job removed after the merge: the removal is lost', async () => {
  const { r, alice, keys } = aliceSigns();
  const env = ALICE;
  const commit = (message: string, files: Record<string, string>) => ({ message, signWith: alice.path, env, files });
  const [start] = commitSeries(r, [commit('start', { [WF]: wf() })]);
  r.run(['checkout', '-q', '-b', 'side']);
  commitSeries(r, [commit('image', { [WF]: wf('    container: registry.example.com/evil/img:1\n') })]);
  r.run(['checkout', '-q', '-']);
  commitSeries(r, [commit('docs', { 'README.md': 'docs\n' })]);
  r.run(['merge', '-q', '--no-ff', `-S${alice.path}`, '-m', 'merge side', 'side'], { env: { ...r.env, ...env } });
  const [removal] = commitSeries(r, [commit('remove', { [WF]: NO_GATE })]);
  const { res, named } = await gateFindings(r, keys, start!);
  expect(named).toContain(removal);
  expect(res.code).toBe(1);
});
