// The files git itself opens in a repository before gitguard sees a byte: in the object store,
// objects/info/alternates (and each alternate's own, as deep as git follows them), the index and pack
// files in objects/pack and the loose objects in objects/<2 hex>/; in the git dir, config, HEAD,
// commondir, packed-refs and the loose refs. git opens them with plain open() and reads to the end,
// wherever gitguard's shadow points it: a FIFO there blocks git (the secrets scan's git log -p had
// no watchdog: the audit never ended), and alternates -> /dev/zero makes git read and allocate
// without end (gigabytes within seconds). So they are checked as data first, without blocking, and a
// repository git cannot read safely is refused at once in one line.
import { existsSync, readdirSync, realpathSync, statSync, type Dirent } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { ExpectedError } from '../errors.js';
import { listDir, readBoundedIfExists, UnsafeFileError } from './safe-fs.js';
import { parseConfigText } from './config-syntax.js';
import { packIndexHolds } from './pack-index.js';
import { runEnv } from './run-context.js';
import { interpolatePath } from './user-home.js';

/** git's alternates nesting limit (object-file.c link_alt_odb_entries: entries read at depth > 5 are ignored, so
 * a repository's own store and six below it are opened, each one's alternates file read). */
const MAX_DEPTH = 5;
/** Alternates files are lists of paths: a few MiB at most (the same bound as the other control files). */
const ALTERNATES_MAX_BYTES = 16 * 1024 * 1024;
/** The files of objects/pack git opens (prepare_packed_git_one, the multi-pack index). */
const PACK_FILE = /\.(idx|pack|rev|bitmap|mtimes)$|^multi-pack-index$/;

const HINT = 'git opens it whenever it reads the repository: remove it or replace it with a regular file';

const SPECIAL = 'is not a regular file (a FIFO, device or socket): git would block on it or read it without end';

function refuse(path: string, what: string): never {
  throw new ExpectedError(`${path} ${what}`, HINT);
}

/** An alternates line as git reads it: C-quoted when it starts with a double quote. */
function unquote(line: string): string {
  if (!line.startsWith('"')) return line;
  const esc: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };
  let out = '';
  for (let i = 1; i < line.length; i += 1) {
    const c = line[i]!;
    if (c === '"') break;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const n = line[++i] ?? '';
    if (/[0-3]/.test(n) && /^[0-7]{2}$/.test(line.slice(i + 1, i + 3))) {
      out += String.fromCharCode(parseInt(line.slice(i, i + 3), 8));
      i += 2;
    } else out += esc[n] ?? n;
  }
  return out;
}

/** Whether a folder entry is a FIFO, device or socket (a link is followed, as git's open() follows it). */
function special(dir: string, e: Dirent): boolean {
  if (e.isFile() || e.isDirectory()) return false;
  if (!e.isSymbolicLink()) return true;
  try {
    const st = statSync(join(dir, e.name)); // never blocks, even on a FIFO
    return !st.isFile() && !st.isDirectory();
  } catch {
    return false; // a dangling link: git finds no object there
  }
}

/** Loose objects live in objects/<2 hex>/<rest>: read from the folder entries' own types, no stat each. */
function checkLooseObjects(objectsDir: string): void {
  let top: Dirent[];
  try {
    top = readdirSync(objectsDir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const d of top) {
    if (!/^[0-9a-f]{2}$/.test(d.name)) continue;
    const dir = join(objectsDir, d.name);
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      continue; // not a folder: git finds no loose object there
    }
    for (const e of entries) if (special(dir, e)) refuse(join(dir, e.name), SPECIAL);
  }
}

function checkPackFolder(objectsDir: string): void {
  let entries: Dirent[];
  try {
    entries = readdirSync(join(objectsDir, 'pack'), { withFileTypes: true });
  } catch {
    return; // no pack folder: nothing git opens there
  }
  const dir = join(objectsDir, 'pack');
  for (const e of entries) if (PACK_FILE.test(e.name) && special(dir, e)) refuse(join(dir, e.name), SPECIAL);
}

