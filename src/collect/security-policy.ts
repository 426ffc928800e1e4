// SECURITY.md at HEAD, read from git (never the work tree, which may differ from what is
// committed): GitHub looks in .github/, at the root and in docs/, in that order, and takes the
// first it finds, whatever the case of the name.
import type { SecurityPolicyFacts, SecurityPolicyFile } from '../domain/content.js';
import { ObjectTooLargeError, parseTree, type ObjectReader, type TreeEntry } from './objects.js';
import { LINK_MODE, SUBMODULE_MODE, TREE_MODE, canonicalMode } from './tree-entry.js';

const SECURITY_POLICY_DIRS = ['.github', '', 'docs'] as const;

const NAME = /^security\.md$/i;
/** A policy this short is read to see whether it is only blank lines. */
const SMALL_BYTES = 4096;

/**
 * Read through the run's object reader (no process of its own): the root tree and the two folders'
 * trees, as `ls-tree HEAD -- . .github/ docs/` lists them (canonical modes: a folder's entry is a
 * tree, a submodule's a commit), then only the matches' sizes, and the small ones' bytes.
 */
export async function collectSecurityPolicy(
  reader: ObjectReader,
  head: string | undefined,
): Promise<SecurityPolicyFacts> {
  if (!head) return { files: [] };
  const oidBytes = head.length === 64 ? 32 : 20;
  const root = await reader.read(`${head}:`);
  const rootEntries = root?.type === 'tree' ? parseTree(root.body, oidBytes) : [];
  const found: Array<{ file: SecurityPolicyFile; oid?: string }> = [];
  // In GitHub's order of folders, git's order within a folder.
  for (const dir of SECURITY_POLICY_DIRS) {
    let entries: TreeEntry[] = rootEntries;
    if (dir) {
      const sub = rootEntries.find((e) => e.name === dir && canonicalMode(e.mode) === TREE_MODE);
      entries = sub
        ? parseTree((await reader.readNamed(sub.oid, `${dir} at ${head.slice(0, 12)}`)).body, oidBytes)
        : [];
    }
    for (const e of entries) {
      if (!NAME.test(e.name)) continue;
      const mode = canonicalMode(e.mode);
      const blob = mode !== TREE_MODE && mode !== SUBMODULE_MODE && mode !== LINK_MODE;
      found.push({
        file: { path: dir ? `${dir}/${e.name}` : e.name, size: 0, empty: true },
        ...(blob ? { oid: e.oid } : {}),
      });
    }
  }
  await measure(
    reader,
    found.filter((f): f is { file: SecurityPolicyFile; oid: string } => f.oid !== undefined),
  );
  return { commit: head, files: found.map((f) => f.file) };
}

/** Each blob's size, and whether a small one is blank. */
async function measure(reader: ObjectReader, blobs: Array<{ file: SecurityPolicyFile; oid: string }>): Promise<void> {
  const infos = await reader.infoOf(blobs.map((b) => b.oid));
  for (const [i, b] of blobs.entries()) {
    // Not there (a partial clone): not known to be blank.
    const size = infos[i]?.size;
    b.file.size = size ?? 0;
    b.file.empty = size === 0;
    if (!size || size >= SMALL_BYTES) continue;
    const o = await reader.read(b.oid, SMALL_BYTES).catch((err: unknown) => {
      if (err instanceof ObjectTooLargeError) return null; // grew since it was measured: not blank
      throw err;
    });
    b.file.empty = o !== null && o.body.toString('utf8').trim() === '';
  }
}
