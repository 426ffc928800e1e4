// What a GitLab gate job takes from includes no file here holds, and from template inputs, judged
// against where the range starts (--base, else the trust root: trusted-actions.ts), as ci-images.ts
// judges images. A `remote:`, `project:`, `template:` or `component:` include is merged into the
// configuration: its `default:` (before_script, hooks, image, services) reaches every job that sets
// none of them, a job of the gate's name is deep-merged into it, its `variables:` join the globals.
// None of it can be read here. So an include of one not as the start wrote it (another address, ref,
// project or file) makes every gate job no gate; one as the start wrote it keeps them, unless a job
// now takes such a key from no file here where the start's job of its name did not (it set its own,
// or may have had it from a template, `inherit:` or `default:`), or a key the start's job set itself
// (or an entry of a map it set: one `variables:` name) that nothing here gives it now (the included
// job of its name may: `allow_failure: true`). An image written through an input (`image: $[[
// inputs.image ]]`) is only as vouched for as the inputs and `spec:` that give it its value.
import { canonical, UNREADABLE, type Vouched } from './ci-images.js';

/** One entry of an include list as GitLab reads it: its value, and whether it names a file no file here holds. */
export interface IncludeEntry {
  value: unknown;
  foreign: boolean;
}

/** What a gate job takes from includes, as gitlab-gate.ts reads it. */
export interface JobTakes {
  name: string;
  /** The keys it takes from `default:` that no definition here gives it (before_script, hooks, image, services). */
  bare: readonly string[];
  /** Its image and services as written. */
  images: readonly unknown[];
  /**
   * Whether a definition here (the job's, a template's, a local `default:`) gives it `key`, and in
   * its value the entry `path` names (`['GITGUARD_FAIL_ON']` of `variables:`).
   */
  setHere: (key: string, path?: readonly string[]) => boolean;
}

const vouchedEntry = (e: IncludeEntry, vouched: Vouched): boolean =>
  e.value !== UNREADABLE && vouched.includes.has(canonical(e.value));

/** The start's top-level definitions of `name` in any file (vouchedIn's jobs: `[name, value]`). */
const startDefs = (name: string, vouched: Vouched): unknown[] => {
  const head = JSON.stringify([name]).slice(0, -1) + ',';
  return [...vouched.jobs].filter((j) => j.startsWith(head)).map((j) => (JSON.parse(j) as [string, unknown])[1]);
};

const isMap = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/**
 * Whether the start's job `name` took `key` from outside too: it was there, each definition a map
 * setting neither the key nor anything that could give it one (`extends:`, `inherit:`, a merge key),
 * and no `default:` (nor the old top-level before_script) gave it.
 */
function tookOutside(name: string, key: string, vouched: Vouched): boolean {
  const job = startDefs(name, vouched);
  const lacks = (v: unknown): boolean => isMap(v) && !(key in v) && !('<<' in v);
  if (!job.length || !job.every((v) => lacks(v) && isMap(v) && !('extends' in v) && !('inherit' in v))) return false;
  return startDefs('default', vouched).every(lacks) && (key !== 'before_script' || !startDefs(key, vouched).length);
}

/** At most this many entries of a job's map compared, deepest first; past it the job counts as changed. */
const MAX_PATHS = 1000;

/** The paths to every entry of a map value, nested maps followed (`[]`: the value itself, not a map). */
function mapPaths(v: unknown): string[][] {
  const out: string[][] = [];
  const walk = (x: unknown, path: string[]): void => {
    if (out.length > MAX_PATHS) return;
    if (!isMap(x) || !Object.keys(x).length) out.push(path);
    else for (const [k, y] of Object.entries(x)) walk(y, [...path, k]);
  };
  walk(v, []);
  return out.length > MAX_PATHS ? [['\0too many']] : out;
}

/** Whether `v` (plain data) holds an entry at `path` (each a key of a nested map). */
export function holdsPath(v: unknown, path: readonly string[]): boolean {
  let at = v;
  for (const k of path) {
    if (!isMap(at) || !Object.prototype.hasOwnProperty.call(at, k)) return false;
    at = at[k];
  }
  return true;
}

/** Whether an include of a file no file here holds is not as the start wrote it (no start: none is). */
export const foreignChanged = (entries: readonly IncludeEntry[], vouched: Vouched | undefined): boolean =>
  vouched !== undefined && entries.some((e) => e.foreign && !vouchedEntry(e, vouched));

/** An input written into a value (`$[[ inputs.image ]]`). */
const INPUT = /\$\[\[\s*inputs\./;

/**
 * Whether the includes lose the gate job `job` (see above): no start (`vouched` undefined), never.
 * `entries`: every include entry GitLab may take; `specs`: the values of the `spec:` headers here.
 */
export function includesLose(
  entries: readonly IncludeEntry[],
  specs: readonly unknown[],
  job: JobTakes,
  vouched: Vouched | undefined,
): boolean {
  if (!vouched) return false;
  const foreign = entries.filter((e) => e.foreign);
  if (foreignChanged(entries, vouched)) return true;
  if (foreign.length && !job.bare.every((key) => tookOutside(job.name, key, vouched))) return true;
  // A key the start's job set itself that nothing here gives it now: the included job of its name may
  // (GitLab deep-merges it: `allow_failure: true`, `variables:`, `rules:`).
  // GitLab deep-merges maps, so an entry of one (a single `variables:` name) the job no longer sets is
  // the included job's value too.
  const dropped = (v: unknown): boolean =>
    isMap(v) && Object.entries(v).some(([key, value]) => mapPaths(value).some((path) => !job.setHere(key, path)));
  if (foreign.length && startDefs(job.name, vouched).some(dropped)) return true;
  // An image an input sets: each include giving inputs, and each spec, as at the start.
  if (!job.images.some((v) => v !== undefined && INPUT.test(canonical(v)))) return false;
  const givesInputs = (e: IncludeEntry): boolean => e.value instanceof Object && 'inputs' in e.value;
  return (
    entries.some((e) => givesInputs(e) && !vouchedEntry(e, vouched)) ||
    !specs.every((s) => s !== UNREADABLE && vouched.jobs.has(canonical(['spec', s])))
  );
}
