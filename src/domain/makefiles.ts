// A Makefile as the CI gate's chain reads it (domain/ci-commands.ts): the recipes a goal runs, the
// part of the file a chain reads, and the make files read before it.
import { posix } from 'node:path';

export const MAKEFILES = ['GNUmakefile', 'makefile', 'Makefile'];

/** A file make reads: one of MAKEFILES, or a `.mk` one a Makefile includes or `make -f` names. */
export const isMakeFile = (path: string): boolean => MAKEFILES.includes(posix.basename(path)) || path.endsWith('.mk');

/**
 * A Makefile's recipe lines for `goals` and what they depend on (all of them: every recipe line),
 * make's `$(NAME)` written as the shell's `${NAME}`, so that the values makeAssignments gives are
 * written in (`$(GG) audit` with `GG = npx gitguard`); `$$(...)` is the shell's own.
 */
export function makeRecipes(text: string, goals: readonly string[] | undefined): string[] {
  const make = readMakefile(text);
  const shell = (lines: string[]): string[] => lines.map((l) => l.replace(/(?<!\$)\$\(([A-Za-z_]\w*)\)/g, '${$1}'));
  // A goal no rule names plainly (a pattern rule, a variable): all of it.
  if (!goals || make.unplain || goals.some((g) => !make.rules.has(g))) return shell(make.recipes);
  const out: string[] = [];
  reachedRules(make, goals, (_, r) => {
    if (r) out.push(...r.recipe);
  });
  return shell(out);
}

/** A make variable's assignment (`GG = npx gitguard`, `:=`, `::=`, `?=`, `+=`, `!=`, `override`/`export` before). */
const MAKE_ASSIGNMENT = /^(?:(?:override|export|private)[ \t]+)*([A-Za-z_][\w.-]*)[ \t]*(?::{1,3}|[?+!])?=[ \t]*(.*)$/;

