// `make [goal]` in a CI step as make runs it (domain/checkout-runs.ts): the makefile read at the commit,
// the goal's prerequisites first, then each recipe line as its own `/bin/sh -c line`; make stops at
// the first line that fails unless the line has a `-` prefix, the target is in `.IGNORE`, or `-i`
// (on the command line or in MAKEFLAGS) is given. The recipe becomes one shell script the shell
// reading runs: `sh -c 'line1' && (sh -c 'line2' || :)`. An `include` of files named literally
// that the checkout holds is read in their place, as make reads them. Anything this reading does not
// model (an include by a variable or a glob, or of a file not there, which make looks for elsewhere;
// conditionals, functions, pattern rules, a variable it cannot give a value, an up-to-date target
// whose prerequisites are files) is 'unfollowed': no gate.
import { posix } from 'node:path';
import { quote, type FileAt } from './shell-state.js';
import { base, SHELLS } from './gitguard-call.js';
import { repoPath } from './ci-words.js';
import { MAKEFILES } from './makefiles.js';

/** The script make runs, or why none is known. */
type Answer = { script: string } | 'unfollowed' | 'unread';

/** Options that stop recipes from running (print, question, touch). */
const NO_RUN = new Set(['n', 'q', 't', '--just-print', '--dry-run', '--recon', '--question', '--touch']);
/** Options with no effect on whether a failed line fails make. */
const PLAIN_LONG = new Set(['--keep-going', '--silent', '--quiet', '--no-print-directory', '--print-directory']);
/** make's lines that this reading does not model. */
const UNMODELLED =
  /^(?:-?include|sinclude|ifeq|ifneq|ifdef|ifndef|else|endif|define|endef|vpath|unexport|\.RECIPEPREFIX|\.ONESHELL|\.SECONDEXPANSION|\$)/;
const ASSIGNMENT = /^(?:(?:override|export|private)\s+)*([A-Za-z_.][\w.-]*)\s*(::?=|:::=|[?+!]?=)\s*(.*)$/;

/** MAKEFLAGS-like words that ignore errors (`-i`, `ki`, `--ignore-errors`) or stop recipes; undefined: neither. */
function flagEffect(words: readonly string[]): 'ignore' | 'none' | 'noRun' | undefined {
  let out: 'ignore' | 'noRun' | undefined;
  for (const [k, w] of words.entries()) {
    if (w === '--ignore-errors') out ??= 'ignore';
    if (NO_RUN.has(w)) out = 'noRun';
    if ((k === 0 || w.startsWith('-')) && /^-?[a-zA-Z]+$/.test(w) && !w.startsWith('--')) {
      if (/[nqt]/.test(w.replace(/^-/, ''))) out = 'noRun';
      else if (w.includes('i')) out ??= 'ignore';
    }
  }
  return out;
}

interface Rule {
  deps: string[];
  recipe: Array<{ line: string; ignore: boolean }>;
  fresh: boolean;
}

/**
 * The shell script `make args` runs in folder `dir` (see the module's head); `read` gives the checkout's
 * files, `env` the step's variables. 'unread': a file still to be read.
 */