/** An alternates line git follows: the file it is in, the line as written, and the store it names (links resolved). */
export interface AlternateLine {
  file: string;
  line: string;
  path: string;
}

/**
 * Every object store git reads from `objectsDir` on (itself first, then through alternates files:
 * C-quoted lines unquoted, links followed, each store's own alternates, five deep), as `store(real
 * path)`, and each alternates line it follows as `onLine`. Throws ExpectedError for an alternates
 * file that is a FIFO, device or socket, or over 16 MiB.
 */
function walkStores(objectsDir: string, store: (real: string) => void, onLine?: (l: AlternateLine) => void): void {
  const seen = new Set<string>();
  const visit = (dir: string, depth: number): void => {
    let real: string;
    try {
      real = realpathSync.native(dir);
      if (!statSync(real).isDirectory()) return; // git ignores an alternate that is not a folder
    } catch {
      return; // missing: git warns and goes on
    }
    if (seen.has(real)) return;
    seen.add(real);
    store(real);
    const file = join(real, 'info', 'alternates');
    let text: string | undefined;
    try {
      text = readBoundedIfExists(file, ALTERNATES_MAX_BYTES, { follow: true })?.toString('utf8');
    } catch (err) {
      if (!(err instanceof UnsafeFileError)) throw err;
      if (err.reason === 'too-large') refuse(file, err.detail);
      // A folder, or a file this user cannot read: git cannot read it either, and goes on without it.
      if (err.reason !== 'not-a-file' || statSync(file).isDirectory()) return;
      refuse(file, SPECIAL);
    }
    if (text === undefined || depth > MAX_DEPTH) return;
    for (const raw of text.split('\n')) {
      const line = raw.replace(/\r$/, '');
      if (!line || line.startsWith('#')) continue;
      const unquoted = unquote(line);
      const path = isAbsolute(unquoted) ? unquoted : resolve(real, unquoted);
      onLine?.({ file, line, path: realOr(path) });
      visit(path, depth + 1);
    }
  };
  visit(objectsDir, 0);
}

/** `path` with its links resolved, or as given when it does not exist. */
export function realOr(path: string): string {
  try {
    return realpathSync.native(path);
  } catch {
    return path;
  }
}

/**
 * Throws ExpectedError when an object store git would read (`objectsDir`, its alternates, theirs...)
 * holds a FIFO, device or socket where git opens a file, or an alternates file over 16 MiB.
 */
export function assertObjectStoreReadable(objectsDir: string): void {
  walkStores(objectsDir, (real) => {
    checkPackFolder(real);
    checkLooseObjects(real);
  });
}

/** The alternates lines git follows from `objectsDir`, at every depth (see walkStores). */
export function alternateLines(objectsDir: string): AlternateLine[] {
  const out: AlternateLine[] = [];
  walkStores(
    objectsDir,
    () => undefined,
    (l) => out.push(l),
  );
  return out;
}

/** Every object store git reads from `objectsDir` on (itself, then its alternates, as walkStores finds them), real paths. */
export function objectStores(objectsDir: string): string[] {
  const out: string[] = [];
  walkStores(objectsDir, (real) => out.push(real));
  return out;
}

/** The files of a git dir git opens to answer anything: its config, HEAD, where its common dir is, packed refs. */
const GIT_DIR_FILES = ['config', 'config.worktree', 'HEAD', 'commondir', 'packed-refs'];
/** Config files are a few kB; a larger one is read by git, not searched for includes here. */
const CONFIG_MAX_BYTES = 1024 * 1024;

function checkFile(path: string): void {
  let st;
  try {
    st = statSync(path); // follows a link, as git's open() does; never blocks
  } catch {
    return; // missing: nothing git could open
  }
  if (!st.isFile() && !st.isDirectory()) refuse(path, SPECIAL);
}

/** git's include depth (config.c MAX_INCLUDE_DEPTH): a deeper include is an error, not read. */
const MAX_INCLUDE_DEPTH = 10;

