// The layer check (`.depcruise/layers.cjs`'s rules) judged on the import graph of a TypeScript program:
// the one ESLint builds for src/ in `npm run lint`'s typed lane (scripts/eslint-typed.mjs), whose files
// are parsed and their imports resolved already, so no second parse of src/ (dependency-cruiser's ~4
// CPU-s). It reads the same rule file dependency-cruiser does (`npm run lint:layers` runs that one) and
// the part of its language the file uses: from.path, to.path, to.pathNot, to.circular, to.reachable and
// options.includeOnly; any other key fails the check rather than being skipped.
import { isBuiltin } from 'node:module';
import { relative, resolve } from 'node:path';

const FROM_KEYS = new Set(['path']);
const TO_KEYS = new Set(['path', 'pathNot', 'circular', 'reachable']);

/** The regular expression of a rule's path or pathNot (a string or a list of them, as dependency-cruiser takes). */
const regexOf = (p) => (p === undefined ? undefined : new RegExp(Array.isArray(p) ? p.join('|') : p));

/** A rule of the file, its keys checked: a key this check does not know would be a rule silently not kept. */
function ruleOf(rule) {
  const unknown = [
    ...Object.keys(rule.from ?? {}).filter((k) => !FROM_KEYS.has(k)),
    ...Object.keys(rule.to ?? {}).filter((k) => !TO_KEYS.has(k)),
  ];
  if (unknown.length)
    throw new Error(`layers: rule ${rule.name} uses ${unknown.join(', ')}, which this check does not read`);
  if (rule.severity !== 'error') throw new Error(`layers: rule ${rule.name} is not severity "error"`);
  return {
    name: rule.name,
    comment: rule.comment,
    from: regexOf(rule.from?.path),
    to: regexOf(rule.to?.path),
    toNot: regexOf(rule.to?.pathNot),
    circular: rule.to?.circular === true,
    reachable: rule.to?.reachable === true,
  };
}

/**
 * The program's import graph as dependency-cruiser names it: modules by their path from `root` (a node
 * built-in by its specifier, `node:fs`), every import counted, type-only ones, `import()` and
 * `import('x').T` included; only modules `includeOnly` matches. Map of module → Map of target → the
 * import's position in the importing file.
 */
function graphOf(program, root, includeOnly) {
  const graph = new Map();
  const queue = program
    .getSourceFiles()
    .filter((f) => !f.isDeclarationFile && includeOnly.test(relative(root, f.fileName)));
  for (const file of queue) {
    const from = relative(root, file.fileName);
    const edges = new Map();
    graph.set(from, edges);
    // The module names the program collected from the file (and resolved): its imports, export-froms,
    // import() calls and import types. Fail closed if the compiler no longer keeps them there.
    if (!Array.isArray(file.imports)) throw new Error('layers: the TypeScript program keeps no import list');
    for (const spec of file.imports) {
      const mode = program.getModeForUsageLocation(file, spec);
      const resolved = program.getResolvedModule(file, spec.text, mode)?.resolvedModule;
      let to;
      if (isBuiltin(spec.text)) to = spec.text;
      else if (resolved && !resolved.isExternalLibraryImport) to = relative(root, resolve(resolved.resolvedFileName));
      else to = spec.text;
      if (!includeOnly.test(to) || edges.has(to)) continue;
      edges.set(to, spec.getStart(file));
    }
  }
  for (const edges of [...graph.values()]) for (const to of edges.keys()) if (!graph.has(to)) graph.set(to, new Map());
  return graph;
}

/** The modules reachable from `start` through one import or more. */
function reachableFrom(graph, start) {
  const seen = new Set();
  const stack = [...(graph.get(start)?.keys() ?? [])];
  while (stack.length) {
    const m = stack.pop();
    if (seen.has(m)) continue;
    seen.add(m);
    stack.push(...(graph.get(m)?.keys() ?? []));
  }
  return seen;
}

/**
 * Every break of the rules in `config` (dependency-cruiser's configuration object) over `program`'s
 * modules under `root`: { from (a path from root), to, rule, comment, pos (the import's offset in
 * `from`, or 0 for a module reached through others) }.
 */
export function findLayerBreaks(program, root, config) {
  const includeOnly = new RegExp(config.options?.includeOnly ?? '');
  const rules = (config.forbidden ?? []).map(ruleOf);
  const graph = graphOf(program, root, includeOnly);
  const reach = new Map();
  const reachOf = (m) => reach.get(m) ?? reach.set(m, reachableFrom(graph, m)).get(m);
  const breaks = [];
  for (const rule of rules) {
    for (const [from, edges] of graph) {
      if (rule.from && !rule.from.test(from)) continue;
      const hit = (to) => (!rule.to || rule.to.test(to)) && !(rule.toNot && rule.toNot.test(to));
      const add = (to, pos) => breaks.push({ from, to, rule: rule.name, comment: rule.comment, pos });
      if (rule.reachable) {
        for (const to of reachOf(from)) if (hit(to)) add(to, edges.get(to) ?? 0);
        continue;
      }
      for (const [to, pos] of edges) {
        // A cycle: the import's target leads back to the importer (an import of itself included).
        if (rule.circular && !(to === from || reachOf(to).has(from))) continue;
        if (hit(to)) add(to, pos);
      }
    }
  }
  return breaks;
}
