// An object a commit or tree names that the repository does not hold. Only a partial clone (git clone
// --filter) leaves objects out on purpose, and gitguard never fetches (no protocol is allowed), so
// reading it as "absent" would change what is judged: a missing .gitguard/policy.yml moved the trust
// root past it, silently leaving the history before out of scope.
import { ExpectedError, StopsAuditError } from '../errors.js';
import { runGit } from './git.js';

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
function missingObjectReason(oid: string, what: string): string {
  return `${what}: object ${oid.slice(0, 12)} is not in this repository (${PARTIAL_CLONE}); to scan, ${FETCH_ALL}`;
}

/**
 * Whether the repository at `commonDir` is a partial clone: its own config file names a promisor
 * remote (`git clone --filter` writes extensions.partialClone and remote.<name>.promisor there). Read
 * from that file alone, as data (no includes).
 */
async function isPartialClone(commonDir: string): Promise<boolean> {
  const r = await runGit(
    ['config', '--file', `${commonDir}/config`, '--get-regexp', '^(extensions\\.partialclone|remote\\..*\\.promisor)$'],
    { okCodes: [1] },
  ).catch(() => undefined);
  return !!r && r.code === 0 && r.stdout.toString().trim() !== '';
}

/**
 * What the scan of the commits' additions says when git could not read them: in a partial clone an
 * object left out (the rule is skipped, saying how to fetch it); anywhere else the repository is
 * damaged or was made so, and a skipped scan would pass a history nobody read: the run stops.
 */
export async function unreadableAdditions(commonDir: string, stderr: string, fallback: Error): Promise<Error> {
  const missing = missingObjectIn(stderr);
  if (await isPartialClone(commonDir))
    return missing ? new Error(missingObjectReason(missing, 'what the commits added cannot be read')) : fallback;
  return new StopsAuditError(
    `what the commits added cannot be read (${fallback.message}), in a repository that is no partial clone`,
    'the repository is damaged: run git fsck, and audit a fresh clone',
  );
}
