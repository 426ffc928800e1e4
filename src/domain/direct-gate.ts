// Whether a gate step's script calls gitguard itself by name (`npx gitguard audit`, `gitguard audit`
// from PATH, `FOO=1 npx gitguard audit`, `env -u X npx gitguard audit`), the reading of
// gitguard-call.ts directCheck: such a call runs no file of the checkout, so files an earlier step
// wrote there change it only through a checkout file run before the audit (checkout-writes.ts). A
// variable set for the call that changes which program runs or how (env-names.ts shadowingName:
// PATH, NODE_OPTIONS, npm_config_*; and git's GIT_*, which the runner's git and a hook read) or one
// unset (`env -u PATH`) makes it no such call.
import { posix } from 'node:path';
import { parseScript, type Command, type Script } from './shell-syntax.js';
import { directCheck, withoutFreshCache } from './gitguard-call.js';
import { shadowingName } from './env-names.js';
import { namedPaths, namesNoPath } from './audit-options.js';
import { runsFiles, type Earlier } from './earlier-steps.js';
import { commandFolders } from './written-targets.js';

const ASSIGNMENT = /^([A-Za-z_]\w*)=/;
const loses = (name: string): boolean => shadowingName(name) || /^GIT_/.test(name);
/** The index of the first of `words` naming gitguard (-1: none). */
const gitguardAt = (words: readonly string[]): number => words.findIndex((w) => /gitguard/.test(w));

/** A call's arguments: the words after the one naming gitguard, but its command (the first `audit` or `verify`). */
function callArgs(words: readonly string[]): string[] {
  const args = words.slice(gitguardAt(words) + 1);
  const sub = args.findIndex((w) => w === 'audit' || w === 'verify');
  return args.filter((_, k) => k !== sub);
}

/** The names a command's words set or unset before its program (`X=1`, env's `X=1`, `-u X`, `--unset=X`). */
function namesSet(words: readonly string[], program: number): string[] {
  const out: string[] = [];
  for (let k = 0; k < program; k += 1) {
    const w = words[k]!;
    const set = ASSIGNMENT.exec(w)?.[1] ?? /^--unset=(.*)$/.exec(w)?.[1];
    if (set !== undefined) out.push(set);
    else if (w === '-u' || w === '--unset') out.push(words[k + 1] ?? '');
    else if (/^-u./.test(w)) out.push(w.slice(2));
  }
  return out;
}

/** Whether one simple command is a direct call of gitguard with nothing set that changes what runs. */
function direct(words: readonly string[]): boolean {
  let start = 0;
  while (start < words.length && ASSIGNMENT.test(words[start]!)) start += 1;
  const rest = words.slice(start);
  // Where gitguard's name is in the words past the assignments (and the wrappers: env's own).
  const at = gitguardAt(rest);
  if (at < 0 || !directCheck(rest)) return false;
  return !namesSet(words, start + at).some(loses);
}

function some(script: Script, f: (words: string[]) => boolean): boolean {
  const cmd = (c: Command): boolean => {
    switch (c.kind) {
      case 'simple':
        return f(c.words.map((w) => w.value));
      case 'group':
        return some(c.body, f);
      case 'if':
        return (
          c.clauses.some(([a, b]) => some(a, f) || some(b, f)) || (c.otherwise !== undefined && some(c.otherwise, f))
        );
      case 'loop':
        return (c.cond !== undefined && some(c.cond, f)) || some(c.body, f);
      case 'case':
        return c.branches.some((b) => some(b, f));
      case 'function':
        return cmd(c.body);
    }
  };
  return script.some((a) => a.pipelines.some((p) => p.commands.some(cmd)));
}

/** Whether `script` names gitguard in a command and each command naming it is `ok` (its words). */
function eachCall(script: string, ok: (words: string[]) => boolean): boolean {
  let calls = 0;
  const other = some(parseScript(script), (words) => {
    if (gitguardAt(words) < 0) return false;
    calls += 1;
    return !ok(words);
  });
  return calls > 0 && !other;
}

/**
 * Whether a `run:` gate step keeps its gate after restores under plain folders of the workspace only
 * (action-writes.ts `plain`: `target/`, `.venv`, `dist/`, none npm's lookup reads): it runs at the
 * workspace's root (`folder` ''), no checkout file runs before its audit (`before` empty: one the
 * commit lacks may be a restored one), and each of its commands naming gitguard calls gitguard by its
 * name (npx looks in `node_modules/.bin` from there up and in its own cache, a name on PATH in PATH's
 * folders: none restored) on the repository it runs in, naming no path of the workspace (namesNoPath).
 */
