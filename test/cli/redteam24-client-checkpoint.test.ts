// Red-team round 24: a run of the client rules resumes the walk checkpoint (clean-workflows-24).
// Attacks on the answer it reuses for HEAD's policy; each compared with the same run under --no-cache.
import { cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { commitAsPerson, sharedSshKey } from '../helpers/ssh.js';
import { aliceAndBob, TEAM_POLICY } from '../helpers/team.js';
import { parseJson, resultOf, runMain } from '../helpers/cli.js';

afterAll(() => cleanupTemp());

const POLICY = (extra: string): string => `${TEAM_POLICY}${extra}`;
const STRICT = 'client:\n  min_versions:\n    git: "99.0"\n';
const LOW = 'client:\n  min_versions:\n    git: "1.0"\n';
const RULE = 'client-min-versions';

function change(who: 'alice' | 'bob', r: TestRepo, files: Record<string, string>): string {
  commitAsPerson(r, sharedSshKey(who), `${who}@example.com`, 'change', files);
  return r.run(['rev-parse', 'HEAD']).trim();
}

async function client(r: TestRepo, ...extra: string[]): Promise<{ code: number; outcome: string }> {
  const res = await runMain(['audit', '-C', r.dir, '--format', 'json', '--rule', RULE, ...extra], { env: r.env });
  return { code: res.code, outcome: resultOf(parseJson(res), RULE).outcome };
}

test('--all: HEAD detached at an old commit inside the checkpoint whose policy Bob changed: the same answer as a full walk', async () => {
  const { r } = aliceAndBob({ '.gitguard/policy.yml': POLICY(STRICT) });
  change('alice', r, { 'a.txt': '1\n' });
  const bobs = change('bob', r, { '.gitguard/policy.yml': POLICY(LOW) });
  change('alice', r, { 'a.txt': '2\n' });
  const full = await runMain(['audit', '-C', r.dir, '--all', '--format', 'json'], { env: r.env });
  expect(parseJson<{ walk?: unknown }>(full).walk).toBeDefined();
  r.run(['checkout', '-q', '--detach', bobs]);
  const cold = await client(r, '--all', '--no-cache');
  expect(cold.outcome).not.toBe('pass');
  expect(await client(r, '--all')).toEqual(cold);
});

/** main: Alice's policy (`first`), Bob's change to it (unauthorized), then Alice's commit; a full audit with --all. */
async function bobInside(): Promise<{ r: TestRepo; bobs: string; tip: string }> {
  const { r } = aliceAndBob({ '.gitguard/policy.yml': POLICY(STRICT) });
  change('alice', r, { 'a.txt': '1\n' });
  const bobs = change('bob', r, { '.gitguard/policy.yml': POLICY(LOW) });
  const tip = change('alice', r, { 'a.txt': '2\n' });
  const full = await runMain(['audit', '-C', r.dir, '--all', '--format', 'json'], { env: r.env });
  expect(parseJson<{ walk?: unknown }>(full).walk).toBeDefined();
  return { r, bobs, tip };
}

test('--all, a full audit: HEAD detached at that old commit walks everything, the same verdicts as --no-cache', async () => {
  const { r, bobs } = await bobInside();
  r.run(['checkout', '-q', '--detach', bobs]);
  const run = async (...extra: string[]) => {
    const res = await runMain(['audit', '-C', r.dir, '--all', '--format', 'json', ...extra], { env: r.env });
    const report = parseJson(res);
    const { walk } = parseJson<{ walk: { incremental: boolean; reason?: string } }>(res);
    return { code: res.code, client: resultOf(report, RULE).outcome, walk };
  };
  const cold = await run('--no-cache');
  const warm = await run();
  expect(warm.walk.incremental).toBe(false);
  expect(warm.walk.reason).toMatch(/is a tip now, inside the judged history/);
  expect({ code: warm.code, client: warm.client }).toEqual({ code: cold.code, client: cold.client });
});

test('twin: HEAD detached at the recorded tip itself resumes (nothing walked) with the same answer', async () => {
  const { r, tip } = await bobInside();
  r.run(['checkout', '-q', '--detach', tip]);
  const cold = await client(r, '--all', '--no-cache');
  expect(await client(r, '--all')).toEqual(cold);
  const res = await runMain(['audit', '-C', r.dir, '--all', '--format', 'json'], { env: r.env });
  expect(parseJson<{ walk?: unknown }>(res).walk).toMatchObject({
    incremental: true,
    walked: 0,
  });
});

test('twin: a clean history, HEAD detached at an old commit of Alice: walked again, and passes', async () => {
  const { r } = aliceAndBob({ '.gitguard/policy.yml': POLICY(LOW) });
  const old = change('alice', r, { 'a.txt': '1\n' });
  change('alice', r, { 'a.txt': '2\n' });
  await runMain(['audit', '-C', r.dir, '--all', '--format', 'json'], { env: r.env });
  r.run(['checkout', '-q', '--detach', old]);
  expect(await client(r, '--all')).toEqual({ code: 0, outcome: 'pass' });
});
