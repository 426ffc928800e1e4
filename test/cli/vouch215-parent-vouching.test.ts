// vouch215: the start's vouching for fetch-and-run lines (vouched-fetches.ts) and for GitLab's
// includes of files no file here holds (gitlab-includes.ts) set aside on the parent's side too. A
// commit that changes the fetched address, or the include's ref, keeping the line's shape loses the
// gate (its side is no gate against the start); before, the commit after it was read against that
// parent alone: "no gate" there, so removing the audit next lost nothing and passed. Now both sides
// are read again with the start's vouching set aside (vouching-off.ts): the gate job the start had is
// what must be kept, and its removal is a loss. A later change that keeps the job as the first one
// left it is no loss.
import { commitSeries } from '../helpers/commit-series.js';
import { gateBatch } from '../helpers/gate-batch.js';
import { cleanupTemp } from '../helpers/repo.js';
import { ALICE, gateFindings } from '../helpers/range-findings.js';
import { aliceSigns } from '../helpers/team.js';
import { APP, AUDIT, CI, GATE_HEAD as HEAD, RUSTUP, UV, WF, run, type Files } from '../helpers/fetch-lines.js';

const PIP = 'pip install --user pre-commit==3.7.0';

afterAll(cleanupTemp);

const TEST = '  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm test\n';
/** A GitHub gate job: `lines` each a step before the audit's, beside a test job. */
const wf = (...lines: string[]): Files => ({ [WF]: `${HEAD}${[...lines, AUDIT].map(run).join('')}${TEST}` });
/** A GitLab gate job: `lines` its before_script, beside a build job. */
const gl = (...lines: string[]): Files => ({
  [CI]: `gitguard:\n  image: node:20\n  before_script:\n${lines.map((l) => `    - ${l}\n`).join('')}  script:\n    - ${AUDIT}\n${BUILD}`,
});
const BUILD = 'build:\n  script:\n    - npm test\n';
const NO_GITHUB_GATE = { [WF]: `on: push\njobs:\n${TEST}` };
const NO_GITLAB_GATE = { [CI]: BUILD };
const evil = (line: string): string => line.replace(/https:\/\/([\w.]+)/, 'https://$1.evil.example');

/** A GitLab configuration including a remote file at `ref`, the gate job beside it (or not). */
const remote = (ref: string, gate = true): Files => ({
  [CI]:
    `include:\n  - remote: https://gitlab.example.com/group/ci/-/raw/${ref}/lint.yml\n` +
    (gate ? `gitguard:\n  image: node:20\n  script:\n    - ${AUDIT}\n` : '') +
    BUILD,
});
const project = (ref: string, gate = true): Files => ({
  [CI]:
    `include:\n  - project: group/ci\n    ref: ${ref}\n    file: /lint.yml\n` +
    (gate ? `gitguard:\n  image: node:20\n  script:\n    - ${AUDIT}\n` : '') +
    BUILD,
});

/** Each case: Alice's commit of `first` over `start` (the audit's --base), then of `then`: kept or lost. */
function judged(title: string, start: Files, cases: Array<[string, Files, Files, boolean]>, forge?: string): void {
  describe(`vouch215: ${title}`, () => {
    const batch = gateBatch(start);
    for (const [name, first, then, kept] of cases)
      it(`${kept ? 'kept' : 'lost'}: ${name}`, batch.add(first, then, kept, kept ? undefined : forge), 600_000);
  });
}

judged(
  'GitHub, a fetch-and-run line the start ran before its gate, changed, then the gate removed',
  wf(RUSTUP),
  [
    ["rustup's address changed, the audit removed next", wf(evil(RUSTUP)), NO_GITHUB_GATE, false],
    // Honest twins: the line as at the start, edits elsewhere; the line changed, then an edit elsewhere.
    ['the line as at the start, the test job edited next', wf(RUSTUP), { ...wf(RUSTUP), ...APP }, true],
  ],
  'GitHub Actions',
);

judged(
  'GitHub, pip install the start ran before its gate',
  wf(PIP),
  [
    ['the pinned version changed, the audit removed next', wf(PIP.replace('3.7.0', '3.8.0')), NO_GITHUB_GATE, false],
    ['the line as at the start, an unrelated commit next', wf(PIP), { ...wf(PIP), ...APP }, true],
  ],
  'GitHub Actions',
);

judged(
  'GitLab, a fetch-and-run line the start ran in before_script, changed, then the gate removed',
  gl(UV),
  [
    ["uv's address changed, the gate job removed next", gl(evil(UV)), NO_GITLAB_GATE, false],
    ['the line as at the start, the build job edited next', gl(UV), { ...gl(UV), ...APP }, true],
  ],
  'GitLab CI/CD',
);

judged(
  'GitLab, a remote include the start had, its ref changed, then the gate removed',
  remote('v1'),
  [
    ["the include's ref changed, the gate job removed next", remote('v2'), remote('v2', false), false],
    ['the include as at the start, an unrelated commit next', remote('v1'), { ...remote('v1'), ...APP }, true],
  ],
  'GitLab CI/CD',
);

judged(
  'GitLab, a project include the start had, its ref changed, then the gate removed',
  project('v1'),
  [
    ["the include's ref changed, the gate job removed next", project('v2'), project('v2', false), false],
    ['the include as at the start, an unrelated commit next', project('v1'), { ...project('v1'), ...APP }, true],
  ],
  'GitLab CI/CD',
);

// The change of the line fails once, as before; an edit elsewhere after it keeps the job as it left
// it (no loss), and the removal after that is one.
describe('vouch215: a change of the vouched line, an edit elsewhere, then the removal', () => {
  const cases: Array<[string, Files, Files, Files]> = [
    ["GitHub, rustup's address", wf(RUSTUP), wf(evil(RUSTUP)), NO_GITHUB_GATE],
    ["GitLab, uv's address", gl(UV), gl(evil(UV)), NO_GITLAB_GATE],
    ["GitLab, a remote include's ref", remote('v1'), remote('v2'), remote('v2', false)],
  ];
  for (const [name, start, changed, removed] of cases)
    test(
      name,
      async () => {
        const { r, alice, keys } = aliceSigns();
        const commit = (message: string, files: Files) => ({ message, signWith: alice.path, env: ALICE, files });
        const [first, bump, edit, removal] = commitSeries(r, [
          commit('start', start),
          commit('bump', changed),
          commit('edit', { ...changed, ...APP }),
          commit('remove', { ...removed, ...APP }),
        ]);
        const { res, named } = await gateFindings(r, keys, first!);
        expect(named).toEqual([bump, removal]);
        expect(named).not.toContain(edit);
        expect(res.code).toBe(1);
      },
      600_000,
    );
});
