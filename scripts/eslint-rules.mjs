// gitguard's own ESLint rules (the plugin `gitguard` in eslint.config.js).
import { dirname, relative, resolve } from 'node:path';
import ts from 'typescript';
import { findDeadExports } from './dead-exports-lib.mjs';

/** Each program's dead exports by file, found once per program (one per ESLint run on the command line). */
const deadByProgram = new WeakMap();

function deadExportsIn(program, root) {
  let byFile = deadByProgram.get(program);
  if (!byFile) {
    byFile = new Map();
    for (const d of findDeadExports(program, root)) {
      const key = resolve(d.fileName);
      byFile.set(key, [...(byFile.get(key) ?? []), d]);
    }
    deadByProgram.set(program, byFile);
  }
  return byFile;
}

/** The option of a rule that needs the repository's root. */
const ROOT_OPTION = [{ type: 'object', properties: { root: { type: 'string' } }, required: ['root'] }];

/** Every TypeScript program gitguard/type-check has asked, for scripts/eslint-typed.mjs's check of its other files. */
const checkedPrograms = new Set();

/** The programs gitguard/type-check has reported on in this process. */
export function typeCheckedPrograms() {
  return checkedPrograms;
}

/** The TypeScript program of the file being linted; a rule that needs one fails without it. */
function programOf(context, rule) {
  const program = context.sourceCode.parserServices?.program;
  if (!program) throw new Error(`gitguard/${rule} needs type information (parserOptions.projectService)`);
  return program;
}

/** TypeScript's errors of one file of a program, as tsc reports them (syntax, then types). */
export function diagnosticsOf(program, file) {
  return [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)];
}

const noDeadExports = {
  meta: {
    type: 'problem',
    docs: { description: 'An exported value of src/ that no other module, test or script imports' },
    schema: ROOT_OPTION,
    messages: { dead: "'{{name}}' is exported but no other module uses it: remove it, or the export keyword." },
  },
  create(context) {
    return {
      Program() {
        const mine =
          deadExportsIn(programOf(context, 'no-dead-exports'), context.options[0].root).get(
            resolve(context.filename),
          ) ?? [];
        for (const d of mine) {
          const start = context.sourceCode.getLocFromIndex(d.pos);
          context.report({ loc: { start, end: start }, messageId: 'dead', data: { name: d.name } });
        }
      },
    };
  },
};

/** The first file linted on each program, which also carries the program's global and option diagnostics. */
const globalsReported = new WeakSet();

const typeCheck = {
  meta: {
    type: 'problem',
    docs: {
      description: "TypeScript's own errors (what `tsc -p tsconfig.json --noEmit` reports), on ESLint's program",
    },
    schema: [],
    messages: { tsc: 'TS{{code}}: {{text}}' },
  },
  create(context) {
    return {
      Program() {
        const program = programOf(context, 'type-check');
        const file = program.getSourceFile(context.filename);
        if (!file) throw new Error(`gitguard/type-check: ${context.filename} is not in the TypeScript program`);
        const found = diagnosticsOf(program, file);
        checkedPrograms.add(program);
        if (!globalsReported.has(program)) {
          globalsReported.add(program);
          found.push(...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics());
        }
        for (const d of found) {
          const start = context.sourceCode.getLocFromIndex(d.file === file ? (d.start ?? 0) : 0);
          const where = d.file && d.file !== file ? `${d.file.fileName}: ` : '';
          const text = where + ts.flattenDiagnosticMessageText(d.messageText, ' ');
          context.report({ loc: { start, end: start }, messageId: 'tsc', data: { code: String(d.code), text } });
        }
      },
    };
  },
};

const srcImportsSrc = {
  meta: {
    type: 'problem',
    docs: { description: 'A module of src/ imports only src/ and packages (the rootDir tsconfig.build.json gives)' },
    schema: ROOT_OPTION,
    messages: { outside: "'{{spec}}' is outside src/: dist/ is built from src/ alone." },
  },
  create(context) {
    const src = resolve(context.options[0].root, 'src');
    const check = (source) => {
      const spec = source?.type === 'Literal' ? source.value : undefined;
      if (typeof spec !== 'string' || !spec.startsWith('.')) return;
      const rel = relative(src, resolve(dirname(context.filename), spec));
      if (rel.startsWith('..') || rel === '') context.report({ node: source, messageId: 'outside', data: { spec } });
    };
    return {
      ImportDeclaration: (n) => check(n.source),
      ExportNamedDeclaration: (n) => check(n.source),
      ExportAllDeclaration: (n) => check(n.source),
      ImportExpression: (n) => check(n.source),
      TSImportType: (n) => check(n.source),
    };
  },
};

export default {
  rules: { 'no-dead-exports': noDeadExports, 'type-check': typeCheck, 'src-imports-src': srcImportsSrc },
};
