// Validation of SARIF logs against the published SARIF 2.1.0 schema, shipped as test data
// (test/fixtures/sarif-schema-2.1.0*.json, from github.com/oasis-tcs/sarif-spec at e058381).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ROOT } from '../helpers/cli.js';

// ajv and ajv-formats are CommonJS; createRequire sidesteps their default-export typing under NodeNext.
const require = createRequire(import.meta.url);
export type Validate = ((data: unknown) => boolean) & { errors?: unknown[] | null };
interface AjvLike {
  compile(schema: object): Validate;
}
const AjvClass = require('ajv') as { default: new (opts: object) => AjvLike };
const addFormats = require('ajv-formats') as { default: (ajv: AjvLike) => void };

const compiled = new Map<string, Validate>();

export function validator(schemaFile: string): Validate {
  const cached = compiled.get(schemaFile);
  if (cached) return cached;
  const schema = JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', schemaFile), 'utf8')) as Record<
    string,
    unknown
  >;
  // The OASIS errata01 file declares draft-04 ("id"); it uses no keyword whose meaning changed
  // since (no exclusiveMinimum/Maximum), so it is checked as draft-07 with "$id".
  if (schema.id) {
    schema.$id = schema.id;
    delete schema.id;
    schema.$schema = 'http://json-schema.org/draft-07/schema#';
  }
  // unicodeRegExp: false — the draft-07 copy's "language" pattern has a stray "]" that only
  // JavaScript's unicode mode rejects; ECMA-262 without /u (what the schema's regex dialect means) accepts it.
  const ajv = new AjvClass.default({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats.default(ajv);
  const validate = ajv.compile(schema);
  compiled.set(schemaFile, validate);
  return validate;
}
