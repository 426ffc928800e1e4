// What GitHub's own actions write before a gate step, by their `with:` inputs. actions/cache (and
// actions/cache/restore) restores, and actions/download-artifact unpacks, files an earlier run made:
// a cache entry or an artifact a workflow run of another branch or of a pull request wrote, which the
// pusher controls. Into a folder on PATH (`~/.local/bin`, `/usr/local/bin`), `node_modules` (`npx
// gitguard` runs `node_modules/.bin/gitguard`), an `.npmrc` or over a checkout script the gate step
// runs, they change what it runs: the step is no gate. What keeps it is a package manager's download
// cache in $HOME (`~/.npm`, `~/.cache/pip`, `~/.m2/repository`), which holds no program the gate runs
// by name. actions/checkout puts a repository at its `path:` in the workspace: into `node_modules`,
// an `.npmrc` or `.git`, or past the workspace (`..`), likewise.

/** GitHub's actions that write files an earlier run made, at their `path:` (download-artifact: the workspace by default). */
const RESTORES = /^actions\/(?:cache(?:\/restore)?|download-artifact)@/i;
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
/** A path of the workspace that names where programs or npm's settings come from, or climbs out of it. */
const PROGRAM_NAME = /(?:^|\/)(?:node_modules|\.npmrc|\.git|\.\.)(?:\/|$)|^\/|^~|\$/;

/** The paths of a `path:` input: one a line (a `!` pattern leaves out, writing nothing). */
const pathsOf = (v: unknown): string[] =>
  String(v)
    .split('\n')
    .map((p) => p.trim().replace(/^(["'])(.*)\1$/, '$2'))
    .filter((p) => p && !p.startsWith('!'));

/**
 * Whether a `uses:` step of GitHub's own with inputs `input` (a `with:` value by name) writes where
 * the gate's programs come from: a restore or download into anything but a package manager's cache
 * in $HOME (none named: the workspace), a checkout into `node_modules`, an `.npmrc`, `.git`, or out
 * of the workspace.
 */
export function actionWrites(uses: string, input: (name: string) => unknown): boolean {
  const path = input('path');
  if (RESTORES.test(uses)) {
    const paths = path === undefined || path === null ? [] : pathsOf(path);
    // A `.` or `..` name: the action normalizes the path (`~/.cache/./node` is corepack's), HOME_CACHE reads it as written.
    return !paths.length || paths.some((p) => !HOME_CACHE.test(p) || /(?:^|\/)\.\.?(?:\/|$)/.test(p));
  }
  if (CHECKOUT.test(uses) && path !== undefined && path !== null)
    return pathsOf(path).some((p) => PROGRAM_NAME.test(p));
  return false;
}
