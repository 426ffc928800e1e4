// A repository a test file needs many times over, each test changing its own: made on the first call
// (in whatever test or beforeAll asks first) and copied (copyRepo) for every caller, so the gits,
// ssh-keygens and gpgs that made it run once per file instead of once per test.
import { copyRepo, type TestRepo } from './repo.js';

/** `make` run once; each call returns its result with `r` a fresh copy of the repository it made. */
export function madeOnce<T extends { r: TestRepo }>(make: () => T): () => T {
  let made: T | undefined;
  return () => {
    made ??= make();
    return { ...made, r: copyRepo(made.r) };
  };
}

/**
 * The same for an async `make` with an argument: made once per distinct `arg` (compared as JSON), by
 * whichever test asks first; each call resolves to a fresh copy of that repository (its home and
 * gitguard's state in it included, so a first audit's ledger or checkpoint comes along).
 */
export function madeOnceFor<A = void>(make: (arg: A) => Promise<TestRepo>): (arg: A) => Promise<TestRepo> {
  const made = new Map<string, Promise<TestRepo>>();
  return async (arg) => {
    const key = JSON.stringify(arg) ?? '';
    let repo = made.get(key);
    if (!repo) made.set(key, (repo = make(arg)));
    return copyRepo(await repo);
  };
}
