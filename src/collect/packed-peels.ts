// The `^<id>` lines of packed-refs: the id git gives a packed ref "peeled" (what an annotated tag
// finally names) without reading the tag. `git show-ref -d`, `git ls-remote`, the refs a fetch or
// clone served from here advertises (and the tags the client follows by them), `git describe` and
// `pack-objects --include-tag` take it from there, and `git fsck` does not look: a line naming
// another commit makes `v1.0^{}` that commit for all of them, while gitguard peels each tag from its
// object (refs.ts). Each line git would take is compared with the object's own peel.
import { join } from 'node:path';
import type { PackedPeels, RefInfo } from '../domain/model.js';
import { gitText } from './git.js';
import type { ObjectReader } from './objects.js';
import { UnsafeFileError, readBoundedIfExists } from './safe-fs.js';

/** git reads packed-refs whole; gitguard reads up to this much of it (200,000 refs with peels is ~30 MB). */
const PACKED_REFS_MAX = 256 * 1024 * 1024;
const HEX = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/** A packed ref as git reads it: `knows`, git takes its peel from the file; `claimed`, its `^` line. */
export interface PackedRecord {
  name: string;
  oid: string;
  knows: boolean;
  claimed?: string;
}

/**
 * The records of packed-refs as git 2.39 reads them (refs/packed-backend.c): git knows the peel of
 * every ref under the header's `fully-peeled` trait, of those under refs/tags/ under `peeled`, and,
 * whatever the header says, of any ref a `^` line follows; a ref it knows without a `^` line is "not a tag".
 */
export function packedRecords(text: Buffer): PackedRecord[] {
  const out: PackedRecord[] = [];
  let traits: string[] = [];
  let last: PackedRecord | undefined;
  let pos = 0;
  while (pos < text.length) {
    let nl = text.indexOf(10, pos);
    if (nl < 0) nl = text.length;
    const line = text.toString('utf8', pos, nl);
    pos = nl + 1;
    if (line.startsWith('# pack-refs with:')) traits = line.slice('# pack-refs with:'.length).split(' ');
    else if (line.startsWith('^')) {
      const id = line.slice(1).trim();
      if (last && HEX.test(id)) Object.assign(last, { knows: true, claimed: id });
      last = undefined;
    } else {
      const sp = line.indexOf(' ');
      const oid = line.slice(0, Math.max(sp, 0));
      last = undefined;
      if (sp < 0 || !HEX.test(oid)) continue;
      const name = line.slice(sp + 1);
      const knows = traits.includes('fully-peeled') || (traits.includes('peeled') && name.startsWith('refs/tags/'));
      out.push((last = { name, oid, knows }));
    }
  }
  return out;
}

/** `<oid>^{}` for each id: the id itself for what is not a tag, '' when git cannot peel it. */
async function peelsOf(gitDir: string, oids: string[], reader?: ObjectReader): Promise<string[]> {
  if (!oids.length) return [];
  const specs = oids.map((o) => `${o}^{}`);
  if (reader) return (await reader.infoOf(specs)).map((o) => o?.oid ?? '');
  const out = await gitText(['cat-file', '--batch-check=%(objectname)'], {
    gitDir,
    input: specs.map((s) => `${s}\n`).join(''),
    timeoutMs: 300_000,
  });
  return out.split('\n').map((l) => (HEX.test(l.trim()) ? l.trim() : ''));
}

/**
 * The peeled lines of `commonDir`'s packed-refs that are not what the objects say (undefined when
 * there is no packed-refs). A ref listed with the same id (`refs`, tags peeled from their objects) is
 * judged by its listing; another (a forge's ref left out of the list, or a packed line a loose ref
 * overrides) by its own object, when the object is there to ask.
 */
export async function collectPackedPeels(
  commonDir: string,
  gitDir: string,
  refs: readonly RefInfo[],
  reader?: ObjectReader,
): Promise<PackedPeels | undefined> {
  const file = join(commonDir, 'packed-refs');
  let text: Buffer | undefined;
  try {
    // Through a link, as git reads it (contrib's git-new-workdir links packed-refs to the original's).
    text = readBoundedIfExists(file, PACKED_REFS_MAX, { follow: true });
  } catch (err) {
    if (err instanceof UnsafeFileError) return { file, checked: 0, lies: [], unreadable: err.detail };
    throw err;
  }
  if (!text) return undefined;
  const claims = packedRecords(text).filter((r) => r.knows);
  const listed = new Map(refs.map((r) => [r.name, r]));
  const own = (c: PackedRecord): RefInfo | undefined => {
    const r = listed.get(c.name);
    return r?.oid === c.oid ? r : undefined;
  };
  // Only a `^` line can name what git would not: a bare "not a tag" on an unlisted ref is a commit's (forge refs name commits).
  const asked = claims.filter((c) => !own(c) && c.claimed);
  const peels = await peelsOf(gitDir, [...new Set(asked.map((c) => c.oid))], reader);
  const peelOf = new Map([...new Set(asked.map((c) => c.oid))].map((o, i) => [o, peels[i] ?? '']));
  const lies: PackedPeels['lies'] = [];
  for (const c of claims) {
    const r = own(c);
    let peeled: string | undefined;
    if (r) peeled = r.type === 'tag' ? r.peeled : undefined;
    else if (c.claimed) {
      const p = peelOf.get(c.oid);
      if (!p) continue; // the object is gone: a line no listed ref uses, nothing git can peel
      peeled = p === c.oid ? undefined : p;
    } else continue;
    if (peeled !== c.claimed)
      lies.push({
        ref: c.name,
        oid: c.oid,
        ...(c.claimed ? { claimed: c.claimed } : {}),
        ...(peeled ? { peeled } : {}),
      });
  }
  return { file, checked: claims.length, lies };
}
