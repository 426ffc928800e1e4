// secrets-not-in-history and security-policy-present end to end: real repositories, the built
// binary, every report format. Tokens are built at run time (test/helpers/secrets.ts).
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeRepo, tempDir, cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { parseJson, resultOf, runMain, hasStackTrace } from '../helpers/cli.js';
import { TokenFactory } from '../helpers/secrets.js';

afterAll(cleanupTemp);

const SECRETS = ['--rule', 'secrets-not-in-history', '--no-ledger'];
type Finding = {
  message: string;
  commit?: string;
  file?: string;
  suppressed?: boolean;
  suppressedBy?: string;
  evidence?: Record<string, unknown>;
};

describe('secrets-not-in-history', () => {
  const f = new TokenFactory(2026);
  const token = f.checksummed(`gh${'p'}_`);
  let repo: TestRepo;
  let leaked: string;
  beforeAll(async () => {
    repo = makeRepo();
    repo.commit('first', { 'README.md': '# demo\n' });
    leaked = repo.commit('add deploy config', { 'config/deploy.env': `HOST=example.org\nGITHUB_TOKEN=${token}\n` });
    repo.commit('unrelated', { 'src/a.txt': 'a\n' });
    repo.commit('remove the token', { 'config/deploy.env': 'HOST=example.org\n' });
  });

  test('a token committed and removed two commits later fails, naming the commit and path, and no format prints it', async () => {
    const outDir = tempDir();
    const files = {
      text: join(outDir, 'r.txt'),
      json: join(outDir, 'r.json'),
      sarif: join(outDir, 'r.sarif'),
      junit: join(outDir, 'r.xml'),
      markdown: join(outDir, 'r.md'),
    };
    const r = await runMain(
      [
        'audit',
        repo.dir,
        ...SECRETS,
        '-v',
        '--output-text',
        files.text,
        '--output-json',
        files.json,
        '--output-sarif',
        files.sarif,
        '--output-junit',
        files.junit,
        '--output-markdown',
        files.markdown,
      ],
      { env: repo.env },
    );
    expect(r.code).toBe(1);
    const json = JSON.parse(readFileSync(files.json, 'utf8'));
    const res = resultOf(json, 'secrets-not-in-history');
    expect(res.outcome).toBe('fail');
    expect(res.meta).toMatchObject({ threat: 'protections', severity: 'high' });
    expect(res.findings).toHaveLength(1);
    const finding = res.findings[0] as Finding;
    expect(finding.commit).toBe(leaked);
    expect(finding.file).toBe('config/deploy.env');
    expect(finding.evidence).toMatchObject({
      path: 'config/deploy.env',
      line: 2,
      kind: 'github-pat',
      secret: `ghp_…(40 chars)`,
      fingerprint: `${leaked}:config/deploy.env:github-pat:2`,
    });
    expect(r.stdout).toContain(leaked.slice(0, 12));
    expect(r.stdout).toContain('config/deploy.env:2');
    for (const out of [r.stdout, r.stderr, ...Object.values(files).map((p) => readFileSync(p, 'utf8'))]) {
      expect(out).not.toContain(token);
      expect(out).not.toContain(token.slice(4)); // not even without its prefix
      expect(out).not.toContain(token.slice(8, 24));
    }
  });

  test('the same file version reached twice (a revert) is scanned once; a binary file is read for its text, counted', async () => {
    const r2 = makeRepo();
    r2.commit('one', { 'a.env': `T=${token}\n` });
    r2.commit('two', { 'a.env': 'T=\n' });
    r2.run(['revert', '--no-edit', 'HEAD']);
    writeFileSync(
      join(r2.dir, 'logo.png'),
      Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0]), Buffer.from(`T=${token}\n`)]),
    );
    r2.commit('binary');
    const json = parseJson(await runMain(['audit', r2.dir, ...SECRETS, '--format', 'json'], { env: r2.env }));
    const res = resultOf(json, 'secrets-not-in-history');
    // once in a.env (not again at the revert), once in the binary logo.png (a push publishes it)
    expect(res.findingCount).toBe(2);
    expect(res.note).toMatch(/4 commit\(s\).*\(and 1 binary, for their printable text\); skipped 1 already scanned/);
  });

  test('gitguard baseline write records it and audit --baseline suppresses it', async () => {
    const file = join(tempDir(), 'baseline.json');
    const w = await runMain(['baseline', 'write', file, repo.dir, '--rule', 'secrets-not-in-history'], {
      env: repo.env,
    });
    expect(w.code).toBe(0);
    expect(readFileSync(file, 'utf8')).not.toContain(token);
    const r = await runMain(['audit', repo.dir, ...SECRETS, '--baseline', file, '--format', 'json'], { env: repo.env });
    expect(r.code).toBe(0);
    const res = resultOf(parseJson(r), 'secrets-not-in-history') as ReturnType<typeof resultOf> & {
      suppressedCount?: number;
    };
    expect(res.outcome).toBe('pass');
    expect(res.suppressedCount).toBe(1);
    expect((res.findings[0] as Finding).suppressed).toBe(true);
  });

  test("the policy's secrets.allow excuses by path glob and by fingerprint, reported as suppressed", async () => {
    for (const allow of [
      '  allow:\n    - path: "config/**"\n      reason: throw-away fixture\n',
      `  allow:\n    - fingerprint: "${leaked}:config/deploy.env:github-pat:1"\n      reason: revoked on 2026-01-02\n`,
    ]) {
      const r2 = makeRepo();
      r2.commit('leak', { 'config/deploy.env': `GITHUB_TOKEN=${token}\n` });
      const id = r2.run(['rev-parse', 'HEAD']);
      r2.commit('policy', { '.gitguard/policy.yml': `version: 1\nsecrets:\n${allow.replace(leaked, id)}` });
      const r = await runMain(['audit', r2.dir, ...SECRETS, '--format', 'json'], { env: r2.env });
      expect([r.code, r.stderr]).toEqual([0, '']);
      const res = resultOf(parseJson(r), 'secrets-not-in-history');
      expect(res.outcome).toBe('pass');
      expect(res.findings).toHaveLength(1);
      const f0 = res.findings[0] as Finding;
      expect(f0.suppressed).toBe(true);
      expect(f0.suppressedBy).toMatch(/^policy secrets\.allow: (throw-away fixture|revoked on 2026-01-02)$/);
      const text = await runMain(['audit', r2.dir, ...SECRETS, '-v'], { env: r2.env });
      expect(text.stdout).toMatch(/suppressed by policy secrets\.allow/);
      expect(text.stdout).not.toContain(token);
    }
  });

  test('a fingerprint without a reason is a policy error, not a silent excuse', async () => {
    const r2 = makeRepo();
    r2.commit('policy', {
      '.gitguard/policy.yml': `version: 1\nsecrets:\n  allow:\n    - fingerprint: "${'a'.repeat(40)}:x:github-pat:1"\n`,
    });
    const r = await runMain(['audit', r2.dir, ...SECRETS, '--format', 'json'], { env: r2.env });
    expect(hasStackTrace(r)).toBe(false);
    // The rule reads the walk's answer for the policy at HEAD (is its change vetted?): a policy at the
    // tip that cannot be read stops the audit there, as in a full audit (exit 2, one line).
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/secrets\.allow\[0\]: reason: missing.*fix \.gitguard\/policy\.yml/);
  });

  test("the repository's diff drivers, textconv and attributes run nothing and hide nothing", async () => {
    const r2 = makeRepo();
    const marker = join(tempDir(), 'pwned');
    r2.run(['config', 'diff.evil.textconv', `sh -c 'touch ${marker}; echo clean'`]);
    r2.run(['config', 'diff.external', `sh -c 'touch ${marker}'`]);
    r2.run(['config', 'core.pager', `sh -c 'touch ${marker}'`]);
    r2.commit('attributes', { '.gitattributes': '* diff=evil\n*.env -diff\n' });
    const leak = r2.commit('leak', { 'prod.env': `TOKEN=${token}\n` });
    const r = await runMain(['audit', r2.dir, ...SECRETS, '--format', 'json'], { env: r2.env });
    expect(hasStackTrace(r)).toBe(false);
    const res = resultOf(parseJson(r), 'secrets-not-in-history');
    expect(res.findings.map((x) => [x.commit, x.file])).toEqual([[leak, 'prod.env']]);
    expect(() => readFileSync(marker)).toThrow();
  });

  test("the generic high-entropy detector runs only with --secrets-entropy or the policy's secrets.entropy", async () => {
    const r2 = makeRepo();
    r2.commit('config', { 'app.yml': `client_secret: "${f.base64(40)}"\n` });
    expect((await runMain(['audit', r2.dir, ...SECRETS], { env: r2.env })).code).toBe(0);
    const on = resultOf(
      parseJson(await runMain(['audit', r2.dir, ...SECRETS, '--secrets-entropy', '--format', 'json'], { env: r2.env })),
      'secrets-not-in-history',
    );
    expect([on.outcome, on.findings[0]?.evidence?.kind]).toEqual(['fail', 'generic-high-entropy']);
    r2.commit('policy', { '.gitguard/policy.yml': 'version: 1\nsecrets:\n  entropy: true\n' });
    expect((await runMain(['audit', r2.dir, ...SECRETS], { env: r2.env })).code).toBe(1);
  });

  test('a clean history passes', async () => {
    const r2 = makeRepo();
    r2.commit('one', {
      'package-lock.json': `{"integrity": "sha512-${f.base64(86)}=="}\n`,
      'a.txt': 'token = "your_token_here"\n',
    });
    const r = await runMain(['audit', r2.dir, ...SECRETS], { env: r2.env });
    expect(r.code).toBe(0);
  });
});