export function plainRestoreKeeps(script: string, folder: string | null, before: readonly Earlier[]): boolean {
  if (folder !== '' || runsFiles(before)) return false;
  return eachCall(script, (words) => direct(words) && !namesPath(words));
}

/** Whether a command naming gitguard names a path of the workspace in its arguments (audit-options.ts namesNoPath). */
const namesPath = (words: readonly string[]): boolean => !namesNoPath(callArgs(words));

/** `path` from workspace folder `from`, normalized; undefined where it leaves the workspace or cannot be placed. */
function placed(path: string, from: string): string | undefined {
  if (/[$`*?[\\~]/.test(path) || path.startsWith('/')) return undefined;
  const joined = posix.normalize(posix.join(from || '.', path)).replace(/\/+$/, '');
  return joined === '.' ? '' : joined === '..' || joined.startsWith('../') ? undefined : joined;
}

/** Whether `a` is `b` or a folder above it ('' the root). */
const atOrAbove = (a: string, b: string): boolean => a === '' || a === b || b.startsWith(`${a}/`);

/** A path a direct call reads by name (`-C app`, `--baseline f`): from the root, as given (its `..` not yet climbed). */
export interface CallRead {
  path: string;
  /** Whether it names the repository opened (git's discovery climbs from it) rather than a file. */
  repo: boolean;
}

/**
 * The paths the direct calls in `script` (begun in `folder`) read by name: a file option's file, the
 * repository it opens (`-C dir`), each joined to the folder the call runs in; true where one cannot be
 * placed (a variable, absolute, out of the workspace, a folder not known).
 */
export function directCallReads(script: string, folder: string | null): CallRead[] | true {
  const out: CallRead[] = [];
  for (const [words, from] of commandFolders(script, folder)) {
    if (!direct(words) || !namesPath(words)) continue;
    if (from === null) return true;
    const { repos, files } = namedPaths(callArgs(words));
    for (const [paths, repo] of [
      [repos, true],
      [files, false],
    ] as const)
      for (const path of paths) {
        if (placed(path, from) === undefined) return true;
        out.push({ path: from ? `${from}/${path}` : path, repo });
      }
  }
  return out;
}

/**
 * Whether a told write (`written`, workspace paths) may be what a direct call in `script` (begun in
 * `folder`) reads by a path it names (directCallReads), by the paths as told: a file option's file or
 * a folder above it (`--baseline base.json` written in the run excuses what it lists); the repository
 * it opens (`-C dir`): that folder or one above it replaced, or a `.git` written in it or above it,
 * which git's discovery climbs to. A read it cannot place: any write. The commit's links may still
 * lead a write to one (collect/read-reach.ts).
 */
export function directCallReadsWritten(script: string, written: readonly string[], folder: string | null): boolean {
  if (!written.length) return false;
  const reads = directCallReads(script, folder);
  if (reads === true) return true;
  return reads.some(({ path, repo }) => {
    const p = placed(path, '')!;
    return written.some((w) => {
      if (atOrAbove(w, p)) return true;
      // A `.git` in the folder or one above it: `x/.git`, or a path inside it.
      const git = repo ? /^(?:(.*)\/)?\.git(?:\/|$)/.exec(w) : null;
      return !!git && atOrAbove(git[1] ?? '', p);
    });
  });
}

/**
 * Whether a `run:` gate step keeps its gate after npm's cache was restored (action-writes.ts
 * restoresNpmCache): each of its commands naming gitguard calls it by name through npx or `npm exec`
 * given a fresh cache (`npx --cache "$(mktemp -d)" gitguard audit`), which reads nothing of
 * `~/.npm` and fetches the package from the registry, its tarball checked against the packument's
 * integrity. Any other call (`npx gitguard`, a `--prefer-online` one, gitguard from PATH, a script)
 * may run what the restore put in `~/.npm/_npx` or in the cached packument and tarball.
 */
export const freshCacheKeeps = (script: string): boolean =>
  eachCall(script, (words) => {
    return direct(words) && withoutFreshCache(words.slice(0, gitguardAt(words))).fresh;
  });

/** Whether `script` calls gitguard itself by name as a check in one of its commands (direct). */
export const callsGitguardDirectly = (script: string): boolean => some(parseScript(script), direct);
