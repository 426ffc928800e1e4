// git's include directives in a `git config --list --show-origin --includes` listing: which of them took
// a file in, what git reads only once it has set up the repository, and the files an `includeIf` of the
// repository's own config takes in only where its condition holds, which it does not here: on a branch
// nobody has checked out (`onbranch:`, after a plain `git checkout`), in another place (`gitdir:`, the
// same files copied or moved there), with another remote (`hasconfig:remote.*.url:`, after `git remote
// add`). They are the repository's config as much as what git reads today.
import { realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { ConfigEntry } from '../domain/model.js';
import { originFile } from '../domain/config.js';
import { interpolatePath } from './user-home.js';

const INCLUDE = /^include(?:if\..*)?\.path$/;
const ONBRANCH = /^includeif\.onbranch:(.*)\.path$/;
const INCLUDE_IF = /^includeif\.(.*)\.path$/;
const LOCAL = new Set(['local', 'worktree']);

interface Walked {
  /** Read only once git has set up the repository (config.worktree, an onbranch include's file). */
  late: boolean;
  /** On an include directive: whether git took its file in here. */
  tookIn?: boolean;
}

/**
 * Each entry of git's listing (in git's order) walked with the files open at it. git lists an include
 * directive, then the file it took in, then the rest of the including file: an entry from a file not
 * open yet comes from the directive just before it, one from an open file returns there.
 */
function walkIncludes(entries: readonly ConfigEntry[]): Walked[] {
  let open: Array<{ origin: string; late: boolean }> = [];
  const out: Walked[] = [];
  entries.forEach((e, i) => {
    const prev = entries[i - 1];
    const at = open.findIndex((f) => f.origin === e.origin);
    if (prev?.scope === e.scope && at !== -1) open.length = at + 1;
    else if (prev?.scope === e.scope && INCLUDE.test(prev.key)) {
      open.push({ origin: e.origin, late: open.at(-1)!.late || ONBRANCH.test(prev.key) });
      out[i - 1]!.tookIn = true;
    }
    // A scope's own file (XDG's then ~/.gitconfig in the global scope).
    else open = [{ origin: e.origin, late: e.scope === 'worktree' }];
    out.push(INCLUDE.test(e.key) ? { late: open.at(-1)!.late, tookIn: false } : { late: open.at(-1)!.late });
  });
  return out;
}

/**
 * `entries` with `afterSetup` on those git reads only once it has set up the repository:
 * config.worktree, and what an `includeIf "onbranch:..."` took in (git matches the branch against a
 * repository it has found; its early read, where aliases are looked up, has none).
 */
export function markAfterSetup(entries: readonly ConfigEntry[]): ConfigEntry[] {
  const walked = walkIncludes(entries);
  return entries.map((e, i) => (walked[i]!.late ? { ...e, afterSetup: true } : e));
}

/**
 * `entries` with `opens` set on each include directive of the repository's own config (local,
 * worktree): the file git reads for it (includedFile), links resolved. A file of the work tree there is
 * config whoever commits to it writes (no-code-execution-in-local-config judges it).
 */
export function withIncludedFiles(entries: ConfigEntry[], cwd: string, env: NodeJS.ProcessEnv): ConfigEntry[] {
  return entries.map((e) => {
    if (!INCLUDE.test(e.key) || !LOCAL.has(e.scope) || !e.value) return e;
    const file = includedFile(e, cwd, env);
    return file === undefined ? e : { ...e, opens: realPath(file) };
  });
}

/** One git listing: its entries and the folder git ran in (a relative origin is from there). */
export interface Listing {
  entries: readonly ConfigEntry[];
  cwd: string;
  /** Lists one file as git reads it in this listing's git dir: `git config --file F --list --includes`. */
  readFile: (file: string) => Promise<ConfigEntry[]>;
}

/** At most this many files are read per run (git itself stops at an include depth of 10). */
const MAX_FILES = 64;

/**
 * What git reads from the repository's own config (local, config.worktree, and the files they include)
 * only where a condition that does not hold here does: each `includeIf` that took no file in, its file
 * read as git reads it (plain includes followed, other conditions judged in the same git dir), and the
 * includeIf directives in that file in turn. Each entry keeps the scope of the directive that leads to
 * it, `includeIf`: the condition, and `afterSetup` below an `onbranch:` one (git's early read, where it
 * looks aliases up, judges `gitdir:` but has no branch). A file git took in somewhere is not read again.
 */
export async function conditionalConfig(listings: readonly Listing[], env: NodeJS.ProcessEnv): Promise<ConfigEntry[]> {
  const done = new Set<string>();
  for (const l of listings)
    for (const e of l.entries) {
      const file = originFile(e.origin);
      if (file) done.add(realPath(resolve(l.cwd, file)));
    }
  const queue = listings.flatMap((l) => untaken(l.entries, l, false));
  const out: ConfigEntry[] = [];
  for (let reads = 0; queue.length > 0 && reads < MAX_FILES;) {
    const { directive, listing, condition, late } = queue.shift()!;
    const file = includedFile(directive, listing.cwd, env);
    if (file === undefined || !isFile(file) || done.has(realPath(file))) continue;
    done.add(realPath(file));
    reads += 1;
    const read = (await listing.readFile(file)).map((e): ConfigEntry => ({
      ...e,
      scope: directive.scope,
      ...(late ? { afterSetup: true } : {}),
      includeIf: condition,
    }));
    out.push(...read);
    queue.push(...untaken(read, listing, late));
  }
  return out;
}

interface Untaken {
  directive: ConfigEntry;
  listing: Listing;
  condition: string;
  /** Read only once git has set up the repository: an onbranch condition on the way. */
  late: boolean;
}

/** The repository's includeIf directives in `entries` that took no file in, with their condition. */
function untaken(entries: readonly ConfigEntry[], listing: Listing, late: boolean): Untaken[] {
  const walked = walkIncludes(entries);
  return entries.flatMap((e, i) => {
    const m = INCLUDE_IF.exec(e.key);
    return m && LOCAL.has(e.scope) && e.value && walked[i]!.tookIn === false
      ? [{ directive: e, listing, condition: m[1]!, late: late || ONBRANCH.test(e.key) }]
      : [];
  });
}

/**
 * The file an include directive names, as git's handle_path_include finds it: `~/` and `~user/`
 * expanded as git expands them, `%(prefix)/` where git said (`prefixed`), otherwise relative to the
 * folder of the file holding the directive. undefined where git would not open one (an unknown user,
 * a directive that is not in a file).
 */
function includedFile(e: ConfigEntry, cwd: string, env: NodeJS.ProcessEnv): string | undefined {
  if (e.prefixed !== undefined) return e.prefixed;
  const value = interpolatePath(e.value!, env);
  if (value === undefined || value.startsWith('%(prefix)/')) return undefined;
  if (isAbsolute(value)) return value;
  const from = originFile(e.origin);
  return from === undefined ? undefined : resolve(cwd, dirname(from), value);
}

/** A regular file (links followed, as git opens it): a FIFO or device is never handed to git. */
function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function realPath(path: string): string {
  try {
    return realpathSync.native(path);
  } catch {
    return path;
  }
}
