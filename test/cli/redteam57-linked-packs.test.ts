// Red team 57: git opens a pack or a loose object through a symbolic link as it opens a file
// (packfile.c add_packed_git stat()s and open()s `<name>.pack`, follows the link). The walk
// checkpoint's record of the object files (collect/object-files.ts) lstat()ed each one and skipped
// anything not a regular file, so a pack linked into objects/pack was neither recorded nor seen as
// added: a newer pack linked in after the audit, holding a token under the id of a committed harmless
// file, gave git log -p the token, a full audit failed the secrets scan, and the re-audit resumed the
// checkpoint (walked 0) and passed. A link pointed at other bytes later moved nothing in the store
// either. A loose object linked into the repository's own store, which git reads before a borrowed
// store's copy, was as invisible. Now a link is read through (its target's bytes, hashed afresh each
// run) as git reads it. Twins: an honest pack linked in after the audit, one linked before and left
// alone, and a linked loose object holding its own bytes, resume.
import { mkdirSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { join } from 'node:path';
import { cleanupTemp, makeRepo, tempDir, type TestRepo } from '../helpers/repo.js';
import { resultOf } from '../helpers/cli.js';
import { audit as run, type Report } from '../helpers/incremental.js';
import { TokenFactory } from '../helpers/secrets.js';
import { borrowingRepo, linkedPack, refusedForCopies } from '../helpers/forged-pack.js';

afterAll(cleanupTemp);

const token = new TokenFactory(5757).checksummed(`gh${'p'}_`);
const TOKEN_TEXT = `token = "${token}"\n`;
const HARMLESS = 'nothing secret here, honestly\n';

/** The secrets scan's outcome and the walk of an audit (with commits-signed, which walks). */
async function audit(r: TestRepo, ...extra: string[]): Promise<{ secrets: string; walk: Report['walk'] }> {
  const { report } = await run(r, '-r', 'secrets-not-in-history', '-r', 'commits-signed', ...extra);
  return { secrets: resultOf(report, 'secrets-not-in-history').outcome, walk: report.walk };
}

/**
 * git log -p shows the token; the re-audit does not resume the checkpoint and fails the scan (red
 * team 57), and since red team 58 it is refused before that: `blob` has two copies with other bytes.
 */
async function walksAgainAndFails(r: TestRepo, blob: string): Promise<void> {
  expect(r.run(['log', '-p'])).toContain(token);
  await refusedForCopies(r, blob, '-r', 'secrets-not-in-history', '-r', 'commits-signed');
}

/** Two commits, the second adding a harmless cfg.txt, packed. */
function repo(): { r: TestRepo; blob: string } {
  const r = makeRepo();
  r.commit('one', { 'README.md': '# demo\n' });
  r.commit('two', { 'cfg.txt': HARMLESS, 'notes.txt': 'notes\n' });
  r.run(['repack', '-adq']);
  return { r, blob: r.run(['rev-parse', 'HEAD:cfg.txt']) };
}

test('a forged pack linked into objects/pack after the audit: the re-audit walks again and fails as a full audit does (before: resumed, pass)', async () => {
  const { r, blob } = repo();
  expect((await audit(r)).walk?.incremental).toBe(false);
  linkedPack(r, { id: blob, text: TOKEN_TEXT });
  // git's answer: the linked pack's bytes.
  expect(r.run(['cat-file', 'blob', blob])).toContain(token);
  await walksAgainAndFails(r, blob);
});

test('a linked pack pointed at forged bytes after the audit (nothing in the store written): the re-audit walks again and fails (before: resumed, pass)', async () => {
  const { r, blob } = repo();
  const name = linkedPack(r);
  expect(await audit(r)).toEqual({ secrets: 'pass', walk: expect.objectContaining({ incremental: false }) });
  linkedPack(r, { id: blob, text: TOKEN_TEXT }, name);
  await walksAgainAndFails(r, blob);
});

test('twin: an honest pack linked in after the audit, and a linked pack left alone, resume the checkpoint', async () => {
  const { r } = repo();
  expect((await audit(r)).walk?.incremental).toBe(false);
  linkedPack(r);
  expect(r.run(['fsck', '--strict'])).toBe('');
  expect(await audit(r)).toEqual({ secrets: 'pass', walk: expect.objectContaining({ incremental: true, walked: 0 }) });
  expect(await audit(r)).toEqual({ secrets: 'pass', walk: expect.objectContaining({ incremental: true, walked: 0 }) });
});

/** A repository borrowing from `store`, whose cfg.txt blob is a loose object there only; audited once. */
async function borrowedLoose(): Promise<{ r: TestRepo; blob: string }> {
  const { r, store } = borrowingRepo([{ 'README.md': '# demo\n' }, { 'cfg.txt': HARMLESS, 'notes.txt': 'notes\n' }]);
  const blob = r.run(['rev-parse', 'HEAD:cfg.txt']);
  const rel = join(blob.slice(0, 2), blob.slice(2));
  mkdirSync(join(store, 'objects', blob.slice(0, 2)), { recursive: true });
  renameSync(join(r.dir, '.git', 'objects', rel), join(store, 'objects', rel));
  expect(r.run(['cat-file', 'blob', blob])).toBe(HARMLESS.trim());
  expect((await audit(r)).walk?.incremental).toBe(false);
  return { r, blob };
}

/** A loose object for `id` in r's own store: a link to a file outside holding `text` as a blob. */
function linkLoose(r: TestRepo, id: string, text: string): void {
  const file = join(tempDir(), 'loose');
  writeFileSync(
    file,
    deflateSync(Buffer.concat([Buffer.from(`blob ${Buffer.byteLength(text)}\0`), Buffer.from(text)])),
  );
  mkdirSync(join(r.dir, '.git', 'objects', id.slice(0, 2)), { recursive: true });
  symlinkSync(file, join(r.dir, '.git', 'objects', id.slice(0, 2), id.slice(2)));
}

test("a loose object linked into the repository's own store after the audit, over a borrowed store's copy with other bytes: the re-audit walks again and fails (before: resumed, pass)", async () => {
  const { r, blob } = await borrowedLoose();
  linkLoose(r, blob, TOKEN_TEXT);
  // git reads the repository's own loose object before a borrowed store's.
  await walksAgainAndFails(r, blob);
});

test('twin: the same object linked in with its own bytes resumes the checkpoint', async () => {
  const { r, blob } = await borrowedLoose();
  linkLoose(r, blob, HARMLESS);
  expect(r.run(['fsck', '--strict'])).toBe('');
  expect(await audit(r)).toEqual({ secrets: 'pass', walk: expect.objectContaining({ incremental: true, walked: 0 }) });
});
