// A tree entry as git reads it: its mode and its id. The id alone does not say what git checks out
// there: the same blob is a file, an executable or a symbolic link (whose target is the blob's text,
// so `CODEOWNERS -> elsewhere` changes what a forge reads), and the same id string can name a folder
// or a submodule. So the walk's watched paths and the clean-merge check compare "<mode> <id>".

/** The modes git knows, six digits as `git diff-tree` prints them. */
export const TREE_MODE = '040000';
export const LINK_MODE = '120000';
export const SUBMODULE_MODE = '160000';

/**
 * A mode as written in a tree object, read as git reads it (tree-walk.c get_mode and canon_mode):
 * octal digits, leading zeros and all; a regular file is 100644 or 100755 by the owner's execute bit;
 * a link, a folder; anything else is a submodule. '' for digits git refuses (it refuses the tree).
 */
export function canonicalMode(raw: string): string {
  if (!/^[0-7]+$/.test(raw)) return '';
  let mode = 0;
  for (let i = 0; i < raw.length; i += 1) mode = ((mode << 3) + raw.charCodeAt(i) - 48) >>> 0;
  switch (mode & 0o170000) {
    case 0o100000:
      return mode & 0o100 ? '100755' : '100644';
    case 0o120000:
      return LINK_MODE;
    case 0o040000:
      return TREE_MODE;
    default:
      return SUBMODULE_MODE;
  }
}

/** "<mode> <id>", the mode canonical. */
export function entryOf(rawMode: string, oid: string): string {
  return `${canonicalMode(rawMode)} ${oid}`;
}

/** The id of an entry written by entryOf. */
export function entryId(entry: string): string {
  return entry.slice(entry.indexOf(' ') + 1);
}

/** The folder's tree id when the entry is a folder, else undefined. */
export function folderId(entry: string | null | undefined): string | undefined {
  return entry?.startsWith(`${TREE_MODE} `) ? entryId(entry) : undefined;
}

/** Whether git checks the entry out as a file of its content (not a link, a folder or a submodule). */
export function isFileEntry(entry: string): boolean {
  return entry.startsWith('100644 ') || entry.startsWith('100755 ');
}

export interface TreeEntry {
  mode: string;
  name: string;
  oid: string;
}

/**
 * The first entry of a raw tree whose name is `name`'s UTF-8 bytes, as git's lookup (`<commit>:<path>`)
 * and a checkout find it: compared as decoded text, a name that is not UTF-8 (0xee) read as U+FFFD and
 * stood in for the folder really named so.
 */
export function entryNamed(body: Buffer, oidBytes: 20 | 32, name: string): TreeEntry | undefined {
  const want = Buffer.from(name, 'utf8');
  let pos = 0;
  while (pos < body.length) {
    const sp = body.indexOf(32, pos);
    const nul = body.indexOf(0, sp + 1);
    if (sp === -1 || nul === -1 || nul + 1 + oidBytes > body.length) return undefined;
    if (nul - sp - 1 === want.length && body.compare(want, 0, want.length, sp + 1, nul) === 0)
      return {
        mode: body.toString('latin1', pos, sp),
        name,
        oid: body.subarray(nul + 1, nul + 1 + oidBytes).toString('hex'),
      };
    pos = nul + 1 + oidBytes;
  }
  return undefined;
}

/** Parses a raw tree object: "<mode> <name>\0<binary id>" repeated. */
export function parseTree(body: Buffer, oidBytes: 20 | 32): TreeEntry[] {
  const entries: TreeEntry[] = [];
  let pos = 0;
  while (pos < body.length) {
    const sp = body.indexOf(32, pos);
    const nul = body.indexOf(0, sp + 1);
    if (sp === -1 || nul === -1 || nul + 1 + oidBytes > body.length) break;
    entries.push({
      mode: body.toString('latin1', pos, sp),
      name: body.toString('utf8', sp + 1, nul),
      oid: body.subarray(nul + 1, nul + 1 + oidBytes).toString('hex'),
    });
    pos = nul + 1 + oidBytes;
  }
  return entries;
}
