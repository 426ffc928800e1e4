// gitguard's own ESLint rules (the plugin `gitguard` in eslint.config.js).
import { resolve } from 'node:path';
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

const noDeadExports = {
  meta: {
    type: 'problem',
    docs: { description: 'An exported value of src/ that no other module, test or script imports' },
    schema: [{ type: 'object', properties: { root: { type: 'string' } }, required: ['root'] }],
    messages: { dead: "'{{name}}' is exported but no other module uses it: remove it, or the export keyword." },
  },
  create(context) {
    return {
      Program() {
        const program = context.sourceCode.parserServices?.program;
        if (!program) throw new Error('gitguard/no-dead-exports needs type information (parserOptions.projectService)');
        const mine = deadExportsIn(program, context.options[0].root).get(resolve(context.filename)) ?? [];
        for (const d of mine) {
          const start = context.sourceCode.getLocFromIndex(d.pos);
          context.report({ loc: { start, end: start }, messageId: 'dead', data: { name: d.name } });
        }
      },
    };
  },
};

export default { rules: { 'no-dead-exports': noDeadExports } };
