// The one rule runner, shared by `audit` and `hook run pre-push`: per-commit rules see the commits of
// one walk, repository rules see the facts, and the policy at HEAD (read once per run) may raise or
// lower any selected rule's severity, whichever other rules run. The server hook runs it too, over the
// pushed commits (src/engine/prereceive.ts).
import { firstLine } from '../errors.js';
import { MissingObjectError } from '../collect/missing-object.js';
import type {
  CommitFacts,
  CommitVisitor,
  Facts,
  RuleContext,
  RuleEvaluation,
  RuleResult,
  VisitorState,
} from '../domain/model.js';
import type { Policy } from '../domain/policy.js';
import { effectiveSeverity } from '../domain/verdict.js';
import { severityRank } from '../domain/severity.js';
import { boundFinding, boundNote } from '../domain/finding-bounds.js';

/** The rule that says whether the policy at HEAD came in with a maintainer's signature. */
const POLICY_GUARD = 'policy-changes-authorized';
import type { CatalogEntry } from './catalog.js';
import type { HistorySession } from './history-session.js';
import { vulnerabilityDatabase } from './rule-data.js';

export interface RuleRun {
  results: RuleResult[];
  /** Commits walked. */
  commits: number;
  /** Each per-commit rule's state after the walk (JSON), when every one of them could save it. */
  saved?: Record<string, string>;
  /** Whether the walk over the commits in scope ran to its end (false: not wanted, or, wanted only for
   *  the answer on HEAD's policy, stopped at a tree a partial clone left out). */
  walked: boolean;
}

export interface RunOptions {
  /** The walk over the commits in scope (facts.scope.revisions); the caller closes it. */
  session?: HistorySession;
  /** The policy at HEAD: its `severity:` overrides apply to every selected rule. */
  policy?: Policy;
  findingLimit: number;
  /** Called every 1000 commits, with the walk's size once it is known. */
  onProgress?: (commits: number, total?: number) => void;
  /** Facts still being collected beside the walk (the secrets scan): the repository rules wait for them. */
  factsReady?: Promise<void>;
  /** Called once the walk is over or will not be done, before factsReady is awaited (a scan may wait for it). */
  walkOver?: () => void;
  /** An incremental walk (engine/incremental.ts): the rules' saved states from the run it resumes, and
   *  the commits outside the walk that walked commits have as parents. */
  resume?: { states: Record<string, VisitorState>; parents: Array<{ oid: string; committerTime: number }> };
  /** Sees each commit after the rules did (the server hook notes which policy judged it). */
  onCommit?: (commit: CommitFacts) => void;
}

function safely(ruleId: string, fn: () => RuleEvaluation): RuleEvaluation {
  try {
    return fn();
  } catch (err) {
    return { outcome: 'error', note: `rule ${ruleId} failed: ${firstLine((err as Error).message)}` };
  }
}

/** Every commit of the session, in batches, to `visit`; returns how many there were. */
async function walkCommits(
  session: HistorySession,
  visit: (commit: CommitFacts) => void | Promise<void>,
  onProgress?: (commits: number, total?: number) => void,
): Promise<number> {
  let count = 0;
  for await (const batch of session.batches()) {
    for (const commit of batch) {
      count += 1;
      // Awaited only when a visitor returns a promise: an await per commit is a microtask per commit.
      const pending = visit(commit);
      if (pending) await pending;
      if (onProgress && count % 1000 === 0) onProgress(count, session.total);
    }
  }
  return count;
}

const NOT_WALKED =
  'the policy at HEAD could not be vouched for: the history that would vouch for it could not be walked (in a shallow clone, fetch the full history: fetch-depth: 0, GIT_DEPTH: 0 or git fetch --unshallow; in a partial clone, git fetch --refetch origin; or name the root with --trust-root)';

const NOT_ROOTED =
  'the policy at HEAD could not be vouched for: HEAD does not descend from the trust root (audit from a --trust-root in its history)';

