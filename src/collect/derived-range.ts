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
import { foundSame, foundText, parseFound, rangeKey, type RangeMemo, type RangeRecord } from './range-memo.js';

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
 * one git for both (a merge, whose changes log does not list, counts with the first); undefined where
 * git could not list them (a partial clone missing a tree).
 */
async function changing(
  gitDir: string,
  range: readonly string[],
  paths: readonly string[],
  loose: (path: string) => boolean,
): Promise<Array<[string, string[] | undefined]> | undefined> {
  if (!paths.length) return [];
  const args = ['--literal-pathspecs', 'log', '-z', '--format=%x01%H', '--name-only', '--no-renames', '--full-history'];
  const r = await runGit([...args, '--stdin', '--', ...paths], {
    gitDir,
    input: `${range.join('\n')}\n`,
    // A partial clone may miss a tree: the ends' findings stand (ci-gate-kept reports what is unread).
    okCodes: [128],
    timeoutMs: 300_000,
  });
  if (r.code !== 0) return undefined;
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

/** What every search of one run reads with (see rangeDerived). */
interface SearchIn {
  gitDir: string;
  ends: readonly string[];
  read: (commit: string) => Promise<DerivedFound | undefined>;
  objects: ObjectReader;
}

/** What one search found, and what it spent of the cap. */
interface Searched {
  out: DerivedFound;
  cut: boolean;
  /** Something was not there to read (a partial clone): a later run, with it fetched, may find more. */
  partial: boolean;
  read: number;
  checks: number;
}

/**
 * The search itself: every commit of `range` that changes a file `found` names (in the part the
 * chain reads, for a loose one) is read and what it finds added, until nothing new is found. A path
 * is asked again whenever what is asked of it grows (more parts, or watched whole): the answer is
 * then the least set closed under every commit of the range, whatever order commits were read in,
 * which is what lets an earlier run's answer stand for the commits it covered (range-memo.ts).
 */
async function search(
  { gitDir, ends, read, objects }: SearchIn,
  range: readonly string[],
  found: DerivedFound,
  spent: { read: number; checks: number },
): Promise<Searched> {
  const done = new Set(ends);
  const asked = new Map<string, string>();
  let out = found;
  const cap = maxRangeCommits();
  let left = cap - spent.read;
  let checks = cap * CHECKS_PER_COMMIT - spent.checks;
  let cut = false;
  let partial = false;
  const loose = (p: string): boolean => out.parts.has(p) || out.ranOnly.has(p) || isPinFile(p);
  const asking = (p: string): string => (loose(p) ? JSON.stringify([...(out.parts.get(p) ?? ['*'])].sort()) : '');
  while (!cut) {
    const all = [...CI_PATHS, ...out.paths.keys()].filter((p) => asked.get(p) !== asking(p));
    if (!all.length) break;
    for (const p of all) asked.set(p, asking(p));
    const commits = await changing(gitDir, range, all, loose);
    // Not listed: nothing found there, and nothing kept for a later run (range-memo.ts).
    if (!commits) partial = true;
    for (const [c, changed] of commits ?? []) {
      if (done.has(c)) continue;
      // A commit changing only loose files is read only where it changes their part on the chain (a
      // flood of package.json edits outside the chain's scripts runs nothing new, and is not counted),
      // each compared at most CHECKS_PER_COMMIT times the cap; past either cap, the rest is cut.
      if (changed && checks <= 0) cut = true;
      else if (changed && ((checks -= 1), !(await partChanged(objects, c, changed, out.parts)))) continue;
      else if (left <= 0) cut = true;
      if (cut) break;
      done.add(c);
      left -= 1;
      const at = await read(c);
      if (!at || at.unread.size) partial = true;
      if (at) out = unionDerived(out, at);
    }
  }
  return { out, cut, partial, read: cap - left, checks: cap * CHECKS_PER_COMMIT - checks };
}

/**
 * Whether every commit `tips` reach is reachable from the range's positive revisions (`range`): an
 * earlier record then covers part of this range (no force-push, no deleted branch took its commits away).
 */
async function within(gitDir: string, tips: readonly string[], range: readonly string[]): Promise<boolean> {
  const now = new Set(range);
  const gone = tips.filter((t) => !now.has(t));
  if (!gone.length) return true;
  const out = await runGit(['rev-list', '--max-count=1', '--stdin'], {
    gitDir,
    input: `${[...gone, ...range.filter((r) => !r.startsWith('^')).map((r) => `^${r}`)].join('\n')}\n`,
    okCodes: [128],
    timeoutMs: 300_000,
  });
  return out.code === 0 && !out.stdout.toString('utf8').trim();
}

/**
 * An earlier run's answer (`memo.known`) brought up to this range, or undefined where it cannot be:
 * another key, commits it covered gone, or a new commit that finds anything it did not (then the
 * whole range is searched again: what the new commits add must be asked of the old ones too).
 */
async function resumed(
  into: SearchIn,
  range: readonly string[],
  key: string,
  memo: RangeMemo,
): Promise<{ out: DerivedFound; record: RangeRecord } | undefined> {
  const old = memo.known;
  const was = old?.key === key ? parseFound(old.found) : undefined;
  if (!old || !was || !(await within(into.gitDir, old.tips, range))) return undefined;
  const tips = range.filter((r) => !r.startsWith('^'));
  // The same tips: nothing new to read.
  if (tips.every((t) => old.tips.includes(t))) return { out: was, record: { ...old, tips } };
  const fresh = await search(into, [...range, ...old.tips.map((t) => `^${t}`)], was, old);
  if (fresh.cut || fresh.partial || foundSame(fresh.out) !== foundSame(was)) return undefined;
  return { out: was, record: { key, tips, found: old.found, read: fresh.read, checks: fresh.checks } };
}

/**
 * `found` (the ends' findings) with those of every commit of `range` that changes a file the CI runs
 * added; `read`: the findings at one commit (undefined: it could not be read), `ends` already read
 * (the tip, then the start); `objects`: the run's object reader; `memo`: an earlier run's answer to
 * start from, and where this run's goes.
 */
export async function rangeDerived(
  gitDir: string,
  range: readonly string[],
  found: DerivedFound,
  ends: readonly string[],
  read: (commit: string) => Promise<DerivedFound | undefined>,
  objects: ObjectReader,
  memo?: RangeMemo,
): Promise<DerivedFound> {
  if (!range.length) return found;
  let ci = false;
  for (const end of ends) ci ||= await hasCi(objects, end);
  if (!ci) return found;
  const into: SearchIn = { gitDir, ends, read, objects };
  const key = memo && rangeKey(memo.salt, maxRangeCommits(), range, ends[1], found);
  const again = memo && key ? await resumed(into, range, key, memo) : undefined;
  if (again) {
    memo!.found = again.record;
    return again.out;
  }
  const { out, cut, partial, read: n, checks } = await search(into, range, found, { read: 0, checks: 0 });
  if (cut) return { ...out, rangeCut: maxRangeCommits() };
  // Kept only when every commit could be read: what a fetch brings later is searched then.
  if (memo && key && !partial)
    memo.found = { key, tips: range.filter((r) => !r.startsWith('^')), found: foundText(out), read: n, checks };
  return out;
}
