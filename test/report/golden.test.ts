// Golden tests for the text and JSON reports: the hand-built report (every outcome, hostile strings) in
// each text mode and as JSON, and a real `gitguard audit` of a repository built with fixed identities
// and dates, with what varies between runs (temp path, clock, duration, version) replaced by
// placeholders. Any unintended change to the output fails; UPDATE_GOLDEN=1 regenerates (test/golden/).
import { renderText } from '../../src/report/text.js';
import { renderJson } from '../../src/report/json.js';
import { fixtureReport, golden } from './fixture-report.js';
import { runCli } from '../helpers/cli.js';
import { cleanupTemp, makeRepo, type TestRepo } from '../helpers/repo.js';
import { VERSION } from '../../src/version.js';

afterAll(cleanupTemp);

describe('text and JSON reports of the hand-built report', () => {
  test.each([
    ['text.expected.txt', {}],
    ['text-quiet.expected.txt', { quiet: true }],
    ['text-verbose.expected.txt', { verbose: true }],
  ])('%s', (file, opts) => {
    const out = renderText(fixtureReport(), { color: false, ...opts });
    expect(out).toBe(golden(file, out));
  });

  test('json.expected.json', () => {
    const out = renderJson(fixtureReport(), { color: false });
    expect(out).toBe(golden('json.expected.json', out));
  });
});

describe('gitguard audit of a fixed repository', () => {
  // Rules whose verdicts depend only on the repository's objects and refs (not on the installed
  // tools or the user's config), with one of each outcome.
  const RULES = [
    'commits-signed',
    'commit-dates-plausible',
    'replace-refs-absent',
    'signers-authorized',
    'history-complete',
    'trust-root-in-history',
    'forge-force-pushes-blocked',
  ];
  let repo: TestRepo;
  beforeAll(() => {
    repo = makeRepo();
    repo.commit('initial import');
    const second = repo.commit('fix: escape \u001b[31mred\u001b[0m and \u202eRTL in "subjects"');
    // Committed three days before its parent: a backdated commit (commit-dates-plausible warns).
    repo.write({ 'late.txt': 'late\n' });
    repo.run(['add', '-A']);
    repo.run(['commit', '-q', '-m', 'backdated'], {
      env: { GIT_AUTHOR_DATE: '2023-12-29T00:00:00Z', GIT_COMMITTER_DATE: '2023-12-29T00:00:00Z' },
    });
    repo.run(['replace', '--graft', second]);
  });

  /** What differs between runs and machines, replaced by placeholders. */
  const normalise = (out: string): string =>
    out
      .split(repo.dir)
      .join('<repo>')
      .split(`gitguard ${VERSION}`)
      .join('gitguard <version>')
      .replace(/"version": "[^"]+"/, '"version": "<version>"')
      .replace(/"startedAt": "[^"]+"/, '"startedAt": "<time>"')
      .replace(/"durationMs": \d+/, '"durationMs": 0')
      .replace(/, \d+(\.\d+)? s\)$/m, ', <duration>)');

  const audit = (format: string): string => {
    const r = runCli(['audit', repo.dir, '--format', format, '--rule', RULES.join(','), '--no-ledger', '--no-cache'], {
      env: repo.env,
    });
    expect([r.code, r.stderr]).toEqual([1, '']);
    return normalise(r.stdout);
  };

  test('text', () => {
    const out = audit('text');
    expect(out).toBe(golden('audit-fixed-repo.expected.txt', out));
  });

  test('json', () => {
    const out = audit('json');
    expect(out).toBe(golden('audit-fixed-repo.expected.json', out));
  });
});