export async function runRules(selected: readonly CatalogEntry[], facts: Facts, opts: RunOptions): Promise<RuleRun> {
  // Whether the policy at HEAD passes on, as the walk found (a change no maintainer made: false).
  const head = facts.history?.ok && opts.session?.headPolicy ? facts.history.value.head.oid : undefined;
  const headPolicyVetted = (): boolean | undefined => (head ? opts.session?.passesOn?.(head) : undefined);
  const ctxFor = (c: CatalogEntry): RuleContext => ({
    meta: c.meta,
    findingLimit: opts.findingLimit,
    data: { vulnerabilities: vulnerabilityDatabase },
    headPolicyVetted,
    ciUnread: () => opts.session?.ciUnread,
    ciRangeCut: () => opts.session?.ciRangeCut,
    ciCommandsUnread: () => opts.session?.ciCommandsUnread === true,
    ...(opts.session?.commitIndex ? { commitIndex: opts.session.commitIndex } : {}),
  });
  const evaluations = new Map<string, RuleEvaluation>();
  const visitors: Array<[CatalogEntry, CommitVisitor]> = [];
  for (const c of selected) {
    if (c.rule.kind === 'commits') {
      const rule = c.rule;
      const ev = safely(c.meta.id, () => {
        const v = rule.start(facts, ctxFor(c), opts.resume?.states[c.meta.id]);
        for (const p of opts.resume?.parents ?? []) v.parent?.(p);
        visitors.push([c, v]);
        return { outcome: 'pass' };
      });
      if (ev.outcome === 'error') evaluations.set(c.meta.id, ev);
    }
  }
  let commits = 0;
  // A repository rule that needs 'signatures' reads the walk's answer for HEAD's policy: walked for it too.
  const walkWanted =
    visitors.length > 0 ||
    (!!head &&
      selected.some(
        (c) =>
          c.rule.kind === 'repo' && (c.rule.needs.includes('signatures') || c.rule.needs.includes('policy-vetted')),
      ));
  // Walked only for the answer on HEAD's policy (client-min-versions): a tree a partial clone left out
  // (--filter=tree:0) leaves that answer unknown, as a shallow clone's boundary does (fact-collectors.ts).
  const vettingOnly =
    visitors.length === 0 && !selected.some((c) => c.rule.kind === 'repo' && c.rule.needs.includes('signatures'));
  let walkStopped = false;
  let walkDone = false;
  if (opts.session && walkWanted && facts.scope.revisions.length) {
    try {
      commits = await walkCommits(
        opts.session,
        (commit) => {
          for (const [, v] of visitors) v.visit(commit);
          opts.onCommit?.(commit);
        },
        opts.onProgress,
      );
      walkDone = true;
    } catch (err) {
      if (!vettingOnly || !(err instanceof MissingObjectError)) throw err;
      walkStopped = true;
    }
  }
  opts.walkOver?.();
  // What a later run resumes from: taken after the walk, before finish() adds what is judged afresh.
  let saved: Record<string, string> | undefined = {};
  for (const [c, v] of visitors) {
    const state = v.save?.();
    if (state && saved) saved[c.meta.id] = JSON.stringify(state);
    else saved = undefined;
  }
  for (const [c, v] of visitors)
    evaluations.set(
      c.meta.id,
      safely(c.meta.id, () => v.finish()),
    );
  await opts.factsReady;
  const guard = evaluations.get(POLICY_GUARD)?.outcome;
  // HEAD the walk did not judge is what a parent outside the walk is: accepted history (at or before
  // --base) when it descends from the trust root, else (a --trust-root past HEAD) not vouched for.
  const judged = walkStopped ? undefined : headPolicyVetted();
  const outside =
    !walkStopped && judged === undefined && head ? await opts.session?.passesOnOutside?.(head) : undefined;
  const walked = judged ?? outside;
  const answered =
    walked === false || guard === 'fail'
      ? false
      : guard === undefined || guard === 'error'
        ? walked
        : guard === 'pass' || guard === 'not-applicable';
  // A policy at HEAD that no walk vouched for (the history could not be walked: the walk collector's
  // vettingOnly) is not vouched for: what it relaxes passes nothing.
  const unwalked =
    answered === undefined &&
    (!opts.session || walkStopped) &&
    facts.policy?.ok === true &&
    !!facts.policy.value &&
    selected.some((c) => c.rule.needs.includes('policy-vetted'));
  const policyVetted = unwalked ? false : answered;
  for (const c of selected) {
    if (c.rule.kind === 'repo') {
      const rule = c.rule;
      evaluations.set(
        c.meta.id,
        safely(c.meta.id, () =>
          rule.evaluate(facts, {
            ...ctxFor(c),
            ...(policyVetted !== undefined ? { policyVetted } : {}),
            ...(unwalked ? { policyVettedWhy: NOT_WALKED } : outside === false ? { policyVettedWhy: NOT_ROOTED } : {}),
          }),
        ),
      );
    }
  }
  const overrides = opts.policy?.severity ?? {};
  // When a policy change in scope lacks a maintainer, the policy at HEAD may be that change: what it
  // lowers stays as the rule says, or the change could hide itself (and what it goodlists) by
  // lowering policy-changes-authorized and the signature rules below --fail-on. Raising still counts.
  const unvetted = policyVetted === false;
  const results = selected.map((c): RuleResult => {
    const ev = evaluations.get(c.meta.id) ?? { outcome: 'error', note: 'rule produced no result' };
    const findings = (ev.findings ?? []).map(boundFinding);
    const own = ev.severity ?? c.meta.severity;
    const wanted = effectiveSeverity(c.meta, ev, overrides);
    const refused = unvetted && severityRank(wanted) < severityRank(own);
    const note = refused
      ? `${ev.note ? `${ev.note}; ` : ''}the policy at HEAD lowers this rule to ${wanted}, not applied while that policy is an unauthorized change (${POLICY_GUARD})`
      : ev.note;
    return {
      ...ev,
      ...(note !== undefined ? { note: boundNote(note) } : {}),
      ...(ev.resolved ? { resolved: ev.resolved.map(boundFinding) } : {}),
      meta: c.meta,
      severity: refused ? own : wanted,
      findings,
      findingCount: ev.findingCount ?? findings.length,
    };
  });
  return { results, commits, walked: walkDone, ...(saved ? { saved } : {}) };
}
