// Loads rules/*.json (rule metadata is data) and validates it strictly into typed objects, with the
// file and rule id in every error; then joins it with the code registry both ways, so a rule with no
// metadata, or metadata with no rule, is caught at load time (and by the meta test).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SEVERITIES, THREATS, type Rule, type RuleMeta, type Severity, type Threat } from '../domain/model.js';

/** The package's rules/ folder (dist/engine/ and src/engine/ both sit two levels below the root). */
export const RULES_DIR = fileURLToPath(new URL('../../rules/', import.meta.url));

class CatalogError extends Error {}

/** Data files in rules/ that are not rule metadata (vulnerability databases, secret formats). */
const DATA_FILE = /-vulnerabilities\.json$|^secret-formats\.json$/;

function req<T>(
  file: string,
  id: string,
  value: unknown,
  field: string,
  check: (v: unknown) => v is T,
  what: string,
): T {
  if (!check(value)) throw new CatalogError(`${file}: rule "${id}": field "${field}" must be ${what}`);
  return value;
}
const isString = (v: unknown): v is string => typeof v === 'string' && v.trim().length > 0;
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString);

export function parseRuleMeta(file: string, text: string): RuleMeta {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new CatalogError(`${file}: not valid JSON: ${(err as Error).message}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new CatalogError(`${file}: must hold one JSON object`);
  const o = raw as Record<string, unknown>;
  const id = req(
    file,
    '?',
    o.id,
    'id',
    (v): v is string => typeof v === 'string' && /^[a-z][a-z0-9-]*$/.test(v),
    'a kebab-case string',
  );
  const known = new Set(['id', 'threat', 'severity', 'title', 'description', 'remediation', 'references']);
  for (const k of Object.keys(o))
    if (!known.has(k)) throw new CatalogError(`${file}: rule "${id}": unknown field "${k}"`);
  return {
    id,
    threat: req(
      file,
      id,
      o.threat,
      'threat',
      (v): v is Threat => THREATS.includes(v as Threat),
      `one of ${THREATS.join(', ')}`,
    ),
    severity: req(
      file,
      id,
      o.severity,
      'severity',
      (v): v is Severity => SEVERITIES.includes(v as Severity),
      `one of ${SEVERITIES.join(', ')}`,
    ),
    title: req(file, id, o.title, 'title', isString, 'a non-empty string'),
    description: req(file, id, o.description, 'description', isString, 'a non-empty string'),
    remediation: req(file, id, o.remediation, 'remediation', isStringArray, 'a list of strings'),
    references: req(file, id, o.references, 'references', isStringArray, 'a list of strings'),
  };
}

export function loadRuleMeta(dir = RULES_DIR): RuleMeta[] {
  const metas: RuleMeta[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (!name.endsWith('.json') || DATA_FILE.test(name)) continue;
    const file = join(dir, name);
    const meta = parseRuleMeta(file, readFileSync(file, 'utf8'));
    if (`${meta.id}.json` !== name)
      throw new CatalogError(`${file}: rule id "${meta.id}" does not match the file name`);
    metas.push(meta);
  }
  return metas;
}

export interface CatalogEntry {
  meta: RuleMeta;
  rule: Rule;
}

/** Joins metadata and registry; both must name exactly the same rules. */
export function joinCatalog(metas: RuleMeta[], registry: Rule[]): CatalogEntry[] {
  const byId = new Map(registry.map((r) => [r.id, r]));
  const metaIds = new Set(metas.map((m) => m.id));
  for (const r of registry)
    if (!metaIds.has(r.id)) throw new CatalogError(`rule "${r.id}" is registered but rules/${r.id}.json is missing`);
  return metas.map((meta) => {
    const rule = byId.get(meta.id);
    if (!rule) throw new CatalogError(`rules/${meta.id}.json has no implementation in src/rules/index.ts`);
    return { meta, rule };
  });
}
