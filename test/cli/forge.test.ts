/* eslint-disable @typescript-eslint/no-explicit-any -- the forge's JSON answers and reports are read loosely here */
// audit --forge against a real HTTP server on 127.0.0.1 playing GitHub or GitLab, with responses
// checked against GitHub's published OpenAPI schemas (test/helpers/forge.ts).
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeRepo, cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { runMain } from '../helpers/cli.js';
import {
  BRANCH_RULES,
  HIDDEN_404,
  NOT_PROTECTED,
  OWNER,
  NAME,
  ghClassic,
  ghRuleset,
  github,
  gitlab,
  glAccess,
  auditForge,
  FORGE_TOKEN,
  runCliAsync,
  startForge,
  type ForgeAudit,
  type ForgeRun,
  type Handler,
} from '../helpers/forge.js';

const TOKEN = FORGE_TOKEN;
const FORGE_RULES = [
  'forge-signed-commits-required',
  'forge-force-pushes-blocked',
  'forge-deletions-blocked',
  'forge-tags-protected',
  'forge-reviews-required',
  'forge-code-owner-reviews-required',
  'forge-status-checks-required',
  'forge-admins-cannot-bypass',
];

let repo: TestRepo;
beforeAll(() => {
  repo = makeRepo();
  repo.commit('first', { 'README.md': 'hello\n' });
});
afterAll(() => cleanupTemp());

/** The forge rules against a test forge (test/helpers/forge.ts auditForge), on `repo` unless told. */
const audit = (handler: Handler, o: Partial<ForgeAudit> = {}): Promise<ForgeRun> =>
  auditForge(handler, { repo, rules: FORGE_RULES, ...o, env: { GITGUARD_FORGE_MAX_WAIT: '2', ...o.env } });

const result = (run: ForgeRun, id: string): any => run.json.results.find((r: any) => r.meta.id === id);

