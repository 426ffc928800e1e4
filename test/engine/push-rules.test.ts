// What a push is judged by (src/engine/push-rules.ts): the same per-commit rules for the pre-push hook
// and the server hook, and the next step printed for each.
import { nextStep, pushRules } from '../../src/engine/push-rules.js';
import { listRules } from '../../src/engine/catalog.js';

const meta = (id: string) => listRules().find((c) => c.meta.id === id)!.meta;

describe('push rules', () => {
  test('every per-commit impersonation rule, the per-commit rules on protected paths and the CI gate, and the secrets scan', async () => {
    expect((await pushRules()).map((c) => c.meta.id).sort()).toEqual([
      'ci-gate-kept',
      'commits-signed',
      'mergetags-valid',
      'policy-changes-authorized',
      'protected-paths-changed-by-maintainers',
      'secrets-not-in-history',
      'signature-algorithms-strong',
      'signatures-valid',
      'signer-matches-committer',
      'signers-authorized',
      'signers-not-retired',
      'signing-keys-valid',
    ]);
    // A push of deletions alone publishes nothing to scan.
    expect((await pushRules(undefined, false)).map((c) => c.meta.id)).not.toContain('secrets-not-in-history');
  });

  test("the next step: re-sign a signature problem, a maintainer of the judging policy signs a protected change, else the rule's own remediation", () => {
    expect(nextStep(meta('commits-signed'))).toMatch(
      /^re-sign the commits before pushing: git commit --amend --no-edit -S/,
    );
    expect(nextStep(meta('policy-changes-authorized'), '.gitguard at 0123456789ab')).toBe(
      'a maintainer of .gitguard at 0123456789ab must sign it: git commit --amend --no-edit -S with their key',
    );
    expect(nextStep(meta('signers-authorized'))).toBe(meta('signers-authorized').remediation[0]);
    expect(nextStep(meta('secrets-not-in-history'))).toMatch(/^take the credential out of the commits before pushing/);
  });
});