export function makeScript(
  args: readonly string[],
  read: (p: string) => FileAt,
  dir: string,
  env: ReadonlyMap<string, string>,
): Answer {
  const cmdVars = new Map<string, string>();
  const goals: string[] = [];
  const dirs: string[] = [];
  const files: string[] = [];
  let ignoreAll = false;
  for (let k = 0; k < args.length; k += 1) {
    const a = args[k]!;
    const assign = /^([A-Za-z_][\w.-]*):*=(.*)$/s.exec(a);
    if (assign) cmdVars.set(assign[1]!, assign[2]!);
    else if (a.startsWith('--')) {
      const [o, v] = [a.split('=')[0]!, a.includes('=') ? a.slice(a.indexOf('=') + 1) : args[k + 1]];
      if (NO_RUN.has(o)) return { script: ':' };
      if (o === '--ignore-errors') ignoreAll = true;
      else if (o === '--directory' || o === '--file' || o === '--makefile') {
        if (v === undefined) return 'unfollowed';
        (o === '--directory' ? dirs : files).push(v);
        if (!a.includes('=')) k += 1;
      } else if (!PLAIN_LONG.has(o) && !/^--jobs(?:=\d+)?$/.test(a)) return 'unfollowed';
    } else if (a.startsWith('-') && a.length > 1) {
      for (let j = 1; j < a.length; j += 1) {
        const c = a[j]!;
        if ('CfIoW'.includes(c)) {
          const v = j + 1 < a.length ? a.slice(j + 1) : args[(k += 1)];
          if (v === undefined) return 'unfollowed';
          if (c === 'C') dirs.push(v);
          if (c === 'f') files.push(v);
          break;
        }
        if (c === 'j' || c === 'l') {
          if (j + 1 === a.length && /^\d+$/.test(args[k + 1] ?? '')) k += 1;
          break;
        }
        if ('nqt'.includes(c)) return { script: ':' };
        if (c === 'i') ignoreAll = true;
        else if (!'ksBwrRS'.includes(c)) return 'unfollowed';
      }
    } else goals.push(a);
  }
  const flags = flagEffect((cmdVars.get('MAKEFLAGS') ?? env.get('MAKEFLAGS') ?? '').trim().split(/\s+/));
  if (flags === 'noRun') return { script: ':' };
  if (flags === 'ignore') ignoreAll = true;
  let cwd: string | undefined = dir;
  for (const d of dirs)
    cwd =
      cwd === undefined || /[$`]/.test(d)
        ? undefined
        : (repoPath(d, cwd) ?? (posix.normalize(posix.join(cwd || '.', d)) === '.' ? '' : undefined));
  if (cwd === undefined || files.length > 1 || files.some((f) => /[$`]/.test(f))) return 'unfollowed';
  const at = (p: string): string | undefined => (p === '.' ? '' : repoPath(p, cwd));
  let text: string | undefined;
  for (const f of files.length ? files : MAKEFILES) {
    const path = at(f);
    if (path === undefined) return 'unfollowed';
    const o = read(path);
    if (o === undefined) return 'unread';
    if (o === 'unreadable') return 'unfollowed';
    if (o && o !== 'tree') {
      text = o.text;
      break;
    }
    if (files.length) return { script: 'false' }; // make: the makefile named is not there
  }
  if (text === undefined) return { script: 'false' }; // no makefile: make fails
  const whole = withIncludes(text, read, at, 0);
  if (!Array.isArray(whole)) return whole;
  return recipeScript(whole.join('\n'), goals, { cmdVars, env, ignoreAll, exists: (t) => exists(read, at(t)) });
}

/** How deep included makefiles are followed (each read counts against the checkout's file limit too). */
const MAX_INCLUDE_DEPTH = 8;
const INCLUDE = /^\s*(?:-|s)?include\s+(.*)$/;

/**
 * The makefile with each `include` (`-include`, `sinclude`) line replaced by the text of the files it
 * names, found from make's folder as make looks first. Any other name (a variable, a glob, an absolute
 * path, a file not in the checkout that make may find in its include folders or remake) is 'unfollowed';
 * so is a makefile with a rule for a file it includes (make would remake it and read that instead).
 */
