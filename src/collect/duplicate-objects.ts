// One object id stored in two places (two packs, a pack and a loose file, a store and one it borrows
// from) with different bytes has no one reading in git. git does not re-hash what it reads, and which
// copy it returns depends on what it read before: it searches packs newest first, but moves the pack
// that last answered to the front (packfile.c find_pack_entry, packed_git_mru), and loose files only
// after every pack. A pack of 2030 holding a token under a committed harmless file's blob id gave
// `git cat-file blob <id>` the token while `git show HEAD:file`, `git log -p` and gitguard's scan
// (whose commit and tree came from the older pack, which then answered first) read the harmless text
// and passed. No order gitguard could copy holds for every git command, so a repository holding an id
// twice with different bytes is refused before anything is judged. Honest copies (a fetched pack
// completing its thin deltas with objects already here, a loose object packed and not yet pruned)
// have the same bytes and pass.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RepositoryInfo } from '../domain/model.js';
import { ExpectedError } from '../errors.js';
import { spawnGit, Watchdog } from './git.js';
import { writeBareGitDir } from './shadow-packs.js';
import { looseDigest } from './object-files.js';
import { objectStores, realOr } from './object-store.js';
import { listDir } from './safe-fs.js';
import { OneCopyCache, stateKey, storeState } from './one-copy-cache.js';
import { runEnv } from './run-context.js';
import { bucket, indexedPacks, indexHolds, nameAt, readPackIndex, type PackIndex } from './pack-index.js';

/**
 * The ids two or more of `packs` list, each with the packs listing it: a merge of the sorted lists,
 * one fan-out bucket at a time, that stops reading a bucket once only one pack has names left in it
 * (one large pack beside a few small ones costs the small ones' names).
 */
function sharedIds(packs: PackIndex[], len: number, into: Map<string, string[]>): void {
  const at = new Array<number>(packs.length).fill(0);
  const live: number[] = [];
  const same: number[] = [];
  const name = (i: number): [Buffer, number] => [packs[i]!.names, nameAt(packs[i]!, at[i]!)];
  const cmp = (i: number, j: number): number => {
    const [[a, x], [b, y]] = [name(i), name(j)];
    return a.compare(b, y, y + len, x, x + len);
  };
  const end = packs.map(() => 0);
  for (let b = 0; b < 256; b += 1) {
    live.length = 0;
    packs.forEach((p, i) => {
      const [first, last] = bucket(p, b);
      [at[i], end[i]] = [first, last];
      if (first < last) live.push(i);
    });
    while (live.length > 1) {
      let min = live[0]!;
      for (let k = 1; k < live.length; k += 1) if (cmp(live[k]!, min) < 0) min = live[k]!;
      same.length = 0;
      for (const i of live) if (i === min || cmp(i, min) === 0) same.push(i);
      if (same.length > 1) {
        const [buf, off] = name(min);
        into.set(
          buf.toString('hex', off, off + len),
          same.map((i) => packs[i]!.pack),
        );
      }
      for (const i of same) at[i]! += 1;
      for (let k = live.length - 1; k >= 0; k -= 1) if (at[live[k]!]! >= end[live[k]!]!) live.splice(k, 1);
    }
  }
}

/** An index git loads whose ids are not read (pack-index.ts): a second copy it holds would go unseen. */
function refuseUnread(idx: string, count: number): never {
  throw new ExpectedError(
    `${idx} lists ${count} objects, more than gitguard reads from one pack index (2 GiB of ids): git reads objects from its pack, so an id it holds twice could not be checked`,
    'split it with git repack --max-pack-size, or look for a pack index nobody here wrote (its pack may hold far fewer objects)',
  );
}

