// JSON Schema validators (SARIF 2.1.0, GitHub's REST schemas) compiled once per machine, not once per
// test file. ajv turns a schema into JavaScript, and that code generation, not the checking, was most
// of the CPU the schema checks cost: ~0.3 s for SARIF's schema and ~0.5 s for the GitHub schemas a
// forge test answers with, in every file that uses them (jest loads each file's modules anew, so an
// in-memory cache lives one file). ajv's standalone output (the same validate function ajv.compile
// builds, as source) is kept under node_modules/.cache, keyed by the schemas, the options and the
// versions of ajv and ajv-formats, and later files load it; a missing entry is compiled again.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ROOT } from './cli.js';

// ajv and ajv-formats are CommonJS: createRequire sidesteps their default-export typing under NodeNext.
const require = createRequire(import.meta.url);

export type Validate = ((data: unknown) => boolean) & { errors?: unknown[] | null };
interface AjvLike {
  addSchema(schema: object, key: string): void;
  compile(schema: object): Validate;
  errorsText(errors: unknown): string;
}

const CACHE = join(ROOT, 'node_modules', '.cache', 'gitguard-tests', 'ajv');
const VERSIONS = ['ajv', 'ajv-formats'].map((p) => (require(`${p}/package.json`) as { version: string }).version);
const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

export interface SchemaCompiler {
  /** The validator of `schema` (which may $ref the schemas the compiler was made with). */
  compile(schema: object): Validate;
  /** ajv's one-line text for a validator's errors. */
  errorsText(errors: unknown): string;
}

/**
 * A compiler with ajv's `options` (plus ajv-formats) and `schemas` added under their keys, as
 * `new Ajv(options)`, addFormats, addSchema would be; ajv itself is only made when a schema is not
 * in the cache, or for errorsText.
 */
export function schemaCompiler(options: object, schemas: [schema: object, key: string][] = []): SchemaCompiler {
  const base = sha256(JSON.stringify([VERSIONS, options, schemas]));
  let ajv: AjvLike | undefined;
  const made = (): AjvLike => {
    if (ajv) return ajv;
    // code.source keeps each validator's source for ajv/dist/standalone.
    ajv = new (require('ajv') as { default: new (o: object) => AjvLike }).default({
      ...options,
      code: { source: true },
    });
    (require('ajv-formats') as { default: (a: AjvLike) => void }).default(ajv);
    for (const [schema, key] of schemas) ajv.addSchema(schema, key);
    return ajv;
  };
  return {
    compile(schema) {
      const file = join(CACHE, `${sha256(base + JSON.stringify(schema))}.cjs`);
      if (!existsSync(file)) {
        const a = made();
        const standalone = require('ajv/dist/standalone') as { default: (a: AjvLike, v: Validate) => string };
        // Written whole then renamed: a file compiled at the same time by another worker is never half read.
        mkdirSync(CACHE, { recursive: true });
        const tmp = `${file}.${process.pid}.tmp`;
        writeFileSync(tmp, standalone.default(a, a.compile(schema)));
        renameSync(tmp, file);
      }
      // CommonJS as ajv writes it; its requires (ajv's runtime helpers, ajv-formats) resolve from
      // node_modules above the cache folder.
      return require(file) as Validate;
    },
    errorsText: (errors) => made().errorsText(errors),
  };
}
