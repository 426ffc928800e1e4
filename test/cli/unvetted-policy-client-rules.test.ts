// What the policy at HEAD says about clients counts only when that policy's change had a maintainer:
// Mallory, a signer but no maintainer, lowers client.min_versions or switches require_signatures off,
// and a run of that one rule (a gate, a pre-push check) must not pass on her say-so. Twins: Alice's
// same change is hers to make, and a minimum Mallory raises still fails an old client.
import { cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { commitAsPerson, sharedSshKey } from '../helpers/ssh.js';
import { aliceAndBob } from '../helpers/team.js';
import { parseJson, resultOf, runMain } from '../helpers/cli.js';

afterAll(() => cleanupTemp());

const POLICY = (extra: string): string =>
  `version: 1\nsigners:\n  - name: Alice\n    emails: [alice@example.com]\n  - name: Bob\n    emails: [bob@example.com]\nmaintainers: [Alice]\n${extra}`;

function change(who: 'alice' | 'bob', r: TestRepo, extra: string): void {
  commitAsPerson(r, sharedSshKey(who), `${who}@example.com`, 'policy', { '.gitguard/policy.yml': POLICY(extra) });
}

async function audit(r: TestRepo, rule: string): Promise<{ code: number; outcome: string }> {
  const res = await runMain(['audit', '-C', r.dir, '--format', 'json', '--no-cache', '--rule', rule], { env: r.env });
  return { code: res.code, outcome: resultOf(parseJson(res), rule).outcome };
}

describe('client.min_versions', () => {
  const strict = 'client:\n  min_versions:\n    git: "99.0"\n';

  test('the maintainer asks for git 99.0: the installed git fails', async () => {
    const { r } = aliceAndBob({ '.gitguard/policy.yml': POLICY(strict) });
    expect(await audit(r, 'client-min-versions')).toEqual({ code: 1, outcome: 'fail' });
  });

  test.each([
    ['lowered to 1.0', 'client:\n  min_versions:\n    git: "1.0"\n'],
    ['dropped', ''],
  ])('%s by Bob, no maintainer: not vouched for (exit 2), never a pass; by Alice: as she says', async (_, extra) => {
    for (const who of ['bob', 'alice'] as const) {
      const { r } = aliceAndBob({ '.gitguard/policy.yml': POLICY(strict) });
      change(who, r, extra);
      const v = await audit(r, 'client-min-versions');
      if (who === 'bob') expect(v).toEqual({ code: 2, outcome: 'not-available' });
      else expect(v).toEqual({ code: extra ? 0 : 2, outcome: extra ? 'pass' : 'not-applicable' });
    }
  });

  test('twin: a minimum Bob raises still fails the old client', async () => {
    const { r } = aliceAndBob({ '.gitguard/policy.yml': POLICY('') });
    change('bob', r, strict);
    expect(await audit(r, 'client-min-versions')).toEqual({ code: 1, outcome: 'fail' });
  });
});

describe('require_signatures and commit.gpgSign=false', () => {
  test('switched off by Bob: not vouched for (exit 2); by Alice: not applicable', async () => {
    for (const who of ['bob', 'alice'] as const) {
      const { r } = aliceAndBob({ '.gitguard/policy.yml': POLICY('') });
      change(who, r, 'require_signatures: false\n');
      r.config({ 'commit.gpgSign': 'false' });
      expect(await audit(r, 'signing-enabled-when-required')).toEqual(
        who === 'bob' ? { code: 2, outcome: 'not-available' } : { code: 2, outcome: 'not-applicable' },
      );
    }
  });

  test('twin: while the policy requires signatures, commit.gpgSign=false fails, whoever changed the policy last', async () => {
    for (const who of ['bob', 'alice'] as const) {
      const { r } = aliceAndBob({ '.gitguard/policy.yml': POLICY('') });
      change(who, r, 'require_signatures: true\n');
      r.config({ 'commit.gpgSign': 'false' });
      expect(await audit(r, 'signing-enabled-when-required')).toEqual({ code: 1, outcome: 'fail' });
    }
  });
});
