// installs209: finding-bounds.ts keeps 100 locations of a finding (the paths a commit touches may be
// thousands) and said nothing of the rest: a reader of the report took 100 for all. The count left
// out is now kept with the finding (`locationsLeftOut`) and every report says it: the JSON field,
// SARIF's message ("and N more locations") and result property, the text line. The verdict and the
// finding's fingerprint are unchanged. Twin: a finding within the bound says nothing more.
import { boundFinding } from '../../src/domain/finding-bounds.js';
import { renderJson } from '../../src/report/json.js';
import { renderSarif } from '../../src/report/sarif.js';
import { renderText } from '../../src/report/text.js';
import { fingerprint } from '../../src/report/fingerprint.js';
import type { Finding } from '../../src/domain/model.js';
import { fixtureReport } from '../report/fixture-report.js';

const paths = (n: number): Array<{ file: string }> =>
  Array.from({ length: n }, (_, i) => ({ file: `.github/workflows/w${i}.yml` }));

/** The fixed report whose first commits-signed finding touches `n` paths, bounded as the engine bounds it. */
function reportWith(n: number) {
  const report = fixtureReport();
  const r = report.results[0]!;
  const found = boundFinding({ ...r.findings[0]!, locations: paths(n) } as Finding);
  r.findings = [boundFinding(found), ...r.findings.slice(1)];
  return { report, finding: r.findings[0]! };
}

interface Sarif {
  runs: Array<{
    results: Array<{ message: { text: string }; locations: unknown[]; properties: Record<string, unknown> }>;
  }>;
}

describe('locations past the bound are counted and said', () => {
  test('a finding touching 250 paths: 100 kept, 150 more said in JSON, SARIF and text', () => {
    const { report, finding } = reportWith(250);
    expect(finding.locations).toHaveLength(100);
    const json = JSON.parse(renderJson(report, { color: false })) as { results: Array<{ findings: Finding[] }> };
    expect(json.results[0]!.findings[0]!.locationsLeftOut).toBe(250 - 100);
    const sarif = (JSON.parse(renderSarif(report, { color: false })) as Sarif).runs[0]!.results[0]!;
    expect(sarif.locations).toHaveLength(100);
    expect(sarif.message.text).toContain(`and ${250 - 100} more locations`);
    expect(sarif.properties['locationsLeftOut']).toBe(250 - 100);
    expect(renderText(report, { color: false })).toContain(`and ${250 - 100} more locations`);
  });

  test('the fingerprint is the same as for the finding within the bound', () => {
    const { report, finding } = reportWith(250);
    const within = reportWith(100).finding;
    expect(fingerprint('commits-signed', finding, report.repository)).toBe(
      fingerprint('commits-signed', within, report.repository),
    );
  });

  test('twin: a finding touching 100 paths says nothing more', () => {
    const { report, finding } = reportWith(100);
    expect(finding.locations).toHaveLength(100);
    expect(finding.locationsLeftOut).toBeUndefined();
    const sarif = (JSON.parse(renderSarif(report, { color: false })) as Sarif).runs[0]!.results[0]!;
    expect(sarif.message.text).not.toContain('more locations');
    expect(sarif.properties['locationsLeftOut']).toBeUndefined();
    expect(renderText(report, { color: false })).not.toContain('more locations');
  });
});
