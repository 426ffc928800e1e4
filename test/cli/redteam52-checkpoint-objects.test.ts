// Red team 52: the walk checkpoint carries the verdicts on old objects over to the next audit while
// the object files that held them are as they were. It knew a pack by its size and inode, and never
// looked at files added since. git re-hashes nothing it reads, so both let old objects read otherwise
// under a resumed verdict: a pack rewritten in place (same size, same inode) holding a token where a
// harmless file was, and a newer pack slipped in with the token under that file's id (git reads the
// newest pack first), in the repository's store or in one it borrows from (objects/info/alternates),
// whose packs git reads before the repository's loose objects. In each, git log -p showed the token, a
// full audit failed the secrets scan and the re-audit resumed the checkpoint and passed. Now a pack's
// bytes are compared by sha256 (taken again only when its ctime moved), every pack added since is
// checked by git verify-pack before the checkpoint is trusted, and a changed or failing one makes the
// audit walk everything again, reading what git reads. Twins: an honest fetch's new pack, a pack whose
// times git's freshening moved and an honest newer pack holding the same objects all resume.
import { readFileSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTemp, makeRepo, tempDir, type TestRepo } from '../helpers/repo.js';
import { parseJson, resultOf, runMain, type JsonReport } from '../helpers/cli.js';
import { TokenFactory } from '../helpers/secrets.js';
import { borrowingRepo, extraPack, refusedForCopies } from '../helpers/forged-pack.js';

afterAll(cleanupTemp);

const token = new TokenFactory(5253).checksummed(`gh${'p'}_`);
const TOKEN_TEXT = `token = "${token}"\n`;
/** The same length as TOKEN_TEXT, so that the pack keeps its size when one replaces the other. */
const HARMLESS = `token = "${'x'.repeat(token.length)}"\n`;

type Report = JsonReport & { walk?: { incremental: boolean; walked: number; reason?: string } };

async function audit(r: TestRepo): Promise<{ secrets: string; walk: Report['walk'] }> {
  const res = await runMain(
    ['audit', '-C', r.dir, '-r', 'secrets-not-in-history', '-r', 'commits-signed', '--format', 'json', '--no-ledger'],
    { env: r.env },
  );
  const report = parseJson<Report>(res);
  return { secrets: resultOf(report, 'secrets-not-in-history').outcome, walk: report.walk };
}

/** Two commits, the second adding a harmless cfg.txt, packed without compression (its text in the pack as is); audited once. */
async function audited(): Promise<{ r: TestRepo; blob: string }> {
  const r = makeRepo();
  r.commit('one', { 'README.md': '# demo\n' });
  r.commit('two', { 'cfg.txt': HARMLESS, 'notes.txt': 'notes\n' });
  r.run(['-c', 'pack.compression=0', 'repack', '-adfq']);
  const first = await audit(r);
  expect(first).toEqual({ secrets: 'pass', walk: expect.objectContaining({ incremental: false }) });
  return { r, blob: r.run(['rev-parse', 'HEAD:cfg.txt']) };
}

function adler32(b: Buffer): number {
  let a = 1;
  let s = 0;
  for (const x of b) {
    a = (a + x) % 65521;
    s = (s + a) % 65521;
  }
  return ((s << 16) | a) >>> 0;
}

/** The pack's stored (uncompressed) copy of HARMLESS replaced by TOKEN_TEXT, and its zlib check sum, in place. */
function rewriteInPlace(r: TestRepo): void {
  const dir = join(r.dir, '.git', 'objects', 'pack');
  const pack = join(
    dir,
    readdirSync(dir).find((n) => n.endsWith('.pack'))!,
  );
  const bytes = readFileSync(pack);
  const at = bytes.indexOf(HARMLESS);
  expect(at).toBeGreaterThan(0);
  expect(bytes.indexOf(HARMLESS, at + 1)).toBe(-1);
  const text = Buffer.from(TOKEN_TEXT);
  text.copy(bytes, at);
  bytes.writeUInt32BE(adler32(text), at + text.length);
  writeFileSync(pack, bytes); // the same file: same inode, same size
}

test('a pack rewritten in place after the audit (same size and inode): the re-audit walks again and finds the token (before: resumed, pass)', async () => {
  const { r } = await audited();
  rewriteInPlace(r);
  expect(r.run(['log', '-p'])).toContain(token);
  const again = await audit(r);
  expect(again.walk?.incremental).toBe(false);
  expect(again.walk?.reason).toContain('a pack that held the judged history was rewritten');
  expect(again.secrets).toBe('fail');
});

test('a newer pack slipped in after the audit with the token under the harmless id: the re-audit walks again and finds it (before: resumed, pass)', async () => {
  const { r, blob } = await audited();
  extraPack(r, undefined, { id: blob, text: TOKEN_TEXT });
  expect(r.run(['log', '-p'])).toContain(token);
  // Since red team 58 refused before the checkpoint is read: the id has two copies with other bytes.
  await refusedForCopies(r, blob, '-r', 'secrets-not-in-history', '-r', 'commits-signed');
});

test('a newer pack slipped into a store the repository borrows from (objects/info/alternates), over its loose objects: the re-audit walks again (before: resumed, pass)', async () => {
  const { r, store } = borrowingRepo([{ 'README.md': '# demo\n' }, { 'cfg.txt': HARMLESS, 'notes.txt': 'notes\n' }]);
  expect((await audit(r)).walk?.incremental).toBe(false);
  // git reads every pack, its own and borrowed, before any loose object: the borrowed pack wins.
  const blob = r.run(['rev-parse', 'HEAD:cfg.txt']);
  extraPack(r, undefined, { id: blob, text: TOKEN_TEXT }, join(store, 'objects'));
  expect(r.run(['log', '-p'])).toContain(token);
  await refusedForCopies(r, blob, '-r', 'secrets-not-in-history', '-r', 'commits-signed');
});

test('twin: a commit fetched into a new pack after the audit resumes the checkpoint', async () => {
  const { r } = await audited();
  const other = join(tempDir(), 'other');
  r.run(['clone', '-q', r.dir, other]);
  writeFileSync(join(other, 'more.txt'), 'more\n');
  r.run(['-C', other, 'add', 'more.txt']);
  r.run(['-C', other, 'commit', '-q', '-m', 'three']);
  r.run(['-c', 'fetch.unpackLimit=1', 'fetch', '-q', other, 'HEAD']);
  r.run(['merge', '-q', '--ff-only', 'FETCH_HEAD']);
  const packs = readdirSync(join(r.dir, '.git', 'objects', 'pack')).filter((n) => n.endsWith('.pack'));
  expect(packs).toHaveLength(2);
  expect(await audit(r)).toEqual({ secrets: 'pass', walk: expect.objectContaining({ incremental: true, walked: 1 }) });
});

test("twin: a pack whose times git's freshening moved (utime), and an honest newer pack of the same objects, resume", async () => {
  const { r } = await audited();
  const dir = join(r.dir, '.git', 'objects', 'pack');
  const now = new Date('2031-01-01T00:00:00Z');
  for (const f of readdirSync(dir)) utimesSync(join(dir, f), now, now);
  expect(await audit(r)).toEqual({ secrets: 'pass', walk: expect.objectContaining({ incremental: true, walked: 0 }) });
  extraPack(r, undefined);
  expect(r.run(['fsck', '--strict'])).toBe('');
  expect(await audit(r)).toEqual({ secrets: 'pass', walk: expect.objectContaining({ incremental: true, walked: 0 }) });
});
