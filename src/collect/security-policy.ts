// SECURITY.md at HEAD, read from git (never the work tree, which may differ from what is
// committed): GitHub looks in .github/, at the root and in docs/, in that order, and takes the
// first it finds, whatever the case of the name. GitHub shows the default branch's: where HEAD has
// none, a branch forked before the default branch got one (a pull request's, a CI run of a topic
// branch) has the default branch's read too, with whether a merge base had one (HEAD removed it).
import type { SecurityPolicyFacts, SecurityPolicyFile } from '../domain/content.js';
import type { HistoryFacts } from '../domain/model.js';
import { mergeBases } from './clean-merge.js';
import { defaultBranchOf } from './default-branch.js';
import { ObjectTooLargeError, parseTree, type ObjectReader, type TreeEntry } from './objects.js';
import { LINK_MODE, SUBMODULE_MODE, TREE_MODE, canonicalMode } from './tree-entry.js';

const SECURITY_POLICY_DIRS = ['.github', '', 'docs'] as const;

const NAME = /^security\.md$/i;
/** A policy this short is read to see whether it is only blank lines. */
const SMALL_BYTES = 4096;

/** SECURITY.md at HEAD and, where HEAD has none, at the default branch's tip (defaultBranchOf). */
export async function collectSecurityPolicy(
  reader: ObjectReader,
  history: HistoryFacts,
  env: NodeJS.ProcessEnv,
): Promise<SecurityPolicyFacts> {
  const head = history.head.oid;
  if (!head) return { files: [] };
  const files = await filesAt(reader, head);
  const tip = files.length ? undefined : defaultBranchOf(history, env);
  if (!tip || tip.oid === head) return { commit: head, files };
  // No merge base (unrelated histories, a shallow clone) tells nothing: as if HEAD removed it.
  const bases = await mergeBases({ gitDir: reader.gitDir }, head, tip.oid).catch(() => []);
  let forkedWithout = bases.length > 0;
  for (const base of bases) if ((await filesAt(reader, base)).length) forkedWithout = false;
  const defaultBranch = { ref: tip.name, commit: tip.oid, files: await filesAt(reader, tip.oid), forkedWithout };
  return { commit: head, files, defaultBranch };
}

/**
 * Read through the run's object reader (no process of its own): the root tree and the two folders'
 * trees, as `ls-tree <commit> -- . .github/ docs/` lists them (canonical modes: a folder's entry is a
 * tree, a submodule's a commit), then only the matches' sizes, and the small ones' bytes.
 */
async function filesAt(reader: ObjectReader, head: string): Promise<SecurityPolicyFile[]> {
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
  return found.map((f) => f.file);
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
