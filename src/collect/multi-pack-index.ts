// The multi-pack index (objects/pack/multi-pack-index) is a second table from object id to pack and
// offset beside each pack's own .idx. git reads objects through it when core.multiPackIndex is on
// (the default, and in gitguard's shadow) and around it, through the .idx files, when it is off: a
// repository that sets it off (or a user's global config) reads, fsck-checks and serves (upload-pack,
// push) through the .idx files while gitguard's git read whatever the midx points at. A midx whose
// entry for a committed secret pointed at a harmless blob passed the secrets scan of a history that
// `git log -p`, `git fsck` and a clone of it all showed the secret in. So each store git reads that
// has one is checked by git's own `multi-pack-index verify` (every entry against its pack's .idx),
// with the git that reads it, and a repository whose index disagrees is refused before anything is
// judged: the two ways git reads the store then give the same object for every id.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ExpectedError, firstLine } from '../errors.js';
import { runGit } from './git.js';
import { objectStores } from './object-store.js';

/** The multi-pack index files of one store git may load: the single file, or an incremental chain (git 2.47). */
function hasMultiPackIndex(store: string): boolean {
  return existsSync(join(store, 'pack', 'multi-pack-index')) || existsSync(join(store, 'pack', 'multi-pack-index.d'));
}

/**
 * Throws ExpectedError when a multi-pack index in `objectsDir` or a store it borrows from (alternates)
 * does not agree with the packs it indexes, as `git multi-pack-index verify` judges it. `gitDir`: the
 * repository git runs in (verify reads only the store it is given).
 */
export async function assertMultiPackIndexesIntact(gitDir: string, objectsDir: string): Promise<void> {
  for (const store of objectStores(objectsDir).filter(hasMultiPackIndex)) {
    const res = await runGit(['multi-pack-index', `--object-dir=${store}`, 'verify', '--no-progress'], {
      gitDir,
      okCodes: [1],
      maxBytes: 64 * 1024,
    });
    if (res.code === 0) continue;
    const why = firstLine(res.stderr) || 'verify failed';
    throw new ExpectedError(
      `the multi-pack index in ${join(store, 'pack')} disagrees with the packs it indexes (git multi-pack-index verify: ${why}): git reads different objects through it (core.multiPackIndex on) than around it (off), so no verdict on this repository would hold`,
      `rebuild it from the packs: rm ${join(store, 'pack', 'multi-pack-index')} && git multi-pack-index write; if nobody here changed it, the object store was altered: restore it from a clean clone`,
    );
  }
}
