// Whether the CI configuration in a commit runs gitguard (a file of it names gitguard in a step or job that
// runs and can fail: github-gate.ts namesGitguard): what ci-gate-kept compares between a commit and its
// parents. The files it runs count too, as named in that commit (a workflow's `uses: ./.github/actions/audit`,
// a reusable workflow, a GitLab local include; domain/ci-references.ts), where the walk watches them: moving
// the step into a local action keeps the gate, and removing the `uses:` line or the step from the action
// removes it. Memoised by the entries at the CI paths and the paths they may run.
import { READINGS_KEPT, RecentMap } from './recent-map.js';
import { entryNamed, ObjectReader, parseTree, type GitObject } from './objects.js';
import { ciFolderFiles, readCiObject, type DerivedWatch } from './derived-paths.js';
import { ATTRIBUTES } from './nested-attributes.js';
import { HOOKS_ORIGIN } from './hooks.js';
import { CI_PATH_IS_FOLDER, CI_PATHS, isCiFile } from '../domain/protected-paths.js';
import { CI_RUNNERS } from '../domain/ci-systems.js';
import { gitlabRunsGitguard } from './gitlab-gate.js';
import { chainGates } from './script-files.js';
import { ciReferencesIn, referencesUnread, startsForChanges } from './ci-yaml.js';
import { deadLocalReferences, namesGitguard, UNREAD, type Gate } from './github-gate.js';
import { directGateAt } from './earlier-files.js';
import { calledTexts } from './called-inputs.js';
import { callerEarlier, type Caller, type ReadText } from './caller-steps.js';
import { partNamesGitguard } from '../domain/ci-commands.js';
import { partText } from './chain-part.js';
import { changesLaterSteps } from '../domain/step-env.js';
import { entryId, entryOf, isFileEntry, SUBMODULE_MODE, TREE_MODE } from './tree-entry.js';

/** GitLab's pipeline file. */
const GITLAB_CI = '.gitlab-ci.yml';
/** entryAt's answer for a path no watched path holds: neither there nor known absent. */
const UNWATCHED = Symbol('unwatched');
/** At most this many files followed from one configuration (references of references included). */
const MAX_FOLLOWED = 64;
/** At most this many subfolders of a workflows folder read where the forge reads them (Forgejo, Gitea). */
const MAX_SUBFOLDERS = 64;

type State = readonly (string | null)[];

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
type Place = readonly [path: string, entry: string, recursive: boolean];

/**
 * Per forge (CI_RUNNERS' order): whether what it reads runs gitguard; undefined: unknown (a missing
 * object); UNREAD: a file naming gitguard past the run's parse budget.
 */
export type RunnerGates = ReadonlyArray<Gate | undefined>;

export class CiGateReader {
  private readonly gateOf = new RecentMap<string, Promise<Reading>>(READINGS_KEPT);
  /** The watched paths and, for those a CI file runs, their CI file (derived-paths.ts). */
  private watched: readonly string[] = [];
  private origins: ReadonlyMap<string, string> = new Map();
  /** Watched paths of the policy's that hold a file the CI runs (derived-paths.ts originsAt). */
  private ciHolders: ReadonlySet<string> = new Set();
  /** Derived paths no reference names itself (derived-paths.ts DerivedWatch.indirect). */
  private indirect: ReadonlySet<string> = new Set();
  /** Derived files the CI runs in parts, with the parts on the chain to gitguard (derived-paths.ts). */
  private parts: ReadonlyMap<string, readonly string[]> = new Map();
  private ranOnly: ReadonlySet<string> = new Set();
  /** Each blob's part on the chain, by path and blob id. */
  private readonly partOf = new Map<string, Promise<string | undefined>>();
  /** Indices in `watched` of the CI paths and the files they run: the memo's key. */
  private keyIdx: number[] = [];

  constructor(
    private readonly reader: ObjectReader,
    private readonly oidBytes: 20 | 32,
  ) {}

  scope(watched: readonly string[], derived: DerivedWatch): void {
    this.watched = watched;
    this.origins = derived.origins;
    this.ciHolders = derived.ciHolders;
    this.indirect = derived.indirect;
    this.parts = derived.parts;
    this.ranOnly = derived.ranOnly;
    this.keyIdx = watched.flatMap((p, i) => (this.isCiPath(p) ? [i] : []));
    this.follows = watched.some((p) => this.isDerivedCi(p));
  }

