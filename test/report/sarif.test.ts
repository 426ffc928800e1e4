import { renderSarif, toSarif, levelFor } from '../../src/report/sarif.js';
import { fingerprint, FINGERPRINT_KEY } from '../../src/report/fingerprint.js';
import { applyBaseline, baselineFrom } from '../../src/engine/baseline.js';
import { validator } from './sarif-schema.js';
import { C1, fixtureReport, golden } from './fixture-report.js';

interface SarifResult {
  ruleId: string;
  level: string;
  message: { text: string };
  locations: Array<{
    physicalLocation: { artifactLocation: { uri: string }; region?: { startLine: number } };
    logicalLocations?: Array<{ fullyQualifiedName: string; kind: string }>;
  }>;
  partialFingerprints: Record<string, string>;
  suppressions?: Array<{ kind: string }>;
}
interface SarifLog {
  runs: Array<{
    tool: {
      driver: {
        rules: Array<{
          id: string;
          help: { text: string; markdown: string };
          defaultConfiguration: { level: string };
          properties: { tags: string[] };
        }>;
      };
    };
    invocations: Array<{ exitCode: number; executionSuccessful: boolean }>;
    results: SarifResult[];
  }>;
}

const sarifOf = (text: string): SarifLog => JSON.parse(text) as SarifLog;

