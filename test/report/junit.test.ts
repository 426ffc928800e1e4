import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { renderJunit, xmlEscape } from '../../src/report/junit.js';
import { applyBaseline, baselineFrom } from '../../src/engine/baseline.js';
import { fixtureReport, golden } from './fixture-report.js';

interface Case {
  '@_classname': string;
  '@_name': string;
  failure?: { '@_message': string; '#text'?: string };
  error?: unknown;
  skipped?: unknown;
  'system-out'?: string;
}
interface Suite {
  '@_name': string;
  '@_tests': string;
  '@_failures': string;
  testcase: Case | Case[];
}
interface Doc {
  testsuites: {
    '@_tests': string;
    '@_failures': string;
    '@_errors': string;
    '@_skipped': string;
    testsuite: Suite | Suite[];
  };
}

const asArray = <T>(x: T | T[]): T[] => (Array.isArray(x) ? x : [x]);

function parse(xml: string): { doc: Doc; cases: Case[] } {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new Error(`not well-formed XML: ${JSON.stringify(valid)}`);
  const doc = new XMLParser({ ignoreAttributes: false, processEntities: true }).parse(xml) as Doc;
  const cases = asArray(doc.testsuites.testsuite).flatMap((s) => asArray(s.testcase));
  return { doc, cases };
}

describe('JUnit reporter', () => {
  test('renders the fixed report exactly as the golden file', () => {
    const out = renderJunit(fixtureReport(), { color: false });
    expect(out).toBe(golden('junit.expected.xml', out));
  });

  test('parses as XML and has one testcase per rule, with the threat as classname', () => {
    const report = fixtureReport();
    const { doc, cases } = parse(renderJunit(report, { color: false }));
    expect(cases).toHaveLength(report.results.length);
    expect(cases.map((c) => c['@_name'].split(':')[0])).toEqual(report.results.map((r) => r.meta.id));
    expect(cases.map((c) => c['@_classname'])).toEqual(report.results.map((r) => r.meta.threat));
    expect(doc.testsuites['@_tests']).toBe(String(report.results.length));
    expect([doc.testsuites['@_failures'], doc.testsuites['@_errors'], doc.testsuites['@_skipped']]).toEqual([
      '3',
      '1',
      '2',
    ]);
  });

  test('a failed rule has a failure with its findings, an errored one an error, skipped ones skipped, a warning system-out', () => {
    const { cases } = parse(renderJunit(fixtureReport(), { color: false }));
    const byId = (id: string): Case => cases.find((c) => c['@_name'].startsWith(`${id}:`))!;
    expect(byId('commits-signed').failure!['#text']).toContain('2222222222222222222222222222222222222222'.slice(0, 12));
    expect(byId('commits-signed').failure!['@_message']).toBe('5 finding(s): 5 of 9 commits have no signature');
    expect(byId('credentials-not-stored-in-plaintext').error).toBeDefined();
    expect(byId('history-complete').skipped).toBeDefined();
    expect(byId('git-client-patched').skipped).toBeDefined();
    expect(byId('fsck-objects-enabled')['system-out']).toContain('transfer.fsckObjects is not set');
    expect(byId('signatures-valid').failure).toBeUndefined();
  });

  test('escapes markup and writes characters XML 1.0 cannot carry as visible escapes', () => {
    expect(xmlEscape('a<b>&"\'')).toBe('a&lt;b&gt;&amp;&quot;&apos;');
    expect(xmlEscape('nul\u0000 esc\u001b lone\ud800 ok\ud83d\ude00')).toBe(
      'nul\\x00 esc\\x1b lone\\xd800 ok\ud83d\ude00',
    );
    const xml = renderJunit(fixtureReport(), { color: false });
    expect(xml).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/u);
    expect(xml).not.toContain('<script>');
  });

  test('a rule whose findings a baseline all suppresses passes, saying so', () => {
    const report = fixtureReport();
    const { cases } = parse(renderJunit(applyBaseline(report, baselineFrom(report), 'b.json'), { color: false }));
    const tls = cases.find((c) => c['@_name'].startsWith('tls-verification-enabled:'))!;
    expect(tls.failure).toBeUndefined();
    expect(tls['system-out']).toContain('2 finding(s) suppressed by baseline');
  });
});
