// Incremental re-audit (engine/incremental.ts) resumes every per-commit rule from the state an
// earlier run saved. For each rule: visiting a history in one go, or its first part, saving
// (through JSON, as the checkpoint stores it), resuming and visiting the rest, must give the same
// evaluation, at every split point. A commit rule without save() fails here.
import { listRules, loadRules } from '../../src/engine/catalog.js';
import type { CommitFacts, CommitRule, RuleEvaluation } from '../../src/domain/model.js';
import type { Facts } from '../../src/domain/model.js';
import { as, ctxFor, entry, factsWith, good, policyWith, sshSigner, trusted, TEST_NOW } from '../helpers/facts.js';

const policy = policyWith({
  signers: [sshSigner('alice', 'alice@example.com')],
  maintainers: ['alice'],
  protected: { refs: [], paths: ['.gitguard/**', '.github/workflows/**'] },
});
const day = 24 * 60 * 60;
const t0 = 1_700_000_000;

/** A chain of commits with something for every rule to find (and much to pass). */
function history(): CommitFacts[] {
  const out: CommitFacts[] = [];
  const add = (make: (parent: string[], time: number) => CommitFacts): void => {
    const prev = out[out.length - 1];
    out.push(make(prev ? [prev.oid] : [], t0 + out.length * 60));
  };
  const at = (time: number) => ({ ...as('Alice', 'alice@example.com'), time });
  const alice = good('alice', { identities: ['alice@example.com'], keyAlgorithm: 'ed25519' });
  add((parents, time) =>
    trusted(alice, policy, { parents, committer: at(time), author: at(time) }, { trustRoot: true }),
  );
  add((parents, time) => trusted(alice, policy, { parents, committer: at(time), author: at(time) }));
  add((parents, time) =>
    trusted({ letter: 'N', format: 'none', identities: [] }, policy, {
      parents,
      committer: at(time),
      author: at(time),
    }),
  );
  add((parents, time) =>
    trusted({ letter: 'B', format: 'ssh', identities: [], reason: 'bad' }, policy, {
      parents,
      committer: at(time),
      author: at(time),
    }),
  );
  add((parents, time) =>
    trusted(
      good('mallory'),
      policy,
      { parents, committer: at(time), author: at(time) },
      { policyChanged: true, ownPolicy: policy },
    ),
  );
  add((parents) => trusted(alice, policy, { parents, committer: at(t0 - 3 * day), author: at(t0 - 3 * day) }));
  add((parents, time) => trusted(alice, policy, { parents, committer: at(time), author: at(time), hashOk: false }));
  add((parents, time) =>
    trusted(
      good('mallory'),
      policy,
      { parents, committer: at(time), author: at(time) },
      { changedPaths: ['.github/workflows/ci.yml'], ciGateRemoved: true },
    ),
  );
  // Losses only some forges would miss: whether they count is the run's remotes' and CI variables' call.
  for (const [path, forge] of [
    ['.forgejo/workflows/lint.yml', 'Forgejo Actions'],
    ['.github/workflows/ci.yml', 'GitHub Actions'],
  ] as const)
    add((parents, time) =>
      trusted(
        good('mallory'),
        policy,
        { parents, committer: at(time), author: at(time) },
        { changedPaths: [path], ciGateRemoved: true, ciGateLostFor: [forge] },
      ),
    );
  add((parents) =>
    trusted({ letter: 'N', format: 'none', identities: [] }, policy, {
      parents,
      committer: at(TEST_NOW / 1000 + 5 * day),
      author: at(t0),
    }),
  );
  add((parents, time) => trusted(alice, policy, { parents, committer: at(time), author: at(time) }));
  return out;
}

const commitRules = (await loadRules(listRules()))
  .map((c) => c.rule)
  .filter((r): r is CommitRule => r.kind === 'commits');

describe('per-commit rules resume from a saved state', () => {
  test('there are per-commit rules to check', () => {
    expect(commitRules.length).toBeGreaterThanOrEqual(8);
  });

  describe.each(commitRules.map((r) => [r.id, r] as const))('%s', (_id, rule) => {
    const facts = factsWith({ policy: { ok: true, value: policy } });
    const ctx = ctxFor(rule.id, 2); // a small limit: which findings are kept must match too
    const commits = history();
    const whole = (): RuleEvaluation => {
      const v = rule.start(facts, ctx);
      for (const c of commits) v.visit(c);
      return v.finish();
    };

    test('saves its state', () => {
      expect(typeof rule.start(facts, ctx).save).toBe('function');
    });

    test.each(commits.map((_, k) => [k]))('split after %i commits: the same evaluation as one walk', (k) => {
      const first = rule.start(facts, ctx);
      for (const c of commits.slice(0, k)) first.visit(c);
      const saved = JSON.parse(JSON.stringify(first.save!())) as Record<string, unknown>;
      const second = rule.start(facts, ctx, saved);
      // The engine tells the resumed walk about the commits its first commits have as parents.
      for (const c of commits.slice(0, k)) second.parent?.({ oid: c.oid, committerTime: c.committer.time });
      for (const c of commits.slice(k)) second.visit(c);
      expect(second.finish()).toEqual(whole());
    });
  });

  test('the history has findings for the rules, so the comparison is not between empty results', () => {
    const found = commitRules
      .filter((rule) => {
        const v = rule.start(factsWith({ policy: { ok: true, value: policy } }), ctxFor(rule.id));
        for (const c of history()) v.visit(c);
        return (v.finish().findingCount ?? 0) > 0;
      })
      .map((r) => r.id);
    expect(found).toEqual(
      expect.arrayContaining([
        'commits-signed',
        'commit-dates-plausible',
        'objects-intact',
        'signatures-valid',
        'ci-gate-kept',
      ]),
    );
  });
});

