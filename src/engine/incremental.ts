// Incremental re-audit: a run that finds a checkpoint of an earlier complete audit (collect/
// checkpoint.ts) walks only the commits added since, `new ^old`, and resumes every per-commit rule
// from the state that run saved, so an old failure keeps failing and the counts stay whole. It does
// so only when nothing it skips could read differently now (README, "Incremental re-audit"):
//   - the same options (rules, --max-findings, --all, --trust-root, key files' bytes, gitguard's
//     version and rules/*.json), the same trust root and the same .gitguard tree at the tip;
//   - the same replace refs, grafts, shallow boundary and alternates (the environment fingerprint);
//   - no verdict of an old commit changes by the clock alone (validUntil);
//   - every recorded tip is still in the history walked (no force-push, no deleted ref);
//   - every commit outside the new walk that a new commit has as a parent is a recorded tip, whose
//     state (date, whether its policy may judge children) the checkpoint holds, or lies before the
//     trust root (where a full walk stops too);
//   - every current tip is a recorded tip or a new commit (none inside the judged history unrecorded).
// Anything else, or --no-cache, walks everything. Only the history walk and the secrets scan are
// incremental: every other rule is re-checked on every run.
import type { CommitFacts, Facts, HistoryFacts, RuleResult, VisitorState } from '../domain/model.js';
import { MAX_LEAKS, type SecretLeak, type SecretsFacts } from '../domain/content.js';
import { POLICY_DIR } from '../domain/trust.js';
import { objectFiles, objectsChangedSince, type ObjectFiles } from '../collect/object-files.js';
import {
  CHECKPOINT_VERSION,
  repositoryIdentity,
  environmentFingerprint,
  firstPolicyAnswers,
  rootBelowOf,
  readCheckpoint,
  writeCheckpoint,
  type Checkpoint,
  type CheckpointTip,
} from '../collect/checkpoint.js';
import { gitText } from '../collect/git.js';
import {
  clockLimit,
  hashOf,
  optionsKey,
  policyTree,
  vettingFields,
  type IncrementalRequest,
} from './checkpoint-keys.js';
import type { Resume, ResumePoint, Resumed, HistorySession } from './history-session.js';
import type { SecretsResume } from './fact-run.js';
import type { RuleRun } from './run-rules.js';
import type { FirstPolicyMemo } from '../collect/trust-root.js';
import { asRecord, type RangeMemo } from '../collect/range-memo.js';
import { isPartialClone } from '../collect/missing-object.js';
import type { WalkInfo } from '../report/types.js';

export class IncrementalAudit implements Resume, SecretsResume {
  private readonly options: string;
  /** The options that decide a tip's policyOk (vettingFields): what a run without per-commit rules compares. */
  private readonly vetting: string;
  /**
   * No per-commit rule is selected: the walk is only for whether HEAD's policy is vouched for
   * (client-min-versions, signing-enabled-when-required). It may resume any checkpoint whose tips
   * carry that answer, and it writes none (it judged no commit for the per-commit rules).
   */
  private readonly vettingOnly: boolean;
  /** The environment fingerprint, once the history is known. */
  private environment: string | undefined;
  private readonly old: Checkpoint | undefined;
  private reason: string;
  /** Set when the hook resumed the old checkpoint. */
  private resumedFrom: Checkpoint | undefined;
  private readonly startedAt = Date.now();
  private readonly tipTimes = new Map<string, number>();
  private validUntil: number | null = null;
  private tipSet = new Set<string>();
  /** The .gitguard tree id at the tip, as the hook found it. */
  private headTree = '';
  /** The object files before anything was read (a file the checkpoint hashed, hashed again only if written since);
   *  none for a run that neither compares nor writes a checkpoint (vetting only, none to resume). */
  private readonly objectsAtStart: ObjectFiles;

  constructor(private readonly req: IncrementalRequest) {
    this.options = optionsKey(req);
    this.vetting = hashOf(vettingFields(req));
    this.vettingOnly = !req.selected.some((c) => c.rule.kind === 'commits');
    const read = readCheckpoint(req.repository, req.env);
    this.old = 'checkpoint' in read ? read.checkpoint : undefined;
    this.reason = 'none' in read ? read.none : '';
    const files = this.old || !this.vettingOnly;
    this.objectsAtStart = files ? objectFiles(req.repository, this.old?.objects) : { loose: [], packs: [] };
  }

