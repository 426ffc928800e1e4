// What GitHub's own actions write before a gate step, by their `with:` inputs. actions/download-artifact
// unpacks files an earlier run made (an artifact a workflow run of another branch or of a pull request
// wrote, which the pusher controls). Into a folder on PATH (`~/.local/bin`, `/usr/local/bin`),
// `node_modules` (`npx gitguard` runs `node_modules/.bin/gitguard`), an `.npmrc` or over a checkout
// script the gate step runs, they change what it runs: the step is no gate. What keeps it is a
// package manager's download cache in $HOME (`~/.npm`, `~/.cache/pip`, `~/.m2/repository`), which
// holds no program the gate runs by name; npm's own decides what npx runs, which a `run:` gate then
// keeps only with a fresh cache (restoresNpmCache). actions/cache and the setup actions' caches are
// cache-restores.ts's: their entry lands wherever its members name, so no path of theirs keeps a gate.
// actions/checkout puts a repository at its `path:` in the workspace: into `node_modules`, an
// `.npmrc` or `.git`, or past the workspace (`..`), likewise.
import { unpacksAnyName } from './download-artifact-versions.js';

/** GitHub's action that writes files an earlier run made, at its `path:` (the workspace by default). */
const RESTORES = /^actions\/download-artifact@/i;
const CHECKOUT = /^actions\/checkout@/i;

/** $HOME as a `path:` names it (the actions expand `~`; `${{ env.HOME }}` is not read). */
const HOME = String.raw`(?:~|\$\{?HOME\}?)`;
/**
 * A download cache of a package manager in $HOME: npm's (not its `_npx`, the packages `npx` runs by
 * name when the project has none), pip's and the other tools' folders of `~/.cache` (not corepack's
 * `~/.cache/node`: the package managers it runs; not pnpm's `dlx`, the packages `pnpm dlx` runs), Maven's, Gradle's
 * caches (not its wrapper's distributions, which `./gradlew` runs), Go's modules,
 * Cargo's registry and git sources, NuGet's packages, pnpm's store, Yarn's cache.
 */
const HOME_CACHE = new RegExp(
  String.raw`^${HOME}/(?:\.npm(?!/_npx(?:/|$))|\.cache/(?!node(?:/|$)|pnpm/dlx(?:/|$))[\w.@+-]+|\.m2/repository|\.gradle/caches|go/pkg/mod|\.cargo/(?:registry|git)|\.nuget/packages|\.pnpm-store|\.yarn/(?:berry/)?cache|\.ivy2/cache)(?:/[\w.@+-]+)*/?$`,
);
/**
 * A folder of $HOME a tool keeps programs in that only that tool runs: Gradle's wrapper distributions
 * (`./gradlew` runs them; no gate runs Gradle). A restore there is `workspace` (RestoreReach).
 */
const HOME_TOOL = new RegExp(String.raw`^${HOME}/\.gradle/wrapper(?:/[\w.@+-]+)*/?$`);
/** A `..` name: the path climbs out of where it starts. */
const CLIMBS = /(?:^|\/)\.\.(?:\/|$)/;
/** A `.` or `..` name. */
const DOT_STEP = /(?:^|\/)\.\.?(?:\/|$)/;
/** A path of the workspace that names where programs or npm's settings come from, or climbs out of it. */
const PROGRAM_NAME = /(?:^|\/)(?:node_modules|\.npmrc|\.git|\.\.)(?:\/|$)|^\/|^~|\$/;
/**
 * A path of the workspace a write there keeps from the audited repository and from where the job's
 * programs are looked for: relative, of plain names (no pattern, no expansion), no `.` or `..` name,
 * not the git folder. Whether it still changes what a gate runs depends on the gate (RestoreReach).
 */
const WORKSPACE_ONLY =
  /^(?!\.?\/?$)(?!.*(?:^|\/)\.{1,2}(?:\/|$))(?!.*(?:^|\/)\.git(?:\/|$))[\w.@+-]+(?:\/[\w.@+-]+)*\/?$/;

