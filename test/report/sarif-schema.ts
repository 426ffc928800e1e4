// Validation of SARIF logs against the published SARIF 2.1.0 schema, shipped as test data
// (test/fixtures/sarif-schema-2.1.0*.json, from github.com/oasis-tcs/sarif-spec at e058381).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { schemaCompiler, type Validate } from '../helpers/ajv-cache.js';
import { ROOT } from '../helpers/cli.js';

export type { Validate };

// unicodeRegExp: false — the draft-07 copy's "language" pattern has a stray "]" that only
// JavaScript's unicode mode rejects; ECMA-262 without /u (what the schema's regex dialect means) accepts it.
const compiler = schemaCompiler({ allErrors: true, strict: false, unicodeRegExp: false });
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
  const validate = compiler.compile(schema);
  compiled.set(schemaFile, validate);
  return validate;
}
