// JUnit XML for GitLab and Jenkins: one <testsuite> per threat, one <testcase> per rule
// (classname = threat, name = "<id>: <title>"). fail -> <failure> with the findings as text,
// error -> <error>, not-applicable / not-available -> <skipped>, warn -> passes with the findings in
// <system-out> and a property. Everything from the repository is escaped for XML, and characters
// XML 1.0 cannot carry at all (most C0 controls, lone surrogates, U+FFFE/FFFF) are written as
// visible \xNN escapes first.
import { THREATS, type RuleResult } from '../domain/model.js';
import type { Reporter } from './types.js';
import { UNSAFE_BEYOND_C0 } from '../domain/escape.js';

const ILLEGAL_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ud800-\udfff\ufffe\uffff]/gu;

/** Escapes text for XML content and attribute values (both quotes too). */
export function xmlEscape(value: string): string {
  return value
    .replace(ILLEGAL_XML, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
    .replace(UNSAFE_BEYOND_C0, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`)
    .replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!)
    .replace(/\r/g, '&#13;');
}

function findingsText(r: RuleResult): string {
  const lines = r.findings.map(
    (f) =>
      `- ${f.commit ? `${f.commit.slice(0, 12)}  ` : ''}${f.message}${f.suppressed ? ` (suppressed by ${f.suppressedBy ?? 'baseline'})` : ''}`,
  );
  const more = r.findingCount - r.findings.length;
  if (more > 0) lines.push(`… and ${more} more`);
  if (r.note) lines.unshift(r.note);
  if (r.outcome === 'fail' && r.meta.remediation.length)
    lines.push('', 'Remediation:', ...r.meta.remediation.map((s, i) => `${i + 1}. ${s}`));
  return lines.join('\n');
}

function testcase(r: RuleResult, seconds: string): string {
  const open = `    <testcase classname="${xmlEscape(r.meta.threat)}" name="${xmlEscape(`${r.meta.id}: ${r.meta.title}`)}" time="${seconds}">`;
  const props = [
    `<property name="severity" value="${xmlEscape(r.severity)}"/>`,
    `<property name="outcome" value="${xmlEscape(r.outcome)}"/>`,
  ];
  if (r.suppressedCount) props.push(`<property name="suppressed" value="${r.suppressedCount}"/>`);
  const body: string[] = [`      <properties>${props.join('')}</properties>`];
  const summary = `${r.findingCount} finding(s)${r.note ? `: ${r.note}` : ''}`;
  switch (r.outcome) {
    case 'fail':
      body.push(
        `      <failure message="${xmlEscape(summary)}" type="${xmlEscape(r.severity)}">${xmlEscape(findingsText(r))}</failure>`,
      );
      break;
    case 'error':
      body.push(`      <error message="${xmlEscape(r.note ?? 'the rule could not be evaluated')}" type="error"/>`);
      break;
    case 'not-applicable':
    case 'not-available':
      body.push(`      <skipped message="${xmlEscape(`${r.outcome}${r.note ? `: ${r.note}` : ''}`)}"/>`);
      break;
    case 'warn':
      body.push(`      <system-out>${xmlEscape(`warning: ${findingsText(r)}`)}</system-out>`);
      break;
    case 'pass':
      if (r.suppressedCount)
        body.push(
          `      <system-out>${xmlEscape(`${r.suppressedCount} finding(s) suppressed${r.findings.some((f) => f.suppressed && !f.suppressedBy) ? ' by baseline' : ''}:\n${findingsText(r)}`)}</system-out>`,
        );
      break;
  }
  return [open, ...body, '    </testcase>'].join('\n');
}

export const renderJunit: Reporter = (report) => {
  const seconds = (report.durationMs / 1000).toFixed(3);
  const count = (rs: RuleResult[], ...o: string[]): number => rs.filter((r) => o.includes(r.outcome)).length;
  const suites: string[] = [];
  for (const threat of THREATS) {
    const rs = report.results.filter((r) => r.meta.threat === threat);
    if (!rs.length) continue;
    suites.push(
      [
        `  <testsuite name="${xmlEscape(`gitguard ${threat}`)}" tests="${rs.length}" failures="${count(rs, 'fail')}" errors="${count(rs, 'error')}" skipped="${count(rs, 'not-applicable', 'not-available')}" time="0" timestamp="${xmlEscape(report.startedAt.replace(/\.\d+Z$/, ''))}">`,
        ...rs.map((r) => testcase(r, '0')),
        '  </testsuite>',
      ].join('\n'),
    );
  }
  const all = report.results;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="gitguard" tests="${all.length}" failures="${count(all, 'fail')}" errors="${count(all, 'error')}" skipped="${count(all, 'not-applicable', 'not-available')}" time="${seconds}">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
};
