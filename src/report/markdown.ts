// Markdown for a pull-request comment: a summary line with counts, a table of the rules that failed
// or warned, and each one's findings (long lists folded in <details>). Every string from the
// repository is escaped for Markdown and HTML, so a commit subject cannot inject links, mentions,
// images, tables or markup into the comment.
import { severityRank, type RuleResult, type Severity } from '../domain/model.js';
import { failsRun } from '../domain/verdict.js';
import { escapeText } from '../domain/escape.js';
import type { Reporter } from './types.js';
import { walkLine } from './summary-lines.js';

/** Inline Markdown: no HTML, no emphasis/link/code syntax, no table breaks, no autolinks, no
 *  @mentions, no block syntax at the start; control characters made visible first. */
export function mdEscape(value: string, max = 300): string {
  return escapeText(value, max)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_{}[\]()!|~]/g, (c) => `\\${c}`)
    .replace(/^[#+\-=]/, '\\$&')
    .replace(/^(\d+)([.)])/, '$1\\$2')
    .replace(/:\/\//g, ':\\/\\/')
    .replace(/\bwww\./gi, (m) => `${m.slice(0, 3)}\\.`)
    .replace(/@/g, '@\u200b');
}

const ICON: Record<string, string> = {
  fail: '❌',
  warn: '⚠️',
  pass: '✅',
  error: '💥',
  'not-applicable': '➖',
  'not-available': '➖',
};
const FOLD_AFTER = 5;

function findingLines(r: RuleResult): string[] {
  const lines = r.findings.map((f) => {
    const where = f.commit ? `\`${f.commit.slice(0, 12).replace(/[^0-9a-f]/gi, '')}\` ` : '';
    return `- ${where}${mdEscape(f.message)}${f.suppressed ? ` _(suppressed by ${mdEscape(f.suppressedBy ?? 'baseline')})_` : ''}`;
  });
  const more = r.findingCount - r.findings.length;
  if (more > 0) lines.push(`- … and ${more} more`);
  return lines;
}

/** Gating failures first, then errors, failures below --fail-on, warnings; most severe first within each. */
function shownInOrder(results: RuleResult[], failOn: Severity): RuleResult[] {
  const rank = (r: RuleResult): number =>
    r.outcome === 'fail' ? (failsRun(r, failOn) ? 0 : 2) : r.outcome === 'error' ? 1 : 3;
  return results
    .filter((r) => r.outcome === 'fail' || r.outcome === 'warn' || r.outcome === 'error')
    .map((r, i) => ({ r, i }))
    .sort((a, b) => rank(a.r) - rank(b.r) || severityRank(b.r.severity) - severityRank(a.r.severity) || a.i - b.i)
    .map(({ r }) => r);
}

/** "fail", or for a failure below --fail-on, what it is: failed, but not gating the run. */
const outcomeLabel = (r: RuleResult, failOn: Severity): string =>
  r.outcome === 'fail' && !failsRun(r, failOn) ? `fail below --fail-on ${failOn} (not gating)` : r.outcome;
const iconOf = (r: RuleResult, failOn: Severity): string =>
  r.outcome === 'fail' && !failsRun(r, failOn) ? '🔸' : (ICON[r.outcome] ?? '');

function section(r: RuleResult, failOn: Severity): string[] {
  const out = [
    `#### ${iconOf(r, failOn)} \`${r.meta.id}\` — ${mdEscape(r.meta.title)}${r.outcome === 'fail' && !failsRun(r, failOn) ? ` _(failed below --fail-on ${failOn}: not gating)_` : ''}`,
    '',
  ];
  if (r.note) out.push(mdEscape(r.note, 500), '');
  const lines = findingLines(r);
  if (lines.length > FOLD_AFTER) {
    out.push(
      ...lines.slice(0, FOLD_AFTER - 1),
      '',
      `<details><summary>${lines.length - FOLD_AFTER + 1} more</summary>`,
      '',
      ...lines.slice(FOLD_AFTER - 1),
      '',
      '</details>',
      '',
    );
  } else if (lines.length) out.push(...lines, '');
  if (r.outcome === 'fail' && r.meta.remediation[0])
    out.push(`Fix: \`${r.meta.remediation[0].replace(/`/g, "'")}\``, '');
  return out;
}

export const renderMarkdown: Reporter = (report) => {
  const s = report.summary;
  const verdict =
    report.exitCode === 0
      ? '✅ **gitguard passed**'
      : report.exitCode === 1
        ? '❌ **gitguard failed**'
        : '💥 **gitguard could not complete the audit**';
  const counts = [`${s.pass} passed`, `${s.fail} failed`, `${s.warn} warning(s)`];
  const skipped = s['not-applicable'] + s['not-available'];
  if (skipped) counts.push(`${skipped} skipped`);
  if (s.error) counts.push(`${s.error} error(s)`);
  if (report.baseline) counts.push(`${report.baseline.suppressed} suppressed by baseline`);
  const out = [
    `### gitguard ${report.tool.version.replace(/[^0-9A-Za-z.+-]/g, '')}`,
    '',
    `${verdict}: ${counts.join(', ')} — ${report.scope.commits} commit(s) in scope (${mdEscape(report.scope.description)}), fail-on: ${report.failOn}`,
    '',
  ];
  if (report.incomplete) out.push(`> ${mdEscape(report.incomplete, 500)}`, '');
  if (report.walk) out.push(`> ${mdEscape(walkLine(report.walk), 500)}`, '');
  if (report.ledger && !report.ledger.updated)
    out.push(`> ledger not updated: ${mdEscape(report.ledger.reason ?? 'unknown reason', 500)}`, '');
  const shown = shownInOrder(report.results, report.failOn);
  if (shown.length) {
    out.push('| | rule | threat | severity | findings |', '| --- | --- | --- | --- | --- |');
    for (const r of shown)
      out.push(
        `| ${iconOf(r, report.failOn)} ${outcomeLabel(r, report.failOn)} | \`${r.meta.id}\` | ${r.meta.threat} | ${r.severity} | ${r.findingCount} |`,
      );
    out.push('');
    for (const r of shown) out.push(...section(r, report.failOn));
  }
  const suppressedOnly = report.results.filter((r) => r.baselineOutcome);
  if (suppressedOnly.length) {
    out.push(
      `<details><summary>${suppressedOnly.length} rule(s) pass only because the baseline suppresses their findings</summary>`,
      '',
    );
    for (const r of suppressedOnly)
      out.push(`- \`${r.meta.id}\`: ${r.suppressedCount ?? 0} suppressed (${r.baselineOutcome})`);
    out.push('', '</details>', '');
  }
  return `${out.join('\n').replace(/\n+$/, '')}\n`;
};
