// The report every renderer takes. The JSON reporter prints it as is: changing a field's meaning
// or removing one means a new schemaVersion (see docs/report-schema.md).
import type { HeadInfo, RuleResult, Severity } from '../model.js';
import type { Summary } from '../engine/verdict.js';

export interface AuditReport {
  schemaVersion: 1;
  tool: { name: 'gitguard'; version: string };
  repository: { path: string; gitDir: string; bare: boolean; shallow: boolean; objectFormat: string; head: HeadInfo };
  scope: { description: string; commits: number };
  startedAt: string;
  durationMs: number;
  failOn: Severity;
  results: RuleResult[];
  summary: Summary;
  exitCode: number;
}

export interface RenderOptions {
  color: boolean;
  verbose?: boolean;
}

/** One renderer per format, each in its own file. */
export type Reporter = (report: AuditReport, opts: RenderOptions) => string;
