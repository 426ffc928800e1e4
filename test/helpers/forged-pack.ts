// A pack of every object of a repository's HEAD, written into its own pack folder, optionally with
// other bytes under one blob's id (a loose file rewritten in a scratch store, then packed by git,
// which does not re-hash what it packs): what a forged pack slipped into a repository looks like.
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  mkdirSync,
  readdirSync,
  renameSync,
  symlinkSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { makeRepo, tempDir, type TestRepo } from './repo.js';
import { runMain } from './cli.js';

/** Sets every file of `r`'s own pack folder to `year` (git orders packs by mtime; no clock, no waiting). */
export function agePacks(r: TestRepo, year: number): void {
  const own = join(r.dir, '.git', 'objects', 'pack');
  const t = new Date(`${year}-01-01T00:00:00Z`);
  for (const f of readdirSync(own)) utimesSync(join(own, f), t, t);
}

/**
 * A bare store (a temp folder) holding every object of `r`'s HEAD as one pack, `forged` (when given)
 * with `text` under the blob `id`; its loose copies stay beside the pack. `only`: the ids its pack
 * holds instead (all of them stay loose); `indexVersion`: its .idx format (git's default, 2, when not given).
 * Returns the store and the pack's hash.
 */
export function forgedStore(
  r: TestRepo,
  forged?: { id: string; text: string },
  only?: string[],
  indexVersion?: 1 | 2,
): { dir: string; hash: string } {
  const dir = join(tempDir(), 'store.git');
  const git = (args: string[], input?: string | Buffer): string =>
    execFileSync('git', [`--git-dir=${dir}`, ...args], { env: r.env, input })
      .toString()
      .trim();
  git(['init', '-q', '--bare', `--object-format=${r.run(['rev-parse', '--show-object-format'])}`]);
  const list = r.run(['rev-list', '--objects', 'HEAD']);
  git(
    ['unpack-objects', '-q'],
    execFileSync('git', ['-C', r.dir, 'pack-objects', '--stdout', '-q'], { env: r.env, input: list }),
  );
  if (forged) {
    const file = join(dir, 'objects', forged.id.slice(0, 2), forged.id.slice(2));
    chmodSync(file, 0o644);
    const body = Buffer.from(forged.text);
    writeFileSync(file, deflateSync(Buffer.concat([Buffer.from(`blob ${body.length}\0`), body])));
  }
  const packed = only ? `${only.join('\n')}\n` : list;
  const version = indexVersion ? [`--index-version=${indexVersion}`] : [];
  return { dir, hash: git(['pack-objects', ...version, '-q', join(dir, 'objects', 'pack', 'pack')], packed) };
}

/**
 * Writes forgedStore's pack as `<name>.pack`/`.idx` (`name` undefined: git's own `pack-<hex>`) dated
 * 2030 (or `opts.year`) into the object folder `into` (`r`'s own by default), `r`'s own packs dated
 * 2020, so git reads it first; `opts.only`, `opts.indexVersion`: the ids it holds, its .idx format (forgedStore).
 */
export function extraPack(
  r: TestRepo,
  name: string | undefined,
  forged?: { id: string; text: string },
  into = join(r.dir, '.git', 'objects'),
  opts: { only?: string[]; year?: number; indexVersion?: 1 | 2 } = {},
): void {
  const { dir, hash } = forgedStore(r, forged, opts.only, opts.indexVersion);
  agePacks(r, 2020);
  const own = join(into, 'pack');
  const newer = new Date(`${opts.year ?? 2030}-01-01T00:00:00Z`);
  for (const ext of ['pack', 'idx']) {
    const to = join(own, `${name ?? `pack-${hash}`}.${ext}`);
    renameSync(join(dir, 'objects', 'pack', `pack-${hash}.${ext}`), to);
    utimesSync(to, newer, newer);
  }
}

/**
 * forgedStore's pack kept outside the repository (dated 2030, `r`'s own packs 2020: git reads it
 * first) and linked into `r`'s pack folder by symbolic links `<name>.pack`/`.idx` (git's own name
 * when not given; a link already there is pointed at it); returns the name.
 */
export function linkedPack(r: TestRepo, forged?: { id: string; text: string }, name?: string): string {
  const { dir, hash } = forgedStore(r, forged);
  agePacks(r, 2020);
  const away = tempDir();
  const newer = new Date('2030-01-01T00:00:00Z');
  const as = name ?? `pack-${hash}`;
  for (const ext of ['pack', 'idx']) {
    const target = join(away, `kept.${ext}`);
    renameSync(join(dir, 'objects', 'pack', `pack-${hash}.${ext}`), target);
    utimesSync(target, newer, newer);
    const link = join(r.dir, '.git', 'objects', 'pack', `${as}.${ext}`);
    try {
      unlinkSync(link);
    } catch {
      // a new link
    }
    symlinkSync(target, link);
  }
  return as;
}

/** A repository borrowing from a fresh bare store (objects/info/alternates), then given `commits` (each one's files). */
export function borrowingRepo(commits: Array<Record<string, string>>): { r: TestRepo; store: string } {
  const r = makeRepo();
  const store = join(tempDir(), 'store.git');
  r.run(['init', '-q', '--bare', store]);
  writeFileSync(join(r.dir, '.git', 'objects', 'info', 'alternates'), `${join(store, 'objects')}\n`);
  commits.forEach((files, i) => r.commit(`c${i}`, files));
  return { r, store };
}

/**
 * A repository holding `id` in two places with different bytes is refused before anything is judged
 * (red team 58, collect/duplicate-objects.ts): `gitguard audit ...extra` exits 2 with one line naming it.
 */
export async function refusedForCopies(r: TestRepo, id: string, ...extra: string[]): Promise<void> {
  const res = await runMain(['audit', '-C', r.dir, '--format', 'json', '--no-ledger', ...extra], { env: r.env });
  expect(res.code).toBe(2);
  expect(res.stderr).toMatch(new RegExp(`^gitguard: object ${id} is stored 2 times with different bytes`));
  expect(res.stderr.trim().split('\n')).toHaveLength(1);
}

/** A loose blob `text` under `id` in the object folder `objects` (a forged copy when `text` is not the id's). */
export function looseCopy(objects: string, id: string, text: string): void {
  mkdirSync(join(objects, id.slice(0, 2)), { recursive: true });
  const body = Buffer.from(text);
  writeFileSync(
    join(objects, id.slice(0, 2), id.slice(2)),
    deflateSync(Buffer.concat([Buffer.from(`blob ${body.length}\0`), body])),
  );
}
