// The history ledger in the engine: collect the protected-ref facts for an audit, record the tips
// the history and signature rules passed for, and the `gitguard ledger show|accept` actions.
import type { Available, HistoryFacts, RepositoryInfo, RuleResult, Severity, Threat } from '../domain/model.js';
import { failsRun } from '../domain/verdict.js';
import { ExpectedError, GitError, firstLine } from '../errors.js';
import { createShadow, gitText } from '../collect/git.js';
import type { Policy } from '../domain/policy.js';
import { collectLedgerFacts } from '../collect/protected-refs.js';
import { isAncestor } from '../collect/ancestry.js';
import { defaultProtectedRefs, type LedgerFacts, type LedgerUpdate, type TrustRootCheck } from '../domain/ledger.js';
import { collectPolicyAt } from '../collect/head-policy.js';
import type { ObjectReader } from '../collect/objects.js';
import { ciBranch, unprotectedCiBranch } from './ci-branch.js';
import { defaultBranchTip } from '../collect/default-branch.js';
import { revParse } from './history-range.js';
import { LedgerError, ledgerPath, readLedger, updateLedger, type Ledger } from '../collect/ledger.js';
import { discoverRepository } from '../collect/repository.js';
import { collectHistory } from '../collect/refs.js';
import type { TrustRoot } from '../collect/trust-root.js';
import { shellWord } from '../domain/shell-word.js';

