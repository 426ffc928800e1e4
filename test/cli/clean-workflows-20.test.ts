// Clean workflows 20: forge answers of properly protected projects after red team 20 made the forge
// rules fail closed. A protection answer that leaves out whether force pushes or deletions are
// allowed (GitLab before 13.10 has no allow_force_push: force push to a protected branch did not
// exist yet; an old GitHub Enterprise Server) failed as "force pushes are not blocked": unknown is
// not-available with a next step, never fail. Twins: an answer that says they are allowed still
// fails. GitHub answers are checked against GitHub's published schemas (test/helpers/forge.ts).
import { cleanupTemp, type TestRepo } from '../helpers/repo.js';
import {
  BRANCH_RULES,
  HIDDEN_404,
  OWNER,
  auditForge,
  forgeRepo,
  ghClassic,
  ghRuleset,
  github,
  gitlab,
  glAccess,
  type Handler,
} from '../helpers/forge.js';

const RULES = ['forge-force-pushes-blocked', 'forge-deletions-blocked', 'forge-tags-protected'];

let tagged: TestRepo; // protected.refs: main and the release tags refs/tags/v*
let plain: TestRepo; // no policy: the default branch and every tag (refs/tags/**)
beforeAll(() => {
  plain = forgeRepo();
  tagged = forgeRepo('version: 1\nrequire_signatures: false\nprotected:\n  refs: [refs/heads/main, refs/tags/v*]\n');
});
afterAll(() => cleanupTemp());

const audit = (handler: Handler, kind: 'github' | 'gitlab' = 'github', repo?: TestRepo) =>
  auditForge(handler, { repo: repo ?? tagged, kind, rules: RULES });

describe('GitLab before 13.10: protected branches say nothing of force push', () => {
  // GitLab 13.9's protected branch answer: no allow_force_push (the setting came in 13.10).
  const v13_9 = {
    id: 1,
    name: 'main',
    push_access_levels: [glAccess(40, 'Maintainers')],
    merge_access_levels: [glAccess(40, 'Maintainers')],
    unprotect_access_levels: [],
    code_owner_approval_required: false,
  };
  const base = { protectedTags: [{ name: 'v*', create_access_levels: [glAccess(40, 'Maintainers')] }] };

  test('main protected on GitLab 13.9: not-available naming 13.10, not fail (before: fail)', async () => {
    const run = await audit(gitlab({ ...base, protectedBranches: [v13_9] }), 'gitlab');
    expect(run.outcomes).toEqual({
      'forge-force-pushes-blocked': 'not-available',
      'forge-deletions-blocked': 'pass',
      'forge-tags-protected': 'pass',
    });
    expect(run.notes['forge-force-pushes-blocked']).toContain('GitLab 13.10 or later');
    expect(run.code).toBe(0);
  });

  test('GitLab 16/17 (allow_force_push: false on main): pass', async () => {
    const run = await audit(gitlab({ ...base, protectedBranches: [{ ...v13_9, allow_force_push: false }] }), 'gitlab');
    expect(run.outcomes['forge-force-pushes-blocked']).toBe('pass');
    expect(run.code).toBe(0);
  });

  test('twin: a silent rule beside one that allows force push: fail (the most permissive decides)', async () => {
    const wild = { ...v13_9, id: 2, name: 'm*', allow_force_push: true };
    const run = await audit(gitlab({ ...base, protectedBranches: [v13_9, wild] }), 'gitlab');
    expect(run.outcomes['forge-force-pushes-blocked']).toBe('fail');
    expect(run.code).toBe(1);
  });
});

