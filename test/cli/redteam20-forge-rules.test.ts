/* eslint-disable @typescript-eslint/no-explicit-any -- the forge's JSON answers and reports are read loosely here */
// Red team 20: forge answers that made a forge rule pass while the forge lets a force push, a
// deletion or a tag move through. Each attack has its clean twin, which must still pass. The forge is a
// real HTTP server on 127.0.0.1 whose GitHub answers are checked against GitHub's published schemas.
import { cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { runMain } from '../helpers/cli.js';
import {
  auditForge,
  forgeRepo,
  GL_PROJECT,
  NOT_PROTECTED,
  OWNER,
  NAME,
  ghClassic,
  ghRuleset,
  github,
  gitlab,
  checkGitHub,
  glAccess,
  startForge,
  type ForgeRun,
  type Handler,
  type Reply,
} from '../helpers/forge.js';

const TOKEN = 'ghp_RedTeam20TokenThatMustNeverBePrinted';
const RULES = [
  'forge-force-pushes-blocked',
  'forge-deletions-blocked',
  'forge-tags-protected',
  'forge-admins-cannot-bypass',
];

let plain: TestRepo; // no policy: the default branch and every tag (refs/tags/*)
let tagged: TestRepo; // protected.refs: main and the release tags refs/tags/v*
let releases: TestRepo; // protected.refs: main and the release branches refs/heads/release/*
beforeAll(() => {
  releases = forgeRepo(
    'version: 1\nrequire_signatures: false\nprotected:\n  refs: [refs/heads/main, refs/heads/release/*, refs/tags/**]\n',
  );
  plain = forgeRepo();
  tagged = forgeRepo('version: 1\nrequire_signatures: false\nprotected:\n  refs: [refs/heads/main, refs/tags/v*]\n');
});
afterAll(() => cleanupTemp());

const audit = (handler: Handler, opts: { kind?: 'github' | 'gitlab'; repo?: TestRepo } = {}) =>
  auditForge(handler, { repo: opts.repo ?? plain, kind: opts.kind ?? 'github', rules: RULES });

/** What GitHub's GET /repos/{o}/{r}/rules/branches/main answers: the rules of the given rulesets. */
const effectiveOf = (...rulesets: Array<Record<string, unknown>>): Array<Record<string, unknown>> =>
  rulesets.flatMap((r) =>
    (r.rules as Array<Record<string, unknown>>).map((x) => ({
      ...x,
      ruleset_source_type: 'Repository',
      ruleset_source: `${OWNER}/${NAME}`,
      ruleset_id: r.id,
    })),
  );

const tagRuleset = ghRuleset({ id: 90, target: 'tag' });

describe('GitHub: a ruleset that does not apply to the default branch is not its protection', () => {
  // GitHub's fnmatch (File::FNM_PATHNAME) has character classes: [m]ain is main. GitHub itself
  // computes which rules apply; GET .../rules/branches/main is its answer, readable by any reader.
  test('an exclusion written as a character class removes main: GitHub lists no rule for main, so fail', async () => {
    const rs = ghRuleset({ id: 31, include: ['~ALL'], exclude: ['refs/heads/[m]ain'] });
    const run = await audit(github({ classic: NOT_PROTECTED, rulesets: [rs, tagRuleset], effective: [] }));
    expect(run.outcomes['forge-force-pushes-blocked']).toBe('fail');
    expect(run.outcomes['forge-deletions-blocked']).toBe('fail');
  });

  test('an organization ruleset GitHub does not apply to main (its rules are not in the effective rules): fail', async () => {
    const rs = { ...ghRuleset({ id: 32, include: ['~DEFAULT_BRANCH'] }), source_type: 'Organization', source: OWNER };
    const run = await audit(github({ classic: NOT_PROTECTED, rulesets: [rs, tagRuleset], effective: [] }));
    expect(run.outcomes['forge-force-pushes-blocked']).toBe('fail');
  });

  test('clean twin: an include GitHub applies (its rules are effective on main) passes, even a pattern gitguard does not parse', async () => {
    const rs = ghRuleset({ id: 33, include: ['refs/heads/[m]ain'] });
    const run = await audit(github({ classic: NOT_PROTECTED, rulesets: [rs, tagRuleset], effective: effectiveOf(rs) }));
    expect(run.outcomes['forge-force-pushes-blocked']).toBe('pass');
    expect(run.outcomes['forge-deletions-blocked']).toBe('pass');
    expect(run.outcomes['forge-admins-cannot-bypass']).toBe('pass');
  });

  test('the effective rules hidden from the token: the rulesets are not credited (not-available, never pass)', async () => {
    const rs = ghRuleset({ id: 34 });
    const inner = github({ classic: NOT_PROTECTED, rulesets: [rs, tagRuleset] });
    const run = await audit((req, base) =>
      req.path.endsWith('/rules/branches/main') ? { status: 404, body: { message: 'Not Found' } } : inner(req, base),
    );
    expect(run.outcomes['forge-force-pushes-blocked']).toBe('not-available');
  });
});

describe('GitHub: a tag ruleset must cover every tag the policy protects', () => {
  test('an include of one-character tags (refs/tags/v?) does not cover refs/tags/v*', async () => {
    const rs = ghRuleset({ id: 41, target: 'tag', include: ['refs/tags/v?'] });
    const run = await audit(github({ classic: { body: ghClassic() }, rulesets: [rs] }), { repo: tagged });
    expect(run.outcomes['forge-tags-protected']).toBe('fail');
  });

  test('an exclusion of refs/tags/*1 overlaps refs/tags/v* (v1 is both): fail', async () => {
    const rs = ghRuleset({ id: 42, target: 'tag', include: ['~ALL'], exclude: ['refs/tags/*1'] });
    const run = await audit(github({ classic: { body: ghClassic() }, rulesets: [rs] }), { repo: tagged });
    expect(run.outcomes['forge-tags-protected']).toBe('fail');
  });

  test('an exclusion written as a character class (refs/tags/[v]1) removes v1: fail', async () => {
    const rs = ghRuleset({ id: 43, target: 'tag', include: ['~ALL'], exclude: ['refs/tags/[v]1'] });
    const run = await audit(github({ classic: { body: ghClassic() }, rulesets: [rs] }), { repo: tagged });
    expect(run.outcomes['forge-tags-protected']).toBe('fail');
  });

  test('no protected.refs (every tag) is not covered by refs/tags/v*', async () => {
    const rs = ghRuleset({ id: 44, target: 'tag', include: ['refs/tags/v*'] });
    const run = await audit(github({ classic: { body: ghClassic() }, rulesets: [rs] }));
    expect(run.outcomes['forge-tags-protected']).toBe('fail');
  });

  test.each([
    ['~ALL', []],
    ['refs/tags/*', []],
    ['refs/tags/v*', []],
    ['refs/tags/**/*', []],
    ['v*', ['refs/tags/w*', 'refs/tags/[0-9]*']],
  ])('clean twin: include %s (exclude %j) covers refs/tags/v*', async (include, exclude) => {
    const rs = ghRuleset({ id: 45, target: 'tag', include: [include], exclude });
    const run = await audit(github({ classic: { body: ghClassic() }, rulesets: [rs] }), { repo: tagged });
    expect(run.outcomes['forge-tags-protected']).toBe('pass');
  });
});

describe('GitHub: an answer without the field is not protection', () => {
  test('classic protection that does not say whether force pushes and deletions are allowed: fail', async () => {
    const body = ghClassic();
    delete body.allow_force_pushes;
    delete body.allow_deletions;
    const run = await audit(github({ classic: { body }, rulesets: [tagRuleset] }));
    expect(run.outcomes['forge-force-pushes-blocked']).not.toBe('pass');
    expect(run.outcomes['forge-deletions-blocked']).not.toBe('pass');
  });

  test('a repository answer without default_branch: exit 2, one line', async () => {
    const inner = github({ classic: { body: ghClassic() }, rulesets: [tagRuleset] });
    const run = await audit((req, base) =>
      req.path === `/repos/${OWNER}/${NAME}` ? { body: { id: 1 } } : inner(req, base),
    );
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('GitLab: when several protected branch rules match, the most permissive one decides force push', () => {
  const base = {
    project: { only_allow_merge_if_pipeline_succeeds: true },
    protectedTags: [{ name: '*', create_access_levels: [glAccess(40, 'Maintainers')] }],
    pushRule: { body: { id: 1, reject_unsigned_commits: true } },
  };
  // Maintainers may push to main: with no one allowed to push, no one could force push whatever the
  // rules say (clean-workflows-31).
  const exact = { id: 1, name: 'main', allow_force_push: false, push_access_levels: [glAccess(40, 'Maintainers')] };

  test('main (no force push) and a wildcard m* that allows it: GitLab lets main be force-pushed, fail', async () => {
    const wild = { id: 2, name: 'm*', allow_force_push: true, push_access_levels: [glAccess(0, 'No one')] };
    const run = await audit(gitlab({ ...base, protectedBranches: [exact, wild] }), { kind: 'gitlab' });
    expect(run.outcomes['forge-force-pushes-blocked']).toBe('fail');
    expect(run.outcomes['forge-deletions-blocked']).toBe('pass');
  });

  test('a protected branch answer that does not say allow_force_push: not pass', async () => {
    const { allow_force_push: _a, ...silent } = exact;
    const run = await audit(gitlab({ ...base, protectedBranches: [silent] }), { kind: 'gitlab' });
    expect(run.outcomes['forge-force-pushes-blocked']).not.toBe('pass');
  });

  test('clean twin: both rules block force push: pass', async () => {
    const wild = { id: 2, name: 'm*', allow_force_push: false, push_access_levels: [glAccess(0, 'No one')] };
    const run = await audit(gitlab({ ...base, protectedBranches: [exact, wild] }), { kind: 'gitlab' });
    expect(run.outcomes['forge-force-pushes-blocked']).toBe('pass');
    expect(run.outcomes['forge-tags-protected']).toBe('pass');
  });
});

describe('GitLab: a protected tag must cover the policy tags', () => {
  test('a protected tag named v? (GitLab has no ?: only the tag "v?") does not cover refs/tags/v*... nor v1*', async () => {
    for (const name of ['v?', 'v1*']) {
      const run = await audit(gitlab({ protectedBranches: [], protectedTags: [{ name }] }), {
        kind: 'gitlab',
        repo: tagged,
      });
      expect([name, run.outcomes['forge-tags-protected']]).toEqual([name, 'fail']);
    }
  });

  test('clean twin: v* and * cover refs/tags/v*', async () => {
    for (const name of ['v*', '*']) {
      const run = await audit(gitlab({ protectedBranches: [], protectedTags: [{ name }] }), {
        kind: 'gitlab',
        repo: tagged,
      });
      expect([name, run.outcomes['forge-tags-protected']]).toEqual([name, 'pass']);
    }
  });
});

describe('the branches protected.refs names, when the forge will not list them', () => {
  // release/1 answers as main does (the test forge serves one branch's protection).
  const asMain =
    (inner: Handler, list: Reply): Handler =>
    (req, base) => {
      if (req.path === `/repos/${OWNER}/${NAME}/branches` || req.path === '/api/v4/projects/42/repository/branches')
        return list;
      return inner({ ...req, path: req.path.replace('branches/release/1', 'branches/main') }, base);
    };
  const hidden: Reply = { status: 404, body: { message: 'Not Found' } };
  const ghList = (): Reply => {
    const body = ['main', 'release/1', 'topic'].map((name) => ({
      name,
      commit: {
        sha: 'c5b97d5ae6c19d5c5df71a34c7fbeeda2479ccbc',
        url: 'https://api.github.com/repos/acme/app/commits/c5b97d5',
      },
      protected: name !== 'topic',
    }));
    checkGitHub('short-branch[]', body);
    return { body };
  };
  const ghProtected = github({ classic: { body: ghClassic() }, rulesets: [tagRuleset] });

  test('GitHub: a hidden branch list leaves release/* unknown: not-available, never pass', async () => {
    const run = await audit(asMain(ghProtected, hidden), { repo: releases });
    expect(run.outcomes['forge-force-pushes-blocked']).toBe('not-available');
    expect(run.json.results.find((r: any) => r.meta.id === 'forge-force-pushes-blocked').note).toContain(
      'refs/heads/release/*',
    );
  });

  test('clean twin (GitHub): the list names release/1, protected like main: pass', async () => {
    const run = await audit(asMain(ghProtected, ghList()), { repo: releases });
    expect(run.outcomes['forge-force-pushes-blocked']).toBe('pass');
    expect(run.requests.some((r) => r.path.includes('branches/release/1/protection'))).toBe(true);
  });

  const glProtected = gitlab({
    protectedBranches: [
      { id: 1, name: 'main', allow_force_push: false, push_access_levels: [glAccess(0, 'No one')] },
      { id: 2, name: 'release/*', allow_force_push: false, push_access_levels: [glAccess(0, 'No one')] },
    ],
    protectedTags: [{ name: '*' }],
  });

  test('GitLab: a hidden branch list leaves release/* unknown: not pass', async () => {
    const run = await audit(asMain(glProtected, hidden), { kind: 'gitlab', repo: releases });
    expect(run.outcomes['forge-force-pushes-blocked']).toBe('not-available');
  });

  test('clean twin (GitLab): the list names release/1, protected by release/*: pass', async () => {
    const list = { body: [{ name: 'main' }, { name: 'release/1' }, { name: 'topic' }] };
    const run = await audit(asMain(glProtected, list), { kind: 'gitlab', repo: releases });
    expect(run.outcomes['forge-force-pushes-blocked']).toBe('pass');
    expect(run.outcomes['forge-tags-protected']).toBe('pass');
  });
});

describe('answers that do not say what they protect', () => {
  const ghProtected = github({ classic: { body: ghClassic() }, rulesets: [tagRuleset] });
  const oneLine = (run: ForgeRun): void => {
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  };

  test('a 200 whose body is a page of text, not the repository: exit 2, one line', async () => {
    const run = await audit((req, base) =>
      req.path === `/repos/${OWNER}/${NAME}` ? { body: '<html>sign in</html>' } : ghProtected(req, base),
    );
    oneLine(run);
  });

  test("a 200 for the branch's rules that is not a list: exit 2, one line", async () => {
    const run = await audit((req, base) =>
      req.path.endsWith('/rules/branches/main') ? { body: { rules: [] } } : ghProtected(req, base),
    );
    oneLine(run);
  });

  test('GraphQL errors beside partial data: the partial rule is not read (not-available)', async () => {
    const inner = github({
      classic: {
        status: 404,
        headers: { 'x-accepted-github-permissions': 'administration=read' },
        body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' },
      },
      rulesets: [tagRuleset],
      refUpdateRule: {
        body: {
          data: { repository: { ref: { refUpdateRule: { allowsForcePushes: false, allowsDeletions: false } } } },
          errors: [{ type: 'FORBIDDEN', message: 'Resource not accessible by integration' }],
        },
      },
    });
    const run = await audit(inner);
    expect(run.outcomes['forge-force-pushes-blocked']).toBe('not-available');
  });

  test('GitLab: a project answer without default_branch: exit 2, one line', async () => {
    const inner = gitlab({ protectedBranches: [] });
    const run = await audit(
      (req, base) => (req.path === `/api/v4/projects/${GL_PROJECT}` ? { body: { id: 42 } } : inner(req, base)),
      { kind: 'gitlab' },
    );
    oneLine(run);
  });

  test('GitLab: a protected branch list that is not a list: exit 2, one line', async () => {
    const inner = gitlab({ protectedBranches: [] });
    const run = await audit(
      (req, base) => (req.path.endsWith('/protected_branches') ? { body: { main: true } } : inner(req, base)),
      { kind: 'gitlab' },
    );
    oneLine(run);
  });
});

test('a self-managed GitLab under a path prefix (https://host/gitlab/api/v4) is asked there', async () => {
  const inner = gitlab({
    protectedBranches: [{ id: 1, name: 'main', allow_force_push: false, push_access_levels: [glAccess(0, 'No one')] }],
  });
  const forge = await startForge((req, base) =>
    req.path.startsWith('/gitlab/') ? inner({ ...req, path: req.path.slice('/gitlab'.length) }, base) : undefined,
  );
  try {
    const res = await runMain(
      [
        'audit',
        plain.dir,
        '--forge',
        'gitlab',
        '--forge-repo',
        GL_PROJECT,
        '--forge-url',
        `${forge.url}/gitlab/api/v4`,
        '-r',
        'forge-force-pushes-blocked',
        '--format',
        'json',
      ],
      { env: { ...plain.env, GITLAB_TOKEN: TOKEN } },
    );
    expect(res.code).toBe(0);
    expect(forge.requests.every((r) => r.path.startsWith('/gitlab/api/v4/'))).toBe(true);
  } finally {
    await forge.close();
  }
});

test('held: classic allow_force_pushes and enforce_admins off beside an active ruleset blocking force pushes: GitHub layers the most restrictive rule, so force pushes are blocked; the admin exemption is still a bypass', async () => {
  const rs = ghRuleset({ id: 51, rules: [{ type: 'non_fast_forward' }, { type: 'deletion' }] });
  const run = await audit(
    github({
      classic: { body: ghClassic({ forcePushes: true, deletions: true, enforceAdmins: false }) },
      rulesets: [rs, tagRuleset],
    }),
  );
  expect(run.outcomes['forge-force-pushes-blocked']).toBe('pass');
  expect(run.outcomes['forge-deletions-blocked']).toBe('pass');
  expect(run.outcomes['forge-admins-cannot-bypass']).toBe('fail');
  const bypass = run.json.results.find((r: any) => r.meta.id === 'forge-admins-cannot-bypass');
  expect(bypass.findings.map((f: { evidence: { source: string } }) => f.evidence.source)).toEqual(['classic']);
});

describe('no protected.refs: gitguard protects every tag (refs/tags/**), nested ones too', () => {
  test('a GitHub tag ruleset on refs/tags/* leaves release/1.0 movable (fnmatch * stays in a folder): fail', async () => {
    const rs = ghRuleset({ id: 61, target: 'tag', include: ['refs/tags/*'] });
    const run = await audit(github({ classic: { body: ghClassic() }, rulesets: [rs] }));
    expect(run.outcomes['forge-tags-protected']).toBe('fail');
  });

  test.each([['~ALL'], ['refs/tags/**/*']])(
    'clean twin: a GitHub tag ruleset on %s covers every tag',
    async (include) => {
      const rs = ghRuleset({ id: 62, target: 'tag', include: [include] });
      const run = await audit(github({ classic: { body: ghClassic() }, rulesets: [rs] }));
      expect(run.outcomes['forge-tags-protected']).toBe('pass');
    },
  );
});

test('held: the rule blocking force pushes on page 2 of the branch rules is read (and page 1 alone does not pass)', async () => {
  const rs = ghRuleset({ id: 71 });
  const all = effectiveOf(rs);
  const blocking = all.filter((x) => x.type === 'non_fast_forward' || x.type === 'deletion');
  const rest = all.filter((x) => !blocking.includes(x));
  const paged =
    (pages: Array<Array<Record<string, unknown>>>): Handler =>
    (req, base) => {
      if (!req.path.endsWith('/rules/branches/main'))
        return github({ classic: NOT_PROTECTED, rulesets: [rs, tagRuleset] })(req, base);
      const page = Number(req.query.get('page') ?? '1');
      checkGitHub('repository-rule-detailed[]', pages[page - 1]);
      const next = new URL(`${base}${req.path}`);
      next.searchParams.set('page', String(page + 1));
      return { body: pages[page - 1], headers: page < pages.length ? { link: `<${next.href}>; rel="next"` } : {} };
    };
  const run = await audit(paged([rest, blocking]));
  expect(run.outcomes['forge-force-pushes-blocked']).toBe('pass');
  expect(run.requests.filter((r) => r.path.endsWith('/rules/branches/main'))).toHaveLength(2);
  const first = await audit(paged([rest]));
  expect(first.outcomes['forge-force-pushes-blocked']).toBe('fail');
});
