// What a GitLab gate job takes from includes no file here holds, and from template inputs, judged
// against where the range starts (--base, else the trust root: trusted-actions.ts), as ci-images.ts
// judges images. A `remote:`, `project:`, `template:` or `component:` include is merged into the
// configuration: its `default:` (before_script, hooks, image, services) reaches every job that sets
// none of them, a job of the gate's name is deep-merged into it, its `variables:` join the globals.
// None of it can be read here. So an include of one not as the start wrote it (another address, ref,
// project or file) makes every gate job no gate; one as the start wrote it keeps them, unless a job
// now takes such a key from no file here where it may have set its own before (the job, the templates
// it extends or `default:` not as at the start). An image written through an input (`image: $[[
// inputs.image ]]`) is only as vouched for as the inputs and `spec:` that give it its value.
import { canonical, UNREADABLE, type Vouched } from './ci-images.js';

/** One entry of an include list as GitLab reads it: its value, and whether it names a file no file here holds. */
export interface IncludeEntry {
  value: unknown;
  foreign: boolean;
}

/** What a gate job takes from includes: its merged keys and definitions, as gitlab-gate.ts reads them. */
export interface JobTakes {
  /** It takes before_script, hooks, image or services from no definition here (`default:` included). */
  bare: boolean;
  /** The top-level names whose definitions make it (itself, the templates it extends, `default`), with their values. */
  made: ReadonlyArray<readonly [name: string, values: readonly unknown[]]>;
  /** Its image and services as written. */
  images: readonly unknown[];
}

const vouchedEntry = (e: IncludeEntry, vouched: Vouched): boolean =>
  e.value !== UNREADABLE && vouched.includes.has(canonical(e.value));

/** Whether the start had a top-level `name` in any file (vouchedIn's jobs: `[name, value]`). */
const hadName = (name: string, vouched: Vouched): boolean => {
  const head = JSON.stringify([name]).slice(0, -1) + ',';
  return [...vouched.jobs].some((j) => j.startsWith(head));
};

/** Whether `name`'s definitions are as the start wrote them (none now: none there either). */
const asAtStart = (name: string, values: readonly unknown[], vouched: Vouched): boolean =>
  values.length
    ? values.every((v) => v !== UNREADABLE && vouched.jobs.has(canonical([name, v])))
    : !hadName(name, vouched);

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
  if (foreign.length && job.bare && !job.made.every(([name, values]) => asAtStart(name, values, vouched))) return true;
  // An image an input sets: each include giving inputs, and each spec, as at the start.
  if (!job.images.some((v) => v !== undefined && INPUT.test(canonical(v)))) return false;
  const givesInputs = (e: IncludeEntry): boolean => e.value instanceof Object && 'inputs' in e.value;
  return (
    entries.some((e) => givesInputs(e) && !vouchedEntry(e, vouched)) ||
    !specs.every((s) => s !== UNREADABLE && vouched.jobs.has(canonical(['spec', s])))
  );
}
