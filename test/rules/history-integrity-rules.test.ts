// alternates-inside-repository, commit-graph-matches-objects, packed-refs-match-objects, commit-dates-plausible and trust-root-in-history: tables over
// hand-built facts, then the collectors behind them on real repositories.
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import alternatesInsideRepository from '../../src/rules/alternates-inside-repository.js';
import commitGraphMatchesObjects from '../../src/rules/commit-graph-matches-objects.js';
import packedRefsMatchObjects from '../../src/rules/packed-refs-match-objects.js';
import commitDatesPlausible from '../../src/rules/commit-dates-plausible.js';
import trustRootInHistory from '../../src/rules/trust-root-in-history.js';
import { available, unavailable } from '../../src/domain/model.js';
import type { LedgerFacts, TrustRootCheck } from '../../src/domain/ledger.js';
import { commit, ctxFor, evaluate, factsWith, runTable, TEST_NOW } from '../helpers/facts.js';
import { OidIndex } from '../../src/domain/oid-index.js';
import type { CommitRecord } from '../../src/domain/commit.js';
import { makeRepo, cleanupTemp } from '../helpers/repo.js';
import { parseJson, resultOf, runMain } from '../helpers/cli.js';

afterAll(cleanupTemp);

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const history = (over: object) =>
  available({ head: { ref: 'refs/heads/main', oid: A }, refs: [], replaceRefs: [], shallowCommits: [], ...over });
const alt = (entries: Array<{ line: string; path: string; inside: boolean }>) =>
  factsWith({ history: history({ alternates: { file: '/r/.git/objects/info/alternates', entries } }) });

describe('alternates-inside-repository', () => {
  runTable(alternatesInsideRepository, [
    { name: 'passes without an alternates file', outcome: 'pass' },
    {
      name: 'passes when alternates stay inside the repository',
      facts: alt([{ line: '../../modules/x/objects', path: '/r/.git/modules/x/objects', inside: true }]),
      outcome: 'pass',
    },
    {
      name: 'fails naming an alternates path outside the repository',
      facts: alt([{ line: '/srv/evil/objects', path: '/srv/evil/objects', inside: false }]),
      outcome: 'fail',
      mentions: ['/srv/evil/objects'],
    },
    {
      name: 'is not available when refs could not be read',
      facts: factsWith({ history: unavailable('no') }),
      outcome: 'not-available',
    },
  ]);
});

const PACKED = '/r/.git/packed-refs';
const packed = (over: object) =>
  factsWith({ history: history({ packedPeels: { file: PACKED, checked: 2, lies: [], ...over } }) });

describe('packed-refs-match-objects', () => {
  runTable(packedRefsMatchObjects, [
    { name: 'passes without packed-refs', outcome: 'pass' },
    { name: "passes when every peeled line is the object's", facts: packed({}), outcome: 'pass' },
    {
      name: 'fails naming a tag the file peels to another commit',
      facts: packed({ lies: [{ ref: 'refs/tags/v1.0', oid: A, claimed: B, peeled: 'c'.repeat(40) }] }),
      outcome: 'fail',
      mentions: ['refs/tags/v1.0', B],
    },
    {
      name: 'fails naming a branch the file gives a peel',
      facts: packed({ lies: [{ ref: 'refs/heads/main', oid: A, claimed: B }] }),
      outcome: 'fail',
      mentions: ['is not a tag'],
    },
    {
      name: 'fails on a packed-refs gitguard will not read',
      facts: packed({ unreadable: 'is a symbolic link' }),
      outcome: 'fail',
      mentions: ['will not read'],
    },
    {
      name: 'is not available when refs could not be read',
      facts: factsWith({ history: unavailable('no') }),
      outcome: 'not-available',
    },
  ]);
});

const STORE = '/r/.git/objects';
const graph = (over: object) =>
  factsWith({
    commitGraph: available({ graphs: [{ store: STORE, file: `${STORE}/info/commit-graph`, problems: [], ...over }] }),
  });
describe('commit-graph-matches-objects', () => {
  runTable(commitGraphMatchesObjects, [
    {
      name: 'passes without a commit-graph',
      facts: factsWith({ commitGraph: available({ graphs: [] }) }),
      outcome: 'pass',
    },
    { name: 'passes a graph git verifies', facts: graph({}), outcome: 'pass' },
    {
      name: 'fails with what git verify said of a graph that disagrees with the objects',
      facts: graph({ problems: [`commit-graph parent for ${A} is ${B} != ${A}`] }),
      outcome: 'fail',
      mentions: [`commit-graph parent for ${A}`],
    },
    {
      name: 'fails on a graph file that is not a regular file',
      facts: graph({ unreadable: `${STORE}/info/commit-graph is not a regular file` }),
      outcome: 'fail',
      mentions: ['not a regular file'],
    },
    {
      name: 'is not available when the graphs could not be checked',
      facts: factsWith({ commitGraph: unavailable('git did not finish') }),
      outcome: 'not-available',
    },
  ]);
});

