// Red team 25: the policy at HEAD counts as vouched for only when something vouched for it. A run whose
// walk never judged HEAD left that answer undefined, which the rules read as "not unvetted": with a
// --trust-root past HEAD (HEAD checked out before the root), Bob's relaxation at HEAD passed
// client-min-versions and signing-enabled-when-required, where a full --no-cache audit of the same HEAD
// says not-available. HEAD outside the walk is now judged as a parent outside the walk is: accepted
// history (at or before --base) when it descends from the trust root, else not vouched for. Twins: the
// same run at a maintainer's HEAD, a --base at HEAD (CI on an unchanged branch), a --trust-root at HEAD.
import { cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { commitAsPerson, sharedSshKey } from '../helpers/ssh.js';
import { aliceAndBob } from '../helpers/team.js';
import { parseJson, resultOf, runMain } from '../helpers/cli.js';

afterAll(() => cleanupTemp());

const POLICY = (extra: string): string =>
  `version: 1\nsigners:\n  - name: Alice\n    emails: [alice@example.com]\n  - name: Bob\n    emails: [bob@example.com]\nmaintainers: [Alice]\n${extra}`;
const STRICT = 'client:\n  min_versions:\n    git: "99.0"\n';
const LAX = 'client:\n  min_versions:\n    git: "1.0"\n';

interface Run {
  code: number;
  outcome: string;
  note?: string;
}

async function audit(r: TestRepo, rule: string, extra: string[]): Promise<Run> {
  const res = await runMain(['audit', '-C', r.dir, '--format', 'json', '--no-ledger', '--rule', rule, ...extra], {
    env: r.env,
  });
  const got = resultOf(parseJson(res), rule);
  return { code: res.code, outcome: got.outcome, ...(got.note ? { note: got.note } : {}) };
}

/** Alice's strict policy, `who`'s change to `policy` on top, then Alice's ordinary commit (main); HEAD detached at the change. */
function repo(who: 'alice' | 'bob', policy: string, config: Record<string, string> = {}): TestRepo {
  const { r } = aliceAndBob({ '.gitguard/policy.yml': POLICY(STRICT) });
  commitAsPerson(r, sharedSshKey(who), `${who}@example.com`, 'policy', { '.gitguard/policy.yml': POLICY(policy) });
  commitAsPerson(r, sharedSshKey('alice'), 'alice@example.com', 'work', { 'a.txt': 'a\n' });
  r.run(['checkout', '-q', '--detach', 'HEAD~1']);
  r.config(config);
  return r;
}

const CASES: Array<[string, string, Record<string, string>]> = [
  ['client-min-versions', LAX, {}],
  ['signing-enabled-when-required', 'require_signatures: false\n', { 'commit.gpgSign': 'false' }],
];

describe.each(CASES)('%s: Bob relaxes the policy at HEAD', (rule, policy, config) => {
  test('a --trust-root past HEAD does not vouch for it: not-available (exit 2), as the full audit says', async () => {
    const r = repo('bob', policy, config);
    const full = await audit(r, rule, ['--no-cache']);
    expect(full).toMatchObject({ code: 2, outcome: 'not-available' });
    for (const cache of [['--no-cache'], []]) {
      const past = await audit(r, rule, ['--trust-root', 'main', ...cache]);
      expect(past).toMatchObject({ code: 2, outcome: 'not-available' });
      expect(past.note).toContain('does not descend from the trust root');
    }
  });

  test('twin: Alice made the same change: a --trust-root at HEAD, or --base at HEAD, runs as the full audit', async () => {
    const r = repo('alice', policy, config);
    const full = await audit(r, rule, ['--no-cache']);
    expect(full.outcome).not.toBe('not-available');
    for (const extra of [
      ['--trust-root', 'HEAD'],
      ['--base', 'HEAD'],
      ['--base', 'HEAD', '--no-cache'],
    ])
      expect(await audit(r, rule, extra)).toEqual(full);
  });
});

test('twin: a maintainer relaxation reached through --base at HEAD (CI on an unchanged branch) passes', async () => {
  const r = repo('alice', LAX);
  expect(await audit(r, 'client-min-versions', ['--base', 'HEAD', '--no-cache'])).toMatchObject({
    code: 0,
    outcome: 'pass',
  });
});

test("twin: Alice's strict minimum still fails the installed git with --base at HEAD", async () => {
  const { r } = aliceAndBob({ '.gitguard/policy.yml': POLICY(STRICT) });
  expect(await audit(r, 'client-min-versions', ['--base', 'HEAD', '--no-cache'])).toMatchObject({
    code: 1,
    outcome: 'fail',
  });
});
