// The history ledger in the engine: collect the protected-ref facts for an audit, record the tips
// after a passing one, and the `gitguard ledger show|accept` actions.
import type { HistoryFacts, RepositoryInfo, RuleResult } from '../model.js';
import { ExpectedError, GitError } from '../errors.js';
import { createShadow, gitText } from '../collect/git.js';
import type { Policy } from '../collect/policy.js';
import { collectLedgerFacts, isAncestor, type LedgerFacts, type TrustRootCheck } from '../collect/protected-refs.js';
import { ledgerPath, readLedger, updateLedger, type Ledger } from '../collect/ledger.js';
import { discoverRepository } from '../collect/repository.js';
import { collectHistory } from '../collect/refs.js';
import type { TrustRoot } from '../collect/trust-root.js';

export async function collectLedger(repo: RepositoryInfo, history: HistoryFacts, headPolicy?: Policy, base?: string, trustRoot?: string | TrustRoot): Promise<LedgerFacts> {
  const baseOid = base ? await resolveCommitId(repo, base, '--base', repo.shallow ? 'this is a shallow clone: fetch the full history (fetch-depth: 0 / GIT_DEPTH: 0)' : undefined) : undefined;
  const shadow = createShadow(repo.commonDir, repo.objectFormat);
  try {
    const facts = await collectLedgerFacts(repo, history, shadow, headPolicy?.protected.refs, baseOid);
    // The root the walk used (resolved once, src/collect/trust-root.ts); without a walk, the flag or the policy's.
    const resolved = typeof trustRoot === 'object' ? trustRoot : undefined;
    const rev = resolved?.rev ?? (trustRoot as string | undefined) ?? headPolicy?.trustRoot;
    if (rev) {
      const check: TrustRootCheck = { rev, source: resolved?.source ?? (trustRoot ? '--trust-root' : 'policy'), ...(history.head.oid ? { tip: history.head.oid } : {}) };
      try {
        check.oid = resolved?.oid ?? (await resolveCommitId(repo, rev, 'trust root'));
      } catch (err) {
        if (!(err instanceof ExpectedError)) throw err;
      }
      if (check.oid && check.tip) {
        const anc = await isAncestor(shadow, check.oid, check.tip);
        if (anc !== undefined) check.ancestor = anc;
      }
      facts.trustRootCheck = check;
    }
    return facts;
  } finally {
    shadow.dispose();
  }
}

/** Rules whose outcome must be clean before the ledger records the current tips. */
const LEDGER_RULES = ['protected-refs-not-rewritten', 'protected-refs-present', 'tags-not-moved'];

/**
 * After a passing audit (exit code 0), record every protected ref's current tip and the trust root.
 * Only when the ledger rules themselves ran and none failed: a run of other rules never moves the
 * ledger. Returns whether the ledger was written.
 */
export function recordPassingAudit(repo: RepositoryInfo, facts: LedgerFacts, results: RuleResult[], trustRoot?: string): boolean {
  const ran = results.filter((r) => LEDGER_RULES.includes(r.meta.id));
  if (!ran.length || ran.some((r) => r.outcome === 'fail' || r.outcome === 'error' || r.outcome === 'not-available') || facts.damaged) return false;
  const now = new Date().toISOString();
  updateLedger(repo.commonDir, (l) => {
    const refs = { ...l.refs };
    for (const r of facts.refs) {
      if (r.current) refs[r.name] = refs[r.name]?.oid === r.current ? refs[r.name]! : { oid: r.current, recordedAt: now };
    }
    const root = trustRoot ?? l.trustRoot;
    return { schemaVersion: 1, ...(root ? { trustRoot: root } : {}), refs, accepted: l.accepted };
  });
  return true;
}

export async function showLedger(path: string): Promise<{ file: string; ledger?: Ledger }> {
  const repo = await discoverRepository(path);
  const ledger = readLedger(repo.commonDir);
  return { file: ledgerPath(repo.commonDir), ...(ledger ? { ledger } : {}) };
}

/** Records the current tip of REF as accepted (a deliberate rewrite); a ref that is gone is dropped from the ledger. */
export async function acceptRef(path: string, ref: string, reason: string): Promise<{ file: string; from?: string; to?: string }> {
  if (!ref.startsWith('refs/') || /\s|\.\.|[\x00-\x1f\x7f]/.test(ref)) throw new ExpectedError(`"${ref}" is not a full ref name (e.g. refs/heads/main)`);
  const repo = await discoverRepository(path);
  const history = await collectHistory(repo);
  const current = history.refs.find((r) => r.name === ref)?.oid;
  let from: string | undefined;
  updateLedger(repo.commonDir, (l) => {
    from = l.refs[ref]?.oid;
    if (!current && !from) throw new ExpectedError(`${ref} neither exists nor is recorded in the ledger`);
    const refs = { ...l.refs };
    if (current) refs[ref] = { oid: current, recordedAt: new Date().toISOString() };
    else delete refs[ref];
    const entry = { ref, ...(from ? { from } : {}), ...(current ? { to: current } : {}), reason, at: new Date().toISOString() };
    return { ...l, refs, accepted: [...l.accepted, entry] };
  });
  return { file: ledgerPath(repo.commonDir), ...(from ? { from } : {}), ...(current ? { to: current } : {}) };
}

/** Resolves a revision to a commit id in the audited repository (plumbing only). */
export async function resolveCommitId(repo: RepositoryInfo, rev: string, what: string, hint?: string): Promise<string> {
  if (rev.startsWith('-')) throw new ExpectedError(`${what} "${rev}" is not a revision`);
  try {
    return await gitText(['rev-parse', '--verify', '--end-of-options', `${rev}^{commit}`], { gitDir: repo.gitDir, timeoutMs: 30_000 });
  } catch (err) {
    if (err instanceof GitError) throw new ExpectedError(`${what} "${rev}" is not a commit in ${repo.path}`, hint);
    throw err;
  }
}
