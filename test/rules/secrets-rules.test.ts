// secrets-not-in-history and security-policy-present over hand-built facts (the scan and the
// SECURITY.md lookup are tested on real repositories in test/cli/secrets.test.ts).
import secretsRule from '../../src/rules/secrets-not-in-history.js';
import securityRule from '../../src/rules/security-policy-present.js';
import { available, unavailable, type Facts } from '../../src/domain/model.js';
import type { SecretsFacts } from '../../src/domain/content.js';
import { evaluate, factsWith, policyWith, runTable } from '../helpers/facts.js';
import { emptySecretsFacts } from '../helpers/secrets.js';

const C = 'c'.repeat(40);
const leak = (path: string, line = 3, kind = 'github-pat') => ({
  kind,
  title: 'GitHub personal access token (classic)',
  line,
  redacted: 'ghp_…(40 chars)',
  commit: C,
  path,
});
const scan = (over: Partial<SecretsFacts> = {}): SecretsFacts =>
  emptySecretsFacts({ commits: 3, scanned: 5, skipped: { binary: 1, oversized: 1, repeated: 2 }, ...over });
const withSecrets = (s: SecretsFacts, allow?: NonNullable<Facts['policy']>): Facts =>
  factsWith({ secrets: available(s), ...(allow ? { policy: allow } : {}) });
const policyAllowing = (allow: Array<{ path: string; reason?: string } | { fingerprint: string; reason: string }>) =>
  available(policyWith({ signers: [], secrets: { allow, entropy: false } }));

describe('secrets-not-in-history', () => {
  runTable(secretsRule, [
    { name: 'passes a clean scan', facts: withSecrets(scan()), outcome: 'pass' },
    {
      name: 'fails on a leak, naming commit, path and line, redacted',
      facts: withSecrets(scan({ leaks: [leak('a/b.env')] })),
      outcome: 'fail',
      mentions: [`committed in ${C.slice(0, 12)} at a/b.env:3: ghp_…(40 chars)`],
      findings: 1,
    },
    { name: 'not applicable with no commits', facts: withSecrets(scan({ commits: 0 })), outcome: 'not-applicable' },
    {
      name: 'not available when the scan failed',
      facts: factsWith({ secrets: unavailable('git log failed') }),
      outcome: 'not-available',
    },
    {
      name: 'leaks beyond the kept ones still fail',
      facts: withSecrets(scan({ more: 2 })),
      outcome: 'fail',
      findings: 2,
    },
  ]);

  test('the note counts what was scanned (binary and large files for their text) and skipped', () => {
    expect(evaluate(secretsRule, withSecrets(scan())).note).toBe(
      '3 commit(s), 5 file version(s) scanned (and 1 binary, 1 larger than 8 MiB, for their printable text); skipped 2 already scanned',
    );
  });

  test('evidence: kind, path, line, redacted secret and the fingerprint commit:path:kind:line', () => {
    const f = evaluate(secretsRule, withSecrets(scan({ leaks: [leak('x.txt', 7)] }))).findings![0]!;
    expect(f).toMatchObject({
      commit: C,
      file: 'x.txt',
      evidence: {
        path: 'x.txt',
        line: 7,
        kind: 'github-pat',
        secret: 'ghp_…(40 chars)',
        fingerprint: `${C}:x.txt:github-pat:7`,
      },
    });
  });

  test('secrets.allow: a path glob and a fingerprint suppress (kept, marked), anything else still fails', () => {
    const facts = withSecrets(
      scan({ leaks: [leak('test/fixtures/a.pem'), leak('src/x.ts', 9), leak('src/y.ts')] }),
      policyAllowing([{ path: 'test/fixtures/**' }, { fingerprint: `${C}:src/x.ts:github-pat:9`, reason: 'revoked' }]),
    );
    const ev = evaluate(secretsRule, facts);
    expect(ev.outcome).toBe('fail');
    expect(ev.findingCount).toBe(3);
    expect(ev.suppressedCount).toBe(2);
    expect(ev.findings!.map((f) => [f.file, f.suppressed ?? false, f.suppressedBy ?? ''])).toEqual([
      ['src/y.ts', false, ''],
      ['test/fixtures/a.pem', true, 'policy secrets.allow: path test/fixtures/**'],
      ['src/x.ts', true, 'policy secrets.allow: revoked'],
    ]);
    const allExcused = evaluate(
      secretsRule,
      withSecrets(
        scan({ leaks: [leak('test/fixtures/a.pem')] }),
        policyAllowing([{ path: 'test/**', reason: 'fixtures' }]),
      ),
    );
    expect(allExcused.outcome).toBe('pass');
    expect(allExcused.note).toMatch(/1 excused by the policy's secrets\.allow/);
  });

  test('a glob does not cross segments with a single star', () => {
    const ev = evaluate(
      secretsRule,
      withSecrets(scan({ leaks: [leak('test/deep/a.pem')] }), policyAllowing([{ path: 'test/*.pem' }])),
    );
    expect(ev.outcome).toBe('fail');
  });
});

describe('security-policy-present', () => {
  const sp = (files: Array<{ path: string; size: number; empty: boolean }>, commit: string | null = C) =>
    factsWith({ securityPolicy: available({ ...(commit ? { commit } : {}), files }) });
  runTable(securityRule, [
    {
      name: 'passes with .github/SECURITY.md',
      facts: sp([{ path: '.github/SECURITY.md', size: 120, empty: false }]),
      outcome: 'pass',
    },
    {
      name: 'passes when one of several is not empty',
      facts: sp([
        { path: '.github/SECURITY.md', size: 0, empty: true },
        { path: 'docs/SECURITY.md', size: 50, empty: false },
      ]),
      outcome: 'pass',
    },
    {
      name: 'fails without one',
      facts: sp([]),
      outcome: 'fail',
      mentions: ['no SECURITY.md at the root, in .github/ or in docs/'],
    },
    {
      name: 'fails when it is empty',
      facts: sp([{ path: 'SECURITY.md', size: 3, empty: true }]),
      outcome: 'fail',
      mentions: ['SECURITY.md at cccccccccccc is empty'],
    },
    { name: 'not applicable before the first commit', facts: sp([], null), outcome: 'not-applicable' },
    {
      name: 'not available when HEAD could not be read',
      facts: factsWith({ securityPolicy: unavailable('bad tree') }),
      outcome: 'not-available',
    },
  ]);
});
