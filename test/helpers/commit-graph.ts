// Commit-graph fixtures: a graph file edited after git wrote it, its checksum recomputed (what
// anyone who can write the file can do), and a git that logs what it is asked, so a test can tell
// whether `commit-graph verify` ran or a cached verdict was used (redteam33, redteam35, cleanpass24).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeRepo, tempDir, type TestRepo } from './repo.js';
import { murmur3, type BloomSettings } from '../../src/domain/bloom.js';

/** A changed-path filter of `size` bytes holding `keys`, its bits set as bloom.c add_key_to_filter sets them. */
export function bloomFilter(keys: readonly string[], s: BloomSettings, size: number): Buffer {
  const f = Buffer.alloc(size);
  for (const k of keys) {
    const h0 = murmur3(0x293ae76f, Buffer.from(k), s.version);
    const h1 = murmur3(0x7e646e2c, Buffer.from(k), s.version);
    for (let i = 0; i < s.numHashes; i++) {
      const pos = ((h0 + Math.imul(i, h1)) >>> 0) % (size * 8);
      f[pos >>> 3] = f[pos >>> 3]! | (1 << (pos & 7));
    }
  }
  return f;
}

/**
 * Edits one commit's record in a SHA-1 commit-graph file (its root tree, first parent, date, or the
 * topological level kept beside the date) and recomputes the file's checksum. `noFilters` empties
 * every changed-path filter; `filter` rewrites the commit's own (same size) to hold exactly these keys.
 */
export function forgeGraph(
  file: string,
  commit: string,
  edit: { tree?: string; parent?: string; date?: number; level?: number; noFilters?: boolean; filter?: string[] },
): void {
  const b = readFileSync(file);
  const chunks = new Map<string, number>();
  for (let i = 0; i <= b[6]!; i += 1)
    chunks.set(b.toString('latin1', 8 + 12 * i, 12 + 12 * i), Number(b.readBigUInt64BE(12 + 12 * i)));
  if (edit.noFilters) {
    // Every changed-path filter emptied (its 12-byte header kept): "this path did not change".
    const start = chunks.get('BDAT')! + 12;
    b.fill(0, start, Math.min(...[...chunks.values()].filter((o) => o > start)));
  }
  const oidl = chunks.get('OIDL')!;
  const cdat = chunks.get('CDAT')!;
  const ids = Array.from({ length: (cdat - oidl) / 20 }, (_, i) =>
    b.toString('hex', oidl + 20 * i, oidl + 20 * i + 20),
  );
  const at = cdat + 36 * ids.indexOf(commit);
  if (at < cdat) throw new Error(`${commit} is not in ${file}`);
  if (edit.tree) Buffer.from(edit.tree, 'hex').copy(b, at);
  if (edit.parent) b.writeUInt32BE(ids.indexOf(edit.parent), at + 20);
  if (edit.date !== undefined) {
    b.writeUInt32BE((b.readUInt32BE(at + 28) & ~3) | Math.floor(edit.date / 2 ** 32), at + 28);
    b.writeUInt32BE(edit.date % 2 ** 32, at + 32);
  }
  if (edit.filter) {
    const bidx = chunks.get('BIDX')!;
    const bdat = chunks.get('BDAT')!;
    const i = ids.indexOf(commit);
    const start = bdat + 12 + (i ? b.readUInt32BE(bidx + 4 * (i - 1)) : 0);
    const end = bdat + 12 + b.readUInt32BE(bidx + 4 * i);
    const s = { version: b.readUInt32BE(bdat) === 2 ? 2 : 1, numHashes: b.readUInt32BE(bdat + 4) } as const;
    bloomFilter(edit.filter, s, end - start).copy(b, start);
  }
  if (edit.level !== undefined) b.writeUInt32BE(((edit.level << 2) | (b.readUInt32BE(at + 28) & 3)) >>> 0, at + 28);
  createHash('sha1')
    .update(b.subarray(0, b.length - 20))
    .digest()
    .copy(b, b.length - 20);
  chmodSync(file, 0o644);
  writeFileSync(file, b);
}

/** A git that appends its arguments to `log`, then runs the real git: `ran(text)` says whether a run asked for it. */
export function loggingGit(): { git: string; reset: () => void; ran: (text: string) => boolean } {
  const dir = tempDir();
  const log = join(dir, 'git.log');
  const git = join(dir, 'git');
  writeFileSync(
    git,
    `#!/bin/sh\necho "$*" >> '${log}'\nexec '${execFileSync('sh', ['-c', 'command -v git']).toString().trim()}' "$@"\n`,
  );
  chmodSync(git, 0o755);
  writeFileSync(log, '');
  return { git, reset: () => writeFileSync(log, ''), ran: (text) => readFileSync(log, 'utf8').includes(text) };
}

/** A new repository with c1..c3, each changing app.sh; `after(n, r)` runs once commit n is made (to write a graph there). */
export function threeReleases(after: (n: number, r: TestRepo) => void): { r: TestRepo; ids: string[] } {
  const r = makeRepo();
  const ids: string[] = [];
  for (const n of [1, 2, 3]) {
    r.commit(`c${n}`, { 'app.sh': `echo release ${n}\n` });
    ids.push(r.head());
    after(n, r);
  }
  return { r, ids };
}
