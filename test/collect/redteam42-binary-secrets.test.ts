// Red team 42: a credential in a file version git's diff calls binary. `git log -p` prints "Binary
// files differ" for a text file with one NUL byte, a UTF-16 file, a file over core.bigFileThreshold,
// so the scan skipped them and counted them in its note, and the rule passed; but a push publishes
// their bytes, and `git show`, `git cat-file -p` and `grep -a` in a clone print the token. They are
// now read for their printable text (NUL bytes dropped, other control bytes end a run).
import { execFileSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { scanSecrets } from '../../src/collect/secrets/scan.js';
import { discoverRepository } from '../../src/collect/repository.js';
import { makeRepo, cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { parseJson, resultOf, runMain } from '../helpers/cli.js';
import { TokenFactory, decoys, privateKeys, rng } from '../helpers/secrets.js';

afterAll(cleanupTemp);

const f = new TokenFactory(4242);
const t = {
  nul: f.checksummed(`gh${'p'}_`),
  le: f.checksummed(`gh${'o'}_`),
  be: f.checksummed(`gh${'s'}_`),
  big: f.checksummed(`np${'m'}_`),
  merge: f.checksummed(`gh${'p'}_`),
  long: f.checksummed(`gh${'r'}_`),
};
const aws = f.awsPair();
const key = privateKeys(f).ec;
const utf16 = (s: string, bom: boolean, be = false): Buffer => {
  const le = Buffer.from(s, 'utf16le');
  const out = be ? Buffer.from(le).swap16() : le;
  return Buffer.concat([bom ? Buffer.from(be ? [0xfe, 0xff] : [0xff, 0xfe]) : Buffer.alloc(0), out]);
};
/** Seeded bytes: what an image or a compressed file looks like to the scan. */
const noise = (n: number, seed: number): Buffer => {
  const next = rng(seed);
  return Buffer.from(Array.from({ length: n }, () => Math.floor(next() * 256)));
};
const LIMIT = 64 * 1024;

let r: TestRepo;
const at: Record<string, string> = {};
const put = (files: Record<string, Buffer>): void => {
  for (const [p, b] of Object.entries(files)) writeFileSync(join(r.dir, p), b);
};

beforeAll(() => {
  r = makeRepo();
  r.commit('base', { 'README.md': '# demo\n' });
  put({ 'deploy.env': Buffer.from(`# deploy\nGITHUB_TOKEN=${t.nul}\n\0`) });
  at.nul = r.commit('text with a NUL byte');
  put({
    'notes.txt': utf16(`line one\r\nline two\r\ntoken: ${t.le}\r\n`, true),
    'be.txt': utf16(`x\ntoken=${t.be}\n`, true, true),
    'aws.ini': utf16(`[default]\naws_access_key_id = ${aws.id}\naws_secret_access_key = ${aws.secret}\n`, false),
    'server.key.utf16': utf16(key!, true),
  });
  at.utf16 = r.commit('UTF-16 files');
  // Over the limit (git calls it binary), and one run of no line feed longer than a read of it.
  put({ 'dump.sql': Buffer.from(`${'INSERT INTO t VALUES (1);\n'.repeat(4000)}-- NPM_TOKEN=${t.big}\n`) });
  put({ 'bundle.min.js': Buffer.from(`${'a'.repeat(1024 * 1024 - 20)};var k="${t.long}";${'b'.repeat(1500000)}\n\0`) });
  at.big = r.commit('large files');
  // A conflict resolution that writes a token into a binary file: named by the merge's "diff --cc".
  r.run(['checkout', '-q', '-b', 'side']);
  put({ 'blob.dat': Buffer.from('side\0') });
  r.commit('side');
  r.run(['checkout', '-q', '-']);
  put({ 'blob.dat': Buffer.from('main\0') });
  r.commit('main');
});

test('a token in a binary, UTF-16 or oversized file version is reported where git shows its bytes', async () => {
  // What git shows: the diff hides them, the objects hold them.
  expect(r.run(['log', '-p', '-1', at.nul!])).toContain('Binary files /dev/null and b/deploy.env differ');
  expect(r.run(['log', '-p', at.nul!])).not.toContain(t.nul);
  expect(r.run(['cat-file', '-p', `${at.nul}:deploy.env`])).toContain(t.nul);
  expect(r.run(['log', '-p', '-1', at.utf16!])).toContain('Binary files /dev/null and b/notes.txt differ');
  const le = execGitBytes(['cat-file', 'blob', `${at.utf16}:notes.txt`]).toString('utf16le');
  expect(le).toContain(t.le);
  const repo = await discoverRepository(r.dir);
  const facts = await scanSecrets(repo, [at.big!], { maxBlobBytes: LIMIT });
  const found = facts.leaks.map((l) => [l.commit, l.path, l.line, l.kind]).sort();
  expect(found).toEqual(
    [
      [at.nul, 'deploy.env', 2, 'github-pat'],
      [at.utf16, 'notes.txt', 3, 'github-oauth'],
      [at.utf16, 'be.txt', 2, 'github-app-token'],
      [at.utf16, 'aws.ini', 3, 'aws-access-key'],
      [at.utf16, 'server.key.utf16', 1, 'private-key'],
      [at.big, 'dump.sql', 4001, 'npm-access-token'],
      [at.big, 'bundle.min.js', 1, 'github-refresh-token'],
    ].sort(),
  );
  expect(facts.skipped).toEqual({ binary: 5, oversized: 2, repeated: 0 });
  // One commit per git log, read ahead (deferred readers), or one at a time: the same facts.
  for (const opts of [{ chunkCommits: 1 }, { chunkCommits: 2, serialLogs: true }]) {
    const again = await scanSecrets(repo, [at.big!], { maxBlobBytes: LIMIT, ...opts });
    expect(again.leaks.map((l) => [l.commit, l.path, l.line, l.kind]).sort()).toEqual(found);
    expect(again.skipped).toEqual(facts.skipped);
  }
});

test("a merge's conflict resolution writing a token into a binary file is reported at the merge, at its path", async () => {
  // git refuses to merge binary files: the conflict is resolved by hand, and committed.
  expect(() => r.run(['merge', '-q', 'side'])).toThrow();
  put({ 'blob.dat': Buffer.from(`resolved\0TOKEN=${t.merge}\n`) });
  r.addAllAndRun(['commit', '-q', '--no-edit']);
  const merge = r.head();
  expect(r.run(['log', '-p', '--cc', '-1', merge])).toContain('Binary files differ');
  const facts = await scanSecrets(await discoverRepository(r.dir), [merge], { maxBlobBytes: LIMIT });
  expect(facts.leaks.filter((l) => l.commit === merge).map((l) => [l.path, l.line, l.kind])).toEqual([
    ['blob.dat', 1, 'github-pat'],
  ]);
});

test('the clean twin: images, archives and UTF-16 text without a credential pass; the note counts what was read', async () => {
  const c = makeRepo();
  const files: Record<string, Buffer> = {
    'logo.png': Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), noise(200_000, 7)]),
    'docs.tar.gz': gzipSync(Buffer.from('token: see the deploy guide\n'.repeat(300))),
    'app.exe': Buffer.concat([noise(50_000, 8), Buffer.from('password\0secret\0token\0AKIA\0'), noise(50_000, 9)]),
    'strings.utf16': utf16(`${decoys(new TokenFactory(5)).join('\n')}\n`, true),
    'huge.bin': noise(LIMIT * 3, 10),
  };
  for (const [p, b] of Object.entries(files)) writeFileSync(join(c.dir, p), b);
  const head = c.commit('assets');
  const facts = await scanSecrets(await discoverRepository(c.dir), [head], { maxBlobBytes: LIMIT });
  expect(facts.leaks).toEqual([]);
  expect(facts.skipped).toEqual({ binary: 2, oversized: 3, repeated: 0 });
  const res = await runMain(['audit', '-C', c.dir, '-r', 'secrets-not-in-history', '--format', 'json', '--no-ledger'], {
    env: c.env,
  });
  const result = resultOf(parseJson(res), 'secrets-not-in-history');
  expect(result.outcome).toBe('pass');
  expect(result.note).toBe('1 commit(s), 1 file version(s) scanned (and 5 binary, for their printable text)');
});

function execGitBytes(args: string[]): Buffer {
  return execFileSync('git', args, { cwd: r.dir, env: r.env });
}
