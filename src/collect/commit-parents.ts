// The parents of a few commits as `git rev-list --no-walk --parents` shows them, read through the
// run's object reader instead of a git of their own (the reflog check asks them of every audit).
// Only where the reading is git's beyond doubt: a commit on the shallow boundary (git shows it
// without parents), one whose header git might read otherwise, whose bytes do not hash to its id,
// or that is not there is left out, and its caller asks git (merge-base) as it does for any pair
// not answered here.
import { join } from 'node:path';
import { parseCommitObject } from './commit-object.js';
import type { Shadow } from './git.js';
import type { ObjectReader } from './objects.js';
import { readBoundedIfExists } from './safe-fs.js';

/** The shallow file lists boundary commits, 41 bytes each (as createShadow reads it). */
const SHALLOW_MAX_BYTES = 16 * 1024 * 1024;
const OBJECT_ID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/** Each of `oids` that is a commit read as git reads it, with its parents; the rest left out. */
export async function readParents(
  reader: ObjectReader,
  shadow: Shadow,
  oids: readonly string[],
): Promise<Map<string, string[]>> {
  const parents = new Map<string, string[]>();
  // Each line as git 2.39 reads it (shallow.c: get_oid_hex on the line, so the first 40 or 64 hex digits
  // of either case, the rest ignored): `<ID>`, `<id>\r` and `<id> x` are boundary commits to git too.
  const boundary = new Set(
    (readBoundedIfExists(join(shadow.gitDir, 'shallow'), SHALLOW_MAX_BYTES)?.toString('latin1') ?? '')
      .split('\n')
      .flatMap((l) => [l.slice(0, 40).toLowerCase(), l.slice(0, 64).toLowerCase()]),
  );
  const objects = await Promise.all(
    oids.map((oid) =>
      OBJECT_ID.test(oid) && !boundary.has(oid) ? reader.read(oid).catch(() => null) : Promise.resolve(null),
    ),
  );
  objects.forEach((o, i) => {
    if (o?.type !== 'commit') return;
    const c = parseCommitObject(oids[i]!, o.body);
    if (!c.malformed && c.hashOk && c.parents.every((p) => OBJECT_ID.test(p))) parents.set(oids[i]!, c.parents);
  });
  return parents;
}
