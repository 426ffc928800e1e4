// The tip's tree listed once per run (`git ls-tree -r`) for both of its readers: a CI file's
// `paths:`/`changes:` filter (gate-branches.ts: every file name) and the nested .gitattributes
// (nested-attributes.ts). Before, each ran its own listing of the same tree: a tree of a million files
// read twice. The names are kept only when a filter asks first; the listing they start keeps the
// attributes' names too, as listed, for the other reader to fold as it would have.
import { ExpectedError } from '../errors.js';
import { gitRecords } from './git-reading.js';
import { envLimit } from './child-env.js';
import { runContext } from './run-context.js';

export const ATTRIBUTES = '.gitattributes';
const NESTED_SUFFIX = Buffer.from(`/${ATTRIBUTES}`);

/** The tip's file names kept at most (a larger tree: `paths:` filters are not read, they run). */
const MAX_NAMES_BYTES = 32 * 1024 * 1024;

/** Nested attributes' names kept before they are folded (a hostile tree may hold a million); a shared listing keeps no more. */
export const FOLD_AT = 8192;

/** A nested `.gitattributes` (below the root: the top one is watched on its own). */
export const isNestedAttributes = (name: Buffer): boolean => name.subarray(-NESTED_SUFFIX.length).equals(NESTED_SUFFIX);

/** The bytes of a name counted as one file: an honest path is shorter, a hostile tree's names are not
 *  (10 million paths of 60 KB, 600 GB, from a 244 KB repository: ls-tree printed them for hours). */
const FILE_BYTES = 256;

/**
 * Every path of `tip`'s tree, streamed to `visit` as raw bytes (a subarray of git's output: copy what
 * is kept); `visit` returning false stops the listing. At most GITGUARD_MAX_TREE_FILES names, each
 * at most 64 KiB and counted as a file for each FILE_BYTES it starts, else the run stops.
 */
export async function listTree(gitDir: string, tip: string, visit: (name: Buffer) => boolean | void): Promise<void> {
  const args = ['ls-tree', '-r', '-z', '--name-only', '--full-tree', '--end-of-options', tip];
  const tooLong = (): Error => new ExpectedError(`a path in ${tip.slice(0, 12)}'s tree is over 64 KiB long`);
  let seen = 0;
  const most = maxTreeFiles();
  for await (const names of gitRecords(args, gitDir, '\0', 64 * 1024, tooLong))
    for (const n of names) {
      if ((seen += Math.max(1, Math.ceil(n.length / FILE_BYTES))) > most) throw tooManyFiles(tip, most);
      if (visit(n) === false) return;
    }
}

/**
 * The most files a tip's tree may list (GITGUARD_MAX_TREE_FILES, else 10 million): a tree naming one
 * subtree a thousand times, three levels deep, is a few hundred bytes and a billion paths, which
 * `ls-tree -r` printed for hours (the largest honest trees hold a few million files).
 */
const maxTreeFiles = (): number => envLimit('GITGUARD_MAX_TREE_FILES', 10_000_000);

const tooManyFiles = (tip: string, max: number): ExpectedError =>
  new ExpectedError(
    `the tree of ${tip.slice(0, 12)} lists more than ${max.toLocaleString('en-US')} files (GITGUARD_MAX_TREE_FILES; a name counts one for each ${FILE_BYTES} bytes it starts; a tree that names the same folders over and over lists billions)`,
    `for a huge honest tree, set GITGUARD_MAX_TREE_FILES=N`,
  );

/** One listing of a tip, as the gate's filters started it. */
export interface SharedListing {
  /** Every file name, decoded; undefined past MAX_NAMES_BYTES or where the listing failed. */
  names: string[] | undefined;
  /** The nested attributes' names in listing order, up to where it stopped; undefined when not all kept. */
  attributes: Buffer[] | undefined;
  /** Why the listing stopped early (the error the attributes' reader would have met at that point). */
  failure?: Error;
}

const shared = new WeakMap<object, Map<string, Promise<SharedListing>>>();
const keyOf = (gitDir: string, tip: string): string => `${gitDir}\0${tip}`;

/** The run's listing of `tip` with its names kept, started on the first call. */
export function sharedListing(gitDir: string, tip: string): Promise<SharedListing> {
  const run = runContext();
  let byTip = shared.get(run);
  if (!byTip) shared.set(run, (byTip = new Map<string, Promise<SharedListing>>()));
  let listing = byTip.get(keyOf(gitDir, tip));
  if (!listing) byTip.set(keyOf(gitDir, tip), (listing = listShared(gitDir, tip)));
  return listing;
}

/** The run's shared listing of `tip`, when the gate's filters started one. */
export const listedBefore = (gitDir: string, tip: string): Promise<SharedListing> | undefined =>
  shared.get(runContext())?.get(keyOf(gitDir, tip));

async function listShared(gitDir: string, tip: string): Promise<SharedListing> {
  let names: string[] | undefined = [];
  let attributes: Buffer[] | undefined = [];
  let bytes = 0;
  try {
    await listTree(gitDir, tip, (n) => {
      bytes += n.length + 1;
      // Past the names' bound the listing ends as the gate's own did; the attributes' reader lists alone.
      if (bytes > MAX_NAMES_BYTES) {
        names = attributes = undefined;
        return false;
      }
      names!.push(n.toString('utf8'));
      if (attributes && isNestedAttributes(n))
        if (attributes.length < FOLD_AT) attributes.push(Buffer.from(n));
        else attributes = undefined; // a hostile number: folded as they come by the reader's own listing
    });
    return { names, attributes };
  } catch (err) {
    return { names: undefined, attributes, failure: err instanceof Error ? err : new Error(String(err)) };
  }
}
