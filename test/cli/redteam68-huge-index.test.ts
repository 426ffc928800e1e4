// Red team 68: a pack index git loads but gitguard's duplicate-id check did not read. pack-index.ts
// left an index listing over 2 GiB of ids "to git": readPackIndex answered undefined and the check
// went on without that pack, so an id it held twice was never seen. git's load_idx (packfile.c)
// takes any index whose size fits its count, and opening the pack checks only its header's count and
// the pack checksum the index ends with: a sparse 3 GB index (110 million ids, the zero id 110
// million times, disk blocks for a few kB) beside a one-object pack whose header says 110 million
// gave `git cat-file blob <id>` a token under a committed harmless file's id while the scan read the
// harmless text and passed. Now an index git would load and gitguard cannot read whole is refused
// (exit 2, one line), and one git itself refuses (too short for its count) is still left out without
// its claimed size being allocated. Twin: the same repository without the huge index passes.
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync, writeSync, ftruncateSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTemp, makeRepo, type TestRepo } from '../helpers/repo.js';
import { parseJson, resultOf, runMain, type CliResult } from '../helpers/cli.js';
import { extraPack } from '../helpers/forged-pack.js';
import { TokenFactory } from '../helpers/secrets.js';

afterAll(cleanupTemp);

const token = new TokenFactory(6868).checksummed(`gh${'p'}_`);
const HARMLESS = 'nothing secret here, honestly\n';
/** Over pack-index.ts's 2 GiB of ids (20 bytes each). */
const COUNT = 110_000_000;

function repoWithHarmlessFile(): { r: TestRepo; blob: string } {
  const r = makeRepo();
  r.commit('one', { 'README.md': '# demo\n' });
  r.commit('two', { 'cfg.txt': HARMLESS });
  r.run(['repack', '-adq']);
  return { r, blob: r.run(['rev-parse', 'HEAD:cfg.txt']) };
}

/**
 * Rewrites the one-object version 2 index at `idx` as one listing `count` ids (the zero id count - 1
 * times, then its own), written sparse, and its pack's header count to match: what git checks.
 * `short`: the file cut before its last id (git refuses it: wrong index v2 file size).
 */
function inflateIndex(idx: string, count: number, short = false): void {
  const one = readFileSync(idx);
  const [name, crc, offset, trailer] = [
    one.subarray(1032, 1052),
    one.subarray(1052, 1056),
    one.subarray(1056, 1060),
    one.subarray(1060),
  ];
  const head = Buffer.alloc(1032);
  one.copy(head, 0, 0, 8);
  for (let b = 0; b < 256; b += 1) head.writeUInt32BE(count - 1 + (b >= name[0]! ? 1 : 0), 8 + b * 4);
  const fd = openSync(idx, 'w');
  try {
    const size = 1032 + count * 28 + 40;
    ftruncateSync(fd, short ? 1032 + (count - 1) * 20 : size);
    writeSync(fd, head, 0, head.length, 0);
    if (!short) {
      writeSync(fd, name, 0, 20, 1032 + (count - 1) * 20);
      writeSync(fd, crc, 0, 4, 1032 + count * 20 + (count - 1) * 4);
      writeSync(fd, offset, 0, 4, 1032 + count * 24 + (count - 1) * 4);
      writeSync(fd, trailer, 0, 40, size - 40);
    }
  } finally {
    closeSync(fd);
  }
  const pack = openSync(idx.replace(/\.idx$/, '.pack'), 'r+');
  try {
    const n = Buffer.alloc(4);
    n.writeUInt32BE(count);
    writeSync(pack, n, 0, 4, 8);
  } finally {
    closeSync(pack);
  }
}

const scan = (r: TestRepo): Promise<CliResult> =>
  runMain(['audit', '-C', r.dir, '-r', 'secrets-not-in-history', '--format', 'json', '--no-ledger', '--no-cache'], {
    env: r.env,
  });

/** The forged pack (the token alone under `blob`'s id), newer than the repository's own. */
function forgedPackIndex(r: TestRepo, blob: string): string {
  extraPack(r, 'huge', { id: blob, text: `token = "${token}"\n` }, undefined, { only: [blob] });
  return join(r.dir, '.git', 'objects', 'pack', 'huge.idx');
}

test('a sparse index of 110 million ids git loads, holding a token under the harmless id: refused (before: passed)', async () => {
  const { r, blob } = repoWithHarmlessFile();
  inflateIndex(forgedPackIndex(r, blob), COUNT);
  // git loads it and reads the token from it; the commit's own pack gives the harmless text.
  expect(r.run(['cat-file', 'blob', blob])).toContain(token);
  expect(r.run(['show', 'HEAD:cfg.txt'])).toBe(HARMLESS.trim());
  const res = await scan(r);
  expect(res.code).toBe(2);
  expect(res.stderr).toMatch(/^gitguard: .*huge\.idx lists 110000000 objects/);
  expect(res.stderr.trim().split('\n')).toHaveLength(1);
});

test('the same index cut short (git refuses it: wrong size): left out as git leaves it out, the scan passes', async () => {
  const { r, blob } = repoWithHarmlessFile();
  inflateIndex(forgedPackIndex(r, blob), COUNT, true);
  const cat = spawnSync('git', ['-C', r.dir, 'cat-file', 'blob', blob], { env: r.env, encoding: 'utf8' });
  expect(cat.stdout).toBe(HARMLESS);
  expect(cat.stderr).toContain('wrong index v2 file size');
  const res = await scan(r);
  expect(res.code).toBe(0);
  expect(resultOf(parseJson(res), 'secrets-not-in-history').outcome).toBe('pass');
});

test('twin: the honest repository passes', async () => {
  const { r } = repoWithHarmlessFile();
  expect(readdirSync(join(r.dir, '.git', 'objects', 'pack')).filter((f) => f.endsWith('.idx'))).toHaveLength(1);
  const res = await scan(r);
  expect(res.code).toBe(0);
  expect(resultOf(parseJson(res), 'secrets-not-in-history').outcome).toBe('pass');
});
