// What a push is judged by, shared by `hook run pre-push` (the client's early warning) and the server's
// pre-receive hook: the per-commit rules that decide whether each pushed commit is authorized by the
// trust policy (its signature, its changes to .gitguard/ and to protected paths), run by the one rule
// runner over the facts of the one facts module, with the next step to print for each.
import type { Need } from './fact-collectors.js';
import { listRules, loadRules, type CatalogEntry, type RuleListing } from './catalog.js';

/** Rule needs the hooks do not collect: they judge the pushed commits, not the repository's tags. */
export const PUSH_OMITS: readonly Need[] = ['tags'];

/** Chosen by the registry's data; only these rules' modules are loaded. */
export function pushRules(catalog: readonly RuleListing[] = listRules()): Promise<CatalogEntry[]> {
  return loadRules(
    catalog.filter(
      (c) =>
        c.entry.kind === 'commits' && (c.meta.threat === 'impersonation' || c.entry.needs.includes('protected-paths')),
    ),
  );
}

/** Re-signing fixes an unsigned or badly signed commit; a change only maintainers may make needs one of them. */
const RESIGN =
  're-sign the commits before pushing: git commit --amend --no-edit -S (the last one), or git rebase --exec "git commit --amend --no-edit -S" <upstream> (each one)';
const MAINTAINER = (policy: string): string =>
  `a maintainer of ${policy} must sign it: git commit --amend --no-edit -S with their key`;
const NEXT_STEP: Readonly<Record<string, 'resign' | 'maintainer'>> = {
  'commits-signed': 'resign',
  'signatures-valid': 'resign',
  'signing-keys-valid': 'resign',
  'policy-changes-authorized': 'maintainer',
  'protected-paths-changed-by-maintainers': 'maintainer',
  'ci-gate-kept': 'maintainer',
};

/** The next step for a commit a rule refused (`policy`: the policy that judged it, as messages name it). */
export function nextStep(rule: CatalogEntry['meta'], policy = 'the trust policy'): string | undefined {
  const kind = NEXT_STEP[rule.id];
  return kind === 'resign' ? RESIGN : kind === 'maintainer' ? MAINTAINER(policy) : rule.remediation[0];
}
