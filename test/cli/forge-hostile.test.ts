// A hostile or broken forge API (red-team round 2), against real HTTP servers on 127.0.0.1: a Link
// header or a redirect that points at another host must never carry the token there, a page that
// links to itself must not loop, and an endless answer must not fill gitguard's memory. Each is
// one line and exit 2 (the audit cannot be done), never a pass.
import { makeRepo, cleanupTemp, type TestRepo } from '../helpers/repo.js';
import {
  FORGE_TOKEN,
  OWNER,
  NAME,
  auditForge,
  ghRuleset,
  github,
  gitlab,
  glAccess,
  startForge,
  type FakeForge,
  type ForgeRun,
  type Handler,
} from '../helpers/forge.js';

const TOKEN = FORGE_TOKEN;

let repo: TestRepo;
let evil: FakeForge;
beforeAll(async () => {
  repo = makeRepo();
  repo.commit('first', { 'README.md': 'hello\n' });
  // Another origin (another port): whatever reaches it must carry no credential.
  evil = await startForge(() => ({ body: [] }));
});
afterAll(async () => {
  await evil.close();
  cleanupTemp();
});

/** forge-force-pushes-blocked against a hostile test forge (test/helpers/forge.ts auditForge). */
const audit = (handler: Handler, kind: 'github' | 'gitlab'): Promise<ForgeRun> =>
  auditForge(handler, {
    repo,
    rules: ['forge-force-pushes-blocked'],
    kind,
    env: { GITGUARD_FORGE_MAX_WAIT: '1' },
  });

/** No request that reached the other origin carried the token, in any header. */
function evilSawNoToken(): void {
  for (const r of evil.requests) expect(JSON.stringify(r.headers)).not.toContain(TOKEN);
}

const withHeaderOn = (h: Handler, path: RegExp, headers: (base: string) => Record<string, string>): Handler => {
  return (req, base) => {
    const reply = h(req, base);
    if (!path.test(req.path) || !reply) return reply;
    return { ...reply, headers: { ...reply.headers, ...headers(base) } };
  };
};

const GH_RULESETS = /\/rulesets$/;
const GL_BRANCHES = /\/protected_branches$/;
const glScenario = {
  protectedBranches: [{ id: 1, name: 'main', allow_force_push: false, push_access_levels: [glAccess(0, 'No one')] }],
};

beforeEach(() => {
  evil.requests.length = 0;
});

describe('a Link header naming another host', () => {
  test('GitHub: the next page on another origin is refused, the token never leaves', async () => {
    const h = withHeaderOn(github({ rulesets: [ghRuleset({ id: 1 })] }), GH_RULESETS, () => ({
      link: `<${evil.url}/repos/${OWNER}/${NAME}/rulesets?page=2>; rel="next"`,
    }));
    const run = await audit(h, 'github');
    evilSawNoToken();
    expect(evil.requests).toHaveLength(0);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('another host');
  });

  // gitbeaker takes only the query of the next link and asks the API host: the token stays home
  // (this server then names page 2 as the next page of page 2: a loop).
  test('GitLab: the next page stays on the API host, PRIVATE-TOKEN never leaves', async () => {
    const h = withHeaderOn(gitlab(glScenario), GL_BRANCHES, () => ({
      link: `<${evil.url}/api/v4/projects/42/protected_branches?page=2>; rel="next"`,
    }));
    const run = await audit(h, 'gitlab');
    evilSawNoToken();
    expect(evil.requests).toHaveLength(0);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('pagination loops');
  });
});

describe('a redirect to another host', () => {
  const redirect = (inner: Handler, path: RegExp): Handler => {
    return (req, base) =>
      path.test(req.path) ? { status: 302, headers: { location: `${evil.url}${req.path}` } } : inner(req, base);
  };

  test('GitHub: not followed, the token never leaves', async () => {
    const run = await audit(redirect(github({ rulesets: [] }), GH_RULESETS), 'github');
    evilSawNoToken();
    expect(evil.requests).toHaveLength(0);
    expect(run.code).toBe(2);
  });

  test('GitLab: not followed, PRIVATE-TOKEN never leaves', async () => {
    const run = await audit(redirect(gitlab(glScenario), GL_BRANCHES), 'gitlab');
    evilSawNoToken();
    expect(evil.requests).toHaveLength(0);
    expect(run.code).toBe(2);
  });
});

test('a redirect within the API host (a renamed repository) is followed, with the token', async () => {
  const inner = github({ rulesets: [ghRuleset({ id: 7 })] }); // GitHub's effective rules for main: ruleset 7's
  const moved = `/repos/${OWNER}/${NAME}-renamed/rulesets`;
  const h: Handler = (req, base) => {
    if (req.path === `/repos/${OWNER}/${NAME}/rulesets`)
      return { status: 301, headers: { location: `${base}${moved}` } };
    if (req.path === moved) return inner({ ...req, path: `/repos/${OWNER}/${NAME}/rulesets` }, base);
    return inner(req, base);
  };
  const run = await audit(h, 'github');
  expect(run.code).toBe(0);
  expect(run.requests.find((r) => r.path === moved)?.headers.authorization).toBe(`token ${TOKEN}`);
});

describe('pagination that never ends', () => {
  test('GitHub: a page whose next link is itself is a loop: exit 2 at once, one line', async () => {
    const h = withHeaderOn(github({ rulesets: [ghRuleset({ id: 1 })] }), GH_RULESETS, (base) => ({
      link: `<${base}/repos/${OWNER}/${NAME}/rulesets?page=1&per_page=100&includes_parents=true>; rel="next"`,
    }));
    // Stops by itself after 500 pages, so that a looping client still ends this test.
    let n = 0;
    const bounded: Handler = (req, base) => (GH_RULESETS.test(req.path) && ++n > 500 ? { body: [] } : h(req, base));
    const run = await audit(bounded, 'github');
    expect(run.requests.filter((r) => GH_RULESETS.test(r.path)).length).toBeLessThanOrEqual(2);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('loop');
  });

  test('GitLab: a next link back to the first page is a loop: exit 2', async () => {
    const h = withHeaderOn(gitlab(glScenario), GL_BRANCHES, (base) => ({
      link: `<${base}/api/v4/projects/42/protected_branches?page=1&per_page=100>; rel="next"`,
    }));
    let n = 0;
    const bounded: Handler = (req, base) => (GL_BRANCHES.test(req.path) && ++n > 500 ? { body: [] } : h(req, base));
    const run = await audit(bounded, 'gitlab');
    expect(run.requests.filter((r) => GL_BRANCHES.test(r.path)).length).toBeLessThanOrEqual(3);
    expect(run.code).toBe(2);
  });
});

test('an answer larger than any real page is cut off: exit 2, one line', async () => {
  const inner = github({ rulesets: [] });
  const huge = 'x'.repeat(40 * 1024 * 1024);
  const run = await audit((req, base) => (GH_RULESETS.test(req.path) ? { body: [huge] } : inner(req, base)), 'github');
  expect(run.code).toBe(2);
  expect(run.stderr).toContain('larger than');
});
