// The vocabulary shared by every layer: collectors produce Facts, rules turn facts into findings,
// the engine turns results into a verdict, reporters render it.
import type { CommitRecord } from './commit.js';
import type { CommitGraphFacts } from './commit-graph.js';
import type { SecretsFacts, SecurityPolicyFacts } from './content.js';
import type { ForgeFact } from './forge.js';
import type { LedgerFacts } from './ledger.js';
import type { OidIndex } from './oid-index.js';
import type { Policy } from './policy.js';
import type { CommitTrust, TrustedTag } from './trust.js';
import type { VulnDatabase } from '../vulndb/database.js';
import type { HistoryFacts, HooksFacts, RepositoryInfo, ToolVersion } from './repository-facts.js';
// The repository's own facts are part of the vocabulary every layer imports from here.
export type {
  HeadInfo,
  HistoryFacts,
  HookInfo,
  HookManager,
  HooksFacts,
  PackedPeels,
  RefInfo,
  RepositoryInfo,
  ToolVersion,
} from './repository-facts.js';

// The threats and severities are the base of the vocabulary (the policy uses them too).
export { THREATS, SEVERITIES, severityRank, type Threat, type Severity } from './severity.js';
import type { Severity, Threat } from './severity.js';

/** Every situation has an explicit outcome; none of them passes silently. */
export type Outcome = 'pass' | 'fail' | 'warn' | 'not-applicable' | 'not-available' | 'error';

/** A rule's metadata: data in rules/<id>.json, the only home of rule prose. */
export interface RuleMeta {
  id: string;
  threat: Threat;
  severity: Severity;
  title: string;
  description: string;
  remediation: string[];
  references: string[];
}

/** One thing a rule found. Strings here may come from the repository: reporters escape them. */
export interface Finding {
  message: string;
  commit?: string;
  ref?: string;
  /** A file the finding is about (config file, hook, policy), for SARIF locations. */
  file?: string;
  /** Free-form facts: key, value, scope, author, subject... */
  evidence?: Record<string, string | number | boolean | null>;
  /** Where the finding applies, most relevant first (a config file and line, the paths a commit
   *  touches, the policy file), for SARIF. Not part of the finding's identity (fingerprint.ts). */
  locations?: Array<{ file: string; line?: number }>;
  /** How many locations past the kept ones were left out (finding-bounds.ts), when any were. */
  locationsLeftOut?: number;
  /** Set by --baseline: the finding was recorded in the baseline file (kept, counted, not gated).
   *  A rule may set it too (the policy excuses the finding), with `suppressedBy`. */
  suppressed?: boolean;
  /** Who suppressed it when not the baseline, e.g. "policy secrets.allow: revoked fixture". */
  suppressedBy?: string;
}

export interface RuleEvaluation {
  outcome: Outcome;
  findings?: Finding[];
  /** Total number of findings when more were found than are kept. */
  findingCount?: number;
  /** Why the outcome is what it is (e.g. why not available), one line. */
  note?: string;
  /**
   * The severity the findings warrant when it depends on them (a client rule: the highest severity
   * of the CVEs still open), in place of the rule's static one; a policy override still wins.
   */
  severity?: Severity;
  /** What the rule checked and found settled (a CVE the distribution fixed), with the evidence: shown, never gated. */
  resolved?: Finding[];
  /** How many findings are suppressed (by the rule's own policy setting, or by --baseline). */
  suppressedCount?: number;
}

export interface RuleResult extends RuleEvaluation {
  meta: RuleMeta;
  /** Effective severity (policy overrides applied). */
  severity: Severity;
  findings: Finding[];
  findingCount: number;
  /** With --baseline, when every finding was suppressed: the outcome before (the result then passes). */
  baselineOutcome?: Outcome;
}

/** A collector that could not get its facts says so; it never becomes a silent pass. */
export type Available<T> = { ok: true; value: T } | { ok: false; reason: string };

export const available = <T>(value: T): Available<T> => ({ ok: true, value });
export const unavailable = <T>(reason: string): Available<T> => ({ ok: false, reason });

export type ConfigScope = 'system' | 'global' | 'local' | 'worktree' | 'command' | 'unknown';

