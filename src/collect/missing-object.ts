// An object a commit or tree names that the repository does not hold. Only a partial clone (git clone
// --filter) leaves objects out on purpose, and gitguard never fetches (no protocol is allowed), so
// reading it as "absent" would change what is judged: a missing .gitguard/policy.yml moved the trust
// root past it, silently leaving the history before out of scope.
import { ExpectedError } from '../errors.js';

/** Why an object may be missing, and the way to get it (said once, for every place that reads one). */
const PARTIAL_CLONE = 'a partial clone (git clone --filter) leaves older files out; gitguard does not fetch';
const FETCH_ALL =
  'make it a full clone: git config --unset remote.origin.partialclonefilter; git fetch --refetch origin';

export class MissingObjectError extends ExpectedError {
  constructor(
    readonly oid: string,
    /** What the object is, e.g. `.gitguard/policy.yml at 1a2b3c4d5e6f`. */
    what: string,
  ) {
    super(`${what} (object ${oid.slice(0, 12)}) is not in this repository: ${PARTIAL_CLONE}`, FETCH_ALL);
  }
}

/** git's complaint about an object it does not have ("unable to read <id>", "missing blob <id>"), if that is what it is. */
export function missingObjectIn(stderr: string): string | undefined {
  return /(?:unable to read(?: tree| blob| commit)?|missing (?:blob|tree|commit|object)) ([0-9a-f]{40}(?:[0-9a-f]{24})?)\b/.exec(
    stderr,
  )?.[1];
}

/** The one-line reason a scan of what commits added cannot run without `oid`, with the way out. */
export function missingObjectReason(oid: string, what: string): string {
  return `${what}: object ${oid.slice(0, 12)} is not in this repository (${PARTIAL_CLONE}); to scan, ${FETCH_ALL}`;
}
