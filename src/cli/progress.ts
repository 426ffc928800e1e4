import type { Io } from './io.js';

/** Walks shorter than this print no progress line at all. */
const QUIET_MS = 2000;

/**
 * A "walked N commits (R/s)…" line on stderr, rewritten in place; only when stderr is a terminal,
 * and only once the walk has run for a couple of seconds. The rate is measured from the first report.
 */
export function progressReporter(io: Io, clock: () => number = Date.now): { onProgress?: (n: number) => void; done: () => void } {
  if (!io.stderrIsTTY) return { done: () => {} };
  let shown = false;
  let first: { n: number; at: number } | undefined;
  return {
    onProgress: (n) => {
      const now = clock();
      first ??= { n, at: now };
      const ms = now - first.at;
      if (ms < QUIET_MS) return;
      shown = true;
      const rate = Math.round(((n - first.n) * 1000) / ms);
      io.stderr(`\r\u001b[Kgitguard: ${n.toLocaleString('en-US')} commits checked (${rate.toLocaleString('en-US')}/s)…`);
    },
    done: () => {
      if (shown) io.stderr('\r\u001b[K');
    },
  };
}
