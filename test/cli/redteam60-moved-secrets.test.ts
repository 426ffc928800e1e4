// Red team 60: a leak was reported only where the scan first read its file version. `git log -p`
// prints no line of a file renamed as it was, and the scan skips a blob it has read before; but a
// leak's path decides whether it fails (a vendored dependency tree, a `secrets.allow` path glob). An
// AWS key pair committed under node_modules/ (vendored: not failing), then moved or copied to src/
// as it was, passed while `git show HEAD:src/config.js` printed it; a fixture a path glob excused,
// moved out of the fixtures, passed the same way; and so did a re-audit from the checkpoint after a
// new commit moved it. Each copy is now reported where it lies (a fingerprint that excused the first
// finding excuses its copies: the same bytes).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTemp, makeRepo, type TestRepo } from '../helpers/repo.js';
import { parseJson, resultOf, runMain, type JsonReport } from '../helpers/cli.js';
import { TokenFactory } from '../helpers/secrets.js';

afterAll(cleanupTemp);

const pair = new TokenFactory(6060).awsPair();
const CONFIG = `const id = "${pair.id}";\nconst secret = "aws_secret_access_key = ${pair.secret}";\n`;
const VENDORED = 'node_modules/aws-helper/config.js';

type Found = { outcome: string; code: number; open: string[]; suppressed: string[]; walk?: { incremental: boolean } };

async function audit(r: TestRepo, ...extra: string[]): Promise<Found> {
  const res = await runMain(
    ['audit', r.dir, '--no-ledger', '-r', 'secrets-not-in-history', '--format', 'json', ...extra],
    {
      env: r.env,
    },
  );
  const report = parseJson<JsonReport & { walk?: { incremental: boolean } }>(res);
  const result = resultOf(report, 'secrets-not-in-history');
  const at = (suppressed: boolean): string[] =>
    (result.findings as Array<{ file?: string; suppressed?: boolean }>)
      .filter((f) => !!f.suppressed === suppressed)
      .map((f) => `${f.file}`);
  return {
    outcome: result.outcome,
    code: res.code,
    open: at(false),
    suppressed: at(true),
    ...(report.walk ? { walk: report.walk } : {}),
  };
}

/** git's own answer: the files of HEAD that hold the key id. */
const holding = (r: TestRepo): string[] =>
  r
    .run(['grep', '-l', pair.id, 'HEAD'])
    .split('\n')
    .map((l) => l.replace(/^HEAD:/, ''));

function vendoredRepo(): TestRepo {
  const r = makeRepo();
  r.commit('base', { 'README.md': '# app\n' });
  r.commit('vendor the helper', { [VENDORED]: CONFIG });
  return r;
}

describe('a leaking file moved or copied out of a vendored tree', () => {
  test('twin: left in node_modules/ it is suppressed as vendored, and the audit passes', async () => {
    const r = vendoredRepo();
    expect(holding(r)).toEqual([VENDORED]);
    expect(await audit(r, '--no-cache')).toMatchObject({ outcome: 'pass', code: 0, open: [], suppressed: [VENDORED] });
  });

  test('renamed as it was (git mv): fails at its new path (before: pass, nothing reported there)', async () => {
    const r = vendoredRepo();
    mkdirSync(join(r.dir, 'src'));
    r.run(['mv', VENDORED, 'src/config.js']);
    r.run(['commit', '-q', '-m', 'own the helper']);
    expect(r.run(['log', '-1', '-p', '--format='])).toContain('rename to src/config.js'); // no line printed
    expect(holding(r)).toEqual(['src/config.js']);
    expect(await audit(r, '--no-cache')).toMatchObject({
      outcome: 'fail',
      code: 1,
      open: ['src/config.js'],
      suppressed: [VENDORED],
    });
  });

  test('copied as it was (the same blob): fails at the copy (before: pass, the blob skipped as read)', async () => {
    const r = vendoredRepo();
    r.commit('copy the helper', { 'src/config.js': CONFIG });
    expect(holding(r).sort()).toEqual([VENDORED, 'src/config.js']);
    expect(await audit(r, '--no-cache')).toMatchObject({
      outcome: 'fail',
      open: ['src/config.js'],
      suppressed: [VENDORED],
    });
  });

  test('moved by a commit after the checkpoint: the re-audit fails as a full audit does (before: pass)', async () => {
    const r = vendoredRepo();
    // A per-commit rule beside it: the walk writes the checkpoint the scan resumes from.
    const withWalk = ['-r', 'commits-signed'];
    expect((await audit(r, ...withWalk)).outcome).toBe('pass');
    mkdirSync(join(r.dir, 'lib'));
    r.run(['mv', VENDORED, 'lib/config.js']);
    r.run(['commit', '-q', '-m', 'own the helper']);
    const resumed = await audit(r, ...withWalk);
    expect(resumed.walk?.incremental).toBe(true);
    const full = await audit(r, ...withWalk, '--no-cache');
    expect([resumed.outcome, resumed.open]).toEqual(['fail', ['lib/config.js']]);
    expect([full.outcome, full.open]).toEqual(['fail', ['lib/config.js']]);
  });
});

describe("the policy's secrets.allow", () => {
  const policy = (allow: string): string => `version: 1\nsecrets:\n  allow:\n${allow}`;

  test('a path glob excuses the fixture, not the file it was moved to (before: pass)', async () => {
    const r = makeRepo();
    r.commit('policy', { '.gitguard/policy.yml': policy('    - path: "test/fixtures/**"\n      reason: fixture\n') });
    r.commit('fixture', { 'test/fixtures/aws.js': CONFIG });
    expect((await audit(r, '--no-cache')).outcome).toBe('pass');
    mkdirSync(join(r.dir, 'src'));
    r.run(['mv', 'test/fixtures/aws.js', 'src/aws.js']);
    r.run(['commit', '-q', '-m', 'use it']);
    expect(await audit(r, '--no-cache')).toMatchObject({ outcome: 'fail', open: ['src/aws.js'] });
  });

  test('twin: a fingerprint (a revoked key) excuses the finding and every copy of it: still a pass after the move', async () => {
    const r = makeRepo();
    const leaked = r.commit('leak', { 'config/aws.js': CONFIG });
    const allow = (['aws-access-key'] as const).map(
      (kind) => `    - fingerprint: "${leaked}:config/aws.js:${kind}:2"\n      reason: revoked\n`,
    );
    r.commit('policy', { '.gitguard/policy.yml': policy(allow.join('')) });
    const before = await audit(r, '--no-cache');
    expect(before).toMatchObject({ outcome: 'pass', open: [], suppressed: ['config/aws.js'] });
    r.run(['mv', 'config/aws.js', 'aws.js']);
    r.run(['commit', '-q', '-m', 'move']);
    expect(await audit(r, '--no-cache')).toMatchObject({
      outcome: 'pass',
      open: [],
      suppressed: ['config/aws.js', 'aws.js'],
    });
  });
});