/** The variables a make file assigns outside recipes, with their values as written (a comment taken off). */
export function makeAssignments(text: string): Array<[string, string]> {
  return text.split(/\r?\n/).flatMap((l): Array<[string, string]> => {
    const m = l.startsWith('\t') ? null : MAKE_ASSIGNMENT.exec(l);
    const value = m?.[2]!.replace(/(?<!\\)#.*$/, '').trim();
    return m && value ? [[m[1]!, value]] : [];
  });
}

/**
 * The make files `make` reads before `path` in its folder (GNUmakefile, then makefile, then
 * Makefile): one added there takes the gate's target over, so each is protected with it.
 */
export function shadowingMakefiles(path: string): string[] {
  const k = MAKEFILES.indexOf(posix.basename(path));
  const dir = posix.dirname(path);
  return MAKEFILES.slice(0, Math.max(k, 0)).map((m) => (dir === '.' ? m : `${dir}/${m}`));
}

/**
 * A Makefile rule's header: plain targets (no pattern, variable or special `.TARGET`) and what follows
 * the colon. No `\s*` before the colon: beside a lazy run that takes spaces too, it backtracked in time
 * quadratic in the line (2 million spaces: half an hour). The targets are split at spaces anyway.
 */
const PLAIN_RULE = /^([^:=#\t.%$][^:=#%$]*)(?:::|:)(?![:=])(.*)$/;

/** See chainPart: a Makefile's global lines and the rules the goals reach. */
export function makePart(text: string, goals: readonly string[]): string {
  const make = readMakefile(text);
  const reached: string[] = [];
  // A rule for a file the makefile includes is read too: make remakes that file before it reads it.
  const included = make.global.flatMap((l) => /^\s*(?:-|s)?include\s+(.*)$/.exec(l)?.[1]?.split(/\s+/) ?? []);
  const remade = included.flatMap((f) => (f ? [f, f.replace(/^(?:\.\/)+/, ''), `./${f}`] : []));
  reachedRules(make, [...goals, ...remade], (t, r) =>
    reached.push(make.phony.has(t) ? `${t} (phony)` : t, ...(r?.lines ?? ['(none)'])),
  );
  return JSON.stringify([make.global, reached]);
}

interface MakeRule {
  deps: string[];
  /** Its header and recipe lines as written, in order. */
  lines: string[];
  /** Its recipe's commands (the tab and the `@`, `+`, `-` prefixes taken off). */
  recipe: string[];
}

interface Makefile {
  /** The plain rules (PLAIN_RULE), by target. */
  rules: Map<string, MakeRule>;
  /** Every line that is no plain rule or its recipe (variables, include, conditionals, special and pattern rules). */
  global: string[];
  phony: Set<string>;
  /** Every recipe command of the file. */
  recipes: string[];
  /** A rule whose targets are a pattern or a variable: it may make any goal. */
  unplain: boolean;
}

/** Any rule header, plain or not. */
const ANY_RULE = /^([^:=#\t][^:=#]*)::?(?!=)/;

/** One reading of a Makefile for both the commands a goal runs (makeRecipes) and what of it counts (makePart). */
function readMakefile(text: string): Makefile {
  const make: Makefile = { rules: new Map(), global: [], phony: new Set(), recipes: [], unplain: false };
  let current: MakeRule[] | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (line.startsWith('\t')) {
      const cmd = line.replace(/^\t[@+-]*/, '');
      make.recipes.push(cmd);
      if (current) {
        for (const r of current) {
          r.lines.push(line);
          r.recipe.push(cmd);
        }
        continue;
      }
    } else {
      if (/[%$]/.test(ANY_RULE.exec(line)?.[1] ?? '')) make.unplain = true;
      if (!line.trim() && current) continue; // a blank line does not end a recipe
    }
    // A comment ending in a backslash comments out the next line too: counted as a global line.
    if (/^\s*#/.test(line) && !line.endsWith('\\')) continue;
    const p = /^\.PHONY\s*:([^;#=]*)$/.exec(line);
    if (p) {
      for (const t of p[1]!.split(/\s+/)) if (t) make.phony.add(t);
      current = undefined;
      continue;
    }
    const m = PLAIN_RULE.exec(line);
    if (!m || line.endsWith('\\')) {
      current = undefined;
      if (line.trim()) make.global.push(line);
      continue;
    }
    const deps = m[2]!
      .replace(/[;#].*$/, '')
      .split(/\s+/)
      .filter(Boolean);
    current = m[1]!
      .split(/\s+/)
      .filter(Boolean)
      .map((t) => {
        const r = make.rules.get(t) ?? { deps: [], lines: [], recipe: [] };
        r.deps.push(...deps);
        r.lines.push(line);
        make.rules.set(t, r);
        return r;
      });
  }
  return make;
}

/** Each target the goals reach through their prerequisites, once (at most 257), with its plain rule if any. */
function reachedRules(
  make: Makefile,
  goals: readonly string[],
  at: (target: string, rule: MakeRule | undefined) => void,
): void {
  const seen = new Set<string>();
  const visit = (t: string): void => {
    if (seen.has(t) || seen.size > 256) return;
    seen.add(t);
    const r = make.rules.get(t);
    at(t, r);
    for (const d of r?.deps ?? []) visit(d);
  };
  for (const g of goals) visit(g);
}

/**
 * The files a Makefile's `include`, `-include` and `sinclude` lines read, as commands that run each
 * whole (`. ci/gate.mk`): a goal may be defined there.
 */
export function makeIncludes(text: string): string[] {
  return text
    .split(/\r?\n/)
    .flatMap((l) => /^\s*(?:-|s)?include\s+(.*)$/.exec(l)?.[1]?.split(/\s+/) ?? [])
    .filter(Boolean)
    .map((f) => `. ${f}`);
}

/**
 * The folders make's options add to its include search (`-I ci`, `-Ici`, `--include-dir=ci`), as
 * written; `words` may be a command's arguments or a MAKEFLAGS value split into words (whose first
 * word may drop its `-`: `MAKEFLAGS=I ci` is `-I ci`).
 */
export function makeIncludeDirs(words: readonly string[]): string[] {
  const out: string[] = [];
  for (const [k, w] of words.entries()) {
    const m = /^(?:-I|--include-dir=?)(.*)$/.exec(k === 0 && /^I/.test(w) ? `-${w}` : w);
    if (!m) continue;
    const d = m[1] || words[k + 1];
    if (d !== undefined) out.push(d);
  }
  return out;
}
