// SARIF 2.1.0 for code scanning (GitHub, Azure DevOps...). One reportingDescriptor per rule (prose
// from rules/<id>.json), one result per finding of a failed or warned rule, each with a location (the
// file for config/policy/hook findings; for commits and refs a logical location, plus the repository
// itself as the physical location GitHub requires) and a stable partialFingerprint (fingerprint.ts)
// so re-uploads update alerts instead of duplicating them. Findings a baseline suppressed are kept,
// with `suppressions`. Validated against the published schema in test/report/sarif.test.ts.
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Finding, RuleResult, Severity } from '../domain/model.js';
import { FINGERPRINT_KEY, fingerprint, relativeToRoot, repositoryRoot } from './fingerprint.js';
import type { AuditReport, Reporter } from './types.js';
import { escapeText, toSafeJson } from '../domain/escape.js';
import { leftOutText } from '../domain/finding-bounds.js';

type Level = 'error' | 'warning' | 'note' | 'none';

const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

export function levelFor(severity: Severity): Level {
  if (severity === 'critical' || severity === 'high') return 'error';
  if (severity === 'medium') return 'warning';
  return 'note';
}

/** GitHub's security-severity scale (0-10), from the rule's severity. */
const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
  info: '0.0',
};

/** A plain-text SARIF message: control characters made visible, and square brackets escaped, since
 *  SARIF viewers (GitHub among them) turn "[text](target)" in a message into a link (SARIF 3.11.6). */
const sarifText = (s: string): string => escapeText(s, 1000).replace(/[[\]]/g, (c) => `\\${c}`);

const isUrl = (s: string): boolean => /^https?:\/\/[^\s<>]+$/.test(s);

const pascal = (id: string): string =>
  id
    .split('-')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');

/** Text that ends up inside Markdown (help.markdown): neutralise HTML and backticks. */
const mdInline = (s: string): string => s.replace(/[<>&]/g, (c) => (c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&amp;'));

function ruleDescriptor(r: RuleResult): Record<string, unknown> {
  const m = r.meta;
  const helpText = [
    m.description,
    '',
    'Remediation:',
    ...m.remediation.map((step, i) => `${i + 1}. ${step}`),
    ...(m.references.length ? ['', 'References:', ...m.references.map((ref) => `- ${ref}`)] : []),
  ].join('\n');
  const helpMarkdown = [
    mdInline(m.description),
    '',
    '**Remediation**',
    '',
    ...m.remediation.map((step, i) => `${i + 1}. \`\`${step.replace(/`/g, "'")}\`\``),
    ...(m.references.length
      ? ['', '**References**', '', ...m.references.map((ref) => (isUrl(ref) ? `- <${ref}>` : `- ${mdInline(ref)}`))]
      : []),
  ].join('\n');
  return {
    id: m.id,
    name: pascal(m.id),
    shortDescription: { text: m.title },
    fullDescription: { text: m.description },
    help: { text: helpText, markdown: helpMarkdown },
    ...(m.references.find(isUrl) ? { helpUri: m.references.find(isUrl) } : {}),
    defaultConfiguration: { level: levelFor(m.severity) },
    properties: {
      tags: ['security', m.threat],
      threat: m.threat,
      severity: m.severity,
      'security-severity': SECURITY_SEVERITY[m.severity],
      precision: 'high',
    },
  };
}

/** A file as a SARIF URI: relative to the repository root when inside it, else file://. */
function fileUri(file: string, root: string): string {
  // A relative path is taken from the root; one that climbs out of it ("../x") is named absolutely.
  const abs = isAbsolute(file) ? file : resolve(root, file);
  return relativeToRoot(abs, root)?.split('/').map(encodeURIComponent).join('/') ?? pathToFileURL(abs).href;
}

const validLine = (line: unknown): line is number => typeof line === 'number' && Number.isInteger(line) && line > 0;

/**
 * Where a finding applies, most relevant first: the places the rule named (a config file and the line
 * that sets the key, the paths a commit touches, the policy file), else the file it is about, else
 * the repository root (code scanning rejects a result without a physical location). Commits and refs
 * are also logical locations.
 */
