// The collectors' contract: what a run collects facts for, every fact a collector produces by name,
// and what a collector sees of the run. The registry (fact-collectors.ts) and the store that runs it
// (facts.ts) both build on these types; keeping them apart keeps the registry to its entries.
import type {
  Available,
  ConfigEntry,
  FactName,
  Facts,
  HistoryFacts,
  HooksFacts,
  RepositoryInfo,
  ToolVersion,
} from '../domain/model.js';
import type { Policy } from '../domain/policy.js';
import type { TrustedTag } from '../domain/trust.js';
import type { LedgerFacts } from '../domain/ledger.js';
import type { SecretLeak, SecretsFacts, SecurityPolicyFacts } from '../domain/content.js';
import type { ForgeFact } from '../domain/forge.js';
import type { CommitGraphFacts } from '../domain/commit-graph.js';
import type { ForgeRequest } from '../collect/forge/target.js';
import type { HistoryScope, HistorySession, TrustOptions } from './history-session.js';
import type { ObjectReader } from '../collect/objects.js';

/** What a run collects facts for: the repository, and the scope and options of the command. */
export interface FactRequest {
  repository: RepositoryInfo;
  /** The environment whose user/system config is audited. */
  env: NodeJS.ProcessEnv;
  /** The commits in scope (HEAD by default; --all, --base, exact revisions, quarantined objects). */
  scope: Omit<HistoryScope, 'range'>;
  /** Keys, trust root and cache for the signature walk. */
  trust?: TrustOptions;
  /** secrets-not-in-history: also run the generic high-entropy detector (policy: secrets.entropy). */
  secretsEntropy?: boolean;
  /** audit --forge: read the forge's protection (the only network access gitguard makes). */
  forge?: ForgeRequest;
  /** Judge the repository as a server (receive.* settings, pre-receive hook) even when it is not bare. */
  server?: boolean;
  /** Client tools: also read their distribution records (default true; the pre-push gate only compares versions). */
  clientRecords?: boolean;
  /** An incremental re-audit: the secrets scan leaves out what the checkpoint's scan covered, and joins its findings. */
  secretsResume?: SecretsResume;
}

/** What the secrets scan needs of an incremental re-audit (engine/incremental.ts). */
export interface SecretsResume {
  secretsRevisions(revisions: string[]): [string[], readonly SecretLeak[]];
  mergeSecrets(fresh: SecretsFacts): SecretsFacts;
}

/** Every fact a collector produces, by name. */
export interface Collected {
  config: Available<ConfigEntry[]>;
  'worktree-config': Available<ConfigEntry[]>;
  history: Available<HistoryFacts>;
  hooks: Available<HooksFacts>;
  client: Available<ToolVersion[]>;
  /** The one walk over the commits in scope (undefined: no history, or nothing in scope to walk); the store closes it. */
  walk: HistorySession | undefined;
  /** The policy at HEAD, read once: its severity overrides apply whichever rules run. */
  'head-policy': Available<Policy | undefined>;
  policy: Available<Policy | undefined>;
  tags: Available<TrustedTag[]>;
  ledger: Available<LedgerFacts>;
  /** The scan, and the scope it covered (the report's scope when no walk ran). */
  secrets: { fact: Available<SecretsFacts>; scope?: { description: string; commits: number } };
  'security-policy': Available<SecurityPolicyFacts>;
  'commit-graph': Available<CommitGraphFacts>;
  forge: Available<ForgeFact>;
}
export type CollectedName = keyof Collected;
/** A rule need that calls for a collector: one of the rules' fact names, 'commits' (any per-commit rule), or 'always'. */
export type Need = FactName | 'commits' | 'always';

/** What a collector sees of the run: the request, the rule needs, and the facts it declared. */
export interface FactRun {
  readonly req: FactRequest;
  /** Whether a selected rule needs this fact (or, for 'commits', whether any per-commit rule runs). */
  ruleNeeds(need: Need): boolean;
  /** Whether this fact is collected in this run (for `uses`). */
  wants(name: CollectedName): boolean;
  get<K extends CollectedName>(name: K): Promise<Collected[K]>;
  /** Fires when the run ends early (a failed walk): what runs beside the walk stops. */
  readonly signal: AbortSignal;
  /** The run's one clock (ms since the epoch, FactStore.now). */
  readonly now: number;
  /** The run's one object reader (a `cat-file` for the refs' types, SECURITY.md, policies and the walk); the store closes it. */
  objects(): ObjectReader;
}

export interface Collector<K extends CollectedName> {
  /** The Facts field the rules read it from (none: the engine's own, like the walk). */
  field?: keyof Facts;
  /** What goes into that field, when not the collected value itself. */
  toFact?: (collected: Collected[K]) => Facts[keyof Facts];
  wantedBy: readonly Need[];
  needs: readonly CollectedName[];
  uses?: readonly CollectedName[];
  /** Started first and left running beside the walk (its own git on the other core); only repository
   *  rules read it, after the walk (facts.ts: deferBeside). */
  beside?: boolean;
  collect(run: FactRun): Promise<Collected[K]>;
}
