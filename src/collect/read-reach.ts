// Whether a direct call's told writes reach a path the call reads by name (`-C app`, `--baseline
// ci/base.json`: domain/direct-gate.ts directCallReads) once both are read through the commit's
// links (link-paths.ts): `app -> node_modules/x` makes a write to `node_modules/x` one to the
// repository audited, `ci -> build` makes `build/base.json` the baseline. A read path is reached by a
// write at or above where it leads, at or above a link on its way (the write may replace it), and for
// a repository by a `.git` written in it or above it (git's discovery climbs the physical folders).
// A read path whose way is not known (link-paths.ts) is reached by any write.
import { realPath, type Read } from './link-paths.js';
import type { CallRead } from '../domain/direct-gate.js';

/** Whether `a` is `b` or a folder above it ('' the root). */
const atOrAbove = (a: string, b: string): boolean => a === '' || a === b || b.startsWith(`${a}/`);

/**
 * For `reads` at `tip`: true where a way is not known, else whether a written path (told or real,
 * from the root) reaches one of them.
 */
export async function readsReached(
  read: Read,
  tip: string,
  reads: readonly CallRead[],
): Promise<true | ((written: string) => boolean)> {
  const ways: Array<{ real: string; links: string[]; repo: boolean }> = [];
  for (const r of reads) {
    const links: string[] = [];
    const real = await realPath(read, tip, r.path, links);
    if (real === undefined) return true;
    ways.push({ real, links, repo: r.repo });
  }
  return (written) => {
    const w = written.replace(/\/+$/, '');
    const git = /^(?:(.*)\/)?\.git(?:\/|$)/.exec(w);
    return ways.some(
      ({ real, links, repo }) =>
        atOrAbove(w, real) || links.some((l) => atOrAbove(w, l)) || (repo && !!git && atOrAbove(git[1] ?? '', real)),
    );
  };
}
