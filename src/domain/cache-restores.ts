// Which `uses:` steps restore an entry of GitHub's cache service (the toolkit's restoreCache) before a
// gate step. The toolkit unpacks the entry with `tar -xf <archive> -P -C $GITHUB_WORKSPACE`
// (packages/cache/src/internal/tar.ts): `-P` keeps absolute names and `..`, and no member is checked
// against `path:`, which only picks the entry. A pull request's run restores from its own scope
// (refs/pull/N/merge) first, then the base branch's, and any workflow of the change that runs on
// `pull_request` saves into that scope: a commit pushed and then force-pushed away saves an entry under
// the key the gate job asks for, holding `~/.npm/_npx/...`, a program on PATH, the tool cache's `node`
// or files of the checkout. So the change under review writes what its own gate job restores, whatever
// `path:` says (`~/.cache/pip` too): a restore before the audit leaves no gate. What restores nothing is
// `lookup-only: true`, actions/cache/save, and a setup action's cache switched off. An action not
// listed whose repository is named for a cache (`useblacksmith/cache`, `*/actions-cache`) restores
// as actions/cache does: forks of it unpack the same way.

import type { FileAt } from './shell-state.js';

/** A `with:` input by name, as the CI file writes it (a string, a boolean, or absent). */
type Input = (name: string) => unknown;

/** What a step restores: nothing; an entry (no gate after it); npm's cache if the commit's package.json names npm. */
export type CacheRestore = 'none' | 'restores' | 'package-manager';

const given = (v: unknown): boolean => v !== undefined && v !== null && !(typeof v === 'string' && !v.trim());
/** An input a boolean switches off: `false` as YAML or as the action reads the string (`False`, `FALSE`). */
const off = (v: unknown): boolean => v === false || (typeof v === 'string' && /^\s*false\s*$/i.test(v));
/** An input the action reads as a switch that is off unless set: any value but false or empty (an expression may be true). */
const on = (v: unknown): boolean => given(v) && !off(v);

/** The major version a `uses:` ref names (`@v5`, `@v4.2.1`); undefined for a commit or a branch (read as the newest). */
function major(uses: string): number | undefined {
  const m = /@v?(\d+)(?:\.\d+)*\s*$/i.exec(uses);
  return m ? Number(m[1]) : undefined;
}

/** The action of a `uses:` string, lower-cased, without its ref. */
const actionOf = (uses: string): string => uses.split('@')[0]!.trim().toLowerCase();

/**
 * Per action (lower-cased `owner/repo[/path]`): whether a step of it with these inputs restores a
 * cache entry. GitHub's setup actions by their `cache:` input (setup-go's is on unless false from v4;
 * setup-node's from v5 also when package.json names npm: `package-manager`); the others known to call
 * restoreCache by their switches.
 */
const ACTIONS: Record<string, (input: Input, uses: string) => CacheRestore | boolean> = {
  'actions/cache': (i) => !on(i('lookup-only')),
  'actions/cache/restore': (i) => !on(i('lookup-only')),
  'actions/setup-node': (i, uses) => {
    if (given(i('cache'))) return true;
    if (off(i('package-manager-cache'))) return false;
    const v = major(uses);
    return v === undefined || v >= 5 ? 'package-manager' : false;
  },
  'actions/setup-python': (i) => given(i('cache')),
  'actions/setup-java': (i) => given(i('cache')),
  'actions/setup-dotnet': (i) => on(i('cache')),
  'actions/setup-go': (i, uses) => {
    const v = major(uses);
    return v !== undefined && v < 4 ? on(i('cache')) : !off(i('cache'));
  },
  'swatinem/rust-cache': (i) => !on(i('lookup-only')),
  'actions-rust-lang/setup-rust-toolchain': (i) => !off(i('cache')),
  'gradle/actions/setup-gradle': (i) => !on(i('cache-disabled')),
  'gradle/gradle-build-action': (i) => !on(i('cache-disabled')),
  'astral-sh/setup-uv': (i) => !off(i('enable-cache')),
  'ruby/setup-ruby': (i) => on(i('bundler-cache')),
  'jdx/mise-action': (i) => !off(i('cache')),
  'pre-commit/action': () => true,
  'golangci/golangci-lint-action': (i) => !on(i('skip-cache')),
  'graalvm/setup-graalvm': (i) => given(i('cache')),
  'denoland/setup-deno': (i) => on(i('cache')),
  'subosito/flutter-action': (i) => on(i('cache')),
  'bahmutov/npm-install': () => true,
  // Both cache the program they download (setup-bun's `no-cache`, setup-zig's `use-cache`).
  'oven-sh/setup-bun': (i) => !on(i('no-cache')),
  'mlugg/setup-zig': (i) => !off(i('use-cache')),
  // An image's files exported to the runner (`type=local,dest=.`, `type=tar`, a bare folder): what the
  // build (the change's Dockerfile, layers from `cache-from`) made lands there.
  'docker/build-push-action': (i) => exportsFiles(i('outputs')),
};