describe('security-policy-present', () => {
  const RULE = ['--rule', 'security-policy-present', '--no-ledger', '--format', 'json'];
  test('fails without SECURITY.md, passes with .github/SECURITY.md, reads HEAD and not the work tree', async () => {
    const r = makeRepo();
    r.commit('one', { 'README.md': '# x\n' });
    r.write({ 'SECURITY.md': 'not committed\n' });
    const without = await runMain(['audit', r.dir, ...RULE], { env: r.env });
    expect(without.code).toBe(1);
    expect(resultOf(parseJson(without), 'security-policy-present').findings[0]!.message).toMatch(
      /no SECURITY\.md at the root, in \.github\/ or in docs\//,
    );
    rmSync(join(r.dir, 'SECURITY.md'));
    r.commit('empty', { '.github/SECURITY.md': '\n  \n' });
    const empty = await runMain(['audit', r.dir, ...RULE], { env: r.env });
    expect(empty.code).toBe(1);
    expect(resultOf(parseJson(empty), 'security-policy-present').findings[0]!.message).toMatch(
      /\.github\/SECURITY\.md .* is empty/,
    );
    r.commit('policy', { '.github/SECURITY.md': 'Report vulnerabilities to security@example.com.\n' });
    const ok = await runMain(['audit', r.dir, ...RULE], { env: r.env });
    expect(ok.code).toBe(0);
    expect(resultOf(parseJson(ok), 'security-policy-present').outcome).toBe('pass');
  });

  test('looks in .github/, the root and docs/ (in that order), and nowhere else', async () => {
    const r = makeRepo();
    // Elsewhere does not count, nor a folder named like the file.
    r.commit('elsewhere', { 'other/SECURITY.md': 'Report to a@example.com\n', 'security.md/x': 'x\n' });
    const elsewhere = await runMain(['audit', r.dir, ...RULE], { env: r.env });
    expect(elsewhere.code).toBe(1);
    expect(resultOf(parseJson(elsewhere), 'security-policy-present').findings.map((f) => f.file)).toEqual([
      'security.md',
    ]);
    r.commit('three', {
      'docs/Security.md': 'Report to docs@example.com\n',
      'SECURITY.md': 'Report to root@example.com\n',
      '.github/security.MD': 'Report to github@example.com\n',
    });
    const three = await runMain(['audit', r.dir, ...RULE], { env: r.env });
    expect(three.code).toBe(0);
    expect(resultOf(parseJson(three), 'security-policy-present').note).toMatch(/^\.github\/security\.MD /);
    r.commit('github empty', { '.github/security.MD': '' });
    const rootWins = await runMain(['audit', r.dir, ...RULE], { env: r.env });
    expect(resultOf(parseJson(rootWins), 'security-policy-present').note).toMatch(/^SECURITY\.md /);
    r.commit('root empty', { 'SECURITY.md': ' \n' });
    const docsWins = await runMain(['audit', r.dir, ...RULE], { env: r.env });
    expect(resultOf(parseJson(docsWins), 'security-policy-present').note).toMatch(/^docs\/Security\.md /);
  });
});
