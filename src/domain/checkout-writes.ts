// Which gates an earlier step writing files of the checkout loses (earlier-steps.ts `written`): the
// chain reads the files a gate runs at the commit, the job runs what the step wrote over them
// (`curl -o ci/gate.sh URL` then `bash ci/gate.sh`; a Makefile or package.json written then `make
// audit`, `npm run audit`). A step whose own command is gitguard's (`npx gitguard audit`) runs no
// checkout file, nor does gitguard's own action: they keep the gate unless a checkout file run
// before the audit (read at the commit) comes after the write. Where every file written is told by
// its path (written-targets.ts), the gate through a file is lost only where the chain reads or runs
// one of them, a folder holding one, or a link (collect/written-reach.ts, at the commit).
import { cdFolders, joinWritten, touched, writtenTargets, type Targets } from './written-targets.js';
import { earliersOf, ownBefore, runsFiles, unknownKind, type Earlier, type EarlierResult } from './earlier-steps.js';
import {
  callsGitguardDirectly,
  directCallReads,
  directCallReadsWritten,
  type CallRead,
  freshCacheKeeps,
  plainRestoreKeeps,
} from './direct-gate.js';
import { restoreApart } from './restore-apart.js';
import { npxLookupWritten } from './npx-lookup.js';
import { SUBMODULES } from './submodule-writes.js';

/**
 * What the steps above a gate wrote: true, a restore under the workspace that npm's lookup may read
 * (action-writes.ts `workspace`); `plain`, restores under plain folders only (`plain`); `written`,
 * files of the checkout: their paths from the root where each is told (written apart from removed:
 * written-targets.ts Targets), else true; `copied`, a restore
 * and a write of the checkout in one job, in either order (`cp -r dist/. .` puts another run's
 * `node_modules/.bin/gitguard`, `.npmrc` or `.git/HEAD` where the gate reads them; a link written
 * first, the restore writes through it): no gate survives it. `npm`: npm's cache was restored
 * (earlier-steps.ts `npm-cache`): a `run:` gate keeps only with a fresh cache (direct-gate.ts freshCacheKeeps).
 */
export type Restored =
  true | 'copied' | { plain?: true | readonly string[]; written?: true | Targets; npm?: true } | false | undefined;

/**
 * `above` with a job's earlier steps (earlierStep results) added. A plain restore's paths are kept
 * (`plain`; true where one is not told): a write apart from them (restore-apart.ts) is no copy.
 */
export function restoredBy(above: Restored, earlier: readonly EarlierResult[]): Restored {
  if (above === 'copied') return above;
  let [workspace, plainHere, untold, plainUntold] = [false, false, false, false];
  let npm = !!above && above !== true && !!above.npm;
  const told: Targets[] = [];
  const plainMore: string[] = [];
  for (const e of earlier)
    switch (e.kind) {
      case 'npm-cache':
        npm = true;
        break;
      case 'restore':
        npm ||= !!e.npm;
        if (e.reach === 'workspace') workspace = true;
        else {
          plainHere = true;
          // A plain restore's paths, kept: a write apart from them (restore-apart.ts) is no copy.
          if (!e.paths.length) plainUntold = true;
          for (const b of e.paths) if (b.restore) plainMore.push(b.restore.path);
        }
        break;
      case 'written':
        if (e.paths) told.push(e.paths);
        else untold = true;
        break;
      case 'none':
      case 'loses':
      case 'runs':
        break;
      default:
        unknownKind(e);
    }
  const had = above && above !== true ? above.written : undefined;
  const restore = above === true || (above && above.plain) || workspace || plainHere;
  if (above === true || workspace) return had || untold || told.length ? 'copied' : true;
  const plain = plainPaths(above ? above.plain : undefined, plainUntold, plainMore);
  const written = had === true || untold ? true : had || told.length ? joinAll(had, told) : undefined;
  // A removal counts with a write here: a restore into the folder removed is no longer apart from it.
  if (restore && written && !restoreApart(plain ?? true, written === true ? true : touched(written))) return 'copied';
  return plain || written || npm
    ? { ...(plain && { plain }), ...(written && { written }), ...(npm && { npm: true as const }) }
    : above;
}

/** `had` with each of `told` joined (joinWritten; true: an unpacking's folder written twice). */
function joinAll(had: Targets | undefined, told: readonly Targets[]): Targets | true {
  let out: Targets | true = had ?? { written: [], removed: [] };
  for (const t of told) if (out !== true) out = joinWritten(out, t);
  return out;
}

/** The plain restores' paths of `had` and those `more` adds (true: one not told), undefined where none. */
function plainPaths(
  had: true | readonly string[] | undefined,
  untold: boolean,
  more: readonly string[],
): true | readonly string[] | undefined {
  if (had === true || untold) return true;
  return had || more.length ? [...new Set([...(had ?? []), ...more])] : undefined;
}

/**
 * A direct call's told writes (`written`, paths from the root) that miss what npx looks up from each
 * folder it may run in (`folders`), by their paths as told: the commit's links may still lead one
 * there (`build` committed as a link to `.`), read at the commit (collect/npx-reach.ts).
 */
export interface NpxLookup {
  written: readonly string[];
  folders: ReadonlyArray<string | null>;
  /** The paths the call names (direct-gate.ts directCallReads), read through the links too (collect/read-reach.ts). */
  reads?: readonly CallRead[];
}

