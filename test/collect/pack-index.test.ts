// pack-index.ts against git's own readers: every index git writes (index-pack versions 1 and 2, a
// version 2 with its large-offset table, pack-objects' and fast-import's, repack's under pack.indexVersion=1), for sha1
// and sha256, over generated packs of 0 to 3,000 objects. Each must list exactly the ids git
// show-index prints, in its order, and verify-pack -v finds in the pack; one id looked up in place
// must agree with the ids read whole, for ids present and absent.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  idCount,
  indexHolds,
  nameAt,
  packIndexHolds,
  readPackIndex,
  type PackIndex,
} from '../../src/collect/pack-index.js';
import { cleanupTemp, tempDir } from '../helpers/repo.js';

afterAll(cleanupTemp);

type Format = 'sha1' | 'sha256';

/** A deterministic stream of blobs (mulberry32), one commit naming them all, for git fast-import. */
function fastImport(count: number, seed: number): string {
  let s = seed;
  const rnd = (): number => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  let out = '';
  for (let i = 1; i <= count; i += 1) {
    const data = `${i} ${rnd().toString(36)}\n`.repeat(1 + Math.floor(rnd() * 40));
    out += `blob\nmark :${i}\ndata ${Buffer.byteLength(data)}\n${data}\n`;
  }
  out += 'commit refs/heads/main\ncommitter A <a@example.com> 0 +0000\ndata 2\nx\n';
  for (let i = 1; i <= count; i += 1) out += `M 100644 :${i} f${i}\n`;
  return `${out}\n`;
}

// One sh per format: fast-import's own pack, then packs of the first K ids, each indexed as version 1,
// version 2 and version 2 with every offset past the first object's in the large-offset table; last, repack -adf with
// pack.indexVersion=1 (the whole store, blobs, tree and commit, in one version 1 index).
const SCRIPT = `set -e
git init -q --bare --object-format="$FORMAT" repo
cd repo
git fast-import --quiet < ../stream
mkdir ../packs
git cat-file --batch-all-objects --batch-check='%(objectname)' > ../all
for k in 0 1 5 300 3000; do
  head -n $k ../all | git pack-objects -q ../packs/k$k > /dev/null
  p=$(ls "$PWD"/../packs/k$k-*.pack)
  git index-pack --index-version=1 -o ../packs/v1-k$k.idx "$p"
  git index-pack --index-version=2 -o ../packs/v2-k$k.idx "$p"
  git index-pack --index-version=2,0x10 -o ../packs/v2big-k$k.idx "$p"
  for v in v1 v2 v2big; do ln -s "$p" ../packs/$v-k$k.pack; done
done
for f in objects/pack/*.idx; do cp "$f" ../packs/fastimport.idx; cp "\${f%.idx}.pack" ../packs/fastimport.pack; done
git -c pack.indexVersion=1 repack -adfq
for f in objects/pack/*.idx; do ln -s "$PWD/$f" ../packs/repack1.idx; ln -s "$PWD/\${f%.idx}.pack" ../packs/repack1.pack; done
`;

const made = new Map<Format, string>();
function packs(format: Format): string {
  const done = made.get(format);
  if (done) return done;
  const dir = tempDir();
  writeFileSync(join(dir, 'stream'), fastImport(3000, format === 'sha1' ? 1 : 2));
  execFileSync('sh', ['-c', SCRIPT], { cwd: dir, env: { ...process.env, FORMAT: format }, stdio: 'pipe' });
  made.set(format, join(dir, 'packs'));
  return join(dir, 'packs');
}

/** git in the repository the packs were made in (verify-pack takes the id length from it). */
const git = (format: Format, args: string[], input?: Buffer): string =>
  execFileSync('git', args, {
    cwd: join(packs(format), '..', 'repo'),
    input,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });

/** git show-index's ids of an index, in its order. */
const showIndex = (format: Format, idx: string): string[] =>
  git(format, ['show-index', `--object-format=${format}`], readFileSync(idx))
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split(' ')[1]!);

/** git verify-pack -v's ids of a pack (read through its index), sorted. */
const verifyPack = (format: Format, idx: string): string[] =>
  git(format, ['verify-pack', '-v', idx])
    .split('\n')
    .map((l) => /^([0-9a-f]{40,64}) /.exec(l)?.[1])
    .filter((id): id is string => !!id)
    .sort();

