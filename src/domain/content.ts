// What the repository-content rules see: committed secrets found in history and SECURITY.md at
// HEAD. Types only; collect/secrets/ and collect/security-policy.ts collect them.

export interface SecretHit {
  /** The format id ("github-pat"), or the pair kind ("aws-access-key"). */
  kind: string;
  title: string;
  /** 1-based line in the file as the commit left it. */
  line: number;
  /** The secret, redacted (redactSecret). */
  redacted: string;
  /** A private key every copy of a public project carries: that project and file (a test fixture,
   *  no secret; reported as suppressed, not failing). */
  published?: string;
}

export interface SecretLeak extends SecretHit {
  commit: string;
  path: string;
  /** The installed dependency tree the path lies in (`npm package (node_modules/)`): its author
   *  published what is found there (reported as suppressed, not failing). */
  vendored?: string;
  /** The file version (blob) it was read in, when it was read in one: reported again at every other
   *  path the scanned history puts that blob at (collect/secrets/leak-copies.ts). */
  blob?: string;
  /** Reported again where a commit put that blob at another path: where it was found first. A
   *  `secrets.allow` fingerprint of that finding excuses this one too (the same bytes); a path
   *  that excused it (vendored, a path glob) does not. */
  from?: { commit: string; path: string };
}

/** The path a leak in a commit's message is reported at (its line: the message's, from 1). */
export const COMMIT_MESSAGE = '(commit message)';
/** The path a leak in a commit's author (line 1) or committer (line 2), name or e-mail, is reported at. */
export const COMMIT_IDENTITY = '(commit author)';
/** The path a leak in what a commit object holds that `git log` does not print (a header it does not
 *  know, a signature or mergetag block, a message past a NUL byte) is reported at, with the commit's
 *  id (its line: the object's, as `git cat-file -p` prints it). */
export const COMMIT_OBJECT = '(commit object)';
/** The path a leak in a ref's name (`refs/heads/<token>`) is reported at, with the object the ref names. */
export const REF_NAME = '(ref name)';
/** The path a leak in a file's name (a tree entry: `git log --stat` and `git ls-tree` print it, a push
 *  carries it) is reported at, with the commit that added the name (line 1; the path itself holds it). */
export const FILE_NAME = '(file name)';
/** The path a leak in an annotated tag is reported at, with the tag object's id as its commit (its
 *  line: the object's, as `git cat-file -p` prints it: the tagger, then the message). */
export const TAG_OBJECT = '(tag object)';
/** The path a leak in a blob a tag names (no commit holds it) is reported at, with that tag's id. */
export const TAGGED_BLOB = '(tagged blob)';

/** The most leaks a secrets scan keeps (the rest are counted in `more`). */
export const MAX_LEAKS = 10_000;

export interface SecretsFacts {
  commits: number;
  /** File versions whose added lines were scanned. */
  scanned: number;
  skipped: { binary: number; oversized: number; repeated: number };
  /** Blobs larger than this many bytes are skipped. */
  maxBlobBytes: number;
  /** Whether the generic high-entropy detector ran. */
  entropy: boolean;
  leaks: SecretLeak[];
  /** Leaks found beyond the ones kept (MAX_LEAKS). */
  more: number;
}

export interface SecurityPolicyFile {
  path: string;
  /** Bytes; 0 for an empty file. */
  size: number;
  /** Nothing but whitespace (or not a regular file: a symlink or submodule says nothing). */
  empty: boolean;
}

export interface SecurityPolicyFacts {
  /** The commit read; undefined when HEAD has no commits. */
  commit?: string;
  /** Every SECURITY.md found, in GitHub's order of preference. */
  files: SecurityPolicyFile[];
  /** Where HEAD has none and the default branch is known and elsewhere: its SECURITY.md files (GitHub shows those). */
  defaultBranch?: {
    ref: string;
    commit: string;
    files: SecurityPolicyFile[];
    /** Every merge base of HEAD and it has no SECURITY.md (HEAD forked before it was added, removed none). */
    forkedWithout: boolean;
  };
}
