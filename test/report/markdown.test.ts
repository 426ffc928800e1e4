import { mdEscape, renderMarkdown } from '../../src/report/markdown.js';
import { applyBaseline, baselineFrom } from '../../src/engine/baseline.js';
import type { Finding } from '../../src/domain/model.js';
import { fixtureReport, golden } from './fixture-report.js';

describe('Markdown reporter', () => {
  test('renders the fixed report exactly as the golden file', () => {
    const out = renderMarkdown(fixtureReport(), { color: false });
    expect(out).toBe(golden('markdown.expected.md', out));
  });

  test('opens with a summary line with the counts and a table row per failed, warned or errored rule', () => {
    const out = renderMarkdown(fixtureReport(), { color: false });
    expect(out).toContain('❌ **gitguard failed**: 1 passed, 3 failed, 1 warning(s), 2 skipped, 1 error(s)');
    const rows = out.split('\n').filter((l) => /^\| (❌|⚠️|💥) /u.test(l));
    expect(rows.map((l) => l.split('|')[2]!.trim())).toEqual([
      '`commits-signed`',
      '`replace-refs-absent`',
      '`tls-verification-enabled`',
      '`credentials-not-stored-in-plaintext`',
      '`fsck-objects-enabled`',
    ]);
  });

  test('escapes repository strings: no raw HTML, backticks, pipes, links, mentions or control characters', () => {
    const out = renderMarkdown(fixtureReport(), { color: false });
    expect(out).not.toContain('<script>');
    expect(out).toContain('&lt;script&gt;');
    expect(out).toContain('\\|');
    expect(out).toContain('\\`tick\\`');
    expect(out).toContain('\\[link\\]\\(http:\\/\\/x\\)');
    expect(mdEscape('1. item')).toBe('1\\. item');
    expect(mdEscape('# title')).toBe('\\# title');
    expect(out).not.toContain('@admin');
    expect(out).not.toMatch(/[\u0000\u001b\u202e]/u);
    expect(mdEscape('a|b')).toBe('a\\|b');
  });

  test('folds a long list of findings into <details>', () => {
    const report = fixtureReport();
    const many: Finding[] = Array.from({ length: 12 }, (_, i) => ({
      commit: String(i).padStart(40, 'a'),
      message: `finding ${i}`,
    }));
    report.results[0] = { ...report.results[0]!, findings: many, findingCount: 12 };
    const out = renderMarkdown(report, { color: false });
    expect(out).toContain('<details><summary>8 more</summary>');
    expect(out.indexOf('finding 3')).toBeLessThan(out.indexOf('<details>'));
    expect(out.indexOf('finding 11')).toBeGreaterThan(out.indexOf('<details>'));
  });

  test('counts findings suppressed by a baseline in the summary line', () => {
    const report = fixtureReport();
    const out = renderMarkdown(applyBaseline(report, baselineFrom(report), 'b.json'), { color: false });
    expect(out).toContain('6 suppressed by baseline');
    expect(out).toContain('`tls-verification-enabled`: 2 suppressed (fail)');
  });

  test('sorts by outcome, then severity: a critical failure comes before high ones, errors before warnings', () => {
    const report = fixtureReport();
    const critical = {
      ...report.results[1]!,
      outcome: 'fail' as const,
      severity: 'critical' as const,
      findings: [{ message: 'bad signature' }],
      findingCount: 1,
    };
    report.results = [
      report.results[5]!,
      report.results[0]!,
      report.results[6]!,
      critical,
      ...report.results.slice(2, 5),
    ];
    const rows = renderMarkdown(report, { color: false })
      .split('\n')
      .filter((l) => /^\| \S+ (fail|warn|error)/u.test(l));
    expect(rows.map((l) => l.split('|')[2]!.trim())).toEqual([
      '`signatures-valid`',
      '`commits-signed`',
      '`replace-refs-absent`',
      '`tls-verification-enabled`',
      '`credentials-not-stored-in-plaintext`',
      '`fsck-objects-enabled`',
    ]);
  });

  test('a failure below --fail-on is shown as failed but not gating, after the gating ones', () => {
    const report = { ...fixtureReport(), failOn: 'critical' as const };
    const critical = {
      ...report.results[1]!,
      outcome: 'fail' as const,
      findings: [{ message: 'bad signature' }],
      findingCount: 1,
    };
    report.results = [...report.results, critical];
    const out = renderMarkdown(report, { color: false });
    const rows = out.split('\n').filter((l) => /^\| \S+ (fail|warn|error)/u.test(l));
    expect(rows[0]).toMatch(/^\| ❌ fail \| `signatures-valid` /u);
    expect(rows.find((l) => l.includes('`commits-signed`'))).toMatch(
      /^\| 🔸 fail below --fail-on critical \(not gating\) \| `commits-signed` \| impersonation \| high /u,
    );
    expect(out).toContain(
      '#### 🔸 `commits-signed` — Title of commits-signed _(failed below --fail-on critical: not gating)_',
    );
    expect(out).not.toMatch(/❌ fail \| `commits-signed`/u);
  });
});
