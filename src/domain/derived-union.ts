// The files a CI's chain to gitguard runs, found at more than one commit (the tip, and where the
// audited range starts): a file the chain ran at the start and no longer reaches at the tip (a
// workspace's gate package deleted, moved out of the workspace's patterns, a script on the way
// removed) is named by no reference at the tip, and its going would pass unseen. Watched at either end.

/** What the CI at one commit runs (collect/derived-paths.ts ciReferences). */
export interface DerivedFound {
  /** Derived path -> the protected path it counts as. */
  paths: Map<string, string>;
  /** Paths no reference names itself (their parent's CI is not asked). */
  indirect: Set<string>;
  /** Files on a chain to gitguard that run in parts: the scripts or targets the chain runs (domain/ci-commands.ts chainPart). */
  parts: Map<string, string[]>;
  /** Files the CI's commands run that lead to no gitguard there. */
  ranOnly: Set<string>;
  unread: Set<string>;
  /** Commits of the audited range that change a file the CI runs, past the most read (collect/derived-range.ts). */
  rangeCut?: number;
}

/**
 * `tip`'s findings with `start`'s added (found at the commit where the range starts): a path
 * either names is watched, with the tip's origin first; it is watched whole where either watches it
 * whole, else in the parts of both; it is ran-only where every end that names it finds it so (a chain
 * at either end reaches gitguard through it). What a partial clone left unread is the tip's alone
 * (ci-gate-kept asks it of the tip's CI).
 */
export function unionDerived(tip: DerivedFound, start: DerivedFound | undefined): DerivedFound {
  if (!start) return tip;
  const paths = new Map(tip.paths);
  const indirect = new Set(tip.indirect);
  const parts = new Map(tip.parts);
  const ranOnly = new Set(tip.ranOnly);
  const o = start;
  for (const [p, origin] of o.paths) {
    const had = paths.has(p);
    if (!had) paths.set(p, origin);
    if (o.indirect.has(p)) indirect.add(p);
    if (!o.ranOnly.has(p)) ranOnly.delete(p);
    else if (!had) ranOnly.add(p);
    const atStart = o.parts.get(p);
    const atTip = parts.get(p);
    // Watched whole at either end (named there without parts): whole.
    if (!atStart || (had && !atTip)) parts.delete(p);
    else parts.set(p, [...new Set([...(atTip ?? []), ...atStart])]);
  }
  return { paths, indirect, parts, ranOnly, unread: tip.unread };
}