/** Whether buildx `outputs:` (one a line or comma-joined) write files on the runner: any but registry, image or docker. */
function exportsFiles(v: unknown): boolean {
  if (!given(v)) return false;
  if (typeof v !== 'string') return true;
  return v
    .split(/\n/)
    .filter((l) => l.trim())
    .some((l) => !/^\s*type=(?:registry|image|docker)(?:,|\s*$)/.test(l) || /(?:^|,)\s*dest=/.test(l));
}

/** An action of another owner's cache (a fork or a service of its own: `useblacksmith/cache`, `tespkg/actions-cache`): restores as actions/cache does. */
const CACHE_LIKE = /^[^/]+\/[^/]*cache[^/]*(?:\/restore)?$/;

/** What a `uses:` step restores from GitHub's cache service (CacheRestore), by its action and `with:` inputs. */
export function cacheRestore(uses: string, input: Input): CacheRestore {
  const action = actionOf(uses);
  const rule = ACTIONS[action];
  const out = rule ? rule(input, uses) : CACHE_LIKE.test(action) && !on(input('lookup-only'));
  return out === true ? 'restores' : out === false ? 'none' : out;
}

/** setup-node's test of the package manager a package.json names (`npm`, `npm@11.0.0`, `^npm@11`). */
const NPM = /^(\^)?npm(@.*)?$/;

/**
 * Whether setup-node (v5 on, no `cache:`) restores npm's cache for the checkout's root package.json
 * as read at the commit (`at`; null: none there): `devEngines.packageManager` (one or a list) or `packageManager` naming
 * npm. One not read, or not JSON as read here, counts as a restore: setup-node turns nothing on for
 * a file it cannot parse, but a package.json committed as a link reads here as the link's target
 * name, while setup-node reads the file it leads to.
 */
export function namesNpm(at: Exclude<FileAt, undefined>): boolean {
  if (at === 'unreadable') return true;
  if (at === null || at === 'tree') return false;
  let pkg: unknown;
  try {
    pkg = JSON.parse(at.text);
  } catch {
    return true;
  }
  const field = (o: unknown, k: string): unknown =>
    o !== null && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined;
  const dev = field(field(pkg, 'devEngines'), 'packageManager');
  const devs = dev ? (Array.isArray(dev) ? dev : [dev]) : [];
  const named = (v: unknown): boolean => typeof v === 'string' && NPM.test(v);
  return devs.some((d) => named(field(d, 'name'))) || named(field(pkg, 'packageManager'));
}

/**
 * Whether a GitLab job's `cache:` (its plain value; `unread`, one not read here) restores an archive
 * before its scripts: any entry but one with `policy: push` (which only saves). The runner unpacks the
 * archive into the project folder after the clone, whatever `paths:` says, and a job of the same
 * pipeline or of another pipeline of an unprotected branch (the change's own, a commit since
 * force-pushed away) saves under the same key: it writes the checkout (`node_modules/.bin`, `.git`,
 * the scripts the gate runs), which no gate survives. `cache: []` or `{}` restores nothing.
 */
export function gitlabCacheRestores(value: unknown, unread: unknown): boolean {
  if (value === unread) return true;
  if (value === undefined || value === null) return false;
  if (Array.isArray(value)) return value.some((v) => gitlabCacheRestores(v, unread));
  const entries =
    value instanceof Map
      ? [...(value as Map<unknown, unknown>)]
      : typeof value === 'object'
        ? Object.entries(value as Record<string, unknown>)
        : [];
  if (typeof value !== 'object') return true;
  if (!entries.length) return false;
  const policy = entries.find(([k]) => k === 'policy')?.[1];
  return !(typeof policy === 'string' && policy.trim() === 'push');
}