  /** Whether a reference can lead anywhere: only a watched file the CI runs is followed (entryAt). */
  private follows = false;

  /** A CI path, or a watched path that is or holds a file the CI runs. */
  isCiPath(path: string): boolean {
    return isCiFile(path, this.origins) || this.ciHolders.has(path);
  }

  /** A derived file the CI's commands run that leads to no gitguard at the tip (DerivedWatch.ranOnly). */
  ranOnlyPath(path: string): boolean {
    return this.ranOnly.has(path);
  }

  /**
   * Whether any of `entries` (a file the CI runs that leads to no gitguard at the tip, in versions)
   * names gitguard, in its parts on the chain where it runs in parts; a missing object or a link counts.
   */
  async namesGate(path: string, entries: readonly (string | null)[]): Promise<boolean> {
    for (const e of entries) {
      if (!e) continue;
      if (!isFileEntry(e)) return true;
      const o = await readCiObject(this.reader, entryId(e), true);
      const text = o?.type === 'blob' ? o.body.toString('utf8') : undefined;
      // Or one an earlier step runs may change what the gate runs ($GITHUB_PATH: domain/earlier-steps.ts).
      if (text === undefined || partNamesGitguard(path, this.parts.get(path), text) || changesLaterSteps(text))
        return true;
    }
    return false;
  }

  /** A blob's part on the chain (all of it: a file run whole), by path and blob id; undefined: missing. */
  private partAt(path: string, entry: string): Promise<string | undefined> {
    const key = `${path}\0${entry}`;
    let p = this.partOf.get(key);
    if (!p) {
      const entries = this.parts.get(path);
      p = readCiObject(this.reader, entryId(entry), true).then((o) =>
        o?.type === 'blob' ? partText(path, entries, o.body.toString('utf8')) : undefined,
      );
      this.partOf.set(key, p);
    }
    return p;
  }

  /** A derived file the CI runs in parts (derived-paths.ts DerivedWatch.parts). */
  runsInParts(path: string): boolean {
    return this.parts.has(path);
  }

  /**
   * Whether a file the CI runs in parts (package.json, a Makefile) is, at entry `own`, what it is at
   * each of `others` in the parts the chain to gitguard reads: a dependency bumped, another make
   * target edited, runs nothing on the way to the gate. Only regular files of the same mode are
   * compared; a missing object, a link or a file made or deleted is a change (fail closed).
   */
  async samePart(path: string, others: readonly (string | null)[], own: string | null): Promise<boolean> {
    const entries = this.parts.get(path);
    if (!entries || !own || !isFileEntry(own)) return false;
    const mode = own.slice(0, own.indexOf(' '));
    const mine = await this.partAt(path, own);
    if (mine === undefined) return false;
    for (const o of others) {
      if (!o || !isFileEntry(o) || !o.startsWith(`${mode} `) || (await this.partAt(path, o)) !== mine) return false;
    }
    return true;
  }

  /**
   * `state`: a commit's entries at the watched paths ("<mode> <id>", null where a path is absent).
   * For each forge (CI_RUNNERS), whether the CI configuration it reads runs gitguard: undefined when
   * no file that is there mentions gitguard but one is not in the repository (a partial clone leaves
   * older files out): unknown, so neither side of a removal. Only what the forge reads counts: the
   * first of its places that is there (a folder of workflows, its own files or, for Forgejo and
   * Gitea, those of its subfolders too; the file `.gitlab-ci.yml`: a folder there, a link or a
   * submodule runs nothing), and the files they run.
   */
  runsGitguard(state: State): Promise<RunnerGates> {
    return Promise.all(
      this.placesRead(state).map(async (place) => (place ? (await this.readingAt(state, place)).gate : false)),
    );
  }

  /** What a forge reads at `place` in `state` (read), memoised by the entries at the CI paths. */
  private readingAt(state: State, place: Place): Promise<Reading> {
    const k = `${place[0]} ${place[2]} ${this.keyIdx.map((i) => state[i] ?? '-').join(' ')}`;
    let reading = this.gateOf.get(k);
    if (!reading) this.gateOf.set(k, (reading = this.read(state, place)));
    return reading;
  }

