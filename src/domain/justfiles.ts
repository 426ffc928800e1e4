// A justfile as the CI gate's chain reads it (domain/ci-commands.ts): the recipes `just <recipe>`
// runs (with the recipes they depend on), and the part of the file a chain reads: those recipes
// (their attributes, headers and bodies) and every line that is no recipe (settings, variables,
// aliases, imports, modules: they reach every recipe). A recipe of another name is no change.
import { posix } from 'node:path';

export const JUSTFILES = ['justfile', 'Justfile', '.justfile', 'JUSTFILE'];

export const isJustfile = (path: string): boolean => JUSTFILES.includes(posix.basename(path));

interface Recipe {
  /** What it depends on (every name after the colon: `dep`, `(dep arg)`, `&& after`). */
  deps: string[];
  /** Its attributes, header and body as written. */
  lines: string[];
  /** Its body's commands (indentation and the `@`, `-` prefixes taken off). */
  body: string[];
}

interface Justfile {
  /** The recipes by name (a name given twice: both, `set allow-duplicate-recipes`). */
  recipes: Map<string, Recipe[]>;
  /** Every line that is no recipe's, comments aside. */
  global: string[];
  /** Every recipe body's commands. */
  bodies: string[];
}

/** A recipe's header: `[@]name [params]: [deps]` (no `:=` of an assignment, no keyword line). */
const HEADER = /^@?([A-Za-z_][\w-]*)(?:\s[^:]*)?:(?!=)(.*)$/;
const KEYWORDS = /^(?:alias|set|import|mod|export|unexport)\b/;

function readJustfile(text: string): Justfile {
  const just: Justfile = { recipes: new Map(), global: [], bodies: [] };
  let current: Recipe[] | undefined;
  let attributes: string[] = [];
  for (const line of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    if (/^[ \t]/.test(line) || (!line.trim() && current)) {
      if (!line.trim()) continue;
      // `{{just_executable()}} other` is `just other` (followed as such); any other use of it: see reached.
      const cmd = line
        .trim()
        .replace(/^[@-]+/, '')
        .replace(/\{\{\s*just_executable\(\)\s*\}\}/g, 'just');
      just.bodies.push(cmd);
      if (!current) just.global.push(line); // a continued assignment
      for (const r of current ?? []) {
        r.lines.push(line);
        r.body.push(cmd);
      }
      continue;
    }
    current = undefined;
    if (!line.trim() || line.startsWith('#')) continue;
    if (line.startsWith('[')) {
      attributes.push(line);
      continue;
    }
    const m = KEYWORDS.test(line) ? null : HEADER.exec(line);
    if (!m) {
      just.global.push(...attributes, line);
      attributes = [];
      continue;
    }
    // A dependency's arguments in quotes name no recipe: `(build "release")`.
    const deps = m[2]!.replace(/(["'`]).*?\1/g, ' ').replace(/#.*$/, '');
    const r: Recipe = { deps: deps.match(/[A-Za-z_][\w-]*/g) ?? [], lines: [...attributes, line], body: [] };
    attributes = [];
    just.recipes.set(m[1]!, [...(just.recipes.get(m[1]!) ?? []), r]);
    current = [r];
  }
  just.global.push(...attributes);
  return just;
}

/** The recipes the goals reach through what they depend on, once (at most 257); undefined: a goal is no recipe. */
function reached(just: Justfile, goals: readonly string[]): Recipe[] | undefined {
  const seen = new Set<string>();
  const out: Recipe[] = [];
  const visit = (name: string): boolean => {
    if (seen.has(name)) return true;
    seen.add(name);
    const rs = just.recipes.get(name);
    if (!rs || seen.size > 256) return false;
    out.push(...rs);
    return rs.every((r) => r.deps.every(visit));
  };
  // just run in a way the chain does not follow (`{{just_executable()}}` in a variable, `{{justfile()}}`): all of it.
  return goals.every(visit) && !out.some((r) => r.body.some((c) => /just_executable|justfile\(/.test(c)))
    ? out
    : undefined;
}

/** The commands `just goals` runs from this file: the bodies reached (all of them where a goal or dependency is no recipe here). */
export function justRecipes(text: string, goals: readonly string[] | undefined): string[] {
  const just = readJustfile(text);
  const rs = goals && reached(just, goals);
  return rs ? rs.flatMap((r) => r.body) : just.bodies;
}

/** See the header: what of a justfile the `goals` read; all of it where a goal or dependency is no recipe here. */
export function justPart(text: string, goals: readonly string[]): string {
  const just = readJustfile(text);
  const rs = reached(just, goals);
  return rs ? JSON.stringify([just.global, rs.map((r) => r.lines)]) : text;
}