const V2_MAGIC = 'ff744f63';

describe.each(['sha1', 'sha256'] as const)('%s', (format) => {
  const len = format === 'sha1' ? 20 : 32;
  const names = (): string[] =>
    readdirSync(packs(format))
      .filter((f) => f.endsWith('.idx'))
      .sort();

  test('the indexes cover both versions, large offsets and every size', () => {
    const versions = names().map((n) => [
      n,
      readFileSync(join(packs(format), n))
        .subarray(0, 4)
        .toString('hex') === V2_MAGIC
        ? 2
        : 1,
    ]);
    expect(versions).toEqual(
      expect.arrayContaining([
        ['v1-k0.idx', 1],
        ['v1-k3000.idx', 1],
        ['v2-k3000.idx', 2],
        ['v2big-k300.idx', 2],
        ['fastimport.idx', 2],
        ['repack1.idx', 1],
      ]),
    );
    const size = (n: string): number => readFileSync(join(packs(format), n)).length;
    expect(size('v2big-k300.idx')).toBe(size('v2-k300.idx') + 299 * 8); // 64-bit offsets for all but the first object
    expect(names()).toHaveLength(4 * 5 + 2); // pack-objects' own index of each pack too
  });

  test('every index lists what git show-index prints, in its order, and verify-pack -v finds in the pack', () => {
    for (const n of names()) {
      const idx = join(packs(format), n);
      const p = readPackIndex(idx, len) as PackIndex;
      const ids = Array.from({ length: idCount(p) }, (_, i) =>
        p.names.toString('hex', nameAt(p, i), nameAt(p, i) + len),
      );
      const shown = showIndex(format, idx);
      expect([n, ids]).toEqual([n, shown]);
      expect([n, [...ids].sort()]).toEqual([n, verifyPack(format, idx)]);
      expect(p.pack).toBe(idx.replace(/\.idx$/, '.pack'));
    }
  });

  test('one id looked up in place agrees with the ids read whole, present or absent', () => {
    const all = showIndex(format, join(packs(format), 'repack1.idx'));
    expect(all.length).toBe(3002); // the blobs, their tree and the commit
    const edges = ['00', 'ff'].map((b) => b.repeat(len));
    for (const n of ['v1-k5.idx', 'v2-k5.idx', 'v2big-k300.idx', 'v1-k300.idx', 'v1-k0.idx', 'fastimport.idx']) {
      const idx = join(packs(format), n);
      const listed = new Set(showIndex(format, idx));
      const p = readPackIndex(idx, len) as PackIndex;
      // Every id it lists, and ids of the store it does not (the first 500, spread over the buckets).
      for (const id of new Set([...listed, ...all.slice(0, 500), ...edges])) {
        const oid = Buffer.from(id, 'hex');
        expect([n, id, packIndexHolds(idx, oid)]).toEqual([n, id, listed.has(id)]);
        expect([n, id, indexHolds(p, oid)]).toEqual([n, id, listed.has(id)]);
      }
    }
  });
});

test('an index cut short, or no index at all, lists nothing', () => {
  const dir = packs('sha1');
  const whole = readFileSync(join(dir, 'v2-k300.idx'));
  const root = tempDir();
  const id = Buffer.from(showIndex('sha1', join(dir, 'v2-k300.idx'))[299]!, 'hex');
  // The fan-out says 300 ids; the file ends after 100 of them.
  writeFileSync(join(root, 'cut.idx'), whole.subarray(0, 8 + 1024 + 100 * 20));
  expect(readPackIndex(join(root, 'cut.idx'), 20)).toBeUndefined();
  expect(packIndexHolds(join(root, 'cut.idx'), id)).toBe(false);
  writeFileSync(join(root, 'head.idx'), whole.subarray(0, 500));
  expect(readPackIndex(join(root, 'head.idx'), 20)).toBeUndefined();
  expect(readPackIndex(join(root, 'none.idx'), 20)).toBeUndefined();
  expect(packIndexHolds(join(root, 'none.idx'), id)).toBe(false);
  expect(packIndexHolds(join(dir, 'v2-k300.idx'), id)).toBe(true);
});
