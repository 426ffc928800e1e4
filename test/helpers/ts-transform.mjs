// jest's TypeScript transform: sucrase strips the types of each file on its own (types are checked by
// `npm run lint`, gitguard/type-check, or `npm run typecheck`) and keeps every line where it was, so stack traces need no source map to
// point at the right line. TypeScript's own transpileModule did the same job here before, at a cost a
// clean clone (empty jest cache, as in CI) paid in every worker: ~0.3 s of CPU to load and warm up the
// compiler, ~35 ms a file, and ~50 MB more in a worker that every git, gpg or ssh-keygen a test starts
// then forks. sucrase loads in ~20 ms and takes a few ms a file.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const SELF = readFileSync(new URL(import.meta.url), 'utf8');
// sucrase itself (~40 ms of CPU) is loaded on the first file to transform: a worker whose files are
// all in jest's cache (every run after the first) never needs it. Its version is in the cache key.
const VERSION = require('sucrase/package.json').version;
let sucrase;

export default {
  canInstrument: false,

  getCacheKey(source, path, options) {
    return createHash('sha256')
      .update([SELF, VERSION, path, String(options.supportsStaticESM), source].join('\0'))
      .digest('hex');
  },

  process(source, path, options) {
    sucrase ??= require('sucrase');
    const result = sucrase.transform(source, {
      filePath: path,
      // jest runs .ts as ESM (extensionsToTreatAsEsm); `imports` rewrites to CommonJS otherwise.
      transforms: options.supportsStaticESM ? ['typescript'] : ['typescript', 'imports'],
      // Modern syntax (class fields, ?., ??) is left as written, as tsc's ES2022 target does.
      disableESTransforms: true,
      sourceMapOptions: { compiledFilename: path },
    });
    return { code: result.code, map: { ...result.sourceMap, sourcesContent: [source] } };
  },
};
