// Reads the rule test tables, `runTable(rule, [{ ..., outcome: 'pass' }, ...])` in test/rules/*.test.ts,
// with TypeScript's parser: which rule module each table runs and the outcome each case asserts. runTable
// checks each outcome when the tables run, so a table naming both outcomes proves the rule reaches both.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import ts from 'typescript';

export interface RuleTable {
  /** Where the table is, "file:line". */
  at: string;
  /** Absolute path of the rule's source module (src/rules/<id>.ts). */
  module: string;
  outcomes: string[];
}

/** Tables, and the places that call runTable in a form this reader cannot follow (fix those, not this). */
export function readRuleTables(dir: string): { tables: RuleTable[]; unreadable: string[] } {
  const tables: RuleTable[] = [];
  const unreadable: string[] = [];
  for (const name of readdirSync(dir)
    .filter((f) => f.endsWith('.test.ts'))
    .sort()) {
    const file = join(dir, name);
    const src = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const imports = defaultImports(src, dirname(file));
    const where = (n: ts.Node) => `test/rules/${name}:${src.getLineAndCharacterOfPosition(n.getStart(src)).line + 1}`;
    const visit = (n: ts.Node): void => {
      if (ts.isCallExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === 'runTable') {
        const [ruleArg, casesArg] = n.arguments;
        const module = ruleArg && ts.isIdentifier(ruleArg) ? imports.get(ruleArg.text) : undefined;
        const outcomes =
          casesArg && ts.isArrayLiteralExpression(casesArg) ? casesArg.elements.map(literalOutcome) : [undefined];
        if (!module) unreadable.push(`${where(n)}: the rule is not a default import from src/rules/`);
        else if (outcomes.some((o) => o === undefined))
          unreadable.push(`${where(n)}: every case must be an object literal with a literal outcome`);
        else tables.push({ at: where(n), module, outcomes: outcomes as string[] });
      }
      ts.forEachChild(n, visit);
    };
    visit(src);
  }
  return { tables, unreadable };
}

/** Local name -> absolute .ts path, for `import x from '../../src/rules/<id>.js'`. */
function defaultImports(src: ts.SourceFile, dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const s of src.statements) {
    if (!ts.isImportDeclaration(s) || !ts.isStringLiteral(s.moduleSpecifier)) continue;
    const name = s.importClause?.name?.text;
    const path = resolve(dir, s.moduleSpecifier.text).replace(/\.js$/, '.ts');
    if (name && /\/src\/rules\/[a-z0-9-]+\.ts$/.test(path)) out.set(name, path);
  }
  return out;
}

function literalOutcome(e: ts.Expression): string | undefined {
  if (!ts.isObjectLiteralExpression(e)) return undefined;
  for (const p of e.properties) {
    if (ts.isPropertyAssignment(p) && p.name.getText() === 'outcome' && ts.isStringLiteral(p.initializer))
      return p.initializer.text;
  }
  return undefined;
}
