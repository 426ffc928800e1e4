// The built binary end to end for the machine formats, several outputs at once, baselines, --quiet,
// and the fail-closed verdict of an audit that looked at nothing.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { makeRepo, tempDir, cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { parseJson, resultOf, runMain, stderrLines, type JsonReport } from '../helpers/cli.js';
import { TRUST_STATUSES } from '../../src/domain/judgement.js';
import { validator } from '../report/sarif-schema.js';

afterAll(cleanupTemp);

// Two rules with findings of both kinds (commits, a config file): fast and independent of the
// machine's git/gpg/ssh versions.
const RULES = ['--rule', 'commits-signed,tls-verification-enabled'];

let repo: TestRepo;
beforeAll(async () => {
  repo = makeRepo();
  repo.commit('first');
  repo.commit('second');
  repo.run(['config', 'http.sslVerify', 'false']);
});

interface Sarif {
  runs: Array<{
    results: Array<{
      ruleId: string;
      partialFingerprints: Record<string, string>;
      locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }>;
      suppressions?: unknown[];
    }>;
    invocations: Array<{ exitCode: number }>;
  }>;
}

describe('gitguard audit --format sarif / junit / markdown', () => {
  test('prints SARIF that validates against the SARIF 2.1.0 schema, with the local config as a relative location', async () => {
    const r = await runMain(['audit', repo.dir, '--format', 'sarif', ...RULES, '--no-ledger'], { env: repo.env });
    expect(r.code).toBe(1);
    const log = JSON.parse(r.stdout) as Sarif;
    const validate = validator('sarif-schema-2.1.0.json');
    validate(log);
    expect(validate.errors ?? []).toEqual([]);
    const run = log.runs[0]!;
    expect(run.results.filter((x) => x.ruleId === 'commits-signed')).toHaveLength(2);
    expect(
      run.results.find((x) => x.ruleId === 'tls-verification-enabled')!.locations[0]!.physicalLocation.artifactLocation
        .uri,
    ).toBe('.git/config');
    expect(run.invocations[0]!.exitCode).toBe(1);
  });

  test('gives the same fingerprints on a second run', async () => {
    const fps = async (): Promise<string[]> =>
      (
        JSON.parse(
          (await runMain(['audit', repo.dir, '--format', 'sarif', ...RULES, '--no-ledger'], { env: repo.env })).stdout,
        ) as Sarif
      ).runs[0]!.results.map((x) => x.partialFingerprints['gitguard/v1']!);
    const first = await fps();
    expect(new Set(first).size).toBe(3);
    expect(await fps()).toEqual(first);
  });

  test('prints text for people and writes SARIF, JUnit, JSON and Markdown files from one run', async () => {
    const out = tempDir();
    const files = {
      sarif: join(out, 'g.sarif'),
      junit: join(out, 'g.xml'),
      json: join(out, 'g.json'),
      markdown: join(out, 'g.md'),
    };
    const r = await runMain(
      [
        'audit',
        repo.dir,
        ...RULES,
        '--no-ledger',
        '--output-sarif',
        files.sarif,
        '--output-junit',
        files.junit,
        '--output-json',
        files.json,
        '--output-markdown',
        files.markdown,
      ],
      { env: repo.env },
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FAIL\s+commits-signed/);
    expect((JSON.parse(readFileSync(files.sarif, 'utf8')) as Sarif).runs[0]!.results).toHaveLength(3);
    const xml = readFileSync(files.junit, 'utf8');
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml.match(/<testcase /g)).toHaveLength(2);
    expect((JSON.parse(readFileSync(files.json, 'utf8')) as JsonReport).exitCode).toBe(1);
    expect(readFileSync(files.markdown, 'utf8')).toContain('❌ **gitguard failed**');
  });

  test('refuses two reports to the same file before auditing', async () => {
    const f = join(tempDir(), 'same');
    const r = await runMain(['audit', repo.dir, '--output-sarif', f, '--output-junit', f], { env: repo.env });
    expect(r.code).toBe(2);
    expect(stderrLines(r)).toEqual([expect.stringContaining(`two reports would be written to ${f}`)]);
  });

  test('--quiet prints only the failed rules and the summary line', async () => {
    const r = await runMain(
      [
        'audit',
        repo.dir,
        '--quiet',
        '--no-ledger',
        '--rule',
        'commits-signed,fsck-objects-enabled,tls-verification-enabled',
      ],
      { env: repo.env },
    );
    expect(r.code).toBe(1);
    expect(r.stdout).not.toMatch(/fsck-objects-enabled/);
    expect(r.stdout).not.toMatch(/^gitguard /m);
    expect(r.stdout).toMatch(/FAIL\s+commits-signed/);
    expect(r.stdout.trim().split('\n').at(-1)).toMatch(/^FAIL {2}0 passed, 2 failed, 1 warning\(s\)/);
  });
});