  private environmentOf(history: HistoryFacts): string {
    this.environment ??= environmentFingerprint(this.req.repository, history);
    return this.environment;
  }

  /** The default trust root as the checkpoint found it; trusted only while old objects mean what they meant. */
  private memo: FirstPolicyMemo | undefined;
  /** Why old objects may read otherwise now (collect/object-files.ts), asked once per run. */
  private objectsVerdict: Promise<string | undefined> | undefined;
  private objectsChanged(): Promise<string | undefined> {
    this.objectsVerdict ??= objectsChangedSince(this.req.repository, this.old?.objects, this.objectsAtStart);
    return this.objectsVerdict;
  }

  /** Whether old objects of this repository mean what they meant then, as rootMemo found (rangeMemo asks after it). */
  private asThen = false;
  async rootMemo(history: HistoryFacts): Promise<FirstPolicyMemo> {
    this.asThen =
      this.old?.repository === repositoryIdentity(this.req.repository) &&
      this.old.environment === this.environmentOf(history) &&
      !(await this.objectsChanged());
    this.memo = {
      known: this.asThen ? firstPolicyAnswers(this.old) : [],
      found: new Map(),
      ...(this.asThen ? rootBelowOf(this.old) : {}),
    };
    return this.memo;
  }

  /** The range search's memo (collect/range-memo.ts), salted with the options that change what it reads. */
  private range: RangeMemo | undefined;

  rangeMemo(): RangeMemo | undefined {
    // A partial clone's range commits may miss a file the search reads (read as running nothing): a
    // later run, with it fetched, must search again.
    if (isPartialClone(this.req.repository.commonDir)) return undefined;
    const known = this.asThen ? asRecord(this.old?.rangeSearch) : undefined;
    this.range = { salt: this.vetting, ...(known ? { known } : {}) };
    return this.range;
  }

  /** For openHistory: decides, once the scope is known, whether the walk may resume the checkpoint. */
  async at(at: ResumePoint): Promise<Resumed | undefined> {
    this.environmentOf(at.history);
    this.tipSet = new Set(at.revisions.filter((r) => !r.startsWith('^')));
    const tip = at.history.head.oid ?? [...this.tipSet][0];
    // The files the tip's CI runs and its nested .gitattributes are watched too: a different set is a different walk.
    this.headTree =
      (at.headPolicyTree ?? (tip ? await policyTree(at.shadow, tip) : '')) + (at.derivedKey ? ` ${at.derivedKey}` : '');
    const why = await this.whyNotResume(at);
    if (why !== undefined) {
      this.reason = why;
      return undefined;
    }
    const old = this.old!;
    this.resumedFrom = old;
    this.validUntil = old.validUntil;
    for (const t of old.tips) if (t.time !== undefined) this.tipTimes.set(t.oid, t.time);
    const resumed: Resumed = {
      exclude: old.tips.map((t) => t.oid),
      judged: old.tips.map((t) => ({
        oid: t.oid,
        ...(t.policyOk !== undefined ? { policyOk: t.policyOk } : {}),
        ...(typeof t.reach === 'number' ? { reach: t.reach } : {}),
      })),
    };
    return resumed;
  }

