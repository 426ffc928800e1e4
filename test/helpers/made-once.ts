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
