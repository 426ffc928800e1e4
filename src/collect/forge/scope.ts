// What the forge rules judge, from the policy's protected.refs: the default branch always, the
// branches the policy names, and tag patterns (all tags when the policy names no refs: gitguard's
// default protects the default branch and every tag).
export interface ForgeScope {
  branchPatterns: string[];
  tagPatterns: string[];
}

export function forgeScope(protectedRefs: readonly string[]): ForgeScope {
  // Every tag, nested ones too, as the ledger's default (refs/tags/**): a forge pattern that stays in
  // one folder (GitHub's refs/tags/*) leaves release/1.0 movable.
  if (!protectedRefs.length) return { branchPatterns: [], tagPatterns: ['refs/tags/**'] };
  return {
    branchPatterns: protectedRefs.filter((r) => r.startsWith('refs/heads/')),
    tagPatterns: protectedRefs.filter((r) => r.startsWith('refs/tags/')),
  };
}
