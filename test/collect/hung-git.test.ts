// Child processes that hang: git opening a FIFO at objects/info/alternates blocks forever. The walk
// and the object reader must stop it (GITGUARD_TIMEOUT) and fail with one GitError naming the
// variable, not hang and not return a partial walk. Objects over the size limit are refused before
// they are held, and the reader stays in step for the next request.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { createShadow } from '../../src/collect/git.js';
import { walkCommits } from '../../src/collect/commits.js';
import { ObjectReader, ObjectTooLargeError } from '../../src/collect/objects.js';
import { discoverRepository } from '../../src/collect/repository.js';
import { scanSecrets } from '../../src/collect/secrets/scan.js';
import { GitError } from '../../src/errors.js';
import { makeRepo, cleanupTemp } from '../helpers/repo.js';

afterAll(cleanupTemp);

// Only the hung cases run with a 1 s limit (git that hangs on the FIFO never gets past it); the
// others keep the default, so a busy machine cannot make them fail.
const saved = process.env.GITGUARD_TIMEOUT;
function withTimeout(seconds: string | undefined): void {
  if (seconds === undefined) delete process.env.GITGUARD_TIMEOUT;
  else process.env.GITGUARD_TIMEOUT = seconds;
}
afterEach(() => withTimeout(saved));

async function hungRepo(): Promise<{ head: string; commonDir: string; objectFormat: 'sha1' | 'sha256' }> {
  const r = makeRepo();
  const head = r.commit('one');
  const info = await discoverRepository(r.dir);
  execFileSync('mkfifo', [join(info.commonDir, 'objects', 'info', 'alternates')]);
  return { head, commonDir: info.commonDir, objectFormat: info.objectFormat };
}

test('the walk: a git that makes no progress is stopped with a GitError', async () => {
  const { head, commonDir, objectFormat } = await hungRepo();
  withTimeout('1');
  const shadow = createShadow(commonDir, objectFormat);
  try {
    const walk = async (): Promise<number> => {
      let n = 0;
      for await (const _ of walkCommits(shadow, { revisions: [head], parentsFirst: true })) n += 1;
      return n;
    };
    const err = await walk().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GitError);
    expect((err as Error).message).toMatch(/no progress for 1 s.*GITGUARD_TIMEOUT/);
  } finally {
    shadow.dispose();
  }
}, 30_000);

test('the object reader: a pending read on a hung git is rejected', async () => {
  const { head, commonDir, objectFormat } = await hungRepo();
  withTimeout('1');
  const shadow = createShadow(commonDir, objectFormat);
  const reader = new ObjectReader(shadow);
  try {
    const err = await reader.read(head).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GitError);
    expect((err as Error).message).toMatch(/no progress.*GITGUARD_TIMEOUT/);
  } finally {
    reader.close();
    shadow.dispose();
  }
}, 30_000);

test('the object reader: an object over the limit is refused, and the next read still works', async () => {
  const r = makeRepo();
  r.commit('files', { 'big.bin': 'x'.repeat(300_000), 'small.txt': 'small\n' });
  const info = await discoverRepository(r.dir);
  const shadow = createShadow(info.commonDir, info.objectFormat);
  const reader = new ObjectReader(shadow, 100_000);
  try {
    const head = r.head();
    const [big, small] = await Promise.allSettled([reader.read(`${head}:big.bin`), reader.read(`${head}:small.txt`)]);
    expect(big.status).toBe('rejected');
    expect((big as PromiseRejectedResult).reason).toBeInstanceOf(ObjectTooLargeError);
    expect((big as PromiseRejectedResult).reason.message).toMatch(
      /blob [0-9a-f]{40} is 300000 bytes, over gitguard's limit of 100000 bytes/,
    );
    expect(small.status).toBe('fulfilled');
    expect((small as PromiseFulfilledResult<{ body: Buffer }>).value.body.toString()).toBe('small\n');
    expect((await reader.read(`${head}:big.bin`, 1_000_000))!.body).toHaveLength(300_000);
  } finally {
    reader.close();
    shadow.dispose();
  }
});

test('the secrets scan: a git log -p blocked on a FIFO is stopped (before: the audit never ended)', async () => {
  const r = makeRepo();
  const head = r.commit('one', { 'a.txt': 'a\n' });
  const repo = await discoverRepository(r.dir);
  // The FIFO takes the blob's place after the repository was opened (discovery refuses it), as
  // another local user could swap it in mid-run.
  const blob = r.run(['rev-parse', `${head}:a.txt`]);
  const loose = join(repo.commonDir, 'objects', blob.slice(0, 2), blob.slice(2));
  rmSync(loose, { force: true });
  execFileSync('mkfifo', [loose]);
  withTimeout('1');
  const err = await scanSecrets(repo, [head]).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(GitError);
  expect((err as Error).message).toMatch(/git log -p made no progress for 1 s.*GITGUARD_TIMEOUT/);
}, 30_000);
