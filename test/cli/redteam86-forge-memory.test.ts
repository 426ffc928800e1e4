/* eslint-disable @typescript-eslint/no-explicit-any -- the forge's JSON answers are read loosely here */
// Red team 86: a forge answer whose bytes are within the size bound but whose JSON, parsed, is not.
// `[{},{},...]` turns 3 bytes into an object of ~60 bytes of heap: 24 MiB of it (under the 32 MiB
// an answer may have) took ~500 MB, and a few pages of it more than node's whole heap, where
// gitguard died of an out-of-memory abort instead of answering. The CLI runs as its own process
// with a small heap (--max-old-space-size), so that an answer it parses whole shows as that abort.
import { makeRepo, cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { OWNER, NAME, ghClassic, ghRuleset, github, runCliAsync, startForge, type Handler } from '../helpers/forge.js';

const TOKEN = 'ghp_RedTeam86MemoryTokenNeverPrinted';
let repo: TestRepo;
beforeAll(() => {
  repo = makeRepo();
  repo.commit('first', { 'README.md': 'hello\n' });
});
afterAll(() => cleanupTemp());

async function audit(handler: Handler) {
  const forge = await startForge(handler);
  try {
    const res = await runCliAsync(
      [
        'audit',
        repo.dir,
        '--forge',
        'github',
        '--forge-repo',
        `${OWNER}/${NAME}`,
        '--forge-url',
        forge.url,
        '-r',
        'forge-force-pushes-blocked',
        '--format',
        'json',
      ],
      {
        env: {
          ...repo.env,
          GITHUB_TOKEN: TOKEN,
          GITGUARD_FORGE_MAX_WAIT: '0',
          NODE_OPTIONS: '--max-old-space-size=256',
        },
        timeoutMs: 120_000,
      },
    );
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
