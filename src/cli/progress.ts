import type { Io } from './io.js';

/** A "walked N commits…" line on stderr, rewritten in place; only when stderr is a terminal. */
export function progressReporter(io: Io): { onProgress?: (n: number) => void; done: () => void } {
  if (!io.stderrIsTTY) return { done: () => {} };
  let shown = false;
  return {
    onProgress: (n) => {
      shown = true;
      io.stderr(`\r\u001b[Kgitguard: ${n.toLocaleString('en-US')} commits checked…`);
    },
    done: () => {
      if (shown) io.stderr('\r\u001b[K');
    },
  };
}
