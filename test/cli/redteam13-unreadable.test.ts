// Red team: the secrets scan's skip for a partial clone came back for any repository whose own config
// names a promisor remote, and for any failure there. An attacker shipping a repository writes
// remote.x.promisor=true next to a corrupt object: the scan was skipped, an otherwise clean audit
// exited 0 over a history nobody read. Only an object the repository truly does not hold (in no loose
// file, no pack index, no alternate) is "left out by a partial clone"; one present but unreadable stops
// the run, partial clone or not.
import { chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeRepo, tempDir, type TestRepo } from '../helpers/repo.js';
import { hasStackTrace, runMain } from '../helpers/cli.js';

/** A repository whose second commit added `notes/secret.txt`, changed since, and that version's blob id. */
function withAddedBlob(): { repo: TestRepo; blob: string } {
  const repo = makeRepo();
  repo.commit('first', { 'README.md': '# demo\n' });
  repo.commit('add a file', { 'notes/secret.txt': 'nothing to see\n' });
  repo.commit('later', { 'notes/secret.txt': 'changed since\n' });
  return { repo, blob: repo.run(['rev-parse', 'HEAD~1:notes/secret.txt']).trim() };
}

function looseFile(gitDir: string, oid: string): string {
  return join(gitDir, 'objects', oid.slice(0, 2), oid.slice(2));
}

async function expectStopped(dir: string, env: NodeJS.ProcessEnv): Promise<void> {
  const res = await runMain(['audit', '-C', dir, '--rule', 'secrets-not-in-history', '--allow-empty'], { env });
  expect([res.code, hasStackTrace(res)]).toEqual([2, false]);
  const lines = res.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/cannot be read.*git fsck/);
}

test('a corrupt loose blob next to an attacker-written promisor remote still stops the run', async () => {
  const { repo, blob } = withAddedBlob();
  const file = looseFile(join(repo.dir, '.git'), blob);
  chmodSync(file, 0o644);
  writeFileSync(file, Buffer.from('not zlib at all'));
  repo.run(['config', 'remote.x.promisor', 'true']);
  repo.run(['config', 'remote.x.url', '/nonexistent']);
  repo.run(['config', 'extensions.partialClone', 'x']);
  await expectStopped(repo.dir, repo.env);
});

test('a corrupt packed blob next to a promisor remote stops the run', async () => {
  const { repo, blob } = withAddedBlob();
  repo.run(['repack', '-adq', '--no-write-bitmap-index']);
  repo.run(['config', 'remote.x.promisor', 'true']);
  const packDir = join(repo.dir, '.git', 'objects', 'pack');
  const pack = readdirSync(packDir).find((f) => f.endsWith('.pack'))!;
  // The blob's offset from git's own index, then its zlib data (after the 1-byte type/size header) broken.
  const idx = pack.replace(/\.pack$/, '.idx');
  const line = repo
    .run(['show-index'], { input: readFileSync(join(packDir, idx)) })
    .split('\n')
    .find((l) => l.includes(blob))!;
  const offset = Number(line.split(' ')[0]);
  const file = join(packDir, pack);
  chmodSync(file, 0o644);
  const bytes = readFileSync(file);
  for (let i = offset + 2; i < offset + 8; i += 1) bytes[i] = 0xff;
  writeFileSync(file, bytes);
  await expectStopped(repo.dir, repo.env);
});

test('in a real partial clone, junk written where a left-out blob would be stops the run', async () => {
  const { repo, blob } = withAddedBlob();
  repo.run(['config', 'uploadpack.allowFilter', 'true']);
  const dest = join(tempDir(), 'partial');
  repo.run(['clone', '-q', '--no-local', '--filter=blob:none', `file://${repo.dir}`, dest]);
  const file = looseFile(join(dest, '.git'), blob);
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, Buffer.from('not zlib at all'));
  await expectStopped(dest, repo.env);
});

/** commit 1 runs gitguard in CI, commit 2 (unsigned, no maintainer) takes it out: ci-gate-kept fails. */
function gateRemoved(): { repo: TestRepo; oldCi: string } {
  const repo = makeRepo();
  const ci = (step: string): string =>
    `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ${step}\n`;
  repo.commit('ci', { '.github/workflows/ci.yml': ci('npx gitguard audit'), 'README.md': '# demo\n' });
  repo.commit('no more gate', { '.github/workflows/ci.yml': ci('echo hi') });
  return { repo, oldCi: repo.run(['rev-parse', 'HEAD~1:.github/workflows/ci.yml']).trim() };
}

const gateArgs = (dir: string): string[] => ['audit', '-C', dir, '--no-cache', '--rule', 'ci-gate-kept'];

test('twin: the removed gate fails ci-gate-kept when every object reads', async () => {
  const { repo } = gateRemoved();
  const res = await runMain(gateArgs(repo.dir), { env: repo.env });
  expect(res.code).toBe(1);
  expect(res.stdout).toMatch(/FAIL\s+ci-gate-kept/);
});

test('the old CI file corrupt (or deleted) in a full clone stops the run; it never reads as "no gate before"', async () => {
  for (const damage of ['corrupt', 'deleted'] as const) {
    const { repo, oldCi } = gateRemoved();
    const file = looseFile(join(repo.dir, '.git'), oldCi);
    chmodSync(file, 0o644);
    if (damage === 'corrupt') writeFileSync(file, Buffer.from('junk'));
    else rmSync(file);
    const res = await runMain(gateArgs(repo.dir), { env: repo.env });
    expect([damage, res.code, hasStackTrace(res)]).toEqual([damage, 2, false]);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(res.stderr).toMatch(damage === 'corrupt' ? /cannot read it.*git fsck/ : /no partial clone.*git fsck/);
  }
});

test('the old CI file corrupt next to an attacker-written promisor remote still stops the run', async () => {
  const { repo, oldCi } = gateRemoved();
  const file = looseFile(join(repo.dir, '.git'), oldCi);
  chmodSync(file, 0o644);
  writeFileSync(file, Buffer.from('junk'));
  repo.run(['config', 'remote.x.promisor', 'true']);
  const res = await runMain(gateArgs(repo.dir), { env: repo.env });
  expect([res.code, res.stderr]).toEqual([2, expect.stringMatching(/cannot read it.*git fsck/)]);
});

test('twin: a CI reference to a submodule (its commit is in another repository) is no damage: the run goes on', async () => {
  const repo = makeRepo();
  const ci = `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: ./vendor/act\n      - run: npx gitguard audit\n`;
  repo.write({ '.gitmodules': '[submodule "vendor/act"]\n\tpath = vendor/act\n\turl = ../act\n' });
  repo.run(['add', '.gitmodules']);
  repo.run(['update-index', '--add', '--cacheinfo', `160000,${'1'.repeat(40)},vendor/act`]);
  repo.commit('ci', { '.github/workflows/ci.yml': ci });
  repo.run(['update-index', '--add', '--cacheinfo', `160000,${'2'.repeat(40)},vendor/act`]);
  repo.commit('bump', { 'README.md': 'x\n' });
  const res = await runMain(gateArgs(repo.dir), { env: repo.env });
  expect([res.code, res.stderr]).toEqual([0, '']);
});
