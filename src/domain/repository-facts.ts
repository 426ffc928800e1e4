// What the collectors read of the repository itself, as the rules see it: where it is, its refs and
// the history anomalies around them (replace refs, grafts, shallow boundaries, alternates, packed-refs'
// peels), its hooks and the hook managers that run gitguard, and the client tools' versions. The
// Facts that carry them are in model.ts.

export interface RepositoryInfo {
  /** The path the user named. */
  path: string;
  gitDir: string;
  commonDir: string;
  workTree?: string;
  bare: boolean;
  /**
   * A bare repository's live linked worktrees (`git clone --bare`, then `git worktree add`): a clone
   * people commit in and push from, not a server.
   */
  linkedWorktrees?: number;
  shallow: boolean;
  objectFormat: 'sha1' | 'sha256';
}

export interface RefInfo {
  name: string;
  oid: string;
  type: string;
  /** For annotated tags: the object the tag finally names (fully peeled, read from the objects). */
  peeled?: string;
  /** For a symbolic ref (a remote's HEAD): the ref it names. */
  symref?: string;
}

export interface HeadInfo {
  /** The branch HEAD names (refs/heads/x); undefined when detached. */
  ref?: string;
  /** undefined when the branch is unborn (no commits yet). */
  oid?: string;
}

export interface HistoryFacts {
  head: HeadInfo;
  /** Every ref but the forge refs counted in forgeRefs. */
  refs: RefInfo[];
  /** A forge's refs of their family's shape naming a commit (forge-refs.ts), left out of refs: how many per family ("refs/pull/*"). */
  forgeRefs?: Record<string, number>;
  /** refs/replace/* entries git honours: the object replaced and its replacement; `ref` when its name is not refs/replace/<replaced>. */
  replaceRefs: Array<{
    replaced: string;
    replacement: string;
    ref?: string;
    replacedSubject?: string;
    replacementSubject?: string;
  }>;
  /** info/grafts lines, if the file exists. */
  grafts?: {
    file: string;
    entries: string[];
    /** Why the file could not be read (a FIFO, device, link, too large). */ unreadable?: string;
  };
  /** Boundary commits of a shallow repository. */
  shallowCommits: string[];
  /** objects/info/alternates entries (as written, and resolved against the objects folder). */
  alternates?: { file: string; entries: Array<{ line: string; path: string; inside: boolean }> };
  /** packed-refs' peeled lines checked against the objects (undefined: no packed-refs). */
  packedPeels?: PackedPeels;
}

/**
 * The ids packed-refs gives its refs "peeled" (`^` lines), which `git show-ref -d`, `ls-remote`, a
 * served fetch and `git describe` take instead of reading the tag: those that are not the objects' own.
 */
export interface PackedPeels {
  file: string;
  /** Packed refs whose peel git takes from the file. */
  checked: number;
  /** `claimed`: the file's peel (none: "not a tag"); `peeled`: the object's (none: not a tag). */
  lies: Array<{ ref: string; oid: string; claimed?: string; peeled?: string }>;
  /** Why gitguard did not read the file (a FIFO, a folder, too large). */
  unreadable?: string;
}

export interface HookInfo {
  name: string;
  path: string;
  executable: boolean;
  /** gitguard's marker in the file (src/collect/hook-marker.ts): absent, valid, or modified since install. */
  marker?: 'absent' | 'valid' | 'modified';
  /** The hook manager that wrote a pre-push hook without gitguard's marker (src/collect/hook-managers.ts). */
  manager?: HookManager;
}

export interface HookManager {
  name: 'husky' | 'lefthook' | 'pre-commit';
  /** The manager's file the hook runs (husky's script, lefthook.yml, .pre-commit-config.yaml). */
  config: string;
  /** Where in it `gitguard hook run pre-push` runs, unskippable (`line 2`, `pre-push.commands.gitguard`); unset: it does not. */
  gitguard?: string;
  /** The file it runs is gitguard's hook, edited after install (its marker no longer matches). */
  modified?: boolean;
  /** The audited environment's variable that makes the manager run no gitguard (`HUSKY=0`, `LEFTHOOK_EXCLUDE=gitguard`). */
  skippedBy?: string;
}

export interface HooksFacts {
  dir: string;
  /** Where the hooks directory came from: default, or core.hooksPath with its scope. */
  source: string;
  /** core.hooksPath names the folder git uses without it (`.git/hooks`, however spelled): no change. */
  defaultFolder?: boolean;
  hooks: HookInfo[];
  /** gitguard's hooks (marker present) in hooks folders git does not use: the default folder or a
   *  core.hooksPath another scope overrides, with no gitguard hook of the same name where git looks. */
  bypassed?: HookInfo[];
}

export interface ToolVersion {
  tool: 'git' | 'gpg' | 'ssh' | 'ssh-keygen' | 'git-lfs';
  /** The program asked (path or name). */
  program: string;
  /** The first line it printed, as printed ('' when it was not run: see notRun). */
  raw: string;
  /** Where gitguard found it: "PATH", "--git", "gpg.program in /home/u/.gitconfig (global)"... */
  source?: string;
  /** Why it was not run (e.g. it lives inside the audited repository); raw is then ''. */
  notRun?: string;
  /** The distribution package it comes from, when known ("debian 12: git 1:2.39.5-0+deb12u2"). */
  distribution?: string;
  /** The package's own record of the CVEs it fixed (its changelog), or why there is none. */
  record?: import('../vulndb/distro-changelog.js').DistroRecord;
}
