// The walk takes the scan's records in bounded batches (path-tap.ts, TAP_BATCH). A scan ahead of the
// walk has whole ranges ready; the stream handed them all over in one array, which at a million
// commits ended the audit with "Maximum call stack size exceeded" (`npm run bench -- scale`) where
// the walk took the array in. Failed before the bound: one batch of every commit ready.
import { PathTap, TAP_BATCH, tappedChangeStream } from '../../src/collect/path-tap.js';
import type { CommitPathChanges } from '../../src/collect/path-changes.js';

const oidOf = (c: number, i: number): string => `${c.toString(16).padStart(8, '0')}${i.toString(16).padStart(32, '0')}`;

/** A tap whose scan has read all `sizes[c]` commits of each range c. */
function readyTap(sizes: number[]): PathTap {
  const tap = new PathTap('key', ['CODEOWNERS']);
  tap.setPlan(sizes.map((lines, c) => ({ range: { start: c, end: c + 1, lines, longest: 0 }, fed: true })));
  tap.decide(true);
  sizes.forEach((n, c) => {
    const chunk = tap.chunk(c, n);
    for (let i = 0; i < n; i += 1) chunk.commit(oidOf(c, i));
    chunk.end();
  });
  return tap;
}

async function drain(tap: PathTap): Promise<CommitPathChanges[][]> {
  const batches: CommitPathChanges[][] = [];
  // Fed ranges only: the stream never runs git, so no repository is needed.
  for await (const b of tappedChangeStream(
    tap,
    '/nonexistent',
    '/nonexistent',
    ['CODEOWNERS'],
    '/nonexistent',
    true,
    1,
  ))
    batches.push(b);
  return batches;
}

test('ranges the scan has read ahead come in batches of at most TAP_BATCH, every commit once, in order', async () => {
  const sizes = [3 * TAP_BATCH + 5, 7, 2 * TAP_BATCH];
  const batches = await drain(readyTap(sizes));
  expect(Math.max(...batches.map((b) => b.length))).toBeLessThanOrEqual(TAP_BATCH);
  const oids = batches.flat().map((c) => c.oid);
  const want = sizes.flatMap((n, c) => Array.from({ length: n }, (_, i) => oidOf(c, i)));
  expect(oids).toEqual(want);
});

test('a range the scan is still reading: what is ready comes first, the rest once it is read', async () => {
  const tap = new PathTap('key', ['CODEOWNERS']);
  tap.setPlan([{ range: { start: 0, end: 1, lines: 10, longest: 0 }, fed: true }]);
  tap.decide(true);
  const chunk = tap.chunk(0, 10);
  for (let i = 0; i < 6; i += 1) chunk.commit(oidOf(0, i)); // 5 complete, the 6th open
  const stream = tappedChangeStream(tap, '/nonexistent', '/nonexistent', ['CODEOWNERS'], '/nonexistent', true, 1);
  const first = await stream.next();
  expect((first.value as CommitPathChanges[]).map((c) => c.oid)).toEqual([0, 1, 2, 3, 4].map((i) => oidOf(0, i)));
  const rest = stream.next();
  for (let i = 6; i < 10; i += 1) chunk.commit(oidOf(0, i));
  chunk.end();
  expect(((await rest).value as CommitPathChanges[]).map((c) => c.oid)).toEqual(
    [5, 6, 7, 8, 9].map((i) => oidOf(0, i)),
  );
  expect((await stream.next()).done).toBe(true);
});
