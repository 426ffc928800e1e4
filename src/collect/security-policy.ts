// SECURITY.md at HEAD, read from git (never the work tree, which may differ from what is
// committed): GitHub looks in .github/, at the root and in docs/, in that order, and takes the
// first it finds, whatever the case of the name.
import type { RepositoryInfo } from '../domain/model.js';
import { createShadow, runGit } from './git.js';
import type { SecurityPolicyFacts, SecurityPolicyFile } from '../domain/content.js';

const SECURITY_POLICY_DIRS = ['.github', '', 'docs'] as const;
const SUBDIRS = SECURITY_POLICY_DIRS.filter((d) => d !== '');

const NAME = /^security\.md$/i;

export async function collectSecurityPolicy(
  repo: RepositoryInfo,
  head: string | undefined,
): Promise<SecurityPolicyFacts> {
  if (!head) return { files: [] };
  const shadow = createShadow(repo.commonDir, repo.objectFormat);
  try {
    // One ls-tree for the three folders: "." is the root level (what ls-tree lists without paths),
    // and a folder's own entry gives way to its contents.
    const args = ['ls-tree', '-l', '-z', '--end-of-options', head, '--', '.', ...SUBDIRS.map((d) => `${d}/`)];
    const out = (await runGit(args, { gitDir: shadow.gitDir, timeoutMs: 30_000 })).stdout.toString('utf8');
    const found: Array<{ dir: number; file: SecurityPolicyFile }> = [];
    for (const entry of out.split('\0')) {
      // "<mode> <type> <oid> <size>\t<path>"
      const tab = entry.indexOf('\t');
      if (tab < 0) continue;
      const [mode, type, oid, size] = entry.slice(0, tab).trim().split(/\s+/);
      const path = entry.slice(tab + 1);
      const slash = path.lastIndexOf('/');
      const base = path.slice(slash + 1);
      const dir = SECURITY_POLICY_DIRS.indexOf(
        path.slice(0, Math.max(slash, 0)) as (typeof SECURITY_POLICY_DIRS)[number],
      );
      if (dir < 0 || !NAME.test(base)) continue;
      if (type !== 'blob' || mode === '120000') {
        found.push({ dir, file: { path, size: 0, empty: true } });
        continue;
      }
      const bytes = Number(size);
      let empty = bytes === 0;
      if (!empty && bytes < 4096) {
        const text = (
          await runGit(['cat-file', 'blob', oid!], { gitDir: shadow.gitDir, timeoutMs: 30_000 })
        ).stdout.toString('utf8');
        empty = text.trim() === '';
      }
      found.push({ dir, file: { path, size: bytes, empty } });
    }
    // In GitHub's order of folders (the sort is stable: git's order within a folder).
    const files = found.sort((a, b) => a.dir - b.dir).map((f) => f.file);
    return { commit: head, files };
  } finally {
    shadow.dispose();
  }
}
