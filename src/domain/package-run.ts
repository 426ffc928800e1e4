// `npm run gate`, `npm test`, `pnpm gate`, `yarn gate` in a CI step as the package managers run them
// (domain/checkout-runs.ts): the package.json at the commit, the script's `pre`/`post` hooks around
// it (npm and yarn 1; none with --ignore-scripts), each as its own `sh -c script`: the hooks and the
// script are one shell script the shell reading runs (`sh -c 'pre' && sh -c 'gate' && sh -c 'post'`).
// A missing script fails (passes with --if-present). Workspaces, filters, another folder by a
// variable, or a package manager's script shell set in .npmrc / .yarnrc are 'unfollowed': no gate.
import { posix } from 'node:path';
import { quote, type FileAt } from './shell-state.js';
import { repoPath } from './ci-words.js';

/** Each manager's commands that are no package script (`pnpm install`, `yarn add`): not followed here. */
const BUILTINS: Record<string, Set<string>> = {
  npm: new Set(),
  pnpm: new Set(
    'install i add remove rm update up exec dlx why list ls store publish pack audit outdated import link unlink prune rebuild rb root bin config setup env init create fetch patch deploy licenses server doctor recursive help install-test it cache'.split(
      ' ',
    ),
  ),
  yarn: new Set(
    'install add remove upgrade up exec dlx why info config cache global workspaces workspace init pack publish version audit npm set plugin node bin create link unlink import list login logout outdated owner policies tag team licenses generate-lock-entry check autoclean help'.split(
      ' ',
    ),
  ),
};
const NPM_SCRIPTS: Record<string, string> = { test: 'test', t: 'test', tst: 'test', start: 'start', stop: 'stop' };
/** Options that pick other packages (workspaces, filters) or folders: not followed. */
const ELSEWHERE = /^(?:-w|-ws|-r|-F|--workspaces?(?:=.*)?|--recursive|--filter(?:=.*)?|--include-workspace-root)$/;
const FOLDER = /^(?:--prefix|-C|--dir|--cwd)$/;

/**
 * The shell script `tool args` (npm, pnpm, yarn) runs in folder `dir`; undefined: no package script
 * (an install, `npx`, `pnpm exec`); 'unread': a file still to be read.
 */
