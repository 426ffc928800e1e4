// Sixteenth round of clean set-ups that must pass: git runs under an address-space bound
// (GITGUARD_MAX_GIT_MEMORY, redteam15), and git maps a pack in windows of 1 GiB up to 32 GiB by
// default, every mapped byte counted in that bound: a repository with one pack larger than the
// bound (a long history gc'd into a 5 GB pack) stopped every audit at its first object ("packfile
// ... cannot be mapped", read as a broken ref). Every git now maps 32 MB windows up to 256 MB.
// Shown at a smaller scale: a 500 MB pack (a blob of zeros stored uncompressed: seconds to write)
// under a 450 MB bound, the whole pack one window by git's defaults.
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

/** A repository of one 500 MB pack: a blob of zeros, then a commit of it and one more. */
function bigPack(env: NodeJS.ProcessEnv): string {
  big = mkdtempSync(join('/var/tmp', 'gg-bigpack-'));
  const dir = join(big, 'repo');
  execFileSync('git', ['init', '-q', '-b', 'main', dir], { env });
  const size = 500 * 1024 * 1024;
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
  const env = { ...r.env, GITGUARD_MAX_GIT_MEMORY: String(450 * 1024 * 1024) };
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