/** Every place of `repo`'s object stores that holds an id more than once: id -> the files (packs, loose objects). */
export function duplicatedIds(objectsDir: string, len: number): Map<string, string[]> {
  const packs: PackIndex[] = [];
  const loose = new Map<string, string[]>();
  const seenPacks = new Set<string>();
  for (const store of objectStores(objectsDir)) {
    for (const n of indexedPacks(join(store, 'pack'))) {
      const real = realOr(join(store, 'pack', n.replace(/\.idx$/, '.pack')));
      if (seenPacks.has(real)) continue; // one file, linked twice: one copy
      seenPacks.add(real);
      const p = readPackIndex(join(store, 'pack', n), len);
      if (p && 'tooLarge' in p) refuseUnread(join(store, 'pack', n), p.tooLarge);
      else if (p) packs.push(p);
    }
    for (const d of listDir(store)) {
      if (!/^[0-9a-f]{2}$/.test(d)) continue;
      for (const n of listDir(join(store, d))) {
        if (n.length !== len * 2 - 2 || !/^[0-9a-f]+$/.test(n)) continue;
        const file = join(store, d, n);
        const at = loose.get(d + n);
        if (!at) loose.set(d + n, [file]);
        else if (!at.some((f) => realOr(f) === realOr(file))) at.push(file);
      }
    }
  }
  const out = new Map<string, string[]>();
  if (packs.length > 1) sharedIds(packs, len, out);
  for (const [id, files] of loose) {
    const oid = Buffer.from(id, 'hex');
    const inPacks = out.get(id) ?? packs.filter((p) => indexHolds(p, oid)).map((p) => p.pack);
    if (files.length + inPacks.length > 1) out.set(id, [...inPacks, ...files]);
  }
  return out;
}

/**
 * Those of `ids` whose copy in `pack` hashes to its id: read by git cat-file --batch in a git dir
 * holding that pack alone (a copy git cannot read there is not among them).
 */
