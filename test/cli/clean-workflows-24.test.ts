// Clean workflows 24: a run of the client rules (`--threat client`, `-r client-min-versions`, CI's
// client job) asks the walk whether the policy at HEAD was vouched for, and walked the whole history
// for it on every run, even after a full audit had judged it and written the walk checkpoint: on a
// big repository the quick check cost as much as a cold audit. It now resumes the checkpoint as a
// re-audit does (the answer the checkpoint holds for its tips, HMAC'd; only newer commits walked).
// Twins: a policy no maintainer made is still not vouched for, whether the checkpoint recorded it or
// it came after; a checkpoint that holds no answer on its tips' policies (a run without signature
// rules wrote it) vouches for nothing: everything is walked.
import { cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { commitAsPerson, sharedSshKey } from '../helpers/ssh.js';
import { aliceAndBob, TEAM_POLICY } from '../helpers/team.js';
import { parseJson, resultOf, runMain } from '../helpers/cli.js';

afterAll(() => cleanupTemp());

const POLICY = (extra: string): string => `${TEAM_POLICY}${extra}`;
const STRICT = 'client:\n  min_versions:\n    git: "99.0"\n';
const LOW = 'client:\n  min_versions:\n    git: "1.0"\n';
const RULE = 'client-min-versions';

/** Alice's repository: her policy (`extra`) and three commits of hers. */
function repo(extra: string): TestRepo {
  const { r } = aliceAndBob({ '.gitguard/policy.yml': POLICY(extra) });
  for (const n of ['1', '2', '3'])
    commitAsPerson(r, sharedSshKey('alice'), 'alice@example.com', `c${n}`, { 'a.txt': `${n}\n` });
  return r;
}

function change(who: 'alice' | 'bob', r: TestRepo, files: Record<string, string>): void {
  commitAsPerson(r, sharedSshKey(who), `${who}@example.com`, 'change', files);
}

/** A full audit (writes the walk checkpoint), or one of `rules`. */
async function fullAudit(r: TestRepo, rules?: string): Promise<void> {
  const res = await runMain(['audit', '-C', r.dir, '--format', 'json', ...(rules ? ['-r', rules] : [])], {
    env: r.env,
  });
  expect(parseJson<{ walk?: unknown }>(res).walk).toBeDefined();
}

/** The client rule's outcome, the exit code and how many commits the run walked. */
async function client(r: TestRepo): Promise<{ code: number; outcome: string; walked: number }> {
  const res = await runMain(['audit', '-C', r.dir, '--format', 'json', '--rule', RULE], { env: r.env });
  const report = parseJson(res);
  return { code: res.code, outcome: resultOf(report, RULE).outcome, walked: report.scope.commits };
}

describe('a client-only run after a full audit', () => {
  test('takes the answer on HEAD from the checkpoint: nothing walked, the same verdict', async () => {
    const r = repo(LOW);
    const cold = await client(r);
    expect(cold).toEqual({ code: 0, outcome: 'pass', walked: 4 });
    await fullAudit(r);
    expect(await client(r)).toEqual({ code: 0, outcome: 'pass', walked: 0 });
  });

  test('walks only the commits after the checkpoint', async () => {
    const r = repo(LOW);
    await fullAudit(r);
    change('alice', r, { 'b.txt': 'b\n' });
    change('alice', r, { 'b.txt': 'c\n' });
    expect(await client(r)).toEqual({ code: 0, outcome: 'pass', walked: 2 });
  });

  test('twin: Bob lowers the minimum after the checkpoint: not vouched for, never a pass', async () => {
    const r = repo(STRICT);
    await fullAudit(r);
    change('bob', r, { '.gitguard/policy.yml': POLICY(LOW) });
    // A new policy at the tip (its revocations, its goodlist) may judge old changes anew: all is walked.
    expect(await client(r)).toEqual({ code: 2, outcome: 'not-available', walked: 5 });
  });

  test('twin: after the checkpoint, Bob commits a file (the policy unchanged): vouched for, his commit alone walked', async () => {
    const r = repo(LOW);
    await fullAudit(r);
    change('bob', r, { 'b.txt': 'bob\n' });
    expect(await client(r)).toEqual({ code: 0, outcome: 'pass', walked: 1 });
  });

  test('twin: Bob lowered it before the checkpoint: the checkpoint says so', async () => {
    const r = repo(STRICT);
    change('bob', r, { '.gitguard/policy.yml': POLICY(LOW) });
    await fullAudit(r);
    expect(await client(r)).toEqual({ code: 2, outcome: 'not-available', walked: 0 });
  });

  test('twin: a checkpoint without verdicts on policies (no signature rule ran) is not used', async () => {
    const r = repo(STRICT);
    change('bob', r, { '.gitguard/policy.yml': POLICY(LOW) });
    await fullAudit(r, 'commit-dates-plausible');
    expect(await client(r)).toEqual({ code: 2, outcome: 'not-available', walked: 5 });
  });
});
