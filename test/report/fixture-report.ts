// A fixed AuditReport built by hand (fixed times, paths, ids) for the reporters' golden-file tests:
// every outcome, findings about commits, refs, files inside and outside the repository, hostile
// strings (terminal escapes, Markdown/HTML/XML syntax, NUL, bidi overrides), and a truncated list.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding, RuleMeta, RuleResult } from '../../src/domain/model.js';
import type { AuditReport } from '../../src/report/types.js';
import { summarise } from '../../src/domain/verdict.js';
import { ROOT } from '../helpers/cli.js';

const meta = (
  id: string,
  threat: RuleMeta['threat'],
  severity: RuleMeta['severity'],
  extra: Partial<RuleMeta> = {},
): RuleMeta => ({
  id,
  threat,
  severity,
  title: `Title of ${id}`,
  description: `What ${id} checks, and why.`,
  remediation: [`git config --global ${id}.fix true`, 'Then audit again'],
  references: ['https://git-scm.com/docs/git-config'],
  ...extra,
});

const result = (
  m: RuleMeta,
  outcome: RuleResult['outcome'],
  findings: Finding[] = [],
  extra: Partial<RuleResult> = {},
): RuleResult => ({
  meta: m,
  outcome,
  severity: m.severity,
  findings,
  findingCount: findings.length,
  ...extra,
});

export const C1 = '1111111111111111111111111111111111111111';
export const C2 = '2222222222222222222222222222222222222222';
export const HOSTILE =
  'evil \u001b[31mred\u001b[0m | `tick` <script>alert(1)</script> & "q" \u0000nul \u202eRTL [link](http://x) @admin';

export function fixtureReport(): AuditReport {
  const results: RuleResult[] = [
    result(
      meta('commits-signed', 'impersonation', 'high'),
      'fail',
      [
        {
          commit: C1,
          message: `no signature: "${HOSTILE}" by Mallory <m@example.com>`,
          evidence: { subject: HOSTILE },
        },
        { commit: C2, message: 'no signature: "second" by Alice <a@example.com>' },
      ],
      { findingCount: 5, note: '5 of 9 commits have no signature' },
    ),
    result(meta('signatures-valid', 'impersonation', 'critical', { references: ['README.md#trust-policy'] }), 'pass'),
    result(meta('replace-refs-absent', 'history', 'high'), 'fail', [
      {
        ref: `refs/replace/${C1}`,
        message: `refs/replace/${C1} replaces ${C1} with ${C2}`,
        evidence: { replaced: C1, replacement: C2 },
      },
    ]),
    result(meta('history-complete', 'history', 'medium'), 'not-applicable', [], { note: 'HEAD has no commits yet' }),
    result(meta('tls-verification-enabled', 'protections', 'high'), 'fail', [
      {
        file: '/src/app/.git/config',
        message: 'http.sslverify=false in local config (/src/app/.git/config)',
        evidence: { key: 'http.sslverify', value: 'false', scope: 'local', origin: 'file:/src/app/.git/config' },
      },
      {
        file: '/home/u/.gitconfig',
        message: 'http.https://x/.sslverify=false in global config',
        evidence: { key: 'http.https://x/.sslverify', value: 'false', scope: 'global', line: 7 },
      },
    ]),
    result(meta('fsck-objects-enabled', 'protections', 'medium'), 'warn', [
      {
        message: 'transfer.fsckObjects is not set: objects are not checked on fetch',
        evidence: { key: 'transfer.fsckobjects', value: null, scope: 'none' },
      },
    ]),
    result(meta('credentials-not-stored-in-plaintext', 'protections', 'low'), 'error', [], {
      note: 'rule credentials-not-stored-in-plaintext failed: <boom>',
    }),
    result(meta('git-client-patched', 'client', 'high'), 'not-available', [], { note: 'git --version failed' }),
  ];
  return {
    schemaVersion: 1,
    tool: { name: 'gitguard', version: '0.1.0' },
    repository: {
      path: '/src/app',
      gitDir: '/src/app/.git',
      workTree: '/src/app',
      bare: false,
      shallow: false,
      objectFormat: 'sha1',
      head: { ref: 'refs/heads/main', oid: C1 },
    },
    scope: { description: 'HEAD (refs/heads/main)', commits: 9 },
    startedAt: '2026-11-25T14:00:00.000Z',
    durationMs: 1234,
    failOn: 'low',
    results,
    summary: summarise(results),
    exitCode: 1,
  };
}

/** Compares with test/golden/<name>; UPDATE_GOLDEN=1 rewrites the file instead. */
export function golden(name: string, actual: string): string {
  const file = join(ROOT, 'test', 'golden', name);
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(file, actual);
  return readFileSync(file, 'utf8');
}