  private async whyNotResume(at: ResumePoint): Promise<string | undefined> {
    const old = this.old;
    if (!old) return this.reason;
    if (old.repository !== repositoryIdentity(this.req.repository))
      return 'the checkpoint was written for another repository';
    if (this.vettingOnly ? old.vetting !== this.vetting : old.options !== this.options)
      return 'the options changed since the checkpoint (rules, --max-findings, --all, --trust-root, key files, or gitguard and its data)';
    // A tip's answer is what the new commits (or HEAD itself) are judged by: a checkpoint without it vouches for nothing.
    if (this.vettingOnly && old.tips.some((t) => t.time !== undefined && t.policyOk === undefined))
      return 'the checkpoint holds no verdict on the policies at its tips';
    const changed = await this.objectsChanged();
    if (changed) return changed;
    if (old.environment !== this.environmentOf(at.history))
      return 'replace refs, grafts, the shallow boundary or alternates changed since the checkpoint';
    if (old.trustRoot !== (at.trustRoot ?? '')) return 'the trust root changed since the checkpoint';
    // The derived paths matter to protected-paths-changed-by-maintainers, not to whether a policy passes on.
    if (
      this.vettingOnly
        ? old.headPolicyTree.split(' ')[0] !== this.headTree.split(' ')[0]
        : old.headPolicyTree !== this.headTree
    )
      return old.headPolicyTree.split(' ')[0] !== this.headTree.split(' ')[0]
        ? `the policy at the tip (${POLICY_DIR}) changed since the checkpoint`
        : 'the files the CI at the tip runs, its nested .gitattributes or the hooks folder (core.hooksPath) changed since the checkpoint';
    if (old.validUntil !== null && Date.now() / 1000 >= old.validUntil)
      return 'a key or signature judged before has expired since, or a future-dated commit came due';
    // Every recorded tip must still be in the history walked: otherwise old results cover commits that are gone.
    const current = at.revisions.filter((r) => !r.startsWith('^'));
    const gone = old.tips.filter((t) => !this.tipSet.has(t.oid)).map((t) => t.oid);
    if (gone.length) {
      const out = await gitText(['rev-list', '--max-count=1', '--stdin'], {
        gitDir: at.shadow.gitDir,
        input: `${[...gone, ...current.map((c) => `^${c}`)].join('\n')}\n`,
        timeoutMs: 300_000,
      }).catch(() => 'error');
      if (out.trim())
        return 'a tip the checkpoint recorded is no longer in the history (a force-push, a deleted or rewound ref)';
    }
    // New commits whose parents the checkpoint has no state for (a branch off an old commit inside the range) are walked in full.
    const stored = new Set(old.tips.filter((t) => t.time !== undefined).map((t) => t.oid));
    const outside = new Set(at.revisions.filter((r) => r.startsWith('^')).map((r) => r.slice(1)));
    const lines = await gitText(['rev-list', '--boundary', '--stdin'], {
      gitDir: at.shadow.gitDir,
      input: `${[...at.revisions, ...old.tips.map((t) => `^${t.oid}`)].join('\n')}\n`,
      timeoutMs: 300_000,
    }).catch(() => undefined);
    if (lines === undefined) return 'the new commits could not be listed';
    const fresh = new Set<string>();
    for (const line of lines.split('\n')) {
      if (!line.startsWith('-')) {
        if (line) fresh.add(line.trim());
        continue;
      }
      const oid = line.slice(1).trim();
      if (!stored.has(oid) && !outside.has(oid))
        return `new commits branch off ${oid.slice(0, 12)}, inside the judged history but not a tip the checkpoint recorded`;
    }
    // A tip now that is neither recorded nor new (HEAD detached at an old commit, a branch made at one)
    // lies inside the judged history: the checkpoint holds no state for it (its date, whether its
    // policy passes on, which HEAD's policy and goodlist are judged by) and the resumed walk never reaches it.
    const recorded = new Set(old.tips.map((t) => t.oid));
    const inside = current.find((c) => !recorded.has(c) && !fresh.has(c));
    if (inside)
      return `${inside.slice(0, 12)} is a tip now, inside the judged history but not a tip the checkpoint recorded`;
    return undefined;
  }

  /** Revisions for the secrets scan, leaving out what the checkpoint's scan covered, and the leaks it found there. */
  secretsRevisions(revisions: string[]): [string[], readonly SecretLeak[]] {
    const old = this.resumedFrom;
    return old?.secrets ? [[...revisions, ...old.tips.map((t) => `^${t.oid}`)], old.secrets.leaks] : [revisions, []];
  }

  /** The new commits' secrets joined to the checkpoint's. */
  mergeSecrets(fresh: SecretsFacts): SecretsFacts {
    const old = this.resumedFrom?.secrets;
    if (!old) return fresh;
    // Notes, a stash and the refs' names are read again on every re-audit (the checkpoint's tips do
    // not reach them): a finding the checkpoint holds is not added twice.
    const key = (l: SecretLeak): string => `${l.commit}\0${l.path}\0${l.kind}\0${l.line}`;
    const had = new Set(old.leaks.map(key));
    const leaks = [...old.leaks, ...fresh.leaks.filter((l) => !had.has(key(l)))];
    return {
      ...fresh,
      commits: old.commits + fresh.commits,
      scanned: old.scanned + fresh.scanned,
      skipped: {
        binary: old.skipped.binary + fresh.skipped.binary,
        oversized: old.skipped.oversized + fresh.skipped.oversized,
        repeated: old.skipped.repeated + fresh.skipped.repeated,
      },
      leaks: leaks.slice(0, MAX_LEAKS),
      more: old.more + fresh.more + Math.max(0, leaks.length - MAX_LEAKS),
    };
  }

