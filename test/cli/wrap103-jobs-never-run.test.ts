// wrap103: a gate job that never runs for a change, as GitHub's workflow syntax says (jobs.<id>.if,
// jobs.<id>.needs: "If a job fails or is skipped, all jobs that need it are skipped unless the jobs use
// a conditional expression that causes the job to continue"; a `needs:` naming no job makes the
// workflow invalid). Alice's workflow calls her reusable gate workflow (`uses:
// ./.github/workflows/gate.yml`) or runs the gate in a job; her next commit puts `if: false` on the
// calling job, or makes it need a job that never runs or is not there. Before wrap103 the reusable
// workflow was followed from any `uses:` line and `needs:` was not read: each kept the gate.
// Clean twins: `secrets: inherit`, `if: always()` or `!cancelled()` after a needed job,
// another `with:` value.
import { gateBatch } from '../helpers/gate-batch.js';
import { cleanupTemp } from '../helpers/repo.js';
import { deadJobs } from '../../src/domain/job-needs.js';

afterAll(cleanupTemp);

const CI = '.github/workflows/ci.yml';
const GATE = '.github/workflows/gate.yml';
const caller = (jobs: string): string => `on: [push, pull_request]\njobs:\n${jobs}`;
const USES = '    uses: ./.github/workflows/gate.yml\n';
const called = (extra = ''): string =>
  `on:\n  workflow_call:\njobs:\n${extra}  audit:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: npx gitguard audit\n`;
const NEVER = '  never:\n    if: false\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo skipped\n';
const BUILD = '  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo built\n';
const FAILS = '  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: exit 1\n';
const REUSED = { [CI]: caller(`  gate:\n${USES}`), [GATE]: called() };
const INLINE = (job = '', extra = ''): string =>
  caller(
    `${extra}  audit:\n${job}    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: npx gitguard audit\n`,
  );

const cases: Array<[string, Record<string, string>, Record<string, string>, boolean]> = [
  ['caller job if: false', REUSED, { [CI]: caller(`  gate:\n    if: false\n${USES}`) }, false],
  ['caller job if: ${{ false }}', REUSED, { [CI]: caller(`  gate:\n    if: \${{ false }}\n${USES}`) }, false],
  [
    "caller job if: github.event_name == 'schedule'",
    REUSED,
    { [CI]: caller(`  gate:\n    if: github.event_name == 'schedule'\n${USES}`) },
    false,
  ],
  [
    'caller job needs a job with if: false',
    REUSED,
    { [CI]: caller(`${NEVER}  gate:\n    needs: never\n${USES}`) },
    false,
  ],
  ['caller job needs a job that is not there', REUSED, { [CI]: caller(`  gate:\n    needs: nothere\n${USES}`) }, false],
  [
    'called job needs a job with if: false',
    REUSED,
    { [GATE]: called(NEVER).replace('  audit:\n', '  audit:\n    needs: [never]\n') },
    false,
  ],
  ['inline job needs a job with if: false', { [CI]: INLINE() }, { [CI]: INLINE('    needs: never\n', NEVER) }, false],
  ['twin: secrets: inherit', REUSED, { [CI]: caller(`  gate:\n${USES}    secrets: inherit\n`) }, true],
  // redteam112: a job skipped because a needed job failed reports Success, also as a required check
  // (GitHub's docs, jobs.<id>.if): the change makes the needed job fail and the gate never audits it.
  [
    'caller job needs a job (the change can make it fail)',
    REUSED,
    { [CI]: caller(`${BUILD}  gate:\n    needs: build\n${USES}`) },
    false,
  ],
  ['inline job needs a job that fails', { [CI]: INLINE() }, { [CI]: INLINE('    needs: [build]\n', FAILS) }, false],
  ['inline job needs a job that runs', { [CI]: INLINE() }, { [CI]: INLINE('    needs: [build]\n', BUILD) }, false],
  ['inline job if: failure()', { [CI]: INLINE() }, { [CI]: INLINE('    if: failure()\n') }, false],
  [
    'twin: needs a job, if: ${{ !cancelled() }}',
    { [CI]: INLINE() },
    { [CI]: INLINE('    needs: [build]\n    if: ${{ !cancelled() }}\n', FAILS) },
    true,
  ],
  [
    'twin: if: always() after a skipped job',
    { [CI]: INLINE() },
    { [CI]: INLINE('    needs: never\n    if: always()\n', NEVER) },
    true,
  ],
  ['twin: a dead job beside the caller', REUSED, { [CI]: caller(`${NEVER}  gate:\n${USES}`) }, true],
];

// Every case judged by one audit of its chain (gate-batch.ts), each test reading its own.
const batch = gateBatch();
for (const [name, before, after, kept] of cases) test(name, batch.add(before, after, kept), 60_000);

test('deadJobs: a job that needs one, or asks failure(), may be skipped; always() and !cancelled() run it; a missing need or a cycle refuses the workflow', () => {
  const job = (never: boolean, needs: unknown[] = [], condition?: string) => ({ never, needs, condition });
  expect(
    deadJobs(
      new Map([
        ['a', job(true)],
        ['b', job(false, ['a'])],
        ['c', job(false, ['b'])],
        ['d', job(false, ['b'], 'always()')],
      ]),
    ),
  ).toEqual(new Set(['a', 'b', 'c']));
  expect(deadJobs(new Map([['a', job(false, ['x'])]]))).toBe('all');
  expect(
    deadJobs(
      new Map([
        ['a', job(false, ['b'])],
        ['b', job(false, ['a'])],
      ]),
    ),
  ).toBe('all');
  expect(
    deadJobs(
      new Map([
        ['a', job(false, [undefined])],
        ['b', job(false, ['a'])],
        ['c', job(false, ['a'], '${{ !cancelled() }}')],
        ['d', job(false, [], 'failure()')],
      ]),
    ),
  ).toEqual(new Set(['b', 'd']));
});
