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
  let scripts: Record<string, unknown> = {};
  try {
    const json = o && o !== 'tree' ? (JSON.parse(o.text) as { scripts?: unknown }) : undefined;
    if (!json) return { script: 'false' };
    if (json.scripts && typeof json.scripts === 'object') scripts = json.scripts as Record<string, unknown>;
  } catch {
    return { script: 'false' }; // npm refuses a package.json that is no JSON
  }
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

/**
 * What a package-script runner runs, as one shell script that fails when any part fails, as the runner
 * does: `run-s a b`, `run-p a b`, `npm-run-all a b` (each a package script: `npm run a && npm run b`) and
 * `concurrently "npm:a" "cmd"`. undefined: no such runner; 'unfollowed': an option that lets a failed
 * part pass or race (`--continue-on-error`, `--race`, `--success first`, `--kill-others`), a glob of
 * script names, arguments passed on, or anything else this reading does not model.
 */
export function scriptRunner(name: string, args: readonly string[]): { script: string } | 'unfollowed' | undefined {
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
    if (a.startsWith('-') || /[$`*?[\]{}]/.test(a)) return 'unfollowed';
    const npm = runAll ? a : /^(?:npm|yarn|pnpm|bun):(.+)$/.exec(a)?.[1];
    parts.push(npm !== undefined ? `npm run ${quote(npm)}` : `sh -c ${quote(a)}`);
  }
  return parts.length ? { script: parts.join(' && ') } : 'unfollowed';
}
