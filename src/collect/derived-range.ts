// The files the CI's chain to gitguard runs at the commits inside the audited range, not only at its
// two ends: a maintainer may point the CI at a new script (or a new gate package) after the range's
// start, and a signer who is no maintainer delete it later in the same range. Neither end names it
// (the start did not have it yet, the tip no longer has it), and its going would pass unseen. Each
// commit of the range that changes a file the CI runs (its own files first) is read as the ends are,
// and what it names is watched too, until no new file is found (domain/derived-union.ts).
import { runGit } from './git.js';
import type { ObjectReader } from './objects.js';
import { CI_PATHS } from '../domain/protected-paths.js';
import { unionDerived, type DerivedFound } from '../domain/derived-union.js';
import { envLimit } from './child-env.js';
import { partText } from './chain-part.js';
import { isPinFile } from '../domain/action-pins.js';
import { onlyPinsMoved } from './action-pin-steps.js';

/**
 * At most this many commits of the range are read (GITGUARD_MAX_RANGE_COMMITS). Those changing a
 * file watched whole (the CI's own, a script on the chain: protected, so only a maintainer changes
 * them without a finding) come first; those changing only a file run in parts or leading nowhere
 * after them, and of those only the ones whose change is in the part the chain reads (a signer may
 * change package.json freely outside the chain's scripts: such commits could flood the cap, and run
 * nothing new), as are those changing only the remote actions' pins of a workflow or action.yml
 * (Renovate's and Dependabot's weekly bumps, domain/action-pins.ts). Past the cap, what was not read is counted (DerivedFound.rangeCut).
 */
const maxRangeCommits = (): number => envLimit('GITGUARD_MAX_RANGE_COMMITS', 1024);
/** Commits whose loose files are compared, per commit read at most. */
const CHECKS_PER_COMMIT = 64;

/**
 * Whether a CI configuration is at `commit`, or cannot be told (a partial clone, an object not
 * read). With none at either end, a CI file added and removed inside the range is a
 * change of a CI path itself (watched whole: only a maintainer's passes), so the range is not
 * searched: at a million commits that search is a rev-list over every tree, ~20 s on every run.
 */
async function hasCi(objects: ObjectReader, commit: string): Promise<boolean> {
  for (const p of CI_PATHS) {
    // Not readable (a partial clone's missing tree, one too large): taken as there.
    const o = await objects.read(`${commit}:${p}`, 1).catch(() => true);
    if (o !== null) return true;
  }
  return false;
}

/**
 * The commits of `range` (rev-list arguments: tips and ^exclusions) that change any of `paths`, newest
 * first, those changing one that is not `loose` before the others (with the loose paths they change):
 * one git for both (a merge, whose changes log does not list, counts with the first).
 */
async function changing(
  gitDir: string,
  range: readonly string[],
  paths: readonly string[],
  loose: (path: string) => boolean,
): Promise<Array<[string, string[] | undefined]>> {
  if (!paths.length) return [];
  const args = ['--literal-pathspecs', 'log', '-z', '--format=%x01%H', '--name-only', '--no-renames', '--full-history'];
  const r = await runGit([...args, '--stdin', '--', ...paths], {
    gitDir,
    input: `${range.join('\n')}\n`,
    // A partial clone may miss a tree: the ends' findings stand (ci-gate-kept reports what is unread).
    okCodes: [128],
    timeoutMs: 300_000,
  });
  if (r.code !== 0) return [];
  // A workflow or action.yml is named itself, not by its watched folder: its pins are compared alone.
  const under = (name: string): string | undefined => {
    const p = paths.find((q) => name === q || name.startsWith(`${q}/`));
    return p !== undefined && isPinFile(name) ? name : p;
  };
  const first: Array<[string, undefined]> = [];
  const then: Array<[string, string[]]> = [];
  for (const record of r.stdout.toString('utf8').split('\x01')) {
    const [id, ...names] = record.split('\0').map((n) => n.replace(/^\n/, ''));
    if (!id) continue;
    const touched = names.filter(Boolean).map(under);
    if (touched.length && touched.every((p) => p !== undefined && loose(p)))
      then.push([id, [...new Set(touched as string[])]]);
    else first.push([id, undefined]);
  }
  return [...first, ...then];
}

/**
 * Whether commit `c` changes a loose file's part on the chain (`parts`: the entries read; none: the
 * whole file) against its first parent; a file not read as a blob on either side counts as changed.
 */
async function partChanged(
  objects: ObjectReader,
  c: string,
  paths: readonly string[],
  parts: ReadonlyMap<string, readonly string[]>,
): Promise<boolean> {
  for (const p of paths) {
    // A workflow or action.yml (read whole on the chain) compared byte for byte but its steps' remote actions' pins.
    const pins = !parts.has(p) && isPinFile(p);
    const body = async (spec: string): Promise<Buffer | null | undefined> => {
      const o = await objects.read(spec, PART_MAX).catch(() => undefined);
      return o?.type === 'blob' ? o.body : o === null ? null : undefined;
    };
    const [after, before] = await Promise.all([body(`${c}:${p}`), body(`${c}^:${p}`)]);
    if (after === undefined || before === undefined) return true;
    // An absent file reads as empty.
    const text = async (b: Buffer | null): Promise<string> => (b ? partText(p, parts.get(p), b.toString('utf8')) : '');
    if (pins ? !(await onlyPinsMoved(before ?? EMPTY, after ?? EMPTY)) : (await text(after)) !== (await text(before)))
      return true;
  }
  return false;
}

/** A file absent on one side, compared as empty. */
const EMPTY = Buffer.alloc(0);

/** The most bytes of a loose file read to compare its part (past it: changed). */
const PART_MAX = 16 * 1024 * 1024;

/**
 * `found` (the ends' findings) with those of every commit of `range` that changes a file the CI runs
 * added; `read`: the findings at one commit (undefined: it could not be read), `ends` already read;
 * `objects`: the run's object reader.
 */
export async function rangeDerived(
  gitDir: string,
  range: readonly string[],
  found: DerivedFound,
  ends: readonly string[],
  read: (commit: string) => Promise<DerivedFound | undefined>,
  objects: ObjectReader,
): Promise<DerivedFound> {
  if (!range.length) return found;
  let ci = false;
  for (const end of ends) ci ||= await hasCi(objects, end);
  if (!ci) return found;
  const done = new Set(ends);
  const asked = new Set<string>();
  let out = found;
  let left = maxRangeCommits();
  let checks = left * CHECKS_PER_COMMIT;
  let cut = 0;
  while (!cut) {
    const all = [...CI_PATHS, ...out.paths.keys()].filter((p) => !asked.has(p));
    if (!all.length) break;
    for (const p of all) asked.add(p);
    const { parts, ranOnly } = out;
    for (const [c, loose] of await changing(
      gitDir,
      range,
      all,
      (p) => parts.has(p) || ranOnly.has(p) || isPinFile(p),
    )) {
      if (done.has(c)) continue;
      // A commit changing only loose files is read only where it changes their part on the chain (a
      // flood of package.json edits outside the chain's scripts runs nothing new, and is not counted),
      // each compared at most CHECKS_PER_COMMIT times the cap; past either cap, the rest is cut.
      if (loose && checks <= 0) cut = 1;
      else if (loose && ((checks -= 1), !(await partChanged(objects, c, loose, out.parts)))) continue;
      else if (left <= 0) cut = 1;
      if (cut) break;
      done.add(c);
      left -= 1;
      const at = await read(c);
      if (at) out = unionDerived(out, at);
    }
  }
  return cut ? { ...out, rangeCut: maxRangeCommits() } : out;
}
