// A floating tag's move (protected.floating_tags) as git sees it, read alike by the audit's ledger
// facts and both hooks: src/rules/lib/floating-tag.ts judges it.
import { GitError } from '../errors.js';
import type { FloatingMove } from '../domain/ledger.js';
import { runGit, type Shadow } from './git.js';
import { isAncestor } from './ancestry.js';
import { parseTagObject } from './tag-object.js';

/**
 * A floating tag's move from `old` to `now` (protected.floating_tags), as git sees it: whether the
 * commit it names now descends from the one it named, and when the annotated tag it replaces was
 * tagged (a maintainer's older tag object put back after a retraction is not a new release).
 */
export async function floatingMove(shadow: Shadow, old: string, now: string): Promise<FloatingMove> {
  const move: FloatingMove = {};
  try {
    const forward = await isAncestor(shadow, `${old}^{commit}`, `${now}^{commit}`);
    if (forward !== undefined) move.forward = forward;
    const raw = await runGit(['cat-file', 'tag', old], { gitDir: shadow.gitDir, okCodes: [128], timeoutMs: 30_000 });
    const tagger = raw.code === 0 ? parseTagObject(old, raw.stdout).tagger : undefined;
    if (tagger) move.replacedAt = tagger.time;
  } catch (err) {
    if (!(err instanceof GitError)) throw err;
  }
  return move;
}
