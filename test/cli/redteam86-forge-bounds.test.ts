// Red team 86: a forge within the bounds of each answer but not of all of them together.
// Memory: an answer whose bytes are within the size bound but whose JSON, parsed, is not.
// `[{},{},...]` turns 3 bytes into an object of ~60 bytes of heap: 24 MiB of it (under the 32 MiB
// an answer may have) took ~500 MB, and a few pages of it more than node's whole heap, where
// gitguard died of an out-of-memory abort instead of answering. The CLI runs as its own process
// with a small heap (--max-old-space-size), so that an answer it parses whole shows as that abort.
// Time: a forge that answers each page late but inside the request timeout, always with a next page.
import { makeRepo, cleanupTemp, type TestRepo } from '../helpers/repo.js';
import {
  OWNER,
  NAME,
  forgeAuditArgs,
  ghClassic,
  ghRuleset,
  github,
  runCliAsync,
  startForge,
  type Handler,
} from '../helpers/forge.js';

const TOKEN = 'ghp_RedTeam86MemoryTokenNeverPrinted';
let repo: TestRepo;
beforeAll(() => {
  repo = makeRepo();
  repo.commit('first', { 'README.md': 'hello\n' });
});
afterAll(() => cleanupTemp());

async function audit(handler: Handler, env: NodeJS.ProcessEnv = {}, timeoutMs = 120_000) {
  const forge = await startForge(handler);
  try {
    const res = await runCliAsync(forgeAuditArgs(repo.dir, 'github', forge.url, ['forge-force-pushes-blocked']), {
      env: {
        ...repo.env,
        GITHUB_TOKEN: TOKEN,
        GITGUARD_FORGE_MAX_WAIT: '0',
        NODE_OPTIONS: '--max-old-space-size=256',
        ...env,
      },
      timeoutMs,
    });
    expect(res.stdout + res.stderr).not.toContain(TOKEN);
    return res;
  } finally {
    await forge.close();
  }
}

const RULESETS = /\/rulesets$/;
const inner = (): Handler =>
  github({ classic: { body: ghClassic() }, rulesets: [ghRuleset({ id: 3, target: 'tag' })] });

test('a 24 MiB page of empty objects (8 million values) is refused: exit 2 and one line, not an out-of-memory abort', async () => {
  const raw = Buffer.from(`[${'{},'.repeat(8 * 1024 * 1024 - 1)}{}]`);
  const h: Handler = (req, base) => (RULESETS.test(req.path) ? { raw } : inner()(req, base));
  const res = await audit(h);
  expect(res.stderr).not.toMatch(/heap|Allocation failed/i);
  expect(res.code).toBe(2);
  expect(res.stderr.trim().split('\n')).toHaveLength(1);
  expect(res.stderr).toContain('million JSON values');
});

test('clean twin: a real page under the same heap passes', async () => {
  const res = await audit(inner());
  expect(res.stderr).toBe('');
  expect(res.code).toBe(0);
  expect(JSON.parse(res.stdout).results[0].outcome).toBe('pass');
});

test('endless pages, each 0.3 s late inside a 1 s request timeout: the run ends at 20 timeouts in all (exit 2, one line)', async () => {
  // Every page names a next one (distinct: no loop) and arrives inside the timeout: 5000 such
  // pages took 25 minutes; the run is killed at 60 s here.
  const h: Handler = (req, base) => {
    if (!RULESETS.test(req.path)) return inner()(req, base);
    const page = Number(req.query.get('page') ?? '1');
    const next = `${base}/repos/${OWNER}/${NAME}/rulesets?per_page=100&includes_parents=true&page=${page + 1}`;
    return { delayMs: 300, headers: { link: `<${next}>; rel="next"` }, body: [] };
  };
  const res = await audit(h, { GITGUARD_FORGE_TIMEOUT: '1' }, 60_000);
  expect(res.code).toBe(2);
  expect(res.stderr.trim().split('\n')).toHaveLength(1);
  expect(res.stderr).toContain('GITGUARD_FORGE_TIMEOUT');
});
