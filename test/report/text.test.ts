// The text reporter's verdict marks: gating failures carry their severity; a failure below --fail-on
// says that it does not gate the run; the ledger line says what the audit did with the ledger.
import { renderText } from '../../src/report/text.js';
import { fixtureReport } from './fixture-report.js';

const line = (out: string, id: string): string => out.split('\n').find((l) => l.includes(` ${id} `))!;

describe('text reporter', () => {
  test('a failure at or above --fail-on shows its severity; one below says it is not gating', () => {
    const gating = renderText(fixtureReport(), { color: false });
    expect(line(gating, 'commits-signed')).toMatch(/FAIL {2}commits-signed +Title of commits-signed \[high\]$/);
    const report = { ...fixtureReport(), failOn: 'critical' as const };
    const below = renderText(report, { color: false });
    expect(line(below, 'commits-signed')).toMatch(
      /FAIL {2}commits-signed +Title of commits-signed \[high, below --fail-on critical: not gating\]$/,
    );
  });

  test('the ledger line: recorded, or not updated with the reason', () => {
    const recorded = renderText(
      { ...fixtureReport(), ledger: { updated: true, file: '/src/app/.git/gitguard/ledger.json', refs: 2 } },
      { color: false },
    );
    expect(recorded).toContain('\nledger: 2 protected tip(s) recorded in /src/app/.git/gitguard/ledger.json\n');
    const blocked = renderText(
      { ...fixtureReport(), ledger: { updated: false, cause: 'blocked', reason: 'signatures-valid failed' } },
      { color: false, quiet: true },
    );
    expect(blocked).toContain(
      '\nledger not updated: signatures-valid failed (rewrite protection does not cover the current tips)\n',
    );
    expect(
      renderText({ ...fixtureReport(), ledger: { updated: true, refs: 1, file: 'x' } }, { color: false, quiet: true }),
    ).not.toContain('ledger');
    expect(
      renderText(
        { ...fixtureReport(), ledger: { updated: false, cause: 'no-ledger', reason: '--no-ledger' } },
        { color: false, quiet: true },
      ),
    ).not.toContain('ledger');
    expect(
      renderText(
        { ...fixtureReport(), ledger: { updated: false, cause: 'no-ledger', reason: '--no-ledger' } },
        { color: false },
      ),
    ).toContain('\nledger not updated: --no-ledger\n');
  });
});
