// A CI text's answers, asked once per run whatever reads it (ci-yaml.ts's readers, github-gate.ts's
// gate): the walk asks the same questions of the same files for each commit that changes them.
import { runContext } from './run-context.js';
import { textKey } from './yaml-budget.js';
import { BoundedStore } from '../domain/bounded-store.js';

/**
 * Each text's answers in one run, by what was asked ('uses', 'include', 'gate', 'action'): the CI
 * gate's check reads a workflow folder per commit that changes it, mostly the same files again. Kept
 * as copies that hold no text (unpinned), the least recently asked dropped past KEPT_BYTES of them: kept
 * for the run, 300 versions of 11,000 one-line steps held ~2.6 million commands (860 MB). One dropped
 * and asked again is read again, charged to the budget's allowance for that (yaml-budget.ts), not as new.
 * 4 MiB counted: at 32 the hostile history's audit peaked ~40 MB higher for the same CPU, and at 8
 * (with 1 MiB bodies kept by the object reader) ~45 MB higher (README, Benchmark).
 */
const KEPT_BYTES = 4 * 1024 * 1024;

const answersIn = new WeakMap<object, BoundedStore<string, Promise<unknown>>>();

export function memo<T>(kind: string, text: string, compute: () => Promise<T>): Promise<T> {
  const run = runContext();
  let kept = answersIn.get(run);
  if (!kept) answersIn.set(run, (kept = new BoundedStore(KEPT_BYTES)));
  const store = kept;
  const key = `${kind}\0${textKey(text)}`;
  const had = store.get(key);
  if (had) return had as Promise<T>;
  // Weighed once settled, by its copy's size (unpinned), if it is still the one kept.
  const answer: Promise<T> = compute().then((v) => {
    const size = { bytes: 0 };
    const copy = unpinned(v, new Map(), size);
    if (store.peek(key) === answer) store.keep(key, answer, size.bytes);
    return copy;
  });
  store.keep(key, answer, 0);
  return answer;
}

/** What the run keeps of answers now, estimated in bytes as KEPT_BYTES counts them. */
export const keptAnswerBytes = (): number => answersIn.get(runContext())?.weight ?? 0;

/** What a copy's string and each object, array or entry weigh in the heap, about (V8: ~16 bytes a header). */
const HEADER_BYTES = 16;

/**
 * A copy of `v` whose strings hold no part of a larger string: a string V8 sliced from a text (a
 * parsed scalar, a line) keeps the whole text alive, and the answers kept for a run held every
 * version of every workflow (550 commits of one edited workflow: 757 MB). Arrays, Maps, Sets and
 * plain objects are copied, once each (the commands of a job share its variables); anything else is kept.
 */
export function unpinned<T>(v: T, copies = new Map<object, unknown>(), size = { bytes: 0 }): T {
  size.bytes += HEADER_BYTES;
  // Concatenated then sliced: V8 flattens the pair into a new string of the same characters.
  if (typeof v === 'string') {
    size.bytes += 2 * v.length;
    return (v.length < 13 ? v : (' ' + v).slice(1)) as T;
  }
  if (v === null || typeof v !== 'object') return v;
  const had = copies.get(v);
  if (had !== undefined) return had as T;
  const copy = <U>(x: U): U => unpinned(x, copies, size);
  let out: unknown = v;
  if (Array.isArray(v)) copies.set(v, (out = []));
  else if (v instanceof Map) copies.set(v, (out = new Map()));
  else if (v instanceof Set) copies.set(v, (out = new Set()));
  else if (Object.getPrototypeOf(v) === Object.prototype) copies.set(v, (out = {}));
  else return v;
  if (Array.isArray(v)) for (const x of v as unknown[]) (out as unknown[]).push(copy(x));
  else if (v instanceof Map) for (const [k, x] of v) (out as Map<unknown, unknown>).set(copy(k), copy(x));
  else if (v instanceof Set) for (const x of v) (out as Set<unknown>).add(copy(x));
  else for (const [k, x] of Object.entries(v)) (out as Record<string, unknown>)[k] = copy(x);
  return out as T;
}

/** Aliases expanded in one value (a value of nested aliases could otherwise grow exponentially). */
export const MAX_ALIASES = 64;