describe('audit --forge github', () => {
  test('an unprotected repository fails every control; nothing to bypass', async () => {
    const run = await audit(github({ classic: NOT_PROTECTED }));
    expect(run.outcomes).toEqual({
      'forge-signed-commits-required': 'fail',
      'forge-force-pushes-blocked': 'fail',
      'forge-deletions-blocked': 'fail',
      'forge-tags-protected': 'fail',
      'forge-reviews-required': 'fail',
      'forge-code-owner-reviews-required': 'fail',
      'forge-status-checks-required': 'fail',
      'forge-admins-cannot-bypass': 'not-applicable',
    });
    expect(run.code).toBe(1);
    const f = result(run, 'forge-force-pushes-blocked').findings[0];
    expect(f.evidence).toMatchObject({ ref: 'refs/heads/main', source: 'none' });
    // Every request carried the token, to the server only.
    expect(run.requests.every((r) => r.headers.authorization === `token ${TOKEN}`)).toBe(true);
  });

  test('full classic protection and a tag ruleset pass everything (exit 0)', async () => {
    const run = await audit(
      github({ classic: { body: ghClassic() }, rulesets: [ghRuleset({ id: 7, target: 'tag' })] }),
    );
    expect(Object.values(run.outcomes)).toEqual(FORGE_RULES.map(() => 'pass'));
    expect(run.code).toBe(0);
    expect(result(run, 'forge-force-pushes-blocked').note).toContain('refs/heads/main: classic');
    expect(result(run, 'forge-tags-protected').note).toContain('refs/tags/**: ruleset:7');
  });

  test('classic protection with force pushes allowed and admins exempt', async () => {
    const run = await audit(github({ classic: { body: ghClassic({ forcePushes: true, enforceAdmins: false }) } }));
    expect(run.outcomes['forge-force-pushes-blocked']).toBe('fail');
    expect(run.outcomes['forge-deletions-blocked']).toBe('pass');
    expect(run.outcomes['forge-admins-cannot-bypass']).toBe('fail');
    expect(result(run, 'forge-force-pushes-blocked').findings[0].evidence).toMatchObject({
      ref: 'refs/heads/main',
      source: 'classic',
      enforcement: 'off',
    });
    const bypass = result(run, 'forge-admins-cannot-bypass');
    expect(bypass.findings).toHaveLength(1);
    expect(bypass.findings[0].evidence).toMatchObject({ ref: 'refs/heads/main', source: 'classic', mode: 'always' });
  });

  test('rulesets only, with an always bypass actor: the controls pass, the bypass is one finding', async () => {
    const run = await audit(
      github({
        rulesets: [
          ghRuleset({ id: 11, bypass: [{ actor_id: 5, actor_type: 'RepositoryRole', bypass_mode: 'always' }] }),
          ghRuleset({ id: 12, target: 'tag' }),
        ],
      }),
    );
    for (const id of FORGE_RULES.filter((r) => r !== 'forge-admins-cannot-bypass'))
      expect([id, run.outcomes[id]]).toEqual([id, 'pass']);
    const bypass = result(run, 'forge-admins-cannot-bypass');
    expect(bypass.outcome).toBe('fail');
    expect(bypass.findings).toHaveLength(1);
    expect(bypass.findings[0].evidence).toMatchObject({
      ref: 'refs/heads/main',
      source: 'ruleset:11',
      actor: 'RepositoryRole:5 (admin)',
      mode: 'always',
    });
  });

  test('a ruleset in evaluate mode enforces nothing', async () => {
    const run = await audit(
      github({
        rulesets: [
          ghRuleset({ id: 21, enforcement: 'evaluate' }),
          ghRuleset({ id: 22, target: 'tag', enforcement: 'evaluate' }),
        ],
      }),
    );
    for (const id of FORGE_RULES.filter((r) => r !== 'forge-admins-cannot-bypass'))
      expect([id, run.outcomes[id]]).toEqual([id, 'fail']);
    expect(result(run, 'forge-force-pushes-blocked').findings[0].evidence).toMatchObject({
      ref: 'refs/heads/main',
      source: 'ruleset:21',
      enforcement: 'evaluate',
    });
    expect(result(run, 'forge-tags-protected').findings[0].evidence).toMatchObject({
      ref: 'refs/tags/**',
      source: 'ruleset:22',
      enforcement: 'evaluate',
    });
  });

  test('a read-only token: classic protection is 404, GraphQL refUpdateRule shows it, who may bypass is not-available', async () => {
    const run = await audit(
      github({
        classic: HIDDEN_404,
        refUpdateRule: {
          pattern: 'main',
          allowsDeletions: false,
          allowsForcePushes: false,
          requiredApprovingReviewCount: 1,
          requiredStatusCheckContexts: ['build'],
          requiresCodeOwnerReviews: true,
          requiresSignatures: true,
        },
        rulesets: [ghRuleset({ id: 31, target: 'tag', bypass: null })],
      }),
    );
    expect(run.outcomes['forge-force-pushes-blocked']).toBe('pass');
    expect(result(run, 'forge-force-pushes-blocked').note).toContain('classic via graphql refUpdateRule');
    expect(run.outcomes['forge-admins-cannot-bypass']).toBe('not-available');
    expect(result(run, 'forge-admins-cannot-bypass').note).toContain('administration=read');
  });

  test('a read-only token that cannot use GraphQL either: not-available naming the permission, never a fail', async () => {
    const run = await audit(
      github({
        classic: HIDDEN_404,
        refUpdateRule: {
          status: 200,
          body: {
            data: null,
            errors: [{ type: 'FORBIDDEN', message: 'Resource not accessible by personal access token' }],
          },
        },
      }),
    );
    for (const id of [
      'forge-force-pushes-blocked',
      'forge-deletions-blocked',
      'forge-signed-commits-required',
      'forge-reviews-required',
      'forge-admins-cannot-bypass',
    ]) {
      expect([id, run.outcomes[id]]).toEqual([id, 'not-available']);
      expect(result(run, id).note).toContain('administration=read');
    }
  });

  // GraphQL is a POST: plugin-throttling's limit handling applies to it as to the REST reads.
  describe('a GraphQL query that hits a rate limit', () => {
    const rule = {
      pattern: 'main',
      allowsDeletions: false,
      allowsForcePushes: false,
      requiredApprovingReviewCount: 1,
      requiredStatusCheckContexts: ['build'],
      requiresCodeOwnerReviews: true,
      requiresSignatures: true,
    };
    const now = (): number => Math.floor(Date.now() / 1000);
    /** The first GraphQL query gets `limited`; everything else the read-only scenario. */
    const firstQuery = (limited: { status?: number; headers: Record<string, string>; body: unknown }): Handler => {
      const h = github({ classic: HIDDEN_404, refUpdateRule: rule });
      let first = true;
      return (req, base) => {
        if (first && req.method === 'POST') {
          first = false;
          return limited;
        }
        return h(req, base);
      };
    };
    const rateLimited = (reset: number) => ({
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-limit': '5000', 'x-ratelimit-reset': String(reset) },
      body: { data: null, errors: [{ type: 'RATE_LIMITED', message: 'API rate limit exceeded for user ID 1.' }] },
    });
    const secondary = (retryAfter: string) => ({
      status: 403,
      headers: { 'retry-after': retryAfter },
      body: { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.' },
    });
    const queries = (run: ForgeRun): number => run.requests.filter((r) => r.method === 'POST').length;

    test('RATE_LIMITED with a reset that has passed: asked again, and its answer used', async () => {
      const run = await audit(firstQuery(rateLimited(now() - 60)));
      expect(queries(run)).toBe(2);
      expect(run.outcomes['forge-force-pushes-blocked']).toBe('pass');
      expect(result(run, 'forge-force-pushes-blocked').note).toContain('classic via graphql refUpdateRule');
    });

    test('RATE_LIMITED with a reset an hour away: exit 2, one line, not asked again', async () => {
      const run = await audit(firstQuery(rateLimited(now() + 3600)));
      expect(queries(run)).toBe(1);
      expect(run.code).toBe(2);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr).toContain('is rate-limiting this token');
    });

    // Retry-After 0 means "GitHub's fallback wait", which GITGUARD_FORGE_MAX_WAIT bounds (here 0 s).
    test('a secondary limit: asked again after Retry-After, and its answer used', async () => {
      const run = await audit(firstQuery(secondary('0')), { env: { GITGUARD_FORGE_MAX_WAIT: '0' } });
      expect(queries(run)).toBe(2);
      expect(run.outcomes['forge-force-pushes-blocked']).toBe('pass');
    });

    test('a secondary limit whose Retry-After is longer than gitguard waits: exit 2, one line', async () => {
      const run = await audit(firstQuery(secondary('3600')));
      expect(queries(run)).toBe(1);
      expect(run.code).toBe(2);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr).toContain('is rate-limiting this token');
    });
  });

  test('a read-only token on a branch any reader sees is unprotected: fail, not not-available', async () => {
    const run = await audit(github({ classic: HIDDEN_404, branchProtected: false }));
    expect(run.outcomes['forge-force-pushes-blocked']).toBe('fail');
    expect(result(run, 'forge-force-pushes-blocked').findings[0].evidence).toMatchObject({
      ref: 'refs/heads/main',
      source: 'none',
    });
    // A protected branch whose protection is hidden stays not-available.
    const hidden = await audit(
      github({
        classic: HIDDEN_404,
        branchProtected: true,
        refUpdateRule: { status: 200, body: { data: null, errors: [{ type: 'FORBIDDEN', message: 'no' }] } },
      }),
    );
    expect(hidden.outcomes['forge-force-pushes-blocked']).toBe('not-available');
  });

  test('pagination: the ruleset that protects main is on the last page', async () => {
    const filler = Array.from({ length: 4 }, (_, i) =>
      ghRuleset({ id: 100 + i, include: [`refs/heads/feature-${i}`] }),
    );
    const run = await audit(
      github({
        rulesets: [...filler, ghRuleset({ id: 200 }), ghRuleset({ id: 201, target: 'tag' })],
        pageSize: 2,
        // What GitHub answers for main: the rules of ruleset 200 only (the others name feature branches).
        effective: BRANCH_RULES.map((x) => ({
          ...x,
          ruleset_source_type: 'Repository',
          ruleset_source: `${OWNER}/${NAME}`,
          ruleset_id: 200,
        })),
      }),
    );
    expect(run.requests.filter((r) => r.path.endsWith('/rulesets')).map((r) => r.query.get('page') ?? '1')).toEqual([
      '1',
      '2',
      '3',
    ]);
    expect(run.outcomes['forge-force-pushes-blocked']).toBe('pass');
    expect(result(run, 'forge-force-pushes-blocked').note).toContain('ruleset:200');
  });

  test('a rate-limited answer is retried after the reset and then succeeds', async () => {
    const reset = String(Math.floor(Date.now() / 1000));
    const limited = {
      status: 403,
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-limit': '60', 'x-ratelimit-reset': reset },
      body: {
        message: 'API rate limit exceeded for 127.0.0.1.',
        documentation_url: 'https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting',
      },
    };
    const run = await audit(
      github({ classic: { body: ghClassic() }, rulesets: [ghRuleset({ id: 7, target: 'tag' })], repoFirst: [limited] }),
    );
    expect(run.requests.filter((r) => r.path === `/repos/${OWNER}/${NAME}`)).toHaveLength(2);
    expect(run.code).toBe(0);
  });

  test('a 429 with Retry-After (no rate-limit headers) is waited out and retried', async () => {
    const h = github({ classic: { body: ghClassic() }, rulesets: [ghRuleset({ id: 7, target: 'tag' })] });
    let first = true;
    const run = await audit((req, base) => {
      if (first && req.path.endsWith('/rulesets')) {
        first = false;
        return {
          status: 429,
          headers: { 'retry-after': '1' },
          body: { message: 'You have exceeded a secondary rate limit' },
        };
      }
      return h(req, base);
    });
    expect(run.requests.filter((r) => r.path.endsWith('/rulesets'))).toHaveLength(2);
    expect(run.code).toBe(0);
  });

  test('text and SARIF name the failing ref and source', async () => {
    const h = github({
      classic: { body: ghClassic({ forcePushes: true }) },
      rulesets: [ghRuleset({ id: 7, target: 'tag' })],
    });
    const text = await audit(h, { format: 'text' });
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/FAIL\s+forge-force-pushes-blocked/);
    expect(text.stdout).toContain('refs/heads/main');
    const sarif = await audit(h, { format: 'sarif' });
    const doc = JSON.parse(sarif.stdout);
    const hits = doc.runs[0].results.filter((r: any) => r.ruleId === 'forge-force-pushes-blocked');
    expect(hits).toHaveLength(1);
    expect(JSON.stringify(hits[0])).toContain('refs/heads/main');
  });

  test('a forge that keeps failing is exit 2 with one line, without the token even when the server echoes it', async () => {
    const run = await audit(
      (req) => ({ status: 502, body: { message: `bad gateway for ${req.headers.authorization}` } }),
      { env: { GITGUARD_FORGE_MAX_WAIT: '0' } },
    );
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/^gitguard: cannot read the GitHub API/);
  });

  // On the binary: inside jest the timeout's DOMException comes from another realm than octokit's
  // Error, so octokit words it "Unknown Error"; a real process has one realm.
  test('a forge that never answers is cut off by the request timeout: exit 2, one line', async () => {
    const run = await audit(() => ({ hang: true }), {
      env: { GITGUARD_FORGE_TIMEOUT: '0.1', GITGUARD_FORGE_MAX_WAIT: '0' },
      spawned: true,
    });
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/^gitguard: cannot read the GitHub API at .*(timeout|abort)/i);
  });

  test('an unreachable forge is exit 2 with one line, never a pass', async () => {
    const forge = await startForge(() => undefined);
    const url = forge.url;
    await forge.close();
    const res = await runMain(
      [
        'audit',
        repo.dir,
        '--forge',
        'github',
        '--forge-repo',
        'acme/app',
        '--forge-url',
        url,
        '-r',
        FORGE_RULES.join(','),
        '--debug',
      ],
      { env: { ...repo.env, GITHUB_TOKEN: TOKEN, GITGUARD_FORGE_MAX_WAIT: '0' } },
    );
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/^gitguard: cannot read the GitHub API at http:\/\/127\.0\.0\.1/);
    expect(res.stderr).not.toContain(TOKEN);
  });

  test('--forge (auto, before the path) reads the repository from origin and the API from GITHUB_API_URL', async () => {
    const r2 = makeRepo();
    r2.commit('first', { 'a.txt': 'a\n' });
    r2.run(['remote', 'add', 'origin', 'git@github.com:acme/app.git']);
    const forge = await startForge(
      github({ classic: { body: ghClassic() }, rulesets: [ghRuleset({ id: 7, target: 'tag' })] }),
    );
    try {
      const res = await runMain(['audit', '--forge', r2.dir, '-r', FORGE_RULES.join(','), '--format', 'json'], {
        env: { ...r2.env, GITHUB_API_URL: forge.url, GH_TOKEN: TOKEN },
      });
      expect(res.code).toBe(0);
      expect(forge.requests.some((r) => r.path === '/repos/acme/app')).toBe(true);
    } finally {
      await forge.close();
    }
  });

  test("the policy's forge section raises the bar: two approvals and a named check", async () => {
    const r3 = makeRepo();
    r3.commit('policy', {
      '.gitguard/policy.yml':
        'version: 1\nrequire_signatures: false\nforge:\n  min_approvals: 2\n  required_status_checks: [build, gitguard]\n',
    });
    const run = await audit(
      github({
        classic: { body: ghClassic({ approvals: 1, checks: ['build'] }) },
        rulesets: [ghRuleset({ id: 7, target: 'tag' })],
      }),
      { repo: r3 },
    );
    expect(run.outcomes['forge-reviews-required']).toBe('fail');
    expect(result(run, 'forge-reviews-required').findings[0].message).toContain('the policy asks for 2');
    expect(run.outcomes['forge-status-checks-required']).toBe('fail');
    expect(result(run, 'forge-status-checks-required').findings[0].message).toContain('"gitguard"');
    expect(run.outcomes['forge-signed-commits-required']).toBe('not-applicable');
  });
});