  /** The place each forge reads in `state` (CI_RUNNERS' order): the first of its places there, or null. */
  private placesRead(state: State): Array<Place | null> {
    return CI_RUNNERS.map((runner) => {
      for (const ci of runner.reads) {
        const entry = state[this.watched.indexOf(ci)] ?? null;
        if (entry && (CI_PATH_IS_FOLDER[ci] ? entry.startsWith(`${TREE_MODE} `) : isFileEntry(entry)))
          return [ci, entry, runner.recursive] as const;
      }
      return null;
    });
  }

  private readonly refsOf = new Map<string, Promise<ReadonlySet<string> | undefined>>();

  /** A watched path that is (or holds) a file the tip's CI runs, found from its references (derived-paths.ts). */
  isDerivedCi(path: string): boolean {
    const origin = this.origins.get(path);
    return origin !== undefined && origin !== ATTRIBUTES && origin !== HOOKS_ORIGIN;
  }

  /**
   * Whether the CI configuration in `state` runs something at or below `path` (or the folder holding
   * it), followed through the files it runs; undefined when an object is missing (unknown).
   */
  async runsPath(state: State, path: string): Promise<boolean | undefined> {
    // Reached through a link, another case or an action's own files: not asked per commit, it counts.
    if (this.indirect.has(path)) return true;
    const key = this.keyIdx.map((i) => state[i] ?? '-').join(' ');
    let refs = this.refsOf.get(key);
    if (!refs) {
      refs = this.references(state);
      this.refsOf.set(key, refs);
    }
    const found = await refs;
    if (!found) return undefined;
    const folder = (p: string): string => p.replace(/\/[^/]*[*?[\]{}].*$/, '');
    for (const r of found) {
      const f = folder(r);
      if (f === path || f.startsWith(`${path}/`) || path.startsWith(`${f}/`)) return true;
    }
    return false;
  }

  private readonly chainOf = new Map<string, Promise<Gate>>();

  /**
   * Whether the commands of the CI configuration forge `runner` (CI_RUNNERS' index) reads in `state`,
   * commit `oid`'s, reach gitguard through the files they run (a script, a package script, a make
   * target: gate-chains.ts), read in that commit's tree; a file not in the repository (a partial
   * clone) counts as reaching it. UNREAD: a command past the run's YAML budget.
   */
  chainRunsGitguard(state: State, oid: string, runner: number, own = false): Promise<Gate> {
    const place = this.placesRead(state)[runner];
    if (!place) return Promise.resolve(false);
    const k = `${oid} ${place[0]} ${place[2]} ${own}`;
    let gate = this.chainOf.get(k);
    if (!gate) this.chainOf.set(k, (gate = this.chainIn(state, place, oid, own)));
    return gate;
  }

  /** `own`: the judged commit's side, whose direct gate holds only if earlier steps' files change nothing. */
  private async chainIn(state: State, place: Place, oid: string, own: boolean): Promise<Gate> {
    const reading = await this.readingAt(state, place);
    const read = (spec: string): Promise<GitObject | null | undefined> => readCiObject(this.reader, spec, true);
    const gitlab = place[0] === GITLAB_CI ? reading.gitlab : undefined;
    if (reading.gate === true) return !own || directGateAt(read, oid, reading.files, gitlab);
    return chainGates(read, this.oidBytes, oid, reading.files, gitlab);
  }