function withIncludes(
  text: string,
  read: (p: string) => FileAt,
  at: (p: string) => string | undefined,
  depth: number,
): string[] | 'unfollowed' | 'unread' {
  const lines = text.split(/\r?\n/);
  const out: string[] = [];
  const included: string[] = [];
  for (const [i, line] of lines.entries()) {
    const m = line.startsWith('\t') || lines[i - 1]?.endsWith('\\') ? null : INCLUDE.exec(line);
    if (!m) {
      out.push(line);
      continue;
    }
    if (depth >= MAX_INCLUDE_DEPTH) return 'unfollowed';
    const names = m[1]!
      .replace(/(?<!\\)#.*$/, '')
      .trim()
      .split(/\s+/)
      .filter(Boolean);
    for (const name of names) {
      const path = /[$`*?[\]{}\\%]/.test(name) ? undefined : at(name);
      if (path === undefined) return 'unfollowed';
      const o = read(path);
      if (o === undefined) return 'unread';
      if (!o || typeof o !== 'object') return 'unfollowed';
      const inner = withIncludes(o.text, read, at, depth + 1);
      if (!Array.isArray(inner)) return inner;
      included.push(path);
      out.push(...inner);
    }
  }
  // A rule whose target is an included file (or a pattern rule, which may be one): make would remake
  // the file before reading it.
  const remade = (l: string): boolean =>
    !l.startsWith('\t') &&
    l.includes(':') &&
    l
      .split(/[:=]/)[0]!
      .trim()
      .split(/\s+/)
      .some((t) => t.includes('%') || included.includes(at(t) ?? ''));
  return included.length && out.some(remade) ? 'unfollowed' : out;
}

const exists = (read: (p: string) => FileAt, path: string | undefined): boolean | 'unread' => {
  if (path === undefined) return false;
  const o = read(path);
  return o === undefined ? 'unread' : o !== null;
};

interface Context {
  cmdVars: ReadonlyMap<string, string>;
  env: ReadonlyMap<string, string>;
  ignoreAll: boolean;
  exists: (target: string) => boolean | 'unread';
}

function recipeScript(text: string, goals: readonly string[], ctx: Context): Answer {
  const rules = new Map<string, Rule>();
  const vars = new Map<string, string | undefined>();
  const phony = new Set<string>();
  const ignored = new Set<string>();
  let ignoreAll = ctx.ignoreAll;
  let first: string | undefined;
  let current: Rule[] | undefined;
  let shellFlags = '-c';
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i += 1) {
    let line = lines[i]!;
    if (line.startsWith('\t') && current) {
      let cmd = line.slice(1);
      while (cmd.endsWith('\\') && i + 1 < lines.length) cmd = `${cmd}\n${lines[(i += 1)]!.replace(/^\t/, '')}`;
      const prefix = /^[@+\-\s]*/.exec(cmd)![0];
      for (const r of current) {
        if (r.fresh) r.recipe = [];
        r.fresh = false;
        r.recipe.push({ line: cmd.slice(prefix.length), ignore: prefix.includes('-') });
      }
      continue;
    }
    while (line.endsWith('\\') && i + 1 < lines.length) line = `${line.slice(0, -1)} ${lines[(i += 1)]!.trimStart()}`;
    line = line.replace(/(?<!\\)#.*$/, '');
    if (!line.trim()) continue; // a blank or comment line does not end a recipe
    if (line.startsWith('\t')) return 'unfollowed'; // a recipe before any rule: make refuses the file
    current = undefined;
    const t = line.trim();
    if (UNMODELLED.test(t)) return 'unfollowed';
    const a = ASSIGNMENT.exec(t);
    if (a) {
      const [name, op, value] = [a[1]!, a[2]!, a[3]!.trim()];
      if (name === 'SHELL' && !SHELLS.has(base(value))) return 'unfollowed';
      if (name === '.SHELLFLAGS') shellFlags = value;
      if (['MAKEFLAGS', 'MFLAGS', 'GNUMAKEFLAGS'].includes(name)) {
        const f = flagEffect(value.split(/\s+/));
        if (f === 'noRun' || /[$`]/.test(value)) return 'unfollowed';
        if (f === 'ignore') ignoreAll = true;
      }
      if (ctx.cmdVars.has(name)) continue; // the command line's value wins
      if (op === '!=') vars.set(name, undefined);
      else if (op === '?=') {
        if (!vars.has(name) && !ctx.env.has(name)) vars.set(name, value);
      } else if (op === '+=') {
        const had = vars.has(name) ? vars.get(name) : ctx.env.get(name);
        vars.set(name, had === undefined && vars.has(name) ? undefined : `${had ?? ''} ${value}`.trim());
      } else vars.set(name, value);
      continue;
    }
    const m = ruleLine(t);
    if (!m) return 'unfollowed';
    const [deps, inline] = m[3].includes(';')
      ? [m[3].slice(0, m[3].indexOf(';')), m[3].slice(m[3].indexOf(';') + 1)]
      : [m[3], undefined];
    if (deps.includes('=')) return 'unfollowed'; // a target-specific variable
    const targets = m[1].trim().split(/\s+/);
    const prereqs = deps.trim() ? deps.trim().split(/\s+/) : [];
    if (targets.some((x) => /[%$]/.test(x))) {
      current = [{ deps: [], recipe: [], fresh: true }]; // a pattern rule: a goal it may make is not followed
      for (const g of goals) if (!rules.has(g)) return 'unfollowed';
      continue;
    }
    if (targets.includes('.PHONY')) for (const p of prereqs) phony.add(p);
    if (targets.includes('.IGNORE')) {
      if (!prereqs.length) ignoreAll = true;
      for (const p of prereqs) ignored.add(p);
    }
    current = [];
    for (const target of targets) {
      if (!target.startsWith('.')) first ??= target;
      const r = rules.get(target) ?? { deps: [], recipe: [], fresh: true };
      r.deps.push(...prereqs);
      r.fresh = m[2] === ':';
      if (m[2] === '::') r.fresh = false;
      rules.set(target, r);
      current.push(r);
    }
    if (inline !== undefined)
      for (const r of current) {
        r.recipe = r.fresh ? [] : r.recipe;
        r.fresh = false;
        r.recipe.push({ line: inline.trim().replace(/^[@+-]+/, ''), ignore: /^[@+]*-/.test(inline.trim()) });
      }
  }
  const goal = goals.length ? goals : [vars.get('.DEFAULT_GOAL') ?? first];
  const flags = shellFlags.trim().split(/\s+/);
  if (flags[flags.length - 1] !== '-c' || flags.slice(0, -1).some((f) => !/^-[euxo]+$|^pipefail$/.test(f)))
    return 'unfollowed';
  const out: string[] = [];
  const done = new Set<string>();
  let failed: Answer | undefined;
  const expand = (s: string, target: string, deps: readonly string[], depth: number): string | undefined => {
    if (depth > 8) return undefined;
    let r = '';
    for (let i = 0; i < s.length; i += 1) {
      if (s[i] !== '$') {
        r += s[i];
        continue;
      }
      const c = s[(i += 1)];
      if (c === '$') r += '$';
      else if (c === '@') r += target;
      else if (c === '<') r += deps[0] ?? '';
      else if (c === '^' || c === '+') r += deps.join(' ');
      else if (c === '(' || c === '{') {
        const close = s.indexOf(c === '(' ? ')' : '}', i);
        const name = close < 0 ? '' : s.slice(i + 1, close);
        if (!/^[A-Za-z_][\w.-]*$/.test(name)) return undefined; // a function or a nested reference
        i = close;
        if (name === 'MAKE') r += 'make';
        else {
          const v = ctx.cmdVars.get(name) ?? (vars.has(name) ? vars.get(name) : ctx.env.get(name));
          const e = v === undefined ? undefined : expand(v, target, deps, depth + 1);
          if (e === undefined) return undefined;
          r += e;
        }
      } else return undefined;
    }
    return r;
  };
  const visit = (target: string | undefined, depth: number): void => {
    if (failed !== undefined) return;
    if (target === undefined || depth > 32)
      return void (failed = target === undefined ? { script: 'false' } : 'unfollowed');
    if (done.has(target)) return;
    done.add(target);
    const rule = rules.get(target);
    const there = phony.has(target) ? false : ctx.exists(target);
    if (there === 'unread') return void (failed = 'unread');
    if (!rule) {
      if (!there) out.push('false'); // no rule to make it: make fails
      return;
    }
    for (const d of rule.deps) visit(d, depth + 1);
    if (there) {
      // Up to date unless a prerequisite is newer: with none, its recipe does not run; with files, unknown.
      if (!rule.deps.length) return;
      if (rule.deps.every((d) => !rules.has(d) || (ctx.exists(d) === true && !phony.has(d))))
        return void (failed = 'unfollowed');
    }
    for (const { line, ignore } of rule.recipe) {
      const cmd = expand(line, target, rule.deps, 0);
      if (cmd === undefined) return void (failed = 'unfollowed');
      const sh = `sh ${flags.map(quote).join(' ')} ${quote(cmd)}`;
      out.push(ignore || ignoreAll || ignored.has(target) ? `(${sh} || :)` : sh);
    }
  };
  for (const g of goal) visit(g, 0);
  return failed ?? { script: out.join(' && ') || ':' };
}

/**
 * A rule line `targets : prereqs` (or `::`) as [line, targets, separator, rest], read by index: the
 * expression `^([^:=]+?)\s*(::?)(?!=)\s*(.*)$` it stands for took time quadratic in a run of spaces.
 */
function ruleLine(t: string): [string, string, string, string] | undefined {
  let c = 0;
  while (c < t.length && t[c] !== ':' && t[c] !== '=') c += 1;
  if (c === 0 || t[c] !== ':' || t.includes('\n')) return undefined;
  const sep = t[c + 1] === ':' && t[c + 2] !== '=' ? '::' : ':';
  if (sep === ':' && t[c + 1] === '=') return undefined;
  return [t, t.slice(0, c).trimEnd(), sep, t.slice(c + sep.length).trimStart()];
}
