// SECURITY.md at HEAD, read from git (never the work tree, which may differ from what is
// committed): GitHub looks in .github/, at the root and in docs/, in that order, and takes the
// first it finds, whatever the case of the name.
import type { RepositoryInfo } from '../domain/model.js';
import { createShadow, runGit } from './git.js';
import type { SecurityPolicyFacts, SecurityPolicyFile } from '../domain/content.js';

const SECURITY_POLICY_DIRS = ['.github', '', 'docs'] as const;

const NAME = /^security\.md$/i;

export async function collectSecurityPolicy(
  repo: RepositoryInfo,
  head: string | undefined,
): Promise<SecurityPolicyFacts> {
  if (!head) return { files: [] };
  const shadow = createShadow(repo.commonDir, repo.objectFormat);
  try {
    const files: SecurityPolicyFile[] = [];
    for (const dir of SECURITY_POLICY_DIRS) {
      const args = ['ls-tree', '-l', '-z', '--end-of-options', head, ...(dir ? ['--', `${dir}/`] : [])];
      const out = (await runGit(args, { gitDir: shadow.gitDir, timeoutMs: 30_000 })).stdout.toString('utf8');
      for (const entry of out.split('\0')) {
        // "<mode> <type> <oid> <size>\t<path>"
        const tab = entry.indexOf('\t');
        if (tab < 0) continue;
        const [mode, type, oid, size] = entry.slice(0, tab).trim().split(/\s+/);
        const path = entry.slice(tab + 1);
        const base = path.slice(path.lastIndexOf('/') + 1);
        if (!NAME.test(base)) continue;
        if (type !== 'blob' || mode === '120000') {
          files.push({ path, size: 0, empty: true });
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
        files.push({ path, size: bytes, empty });
      }
    }
    return { commit: head, files };
  } finally {
    shadow.dispose();
  }
}