async function soundCopies(pack: string, ids: string[], repo: RepositoryInfo): Promise<Set<string>> {
  const root = mkdtempSync(join(tmpdir(), 'gitguard-copy-'));
  const sound = new Set<string>();
  try {
    const gitDir = join(root, 'one.git');
    writeBareGitDir(gitDir, repo.objectFormat);
    for (const ext of ['pack', 'idx'])
      symlinkSync(pack.replace(/\.pack$/, `.${ext}`), join(gitDir, 'objects', 'pack', `one.${ext}`));
    const algo = repo.objectFormat === 'sha256' ? 'sha256' : 'sha1';
    // --buffer: the whole list is given at once; without it git writes (and node wakes) once per object.
    const args = ['cat-file', '--batch', '--buffer'];
    const child = spawnGit(args, { gitDir });
    // A copy git takes long to inflate (a delta chain, a huge blob) must not hang the run.
    const dog = new Watchdog(child, 'git cat-file (a duplicated object)');
    dog.arm();
    child.stdin!.end(`${ids.join('\n')}\n`);
    let buf: Buffer = Buffer.alloc(0);
    let left = -1; // bytes of the current object still to come (+1 for its newline); -1: a header next
    let hash: ReturnType<typeof createHash> | undefined;
    let current = '';
    for await (const chunk of child.stdout! as AsyncIterable<Buffer>) {
      dog.arm();
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      for (;;) {
        if (left < 0) {
          const nl = buf.indexOf(10);
          if (nl < 0) break;
          const [id, type, size] = buf.subarray(0, nl).toString('latin1').split(' ');
          buf = buf.subarray(nl + 1);
          if (!type || type === 'missing' || !/^\d+$/.test(size ?? '')) continue; // unreadable here: not sound
          current = id!;
          hash = createHash(algo).update(`${type} ${size}\0`);
          left = Number(size) + 1;
        }
        const take = Math.min(left, buf.length);
        hash!.update(buf.subarray(0, Math.min(take, left - 1)));
        buf = buf.subarray(take);
        left -= take;
        if (left > 0) break;
        if (hash!.digest('hex') === current) sound.add(current);
        left = -1;
      }
    }
    await new Promise((resolve) => (child.exitCode === null ? child.once('close', resolve) : resolve(null)));
    dog.check(args);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  return sound;
}

/** The ids of `dups` with a copy that does not hash to them (or that git cannot read), each with its files. */
async function unsoundCopies(dups: Map<string, string[]>, repo: RepositoryInfo): Promise<Array<[string, string[]]>> {
  const byPack = new Map<string, string[]>();
  for (const [id, files] of dups)
    for (const f of files) {
      if (!f.endsWith('.pack')) continue;
      const ids = byPack.get(f);
      if (ids) ids.push(id);
      else byPack.set(f, [id]);
    }
  const sound = new Map<string, Set<string>>();
  for (const [pack, ids] of byPack) sound.set(pack, await soundCopies(pack, ids, repo));
  const ok = (id: string, f: string): boolean =>
    f.endsWith('.pack') ? (sound.get(f)?.has(id) ?? false) : looseDigest(f, repo.objectFormat) === id;
  return [...dups].filter(([id, files]) => !files.every((f) => ok(id, f)));
}

/** Whether a file listed as holding a copy is gone since (a pack or its index, a loose object). */
const vanished = (f: string): boolean =>
  !(f.endsWith('.pack') ? [f, f.replace(/\.pack$/, '.idx')] : [f]).every((p) => existsSync(p));

/**
 * Throws ExpectedError for the first id of `dups` (the ids held twice in `objects`, listed before)
 * with a copy that does not hash to it. A copy unread because its file is gone since the listing is
 * git at work beside the audit (git gc --auto after a large commit: repack -d deletes the packs it
 * merged, prune-packed the loose objects it packed), not a second copy: git itself, missing an object
 * it listed, reads its pack folder again once (packfile.c reprepare_packed_git) and so does this
 * check: a fresh listing is checked whole, and its answer stands. A copy still there that does not
 * hash to its id is refused at once (a static store never vanishes: the attack is never re-listed away).
 */
export async function assertCopiesSound(
  objects: string,
  len: number,
  repo: RepositoryInfo,
  dups: Map<string, string[]> = duplicatedIds(objects, len),
): Promise<void> {
  let bad = await unsoundCopies(dups, repo);
  if (bad.some(([, files]) => files.some(vanished))) bad = await unsoundCopies(duplicatedIds(objects, len), repo);
  const [id, files] = bad[0] ?? [];
  if (id === undefined || !files) return;
  throw new ExpectedError(
    `object ${id} is stored ${files.length} times with different bytes (${files.join(', ')}; a copy does not hash to its id): git reads one copy or another depending on what it read before, so no verdict on this repository would hold`,
    'find the corrupt copy with git fsck and remove the pack or loose file holding it, or restore the object store from a clean clone',
  );
}

/**
 * Throws ExpectedError when an object store git reads for `repo` (its own, the stores it borrows
 * from) holds one id in two places with different bytes (see the top of this file): every copy of
 * an id held more than once must hash to it (honest copies do; of copies that differ, at most one can).
 * With `cache`, a store found clean before and unchanged since (one-copy-cache.ts) is not read again.
 */
export async function assertOneCopyPerId(repo: RepositoryInfo, cache = false): Promise<void> {
  const len = repo.objectFormat === 'sha256' ? 32 : 20;
  const objects = join(repo.commonDir, 'objects');
  const kept = cache ? OneCopyCache.open(repo.commonDir, runEnv()) : undefined;
  if (kept) {
    const state = storeState(objects, len);
    if (state !== undefined && kept.clean(state)) return;
  }
  // Stamped before anything is read, after the file system's time is taken: a file changed while the
  // check reads is a change for the next run (one-copy-cache.ts).
  const since = kept?.start();
  const before = since === undefined ? undefined : storeState(objects, len);
  const dups = duplicatedIds(objects, len);
  const loose = [...new Set([...dups.values()].flat().filter((f) => !f.endsWith('.pack')))].sort();
  const key = before === undefined ? undefined : stateKey(before, loose);
  await assertCopiesSound(objects, len, repo, dups);
  if (key !== undefined && before !== undefined && since !== undefined && storeState(objects, len) === before)
    kept?.keep(key, loose, before, since);
}
