// The typed lane of `npm run lint` (scripts/lint.mjs runs the other, ESLint over everything else
// without type information, on the second core): ESLint over src/ with the type-aware rules, the type
// check and the dead-export check, then TypeScript's errors of the program's other files (test/), which
// this ESLint does not lint: tsc's check of tsconfig.json, src/ and test/, on one program. Printed as
// ESLint prints (stylish); exits 1 on any error, as `eslint` does.
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { ESLint } from 'eslint';
import ts from 'typescript';
import { diagnosticsOf, typeCheckedPrograms } from './eslint-rules.mjs';
import { findLayerBreaks } from './layers-lib.mjs';

/** ESLint's result for one file of errors found here, as gitguard/type-check would report them. */
function typeCheckResult(filePath, messages) {
  return {
    filePath,
    messages: messages.map((m) => ({ ruleId: 'gitguard/type-check', severity: 2, ...m })),
    suppressedMessages: [],
    errorCount: messages.length,
    fatalErrorCount: 0,
    warningCount: 0,
    fixableErrorCount: 0,
    fixableWarningCount: 0,
    usedDeprecatedRules: [],
  };
}

const eslint = new ESLint();
const results = await eslint.lintFiles(['src']);
const programs = [...typeCheckedPrograms()];
// Fail closed: without the program ESLint built for src/, test/'s types would go unchecked.
if (programs.length === 0) throw new Error('eslint-typed: gitguard/type-check saw no TypeScript program');

const linted = new Set(results.map((r) => r.filePath));
const checked = new Set();
for (const program of programs) {
  for (const file of program.getSourceFiles()) {
    const path = resolve(file.fileName);
    if (linted.has(path) || checked.has(path) || program.isSourceFileFromExternalLibrary(file)) continue;
    if (path.split(/[\\/]/).includes('node_modules')) continue;
    checked.add(path);
    const messages = diagnosticsOf(program, file).map((d) => {
      const at = file.getLineAndCharacterOfPosition(d.start ?? 0);
      const text = ts.flattenDiagnosticMessageText(d.messageText, ' ');
      return { message: `TS${d.code}: ${text}`, line: at.line + 1, column: at.character + 1 };
    });
    if (messages.length > 0) results.push(typeCheckResult(path, messages));
  }
}

// Fail closed: a file of test/ that no program holds (tsconfig.json's include changed) would go unchecked.
for (const e of readdirSync('test', { recursive: true, withFileTypes: true })) {
  const path = resolve(e.parentPath, e.name);
  if (!e.isFile() || !/\.[cm]?tsx?$/.test(e.name) || checked.has(path) || linted.has(path)) continue;
  const message = "not type-checked: no TypeScript program of src/'s holds it (tsconfig.json's include)";
  results.push(typeCheckResult(path, [{ message, line: 1, column: 1 }]));
}

// The layer check, .depcruise/layers.cjs's rules, on the program's import graph: each break reported on
// the importing file as gitguard/layers.
const root = process.cwd();
const layers = createRequire(import.meta.url)('../.depcruise/layers.cjs');
const byPath = new Map(results.map((r) => [r.filePath, r]));
const breaks = new Map();
for (const program of programs)
  for (const b of findLayerBreaks(program, root, layers)) breaks.set(`${b.rule} ${b.from} ${b.to}`, [program, b]);
if (
  ![...programs].some((p) => p.getSourceFiles().some((f) => resolve(f.fileName).startsWith(resolve(root, 'src') + '/')))
)
  throw new Error('eslint-typed: the layer check saw no module of src/');
for (const [program, b] of breaks.values()) {
  const path = resolve(root, b.from);
  const at = program.getSourceFile(path)?.getLineAndCharacterOfPosition(b.pos) ?? { line: 0, character: 0 };
  const message = { ruleId: 'gitguard/layers', severity: 2, line: at.line + 1, column: at.character + 1 };
  message.message = `${b.rule}: ${b.from} → ${b.to}${b.comment ? ` (${b.comment})` : ''}`;
  const r = byPath.get(path) ?? typeCheckResult(path, []);
  if (!byPath.has(path)) byPath.set(path, results[results.push(r) - 1]);
  r.messages.push(message);
  r.errorCount += 1;
}

const formatter = await eslint.loadFormatter('stylish');
process.stdout.write(await formatter.format(results));
process.exitCode = results.some((r) => r.errorCount > 0) ? 1 : 0;
