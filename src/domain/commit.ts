// The objects gitguard reads, as records: a commit, a tag, the identity in them. Types only; the
// parsers that fill them are collect/commit-object.ts and collect/tag-object.ts.

export interface Identity {
  name: string;
  email: string;
  /** Unix seconds. */
  time: number;
  /** The timezone offset as written, e.g. "+0200". */
  tz: string;
}

export interface RawSignature {
  /** "gpgsig" (SHA-1 object ids) or "gpgsig-sha256". */
  header: 'gpgsig' | 'gpgsig-sha256';
  armored: string;
}

export interface CommitRecord {
  oid: string;
  tree: string;
  parents: string[];
  author: Identity;
  committer: Identity;
  encoding?: string;
  signatures: RawSignature[];
  /** Embedded signed tag objects of merged tags ("mergetag" headers), raw text. */
  mergetags: string[];
  /** The commit object with its signature headers removed: the bytes a signature covers. */
  payload: Buffer;
  message: string;
  /** First line of the message. */
  subject: string;
  /** Whether the bytes hash to the object id they were stored under. */
  hashOk: boolean;
  /** Why gitguard cannot be sure it reads this commit as git does (judged `E`, never authorized). */
  malformed?: string;
  /**
   * When the walk watches paths: the watched paths whose object id differs from `base`'s (the first
   * parent as git walks it; null: the empty tree, for a root or shallow commit), with the id they have
   * here (null: absent). A path not listed has the same id as in `base`.
   */
  pathChanges?: PathChanges;
  /**
   * A parsed commit's own bytes for the verification pool: `payload` then the armored text of the
   * signature commitSignature() takes, as UTF-8, written into `into` from `at` (at most
   * signedMaxBytes), each end pushed to `ends`; false when there is no such signature.
   */
  writeSigned?(into: Uint8Array, at: number, ends: number[]): boolean;
  readonly signedMaxBytes?: number;
}

export interface PathChanges {
  base: string | null;
  changed: Record<string, string | null>;
}

export interface TagRecord {
  oid: string;
  object: string;
  type: string;
  name: string;
  tagger?: Identity;
  message: string;
  /** The armored signature block at the end of the message, if any. */
  signature?: string;
  /** The bytes the signature covers. */
  payload: Buffer;
  /** Whether the bytes hash to the id they were read under (a cached verdict is only theirs then). */
  hashOk: boolean;
  /** Why gitguard cannot be sure it reads this tag as git does (judged `E`, never authorized). */
  malformed?: string;
}

/**
 * A git time (seconds since 1970, as a commit, tag or reflog line writes it) in ISO 8601. git takes
 * any digits there (`99999999999999` is the year 3170843, more than 2^64 reads as 1970); a Date
 * holds ±8.64e15 ms only, and toISOString throws beyond: such a time is shown as its seconds.
 */
export function isoTime(seconds: number): string {
  const d = new Date(seconds * 1000);
  return Number.isNaN(d.getTime()) ? `${seconds} s after 1970-01-01T00:00:00Z` : d.toISOString();
}