describe('gitguard CI gate', () => {
  test('when a workflow runs gitguard, its job must be a required check', async () => {
    const r4 = makeRepo();
    r4.commit('ci', {
      '.github/workflows/gitguard.yml':
        'on: [push]\njobs:\n  audit:\n    name: gitguard audit\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: npx gitguard audit\n',
    });
    const tagRuleset = ghRuleset({ id: 7, target: 'tag' });
    const missing = await audit(
      github({ classic: { body: ghClassic({ checks: ['build'] }) }, rulesets: [tagRuleset] }),
      { repo: r4 },
    );
    expect(missing.outcomes['forge-status-checks-required']).toBe('fail');
    expect(result(missing, 'forge-status-checks-required').findings[0].message).toContain('"gitguard audit"');
    const required = await audit(
      github({ classic: { body: ghClassic({ checks: ['build', 'gitguard audit'] }) }, rulesets: [tagRuleset] }),
      { repo: r4 },
    );
    expect(required.outcomes['forge-status-checks-required']).toBe('pass');
  });
});

describe('audit --forge gitlab', () => {
  const fullyProtected = {
    project: { only_allow_merge_if_pipeline_succeeds: true },
    protectedBranches: [
      {
        id: 1,
        name: 'main',
        allow_force_push: false,
        code_owner_approval_required: true,
        push_access_levels: [glAccess(0, 'No one')],
        merge_access_levels: [glAccess(40, 'Maintainers')],
      },
    ],
    protectedTags: [{ name: '*', create_access_levels: [glAccess(40, 'Maintainers')] }],
    pushRule: { body: { id: 1, reject_unsigned_commits: true, commit_committer_check: true, deny_delete_tag: true } },
    approvalRules: {
      body: [
        {
          id: 9,
          name: 'reviewers',
          approvals_required: 2,
          applies_to_all_protected_branches: true,
          protected_branches: [],
          rule_type: 'regular',
        },
      ],
    },
  };

  test('a fully protected project passes every rule, with the token sent as PRIVATE-TOKEN', async () => {
    const run = await audit(gitlab(fullyProtected), { kind: 'gitlab' });
    expect(Object.values(run.outcomes)).toEqual(FORGE_RULES.map(() => 'pass'));
    expect(run.requests.every((r) => r.headers['private-token'] === TOKEN)).toBe(true);
    expect(result(run, 'forge-signed-commits-required').note).toContain('gitlab-push-rule');
  });

  test('force push allowed and maintainers allowed to push; paid features hidden are not-available', async () => {
    const run = await audit(
      gitlab({
        protectedBranches: [
          { id: 1, name: 'main', allow_force_push: true, push_access_levels: [glAccess(40, 'Maintainers')] },
        ],
      }),
      { kind: 'gitlab', env: { GITLAB_TOKEN: '', CI_JOB_TOKEN: TOKEN } },
    );
    expect(run.outcomes['forge-force-pushes-blocked']).toBe('fail');
    expect(result(run, 'forge-force-pushes-blocked').findings[0].evidence).toMatchObject({
      ref: 'refs/heads/main',
      source: 'gitlab-protected-branch',
      enforcement: 'off',
    });
    expect(run.outcomes['forge-deletions-blocked']).toBe('pass');
    expect(run.outcomes['forge-admins-cannot-bypass']).toBe('fail');
    expect(result(run, 'forge-admins-cannot-bypass').findings[0].evidence).toMatchObject({
      source: 'gitlab-protected-branch',
      mode: 'push',
    });
    expect(run.outcomes['forge-signed-commits-required']).toBe('not-available');
    expect(run.outcomes['forge-reviews-required']).toBe('not-available');
    expect(run.outcomes['forge-code-owner-reviews-required']).toBe('not-available');
    expect(run.outcomes['forge-tags-protected']).toBe('fail');
    expect(run.requests.every((r) => r.headers['job-token'] === TOKEN && !r.headers['private-token'])).toBe(true);
  });

  test('pagination: the protected branch rule for main is on the last page', async () => {
    const others = Array.from({ length: 3 }, (_, i) => ({
      id: 10 + i,
      name: `feature-${i}`,
      allow_force_push: true,
      push_access_levels: [glAccess(30, 'Developers + Maintainers')],
    }));
    const run = await audit(
      gitlab({ ...fullyProtected, protectedBranches: [...others, ...fullyProtected.protectedBranches], pageSize: 2 }),
      { kind: 'gitlab' },
    );
    expect(
      run.requests.filter((r) => r.path.endsWith('/protected_branches')).map((r) => r.query.get('page') ?? '1'),
    ).toEqual(['1', '2']);
    expect(run.outcomes['forge-force-pushes-blocked']).toBe('pass');
    expect(run.outcomes['forge-admins-cannot-bypass']).toBe('pass');
  });

  test('without a token, no credential header is sent', async () => {
    const run = await audit(gitlab(fullyProtected), { kind: 'gitlab', env: { GITLAB_TOKEN: '', CI_JOB_TOKEN: '' } });
    expect(run.outcomes['forge-force-pushes-blocked']).toBe('pass');
    expect(
      run.requests.every((r) => !r.headers['private-token'] && !r.headers['job-token'] && !r.headers.authorization),
    ).toBe(true);
  });

  test('a 503 with Retry-After is retried', async () => {
    const h = gitlab(fullyProtected);
    let first = true;
    const run = await audit(
      (req, base) => {
        if (first && req.path.endsWith('/protected_branches')) {
          first = false;
          return { status: 503, headers: { 'retry-after': '0' }, body: { message: 'try again' } };
        }
        return h(req, base);
      },
      { kind: 'gitlab' },
    );
    expect(run.requests.filter((r) => r.path.endsWith('/protected_branches'))).toHaveLength(2);
    expect(run.outcomes['forge-force-pushes-blocked']).toBe('pass');
  });
});