describe('GitHub classic protection that leaves out allow_force_pushes / allow_deletions', () => {
  const tags = ghRuleset({ id: 90, target: 'tag', include: ['refs/tags/v*'] });

  test('an answer without the fields: not-available, not fail (before: fail)', async () => {
    const body = ghClassic();
    delete body.allow_force_pushes;
    delete body.allow_deletions;
    const run = await audit(github({ classic: { body }, rulesets: [tags] }));
    expect(run.outcomes).toEqual({
      'forge-force-pushes-blocked': 'not-available',
      'forge-deletions-blocked': 'not-available',
      'forge-tags-protected': 'pass',
    });
    expect(run.notes['forge-force-pushes-blocked']).toContain('allow_force_pushes');
  });

  test('the same answer beside a ruleset that blocks both: pass', async () => {
    const body = ghClassic();
    delete body.allow_force_pushes;
    delete body.allow_deletions;
    const run = await audit(github({ classic: { body }, rulesets: [tags, ghRuleset({ id: 7 })] }));
    expect(run.outcomes['forge-force-pushes-blocked']).toBe('pass');
    expect(run.outcomes['forge-deletions-blocked']).toBe('pass');
  });

  test('twin: an answer that allows force pushes and deletions: fail', async () => {
    const run = await audit(
      github({ classic: { body: ghClassic({ forcePushes: true, deletions: true }) }, rulesets: [tags] }),
    );
    expect(run.outcomes['forge-force-pushes-blocked']).toBe('fail');
    expect(run.outcomes['forge-deletions-blocked']).toBe('fail');
  });

  test('the token GitHub Actions gives (no admin): GraphQL refUpdateRule blocking both passes', async () => {
    const run = await audit(
      github({
        classic: HIDDEN_404,
        rulesets: [tags],
        refUpdateRule: {
          pattern: 'main',
          allowsDeletions: false,
          allowsForcePushes: false,
          requiredApprovingReviewCount: 1,
          requiredStatusCheckContexts: ['build'],
          requiresCodeOwnerReviews: true,
          requiresSignatures: true,
        },
      }),
    );
    expect(run.outcomes['forge-force-pushes-blocked']).toBe('pass');
    expect(run.outcomes['forge-deletions-blocked']).toBe('pass');
  });
});

describe('held: the rulesets a normally protected GitHub project has', () => {
  const tags = ghRuleset({ id: 90, target: 'tag', include: ['refs/tags/v*'] });
  test.each([['~DEFAULT_BRANCH'], ['refs/heads/main'], ['~ALL']])('a branch ruleset on %s passes', async (include) => {
    const run = await audit(github({ rulesets: [ghRuleset({ id: 7, include: [include] }), tags] }));
    expect(run.outcomes).toEqual({
      'forge-force-pushes-blocked': 'pass',
      'forge-deletions-blocked': 'pass',
      'forge-tags-protected': 'pass',
    });
    expect(run.code).toBe(0);
  });
});

describe('held: every tag protected (no protected.refs)', () => {
  test('GitLab: a protected tag * (GitLab 16/17) covers nested tags too: pass', async () => {
    const branch = { id: 1, name: 'main', allow_force_push: false, push_access_levels: [glAccess(40, 'Maintainers')] };
    const run = await audit(
      gitlab({
        protectedBranches: [branch],
        protectedTags: [{ name: '*', create_access_levels: [glAccess(40, 'Maintainers')] }],
      }),
      'gitlab',
      plain,
    );
    expect(run.outcomes['forge-tags-protected']).toBe('pass');
  });

  test('GitHub: an organization tag ruleset on ~ALL and a branch ruleset GitHub lists from the organization: pass', async () => {
    const org = { ...ghRuleset({ id: 11 }), source_type: 'Organization', source: OWNER };
    const tags = { ...ghRuleset({ id: 12, target: 'tag' }), source_type: 'Organization', source: OWNER };
    const effective = BRANCH_RULES.map((x) => ({
      ...x,
      ruleset_source_type: 'Organization',
      ruleset_source: OWNER,
      ruleset_id: 11,
    }));
    const run = await audit(github({ rulesets: [org, tags], effective }), 'github', plain);
    expect(run.outcomes).toEqual({
      'forge-force-pushes-blocked': 'pass',
      'forge-deletions-blocked': 'pass',
      'forge-tags-protected': 'pass',
    });
  });
});