export interface ConfigEntry {
  /** Lower-cased section and variable, subsection as written: "http.https://x/.sslverify". */
  key: string;
  /** null for a key with no "=" (boolean true). */
  value: string | null;
  scope: ConfigScope;
  /** Where git read it: "file:/home/u/.gitconfig", "command line:", "blob:..."... */
  origin: string;
  /** The 1-based line of that file that sets it, when the file could be read (collect/config-lines.ts). */
  line?: number;
  /** Read from a copy of the .gitconfig Tekton's creds-init wrote for this step, in its throwaway home (collect/creds-init.ts). */
  credsInit?: true;
  /**
   * A value naming a file or folder git opens (http.sslCAInfo, http.sslCAPath, the repository's own
   * include.path and includeIf.*.path): the path it opens, `~/` and a relative path expanded as git
   * does, symbolic links resolved (collect/config.ts, collect/config-includes.ts).
   */
  opens?: string;
  /**
   * Read only once git has set up the repository: from config.worktree or a file an `includeIf
   * "onbranch:..."` took in (collect/config.ts). git looks aliases up before that, without them.
   */
  afterSetup?: true;
  /** A value `%(prefix)/x` as git reads a path (git 2.35+): x under git's own install prefix (collect/config.ts). */
  prefixed?: string;
  /** Read by git only in another worktree of the repository: that worktree's git dir (collect/config.ts). */
  worktreeGitDir?: string;
  /**
   * Read by git only where a condition that does not hold here does (a branch nobody has checked out,
   * another place, another remote): the condition of the `includeIf` whose file holds it, `onbranch:x`
   * (collect/config-includes.ts).
   */
  includeIf?: string;
}

export interface Facts {
  repository: RepositoryInfo;
  config: Available<ConfigEntry[]>;
  /**
   * The repository's own config git reads only in its other worktrees (their config.worktree, what an
   * includeIf takes in only there); collected when a rule needs 'worktree-config'.
   */
  worktreeConfig?: Available<ConfigEntry[]>;
  history: Available<HistoryFacts>;
  hooks: Available<HooksFacts>;
  client: Available<ToolVersion[]>;
  /** The platform the client rules judge versions for. */
  platform: 'linux' | 'windows' | 'macos' | 'other';
  /** What the commit walk covers, for rules that report on scope. */
  scope: { description: string; revisions: string[] };
  /** Judge the repository as a server (receive.* settings, pre-receive hook): `--server`, or a bare repository. */
  server?: boolean;
  /** `--server` was given: a bare mirror clone is then judged as a server too (rules/lib/server.ts). */
  serverRequested?: boolean;
  /**
   * In a GitLab CI job (GITLAB_CI=true): the job's own CI_JOB_TOKEN, valid only while the job runs,
   * which the runner writes into the checkout's remote URL. Compared with, never reported.
   */
  ciJobToken?: string;
  /**
   * In a GitLab CI job: the origins (scheme://host[:port]) of CI_SERVER_URL and CI_REPOSITORY_URL, the
   * server GitLab Runner scopes its job-token credential helper to.
   */
  ciJobServers?: string[];
  /**
   * In a Bitbucket Pipelines step (BITBUCKET_BUILD_NUMBER set): BITBUCKET_GIT_HTTP_ORIGIN, the http://
   * origin URL its clone leaves, which git reaches through the step's authenticating proxy on localhost.
   */
  ciProxiedOrigin?: string;
  /** In a CI job: the forges (CI_RUNNERS' names) whose CI runs it, from the variables they set (domain/ci-systems.ts: runnersOfEnv). */
  ciRunners?: string[];
  /** The audit's proxy environment (http_proxy, no_proxy, GIT_PROXY_COMMAND...: those set), as git would read it. */
  proxyEnv?: Readonly<Record<string, string>>;
  /** When the audit runs (ms since the epoch): the run's one clock, read once; rules never read the wall clock. */
  now: number;
  /** Annotated tags judged like commits (tagger as the identity); collected when a rule needs 'tags'. */
  tags?: Available<TrustedTag[]>;
  /** The trust policy at HEAD (undefined: none); only collected when a rule needs 'policy'. */
  policy?: Available<Policy | undefined>;
  /** Protected refs against the history ledger (.git/gitguard/ledger.json); collected when a rule needs 'ledger'. */
  ledger?: Available<LedgerFacts>;
  /** Credentials in what the commits in scope added; collected when a rule needs 'secrets'. */
  secrets?: Available<SecretsFacts>;
  /** SECURITY.md at HEAD (root, .github/, docs/); collected when a rule needs 'security-policy'. */
  securityPolicy?: Available<SecurityPolicyFacts>;
  /** The commit-graphs git reads, each with git's own verdict on it; collected when a rule needs 'commit-graph'. */
  commitGraph?: Available<CommitGraphFacts>;
  /** The forge's branch and tag protection; only read with `audit --forge` (see collect/forge/). */
  forge?: Available<ForgeFact>;
}

