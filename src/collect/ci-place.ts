// What a forge reads at its place in a commit's CI state (ci-runs-gitguard.ts, which memoises it): the
// texts of the file or folder there, the files they run as named in that commit (a local action, a
// reusable workflow, a GitLab local include) looked up below the watched paths, and whether they run
// gitguard as written.
import { entryNamed, parseTree, type ObjectReader } from './objects.js';
import { ciFolderFiles, readCiObject } from './derived-paths.js';
import { gitlabRunsGitguard } from './gitlab-gate.js';
import { ciReferencesIn, referencesUnread, startsForChanges } from './ci-yaml.js';
import { namesGitguard, UNREAD, type Gate } from './github-gate.js';
import { deadLocalReferences } from './dead-calls.js';
import { calledTexts } from './called-inputs.js';
import { callerEarlier, type Caller, type ReadText } from './caller-steps.js';
import { entryId, entryOf, isFileEntry, SUBMODULE_MODE, TREE_MODE } from './tree-entry.js';

/** GitLab's pipeline file. */
export const GITLAB_CI = '.gitlab-ci.yml';
/** entryAt's answer for a path no watched path holds: neither there nor known absent. */
export const UNWATCHED = Symbol('unwatched');
/** At most this many files followed from one configuration (references of references included). */
export const MAX_FOLLOWED = 64;
/** At most this many subfolders of a workflows folder read where the forge reads them (Forgejo, Gitea). */
const MAX_SUBFOLDERS = 64;

/** A commit's entries at the watched paths ("<mode> <id>", null where a path is absent). */
export type State = readonly (string | null)[];

/**
 * What a forge reads at its place in a state: whether it runs gitguard as written (RunnerGates' one answer), the
 * texts read (ReadText), and GitLab's files (read as one: gitlab-gate.ts) with the local paths known absent.
 */
export interface Reading {
  gate: Gate | undefined;
  files: readonly ReadText[];
  gitlab: { named: ReadonlyArray<readonly [string, string]>; absent: ReadonlySet<string> };
}

/** The place a forge reads in a state, with its entry ("<mode> <id>"), and whether below its subfolders too. */
export type Place = readonly [path: string, entry: string, recursive: boolean];

/** Where states are read: the object reader, the watched paths, and whether a reference can lead anywhere. */
export interface PlaceTrees {
  reader: ObjectReader;
  oidBytes: 20 | 32;
  watched: readonly string[];
  follows: boolean;
}

/**
 * Whether what a forge reads at a place runs gitguard as written (namesGitguard, GitLab's whole:
 * gitlabRunsGitguard), with the texts it read: the chain reads their steps (chainGates).
 */
export async function readPlace(src: PlaceTrees, state: State, [ci, at, recursive]: Place): Promise<Reading> {
  let unknown = false;
  let unread = false;
  /** Each text read, and whether a workflow that starts runs it (a local action, a reusable workflow). */
  const read: ReadText[] = [];
  const reading = (gate: Gate | undefined): Reading => ({ gate, files: read, gitlab: { named, absent } });
  /** Whether a text runs gitguard (an unread one is remembered: another may still run it). */
  const runs = async (text: string, called = false, caller: Caller = [], path?: string): Promise<boolean> => {
    read.push([text, called, caller, path]);
    const gate = await namesGitguard(text, called, path);
    unread ||= gate === UNREAD;
    return gate === true;
  };
  /** Texts still to look for references in, with the CI file they stand for and their own path. */
  const texts: Array<[string, string, Caller, string]> = [];
  /** GitLab's files, with their paths, and the local paths it includes known to hold no file. */
  const named: Array<[string, string]> = [];
  const absent = new Set<string>();
  const files = await filesAt(src, ci, at, recursive);
  if (files === undefined) unknown = true;
  // GitLab reads its file and the local ones it includes as one (gitlab-gate.ts): judged together below.
  const whole = ci === GITLAB_CI;
  for (const [path, text] of files ?? []) {
    if (!whole && (await runs(text, false, [], path))) return reading(true);
    // A workflow no change starts (`workflow_dispatch`, `schedule`, `workflow_call` alone) runs nothing it names.
    if (whole || (await startsForChanges(text))) texts.push([text, ci, [], path]);
    named.push([ci, text]);
  }
  const seen = new Set<string>();
  for (let i = 0; i < texts.length && seen.size < MAX_FOLLOWED; i += 1) {
    const [text, origin, inherited, path] = texts[i]!;
    // A reusable workflow or action only a job that never runs calls (`if: false`, `needs:` on one) runs for no change.
    const dead = whole ? [] : await deadLocalReferences(text, origin, path);
    const refs = (await ciReferencesIn(text, origin)).filter((r) => !dead.includes(r));
    // Read by line alone for the parse budget: a file it runs may hold the gate.
    unread ||= src.follows && referencesUnread(text);
    for (const ref of refs) {
      if (seen.has(ref) || /[*?[\]{}]/.test(ref)) continue;
      seen.add(ref);
      const entry = await entryAt(src, state, ref);
      if (entry === undefined) unknown = true;
      if (entry === UNWATCHED || entry === undefined) continue;
      // GitLab includes a file: nothing there, a folder or a submodule is "Local file does not exist!".
      if (whole && (!entry || !isFileEntry(entry))) absent.add(ref);
      if (!entry || (whole && !isFileEntry(entry))) continue;
      const files = (await filesAt(src, ref, entry))?.map(([, t]) => t);
      if (files === undefined) unknown = true;
      const caller = await callerEarlier(text, origin, ref, inherited, path);
      for (const t of whole ? (files ?? []) : await calledTexts(text, ref, files ?? [])) {
        if (!whole && (await runs(t, true, caller, ref))) return reading(true);
        texts.push([t, origin, caller, ref]);
        named.push([ref, t]);
      }
    }
  }
  if (whole) {
    const gate = await gitlabRunsGitguard(named, absent);
    if (gate === true) return reading(true);
    unread ||= gate === UNREAD;
  }
  // Unread before unknown: a file not read for the budget is no partial clone's missing object.
  return reading(unread ? UNREAD : unknown ? undefined : false);
}

