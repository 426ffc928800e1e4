// Whether the CI configuration in a commit runs gitguard (a file of it names gitguard in a step or job that
// runs and can fail: github-gate.ts namesGitguard): what ci-gate-kept compares between a commit and its
// parents. The files it runs count too, as named in that commit (a workflow's `uses: ./.github/actions/audit`,
// a reusable workflow, a GitLab local include; domain/ci-references.ts), where the walk watches them: moving
// the step into a local action keeps the gate, and removing the `uses:` line or the step from the action
// removes it. Memoised by the entries at the CI paths and the paths they may run.
import { READINGS_KEPT, RecentMap } from './recent-map.js';
import { ObjectReader, type GitObject } from './objects.js';
import { readCiObject, type DerivedWatch } from './derived-paths.js';
import { ATTRIBUTES } from './nested-attributes.js';
import { HOOKS_ORIGIN } from './hooks.js';
import { CI_PATH_IS_FOLDER, CI_PATHS, isCiFile } from '../domain/protected-paths.js';
import { CI_RUNNERS } from '../domain/ci-systems.js';
import { chainGates } from './script-files.js';
import { ciReferencesIn, referencesUnread } from './ci-yaml.js';
import { type Gate } from './github-gate.js';
import { directGateAt } from './earlier-files.js';
import { commitPackages, withPackages } from './commit-packages.js';
import { partNamesGitguard } from '../domain/ci-commands.js';
import { partText } from './chain-part.js';
import { changesLaterSteps } from '../domain/step-env.js';
import { entryId, isFileEntry, TREE_MODE } from './tree-entry.js';
import { vouchingOff } from './vouching-off.js';
import {
  entryAt,
  filesAt,
  GITLAB_CI,
  MAX_FOLLOWED,
  readPlace,
  UNWATCHED,
  type Place,
  type PlaceTrees,
  type Reading,
  type State,
} from './ci-place.js';

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

  private get trees(): PlaceTrees {
    return { reader: this.reader, oidBytes: this.oidBytes, watched: this.watched, follows: this.follows };
  }

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

  /** Whether forge `runner` (CI_RUNNERS' index) reads a place there in `state`: else it runs nothing. */
  readsIn(state: State, runner: number): boolean {
    return this.placesRead(state)[runner] !== null;
  }

  /** What a forge reads at `place` in `state` (read), memoised by the entries at the CI paths. */
  private readingAt(state: State, place: Place): Promise<Reading> {
    // A parent's side read with the start's vouching set aside (vouching-off.ts) is another reading.
    const k = `${place[0]} ${place[2]} ${vouchingOff()} ${this.keyIdx.map((i) => state[i] ?? '-').join(' ')}`;
    let reading = this.gateOf.get(k);
    if (!reading) this.gateOf.set(k, (reading = readPlace(this.trees, state, place)));
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
    const k = `${oid} ${place[0]} ${place[2]} ${own} ${vouchingOff()}`;
    let gate = this.chainOf.get(k);
    if (!gate) this.chainOf.set(k, (gate = this.chainDeclared(state, place, oid, own)));
    return gate;
  }

  /** chainIn with the names the commit's package.json declares for npx's reading (commit-packages.ts). */
  private async chainDeclared(state: State, place: Place, oid: string, own: boolean): Promise<Gate> {
    const read = (spec: string): Promise<GitObject | null | undefined> => readCiObject(this.reader, spec, true);
    const declared = await commitPackages(read, oid);
    return withPackages(declared, () => this.chainIn(state, place, oid, own));
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
      const files = await filesAt(this.trees, ci, entry);
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
        const entry = await entryAt(this.trees, state, ref);
        if (entry === undefined) return undefined;
        if (!entry || entry === UNWATCHED) continue;
        const files = await filesAt(this.trees, ref, entry);
        if (files === undefined) return undefined;
        for (const [, t] of files) texts.push([t, origin]);
      }
    }
    return seen;
  }
}