/** 'signatures': per-commit trust facts (policy of the parents, signature verdicts).
 *  'protected-paths': per-commit changes to protected paths and the CI gate, watched in the same walk.
 *  'policy-vetted': only the walk's answer for HEAD's policy (RuleContext.policyVetted); a walk that
 *  cannot be done (a shallow clone) leaves it not vouched for instead of stopping the run. */
export type FactName =
  | 'config'
  | 'worktree-config'
  | 'history'
  | 'hooks'
  | 'client'
  | 'signatures'
  | 'policy-vetted'
  | 'policy'
  | 'protected-paths'
  | 'ledger'
  | 'tags'
  | 'secrets'
  | 'security-policy'
  | 'commit-graph'
  | 'forge';

/** What a per-commit rule sees of each commit: the raw record, plus trust facts when a rule needs
 *  'signatures' (see collect/trust.ts). */
export type CommitFacts = CommitRecord & { trust?: CommitTrust };

export interface RuleContext {
  /** The rule's own metadata (for messages that quote its title). */
  meta: RuleMeta;
  /** Shipped data the rule judges against (vulnerability databases), loaded on first use. */
  data: { vulnerabilities(tool: 'git' | 'gpg' | 'openssh' | 'git-lfs'): VulnDatabase };
  /** How many findings a rule keeps in full; the rest are counted. */
  findingLimit: number;
  /**
   * For repository rules: whether the policy at HEAD is no unvetted change: the walk's answer for HEAD
   * (its change had a maintainer), else whether policy-changes-authorized ran and passed (undefined:
   * neither is known). What that policy allows depends on it.
   */
  policyVetted?: boolean;
  /** Why policyVetted is false when the reason is not policy-changes-authorized's (the history was not walked). */
  policyVettedWhy?: string;
  /** For per-commit rules, once the walk is over: false when the walk found HEAD's policy a change no maintainer made. */
  headPolicyVetted?: () => boolean | undefined;
  /** For per-commit rules: files of the CI configuration at the tip a partial clone left out. */
  ciUnread?: () => readonly string[] | undefined;
  /** For per-commit rules: the most commits of the range read for what the CI ran, where more changed a file it runs. */
  ciRangeCut?: () => number | undefined;
  /** For per-commit rules: a command of the CI was past the run's YAML budget, so what it runs is not watched. */
  ciCommandsUnread?: () => boolean;
  /**
   * For per-commit rules, in a walk that judges trust: the walk's numbering of commit ids, to hang a
   * column of the rule's own on (one index and one insert per commit for the walk, not one per rule).
   * The walk numbers ids the rule has not seen yet: a column must tell "set" from its zero.
   */
  commitIndex?: OidIndex;
}

/** A rule over repository-wide facts. */
export interface RepoRule {
  id: string;
  kind: 'repo';
  needs: FactName[];
  evaluate(facts: Facts, ctx: RuleContext): RuleEvaluation;
}

/** What a per-commit rule carries from one run to the next: plain JSON (counters, kept findings). */
export type VisitorState = Record<string, unknown>;

/** A rule that sees the commit stream one commit at a time. */
export interface CommitVisitor {
  visit(commit: CommitFacts): void;
  /**
   * A commit an earlier run judged, outside this (incremental) walk, that walked commits have as a
   * parent: what a rule comparing a commit with its parents needs to know of it.
   */
  parent?(commit: { oid: string; committerTime: number }): void;
  /** The state after the commits visited so far (taken before finish), for a later run to resume from. */
  save?(): VisitorState;
  finish(): RuleEvaluation;
}

export interface CommitRule {
  id: string;
  kind: 'commits';
  needs: FactName[];
  /** `resume`: the state an earlier run saved after judging the commits this walk leaves out. */
  start(facts: Facts, ctx: RuleContext, resume?: VisitorState): CommitVisitor;
}

export type Rule = RepoRule | CommitRule;
