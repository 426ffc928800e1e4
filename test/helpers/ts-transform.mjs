// jest's TypeScript transform: TypeScript's own transpileModule (each file on its own, types are
// tsc's job in `npm run typecheck`), with the compiler loaded only for a file not yet in jest's cache.
// ts-jest loads the whole compiler into every worker up front (~50 MB each), and every process a test
// starts from a worker (git, gpg, ssh-keygen: thousands) pays for the worker's size when it forks.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSCONFIG = readFileSync(new URL('../../tsconfig.json', import.meta.url), 'utf8');
const TS_VERSION = JSON.parse(readFileSync(require.resolve('typescript/package.json'), 'utf8')).version;
const SELF = readFileSync(new URL(import.meta.url), 'utf8');

let ts;
let baseOptions;

function compilerOptions() {
  ts ??= require('typescript');
  if (!baseOptions) {
    const parsed = ts.parseConfigFileTextToJson('tsconfig.json', TSCONFIG);
    const converted = ts.convertCompilerOptionsFromJson(parsed.config.compilerOptions, ROOT, 'tsconfig.json');
    if (converted.errors.length)
      throw new Error(ts.flattenDiagnosticMessageText(converted.errors[0].messageText, '\n'));
    baseOptions = converted.options;
  }
  return baseOptions;
}

export default {
  canInstrument: false,

  getCacheKey(source, path, options) {
    return createHash('sha256')
      .update([SELF, TS_VERSION, TSCONFIG, path, String(options.supportsStaticESM), source].join('\0'))
      .digest('hex');
  },

  process(source, path, options) {
    const base = compilerOptions();
    const result = ts.transpileModule(source, {
      fileName: path,
      reportDiagnostics: false,
      compilerOptions: {
        ...base,
        // jest runs .ts as ESM (extensionsToTreatAsEsm); NodeNext would need package.json to decide.
        module: options.supportsStaticESM ? ts.ModuleKind.ES2022 : ts.ModuleKind.CommonJS,
        moduleResolution: ts.ModuleResolutionKind.Bundler,
        sourceMap: true,
        inlineSourceMap: false,
        inlineSources: true,
        declaration: false,
        noEmit: false,
      },
    });
    return { code: result.outputText, map: result.sourceMapText };
  },
};
