// Red team 58: one object id stored twice with different bytes has no one reading in git. git
// searches packs newest first but moves the pack that last answered to the front (packfile.c
// find_pack_entry, packed_git_mru), and reads loose files after every pack: a pack holding only a
// token under a committed harmless file's blob id gave `git cat-file blob <id>` the token while
// `git show HEAD:cfg.txt` and `git log -p` (their commit and tree read from the older pack, which
// then answered first) gave the harmless text, and gitguard's scan read that and passed. Packs of
// one time are ordered by the folder's listing, which gitguard's shadow need not repeat. Now such a
// repository is refused (exit 2) before anything is judged, wherever the copies are (two packs, a
// borrowed store's pack, a loose file). Twins: honest copies (a second pack of the same objects, of
// the same time or newer; loose objects left beside the pack that holds them) pass.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { cleanupTemp, makeRepo, type TestRepo } from '../helpers/repo.js';
import { parseJson, resultOf, runMain, type CliResult } from '../helpers/cli.js';
import { agePacks, borrowingRepo, extraPack, looseCopy, refusedForCopies } from '../helpers/forged-pack.js';
import { TokenFactory } from '../helpers/secrets.js';

afterAll(cleanupTemp);

const token = new TokenFactory(5858).checksummed(`gh${'p'}_`);
const HARMLESS = 'nothing secret here, honestly\n';
const TOKEN_TEXT = `token = "${token}"\n`;

function repoWithHarmlessFile(objectFormat: 'sha1' | 'sha256' = 'sha1'): { r: TestRepo; blob: string } {
  const r = makeRepo({ objectFormat });
  r.commit('one', { 'README.md': '# demo\n' });
  r.commit('two', { 'cfg.txt': HARMLESS, 'notes.txt': 'notes\n' });
  r.run(['repack', '-adq']);
  return { r, blob: r.run(['rev-parse', 'HEAD:cfg.txt']) };
}

const scan = (r: TestRepo): Promise<CliResult> =>
  runMain(['audit', '-C', r.dir, '-r', 'secrets-not-in-history', '--format', 'json', '--no-ledger', '--no-cache'], {
    env: r.env,
  });

async function passes(r: TestRepo): Promise<void> {
  const res = await scan(r);
  expect(res.code).toBe(0);
  expect(resultOf(parseJson(res), 'secrets-not-in-history').outcome).toBe('pass');
}

test.each<['sha1' | 'sha256', 1 | 2]>([
  ['sha1', 2],
  ['sha1', 1],
  ['sha256', 2],
])(
  'a newer pack of the token alone under the harmless id (%s, .idx version %i): git answers both ways; refused (before: the scan passed)',
  async (format, indexVersion) => {
    const { r, blob } = repoWithHarmlessFile(format);
    extraPack(r, undefined, { id: blob, text: TOKEN_TEXT }, undefined, { only: [blob], indexVersion });
    // git itself: the newest pack for a fresh lookup, the pack of the commit and tree once they are read.
    expect(r.run(['cat-file', 'blob', blob])).toContain(token);
    expect(r.run(['show', 'HEAD:cfg.txt'])).toBe(HARMLESS.trim());
    expect(r.run(['log', '-p'])).not.toContain(token);
    await refusedForCopies(r, blob, '-r', 'secrets-not-in-history', '--no-cache');
  },
);

test('two packs of the same time holding the harmless id with different bytes: refused', async () => {
  const { r, blob } = repoWithHarmlessFile();
  extraPack(r, undefined, { id: blob, text: TOKEN_TEXT }, undefined, { year: 2020 });
  const fsck = spawnSync('git', ['-C', r.dir, 'fsck', '--strict'], { env: r.env, encoding: 'utf8' });
  expect(fsck.stderr).toContain('corrupt');
  await refusedForCopies(r, blob, '-r', 'secrets-not-in-history', '--no-cache');
});

test('a borrowed store holding a forged copy of an object of the repository: refused', async () => {
  const { r, store } = borrowingRepo([{ 'cfg.txt': HARMLESS }]);
  const blob = r.run(['rev-parse', 'HEAD:cfg.txt']);
  looseCopy(join(store, 'objects'), blob, TOKEN_TEXT);
  await refusedForCopies(r, blob, '-r', 'secrets-not-in-history', '--no-cache');
});

test('a loose copy with other bytes beside the packed one: refused', async () => {
  const { r, blob } = repoWithHarmlessFile();
  looseCopy(join(r.dir, '.git', 'objects'), blob, TOKEN_TEXT);
  await refusedForCopies(r, blob, '-r', 'secrets-not-in-history', '--no-cache');
});

describe('twins: honest copies pass', () => {
  test.each<[number, 'sha1' | 'sha256', 1 | 2]>([
    [2030, 'sha1', 2],
    [2020, 'sha1', 2],
    [2030, 'sha1', 1],
    [2030, 'sha256', 2],
  ])('a second pack of every object of HEAD, dated %i (%s, .idx version %i)', async (year, format, indexVersion) => {
    const { r } = repoWithHarmlessFile(format);
    extraPack(r, undefined, undefined, undefined, { year, indexVersion });
    expect(r.run(['fsck', '--strict'])).toBe('');
    await passes(r);
  });

  test('loose objects left beside the pack that holds them (git repack -a without -d), and a borrowed store', async () => {
    const { r, store } = borrowingRepo([{ 'cfg.txt': HARMLESS }, { 'notes.txt': 'notes\n' }]);
    r.run(['repack', '-aq']);
    looseCopy(join(store, 'objects'), r.run(['rev-parse', 'HEAD:cfg.txt']), HARMLESS);
    agePacks(r, 2020);
    expect(r.run(['count-objects', '-v'])).toMatch(/^count: [1-9]/m);
    await passes(r);
  });
});
