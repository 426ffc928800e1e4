// The layer check of `npm run lint` (scripts/layers-lib.mjs): .depcruise/layers.cjs's rules judged on a
// TypeScript program's import graph. Each planted break of the real rule file, in a small tree of its
// own, is found, through every way of importing (type-only, export-from, import(), import types, a
// chain of modules); an honest tree has none; a rule in a form the check does not read fails it.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import ts from 'typescript';
import { findLayerBreaks } from '../../scripts/layers-lib.mjs';
import { ROOT } from '../helpers/cli.js';

const layers = createRequire(join(ROOT, 'package.json'))('./.depcruise/layers.cjs') as object;

const HONEST: Record<string, string> = {
  'src/errors.ts': 'export class GitguardError extends Error {}\n',
  'src/vulndb/range.ts': 'export const inRange = (v: string) => v.length > 0;\n',
  'src/domain/model.ts':
    "import { GitguardError } from '../errors.js';\nimport { inRange } from '../vulndb/range.js';\n" +
    'export interface Facts { head: string }\nexport const fail = () => new GitguardError(String(inRange("1")));\n',
  'src/domain/query.ts': "import type { Facts } from './model.js';\nexport const headOf = (f: Facts) => f.head;\n",
  'src/rules/head.ts': "import { headOf } from '../domain/query.js';\nexport const rule = headOf;\n",
  'src/collect/read.ts':
    "import { readFileSync } from 'node:fs';\nimport type { Facts } from '../domain/model.js';\n" +
    "export const read = (p: string): Facts => ({ head: readFileSync(p, 'utf8') });\n",
  'src/report/text.ts': "import type { Facts } from '../domain/model.js';\nexport const show = (f: Facts) => f.head;\n",
  'src/engine/run.ts':
    "import { read } from '../collect/read.js';\nimport { rule } from '../rules/head.js';\nimport { show } from '../report/text.js';\n" +
    'export const run = (p: string) => show({ head: rule(read(p)) });\n',
  'src/cli/main.ts': "import { run } from '../engine/run.js';\nexport const main = () => run('x');\n",
};

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'lint-layers-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The breaks found in the honest tree with `changes` written over it. */
function breaksOf(changes: Record<string, string>, config: object = layers): string[] {
  const root = mkdtempSync(join(dir, 'tree-'));
  for (const [path, text] of Object.entries({ ...HONEST, ...changes })) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  // No lib nor @types: the graph needs the files and their resolution only (node's modules are named
  // by their specifier).
  const options = {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    noLib: true,
    types: [],
  };
  const program = ts.createProgram(
    Object.keys({ ...HONEST, ...changes }).map((p) => join(root, p)),
    options,
  );
  return findLayerBreaks(program, root, config).map((b) => `${b.rule} ${b.from} ${b.to.replace(/^node:/, '')}`);
}

describe('the layer check on the program of src/', () => {
  test('an honest tree breaks no rule', () => {
    expect(breaksOf({})).toEqual([]);
  });

  test.each([
    [
      'node:fs in domain/',
      { 'src/domain/disk.ts': "import { statSync } from 'node:fs';\nexport const s = statSync;\n" },
      'pure-layers-reach-no-io src/domain/disk.ts fs',
    ],
    [
      'fs/promises in vulndb/, bare',
      { 'src/vulndb/load.ts': "export { readFile } from 'fs/promises';\n" },
      'pure-layers-reach-no-io src/vulndb/load.ts fs/promises',
    ],
    [
      'a rule reaching node:child_process through domain/',
      {
        'src/domain/query.ts': HONEST['src/domain/query.ts'] + "import '../domain/spawn.js';\n",
        'src/domain/spawn.ts': "export { spawn } from 'node:child_process';\n",
      },
      'pure-layers-reach-no-io src/rules/head.ts child_process',
    ],
    [
      'domain/ importing collect/ (type-only)',
      {
        'src/domain/query.ts':
          HONEST['src/domain/query.ts'] +
          "import type { read } from '../collect/read.js';\nexport type R = typeof read;\n",
      },
      'domain-is-the-bottom src/domain/query.ts src/collect/read.ts',
    ],
    [
      'a rule importing collect/ by an import type',
      { 'src/rules/head.ts': HONEST['src/rules/head.ts'] + "export type R = import('../collect/read.js').Facts;\n" },
      'rules-are-pure src/rules/head.ts src/collect/read.ts',
    ],
    [
      'report/ calling the engine by import()',
      {
        'src/report/text.ts': HONEST['src/report/text.ts'] + "export const later = () => import('../engine/run.js');\n",
      },
      'report-renders-only src/report/text.ts src/engine/run.ts',
    ],
    [
      'the engine re-exporting the CLI',
      { 'src/engine/run.ts': HONEST['src/engine/run.ts'] + "export { main } from '../cli/main.js';\n" },
      'engine-below-cli src/engine/run.ts src/cli/main.ts',
    ],
    [
      'errors.ts importing a module',
      { 'src/errors.ts': HONEST['src/errors.ts'] + "export type { Facts } from './domain/model.js';\n" },
      'errors-imports-nothing src/errors.ts src/domain/model.ts',
    ],
    [
      'vulndb/ importing domain/',
      {
        'src/vulndb/range.ts':
          HONEST['src/vulndb/range.ts'] + "import type { Facts } from '../domain/model.js';\nexport type F = Facts;\n",
      },
      'vulndb-is-a-leaf src/vulndb/range.ts src/domain/model.ts',
    ],
    [
      'collect/ importing report/',
      { 'src/collect/read.ts': HONEST['src/collect/read.ts'] + "export { show } from '../report/text.js';\n" },
      'collect-does-not-reach-up src/collect/read.ts src/report/text.ts',
    ],
    [
      'a cycle of type-only imports',
      {
        'src/domain/model.ts':
          HONEST['src/domain/model.ts'] + "import type { headOf } from './query.js';\nexport type H = typeof headOf;\n",
      },
      'no-cycles src/domain/model.ts src/domain/query.ts',
    ],
  ])('%s breaks its rule', (_name, changes, expected) => {
    expect(breaksOf(changes)).toContain(expected);
  });

  test('a rule in a form the check does not read fails it instead of being skipped', () => {
    const config = {
      forbidden: [{ name: 'x', severity: 'error', from: { path: '^src/' }, to: { dependencyTypes: ['npm'] } }],
    };
    expect(() => breaksOf({}, config)).toThrow(/dependencyTypes/);
  });
});
