// Per-commit work that usually has everything it needs at hand (parents come first, verdicts come
// from the cache) but sometimes has to wait (a policy to read, a signature to verify). Written as a
// generator that yields what it would await, it runs synchronously until something is really
// pending: an async function pays a promise, a microtask and (under AsyncLocalStorage, which every
// run uses) a promise hook per await even when nothing is pending, which at a million commits cost
// more than the judging itself.

/** What a step yields: a value at hand, or one still pending. */
export type Steps<T> = Generator<unknown, T, unknown>;

/**
 * Runs `steps`, handing each yielded value back to it (a promise once it settles, its rejection
 * thrown in at the yield): the result itself when nothing it yielded was pending, else a promise.
 * A step that throws before anything was pending throws here.
 */
export function runSteps<T>(steps: Steps<T>): T | Promise<T> {
  let r = steps.next();
  while (!r.done) {
    if (r.value instanceof Promise) return finish(steps, r.value);
    r = steps.next(r.value);
  }
  return r.value;
}

async function finish<T>(steps: Steps<T>, first: Promise<unknown>): Promise<T> {
  let pending: unknown = first;
  for (;;) {
    let value: unknown;
    let failed = false;
    try {
      value = pending instanceof Promise ? await pending : pending;
    } catch (err) {
      failed = true;
      value = err;
    }
    // A rejection is thrown into the steps at their yield, as it would be at an await.
    const r = failed ? steps.throw(value) : steps.next(value);
    if (r.done) return r.value;
    pending = r.value;
  }
}