// The facts' clock, not the wall clock: TEST_NOW (2026-12-01) unless a case sets another.
const now = Math.floor(TEST_NOW / 1000);
const at = (time: number) => ({ name: 'Alice', email: 'alice@example.com', time, tz: '+0000' });
const LATER = Date.UTC(2040, 0, 1); // a run in 2040
const in2039 = commit({ committer: at(Date.UTC(2039, 0, 1) / 1000), subject: 'made in 2039' });
const p1 = commit({ committer: at(now - 10 * 86400) });
const ok = commit({ parents: [p1.oid], committer: at(now - 9 * 86400) });
const slightlyBack = commit({ parents: [p1.oid], committer: at(now - 10 * 86400 - 3600) });
const backdated = commit({ parents: [p1.oid], committer: at(now - 30 * 86400), subject: 'backdated change' });
const future = commit({ committer: at(now + 5 * 86400), subject: 'from the future' });
describe('commit-dates-plausible', () => {
  runTable(commitDatesPlausible, [
    { name: 'passes when dates move forward', commits: [p1, ok], outcome: 'pass' },
    { name: 'passes a date an hour before its parent (within a day)', commits: [p1, slightlyBack], outcome: 'pass' },
    {
      name: 'warns on a committer date 20 days before its parent',
      commits: [p1, backdated],
      outcome: 'warn',
      mentions: ['480 h before its parent', 'backdated change'],
    },
    {
      name: 'warns on a committer date in the future',
      commits: [future],
      outcome: 'warn',
      mentions: ['lies in the future', 'from the future'],
    },
    {
      name: "judges the future by the run's clock: 2039 is past for a run in 2040",
      facts: factsWith({ now: LATER }),
      commits: [in2039],
      outcome: 'pass',
    },
    {
      name: 'and future for a run in 2026',
      commits: [in2039],
      outcome: 'warn',
      mentions: ['2039-01-01T00:00:00.000Z lies in the future'],
    },
    { name: 'is not applicable with no commits', commits: [], outcome: 'not-applicable' },
  ]);
});

/**
 * In a walk that judges trust the rule numbers commits in the walk's own index (RuleContext.commitIndex)
 * instead of one of its own: one insert per commit for the walk. That index already numbers commits
 * the rule has not visited (the walk's parents, a commit judged after its children), whose date
 * column reads zero: a child dated before 1970 would have read as 19 days before such a parent.
 */
describe("commit-dates-plausible on the walk's index", () => {
  const withIndex = (index: OidIndex, commits: CommitRecord[]) => {
    const v = commitDatesPlausible.start(factsWith(), { ...ctxFor(commitDatesPlausible.id), commitIndex: index });
    for (const c of commits) v.visit(c);
    return v.finish();
  };
  const unseen = commit({ committer: at(now - 10 * 86400) });
  const early = commit({ parents: [unseen.oid], committer: at(-20 * 86400), subject: 'dated 1969' });
  const cases: Array<[string, CommitRecord[]]> = [
    ['dates moving forward', [p1, ok]],
    ['an hour back', [p1, slightlyBack]],
    ['20 days back', [p1, backdated]],
    ['the future', [future]],
    ['a parent the walk numbered and the rule never saw, a child dated 1969', [early]],
  ];
  test.each(cases)('%s: the same verdict as with an index of its own', (_name, commits) => {
    const index = new OidIndex();
    index.add(unseen.oid); // numbered by the walk before the rule sees anything
    for (const c of commits) index.add(c.oid);
    const shared = withIndex(index, commits);
    expect(shared).toEqual(evaluate(commitDatesPlausible, factsWith(), commits));
    expect(index.size).toBe(commits.length + 1); // numbered once, by the walk
  });
  test('a clean twin passes and the backdated commit warns; the ids it meets first are numbered in that index', () => {
    const index = new OidIndex();
    expect(withIndex(index, [p1, ok]).outcome).toBe('pass');
    expect(index.size).toBe(2);
    expect(withIndex(index, [p1, backdated]).outcome).toBe('warn');
    expect(withIndex(index, [early]).outcome).toBe('pass');
  });
});

const ledgerWith = (check?: TrustRootCheck) =>
  factsWith({
    ledger: available<LedgerFacts>({
      file: '/r/.git/gitguard/ledger.json',
      fresh: true,
      globs: [],
      globSource: 'default',
      refs: [],
      forcedUpdates: [],
      ...(check ? { trustRootCheck: check } : {}),
    }),
  });