/**
 * A config file and the files its `path` variables include, read with git's syntax (config-syntax.ts:
 * `[include]path="/tmp/"fifo` is an include too): a FIFO included from a repository's own config
 * blocked every git for 30 s. Every `path` key counts, in whatever section (a submodule's path is
 * checked needlessly, never missed); `~/` and `~user/` as git expands them for the user's own config
 * listing (config.ts keeps the audited HOME): `path = ~root/fifo` blocked git 30 s as well. Each file is
 * expanded once per depth it is first reached at, or shallower: a file including itself fifty times
 * took 50^10 steps (the audit never ended), git itself stops at the eleventh level.
 */
function checkConfig(file: string, env: NodeJS.ProcessEnv, depth = 0, seen = new Map<string, number>()): void {
  checkFile(file);
  if ((seen.get(file) ?? Infinity) <= depth) return;
  seen.set(file, depth);
  let text: string | undefined;
  try {
    text = readBoundedIfExists(file, CONFIG_MAX_BYTES, { follow: true })?.toString('utf8');
  } catch {
    return; // not a regular file we read (checked above), or too large: git's problem, not a hang
  }
  if (text === undefined || depth >= MAX_INCLUDE_DEPTH) return;
  for (const { key, value } of parseConfigText(text)) {
    const path = value && /(^|\.)path$/.test(key) ? interpolatePath(value, env) : undefined;
    if (path !== undefined) checkConfig(resolve(dirname(file), path), env, depth + 1, seen);
  }
}

/** Every loose ref under refs/ (for-each-ref opens each one). */
function checkRefs(dir: string, depth = 0): void {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    if (e.isDirectory()) {
      if (depth < 64) checkRefs(join(dir, e.name), depth + 1);
    } else if (special(dir, e)) refuse(join(dir, e.name), SPECIAL);
  }
}

/**
 * Throws ExpectedError when a git dir git would read for `path` (the folder itself, its .git folder,
 * the one a .git file names, and their common dir) holds a FIFO, device or socket where git opens a
 * file: config, HEAD, commondir, packed-refs or a loose ref. Before: git blocked until its time limit
 * (30 to 60 s) and the run ended on "did not finish ... on a very large repository". Run before git is.
 */
export function assertGitDirReadable(path: string, env: NodeJS.ProcessEnv = runEnv()): void {
  const dirs = [path, join(path, '.git')];
  try {
    const text = readBoundedIfExists(join(path, '.git'), 4096, { follow: true })?.toString('utf8');
    const m = text && /^gitdir: (.+)$/m.exec(text);
    if (m) dirs.push(resolve(path, m[1]!.trim()));
  } catch {
    // a .git folder (or no .git at all): it is in the list already
  }
  for (const dir of dirs) {
    try {
      if (!statSync(dir).isDirectory()) continue;
    } catch {
      continue;
    }
    const check = (file: string): void => {
      if (file.endsWith('config') || file.endsWith('config.worktree')) checkConfig(file, env);
      else checkFile(file);
    };
    for (const f of GIT_DIR_FILES) check(join(dir, f));
    let common: string | undefined;
    try {
      const text = readBoundedIfExists(join(dir, 'commondir'), 4096, { follow: true })?.toString('utf8').trim();
      if (text) common = resolve(dir, text);
    } catch {
      // a commondir git cannot use either
    }
    checkRefs(join(dir, 'refs'));
    if (common && common !== dir) {
      for (const f of GIT_DIR_FILES) check(join(common, f));
      checkRefs(join(common, 'refs'));
    }
  }
}

/**
 * Whether any object store git reads from `objectsDir` (itself and its alternates) holds `oid`, as a
 * loose file or in a pack index, readable or not. Nothing is decompressed: an object present but
 * corrupt is held (git cannot read it, yet no partial clone left it out).
 */
export function objectHeld(objectsDir: string, oid: string): boolean {
  const name = Buffer.from(oid, 'hex');
  let held = false;
  walkStores(objectsDir, (real) => {
    if (held) return;
    if (existsSync(join(real, oid.slice(0, 2), oid.slice(2)))) held = true;
    else {
      const packs = listDir(join(real, 'pack')).filter((f) => f.endsWith('.idx'));
      held = packs.some((f) => packIndexHolds(join(real, 'pack', f), name));
    }
  });
  return held;
}
