import {
  applyBaseline,
  baselineFrom,
  finishReport,
  NOTHING_AUDITED,
  nothingAudited,
  parseBaseline,
} from '../../src/engine/baseline.js';
import { renderText } from '../../src/report/text.js';
import type { RuleResult } from '../../src/domain/model.js';
import { summarise } from '../../src/domain/verdict.js';
import { C1, fixtureReport } from './fixture-report.js';

const byId = (results: RuleResult[], id: string): RuleResult => results.find((r) => r.meta.id === id)!;

describe('baselines', () => {
  test('record one fingerprint per finding of failed and warned rules, with the rule and a short description', () => {
    const b = baselineFrom(fixtureReport(), new Date('2026-11-25T15:00:00Z'));
    expect(b.version).toBe(1);
    expect(b.createdAt).toBe('2026-11-25T15:00:00.000Z');
    expect(b.findings.map((f) => f.rule)).toEqual([
      'commits-signed',
      'commits-signed',
      'replace-refs-absent',
      'tls-verification-enabled',
      'tls-verification-enabled',
      'fsck-objects-enabled',
    ]);
    expect(b.findings[0]!.description).toMatch(/^111111111111 no signature/);
    expect(b.findings[0]!.description).not.toMatch(/\u001b/);
  });

  test('a rule whose every finding is in the baseline passes, keeping the findings marked suppressed', () => {
    const report = fixtureReport();
    const out = applyBaseline(report, baselineFrom(report), 'b.json');
    const tls = byId(out.results, 'tls-verification-enabled');
    expect(tls).toMatchObject({ outcome: 'pass', baselineOutcome: 'fail', suppressedCount: 2, findingCount: 2 });
    expect(tls.findings.every((f) => f.suppressed)).toBe(true);
    expect(byId(out.results, 'fsck-objects-enabled')).toMatchObject({ outcome: 'pass', baselineOutcome: 'warn' });
    expect(out.baseline).toEqual({ file: 'b.json', entries: 6, suppressed: 6 });
  });

  test('a rule with findings the audit did not keep in full still fails: unseen findings are not assumed baselined', () => {
    const report = fixtureReport();
    const out = applyBaseline(report, baselineFrom(report), 'b.json');
    expect(byId(out.results, 'commits-signed')).toMatchObject({ outcome: 'fail', suppressedCount: 2, findingCount: 5 });
    expect(out.exitCode).toBe(1);
  });

  test('a new finding beside baselined ones fails the rule and the run', () => {
    const old = fixtureReport();
    old.results = old.results.filter((r) => r.meta.id !== 'commits-signed');
    const baseline = baselineFrom(old);
    const now = fixtureReport();
    now.results = now.results.filter((r) => r.meta.id !== 'commits-signed');
    const tls = byId(now.results, 'tls-verification-enabled');
    tls.findings.push({
      file: '/src/app/.git/config',
      message: 'http.sslverify=false (worktree)',
      evidence: { key: 'http.sslverify', scope: 'worktree' },
    });
    tls.findingCount = 3;
    const out = applyBaseline(now, baseline, 'b.json');
    expect(byId(out.results, 'tls-verification-enabled')).toMatchObject({ outcome: 'fail', suppressedCount: 2 });
    expect(out.exitCode).toBe(1);
    // with only the old findings, every rule passes except the errored one: exit 2, not 1
    const clean = applyBaseline({ ...old, results: old.results }, baseline, 'b.json');
    expect(clean.summary.fail).toBe(0);
    expect(clean.exitCode).toBe(2);
  });

  test('suppressed findings are counted in the text summary and marked under their rule', () => {
    const report = fixtureReport();
    const text = renderText(applyBaseline(report, baselineFrom(report), 'b.json'), { color: false, verbose: true });
    expect(text).toMatch(/6 suppressed by baseline/);
    expect(text).toContain(`${C1.slice(0, 12)}  no signature`);
    expect(text).toMatch(/\(suppressed by baseline\)/);
    expect(text).toMatch(/2 of 2 finding\(s\) suppressed by baseline/);
  });

  test('keeps at most N open and N suppressed findings per rule in full, the count stays the total', () => {
    const report = fixtureReport();
    const out = applyBaseline(report, { ...baselineFrom(report), findings: [] }, 'b.json', 1);
    expect(byId(out.results, 'tls-verification-enabled')).toMatchObject({ findingCount: 2 });
    expect(byId(out.results, 'tls-verification-enabled').findings).toHaveLength(1);
  });

  test('rejects a file that is not a baseline, or one with another fingerprint scheme, with one clear line', () => {
    expect(() => parseBaseline('nope', 'x.json')).toThrow(/baseline x.json is not JSON/);
    expect(() => parseBaseline('{"version":2,"findings":[]}', 'x.json')).toThrow(/not a gitguard baseline/);
    expect(() => parseBaseline('{"version":1,"fingerprintKey":"other/v9","findings":[]}', 'x.json')).toThrow(
      /uses fingerprints "other\/v9"/,
    );
    expect(() =>
      parseBaseline(
        '{"version":1,"fingerprintKey":"gitguard/v1","findings":[{"rule":"r","fingerprint":"zz"}]}',
        'x.json',
      ),
    ).toThrow(/entry 0/);
  });
});

describe('an audit that looked at nothing', () => {
  const skippedOnly = (): ReturnType<typeof fixtureReport> => {
    const r = fixtureReport();
    r.results = r.results.filter((x) => x.outcome === 'not-applicable' || x.outcome === 'not-available');
    r.summary = summarise(r.results);
    r.exitCode = 0;
    return r;
  };

  test('exits 2 and says why, unless allowed', () => {
    expect(nothingAudited(skippedOnly().results)).toBe(true);
    expect(finishReport(skippedOnly(), {})).toMatchObject({ exitCode: 2, incomplete: NOTHING_AUDITED });
    expect(finishReport(skippedOnly(), { allowEmpty: true }).exitCode).toBe(0);
    expect(renderText(finishReport(skippedOnly(), {}), { color: false })).toContain('nothing was audited');
  });

  test('is not declared when any rule gave a verdict', () => {
    expect(nothingAudited(fixtureReport().results)).toBe(false);
    const one = skippedOnly();
    one.results.push({ ...fixtureReport().results[1]! });
    expect(finishReport(one, {}).incomplete).toBeUndefined();
  });
});
