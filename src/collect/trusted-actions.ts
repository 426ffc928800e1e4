// The remote actions a workflow may run before its gitguard step and keep it a gate: those the CI
// files already ran where the range starts (--base, else the trust root), an accepted state. A
// remote action's code is its owner's, and it can write $GITHUB_PATH like any step; one a change
// brings in front of the gate is not yet vouched for, so the gate is no gate for that change
// (domain/earlier-steps.ts). The images a gate job runs in are vouched for likewise, from these and
// GitLab's files (ci-images.ts). Without a start (a keys-only audit with no --base nor --trust-root)
// there is no accepted state: remote actions are read as their pinned code, as before. The `if:`
// conditions those files carry are vouched for likewise (domain/gate-conditions.ts); the fetch-and-run
// lines their jobs ran, per job (vouched-fetches.ts, from the files returned here). Per run.
import { parseTree, type ObjectReader } from './objects.js';
import { conditionsIn } from '../domain/gate-conditions.js';
import { runContext } from './run-context.js';
import { vouchedIn, type Vouched } from './ci-images.js';
import { allFetchesKey } from './vouched-fetches.js';
import { Every, vouchingOff } from './vouching-off.js';

/** The folders of workflows GitHub, Forgejo and Gitea read. */
const FOLDERS = ['.github/workflows', '.forgejo/workflows', '.gitea/workflows'];
/** At most this many workflow files read at the start. */
const MAX_FILES = 256;
/** The bytes of one workflow read, at most. */
const MAX_BYTES = 1024 * 1024;
/** A `uses:` value, as a step names it (quotes and a trailing comment aside). */
const USES = /^[\s-]*uses:\s*["']?([^\s"'#]+)/gm;

/** GitLab's file, where its local includes are followed from. */
const GITLAB_CI = '.gitlab-ci.yml';
/** A local file an include names (`local: path`, a list entry or `include:` of a plain path), leading `/` dropped. */
const INCLUDED = /(?:local:|include:|^\s*-)\s*["']?\/?([^\s"'#*]+\.ya?ml)["']?\s*$/gm;

interface Trusted {
  uses: ReadonlySet<string>;
  conditions: ReadonlySet<string>;
  images: Vouched;
  key: string;
}

/** The run's start, and it with its vouching set aside (vouching-off.ts). */
const trustedIn = new WeakMap<object, { start: Trusted; aside: Trusted }>();

/** The CI files read at the start, with their paths: GitHub's workflows, GitLab's file and the local files it includes. */
export interface StartFiles {
  github: Array<[path: string, text: string]>;
  gitlab: Array<[path: string, text: string]>;
}

/**
 * Reads the `uses:` and `if:` values of the workflows at `start` (none: nothing is set, remote actions
 * and conditions trusted), and returns the files read (vouched-fetches.ts reads them per job).
 */
export async function setTrustedActions(
  reader: ObjectReader,
  oidBytes: 20 | 32,
  start: string | undefined,
): Promise<StartFiles | undefined> {
  if (!start) return undefined;
  const read: StartFiles = { github: [], gitlab: [] };
  const uses = new Set<string>();
  const conditions = new Set<string>();
  const images: Vouched = {
    images: new Set(),
    settings: new Set(),
    jobs: new Set(),
    includes: new Set(),
  };
  let files = 0;
  for (const folder of FOLDERS) {
    const tree = await reader.read(`${start}:${folder}`).catch(() => null);
    if (tree?.type !== 'tree') continue;
    for (const e of parseTree(tree.body, oidBytes)) {
      if (!/\.ya?ml$/.test(e.name) || (files += 1) > MAX_FILES) continue;
      // One not read (too large, missing) vouches for nothing.
      const blob = await reader.read(e.oid, MAX_BYTES).catch(() => null);
      if (blob?.type !== 'blob') continue;
      const text = blob.body.toString('utf8');
      read.github.push([`${folder}/${e.name}`, text]);
      for (const m of text.matchAll(USES)) uses.add(m[1]!);
      for (const c of conditionsIn(text)) conditions.add(c);
      await vouchedIn(text, images);
    }
  }
  // GitLab's configuration: `.gitlab-ci.yml` and the YAML files it names, in turn.
  const queue = [GITLAB_CI];
  for (const seen = new Set(queue); queue.length && (files += 1) <= MAX_FILES;) {
    const path = queue.shift()!;
    const blob = await reader.read(`${start}:${path}`, MAX_BYTES).catch(() => null);
    if (blob?.type !== 'blob') continue;
    const text = blob.body.toString('utf8');
    read.gitlab.push([path, text]);
    await vouchedIn(text, images);
    for (const [, ref] of text.matchAll(INCLUDED)) {
      if (!seen.has(ref!)) queue.push(ref!);
      seen.add(ref!);
    }
  }
  const key = [uses, conditions, images.images, images.settings, images.jobs, images.includes]
    .map((s) => [...s].sort().join('\0'))
    .join('\n');
  // Set aside: every remote action, condition, image, variable setting, include entry and template
  // job is the side's own (the start's jobs still listed: what a job took from an include it had is
  // judged by them, gitlab-includes.ts tookOutside), and what no start vouches for (`container: ${{
  // vars.IMAGE }}`, a value not read) still loses.
  const every = new Every();
  const jobs = new Every(images.jobs);
  const aside = { uses: every, conditions: every, images: { images: every, settings: every, jobs, includes: every } };
  trustedIn.set(runContext(), {
    start: { uses, conditions, images, key },
    aside: { ...aside, key: `set aside\n${key}` },
  });
  return read;
}

/** What the start vouches for (undefined: no start), or, where a reading sets it aside (vouching-off.ts), all. */
const trusted = (): Trusted | undefined => trustedIn.get(runContext())?.[vouchingOff() ? 'aside' : 'start'];

/** The remote actions vouched for where the range starts; undefined: no start (all trusted, as before). */
export const trustedActions = (): ReadonlySet<string> | undefined => trusted()?.uses;

/** The `if:` conditions vouched for where the range starts (gate-conditions.ts conditionsIn); undefined: no start. */
export const trustedConditions = (): ReadonlySet<string> | undefined => trusted()?.conditions;

/** The images and variable settings vouched for where the range starts (ci-images.ts); undefined: no start. */
export const trustedImages = (): Vouched | undefined => trusted()?.images;

/** Whether the range has a start whose vouching a reading may set aside. */
export const hasStart = (): boolean => trustedIn.has(runContext());

/** Them as part of a memo key. */
export const trustedKey = (): string => `${trusted()?.key ?? '-'}\n${allFetchesKey()}`;
