// Loads a module of src/ in a child process without the build: transpiles it and the relative imports it
// reaches (TypeScript's transpileModule, types erased) into a temp folder and returns a file URL to import.
// Tests that need a second process (a writer killed mid-write) then test the source, never a stale dist/.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { ROOT } from './cli.js';
import { tempDir } from './repo.js';

const IMPORT = /\bfrom\s+'(\.{1,2}\/[^']+)\.js'/g;

/** `srcPath` is relative to the repository root, e.g. 'src/collect/ledger.ts'. */
export function transpiledModuleUrl(srcPath: string): string {
  const out = tempDir('gitguard-src-');
  writeFileSync(join(out, 'package.json'), '{"type":"module"}\n');
  const pending = [resolve(ROOT, srcPath)];
  const done = new Set<string>();
  while (pending.length) {
    const file = pending.pop()!;
    if (done.has(file)) continue;
    done.add(file);
    const source = readFileSync(file, 'utf8');
    const js = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
      fileName: file,
    }).outputText;
    const target = join(out, relative(ROOT, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, js);
    for (const m of source.matchAll(IMPORT)) pending.push(resolve(dirname(file), `${m[1]}.ts`));
  }
  return pathToFileURL(join(out, srcPath.replace(/\.ts$/, '.js'))).href;
}