  /** The paths the CI configuration in `state` names to run (see runsPath). */
  private async references(state: State): Promise<ReadonlySet<string> | undefined> {
    const texts: Array<[string, string]> = [];
    for (const ci of CI_PATHS) {
      const entry = state[this.watched.indexOf(ci)] ?? null;
      if (!entry || !(CI_PATH_IS_FOLDER[ci] ? entry.startsWith(`${TREE_MODE} `) : isFileEntry(entry))) continue;
      const files = await this.filesOf(ci, entry);
      if (files === undefined) return undefined;
      for (const [, text] of files) texts.push([text, ci]);
    }
    const seen = new Set<string>();
    for (let i = 0; i < texts.length && seen.size < MAX_FOLLOWED; i += 1) {
      const [text, origin] = texts[i]!;
      const refs = await ciReferencesIn(text, origin);
      // Read by line alone for the parse budget: what it runs is not known.
      if (this.follows && referencesUnread(text)) return undefined;
      for (const ref of refs) {
        if (seen.has(ref)) continue;
        seen.add(ref);
        if (/[*?[\]{}]/.test(ref)) continue;
        const entry = await this.entryAt(state, ref);
        if (entry === undefined) return undefined;
        if (!entry || entry === UNWATCHED) continue;
        const files = await this.filesOf(ref, entry);
        if (files === undefined) return undefined;
        for (const [, t] of files) texts.push([t, origin]);
      }
    }
    return seen;
  }

  /**
   * Whether what a forge reads at a place runs gitguard as written (namesGitguard, GitLab's whole:
   * gitlabRunsGitguard), with the texts it read: the chain reads their steps (chainGates).
   */
  private async read(state: State, [ci, at, recursive]: Place): Promise<Reading> {
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
    const files = await this.filesOf(ci, at, recursive);
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
      unread ||= this.follows && referencesUnread(text);
      for (const ref of refs) {
        if (seen.has(ref) || /[*?[\]{}]/.test(ref)) continue;
        seen.add(ref);
        const entry = await this.entryAt(state, ref);
        if (entry === undefined) unknown = true;
        if (entry === UNWATCHED || entry === undefined) continue;
        // GitLab includes a file: nothing there, a folder or a submodule is "Local file does not exist!".
        if (whole && (!entry || !isFileEntry(entry))) absent.add(ref);
        if (!entry || (whole && !isFileEntry(entry))) continue;
        const files = (await this.filesOf(ref, entry))?.map(([, t]) => t);
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
   * The files a runner reads at `path` (entry "<mode> <id>"), each with its path: the file, or the folder's files
   * it runs (`recursive`: its subfolders' too, up to MAX_SUBFOLDERS of them); undefined when an object is missing.
   */
  private async filesOf(path: string, entry: string, recursive = false): Promise<Array<[string, string]> | undefined> {
    // A submodule's commit is in another repository: what it runs is not known here (never damage).
    if (entry.startsWith(`${SUBMODULE_MODE} `)) return undefined;
    const o = await readCiObject(this.reader, entryId(entry), isFileEntry(entry));
    if (!o) return undefined;
    if (o.type === 'blob') return isFileEntry(entry) ? [[path, o.body.toString('utf8')]] : [];
    if (o.type !== 'tree') return [];
    const out: Array<[string, string]> = [];
    const trees: Array<[Buffer, string]> = [[o.body, path]];
    let counted = 0;
    for (let t = 0; t < trees.length; t += 1) {
      for (const e of recursive ? parseTree(trees[t]![0], this.oidBytes) : []) {
        if (!entryOf(e.mode, e.oid).startsWith(`${TREE_MODE} `) || trees.length > MAX_SUBFOLDERS) continue;
        const sub = await readCiObject(this.reader, e.oid);
        if (!sub) return undefined;
        if (sub.type === 'tree') trees.push([sub.body, `${trees[t]![1]}/${e.name}`]);
      }
      const files = ciFolderFiles(trees[t]![0], this.oidBytes, path, counted);
      counted += files.length;
      for (const e of files) {
        if (!isFileEntry(entryOf(e.mode, e.oid))) continue;
        const f = await readCiObject(this.reader, e.oid, true);
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
  private async entryAt(state: State, path: string): Promise<string | null | undefined | typeof UNWATCHED> {
    const at = this.watched.findIndex((w) => path === w || path.startsWith(`${w}/`));
    if (at < 0) return UNWATCHED;
    let entry = state[at] ?? null;
    const rest = path.slice(this.watched[at]!.length + 1);
    for (const segment of rest ? rest.split('/') : []) {
      if (!entry?.startsWith(`${TREE_MODE} `)) return null;
      const tree = await readCiObject(this.reader, entryId(entry));
      if (!tree) return undefined;
      const e = entryNamed(tree.body, this.oidBytes, segment);
      entry = e ? entryOf(e.mode, e.oid) : null;
    }
    return entry;
  }
}