// The class of round 78: a resumed state must not carry a fact of the run that saved it which the
// checkpoint key does not cover (engine/incremental.ts optionsKey): the auditor's remotes (the
// config), the CI variables of the job. Saved under one run's facts and resumed under another's, a
// rule must finish as a whole walk under the second would.
describe('a resumed state is judged with the facts of the run that resumes it', () => {
  const remote = (name: string, url: string): ReturnType<typeof entry> => entry(`remote.${name}.url`, url, 'local');
  const runs: Array<[string, Partial<Facts>]> = [
    ['no remote', { config: { ok: true, value: [] } }],
    ['github.com', { config: { ok: true, value: [remote('origin', 'https://github.com/o/r.git')] } }],
    [
      'github.com and codeberg.org',
      {
        config: {
          ok: true,
          value: [remote('origin', 'https://github.com/o/r.git'), remote('cb', 'https://codeberg.org/o/r')],
        },
      },
    ],
    ['gitlab.com', { config: { ok: true, value: [remote('origin', 'https://gitlab.com/o/r.git')] } }],
    [
      'github.com, in a Forgejo job',
      { config: { ok: true, value: [remote('origin', 'https://github.com/o/r.git')] }, ciRunners: ['Forgejo Actions'] },
    ],
    ['an unreadable config', { config: { ok: false, reason: 'cannot read' } }],
    [
      'every other fact of the run set',
      {
        config: { ok: true, value: [remote('origin', 'https://codeberg.org/o/r')] },
        worktreeConfig: { ok: true, value: [entry('core.hookspath', 'hooks', 'worktree')] },
        platform: 'windows',
        server: true,
        serverRequested: true,
        ciJobServers: ['https://gitlab.example.org'],
        ciProxiedOrigin: 'http://localhost:29418',
        ciRunners: ['Gitea Actions', 'GitLab CI/CD'],
        proxyEnv: { http_proxy: 'http://proxy.example.org:3128' },
        tags: { ok: true, value: [] },
      },
    ],
  ];
  // What a commit rule may read besides the commits: the walk's facts (history, signatures,
  // protected-paths: from the commits under the checkpoint key), the policy at HEAD (its tree is in
  // the key, headPolicyTree), and facts read in finish() only (config, tags), varied below. A rule
  // needing another fact must show here that its saved state does not carry it.
  test('per-commit rules need only facts the checkpoint covers or finish() reads', () => {
    const covered = new Set(['history', 'signatures', 'protected-paths', 'policy', 'config', 'tags']);
    expect(commitRules.flatMap((r) => r.needs.filter((n) => !covered.has(n)).map((n) => `${r.id}: ${n}`))).toEqual([]);
  });
  const pairs = runs.flatMap(([a, fa]) => runs.flatMap(([b, fb]) => (a === b ? [] : [[a, fa, b, fb] as const])));
  const commits = history();
  test.each(commitRules.flatMap((r) => pairs.map(([a, fa, b, fb]) => [r.id, a, b, r, fa, fb] as const)))(
    '%s: saved on %s, resumed on %s',
    (_id, _a, _b, rule, savedUnder, resumedUnder) => {
      const ctx = ctxFor(rule.id, 2);
      const under = (over: Partial<Facts>): Facts => factsWith({ policy: { ok: true, value: policy }, ...over });
      const whole = rule.start(under(resumedUnder), ctx);
      for (const c of commits) whole.visit(c);
      const expected = whole.finish();
      // Everything from the checkpoint (nothing new), and half of it.
      for (const k of [commits.length, commits.length >> 1]) {
        const first = rule.start(under(savedUnder), ctx);
        for (const c of commits.slice(0, k)) first.visit(c);
        const saved = JSON.parse(JSON.stringify(first.save!())) as Record<string, unknown>;
        const second = rule.start(under(resumedUnder), ctx, saved);
        for (const c of commits.slice(0, k)) second.parent?.({ oid: c.oid, committerTime: c.committer.time });
        for (const c of commits.slice(k)) second.visit(c);
        expect(second.finish()).toEqual(expected);
      }
    },
  );
});
