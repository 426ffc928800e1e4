#!/usr/bin/env node
// `npm run lint:exports`: the dead-export check (scripts/dead-exports-lib.mjs) on its own, over a
// TypeScript program of tsconfig.json (src/ and test/) made here; exit 1 when it finds any.
// `npm run lint` does not run this script: ESLint's rule gitguard/no-dead-exports (scripts/eslint-rules.mjs)
// asks the same question of the program ESLint has already built.
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { findDeadExports } from './dead-exports-lib.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const config = ts.getParsedCommandLineOfConfigFile(
  join(ROOT, 'tsconfig.json'),
  {},
  {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  },
);
const dead = findDeadExports(ts.createProgram(config.fileNames, config.options), ROOT);
if (dead.length) {
  console.log(`${dead.length} export(s) that no other module uses (remove them, or the export keyword):`);
  for (const d of dead) console.log(`  ${relative(ROOT, d.fileName)}:${d.line}: ${d.name}`);
  process.exit(1);
}
console.log('no dead exports');
