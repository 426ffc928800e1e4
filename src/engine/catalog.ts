// Loads rules/*.json (rule metadata is data) and validates it strictly into typed objects, with the
// file and rule id in every error; then joins it with the code registry both ways, so a rule with no
// metadata, or metadata with no rule, is caught at load time (and by the meta test). Rule modules are
// loaded only for the rules a run selects (loadRules).
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SEVERITIES, THREATS, type Rule, type RuleMeta, type Severity, type Threat } from '../domain/model.js';
import { registry, type RuleEntry } from '../rules/index.js';
import { shippedJsonFiles, type ShippedFile } from '../collect/shipped-json.js';

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

/** The rule texts parsed from each reading of rules/ (collect/shipped-json.ts: the same files, the same array). */
const parsed = new WeakMap<readonly ShippedFile[], RuleMeta[]>();

export function loadRuleMeta(dir = RULES_DIR): RuleMeta[] {
  const files = shippedJsonFiles(dir);
  let metas = parsed.get(files);
  if (!metas) {
    metas = [];
    for (const { name, bytes } of files) {
      if (DATA_FILE.test(name)) continue;
      const file = join(dir, name);
      const meta = parseRuleMeta(file, bytes.toString('utf8'));
      if (`${meta.id}.json` !== name)
        throw new CatalogError(`${file}: rule id "${meta.id}" does not match the file name`);
      metas.push(meta);
    }
    parsed.set(files, metas);
  }
  return [...metas];
}

/** A rule as the registry and its metadata know it, before its module is loaded. */
export interface RuleListing {
  meta: RuleMeta;
  entry: RuleEntry;
}

/** A rule ready to run: its metadata and its loaded module. */
export interface CatalogEntry {
  meta: RuleMeta;
  rule: Rule;
}

/** Joins metadata and registry; both must name exactly the same rules. */
export function joinCatalog(metas: RuleMeta[], entries: readonly RuleEntry[]): RuleListing[] {
  const byId = new Map(entries.map((e) => [e.id, e]));
  const metaIds = new Set(metas.map((m) => m.id));
  for (const e of entries)
    if (!metaIds.has(e.id)) throw new CatalogError(`rule "${e.id}" is registered but rules/${e.id}.json is missing`);
  return metas.map((meta) => {
    const entry = byId.get(meta.id);
    if (!entry) throw new CatalogError(`rules/${meta.id}.json has no implementation in src/rules/index.ts`);
    return { meta, entry };
  });
}

/** Every rule, listed from rules/*.json and the registry (no rule module loaded). */
export function listRules(): RuleListing[] {
  return joinCatalog(loadRuleMeta(), registry);
}

const needsText = (needs: readonly string[]): string => [...needs].sort().join(', ');

/**
 * The module of a listed rule. Runs are selected and their facts collected by the registry's kind and
 * needs, so a module that says otherwise is refused rather than run on facts it did not ask for.
 */
function checkModule(entry: RuleEntry, rule: Rule): Rule {
  const says = `${rule.id} ${rule.kind} [${needsText(rule.needs)}]`;
  const registered = `${entry.id} ${entry.kind} [${needsText(entry.needs)}]`;
  if (says !== registered)
    throw new CatalogError(`src/rules/index.ts registers "${registered}" but its module declares "${says}"`);
  return rule;
}

/**
 * Loads the modules of the listed rules (each once: the import is cached). One after the other: jest's
 * ESM loader fails imports that share a module when they run at once ("request for ... is not in
 * cache"), and node loads them on one thread either way.
 */
export async function loadRules(listed: readonly RuleListing[]): Promise<CatalogEntry[]> {
  const loaded: CatalogEntry[] = [];
  for (const { meta, entry } of listed) loaded.push({ meta, rule: checkModule(entry, (await entry.load()).default) });
  return loaded;
}
