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

/**
 * At most this many commits of the range are read. Those changing a file watched whole (the CI's
 * own, a script on the chain: protected, so only a maintainer changes them without a finding) come
 * first; those changing only a file run in parts or leading nowhere (package.json, which a signer may
 * change freely outside the chain's scripts) after them.
 */
const MAX_RANGE_COMMITS = 256;

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
 * The newest `max` commits of `range` (rev-list arguments: tips and ^exclusions) that change any of
 * `paths`, newest first. `max`: no more can be read, and rev-list stops walking there (a package.json
 * bots bump every day: 37,500 of 50,000 commits listed, every run, to read 256 of them).
 */
async function changing(
  gitDir: string,
  range: readonly string[],
  paths: readonly string[],
  max: number,
): Promise<string[]> {
  if (!paths.length || max <= 0) return [];
  const args = ['--literal-pathspecs', 'rev-list', '--full-history', `--max-count=${max}`, '--stdin', '--', ...paths];
  const r = await runGit(args, {
    gitDir,
    input: `${range.join('\n')}\n`,
    // A partial clone may miss a tree: the ends' findings stand (ci-gate-kept reports what is unread).
    okCodes: [128],
    timeoutMs: 300_000,
  });
  return r.code === 0 ? r.stdout.toString('utf8').split('\n').filter(Boolean) : [];
}

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
  for (let budget = MAX_RANGE_COMMITS; budget > 0;) {
    const all = [...CI_PATHS, ...out.paths.keys()].filter((p) => !asked.has(p));
    if (!all.length) break;
    for (const p of all) asked.add(p);
    const loose = (p: string): boolean => out.parts.has(p) || out.ranOnly.has(p);
    // Read in this order until the budget is spent: an entry past the budget plus those skipped (read
    // already: in `done`, or listed first) is never reached.
    const max = budget + done.size;
    const first = await changing(
      gitDir,
      range,
      all.filter((p) => !loose(p)),
      max,
    );
    const then = await changing(gitDir, range, all.filter(loose), max + first.length);
    for (const c of [...first, ...then]) {
      if (done.has(c)) continue;
      if (budget-- <= 0) break;
      done.add(c);
      const at = await read(c);
      if (at) out = unionDerived(out, at);
    }
  }
  return out;
}