/**
 * Whether a `run:` gate step with script `script` in `folder` loses its gate: after a restore npm's
 * lookup may read, always; after restores under plain folders only, unless it calls gitguard by name
 * at the root (direct-gate.ts plainRestoreKeeps); after files of the checkout were written (above, or
 * by its own script before its audit), when it runs a checkout file (no direct call: direct-gate.ts)
 * or one runs before its audit (`before`: read at the commit, the job runs the written one). Where
 * that hangs on which files earlier steps wrote or removed, each told by its path: those paths (the
 * chain judges them); for a direct call, the writes left to read through the commit's links (NpxLookup).
 */
function runGateWrites(
  restored: Restored,
  script: string,
  before: readonly Earlier[],
  folder: string | null,
): boolean | readonly string[] | NpxLookup {
  if (restored === true || restored === 'copied') return true;
  // npm's cache restored: npx may run what an earlier run saved there, but with a fresh cache.
  if (restored && restored.npm && !freshCacheKeeps(script)) return true;
  // Its own writes count only before its audit (`npx gitguard audit | tee out.txt` writes after it); with
  // no line naming gitguard (a gate through a file), all of them.
  const own = writtenTargets(ownBefore(script) ?? script, folder);
  const writes = own === undefined || touched(own).length > 0;
  // After a restore, its own write may be a copy of what was restored (`cp -r dist/. . && npx gitguard audit`).
  if (restored && restored.plain && (writes || !plainRestoreKeeps(script, folder, before))) return true;
  const above = restored ? restored.written : undefined;
  if (!above && !writes) return false;
  const runs = runsFiles(before);
  // A direct call runs no checkout file, but npx's own lookup may read what was written (npx-lookup.ts),
  // from each folder the call may run in (its line's `cd build && ...`); a removal plants nothing there.
  if (!runs && callsGitguardDirectly(script)) {
    if (above === true || own === undefined) return true;
    const written = [...new Set([...(above?.written ?? []), ...own.written])];
    const folders = cdFolders(ownBefore(script) ?? '', folder);
    // A call naming a file or repository of the workspace reads it: a write there, or above it, may be what it
    // reads; a submodule's folder anywhere (submodule-writes.ts) counts as the root.
    if (
      directCallReadsWritten(
        script,
        written.map((w) => (w === SUBMODULES ? '' : w)),
        folder,
      )
    )
      return true;
    if (folders.some((at) => npxLookupWritten(written, at))) return true;
    const reads = directCallReads(script, folder);
    return written.length ? { written, folders, ...(reads !== true && reads.length > 0 ? { reads } : {}) } : false;
  }
  // Its own writes are said by its own script (`echo 2 > v.txt && bash ci/gate.sh`), which the chain
  // check reads as naming what the gate reads: they lose it as before. A removal counts: the chain
  // runs without the file.
  if (runs || above === true || writes) return true;
  return above ? touched(above) : [];
}

/** What a gate step's earlier writes leave it (runGateWrites): lost, or the paths still to read at the commit. */
export interface GateWrites {
  lost: boolean;
  /** Files written or removed before it, by path: lost where its chain reads one (collect/written-reach.ts). */
  writes?: readonly string[];
  /** A direct call's writes, lost where the commit's links lead one into npx's lookup (collect/npx-reach.ts). */
  lookup?: NpxLookup;
}

/** A gate step's `lost` (`gone`: by what else runs before it) and the files written to judge with its chain (runGateWrites). */
export function gateWrites(
  gone: boolean,
  restored: Restored,
  script: string,
  before: readonly Earlier[],
  folder: string | null,
): GateWrites {
  const w = gone || runGateWrites(restored, script, before, folder);
  if (typeof w === 'boolean') return { lost: w };
  if (!isPaths(w)) return { lost: false, lookup: w };
  return w.length ? { lost: false, writes: w } : { lost: false };
}

const isPaths = (w: readonly string[] | NpxLookup): w is readonly string[] => Array.isArray(w);

/**
 * runGateWrites as GitLab reads it: lost wherever a file of the checkout is written (no paths carried
 * for a chain), but a direct call's writes read through the commit's links (`lookup`).
 */
export function runGateLost(
  restored: Restored,
  script: string,
  before: readonly Earlier[],
  folder: string | null,
): { lost: boolean; lookup?: NpxLookup } {
  const w = runGateWrites(restored, script, before, folder);
  if (typeof w === 'boolean') return { lost: w };
  return isPaths(w) ? { lost: true } : { lost: false, lookup: w };
}

/** Whether gitguard's own action at `path` loses its gate: a restore and another path, or files written and checkout files run before it. */
export function ownActionLost(restored: Restored, path: unknown, before: readonly Earlier[]): boolean {
  if (!restored) return false;
  if (restored === 'copied') return true;
  const root = typeof path === 'string' && /^(?:\.\/?)?$/.test(path);
  const restores = restored === true || !!restored.plain;
  const writes = restored !== true && !!restored.written;
  return (restores && !root) || (writes && runsFiles(before));
}

/** What the steps above a step give it: one losing the gate, the checkout files they run, a restore or write. */
export interface StepsAbove {
  lost: boolean;
  before: readonly Earlier[];
  restored: Restored;
}

/**
 * For each of a job's steps (their earlierStep results `earlier`, in order), `above` with the steps
 * before it added (restoredBy, and `before` each Earlier of them), in one walk: a list of 25,000 items
 * read once, not its whole prefix again for every item. Steps share `before` until one adds to it.
 */
export function eachAbove(above: StepsAbove, earlier: readonly EarlierResult[]): StepsAbove[] {
  let { lost, before, restored } = above;
  restored = restoredBy(restored, []);
  return earlier.map((e) => {
    const here = { lost, before, restored };
    lost ||= e.kind === 'loses';
    const added = earliersOf(e);
    if (added.length) before = [...before, ...added];
    restored = restoredBy(restored, [e]);
    return here;
  });
}
