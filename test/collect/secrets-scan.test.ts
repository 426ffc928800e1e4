// The secrets scan on real repositories: paths as git quotes them, oversized and binary blobs,
// merges, scope, and a line split across the reads of git's output.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inRun } from '../../src/collect/run-context.js';
import { scanSecrets } from '../../src/collect/secrets/scan.js';
import { discoverRepository } from '../../src/collect/repository.js';
import { makeRepo, cleanupTemp } from '../helpers/repo.js';
import { TokenFactory } from '../helpers/secrets.js';

afterAll(cleanupTemp);

const f = new TokenFactory(99);

test('paths with spaces and non-ASCII characters are named as committed', async () => {
  const r = makeRepo();
  const token = f.checksummed(`gh${'o'}_`);
  const c = r.commit('one', { 'dir with space/héllo wörld.txt': `x\ny\nz=${token}\n` });
  const facts = await scanSecrets(await discoverRepository(r.dir), [c]);
  expect(facts.leaks.map((l) => [l.commit, l.path, l.line, l.kind])).toEqual([
    [c, 'dir with space/héllo wörld.txt', 3, 'github-oauth'],
  ]);
});

test('a blob over the size limit is counted as oversized, a binary one as binary; both are read for their text', async () => {
  const r = makeRepo();
  const token = f.checksummed(`gh${'p'}_`);
  r.commit('big', { 'big.txt': `${'filler line\n'.repeat(200)}T=${token}\n` });
  writeFileSync(join(r.dir, 'blob.bin'), Buffer.concat([Buffer.from([0, 1, 2]), Buffer.from(`T=${token}\n`)]));
  const c = r.commit('binary');
  const facts = await scanSecrets(await discoverRepository(r.dir), [c], { maxBlobBytes: 1024 });
  expect(facts.leaks.map((l) => [l.path, l.line])).toEqual([
    ['big.txt', 201],
    ['blob.bin', 1],
  ]);
  expect(facts.skipped).toEqual({ binary: 1, oversized: 1, repeated: 0 });
  const unlimited = await scanSecrets(await discoverRepository(r.dir), [c]);
  expect(unlimited.leaks.map((l) => l.path)).toEqual(['big.txt', 'blob.bin']);
});

test('a merge adds nothing of its own; a token on a side branch is reported once, at the commit that added it', async () => {
  const r = makeRepo();
  r.commit('base', { 'a.txt': 'a\n' });
  r.run(['checkout', '-q', '-b', 'side']);
  const token = f.checksummed(`np${'m'}_`);
  const added = r.commit('side adds', { 'side.env': `NPM_TOKEN=${token}\n` });
  r.run(['checkout', '-q', '-']);
  r.commit('main moves', { 'b.txt': 'b\n' });
  r.run(['merge', '-q', '--no-edit', '--no-ff', 'side']);
  const head = r.head();
  const facts = await scanSecrets(await discoverRepository(r.dir), [head]);
  expect(facts.commits).toBe(4);
  expect(facts.leaks.map((l) => [l.commit, l.path, l.kind])).toEqual([[added, 'side.env', 'npm-access-token']]);
  // out of scope: only what HEAD's history before the side branch holds
  const before = await scanSecrets(await discoverRepository(r.dir), [head, `^${added}`]);
  expect(before.leaks).toEqual([]);
});

test("a line longer than any single read of git's output is still seen whole", async () => {
  const r = makeRepo();
  const token = f.checksummed(`gh${'s'}_`);
  const c = r.commit('minified', {
    'app.min.js': `${'var a=1;'.repeat(40_000)}var t="${token}";${'b();'.repeat(40_000)}\n`,
  });
  const facts = await scanSecrets(await discoverRepository(r.dir), [c]);
  expect(facts.leaks.map((l) => [l.kind, l.line])).toEqual([['github-app-token', 1]]);
});

