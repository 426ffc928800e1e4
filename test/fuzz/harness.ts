// The fuzz harness every test/fuzz/*.fuzz.test.ts uses. In `npm test` each target runs a few
// hundred inputs from a fixed seed (a failure is reproducible as is); scripts/fuzz.mjs runs the same
// targets for a time budget with a random seed (GITGUARD_FUZZ_MS, GITGUARD_FUZZ_SEED) and collects
// each target's executions and findings from GITGUARD_FUZZ_REPORT.
//
// A finding is: an exception that is not the parser's own typed error (a crash), an input that
// takes longer than PER_INPUT_MS (a hang in the making), or the heap growing past HEAP_MB while a
// target runs on inputs of at most MAX_INPUT bytes (unbounded memory).
import fc from 'fast-check';
import { appendFileSync, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'fuzz');
export const fixture = (name: string): Buffer => readFileSync(join(FIXTURES, name));

const LONG_MS = Number(process.env.GITGUARD_FUZZ_MS ?? 0);
const SEED = process.env.GITGUARD_FUZZ_SEED ? Number(process.env.GITGUARD_FUZZ_SEED) : 20260101;
export const MAX_INPUT = 64 * 1024;
// In `npm test` only crashes and outright hangs count: the jest worker's heap and the machine's load
// belong to other suites too, so the memory check and the tight time limit run in long runs only.
const PER_INPUT_MS = Number(process.env.GITGUARD_FUZZ_INPUT_MS ?? (LONG_MS ? 5_000 : 30_000));
const HEAP_MB = 512;
// Long runs only: each input is written here before it runs, so when a target never returns (a sync
// loop no timer can interrupt) scripts/fuzz.mjs kills the run and reports this input as the hang.
const CURRENT =
  LONG_MS && process.env.GITGUARD_FUZZ_CURRENT ? openSync(process.env.GITGUARD_FUZZ_CURRENT, 'w') : undefined;
function recordCurrent(line: string): void {
  const b = Buffer.from(line);
  writeSync(CURRENT!, b, 0, b.length, 0); // one fd, overwritten in place: cheap enough for every input
  ftruncateSync(CURRENT!, b.length);
}
const describeInput = (x: unknown): string =>
  x instanceof Uint8Array ? Buffer.from(x).toString('base64') : JSON.stringify(x);

/** Jest's own limit for one target: generous for the fixed budget, the time budget plus slack for a long run. */
export const TEST_TIMEOUT = LONG_MS ? LONG_MS + 120_000 : 60_000;

type Edit =
  | { kind: 'flip'; at: number; byte: number }
  | { kind: 'cut'; at: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'dup'; at: number; len: number }
  | { kind: 'delete'; at: number; len: number };

function apply(seed: Uint8Array, edits: Edit[]): Uint8Array {
  let b = Buffer.from(seed);
  for (const e of edits) {
    const at = b.length ? e.at % (b.length + 1) : 0;
    if (e.kind === 'flip' && b.length) b[at % b.length] = e.byte;
    else if (e.kind === 'cut') b = b.subarray(0, at);
    else if (e.kind === 'insert') b = Buffer.concat([b.subarray(0, at), e.bytes, b.subarray(at)]);
    else if (e.kind === 'dup') b = Buffer.concat([b.subarray(0, at), b.subarray(at, at + e.len), b.subarray(at)]);
    else if (e.kind === 'delete') b = Buffer.concat([b.subarray(0, at), b.subarray(at + e.len)]);
    if (b.length > MAX_INPUT) b = b.subarray(0, MAX_INPUT);
  }
  return b;
}

/**
 * Inputs near the valid ones: a seed with a few byte edits (flips, cuts, inserts of random bytes or
 * of `tokens`, duplicated and deleted runs), and now and then plain random bytes.
 */
export function mutated(seeds: Uint8Array[], tokens: string[] = []): fc.Arbitrary<Uint8Array> {
  const insertBytes = tokens.length
    ? fc.oneof(fc.uint8Array({ maxLength: 16 }), fc.constantFrom(...tokens.map((t) => Buffer.from(t, 'utf8'))))
    : fc.uint8Array({ maxLength: 16 });
  const edit: fc.Arbitrary<Edit> = fc.oneof(
    fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
    fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: insertBytes }),
    fc.record({ kind: fc.constant('dup' as const), at: fc.nat(), len: fc.nat(512) }),
    fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), len: fc.nat(64) }),
  );
  return fc.oneof(
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 4096 }) },
    { weight: 1, arbitrary: fc.constantFrom(...seeds) },
    {
      weight: 8,
      arbitrary: fc
        .tuple(fc.constantFrom(...seeds), fc.array(edit, { minLength: 1, maxLength: 8 }))
        .map(([s, e]) => apply(s, e)),
    },
  );
}

export interface FuzzStats {
  target: string;
  seed: number;
  executions: number;
  slowestMs: number;
  heapMb: number;
}

/**
 * Runs `run` on inputs from `arb`. An exception `expected` accepts is the parser refusing the input
 * (fine); anything else, a slow input or heap growth fails the property and is shrunk by fast-check.
 */
export async function fuzz<T>(
  target: string,
  arb: fc.Arbitrary<T>,
  run: (input: T) => unknown,
  expected: (err: unknown) => boolean,
  runs = 300,
): Promise<FuzzStats> {
  const stats: FuzzStats = { target, seed: SEED, executions: 0, slowestMs: 0, heapMb: 0 };
  const property = fc.asyncProperty(arb, async (input) => {
    stats.executions += 1;
    if (CURRENT !== undefined)
      recordCurrent(
        `${JSON.stringify({ target, seed: SEED, execution: stats.executions, input: describeInput(input) })}\n`,
      );
    const t = performance.now();
    try {
      await run(input);
    } catch (err) {
      if (!expected(err)) throw err;
    }
    const ms = performance.now() - t;
    stats.slowestMs = Math.max(stats.slowestMs, ms);
    if (ms > PER_INPUT_MS) throw new Error(`one input took ${Math.round(ms)} ms (limit ${PER_INPUT_MS} ms)`);
    if (LONG_MS && stats.executions % 64 === 0) {
      const heap = process.memoryUsage().heapUsed / (1024 * 1024);
      stats.heapMb = Math.max(stats.heapMb, heap);
      if (heap > HEAP_MB) throw new Error(`heap at ${Math.round(heap)} MB after inputs of at most ${MAX_INPUT} bytes`);
    }
  });
  const params: fc.Parameters<[T]> = LONG_MS
    ? { seed: SEED, numRuns: Number.MAX_SAFE_INTEGER, interruptAfterTimeLimit: LONG_MS, markInterruptAsFailure: false }
    : { seed: SEED, numRuns: runs };
  try {
    await fc.assert(property, params);
  } finally {
    if (process.env.GITGUARD_FUZZ_REPORT)
      appendFileSync(process.env.GITGUARD_FUZZ_REPORT, `${JSON.stringify(stats)}\n`);
  }
  return stats;
}
