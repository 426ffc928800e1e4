// Text for people: grouped by threat, one line per rule, findings under a rule that failed or
// warned, a summary line. Every string from the repository is escaped; colour only when asked.
import { Chalk } from 'chalk';
import { THREATS, type Outcome, type RuleResult, type Severity } from '../domain/model.js';
import { failsRun } from '../domain/verdict.js';
import { escapeText } from '../domain/escape.js';
import { leftOutText } from '../domain/finding-bounds.js';
import type { Reporter } from './types.js';
import { ledgerLine, walkLine } from './summary-lines.js';

const LABEL: Record<Outcome, string> = {
  pass: 'pass',
  fail: 'FAIL',
  warn: 'warn',
  'not-applicable': 'n/a ',
  'not-available': 'skip',
  error: 'ERR ',
};

export const renderText: Reporter = (report, opts) => {
  const c = new Chalk({ level: opts.color ? 1 : 0 });
  const paint: Record<Outcome, (s: string) => string> = {
    pass: c.green,
    fail: c.red.bold,
    warn: c.yellow,
    'not-applicable': c.gray,
    'not-available': c.gray,
    error: c.magenta.bold,
  };
  const lines: string[] = [];
  const repo = report.repository;
  const quiet = opts.quiet ?? false;
  if (!quiet) lines.push(c.bold(`gitguard ${report.tool.version} — ${escapeText(repo.path, 300)}`));
  if (!quiet)
    lines.push(
      `  ${repo.bare ? 'bare, ' : ''}${repo.shallow ? 'shallow, ' : ''}${repo.objectFormat}; scope: ${escapeText(report.scope.description)}, ${report.scope.commits} commit(s)`,
    );
  if (!quiet && report.walk) lines.push(`  ${walkLine(report.walk)}`);
  const width = Math.max(...report.results.map((r) => r.meta.id.length));
  for (const threat of THREATS) {
    const results = report.results.filter(
      (r) => r.meta.threat === threat && (!quiet || r.outcome === 'fail' || r.outcome === 'error'),
    );
    if (!results.length) continue;
    lines.push('', c.bold(threat));
    for (const r of results)
      lines.push(...renderResult(r, width, paint, c, opts.verbose ?? false, report.failOn, quiet));
  }
  const s = report.summary;
  const parts = [`${s.pass} passed`, `${s.fail} failed`, `${s.warn} warning(s)`];
  if (s['not-applicable'] + s['not-available']) parts.push(`${s['not-applicable'] + s['not-available']} skipped`);
  if (s.error) parts.push(`${s.error} error(s)`);
  if (report.baseline) parts.push(`${report.baseline.suppressed} suppressed by baseline`);
  const verdict =
    report.exitCode === 0 ? c.green('PASS') : report.exitCode === 1 ? c.red.bold('FAIL') : c.magenta.bold('INCOMPLETE');
  if (report.incomplete) lines.push('', c.magenta.bold(escapeText(report.incomplete, 500)));
  const ledger = ledgerLine(report);
  // --quiet keeps it only when protection was lost (a rule blocked it, or the file could not be written).
  const lost = report.ledger?.cause === 'blocked' || report.ledger?.cause === 'unwritable';
  if (ledger && (!quiet || lost)) lines.push('', report.ledger?.updated ? ledger : c.yellow(ledger));
  lines.push(
    '',
    `${verdict}  ${parts.join(', ')} (fail-on: ${report.failOn}, ${(report.durationMs / 1000).toFixed(2)} s)`,
  );
  return `${lines.join('\n').replace(/^\n+/, '')}\n`;
};

function renderResult(
  r: RuleResult,
  width: number,
  paint: Record<Outcome, (s: string) => string>,
  c: InstanceType<typeof Chalk>,
  verbose: boolean,
  failOn: Severity,
  quiet: boolean,
): string[] {
  // A failure below --fail-on is still a failure, but says that it does not gate the run.
  const tag =
    r.outcome !== 'fail'
      ? ''
      : failsRun(r, failOn)
        ? ` [${r.severity}]`
        : ` [${r.severity}, below --fail-on ${failOn}: not gating]`;
  const out = [`  ${paint[r.outcome](LABEL[r.outcome])}  ${r.meta.id.padEnd(width)}  ${r.meta.title}${c.gray(tag)}`];
  const indent = ' '.repeat(8);
  // A passing client rule's note names the version it judged ("git 2.55.0: no known vulnerability").
  if (r.note && (r.outcome !== 'pass' || r.suppressedCount || r.meta.threat === 'client'))
    out.push(`${indent}${c.gray(escapeText(r.note, 300))}`);
  // -q: the rule's one-line summary (a client rule's names each tool and what is open), no lists.
  if (quiet) {
    if (r.findingCount > 0) out.push(`${indent}${c.gray(`${r.findingCount} finding(s); run without -q to list them`)}`);
    return out;
  }
  if (r.outcome === 'fail' || r.outcome === 'warn' || verbose) {
    const show = verbose ? r.findings : r.findings.slice(0, 10);
    for (const f of show) {
      const where = f.commit ? `${f.commit.slice(0, 12)}  ` : '';
      out.push(
        `${indent}- ${escapeText(where + f.message, 300)}${c.gray(leftOutText(f))}${f.suppressed ? c.gray(` (suppressed by ${escapeText(f.suppressedBy ?? 'baseline', 200)})`) : ''}`,
      );
    }
    const more = r.findingCount - show.length;
    if (more > 0) out.push(`${indent}  … and ${more} more (--format json or --verbose for all kept findings)`);
    if (r.outcome === 'fail' && r.meta.remediation[0]) out.push(`${indent}${c.cyan('fix:')} ${r.meta.remediation[0]}`);
  }
  // What the rule found settled (CVEs the distribution fixed): each with its evidence under
  // --verbose, else their ids on one line.
  if (r.resolved?.length) {
    if (verbose) for (const f of r.resolved) out.push(`${indent}${c.gray(`= ${escapeText(f.message, 300)}`)}`);
    else {
      const status = r.resolved[0]?.evidence?.['status'];
      const label = typeof status === 'string' ? status.replace(/-/g, ' ') : 'settled';
      out.push(
        `${indent}${c.gray(escapeText(`${label}: ${r.resolved.map((f) => String(f.evidence?.['id'] ?? f.message)).join(', ')} (--verbose or --format json for the evidence)`, 300))}`,
      );
    }
  }
  return out;
}
