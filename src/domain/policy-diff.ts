// What a policy change gives away: the ways a new policy trusts more than the one before it.
import type { Policy } from './policy.js';

const RANK = ['info', 'low', 'medium', 'high', 'critical'];

export function policyWeakenings(before: Policy, after: Policy | undefined): string[] {
  if (!after) return ['deletes the policy'];
  const out: string[] = [];
  if (before.requireSignatures && !after.requireSignatures) out.push('drops require_signatures');
  const names = new Set(before.signers.map((s) => s.name));
  const added = after.signers.filter((s) => !names.has(s.name)).map((s) => s.name);
  if (added.length) out.push(`adds signer ${added.join(', ')}`);
  const newMaintainers = after.maintainers.filter((m) => !before.maintainers.includes(m));
  if (newMaintainers.length) out.push(`adds maintainer ${newMaintainers.join(', ')}`);
  const oldGood = new Set(before.goodlist.map((g) => g.commit));
  const goodlisted = after.goodlist.filter((g) => !oldGood.has(g.commit)).length;
  if (goodlisted) out.push(`goodlists ${goodlisted} commit(s)`);
  const unprotected = before.protected.paths.filter((p) => !after.protected.paths.includes(p));
  if (unprotected.length) out.push(`stops protecting ${unprotected.join(', ')}`);
  if (after.forges.length > before.forges.length) out.push('trusts a new forge key');
  if (before.identity !== after.identity && after.identity !== 'both')
    out.push(`checks identity against the ${after.identity} only`);
  for (const [id, sev] of Object.entries(after.severity)) {
    const was = before.severity[id];
    if (was === undefined ? sev === 'info' || sev === 'low' : RANK.indexOf(sev) < RANK.indexOf(was))
      out.push(`lowers the severity of ${id} to ${sev}`);
  }
  return out;
}
