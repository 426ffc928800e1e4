// The words of a CI step's command as the gate's chain reads them (domain/ci-commands.ts,
// ci-tools.ts): a path as the command names it, an option's value, the package scripts a runner runs.
import { posix } from 'node:path';

/** The word a command, script or recipe that runs the gate holds. */
export const GITGUARD_WORD = /\bgitguard\b/;

export const unquote = (w: string): string => w.replace(/^(['"])(.*)\1$/, '$2');

/**
 * A path as the command names it, relative to `dir` and the repository root; a variable or glob in it
 * stands for the folder before it; undefined when nothing of the repository is left (an absolute
 * path, a path out of the tree, `$HOME/x`).
 */
export function repoPath(raw: string, dir: string): string | undefined {
  // The checkout's own root, as the runners name it.
  raw = raw.replace(/^"?\$\{?(?:GITHUB_WORKSPACE|CI_PROJECT_DIR)\}?"?\//, '');
  if (!raw || raw.startsWith('/') || raw.startsWith('~') || raw.includes('://')) return undefined;
  const joined = posix.normalize(posix.join(dir || '.', raw));
  if (joined === '.' || joined === '..' || joined.startsWith('../')) return undefined;
  const segments = joined.split('/');
  const unsure = segments.findIndex((s) => /[$`*?[\]{}]/.test(s));
  if (unsure < 0) return joined;
  return unsure > 0 ? segments.slice(0, unsure).join('/') : undefined;
}

/** A file a command runs, and what of it: a package script's or make target's names (none: all of it). */
export interface CommandFile {
  path: string;
  entries?: string[];
  /**
   * The package.json at `path` and every workspace package's of the workspace it roots, with its
   * project.json (a runner that picks packages by name or runs them all: domain/ci-tools.ts); a
   * string: instead, the command each package runs in its folder (`pnpm -r exec ./gate.sh`).
   */
  workspaces?: true | string;
  /** Named only as a bare `./x` word: a program if a file, and a folder there runs nothing (`cd ./web`). */
  program?: true;
  /** The files read with it as one configuration (`docker compose -f a -f b`): on the chain with it, whole. */
  together?: string[];
  /** make's include folders (`-I ci`), from the root: a Makefile's `include x.mk` may be read from there. */
  includeDirs?: string[];
}

/** npm's commands that run the lifecycle scripts of an install. */
const INSTALLS = new Set(['ci', 'install', 'i', 'add', 'rebuild']);
const LIFECYCLE = ['preinstall', 'install', 'postinstall', 'prepublish', 'preprepare', 'prepare', 'postprepare'];

/** The package scripts `npm|yarn|pnpm <args>` runs; undefined: not known (all of them). */
export function packageEntries(args: readonly string[]): string[] | undefined {
  const words = args.filter((a) => !a.startsWith('-'));
  const sub = words[0];
  if (sub === undefined) return LIFECYCLE; // `yarn` alone installs
  if (INSTALLS.has(sub)) return LIFECYCLE;
  if (sub === 'exec' || sub === 'x' || sub === 'dlx') return [];
  const name = sub === 'run' || sub === 'run-script' ? words[1] : sub === 't' ? 'test' : sub;
  return name === undefined ? undefined : [`pre${name}`, name, `post${name}`];
}

/** The value of `-X v`, `-Xv`, `--long=v` or `--long v` in `args`. */
export function option(args: readonly string[], short: string | undefined, ...long: string[]): string | undefined {
  for (const [k, a] of args.entries()) {
    if ((short && a === short) || long.includes(a)) return args[k + 1];
    if (short && a.startsWith(short) && a.length > short.length && !a.startsWith('--')) return a.slice(short.length);
    const eq = long.find((l) => a.startsWith(`${l}=`));
    if (eq) return a.slice(eq.length + 1);
  }
  return undefined;
}

export type Put = (
  path: string | undefined,
  entries?: string[],
  workspaces?: true | string,
  together?: string[],
  includeDirs?: string[],
) => void;
export type Add = (raw: string | undefined, base: string, entries?: string[]) => void;
