// A commit-graph edited as anyone who can write the file can: one commit's record changed and the
// file's checksum recomputed (redteam33-commit-graph, cleanpass24-commit-graph).
import { createHash } from 'node:crypto';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';

/**
 * Edits one commit's record in a SHA-1 commit-graph file (its root tree, first parent or date) and
 * recomputes the file's checksum, as anyone who can write the file can.
 */
export function forgeGraph(
  file: string,
  commit: string,
  edit: { tree?: string; parent?: string; date?: number; noFilters?: boolean },
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
  expect(at).toBeGreaterThanOrEqual(cdat);
  if (edit.tree) Buffer.from(edit.tree, 'hex').copy(b, at);
  if (edit.parent) b.writeUInt32BE(ids.indexOf(edit.parent), at + 20);
  if (edit.date !== undefined) {
    b.writeUInt32BE((b.readUInt32BE(at + 28) & ~3) | Math.floor(edit.date / 2 ** 32), at + 28);
    b.writeUInt32BE(edit.date % 2 ** 32, at + 32);
  }
  createHash('sha1')
    .update(b.subarray(0, b.length - 20))
    .digest()
    .copy(b, b.length - 20);
  chmodSync(file, 0o644);
  writeFileSync(file, b);
}