export async function collectLedger(
  repo: RepositoryInfo,
  history: HistoryFacts,
  headPolicy?: Policy,
  base?: string,
  trustRoot?: string | TrustRoot,
  env: NodeJS.ProcessEnv = {},
  baseGone?: string,
  reader?: ObjectReader,
): Promise<LedgerFacts> {
  const baseOid = base
    ? await resolveCommitId(
        repo,
        base,
        '--base',
        repo.shallow ? 'this is a shallow clone: fetch the full history (fetch-depth: 0 / GIT_DEPTH: 0)' : undefined,
      )
    : undefined;
  // A CI push pipeline of a branch nothing protects: --base does not hold it to move forward.
  const unprotected = baseOid ? await baseUnprotected(repo, history, headPolicy, baseOid, env) : baseGone;
  const shadow = createShadow(repo.commonDir, repo.objectFormat);
  try {
    const facts = await collectLedgerFacts(
      repo,
      history,
      shadow,
      headPolicy?.protected.refs,
      baseOid,
      unprotected,
      headPolicy?.protected.floatingTags,
      reader,
    );
    // The root the walk used (resolved once, src/collect/trust-root.ts); without a walk, the flag or the policy's.
    const resolved = typeof trustRoot === 'object' ? trustRoot : undefined;
    const rev = resolved?.rev ?? (trustRoot as string | undefined) ?? headPolicy?.trustRoot;
    if (rev) {
      const check: TrustRootCheck = {
        rev,
        source: resolved?.source ?? (trustRoot ? '--trust-root' : 'policy'),
        ...(history.head.oid ? { tip: history.head.oid } : {}),
      };
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

/**
 * Why --base does not apply to the branch a CI push pipeline builds (ci-branch.ts), or undefined. The
 * protected refs are those of the policy at HEAD and at --base (a push cannot unprotect its own
 * branch) and gitguard's defaults.
 */
async function baseUnprotected(
  repo: RepositoryInfo,
  history: HistoryFacts,
  headPolicy: Policy | undefined,
  baseOid: string,
  env: NodeJS.ProcessEnv,
): Promise<string | undefined> {
  const branch = ciBranch(env, history.head.oid);
  if (!branch) return undefined;
  const basePolicy = await collectPolicyAt(repo, baseOid).catch(() => null);
  if (basePolicy === null) return undefined;
  return unprotectedCiBranch(branch, protectedGlobs(repo, history, [headPolicy, basePolicy]));
}

/** The refs gitguard's defaults and these policies protect. */
function protectedGlobs(repo: RepositoryInfo, history: HistoryFacts, policies: Array<Policy | undefined>): string[] {
  return [
    ...new Set([...defaultProtectedRefs(history, repo.bare), ...policies.flatMap((p) => p?.protected.refs ?? [])]),
  ];
}

/**
 * Why --base is not applied when it names a commit this clone does not have, or undefined (then it is
 * the usual error). A runner fetches what the branches hold now, so a forced push's previous tip
 * (github.event.before, CI_COMMIT_BEFORE_SHA) is not there; in a complete clone that also proves HEAD
 * does not descend from it. That is let go only for a branch nothing protects, as in baseUnprotected,
 * but the policy at --base cannot be read: the protected refs are those of the policy at HEAD and at
 * the default branch's tip (when in the clone), and the defaults.
 */
export async function forcedPastBase(
  repo: RepositoryInfo,
  base: string,
  env: NodeJS.ProcessEnv,
): Promise<string | undefined> {
  const width = repo.objectFormat === 'sha256' ? 64 : 40;
  if (repo.shallow || base.length !== width || !/^[0-9a-f]+$/.test(base) || /^0+$/.test(base)) return undefined;
  const present = await gitText(['cat-file', '-t', base], { gitDir: repo.gitDir, timeoutMs: 30_000 }).then(
    () => true,
    (err: unknown) => {
      if (err instanceof GitError) return false;
      throw err;
    },
  );
  if (present) return undefined;
  const history = await collectHistory(repo);
  const branch = ciBranch(env, history.head.oid);
  if (!branch?.defaultBranch || !history.head.oid) return undefined;
  const defaultTip = defaultBranchTip(history.refs, branch.defaultBranch)?.oid;
  // The policy at HEAD is the push's own: rewound past the commit that protected the branch, it
  // protects nothing. What protects it must come from outside the push too: the default branch's tip.
  if (!defaultTip) {
    if (!unprotectedCiBranch(branch, protectedGlobs(repo, history, []))) return undefined;
    throw new ExpectedError(
      `--base "${base}" is not a commit in ${repo.path}`,
      `a forced push replaced it; whether ${branch.ref} is protected is read from the default branch's policy, which this clone lacks: fetch it first (git fetch origin ${shellWord(branch.defaultBranch)}), or keep that branch protected by the forge`,
    );
  }
  const policies: Array<Policy | undefined> = [];
  for (const tip of [history.head.oid, defaultTip]) {
    const policy = await collectPolicyAt(repo, tip).catch(() => null);
    if (policy === null) return undefined;
    policies.push(policy);
  }
  const why = unprotectedCiBranch(branch, protectedGlobs(repo, history, policies));
  return (
    why &&
    `${base.slice(0, 12)} is not in the clone (a forced push replaced it, so HEAD's whole history is judged; the policy there cannot be read, so the protected refs are those of the policy at HEAD and at the default branch and the defaults) and ${why}`
  );
}

/** Rules that compare the tips with the ledger: recording over one of their failures would accept a rewrite. */
const LEDGER_RULES = ['protected-refs-not-rewritten', 'protected-refs-present', 'tags-not-moved'];
/** The threats whose rules judge the tips themselves (their history and their signatures). */
const JUDGING_THREATS: readonly Threat[] = ['history', 'impersonation'];

/**
 * Why the tips must not be recorded, or undefined when they may be. The client and configuration rules
 * never matter: they do not judge the tips. The ledger rules must have run and not failed at any
 * severity; any other history or signature rule blocks when it fails the run (at or above --fail-on)
 * or could not run.
 */
function ledgerBlocker(
  results: RuleResult[],
  failOn: Severity,
  facts: Available<LedgerFacts> | undefined,
): Pick<LedgerUpdate, 'reason' | 'cause'> | undefined {
  const blocked = (reason: string): Pick<LedgerUpdate, 'reason' | 'cause'> => ({ reason, cause: 'blocked' });
  const ledgerRules = results.filter((r) => LEDGER_RULES.includes(r.meta.id));
  if (ledgerRules.length < LEDGER_RULES.length) {
    return {
      cause: 'selection',
      reason: `the selection did not run the rules that compare the tips with the ledger (${LEDGER_RULES.filter((id) => !ledgerRules.some((r) => r.meta.id === id)).join(', ')}); run without --rule/--threat, or with --threat history,impersonation`,
    };
  }
  if (!facts) return blocked('the ledger facts were not collected');
  if (!facts.ok) return blocked(`the protected refs could not be read: ${facts.reason}`);
  if (facts.value.damaged)
    return blocked(`the ledger ${facts.value.file} is damaged (${facts.value.damaged}): fix or remove it deliberately`);
  const blocking = results.filter(
    (r) =>
      JUDGING_THREATS.includes(r.meta.threat) &&
      (r.outcome === 'error' ||
        (LEDGER_RULES.includes(r.meta.id)
          ? r.outcome === 'fail' || r.outcome === 'not-available'
          : failsRun(r, failOn))),
  );
  if (blocking.length)
    return blocked(
      `${blocking.map((r) => `${r.meta.id} ${r.outcome === 'fail' ? 'failed' : r.outcome === 'error' ? 'errored' : 'could not run'}`).join(', ')}: the tips are recorded once the history and signature rules pass${blocking.some((r) => LEDGER_RULES.includes(r.meta.id)) ? ' (a deliberate rewrite: gitguard ledger accept REF)' : ''}`,
    );
  return undefined;
}

/**
 * The protected branches whose current tip this audit's walk covered: a tip of the walk, or an
 * ancestor of one. Only these are recorded as judged (LedgerEntry.judged); the others' tips are
 * recorded for the rewrite checks alone.
 */
export async function walkedBranches(
  repo: RepositoryInfo,
  facts: Available<LedgerFacts> | undefined,
  tips: readonly string[],
): Promise<Set<string>> {
  const out = new Set<string>();
  const branches = facts?.ok ? facts.value.refs.filter((r) => r.name.startsWith('refs/heads/') && r.current) : [];
  if (!branches.length || !tips.length) return out;
  const shadow = createShadow(repo.commonDir, repo.objectFormat);
  try {
    for (const b of branches) {
      if (tips.includes(b.current!)) out.add(b.name);
      else
        for (const t of tips)
          if ((await isAncestor(shadow, b.current!, t).catch(() => undefined)) === true) {
            out.add(b.name);
            break;
          }
    }
  } finally {
    shadow.dispose();
  }
  return out;
}

/**
 * Record every protected ref's current tip and the trust root, unless `ledgerBlocker` names a reason.
 * `walked`: the branches whose tip the walk covered (walkedBranches), recorded as judged.
 * A ledger that cannot be written is reported, not fatal: the audit's verdict stands.
 */
export function recordJudgedTips(
  repo: RepositoryInfo,
  facts: Available<LedgerFacts> | undefined,
  results: RuleResult[],
  failOn: Severity,
  trustRoot?: string,
  walked?: ReadonlySet<string>,
): LedgerUpdate {
  const blocker = ledgerBlocker(results, failOn, facts);
  const file = facts?.ok ? facts.value.file : ledgerPath(repo.commonDir);
  if (blocker || !facts?.ok)
    return {
      updated: false,
      ...(blocker ?? { reason: 'the ledger facts were not collected', cause: 'blocked' }),
      file,
    };
  // No tip to record (an empty repository) and no ledger yet: nothing is written, not even an empty file.
  if (facts.value.fresh && !facts.value.refs.some((r) => r.current))
    return { updated: false, reason: 'no protected ref has a tip yet', cause: 'nothing-audited', file };
  const now = new Date().toISOString();
  try {
    const kept: string[] = [];
    const next = updateLedger(repo.commonDir, (l) => {
      const refs = { ...l.refs };
      for (const r of facts.value.refs) {
        if (!r.current) continue;
        const was = refs[r.name];
        // Another run (or `ledger accept`) recorded this ref after this one read the ledger: this run
        // compared the tip with the older record only, and writing it would take the newer one back
        // (a tip the other run recorded, then rewritten away, would no longer count). Leave it.
        if (was?.oid !== r.recorded && was?.oid !== r.current) {
          kept.push(r.name);
          continue;
        }
        const judged = walked?.has(r.name) ? r.current : was?.judged;
        refs[r.name] = {
          oid: r.current,
          recordedAt: was?.oid === r.current ? was.recordedAt : now,
          ...(judged ? { judged } : {}),
        };
      }
      const root = trustRoot ?? l.trustRoot;
      return { schemaVersion: 1, ...(root ? { trustRoot: root } : {}), refs, accepted: l.accepted };
    });
    return { updated: true, file, refs: Object.keys(next.refs).length, ...(kept.length ? { kept } : {}) };
  } catch (err) {
    if (!(err instanceof ExpectedError) && !(err as NodeJS.ErrnoException).code) throw err;
    return {
      updated: false,
      reason: `cannot write it: ${firstLine((err as Error).message)}`,
      cause: 'unwritable',
      file,
    };
  }
}

export async function showLedger(path: string): Promise<{ file: string; ledger?: Ledger }> {
  const repo = await discoverRepository(path);
  const ledger = withLedgerHint(() => readLedger(repo.commonDir));
  return { file: ledgerPath(repo.commonDir), ...(ledger ? { ledger } : {}) };
}

/** Records the current tip of REF as accepted (a deliberate rewrite); a ref that is gone is dropped from the ledger. */
export async function acceptRef(
  path: string,
  ref: string,
  reason: string,
): Promise<{ file: string; from?: string; to?: string }> {
  if (!ref.startsWith('refs/') || /\s|\.\.|[\x00-\x1f\x7f]/.test(ref))
    throw new ExpectedError(
      `"${ref}" is not a full ref name`,
      'name it in full, e.g. gitguard ledger accept refs/heads/main',
    );
  const repo = await discoverRepository(path);
  const history = await collectHistory(repo);
  const current = history.refs.find((r) => r.name === ref)?.oid;
  let from: string | undefined;
  withLedgerHint(() =>
    updateLedger(repo.commonDir, (l) => {
      from = l.refs[ref]?.oid;
      if (!current && !from)
        throw new ExpectedError(
          `${ref} neither exists nor is recorded in the ledger`,
          'list the recorded refs with: gitguard ledger show',
        );
      const refs = { ...l.refs };
      // An accepted tip was not judged: the branch's judged tip stays the one a walk covered.
      const judged = l.refs[ref]?.judged;
      if (current) refs[ref] = { oid: current, recordedAt: new Date().toISOString(), ...(judged ? { judged } : {}) };
      else delete refs[ref];
      const entry = {
        ref,
        ...(from ? { from } : {}),
        ...(current ? { to: current } : {}),
        reason,
        at: new Date().toISOString(),
      };
      return { ...l, refs, accepted: [...l.accepted, entry] };
    }),
  );
  return { file: ledgerPath(repo.commonDir), ...(from ? { from } : {}), ...(current ? { to: current } : {}) };
}

/** The ledger file's own errors (damaged, locked, unreadable) with the next step they lack. */
function withLedgerHint<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof LedgerError && !err.hint) {
      const hint = /locked/.test(err.message)
        ? 'wait for the other gitguard run to finish'
        : 'look at the file, then fix it or move it away deliberately (gitguard never resets it)';
      throw new ExpectedError(err.message, hint);
    }
    throw err;
  }
}

/** Resolves a revision to a commit id in the audited repository (plumbing only). */
export async function resolveCommitId(
  repo: RepositoryInfo,
  rev: string,
  what: string,
  hint = 'give a commit id, branch or tag that exists in the repository (git log --oneline shows them)',
): Promise<string> {
  if (rev.startsWith('-')) throw new ExpectedError(`${what} "${rev}" is not a revision`, hint);
  try {
    return await revParse(repo, ['--verify', '--end-of-options', `${rev}^{commit}`], `${what} "${rev}"`);
  } catch (err) {
    if (err instanceof GitError) throw new ExpectedError(`${what} "${rev}" is not a commit in ${repo.path}`, hint);
    throw err;
  }
}
