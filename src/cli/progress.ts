import type { Io } from './io.js';
import { thousands } from '../domain/escape.js';

/** Walks shorter than this print no progress line at all. */
const QUIET_MS = 2000;

/** "12 s" under a minute, "4 min 05 s" under an hour, "1 h 07 min" beyond. */
export function durationText(seconds: number): string {
  const s = Math.max(1, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

/**
 * A "N of T commits checked (R/s, about E left)…" line on stderr, rewritten in place; only when
 * stderr is a terminal, and only once the walk has run for a couple of seconds. The rate is measured
 * from the first report; the total (and so the time left) is there once rev-list has listed the walk.
 */
export function progressReporter(
  io: Io,
  clock: () => number = Date.now,
): { onProgress?: (n: number, total?: number) => void; done: () => void } {
  if (!io.stderrIsTTY) return { done: () => {} };
  let shown = false;
  let first: { n: number; at: number } | undefined;
  return {
    onProgress: (n, total) => {
      const now = clock();
      first ??= { n, at: now };
      const ms = now - first.at;
      if (ms < QUIET_MS) return;
      shown = true;
      const perSecond = ((n - first.n) * 1000) / ms;
      const rate = Math.round(perSecond);
      const of = total !== undefined && total >= n ? ` of ${thousands(total)}` : '';
      const left = of && perSecond > 0 ? `, about ${durationText((total! - n) / perSecond)} left` : '';
      io.stderr(`\r\u001b[Kgitguard: ${thousands(n)}${of} commits checked (${thousands(rate)}/s${left})…`);
    },
    done: () => {
      if (shown) io.stderr('\r\u001b[K');
    },
  };
}