function locations(f: Finding, report: AuditReport): Array<Record<string, unknown>> {
  const root = repositoryRoot(report.repository);
  const logical: Array<Record<string, string>> = [];
  if (f.commit) logical.push({ name: f.commit.slice(0, 12), fullyQualifiedName: f.commit, kind: 'commit' });
  if (f.ref) logical.push({ name: f.ref, fullyQualifiedName: f.ref, kind: 'ref' });
  const about = f.commit ? `commit ${f.commit}` : f.ref ? `ref ${f.ref}` : undefined;
  const places = f.locations?.length
    ? f.locations
    : f.file
      ? [{ file: f.file, ...(validLine(f.evidence?.line) ? { line: f.evidence.line } : {}) }]
      : [];
  const physical = places.length
    ? places.map((p) => ({
        artifactLocation: { uri: fileUri(p.file, root) },
        ...(validLine(p.line) ? { region: { startLine: p.line } } : {}),
      }))
    : [{ artifactLocation: { uri: '.', description: { text: sarifText(about ?? 'the repository') } } }];
  return physical.map((physicalLocation, i) => ({
    physicalLocation,
    ...(i === 0 && logical.length ? { logicalLocations: logical } : {}),
  }));
}

function resultsFor(r: RuleResult, ruleIndex: number, report: AuditReport): Array<Record<string, unknown>> {
  const gated = r.outcome === 'fail' || r.outcome === 'warn';
  const outcome = r.baselineOutcome ?? r.outcome;
  if (!gated && !r.suppressedCount) return [];
  const level: Level = outcome === 'warn' ? 'warning' : levelFor(r.severity);
  // A failed rule without findings still says why (its note), at the rule itself.
  const findings: Finding[] = r.findings.length ? r.findings : [{ message: r.note ?? r.meta.title }];
  return findings.map((f) => ({
    ruleId: r.meta.id,
    ruleIndex,
    level,
    message: { text: sarifText(f.message + leftOutText(f)) },
    locations: locations(f, report),
    partialFingerprints: { [FINGERPRINT_KEY]: fingerprint(r.meta.id, f, report.repository) },
    ...(f.suppressed
      ? {
          suppressions: [
            f.suppressedBy
              ? { kind: 'inSource', justification: sarifText(f.suppressedBy) }
              : { kind: 'external', justification: `recorded in the baseline ${report.baseline?.file ?? ''}`.trim() },
          ],
        }
      : {}),
    properties: {
      outcome,
      severity: r.severity,
      ...(f.evidence ? { evidence: f.evidence } : {}),
      ...(f.locationsLeftOut ? { locationsLeftOut: f.locationsLeftOut } : {}),
    },
  }));
}

function notifications(report: AuditReport): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  report.results.forEach((r, index) => {
    const rule = { id: r.meta.id, index };
    if (r.outcome === 'error' || r.outcome === 'not-available') {
      out.push({
        level: r.outcome === 'error' ? 'error' : 'warning',
        message: { text: sarifText(`${r.meta.id}: ${r.outcome}${r.note ? `: ${r.note}` : ''}`) },
        associatedRule: rule,
      });
    }
    const omitted = r.findingCount - r.findings.length;
    if (omitted > 0)
      out.push({
        level: 'note',
        message: { text: `${r.meta.id}: ${omitted} more finding(s) not listed (raise --max-findings)` },
        associatedRule: rule,
      });
  });
  if (report.incomplete) out.push({ level: 'error', message: { text: report.incomplete } });
  return out;
}

export function toSarif(report: AuditReport): Record<string, unknown> {
  const end = new Date(Date.parse(report.startedAt) + report.durationMs).toISOString();
  const notes = notifications(report);
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: report.tool.name,
            version: report.tool.version,
            semanticVersion: report.tool.version,
            rules: report.results.map(ruleDescriptor),
          },
        },
        invocations: [
          {
            executionSuccessful: report.exitCode !== 2,
            exitCode: report.exitCode,
            startTimeUtc: report.startedAt,
            endTimeUtc: end,
            ...(notes.length ? { toolExecutionNotifications: notes } : {}),
          },
        ],
        results: report.results.flatMap((r, i) => resultsFor(r, i, report)),
        properties: {
          scope: report.scope.description,
          commits: report.scope.commits,
          failOn: report.failOn,
          summary: report.summary,
          ...(report.baseline ? { baseline: report.baseline } : {}),
        },
      },
    ],
  };
}

/** JSON.stringify escapes C0 controls; C1, DEL and bidi controls are escaped too, as in the JSON report. */
export const renderSarif: Reporter = (report) => `${toSafeJson(toSarif(report))}\n`;
