// The report every renderer takes. The JSON reporter prints it as is: changing a field's meaning
// or removing one means a new schemaVersion (documented in README.md, "Reports"; optional fields may be added).
import type { HeadInfo, RuleResult, Severity } from '../domain/model.js';
import type { Summary } from '../domain/verdict.js';
import type { LedgerUpdate } from '../domain/ledger.js';

export interface AuditReport {
  schemaVersion: 1;
  tool: { name: 'gitguard'; version: string };
  repository: {
    path: string;
    gitDir: string;
    workTree?: string;
    bare: boolean;
    shallow: boolean;
    objectFormat: string;
    head: HeadInfo;
  };
  scope: { description: string; commits: number };
  startedAt: string;
  durationMs: number;
  failOn: Severity;
  results: RuleResult[];
  summary: Summary;
  exitCode: number;
  /** With --baseline: the file, how many fingerprints it holds, and how many findings it suppressed. */
  baseline?: { file: string; entries: number; suppressed: number };
  /** Set when the audit looked at nothing (every result skipped): why the exit code is 2. */
  incomplete?: string;
  /** Whether this audit recorded the protected tips in the ledger, and if not, why. */
  ledger?: LedgerUpdate;
  /** How the history was walked: in full, or only the commits added since the checkpoint of an earlier run. */
  walk?: WalkInfo;
}

export interface WalkInfo {
  /** true: only the commits added since the checkpoint were walked; false: every commit in scope. */
  incremental: boolean;
  /** Commits this run walked. */
  walked: number;
  /** Commits judged by the checkpoint instead (0 on a full walk). */
  fromCheckpoint: number;
  /** When the run that wrote the checkpoint started (ISO 8601). */
  checkpointAt?: string;
  /** Why the walk was full. */
  reason?: string;
}

export interface RenderOptions {
  color: boolean;
  verbose?: boolean;
  /** Only the summary line and failures (text). */
  quiet?: boolean;
}

/** One renderer per format, each in its own file. */
export type Reporter = (report: AuditReport, opts: RenderOptions) => string;
