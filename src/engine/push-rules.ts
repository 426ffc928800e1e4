// What a push is judged by, shared by `hook run pre-push` (the client's early warning) and the server's
// pre-receive hook: the per-commit rules that decide whether each pushed commit is authorized by the
// trust policy (its signature, its changes to .gitguard/ and to protected paths), and the secrets scan
// over what the push publishes (the pushed commits, annotated tags and notes: a credential is stopped
// before it is public), run by the one rule runner over the facts of the one facts module, with the
// next step to print for each.
import type { Finding, RuleResult } from '../domain/model.js';
import type { Need } from './fact-run.js';
import { listRules, loadRules, type CatalogEntry, type RuleListing } from './catalog.js';

/** Rule needs the hooks do not collect: they judge the pushed commits, not the repository's tags. */
export const PUSH_OMITS: readonly Need[] = ['tags'];

/** Chosen by the registry's data; only these rules' modules are loaded. A push that publishes nothing
 *  (deletions alone) is not scanned for secrets. */
export function pushRules(catalog: readonly RuleListing[] = listRules(), publishes = true): Promise<CatalogEntry[]> {
  return loadRules(
    catalog.filter(
      (c) =>
        (c.entry.kind === 'commits' &&
          (c.meta.threat === 'impersonation' || c.entry.needs.includes('protected-paths'))) ||
        (publishes && c.entry.needs.includes('secrets')),
    ),
  );
}

/** The push rule whose findings are about what the push publishes, not a commit's signature or policy. */
export const isSecretsRule = (rule: CatalogEntry['meta']): boolean => NEXT_STEP[rule.id] === 'secret';

/** Re-signing fixes an unsigned or badly signed commit; a change only maintainers may make needs one of them. */
const RESIGN =
  're-sign the commits before pushing: git commit --amend --no-edit -S (the last one), or git rebase --exec "git commit --amend --no-edit -S" <upstream> (each one)';
const MAINTAINER = (policy: string): string =>
  `a maintainer of ${policy} must sign it: git commit --amend --no-edit -S with their key`;
/** A credential not yet published is taken out of what is pushed; one meant to be there is excused. */
const SECRET =
  'take the credential out of the commits before pushing (git commit --amend for the last one, git rebase -i <upstream> for an earlier one; git tag -f for a tag message, git notes edit for a note, another name for a ref) and revoke it if it was ever shared; a fixture or a revoked token: excuse it in .gitguard/policy.yml under secrets.allow';
const NEXT_STEP: Readonly<Record<string, 'resign' | 'maintainer' | 'secret'>> = {
  'commits-signed': 'resign',
  'signatures-valid': 'resign',
  'signing-keys-valid': 'resign',
  'policy-changes-authorized': 'maintainer',
  'protected-paths-changed-by-maintainers': 'maintainer',
  'ci-gate-kept': 'maintainer',
  'secrets-not-in-history': 'secret',
};

/** The next step for a commit a rule refused (`policy`: the policy that judged it, as messages name it). */
export function nextStep(rule: CatalogEntry['meta'], policy = 'the trust policy'): string | undefined {
  const kind = NEXT_STEP[rule.id];
  return kind === 'resign'
    ? RESIGN
    : kind === 'maintainer'
      ? MAINTAINER(policy)
      : kind === 'secret'
        ? SECRET
        : rule.remediation[0];
}

/** What a failed rule shows a pusher: the findings that fail it (not those excused) and how many more. */
export function failingFindings(r: RuleResult, shown: number): { findings: Finding[]; more: number } {
  const findings = r.findings.filter((f) => !f.suppressed).slice(0, shown);
  return { findings, more: r.findingCount - (r.suppressedCount ?? 0) - findings.length };
}
