// The shipped rules/*.json (rule texts, vulnerability databases, secret formats) as one run reads them:
// the catalog parses the rule texts and the checkpoint keys hash every file, on every run. What they
// hold does not depend on the audited repository, so a process that runs main() many times (the
// tests, a library caller) reads and hashes them once while they stay the same files: the listing and
// each file's identity (inode, size, change and modification times in ns) are checked on every run,
// (once a run) and any difference reads the folder again.
import { createHash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readBounded } from './safe-fs.js';
import { runContext, type RunContext } from './run-context.js';

/** One .json file of the folder: its name and bytes. */
export interface ShippedFile {
  name: string;
  bytes: Buffer;
}

interface Read {
  identity: string;
  files: ShippedFile[];
  hash?: string;
}

const MAX_BYTES = 256 * 1024 * 1024;
const reads = new Map<string, Read>();
/** What each run found, by folder: the identities are checked once a run, not at every reader. */
const seenInRun = new WeakMap<RunContext, Map<string, Read>>();

/** The folder's .json names, sorted, and each one's identity on disk, as one string. */
function identityOf(dir: string): { names: string[]; identity: string } {
  const names = readdirSync(dir)
    .filter((n) => n.endsWith('.json'))
    .sort();
  const parts = names.map((n) => {
    const st = statSync(join(dir, n), { bigint: true });
    return `${n}\0${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
  });
  return { names, identity: parts.join('\n') };
}

function current(dir: string): Read {
  const run = runContext();
  const seen = seenInRun.get(run) ?? new Map<string, Read>();
  seenInRun.set(run, seen);
  const checked = seen.get(dir);
  if (checked) return checked;
  const { names, identity } = identityOf(dir);
  let read = reads.get(dir);
  if (read?.identity !== identity) {
    read = { identity, files: names.map((name) => ({ name, bytes: readBounded(join(dir, name), MAX_BYTES) })) };
    reads.set(dir, read);
  }
  seen.set(dir, read);
  return read;
}

/** The .json files of `dir`, sorted by name (the same arrays while the files are unchanged: do not modify). */
export const shippedJsonFiles = (dir: string): readonly ShippedFile[] => current(dir).files;

/** A hash of the .json files of `dir`: every name and its bytes. */
export function shippedJsonHash(dir: string): string {
  const read = current(dir);
  if (read.hash === undefined) {
    const h = createHash('sha256');
    for (const f of read.files) h.update(f.name).update('\0').update(f.bytes).update('\n');
    read.hash = h.digest('hex');
  }
  return read.hash;
}