describe('SARIF reporter', () => {
  test('renders the fixed report exactly as the golden file', () => {
    const out = renderSarif(fixtureReport(), { color: false });
    expect(out).toBe(golden('sarif.expected.json', out));
  });

  test.each(['sarif-schema-2.1.0.json', 'sarif-schema-2.1.0-errata01.json'])(
    'validates against the published SARIF 2.1.0 schema (%s)',
    (schemaFile) => {
      const validate = validator(schemaFile);
      const log = JSON.parse(renderSarif(fixtureReport(), { color: false }));
      const ok = validate(log);
      expect(validate.errors ?? []).toEqual([]);
      expect(ok).toBe(true);
    },
  );

  test('the schema check rejects a log that breaks it (so the validation above can fail)', () => {
    const validate = validator('sarif-schema-2.1.0.json');
    const log = toSarif(fixtureReport()) as { runs: Array<{ results: Array<Record<string, unknown>> }> };
    log.runs[0]!.results[0]!.level = 'fatal';
    expect(validate(log)).toBe(false);
  });

  test('emits one result per finding of failed and warned rules, none for passing, skipped or errored rules', () => {
    const run = sarifOf(renderSarif(fixtureReport(), { color: false })).runs[0]!;
    expect(run.results.map((r) => r.ruleId)).toEqual([
      'commits-signed',
      'commits-signed',
      'replace-refs-absent',
      'tls-verification-enabled',
      'tls-verification-enabled',
      'fsck-objects-enabled',
    ]);
    expect(run.tool.driver.rules).toHaveLength(fixtureReport().results.length);
  });

  test('maps severities to levels, and a warning to "warning" whatever its severity', () => {
    expect([levelFor('critical'), levelFor('high'), levelFor('medium'), levelFor('low'), levelFor('info')]).toEqual([
      'error',
      'error',
      'warning',
      'note',
      'note',
    ]);
    const run = sarifOf(renderSarif(fixtureReport(), { color: false })).runs[0]!;
    expect(run.results.find((r) => r.ruleId === 'fsck-objects-enabled')!.level).toBe('warning');
    expect(run.results.find((r) => r.ruleId === 'commits-signed')!.level).toBe('error');
  });

  test('carries rule help from the metadata: remediation steps and references, as text and markdown', () => {
    const rule = sarifOf(renderSarif(fixtureReport(), { color: false })).runs[0]!.tool.driver.rules[0]!;
    expect(rule.help.text).toContain('1. git config --global commits-signed.fix true');
    expect(rule.help.markdown).toContain('<https://git-scm.com/docs/git-config>');
    expect(rule.properties.tags).toEqual(['security', 'impersonation']);
    expect(rule.defaultConfiguration.level).toBe('error');
  });

  test('locates file findings relative to the repository root inside it and as file:// URIs outside it, with the line when known', () => {
    const tls = sarifOf(renderSarif(fixtureReport(), { color: false })).runs[0]!.results.filter(
      (r) => r.ruleId === 'tls-verification-enabled',
    );
    expect(tls[0]!.locations[0]!.physicalLocation.artifactLocation.uri).toBe('.git/config');
    expect(tls[1]!.locations[0]!.physicalLocation.artifactLocation.uri).toBe('file:///home/u/.gitconfig');
    expect(tls[1]!.locations[0]!.physicalLocation.region).toEqual({ startLine: 7 });
  });

  test('gives commit and ref findings a logical location naming the full id', () => {
    const run = sarifOf(renderSarif(fixtureReport(), { color: false })).runs[0]!;
    expect(run.results[0]!.locations[0]!.logicalLocations).toEqual([
      { name: C1.slice(0, 12), fullyQualifiedName: C1, kind: 'commit' },
    ]);
    expect(run.results.find((r) => r.ruleId === 'replace-refs-absent')!.locations[0]!.logicalLocations![0]!.kind).toBe(
      'ref',
    );
  });

  test("fingerprints do not change when a finding's message is reworded, and differ between commits", () => {
    const repo = { path: '/src/app', workTree: '/src/app' };
    const a = fingerprint('commits-signed', { commit: C1, message: 'no signature' }, repo);
    expect(fingerprint('commits-signed', { commit: C1, message: 'reworded: unsigned' }, repo)).toBe(a);
    expect(fingerprint('commits-signed', { commit: '3'.repeat(40), message: 'no signature' }, repo)).not.toBe(a);
    expect(fingerprint('signatures-valid', { commit: C1, message: 'no signature' }, repo)).not.toBe(a);
    // the same config file seen from two checkouts of the repository in different folders
    const here = fingerprint(
      'tls-verification-enabled',
      { file: '/src/app/.git/config', message: 'x', evidence: { key: 'http.sslverify', scope: 'local' } },
      repo,
    );
    const there = fingerprint(
      'tls-verification-enabled',
      { file: '/ci/work/app/.git/config', message: 'y', evidence: { key: 'http.sslverify', scope: 'local' } },
      { path: '/ci/work/app', workTree: '/ci/work/app' },
    );
    expect(there).toBe(here);
    const run = sarifOf(renderSarif(fixtureReport(), { color: false })).runs[0]!;
    expect(run.results[0]!.partialFingerprints[FINGERPRINT_KEY]).toMatch(/^[0-9a-f]{64}$/);
  });

  test('makes control characters visible and escapes brackets in messages, so a commit subject cannot become a link', () => {
    const text = sarifOf(renderSarif(fixtureReport(), { color: false })).runs[0]!.results[0]!.message.text;
    expect(text).not.toMatch(/[\u0000\u001b\u202e]/u);
    expect(text).toContain('\\[link\\](http://x)');
  });

  test('reports the exit code and whether the audit ran to completion', () => {
    const inv = sarifOf(renderSarif(fixtureReport(), { color: false })).runs[0]!.invocations[0]!;
    expect(inv).toMatchObject({ exitCode: 1, executionSuccessful: true });
    const incomplete = sarifOf(renderSarif({ ...fixtureReport(), exitCode: 2 }, { color: false })).runs[0]!
      .invocations[0]!;
    expect(incomplete).toMatchObject({ exitCode: 2, executionSuccessful: false });
  });

  test('keeps findings a baseline suppressed, marked with an external suppression, and still schema-valid', () => {
    const report = fixtureReport();
    const suppressed = applyBaseline(report, baselineFrom(report), 'base.json');
    const run = sarifOf(renderSarif(suppressed, { color: false })).runs[0]!;
    expect(run.results.length).toBe(6);
    expect(run.results.every((r) => r.suppressions?.[0]?.kind === 'external')).toBe(true);
    const validate = validator('sarif-schema-2.1.0.json');
    validate(JSON.parse(renderSarif(suppressed, { color: false })));
    expect(validate.errors ?? []).toEqual([]);
  });

  test("a finding's own locations come first: the policy file, every path a commit touches; none climbs out of the root", () => {
    const report = fixtureReport();
    const first = report.results[0]!;
    report.results[0] = {
      ...first,
      findings: [
        { ...first.findings[0]!, locations: [{ file: '.gitguard/policy.yml' }] },
        {
          ...first.findings[1]!,
          locations: [{ file: '.github/workflows' }, { file: 'CODEOWNERS', line: 3 }, { file: '../../etc/passwd' }],
        },
      ],
    };
    const results = sarifOf(renderSarif(report, { color: false })).runs[0]!.results.filter(
      (r) => r.ruleId === 'commits-signed',
    );
    expect(results[0]!.locations.map((l) => l.physicalLocation.artifactLocation.uri)).toEqual(['.gitguard/policy.yml']);
    expect(results[0]!.locations[0]!.logicalLocations![0]!.fullyQualifiedName).toBe(C1);
    expect(results[1]!.locations.map((l) => l.physicalLocation.artifactLocation.uri)).toEqual([
      '.github/workflows',
      'CODEOWNERS',
      'file:///etc/passwd',
    ]);
    expect(results[1]!.locations[1]!.physicalLocation.region).toEqual({ startLine: 3 });
    // Locations are not identity: the fingerprint is the same as without them.
    expect(results[0]!.partialFingerprints[FINGERPRINT_KEY]).toBe(
      fingerprint('commits-signed', first.findings[0]!, report.repository),
    );
    const validate = validator('sarif-schema-2.1.0.json');
    validate(JSON.parse(renderSarif(report, { color: false })));
    expect(validate.errors ?? []).toEqual([]);
  });
});