describe('trust-root-in-history', () => {
  runTable(trustRootInHistory, [
    {
      name: 'passes when the trust root is an ancestor of the tip',
      facts: ledgerWith({ rev: B, source: 'policy', oid: B, tip: A, ancestor: true }),
      outcome: 'pass',
    },
    {
      name: 'fails when the trust root is not an ancestor of the tip',
      facts: ledgerWith({ rev: B, source: '--trust-root', oid: B, tip: A, ancestor: false }),
      outcome: 'fail',
      mentions: [`trust root ${B} (--trust-root) is not an ancestor`],
    },
    {
      name: 'fails when the trust root names no commit',
      facts: ledgerWith({ rev: B, source: 'policy', tip: A }),
      outcome: 'fail',
      mentions: ['is not a commit in this repository'],
    },
    { name: 'is not applicable without a trust root', facts: ledgerWith(), outcome: 'not-applicable' },
  ]);

  test("a policy's trust root is located in .gitguard/policy.yml; --trust-root in no file", async () => {
    const ctx = { meta: { id: 'trust-root-in-history' }, findingLimit: 100, data: {} } as unknown as Parameters<
      typeof trustRootInHistory.evaluate
    >[1];
    const fromPolicy = trustRootInHistory.evaluate(
      ledgerWith({ rev: B, source: 'policy', oid: B, tip: A, ancestor: false }),
      ctx,
    );
    expect(fromPolicy.findings![0]!.locations).toEqual([{ file: '.gitguard/policy.yml' }]);
    const fromFlag = trustRootInHistory.evaluate(
      ledgerWith({ rev: B, source: '--trust-root', oid: B, tip: A, ancestor: false }),
      ctx,
    );
    expect(fromFlag.findings![0]!.locations).toBeUndefined();
  });
});

describe('on real repositories', () => {
  test('alternates outside the repository and a trust root off the audited line are reported', async () => {
    const repo = makeRepo();
    const root = repo.commit('one');
    repo.commit('two');
    repo.run(['checkout', '-q', '-b', 'side', root]);
    const off = repo.commit('side line');
    repo.run(['checkout', '-q', 'main']);
    mkdirSync(join(repo.dir, '.git', 'objects', 'info'), { recursive: true });
    writeFileSync(
      join(repo.dir, '.git', 'objects', 'info', 'alternates'),
      `${join(repo.home, 'elsewhere', 'objects')}\n`,
    );
    mkdirSync(join(repo.home, 'elsewhere', 'objects'), { recursive: true });
    const rules = 'alternates-inside-repository,trust-root-in-history';
    const bad = parseJson(
      await runMain(
        ['audit', repo.dir, '--format', 'json', '--no-ledger', '--no-cache', '--rule', rules, '--trust-root', off],
        { env: repo.env },
      ),
    );
    expect(resultOf(bad, 'alternates-inside-repository').findings[0]!.message).toContain(
      join(repo.home, 'elsewhere', 'objects'),
    );
    expect(resultOf(bad, 'trust-root-in-history').outcome).toBe('fail');
    const good = parseJson(
      await runMain(
        [
          'audit',
          repo.dir,
          '--format',
          'json',
          '--no-ledger',
          '--no-cache',
          '--rule',
          'trust-root-in-history',
          '--trust-root',
          root,
        ],
        { env: repo.env },
      ),
    );
    expect(resultOf(good, 'trust-root-in-history').outcome).toBe('pass');
  });

  test.each([
    ['a backdated commit', 'warn', '2020-01-01T00:00:00Z'],
    ['twin: a commit dated after its parent', 'pass', undefined],
  ])(
    'a full audit (the walk judges trust, its index shared): %s made by real git: %s',
    async (_name, outcome, date) => {
      const repo = makeRepo();
      repo.commit('one');
      repo.run(['commit', '-q', '--allow-empty', '-m', 'backdated'], {
        env: date ? { GIT_COMMITTER_DATE: date } : {},
      });
      // git's own dates: the parent's and the child's as git prints them.
      const [child, parent] = repo.run(['log', '--format=%ct', '-2']).trim().split('\n').map(Number);
      expect(parent! - child! > 86400).toBe(outcome === 'warn');
      const r = parseJson(
        await runMain(['audit', repo.dir, '--format', 'json', '--no-ledger', '--no-cache'], { env: repo.env }),
      );
      expect(resultOf(r, 'commit-dates-plausible').outcome).toBe(outcome);
    },
  );

  test('a backdated commit made by real git is flagged', async () => {
    const repo = makeRepo();
    repo.commit('one');
    repo.run(['commit', '-q', '--allow-empty', '-m', 'backdated'], {
      env: { GIT_COMMITTER_DATE: '2020-01-01T00:00:00Z' },
    });
    const r = parseJson(
      await runMain(
        ['audit', repo.dir, '--format', 'json', '--no-ledger', '--no-cache', '--rule', 'commit-dates-plausible'],
        { env: repo.env },
      ),
    );
    const res = resultOf(r, 'commit-dates-plausible');
    expect(res.outcome).toBe('warn');
    expect(res.findings[0]!.message).toContain('backdated');
  });
});
