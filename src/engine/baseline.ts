// Baselines: adopt gitguard on an old repository and gate only on what is new. `gitguard baseline
// write FILE` records today's findings by their stable fingerprint (src/report/fingerprint.ts, the
// same one SARIF uses); `audit --baseline FILE` marks findings found in it as suppressed. Suppressed
// findings stay in the report and are counted; a rule passes only when EVERY one of its findings is
// suppressed (and all were seen in full), so anything new still fails.
import { readBounded } from '../collect/safe-fs.js';
import { writeUserFile } from '../collect/safe-write.js';
import { ExpectedError, fileError } from '../errors.js';
import type { RuleResult } from '../domain/model.js';
import { FINGERPRINT_KEY, fingerprint } from '../report/fingerprint.js';
import { escapeText } from '../domain/escape.js';
import type { AuditReport } from '../report/types.js';
import { exitCodeFor, summarise } from '../domain/verdict.js';

const BASELINE_VERSION = 1;

export interface BaselineEntry {
  fingerprint: string;
  rule: string;
  /** A short, escaped description for people reviewing the file; never compared. */
  description: string;
}

export interface Baseline {
  version: typeof BASELINE_VERSION;
  fingerprintKey: string;
  createdAt: string;
  findings: BaselineEntry[];
}

/** Today's findings of every failed or warned rule, as a baseline. */
export function baselineFrom(report: AuditReport, now = new Date()): Baseline {
  const findings: BaselineEntry[] = [];
  const seen = new Set<string>();
  for (const r of report.results) {
    if (r.outcome !== 'fail' && r.outcome !== 'warn') continue;
    for (const f of r.findings) {
      if (f.suppressed) continue; // already excused (the policy's secrets.allow)
      const fp = fingerprint(r.meta.id, f, report.repository);
      if (seen.has(fp)) continue;
      seen.add(fp);
      findings.push({
        fingerprint: fp,
        rule: r.meta.id,
        description: escapeText(`${f.commit ? `${f.commit.slice(0, 12)} ` : ''}${f.message}`, 160),
      });
    }
  }
  return { version: BASELINE_VERSION, fingerprintKey: FINGERPRINT_KEY, createdAt: now.toISOString(), findings };
}

export function parseBaseline(text: string, file: string): Baseline {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new ExpectedError(
      `baseline ${file} is not JSON: ${(err as Error).message}`,
      'write one with: gitguard baseline write FILE',
    );
  }
  const d = data as Partial<Baseline> | null;
  if (!d || typeof d !== 'object' || d.version !== BASELINE_VERSION || !Array.isArray(d.findings)) {
    throw new ExpectedError(
      `baseline ${file} is not a gitguard baseline (version ${BASELINE_VERSION})`,
      'write one with: gitguard baseline write FILE',
    );
  }
  if (d.fingerprintKey !== FINGERPRINT_KEY) {
    throw new ExpectedError(
      `baseline ${file} uses fingerprints "${String(d.fingerprintKey)}", this gitguard uses "${FINGERPRINT_KEY}"`,
      'write it again with: gitguard baseline write FILE',
    );
  }
  d.findings.forEach((e, i) => {
    if (
      !e ||
      typeof e.fingerprint !== 'string' ||
      !/^[0-9a-f]{64}$/.test(e.fingerprint) ||
      typeof e.rule !== 'string'
    ) {
      throw new ExpectedError(
        `baseline ${file}: entry ${i} has no valid fingerprint and rule`,
        'write it again with: gitguard baseline write FILE',
      );
    }
  });
  return d as Baseline;
}

export function readBaseline(file: string): Baseline {
  let text: string;
  try {
    text = readBounded(file, 64 * 1024 * 1024, { follow: true }).toString('utf8');
  } catch (err) {
    throw fileError('read', 'baseline', file, err, 'write one with: gitguard baseline write FILE');
  }
  return parseBaseline(text, file);
}

/** `repositories`: the audited repository's folders, which a baseline named inside them may not leave. */
export function writeBaseline(file: string, baseline: Baseline, repositories: readonly string[] = []): void {
  try {
    writeUserFile(file, `${JSON.stringify(baseline, null, 2)}\n`, repositories);
  } catch (err) {
    if (
      err instanceof ExpectedError &&
      !['missing', 'unreadable'].includes(String((err as { reason?: string }).reason))
    )
      throw err;
    throw fileError('write', 'baseline', file, err, 'choose a file in a folder you can write to');
  }
}

/** Marks the findings in the baseline as suppressed; keeps at most `keep` unsuppressed and `keep`
 *  suppressed findings in full per rule (findingCount stays the total), and recomputes the verdict. */
export function applyBaseline(
  report: AuditReport,
  baseline: Baseline,
  file: string,
  keep = Number.POSITIVE_INFINITY,
): AuditReport {
  const known = new Set(baseline.findings.map((e) => `${e.rule}\0${e.fingerprint}`));
  let suppressed = 0;
  const results: RuleResult[] = report.results.map((r) => {
    let count = 0;
    const before = r.findings.filter((f) => f.suppressed).length;
    const findings = r.findings.map((f) => {
      if (f.suppressed) return f;
      if (!known.has(`${r.meta.id}\0${fingerprint(r.meta.id, f, report.repository)}`)) return f;
      count += 1;
      return { ...f, suppressed: true };
    });
    if (!count) return r.findings.length > keep ? { ...r, findings: r.findings.slice(0, keep) } : r;
    suppressed += count;
    const open = findings.filter((f) => !f.suppressed);
    const closed = findings.filter((f) => f.suppressed);
    const kept = [...open.slice(0, keep), ...closed.slice(0, keep)];
    const all = count + before === r.findingCount && (r.outcome === 'fail' || r.outcome === 'warn');
    const note = `${count} of ${r.findingCount} finding(s) suppressed by baseline${r.note ? `; ${r.note}` : ''}`;
    return {
      ...r,
      findings: kept,
      suppressedCount: count + before,
      note,
      ...(all ? { outcome: 'pass' as const, baselineOutcome: r.outcome } : {}),
    };
  });
  return {
    ...report,
    results,
    summary: summarise(results),
    exitCode: exitCodeFor(results, report.failOn),
    baseline: { file, entries: baseline.findings.length, suppressed },
  };
}

/** The audit looked at nothing when no rule could give a verdict (every one not applicable or not
 *  available): no commits in scope for the per-commit rules and no facts for the others. */
export function nothingAudited(results: RuleResult[]): boolean {
  return results.length > 0 && results.every((r) => r.outcome === 'not-applicable' || r.outcome === 'not-available');
}

export const NOTHING_AUDITED =
  'nothing was audited: every rule was not applicable or not available (no commits in scope, no facts collected); pass --allow-empty to accept that';

/** What the engine does after evaluating: apply the baseline, then refuse to pass an audit that
 *  looked at nothing (exit 2 with `incomplete` set) unless the caller allows it. */
export function finishReport(
  report: AuditReport,
  opts: { baseline?: { file: string; baseline: Baseline }; findingLimit?: number; allowEmpty?: boolean },
): AuditReport {
  const out = opts.baseline
    ? applyBaseline(report, opts.baseline.baseline, opts.baseline.file, opts.findingLimit ?? 100)
    : report;
  if (!opts.allowEmpty && nothingAudited(out.results) && out.exitCode === 0)
    return { ...out, exitCode: 2, incomplete: NOTHING_AUDITED };
  return out;
}