describe('without --forge', () => {
  // The built binary: NODE_OPTIONS loads the socket recorder into gitguard's own process.
  test('the forge rules are not-available with a note, and no socket is opened', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gitguard-nonet-'));
    const marker = join(dir, 'connections');
    const hook = join(dir, 'no-net.cjs');
    // Any outgoing connection is recorded and refused.
    writeFileSync(
      hook,
      `const net = require('node:net'); const fs = require('node:fs');
const orig = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...a) { fs.appendFileSync(${JSON.stringify(marker)}, JSON.stringify(a[0]) + '\\n'); return orig.apply(this, a); };\n`,
    );
    const env = { ...repo.env, GITHUB_TOKEN: TOKEN, NODE_OPTIONS: `--require ${hook}` };
    const off = await runCliAsync(['audit', repo.dir, '--format', 'json', '--allow-empty'], { env });
    const json = JSON.parse(off.stdout);
    for (const id of FORGE_RULES) {
      const r = json.results.find((x: any) => x.meta.id === id);
      expect([id, r.outcome, r.note]).toEqual([
        id,
        'not-available',
        "run with --forge to check the forge's branch protection",
      ]);
    }
    expect(existsSync(marker)).toBe(false);
    // The hook does see connections: the same run with --forge makes one.
    const forge = await startForge(github({ classic: NOT_PROTECTED }));
    try {
      await runCliAsync(
        [
          'audit',
          repo.dir,
          '--forge',
          'github',
          '--forge-repo',
          'acme/app',
          '--forge-url',
          forge.url,
          '-r',
          'forge-force-pushes-blocked',
        ],
        { env },
      );
    } finally {
      await forge.close();
    }
    expect(readFileSync(marker, 'utf8')).toContain('127.0.0.1');
  });
});
