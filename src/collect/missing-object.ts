// An object a commit or tree names that the repository does not hold. Only a partial clone (git clone
// --filter) leaves objects out on purpose, and gitguard never fetches (no protocol is allowed), so
// reading it as "absent" would change what is judged: a missing .gitguard/policy.yml moved the trust
// root past it, silently leaving the history before out of scope.
import { join } from 'node:path';
import { ExpectedError, firstLine, GIT_MEMORY_HINT, gitOutOfMemory, StopsAuditError } from '../errors.js';
import { parseConfigText } from './config-syntax.js';
import { gitBool } from '../domain/config.js';
import { readBoundedIfExists } from './safe-fs.js';
import { objectHeld } from './object-store.js';

/** Why an object may be missing, and the way to get it (said once, for every place that reads one). */
const PARTIAL_CLONE = 'a partial clone (git clone --filter) leaves older files out; gitguard does not fetch';
export const FETCH_ALL =
  'make it a full clone: git config --unset remote.origin.partialclonefilter; git fetch --refetch origin';

export class MissingObjectError extends ExpectedError {
  constructor(
    readonly oid: string,
    /** What the object is, e.g. `.gitguard/policy.yml at 1a2b3c4d5e6f`. */
    what: string,
  ) {
    super(`${what} (object ${oid.slice(0, 12)}) is not in this repository: ${PARTIAL_CLONE}`, fetchHint(what));
  }
}

/**
 * The way to the object: a full clone, always enough. A blobless sparse clone (`scalar clone`) whose
 * cone leaves `.gitguard/` out lacks the policy at HEAD too, and adding the folder to the cone fetches
 * its files there, which is all a history whose policy never changed needs.
 */
function fetchHint(what: string): string {
  if (!what.startsWith('.gitguard/')) return FETCH_ALL;
  // The full clone stays last: it is the step that always works (and the one scripts look for).
  return `where a sparse checkout's cone leaves .gitguard/ out, git sparse-checkout add .gitguard fetches its files at HEAD (older versions need the full clone); else ${FETCH_ALL}`;
}

/** The way out of a repository holding an object git cannot read (said once, for every place that meets one). */
const DAMAGED = 'the repository is damaged: run git fsck, and audit a fresh clone';

/**
 * An object the repository holds (a loose file, a pack index lists it) that git cannot read: git's
 * cat-file says "missing" for it as for one a partial clone left out, but no partial clone did, and
 * reading it as absent would let a corrupt object change what is judged: the run stops.
 */
class UnreadableObjectError extends StopsAuditError {
  constructor(oid: string, what: string, why: string) {
    super(`${what} (object ${oid.slice(0, 12)}) ${why}`, DAMAGED);
  }
}

/**
 * The error for an object git did not give (`commonDir`: the audited repository's; `objectsDir`: the
 * store git read, which borrows it): missing (judged as unknown where a rule can) only when no store
 * holds it and the repository is a partial clone; anything else stops the run.
 */
export function notReadError(commonDir: string, objectsDir: string, oid: string, what: string): ExpectedError {
  if (objectHeld(objectsDir, oid))
    return new UnreadableObjectError(oid, what, 'is in this repository but git cannot read it');
  if (isPartialClone(commonDir)) return new MissingObjectError(oid, what);
  return new UnreadableObjectError(oid, what, 'is not in this repository, which is no partial clone');
}

/** git's complaint about an object it does not have ("unable to read <id>", "missing blob <id>"), if that is what it is. */
export function missingObjectIn(stderr: string): string | undefined {
  return /(?:unable to read(?: tree| blob| commit)?|missing (?:blob|tree|commit|object)) ([0-9a-f]{40}(?:[0-9a-f]{24})?)\b/.exec(
    stderr,
  )?.[1];
}

/** The one-line reason a scan of what commits added cannot run without `oid`, with the way out. */
function missingObjectReason(oid: string, what: string): string {
  return `${what}: object ${oid.slice(0, 12)} is not in this repository (${PARTIAL_CLONE}); to scan, ${FETCH_ALL}`;
}

/** A config file is a few kB; the same bound as the other control files gitguard reads as data. */
const CONFIG_MAX_BYTES = 1024 * 1024;

/**
 * Whether the repository at `commonDir` is a partial clone: its own config file names a promisor
 * remote (`git clone --filter` writes extensions.partialClone and remote.<name>.promisor=true there).
 * Read from that file alone, as data (no includes). Anyone shipping a repository can write this: it
 * only ever explains an object no store holds, never one present but unreadable (objectHeld).
 */
export function isPartialClone(commonDir: string): boolean {
  let text: string | undefined;
  try {
    text = readBoundedIfExists(join(commonDir, 'config'), CONFIG_MAX_BYTES, { follow: true })?.toString('utf8');
  } catch {
    return false;
  }
  return parseConfigText(text ?? '').some(({ key, value }) => {
    const k = key.toLowerCase();
    if (k === 'extensions.partialclone') return !!value;
    return /^remote\..*\.promisor$/.test(k) && gitBool(value ?? null) === true;
  });
}

/**
 * What the scan of the commits' additions says when git could not read them. Skipped (saying how to
 * fetch) only for what a partial clone leaves out: its config names a promisor remote AND git named
 * an object no store of the repository holds (objectHeld: no loose file, no pack index lists it). An
 * object present but unreadable, or a failure naming none, is damage (or was made so: a shipped
 * repository's config can name any promisor remote), and a skipped scan would pass a history nobody
 * read: the run stops.
 */
export function unreadableAdditions(commonDir: string, stderr: string, fallback: Error): Error {
  const missing = missingObjectIn(stderr);
  if (missing && !objectHeld(join(commonDir, 'objects'), missing) && isPartialClone(commonDir))
    return new Error(missingObjectReason(missing, 'what the commits added cannot be read'));
  if (gitOutOfMemory(stderr))
    return new StopsAuditError(
      `what the commits added cannot be read (${firstLine(fallback.message)})`,
      GIT_MEMORY_HINT,
    );
  return new StopsAuditError(
    `what the commits added cannot be read (${firstLine(fallback.message)}), and no partial clone left it out`,
    DAMAGED,
  );
}