/** The paths of a `path:` input: one a line (a `!` pattern leaves out, writing nothing). */
const pathsOf = (v: unknown): string[] =>
  String(v)
    .split('\n')
    .map((p) => p.trim().replace(/^(["'])(.*)\1$/, '$2'))
    .filter((p) => p && !p.startsWith('!'));

/**
 * What a `uses:` step of GitHub's own writes that may change what a later gate runs: `none`; or
 * `workspace`, files only under plain folders of the workspace (`target/`, `.venv`, `dist/`,
 * `node_modules`, Gradle's wrapper in $HOME; a download or checkout): what a restore or download put there is another run's,
 * but no program the job looks for by name nor the audited repository), which change what a gate runs only when it runs
 * files of the checkout or npm's programs from there (github-gate.ts: gitguard's own action, run from
 * its own folder at the workspace, does neither); or `anywhere`: where programs are looked for
 * ($HOME but a package manager's cache, an absolute path, an expansion, a climb), the git folder, or
 * the workspace itself (download-artifact with no `path:`, `.`), which no gate survives.
 */
export type RestoreReach = 'none' | 'plain' | 'workspace' | 'anywhere';

/**
 * A name in a workspace path that npm's lookup of a program or its settings reads (`node_modules`,
 * `.npmrc`, `package.json`), or a version manager's shim reads to pick node, or gitguard's own folder:
 * a restore naming none is `plain` (checkout-writes.ts: a direct call of gitguard at the root keeps).
 */
export const LOOKUP_NAME =
  /(?:^|\/)(?:node_modules|\.npmrc|package\.json|\.tool-versions|\.node-version|\.nvmrc|\.?mise\.toml|\.gitguard)(?:\/|$)/;

/**
 * What a step of GitHub's own with inputs `input` (a `with:` value by name) writes (RestoreReach): a
 * download anywhere but a package manager's cache in $HOME, a checkout into
 * `node_modules`, an `.npmrc`, `.git`, or out of the workspace.
 */
export function actionReach(uses: string, input: (name: string) => unknown): RestoreReach {
  const path = input('path');
  const given = path === undefined || path === null ? [] : pathsOf(path);
  let out: RestoreReach = 'none';
  if (RESTORES.test(uses)) {
    if (!given.length || unpacksAnyName(uses)) return 'anywhere';
    // A `.` or `..` name: the action normalizes the path (`~/.cache/./node` is corepack's), HOME_CACHE reads it as written.
    for (const p of given.filter((q) => !HOME_CACHE.test(q) || DOT_STEP.test(q))) {
      if (CLIMBS.test(p) || (!WORKSPACE_ONLY.test(p) && !HOME_TOOL.test(p))) return 'anywhere';
      out = out === 'workspace' || LOOKUP_NAME.test(p) ? 'workspace' : 'plain';
    }
  } else if (CHECKOUT.test(uses))
    for (const p of given.filter((q) => PROGRAM_NAME.test(q))) {
      if (!WORKSPACE_ONLY.test(p)) return 'anywhere';
      out = 'workspace';
    }
  return out;
}

/** actions/setup-node, whose `cache:` input restores the package manager's download cache it names. */
const SETUP_NODE = /^actions\/setup-node@/i;
/** npm's cache (`~/.npm`, its `_cacache` or any path under it), as a `path:` names it. */
const NPM_CACHE = new RegExp(String.raw`^${HOME}/\.npm(?:/|$)`);

/**
 * Whether a step of GitHub's own restores npm's cache (`~/.npm`): download-artifact of a path at or
 * under it, or actions/setup-node's `cache:` but `yarn`, `pnpm` or empty (a value the CI file does not
 * spell out, `${{ matrix.pm }}`, may be npm; earlierStep finds setup-node's cache no gate first). npx runs a package it finds in `~/.npm/_npx/<hash>` (a hash of
 * the spec as written, `gitguard`, `gitguard@1.2.3`) without checking it, and takes the packument
 * and tarball from `~/.npm/_cacache` while the packument's own cache headers say it is fresh: the
 * files an earlier run of the branch or pull request saved decide what `npx gitguard` runs.
 */
export function restoresNpmCache(uses: string, input: (name: string) => unknown): boolean {
  if (SETUP_NODE.test(uses)) {
    const cache = input('cache');
    return (
      cache !== undefined && cache !== null && !(typeof cache === 'string' && /^\s*(?:yarn|pnpm)?\s*$/i.test(cache))
    );
  }
  const path = input('path');
  return RESTORES.test(uses) && path !== undefined && path !== null && pathsOf(path).some((p) => NPM_CACHE.test(p));
}

/** The workspace paths a `path:` input names (WORKSPACE_ONLY: relative, plain names), a trailing `/` dropped. */
export function workspacePaths(input: (name: string) => unknown): string[] {
  const path = input('path');
  if (path === undefined || path === null) return [];
  return pathsOf(path)
    .filter((p) => WORKSPACE_ONLY.test(p))
    .map((p) => p.replace(/\/+$/, ''));
}