  /** For runRules: the saved rule states and the recorded tips as parents, when resuming. */
  runOptions(): {
    resume?: { states: Record<string, VisitorState>; parents: Array<{ oid: string; committerTime: number }> };
    onCommit: (c: CommitFacts) => void;
  } {
    const nowS = this.startedAt / 1000;
    const observe = (c: CommitFacts): void => {
      if (this.tipSet.has(c.oid)) this.tipTimes.set(c.oid, c.committer.time);
      const limit = clockLimit(c, nowS);
      if (limit !== undefined && (this.validUntil === null || limit < this.validUntil)) this.validUntil = limit;
    };
    const old = this.resumedFrom;
    if (!old) return { onCommit: observe };
    const states: Record<string, VisitorState> = {};
    for (const [id, text] of Object.entries(old.rules)) states[id] = JSON.parse(text) as VisitorState;
    const parents = old.tips.flatMap((t) => (t.time !== undefined ? [{ oid: t.oid, committerTime: t.time }] : []));
    return { resume: { states, parents }, onCommit: observe };
  }

  /**
   * After the rules ran: what the report says about the walk, and the checkpoint for the next run,
   * written only when every per-commit rule (and the secrets scan) completed.
   */
  finish(
    run: RuleRun,
    results: readonly RuleResult[],
    session: HistorySession | undefined,
    facts: Facts,
  ): WalkInfo | undefined {
    // The report's walk line is about the per-commit rules; a vetting-only run has none to report or save.
    if (this.vettingOnly) return undefined;
    const old = this.resumedFrom;
    const total = (old?.commits ?? 0) + run.commits;
    const info: WalkInfo = old
      ? {
          incremental: true,
          walked: run.commits,
          fromCheckpoint: old.commits,
          checkpointAt: new Date(old.writtenAt).toISOString(),
        }
      : { incremental: false, walked: run.commits, fromCheckpoint: 0, reason: this.reason || 'no checkpoint yet' };
    const perCommit = new Set(this.req.selected.filter((c) => c.rule.kind === 'commits').map((c) => c.meta.id));
    const complete =
      session &&
      this.tipSet.size > 0 &&
      run.saved &&
      !results.some((r) => perCommit.has(r.meta.id) && r.outcome === 'error') &&
      (!facts.secrets || facts.secrets.ok);
    if (!complete) return info;
    const tips: CheckpointTip[] = [...this.tipSet].map((oid) => {
      const time = this.tipTimes.get(oid);
      const policyOk = session.passesOn?.(oid);
      const reach = session.floors?.recorded(oid);
      return {
        oid,
        ...(time !== undefined ? { time } : {}),
        ...(policyOk !== undefined ? { policyOk } : {}),
        ...(reach !== undefined ? { reach } : {}),
      };
    });
    writeCheckpoint(this.req.repository, this.req.env, {
      version: CHECKPOINT_VERSION,
      writtenAt: this.startedAt,
      repository: repositoryIdentity(this.req.repository),
      options: this.options,
      vetting: this.vetting,
      environment: this.environment ?? '',
      trustRoot: session.trustRoot ?? '',
      ...rootBelow(facts, session.trustRoot, this.tipSet),
      headPolicyTree: this.headTree,
      validUntil: session.floors?.changesAt(this.validUntil) ?? this.validUntil,
      tips,
      commits: total,
      fullWalkAt: old?.fullWalkAt ?? this.startedAt,
      rules: run.saved!,
      objects: this.objectsAtStart,
      firstPolicy: this.memo?.found.size ? [...this.memo.found] : (this.memo?.known ?? []).map(([t, f]) => [t, f]),
      ...(facts.secrets?.ok ? { secrets: facts.secrets.value } : {}),
      ...(this.range?.found ? { rangeSearch: this.range.found } : {}),
    });
    return info;
  }
}

/**
 * The audited tip as Checkpoint.rootBelow, when this run's trust-root-in-history found the walk's trust
 * root its ancestor (a walked tip, so the next resume checks it is still in the history).
 */
function rootBelow(facts: Facts, root: string | undefined, tips: ReadonlySet<string>): { rootBelow?: string } {
  const check = facts.ledger?.ok ? facts.ledger.value.trustRootCheck : undefined;
  return root && check?.ancestor === true && check.oid === root && check.tip && tips.has(check.tip)
    ? { rootBelow: check.tip }
    : {};
}