export function packageScript(
  tool: string,
  args: readonly string[],
  read: (p: string) => FileAt,
  dir: string,
): { script: string } | 'unfollowed' | 'unread' | undefined {
  let cwd: string | undefined = dir;
  const words: string[] = [];
  const extra: string[] = [];
  let ifPresent = false;
  let ignoreScripts = false;
  for (let k = 0; k < args.length; k += 1) {
    const a = args[k]!;
    if (a === '--') {
      extra.push(...args.slice(k + 1));
      break;
    }
    if (ELSEWHERE.test(a)) return 'unfollowed';
    const eq = a.indexOf('=');
    if (FOLDER.test(a) || (eq > 0 && FOLDER.test(a.slice(0, eq)))) {
      const v = eq > 0 ? a.slice(eq + 1) : args[(k += 1)];
      cwd = v === undefined || /[$`]/.test(v) || cwd === undefined ? undefined : folderOf(v, cwd);
      if (cwd === undefined) return 'unfollowed';
    } else if (a === '--if-present') ifPresent = true;
    else if (a === '--ignore-scripts') ignoreScripts = true;
    else if (!a.startsWith('-')) words.push(a);
    else if (words.length >= (tool === 'npm' || words[0] === 'run' ? 2 : 1)) extra.push(a);
  }
  const [sub, next] = words;
  let name: string | undefined;
  if (sub === 'run' || sub === 'run-script' || sub === 'rum' || sub === 'urn') name = next;
  else if (sub !== undefined && NPM_SCRIPTS[sub]) name = NPM_SCRIPTS[sub];
  else if (tool !== 'npm' && sub !== undefined && !BUILTINS[tool]!.has(sub)) name = sub;
  else return undefined;
  if (name === undefined) return { script: ':' }; // lists the scripts
  if (/[$`]/.test(name)) return 'unfollowed';
  for (const rc of ['.npmrc', '.yarnrc', '.yarnrc.yml'])
    for (const at of new Set([cwd, ''])) {
      const o = read(posix.join(at || '.', rc));
      if (o === undefined) return 'unread';
      if (o === 'unreadable' || (o && o !== 'tree' && /script-shell|shell-emulator|scriptShell/i.test(o.text)))
        return 'unfollowed';
    }
  const o = read(posix.join(cwd || '.', 'package.json'));
  if (o === undefined) return 'unread';
  if (o === 'unreadable') return 'unfollowed';
  const scripts = o && o !== 'tree' ? scriptsOf(o.text) : undefined;
  if (!scripts) return { script: 'false' }; // npm refuses a package.json that is no JSON
  const script = (n: string): string | undefined => {
    const v = Object.prototype.hasOwnProperty.call(scripts, n) ? scripts[n] : undefined;
    return typeof v === 'string' ? v : undefined;
  };
  const main = script(name);
  if (main === undefined) return { script: ifPresent ? ':' : 'false' };
  const hooks = !ignoreScripts && tool !== 'pnpm';
  const parts = [
    hooks ? script(`pre${name}`) : undefined,
    [main, ...extra.map(quote)].join(' '),
    hooks ? script(`post${name}`) : undefined,
  ];
  return { script: parts.flatMap((p) => (p === undefined ? [] : [`sh -c ${quote(p)}`])).join(' && ') };
}

/** A package.json's scripts (none: `{}`); undefined: no JSON object, which npm refuses. */
export function scriptsOf(text: string): Record<string, unknown> | undefined {
  try {
    const json = JSON.parse(text) as { scripts?: unknown } | null;
    if (!json) return undefined;
    return json.scripts && typeof json.scripts === 'object' ? (json.scripts as Record<string, unknown>) : {};
  } catch {
    return undefined;
  }
}

function folderOf(v: string, cwd: string): string | undefined {
  return posix.normalize(posix.join(cwd || '.', v)) === '.' ? '' : repoPath(v, cwd);
}

/** npm-run-all's and concurrently's options that leave it failing when a script it runs fails (with their values). */
const RUN_ALL_FLAGS = new Set(['-s', '-p', '-l', '-n', '--sequential', '--serial', '--parallel', '--silent']);
RUN_ALL_FLAGS.add('--print-label').add('--print-name').add('--aggregate-output');
const RUN_ALL_VALUED = new Set(['--max-parallel']);
const CONCURRENTLY_FLAGS = new Set(['-r', '--raw', '-g', '--group', '--timings', '--kill-others-on-fail']);
const CONCURRENTLY_VALUED = new Set([
  '-n',
  '--names',
  '-c',
  '--prefix-colors',
  '-p',
  '--prefix',
  '-m',
  '--max-processes',
]);

/** Segments of a glob or script name matched (deeper is read as no match: the matcher recurses); parts a runner's globs may expand to. */
const MAX_SEGMENTS = 32;
const MAX_PARTS = 256;

/** One segment against a pattern of `*` and `?` (two pointers, at most length x length steps: no regex to backtrack). */
function segmentMatches(p: string, s: string): boolean {
  let [i, j, star, mark] = [0, 0, -1, 0];
  while (j < s.length) {
    if (i < p.length && (p[i] === '?' || p[i] === s[j])) [i, j] = [i + 1, j + 1];
    else if (i < p.length && p[i] === '*') [star, mark, i] = [i, j, i + 1];
    else if (star >= 0) [i, mark, j] = [star + 1, mark + 1, mark + 1];
    else return false;
  }
  while (p[i] === '*') i += 1;
  return i === p.length;
}

/**
 * A script name's segments against a pattern's (`**` any number of segments), each pair tried once.
 * `dots`: as minimatch, no wildcard matches a segment starting with `.` unless the pattern's does.
 */
function segmentsMatch(ps: readonly string[], ss: readonly string[], dots = false): boolean {
  const seen = new Set<number>();
  const hidden = (p: string, s: string): boolean => dots && s.startsWith('.') && !p.startsWith('.');
  const at = (i: number, j: number): boolean => {
    if (i === ps.length) return j === ss.length;
    const key = i * (ss.length + 1) + j;
    if (seen.has(key)) return false;
    seen.add(key);
    if (ps[i] === '**') return at(i + 1, j) || (j < ss.length && !hidden('', ss[j]!) && at(i, j + 1));
    return j < ss.length && !hidden(ps[i]!, ss[j]!) && segmentMatches(ps[i]!, ss[j]!) && at(i + 1, j + 1);
  };
  return at(0, 0);
}

/**
 * The package scripts an npm-run-all pattern names, in package.json's order, as npm-run-all matches
 * them (minimatch with `:` read as `/`): `*` and `?` stay inside one segment, `**` spans any number
 * (`lint:*` runs `lint:js`, not `lint:js:fix`), no wildcard matches a segment starting with `.`
 * (`audit:*` does not run `audit:.gate`). undefined: no script list, no match (npm-run-all fails:
 * "Task not found"), a glob it is not read for (`[...]`, `{...}`, `!`, `#`, `*(...)`, a space), or
 * a script minimatch may judge otherwise (an empty, `.` or `..` segment, a trailing `**` met by no
 * segment, a name too deep): a script run unread, or a gate read that does not run, both mislead.
 */
function runAllMatches(pattern: string, list: (() => readonly string[] | undefined) | undefined): string[] | undefined {
  if (!/[*?]/.test(pattern)) return [pattern];
  const ps = pattern.split(':');
  const scripts = list?.();
  if (!scripts || /[$`[\]{}()!\\/\s]|^#/.test(pattern) || ps.length > MAX_SEGMENTS) return undefined;
  const names = scripts.map((n) => n.split(':'));
  if (names.some((ss) => ss.length > MAX_SEGMENTS)) return undefined;
  // Read without the dot rule, the matcher takes every name minimatch may take.
  const loose = names.filter((ss) => segmentsMatch(ps, ss));
  const unsure = (ss: readonly string[]): boolean =>
    ss.some((x) => x === '' || x === '.' || x === '..') || (ps.at(-1) === '**' && segmentsMatch(ps.slice(0, -1), ss));
  if (loose.some(unsure)) return undefined;
  const hits = loose.filter((ss) => segmentsMatch(ps, ss, true));
  return hits.length ? hits.map((ss) => ss.join(':')) : undefined;
}

/**
 * The package scripts concurrently's `npm:<pattern>` runs (its expand-wildcard): the first `*` stands
 * for any text, `:` included (`npm:lint:*` runs `lint:js` and `lint:js:fix`), the rest is literal.
 * None: a glob it is not read for (an omission `(!x)`, a second `*`, another special) or that matches
 * no script of the list (or no list); a name without `*` is run as written.
 */
function concurrentlyMatches(pattern: string, list: (() => readonly string[] | undefined) | undefined): string[] {
  const star = pattern.indexOf('*');
  if (star < 0) return /[$`?[\]{}]/.test(pattern) ? [] : [pattern];
  const [pre, post] = [pattern.slice(0, star), pattern.slice(star + 1)];
  if (/[$`*?[\]{}()!\\\s]/.test(pre + post)) return [];
  return (list?.() ?? []).filter((n) => n.length >= pre.length + post.length && n.startsWith(pre) && n.endsWith(post));
}

/**
 * What a package-script runner runs, as one shell script that fails when any part fails, as the runner
 * does: `run-s a b`, `run-p a b`, `npm-run-all a b` (each a package script: `npm run a && npm run b`;
 * a glob `lint:*` each script it matches among `scripts()`, the script names of package.json in the folder) and
 * `concurrently "npm:a" "cmd"`. undefined: no such runner; 'unfollowed': an option that lets a failed
 * part pass or race (`--continue-on-error`, `--race`, `--success first`, `--kill-others`), a glob with
 * no script list or no match, arguments passed on, or anything else this reading does not model.
 */
export function scriptRunner(
  name: string,
  args: readonly string[],
  scripts?: () => readonly string[] | undefined,
): { script: string } | 'unfollowed' | undefined {
  const tool = name.slice(name.lastIndexOf('/') + 1);
  const runAll = tool === 'run-s' || tool === 'run-p' || tool === 'npm-run-all';
  if (!runAll && tool !== 'concurrently') return undefined;
  const parts: string[] = [];
  for (let k = 0; k < args.length; k += 1) {
    const a = args[k]!;
    const [flags, valued] = runAll ? [RUN_ALL_FLAGS, RUN_ALL_VALUED] : [CONCURRENTLY_FLAGS, CONCURRENTLY_VALUED];
    if (flags.has(a)) continue;
    if (valued.has(a)) {
      k += 1;
      continue;
    }
    if (a.startsWith('-')) return 'unfollowed';
    if (runAll) {
      const hits = runAllMatches(a, scripts);
      if (!hits || parts.length + hits.length > MAX_PARTS) return 'unfollowed';
      parts.push(...hits.map((n) => `npm run ${quote(n)}`));
      continue;
    }
    const npm = /^(?:npm|yarn|pnpm|bun):(.+)$/.exec(a)?.[1];
    const hits = npm === undefined ? undefined : concurrentlyMatches(npm, scripts);
    if (hits === undefined ? /[$`*?[\]{}]/.test(a) : !hits.length || parts.length + hits.length > MAX_PARTS)
      return 'unfollowed';
    parts.push(...(hits ? hits.map((n) => `npm run ${quote(n)}`) : [`sh -c ${quote(a)}`]));
  }
  return parts.length ? { script: parts.join(' && ') } : 'unfollowed';
}