describe('gitguard baseline write / audit --baseline', () => {
  test("a baseline of today's findings makes the audit pass with them reported as suppressed; a new commit fails again", async () => {
    const r0 = makeRepo();
    r0.commit('old, unsigned');
    r0.run(['config', 'http.sslVerify', 'false']);
    const file = join(tempDir(), 'baseline.json');
    const w = await runMain(['baseline', 'write', file, r0.dir, ...RULES], { env: r0.env });
    expect(w.code).toBe(0);
    expect(w.stdout).toMatch(/wrote 2 finding\(s\) of 2 rule\(s\)/);
    const b = JSON.parse(readFileSync(file, 'utf8')) as { findings: Array<{ rule: string; fingerprint: string }> };
    expect(b.findings.map((f) => f.rule).sort()).toEqual(['commits-signed', 'tls-verification-enabled']);

    const pass = await runMain(['audit', r0.dir, ...RULES, '--no-ledger', '--baseline', file], { env: r0.env });
    expect(pass.code).toBe(0);
    expect(pass.stdout).toMatch(/2 suppressed by baseline/);
    const json = parseJson(
      await runMain(['audit', r0.dir, ...RULES, '--no-ledger', '--baseline', file, '--format', 'json'], {
        env: r0.env,
      }),
    );
    const signed = resultOf(json, 'commits-signed') as ReturnType<typeof resultOf> & {
      suppressedCount?: number;
      findings: Array<{ suppressed?: boolean }>;
    };
    expect(signed.outcome).toBe('pass');
    expect(signed.suppressedCount).toBe(1);
    expect(signed.findings[0]!.suppressed).toBe(true);

    r0.commit('new, unsigned');
    const fail = await runMain(['audit', r0.dir, ...RULES, '--no-ledger', '--baseline', file, '--format', 'sarif'], {
      env: r0.env,
    });
    expect(fail.code).toBe(1);
    const results = (JSON.parse(fail.stdout) as Sarif).runs[0]!.results;
    expect(results.filter((x) => x.suppressions)).toHaveLength(2);
    expect(results.filter((x) => !x.suppressions)).toHaveLength(1);
  });

  test('a missing or malformed baseline is one clear line and exit 2', async () => {
    const missing = await runMain(['audit', repo.dir, '--baseline', join(tempDir(), 'none.json')], { env: repo.env });
    expect(missing.code).toBe(2);
    expect(stderrLines(missing)).toEqual([
      expect.stringMatching(
        /^gitguard: cannot read baseline .*none\.json: no such file; write one with: gitguard baseline write FILE$/,
      ),
    ]);
  });
});

describe('an audit that looked at nothing', () => {
  test('exits 2 with a clear line instead of passing, unless --allow-empty', async () => {
    const empty = makeRepo();
    const r = await runMain(['audit', empty.dir, '--rule', 'commits-signed', '--no-ledger'], { env: empty.env });
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/nothing was audited/);
    expect(stderrLines(r)).toEqual([expect.stringMatching(/^gitguard: nothing was audited: .*--allow-empty/)]);
    const allowed = await runMain(['audit', empty.dir, '--rule', 'commits-signed', '--no-ledger', '--allow-empty'], {
      env: empty.env,
    });
    expect(allowed.code).toBe(0);
  });
});

describe('--help', () => {
  test.each([['audit'], ['verify'], ['rules'], ['baseline', 'write']])(
    'gitguard %s --help shows examples',
    async (...cmd) => {
      const r = await runMain([...cmd, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/gitguard (audit|verify|rules|baseline write|audit --baseline)/);
      expect(r.stdout).toMatch(/Examples:|gitguard baseline write \.gitguard-baseline\.json/);
    },
  );
});

test('gitguard verify --help names every status a verdict can have', async () => {
  const r = await runMain(['verify', '--help']);
  const listed = /^ {2}status: (.*)$/m.exec(r.stdout)?.[1]?.split(', ');
  expect([...(listed ?? [])].sort()).toEqual([...TRUST_STATUSES].sort());
});
