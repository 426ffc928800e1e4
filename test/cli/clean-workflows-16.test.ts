// Sixteenth round of clean set-ups that must pass: git runs under an address-space bound
// (GITGUARD_MAX_GIT_MEMORY, redteam15), and git maps a pack in windows of 1 GiB up to 32 GiB by
// default, every mapped byte counted in that bound: a repository with one pack larger than the
// bound (a long history gc'd into a 5 GB pack) stopped every audit at its first object ("packfile
// ... cannot be mapped", read as a broken ref). Every git now maps 32 MB windows up to 256 MB.
// Shown at a smaller scale: a 160 MB pack (a blob of zeros stored uncompressed) under a 120 MB bound,
// the whole pack one window by git's defaults (measured: without the 32 MB windows this audit stops
// with "cannot be mapped"; with them it runs).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { makeRepo, cleanupTemp } from '../helpers/repo.js';
import { runMain } from '../helpers/cli.js';

let big: string;
afterAll(() => {
  cleanupTemp();
  if (big) rmSync(big, { recursive: true, force: true });
});

/** A repository of one 160 MB pack: a blob of zeros, then a commit of it and one more. */
function bigPack(env: NodeJS.ProcessEnv): string {
  big = mkdtempSync(join('/var/tmp', 'gg-bigpack-'));
  const dir = join(big, 'repo');
  execFileSync('git', ['init', '-q', '-b', 'main', dir], { env });
  const size = 160 * 1024 * 1024;
  const who = 'committer A <a@example.com> 1700000000 +0000\n';
  const input = Buffer.concat([
    Buffer.from(`blob\nmark :1\ndata ${size}\n`),
    Buffer.alloc(size),
    Buffer.from(`\ncommit refs/heads/main\nmark :2\n${who}data 4\nbig\nM 100644 :1 big.bin\n\n`),
    Buffer.from(`commit refs/heads/main\n${who}data 5\nnext\nfrom :2\nM 100644 inline a.txt\ndata 2\na\n\n`),
  ]);
  const args = ['-c', 'pack.compression=0', '-c', 'core.compression=0', '-c', 'fastimport.unpackLimit=0'];
  execFileSync('git', [...args, 'fast-import', '--quiet'], { cwd: dir, env, input, maxBuffer: 1 << 20 });
  return dir;
}

test('a pack larger than the memory bound is read in bounded windows: the audit runs (exit 1: the commits are unsigned), no out-of-memory stop', async () => {
  const r = makeRepo();
  const dir = bigPack(r.env);
  const env = { ...r.env, GITGUARD_MAX_GIT_MEMORY: String(120 * 1024 * 1024) };
  const res = await runMain(
    ['audit', '-C', dir, '-r', 'commits-signed,history-complete', '--no-ledger', '--no-cache'],
    {
      env,
    },
  );
  expect([res.code, res.stderr]).toEqual([1, '']);
  expect(res.stdout).toMatch(/FAIL\s+commits-signed/);
  expect(res.stdout).toMatch(/pass\s+history-complete/);
}, 60_000);

test("a refactor moving 150 same-named files with edits: a secret excused by its fingerprint is not found again at the new path (the scan's rename limit pairs them)", async () => {
  const r = makeRepo();
  const files: Record<string, string> = {};
  for (let i = 1; i <= 150; i += 1) files[`src/m${i}/index.ts`] = `export const m${i} = ${i};\nexport default m${i};\n`;
  files['src/m1/index.ts'] =
    'AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYzKq9Lm2Vt4\nAWS_ACCESS_KEY_ID=AKIAZ7QK3M5N7P2R4T6V\n';
  r.commit('modules', files);
  const scan = async () => {
    const res = await runMain(
      ['audit', '-C', r.dir, '-r', 'secrets-not-in-history', '--no-ledger', '--format', 'json'],
      {
        env: r.env,
      },
    );
    const report = JSON.parse(res.stdout) as {
      results: Array<{ findings: Array<{ evidence?: { fingerprint?: string } }> }>;
    };
    return { code: res.code, prints: report.results.flatMap((x) => x.findings.map((f) => f.evidence?.fingerprint)) };
  };
  const first = await scan();
  expect(first.prints).toHaveLength(1);
  const allow = `version: 1\nsecrets:\n  allow:\n    - fingerprint: "${first.prints[0]}"\n      reason: revoked example key\n`;
  r.commit('excuse the example key', { '.gitguard/policy.yml': allow });
  r.run(['mv', 'src', 'lib']);
  const moved: Record<string, string> = {};
  for (let i = 2; i <= 150; i += 1)
    moved[`lib/m${i}/index.ts`] = `export const m${i} = ${i} + 0;\nexport default m${i};\n`;
  moved['lib/m1/index.ts'] = `${files['src/m1/index.ts']}# moved\n`;
  r.commit('src -> lib', moved);
  // Paired, the moved copy is read whole at its new path (secrets64) and carries the old finding's
  // fingerprint excuse: the audit passes. Unpaired, it would be a new finding there, not excused.
  const after = await scan();
  expect(after.code).toBe(0);
  expect(after.prints[0]).toBe(first.prints[0]);
  for (const p of after.prints.slice(1)) expect(p).toMatch(/:lib\/m1\/index\.ts:aws-access-key:\d+$/);
}, 30_000);

describe("the secrets scan's placeholder classes hide no real credential", () => {
  const scan = async (files: Record<string, string>) => {
    const r = makeRepo();
    r.commit('files', files);
    const res = await runMain(
      ['audit', '-C', r.dir, '-r', 'secrets-not-in-history', '--secrets-entropy', '--format', 'json', '--no-ledger'],
      { env: r.env },
    );
    const report = JSON.parse(res.stdout) as {
      results: Array<{ findings: Array<{ file?: string; evidence?: { kind?: string } }> }>;
    };
    return report.results.flatMap((x) => x.findings.map((f) => `${f.file} ${f.evidence?.kind}`)).sort();
  };
  // Random parts made by a fixed seed: the same on every run.
  const rand = (n: number, seed = 7): string => {
    let s = seed;
    const abc = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
    return Array.from({ length: n }, () => abc[(s = (s * 1103515245 + 12345) % 2 ** 31) % abc.length]).join('');
  };

  test('placeholders and local defaults pass: base64 of words, a password equal to its user on localhost, a compose service, loopback', async () => {
    expect(
      await scan({
        'docs/npm.md': `  _auth: '${Buffer.from('user:password').toString('base64')}'\n  password: 'bm90IG15IHJlYWwgcGFzc3dvcmQ='\n`,
        '.env.example':
          'DATABASE_URL=postgres://postgres:postgres@localhost:5432/dev\nREDIS_URL=redis://app:app@127.0.0.1:6379\nAMQP=amqp://guest:guest@rabbitmq:5672/\n',
      }),
    ).toEqual([]);
  });

  test('twins: a default password on a server of the network, and an encoded credential that holds the word "password", are reported', async () => {
    expect(
      await scan({
        'deploy/prod.env': 'MONGO_URL=mongodb://admin:admin@52.14.22.10:27017/app\n',
        'deploy/db.env': 'DATABASE_URL=postgres://app:app@prod-db.company.com:5432/app\n',
        '.npmrc.js': `password: '${Buffer.from(`ci-bot:Password-${rand(16)}!`).toString('base64')}',\n`,
      }),
    ).toEqual(['.npmrc.js generic-high-entropy', 'deploy/db.env url-password', 'deploy/prod.env url-password']);
  });
});
