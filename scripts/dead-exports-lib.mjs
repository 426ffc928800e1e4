// The exported values (functions, classes, constants) of src/ that no other module uses: no import in
// src/ or test/ (static or dynamic, re-exports followed), and no import of its built file in bin/ or
// scripts/. Such an export is either dead code or should not be exported. Judged over one TypeScript
// program of src/ and test/: ESLint's own (the rule in eslint-rules.mjs, which `npm run lint` runs, so
// the program and its type checker are built once for both), or one made by dead-exports.mjs.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

/** Every dead export of src/ in `program`: { fileName, pos, line (1-based), name }. */
export function findDeadExports(program, root) {
  const checker = program.getTypeChecker();
  const isSrc = (f) => relative(root, f.fileName).startsWith('src/');

  /** The symbol an identifier finally names, through import aliases and re-exports. */
  const resolved = (sym) => (sym && sym.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(sym) : sym);

  // Only an identifier spelled like some export of src/ (or a default import, whose local name is free) can
  // name one from another file: resolving just those, not every identifier of the tree, keeps the type
  // checker from checking every function body (~3/4 of this check's time).
  const exportedNames = new Set(['default']);
  for (const file of program.getSourceFiles()) {
    if (!isSrc(file)) continue;
    const mod = checker.getSymbolAtLocation(file);
    if (mod) for (const e of checker.getExportsOfModule(mod)) exportedNames.add(e.name);
  }
  const mayName = (node) =>
    ts.isIdentifier(node) && (exportedNames.has(node.text) || (node.parent && ts.isImportClause(node.parent)));

  const used = new Set();
  const mark = (sym, from) => {
    const s = resolved(sym);
    if (!s) return;
    // A use counts when it is outside the file that declares the symbol.
    if ((s.declarations ?? []).some((d) => d.getSourceFile() !== from)) used.add(s);
  };

  for (const file of program.getSourceFiles()) {
    if (file.isDeclarationFile) continue;
    const visit = (node) => {
      if (mayName(node)) mark(checker.getSymbolAtLocation(node), file);
      // const { a, b: c } = await import('./x.js'): the properties of the module's namespace.
      if (ts.isBindingElement(node) && ts.isObjectBindingPattern(node.parent)) {
        const name = node.propertyName ?? node.name;
        if (mayName(name)) mark(checker.getTypeAtLocation(node.parent).getProperty(name.text), file);
      }
      // export * from './x.js': every export of x passes through.
      if (ts.isExportDeclaration(node) && !node.exportClause && node.moduleSpecifier) {
        const mod = checker.getSymbolAtLocation(node.moduleSpecifier);
        if (mod) for (const e of checker.getExportsOfModule(mod)) mark(e, file);
      }
      ts.forEachChild(node, visit);
    };
    visit(file);
  }

  const builtImports = builtImportsOf(root);
  const dead = [];
  for (const file of program.getSourceFiles()) {
    if (!isSrc(file)) continue;
    const mod = checker.getSymbolAtLocation(file);
    if (!mod) continue;
    const path = relative(root, file.fileName);
    for (const e of checker.getExportsOfModule(mod)) {
      const s = resolved(e);
      // Re-exports are judged where they are declared.
      if ((s.declarations ?? []).some((d) => d.getSourceFile() !== file)) continue;
      if (used.has(s) || builtImports.has(`${path}:${e.name}`)) continue;
      // Types are erased, and an exported signature's parameter types belong to it: only values count.
      if (!(s.flags & ts.SymbolFlags.Value)) continue;
      const decl = s.declarations?.[0];
      const pos = decl ? decl.getStart() : 0;
      const line = file.getLineAndCharacterOfPosition(pos).line + 1;
      dead.push({ fileName: file.fileName, pos, line, name: e.name });
    }
  }
  return dead;
}

/**
 * The names bin/ and scripts/ import from the built modules, as "src/<path>.ts:<name>":
 * `import { a, b } from '../dist/<path>.js'`, or `const { a, b } = await import('../dist/<path>.js')`.
 */
function builtImportsOf(root) {
  const builtImports = new Set();
  const walk = (dir) =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(join(dir, e.name)) : /\.m?js$/.test(e.name) ? [join(dir, e.name)] : [],
    );
  for (const f of [...walk(join(root, 'bin')), ...walk(join(root, 'scripts'))]) {
    for (const m of readFileSync(f, 'utf8').matchAll(
      /(?:import\s*\{([^}]*)\}\s*from\s*|const\s*\{([^}]*)\}\s*=\s*await\s+import\()'([^']*\/dist\/[^']+)\.js'/g,
    )) {
      const names = m[1] ?? m[2].replace(/:\s*\w+/g, '');
      const src = join('src', relative(join(root, 'dist'), resolve(dirname(f), m[3])) + '.ts');
      for (const n of names
        .split(',')
        .map((x) => x.trim().split(/\s+as\s+/)[0])
        .filter(Boolean))
        builtImports.add(`${src}:${n}`);
    }
  }
  return builtImports;
}
