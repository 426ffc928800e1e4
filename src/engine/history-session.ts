// The walk's contract: what a caller asks of it (the scope, the keys, an earlier run to resume) and
// the session it gets back (engine/history.ts opens it).
import type { Shadow } from '../collect/git.js';
import type { CommitFacts, HistoryFacts } from '../domain/model.js';
import type { Policy } from '../domain/policy.js';
import type { TrustedTag } from '../domain/trust.js';
import type { OidIndex } from '../domain/oid-index.js';
import type { FirstPolicyMemo, TrustRoot } from '../collect/trust-root.js';
import type { TestMerge } from './ci-test-merge.js';
import type { RangeMemo } from '../collect/range-memo.js';

export interface TrustOptions {
  /** OpenPGP key files (armored or binary) to check signatures against when there is no policy. */
  keyrings?: string[];
  /** SSH allowed-signers files, likewise. */
  allowedSigners?: string[];
  /** Commits before this one are out of scope; it is trusted by its own policy. */
  trustRoot?: string;
  /** Revocation files (SSH public keys or fingerprints, one per line): signatures by these keys are void. */
  revokedKeys?: string[];
  /** Use and update the verdict cache in .git/gitguard/ (default true). */
  cache?: boolean;
  env?: NodeJS.ProcessEnv;
  /** The run's clock (ms since the epoch): a committer date after it is no evidence of when a descendant was made. */
  now?: number;
}

export interface HistoryScope {
  all?: boolean;
  /** A revision range as git takes it ("main~10..main", "v1.0..", a single commit). */
  range?: string;
  /** CI: only commits after this revision (base..HEAD, or base..each tip with all). */
  base?: string;
  /** CI: why the --base given was not applied: a forced push of a branch nothing protects took it away (ledger.ts forcedPastBase). */
  baseGone?: string;
  /** Exact revisions (object ids, ^id to exclude), as the pre-push check computes them. */
  revisions?: string[];
  /** With revisions: what the push publishes that is not walked (notes, a stash's WIP), and ^ what the
   *  remote already has of it; the secrets scan reads them beside the revisions. */
  unwalked?: string[];
  /** With revisions: the refs a push writes, by the names they get on the remote (the scan reads the names). */
  refs?: readonly { name: string; oid: string }[];
  /** A CI run's test merge (GitHub pull_request, GitLab merged results): when HEAD is it, its parents are walked instead (ci-test-merge.ts). */
  testMerge?: TestMerge;
  /** Object folders beyond the repository's own (a pushed update in pre-receive quarantine). */
  objectDirs?: string[];
  /** HEAD is accepted history, not what is judged (the server's HEAD in the pre-receive hook): its policy's trust_root holds as given. */
  headAccepted?: boolean;
  /** Asked once the scope is known, before the walk: may leave out what an earlier run judged (engine/incremental.ts). */
  resume?: Resume;
  /**
   * The audit of HEAD or --all: when nothing names the trust root and no tip has a policy folder, the
   * walk starts as if the default root were none and the session's confirmRoot() checks it after the
   * walk (see openHistory), instead of a search of the whole first-parent chain before it.
   */
  speculateRoot?: boolean;
  /** The default root's answers by tip ('' none) that a speculative run of this audit already searched for. */
  rootAnswers?: ReadonlyArray<readonly [tip: string, first: string]>;
}

/** The scope about to be walked, for the resume hook. */
export interface ResumePoint {
  shadow: Shadow;
  history: HistoryFacts;
  /** Tips and exclusions (^ the trust root's parents). */
  revisions: readonly string[];
  trustRoot?: string;
  /** The .gitguard tree id at the tip ('' none); undefined when the walk did not read it (no signature rules). */
  headPolicyTree?: string;
  /** The paths watched for what the tip holds (derived-paths.ts), as a hash ('' none). */
  derivedKey?: string;
}

/** Commits to leave out of the walk (^oid, with their ancestors), and what the walk must assume of them as parents. */
export interface Resumed {
  exclude: string[];
  judged: Array<{ oid: string; policyOk?: boolean; reach?: number }>;
  /** A read of history outside the walk stops at these tips (engine/carried-reach.ts: --base, pre-receive). */
  stops?: boolean;
}

/** An earlier run to resume (engine/incremental.ts). */
export interface Resume {
  /** Before the trust root is resolved: the default root as earlier runs found it, to be filled with this run's answers. */
  rootMemo(history: HistoryFacts): Promise<FirstPolicyMemo | undefined>;
  /** Before the files the CI runs are searched for in the range: an earlier run's answer, to be filled with this run's. */
  rangeMemo(history: HistoryFacts): RangeMemo | undefined;
  /** Once the scope is known, before the walk: what to leave out, if the earlier run may be resumed. */
  at(point: ResumePoint): Promise<Resumed | undefined>;
}

export interface HistorySession {
  revisions: string[];
  description: string;
  /** The policy at the tip (HEAD), when signature checks run and there is one. */
  headPolicy?: Policy;
  trustRoot?: string;
  /** Where the trust root came from (--trust-root, the ledger, the policy, or the default). */
  trustRootInfo?: TrustRoot;
  /** The tips walked, before a resume hook left anything out. */
  tips: string[];
  /** With --all, in a session without trust (the secrets scan's): the commits of notes and a stash the walk leaves
   *  out and a push still publishes (metadata-refs.ts). */
  unwalked?: string[];
  /** The .gitguard tree id at the tip ('' none), when signature checks run. */
  headPolicyTree?: string;
  /** Files of the CI configuration at the tip a partial clone left out (what they run is not watched). */
  ciUnread?: readonly string[];
  /** The most commits of the range read for what the CI ran, where more changed a file it runs. */
  ciRangeCut?: number;
  /** A command of the CI was past the run's YAML budget when the files it runs were looked for. */
  ciCommandsUnread?: true;
  /** Whether a walked (or assumed) commit's policy may judge its children, when signature checks run. */
  passesOn?(oid: string): boolean | undefined;
  /** The signing-time floors (collect/parent-times.ts), for the checkpoint: a walked commit's latest
   *  ancestor date, and its validUntil brought before a floor read so far changes by the clock alone. */
  floors?: { recorded(oid: string): number | undefined; changesAt(limit: number | null): number | null };
  /** After the walk, for a commit it did not judge (HEAD at or before --base): what a parent outside the
   *  walk gets, accepted history whose policy may judge when it descends from the trust root. */
  passesOnOutside?(oid: string): boolean | Promise<boolean>;
  /** The walk's numbering of commit ids (RuleContext.commitIndex), when signature checks run. */
  commitIndex?: OidIndex;
  /** How many commits the walk yields, once git has listed them (the walk has started). */
  total?: number;
  /**
   * After the walk: false when the walk began without a search for the default trust root
   * (HistoryScope.speculateRoot) and there is one after all, so nothing judged may be used and the
   * audit runs again without speculating (with rootAnswers(), so it need not search again). True otherwise.
   */
  confirmRoot(): Promise<boolean>;
  rootAnswers?(): Array<readonly [tip: string, first: string]>;
  commits(): AsyncGenerator<CommitFacts>;
  /** The same commits in arrays, in order: cheaper for consumers that look at every one. */
  batches(): AsyncGenerator<CommitFacts[]>;
  /** Annotated tags under refs/tags, each judged like a commit (tagger as the identity). */
  tags(): Promise<TrustedTag[]>;
  /** One annotated tag object judged as tags() judges each (a pushed tag no ref names yet); undefined: not a tag. */
  judgeTag?(oid: string, ref: string): Promise<TrustedTag | undefined>;
  close(): void;
}
