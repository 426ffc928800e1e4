// SECURITY.md at HEAD, read from git (never the work tree, which may differ from what is
// committed): GitHub looks in .github/, at the root and in docs/, in that order, and takes the
// first it finds, whatever the case of the name.
import type { RepositoryInfo } from '../domain/model.js';
import { createShadow, runGit } from './git.js';
import type { SecurityPolicyFacts, SecurityPolicyFile } from '../domain/content.js';

const SECURITY_POLICY_DIRS = ['.github', '', 'docs'] as const;
const SUBDIRS = SECURITY_POLICY_DIRS.filter((d) => d !== '');

const NAME = /^security\.md$/i;
/** A policy this short is read to see whether it is only blank lines. */
const SMALL_BYTES = 4096;

export async function collectSecurityPolicy(
  repo: RepositoryInfo,
  head: string | undefined,
): Promise<SecurityPolicyFacts> {
  if (!head) return { files: [] };
  const shadow = createShadow(repo.commonDir, repo.objectFormat);
  try {
    // One ls-tree for the three folders: "." is the root level (what ls-tree lists without paths),
    // and a folder's own entry gives way to its contents. Without -l: that looked up the size of
    // every entry (a root of a million files took a minute); only the matches' sizes are asked.
    const args = ['ls-tree', '-z', '--end-of-options', head, '--', '.', ...SUBDIRS.map((d) => `${d}/`)];
    const out = (await runGit(args, { gitDir: shadow.gitDir, timeoutMs: 30_000 })).stdout.toString('utf8');
    const found: Array<{ dir: number; file: SecurityPolicyFile; oid?: string }> = [];
    for (const entry of out.split('\0')) {
      // "<mode> <type> <oid>\t<path>"
      const tab = entry.indexOf('\t');
      if (tab < 0) continue;
      const [mode, type, oid] = entry.slice(0, tab).trim().split(/\s+/);
      const path = entry.slice(tab + 1);
      const slash = path.lastIndexOf('/');
      const base = path.slice(slash + 1);
      const dir = SECURITY_POLICY_DIRS.indexOf(
        path.slice(0, Math.max(slash, 0)) as (typeof SECURITY_POLICY_DIRS)[number],
      );
      if (dir < 0 || !NAME.test(base)) continue;
      const blob = type === 'blob' && mode !== '120000';
      found.push({ dir, file: { path, size: 0, empty: true }, ...(blob ? { oid } : {}) });
    }
    await measure(
      found.filter((f): f is { dir: number; file: SecurityPolicyFile; oid: string } => f.oid !== undefined),
      shadow.gitDir,
    );
    // In GitHub's order of folders (the sort is stable: git's order within a folder).
    const files = found.sort((a, b) => a.dir - b.dir).map((f) => f.file);
    return { commit: head, files };
  } finally {
    shadow.dispose();
  }
}

/** Each blob's size, and whether a small one is blank: one git for the sizes, one for the small ones' bytes. */
async function measure(blobs: Array<{ file: SecurityPolicyFile; oid: string }>, gitDir: string): Promise<void> {
  if (!blobs.length) return;
  const sizes = (
    await runGit(['cat-file', '--batch-check=%(objectsize)'], {
      gitDir,
      input: blobs.map((b) => `${b.oid}\n`).join(''),
      timeoutMs: 30_000,
    })
  ).stdout
    .toString('utf8')
    .split('\n');
  const small: Array<{ file: SecurityPolicyFile; oid: string }> = [];
  blobs.forEach((b, i) => {
    // "<oid> missing" in a partial clone: there, not known to be blank
    const known = /^\d+$/.test(sizes[i] ?? '');
    b.file.size = known ? Number(sizes[i]) : 0;
    b.file.empty = known && b.file.size === 0;
    if (b.file.size > 0 && b.file.size < SMALL_BYTES) small.push(b);
  });
  if (!small.length) return;
  // --batch: "<oid> blob <size>\n<bytes>\n" for each, in order.
  const out = (
    await runGit(['cat-file', '--batch'], { gitDir, input: small.map((b) => `${b.oid}\n`).join(''), timeoutMs: 30_000 })
  ).stdout;
  let at = 0;
  for (const b of small) {
    const nl = out.indexOf(10, at);
    const start = nl + 1;
    b.file.empty =
      out
        .subarray(start, start + b.file.size)
        .toString('utf8')
        .trim() === '';
    at = start + b.file.size + 1;
  }
}