test('options settled after git has finished still see all of its output; a scan stopped while it waits for them fails', async () => {
  const r = makeRepo();
  const token = f.checksummed(`gh${'p'}_`);
  const c = r.commit('one', { 'a.txt': `T=${token}\n` });
  const repo = await discoverRepository(r.dir);
  // The audit starts the scan before it has read the policy that says whether entropy is on. Its
  // gits run through a wrapper that notes each one's start and end: the options are settled once the
  // git started before them (rev-list, sorting the list) has exited, waited for rather than guessed
  // at with a fixed sleep that a busy machine could outlast.
  const log = join(r.home, 'gits.log');
  const noting = join(r.home, 'noting-git');
  const real = execFileSync('sh', ['-c', 'command -v git']).toString().trim();
  writeFileSync(noting, `#!/bin/sh\necho start >> '${log}'\n${real} "$@"\nrc=$?\necho end >> '${log}'\nexit $rc\n`, {
    mode: 0o755,
  });
  let settle!: (on: boolean) => void;
  const later = inRun({ gitBinary: noting }, () =>
    scanSecrets(repo, [c], { entropy: new Promise<boolean>((res) => (settle = res)) }),
  );
  /** A git has run, and none is running. */
  const exited = (): boolean => {
    const lines = existsSync(log) ? readFileSync(log, 'utf8').split('\n') : [];
    const ends = lines.filter((l) => l === 'end').length;
    return ends > 0 && ends === lines.filter((l) => l === 'start').length;
  };
  while (!exited()) await new Promise((res) => setTimeout(res, 10));
  settle(true);
  const facts = await later;
  expect(facts.entropy).toBe(true);
  expect(facts.leaks.map((l) => [l.commit, l.kind])).toEqual([[c, 'github-pat']]);
  const stop = new AbortController();
  const stopped = scanSecrets(repo, [c], { entropy: new Promise<boolean>(() => undefined), signal: stop.signal });
  stop.abort();
  await expect(stopped).rejects.toThrow(/stopped/);
});

test('one git log per chunk of the sorted list: the same facts at every chunk size (a blob seen in an earlier chunk is skipped, a merge judged by --cc)', async () => {
  const r = makeRepo();
  const first = f.checksummed(`gh${'p'}_`);
  const own = f.checksummed(`np${'m'}_`);
  const late = f.checksummed(`gh${'o'}_`);
  r.commit('base', { 'a.txt': 'a\n' });
  const added = r.commit('adds a token', { 't.env': `T=${first}\n` });
  r.run(['rm', '-q', 't.env']);
  r.run(['commit', '-q', '-m', 'removes it']);
  r.run(['checkout', '-q', '-b', 'side']);
  r.commit('side', { 'b.txt': 'b\n' });
  r.run(['checkout', '-q', '-']);
  r.commit('the same file again', { 't.env': `T=${first}\n` });
  r.run(['merge', '-q', '--no-commit', 'side']);
  writeFileSync(join(r.dir, 'a.txt'), `a\nN=${own}\n`);
  r.run(['add', 'a.txt']);
  r.run(['commit', '-q', '-m', 'merge with a token of its own']);
  const merge = r.head();
  const last = r.commit('later', { 'c.txt': `C=${late}\n` });
  const repo = await discoverRepository(r.dir);
  const whole = await scanSecrets(repo, [last]);
  expect(whole.commits).toBe(7);
  expect(whole.skipped.repeated).toBe(1);
  expect(whole.leaks.map((l) => [l.commit, l.path])).toEqual([
    [added, 't.env'],
    [merge, 'a.txt'],
    [last, 'c.txt'],
  ]);
  const log = join(r.home, 'git.log');
  const wrapper = join(r.home, 'logging-git');
  const real = execFileSync('sh', ['-c', 'command -v git']).toString().trim();
  writeFileSync(wrapper, `#!/bin/sh\necho "$*" >> '${log}'\nexec ${real} "$@"\n`, { mode: 0o755 });
  for (const chunkCommits of [1, 2, 3, 6, 7]) {
    rmSync(log, { force: true });
    const chunked = await inRun({ gitBinary: wrapper }, () => scanSecrets(repo, [last], { chunkCommits }));
    expect([chunkCommits, chunked]).toEqual([chunkCommits, whole]);
    const runs = readFileSync(log, 'utf8')
      .split('\n')
      .filter((l) => / log -p /.test(l)).length;
    expect([chunkCommits, runs]).toEqual([chunkCommits, Math.ceil(7 / chunkCommits)]);
  }
});

test('a scan stopped while git sorts the history fails as stopped, not as a git failure', async () => {
  const r = makeRepo();
  const c = r.commit('one', { 'a.txt': 'a\n' });
  const repo = await discoverRepository(r.dir);
  const slow = join(r.home, 'slow-git');
  const real = execFileSync('sh', ['-c', 'command -v git']).toString().trim();
  writeFileSync(slow, `#!/bin/sh\ncase "$*" in *rev-list*) exec sleep 30;; esac\nexec ${real} "$@"\n`, { mode: 0o755 });
  const stop = new AbortController();
  const scan = inRun({ gitBinary: slow }, () => scanSecrets(repo, [c], { entropy: false, signal: stop.signal }));
  setTimeout(() => stop.abort(), 300);
  await expect(scan).rejects.toThrow(/^the secrets scan was stopped$/);
});
