// The ledger's and the walk's one-line summaries: in the text report, and the ledger's on stderr
// whatever the format. Their own module so a json or sarif run does not load the text renderer (chalk).
import { escapeText, thousands } from '../domain/escape.js';
import type { AuditReport, WalkInfo } from './types.js';

/** What the audit did with the history ledger, one line (also on stderr when it was not updated). */
export function ledgerLine(report: AuditReport): string | undefined {
  const l = report.ledger;
  if (!l) return undefined;
  if (l.updated)
    return `ledger: ${l.refs ?? 0} protected tip(s) recorded in ${escapeText(l.file ?? '', 300)}${l.kept?.length ? `; ${l.kept.length} left as another run recorded them meanwhile (${escapeText(l.kept.slice(0, 5).join(', '), 500)})` : ''}`;
  return `ledger not updated: ${escapeText(l.reason ?? 'unknown reason', 500)}${l.cause === 'no-ledger' ? '' : ' (rewrite protection does not cover the current tips)'}`;
}

/** How the history was walked, one line: incremental (what the checkpoint judged) or full (and why). */
export function walkLine(w: WalkInfo): string {
  const n = thousands;
  return w.incremental
    ? `walk: incremental, ${n(w.walked)} new commit(s) walked; ${n(w.fromCheckpoint)} judged by the checkpoint of ${w.checkpointAt ?? '?'} (--no-cache walks everything)`
    : `walk: full, ${n(w.walked)} commit(s) walked (${escapeText(w.reason ?? 'no checkpoint', 300)})`;
}
