// How far V8 lets the heap grow past what its last full collection kept, for the binary. V8 picks that
// factor itself, up to 4 on a machine with gigabytes of memory, so a run's peak is ~4 times what it keeps
// live: the hostile CI history of the README's "Memory of reading CI YAML" (300 versions of a 200 KiB
// workflow) peaked at ~340-350 MB with ~35-60 MB live at each full collection. A factor of 2.5 bounds it
// (~260 MB) at no CPU measured; 2 cost a tenth more CPU (more full collections). V8 reads the factor at
// each collection, so it is set once the process runs, not only on node's command line.
import { setFlagsFromString } from 'node:v8';

/** V8's `--heap-growing-percent`: the heap grows to 2.5 times what a full collection kept. */
const HEAP_GROWING_PERCENT = 150;

/**
 * The flag bin/ sets, or undefined where the user chose one already on node's command line (spelt
 * with `-` or `_`; NODE_OPTIONS refuses V8's flags): theirs stands.
 */
export function heapGrowthFlag(execArgv: readonly string[]): string | undefined {
  const chosen = execArgv.some((a) => /^--(no-)?heap[-_]growing[-_]percent\b/.test(a));
  return chosen ? undefined : `--heap-growing-percent=${HEAP_GROWING_PERCENT}`;
}

/** For the binary only (an embedder's process keeps V8's own choice): bounds the heap's growth. */
export function boundHeapGrowth(): void {
  const flag = heapGrowthFlag(process.execArgv);
  if (flag) setFlagsFromString(flag);
}