/**
 * The files a runner reads at `path` (entry "<mode> <id>"), each with its path: the file, or the folder's
 * files it runs (`recursive`: its subfolders' too, up to MAX_SUBFOLDERS of them); undefined when an object is missing.
 */
export async function filesAt(
  src: PlaceTrees,
  path: string,
  entry: string,
  recursive = false,
): Promise<Array<[string, string]> | undefined> {
  // A submodule's commit is in another repository: what it runs is not known here (never damage).
  if (entry.startsWith(`${SUBMODULE_MODE} `)) return undefined;
  const o = await readCiObject(src.reader, entryId(entry), isFileEntry(entry));
  if (!o) return undefined;
  if (o.type === 'blob') return isFileEntry(entry) ? [[path, o.body.toString('utf8')]] : [];
  if (o.type !== 'tree') return [];
  const out: Array<[string, string]> = [];
  const trees: Array<[Buffer, string]> = [[o.body, path]];
  let counted = 0;
  for (let t = 0; t < trees.length; t += 1) {
    for (const e of recursive ? parseTree(trees[t]![0], src.oidBytes) : []) {
      if (!entryOf(e.mode, e.oid).startsWith(`${TREE_MODE} `) || trees.length > MAX_SUBFOLDERS) continue;
      const sub = await readCiObject(src.reader, e.oid);
      if (!sub) return undefined;
      if (sub.type === 'tree') trees.push([sub.body, `${trees[t]![1]}/${e.name}`]);
    }
    const files = ciFolderFiles(trees[t]![0], src.oidBytes, path, counted);
    counted += files.length;
    for (const e of files) {
      if (!isFileEntry(entryOf(e.mode, e.oid))) continue;
      const f = await readCiObject(src.reader, e.oid, true);
      if (!f) return undefined;
      if (f.type === 'blob') out.push([`${trees[t]![1]}/${e.name}`, f.body.toString('utf8')]);
    }
  }
  return out;
}

/**
 * A commit's entry at `path`, from its entry at the watched path that holds it (looked up in the
 * trees below it); null where it is known absent (the trees on its way were read); UNWATCHED where
 * no watched path holds it (a file the tip's CI does not run: nothing watches its changes, so it
 * cannot hold the gate, nor is it known absent); undefined when an object is missing.
 */
export async function entryAt(
  src: PlaceTrees,
  state: State,
  path: string,
): Promise<string | null | undefined | typeof UNWATCHED> {
  const at = src.watched.findIndex((w) => path === w || path.startsWith(`${w}/`));
  if (at < 0) return UNWATCHED;
  let entry = state[at] ?? null;
  const rest = path.slice(src.watched[at]!.length + 1);
  for (const segment of rest ? rest.split('/') : []) {
    if (!entry?.startsWith(`${TREE_MODE} `)) return null;
    const tree = await readCiObject(src.reader, entryId(entry));
    if (!tree) return undefined;
    const e = entryNamed(tree.body, src.oidBytes, segment);
    entry = e ? entryOf(e.mode, e.oid) : null;
  }
  return entry;
}
