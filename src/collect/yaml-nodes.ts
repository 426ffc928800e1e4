// A CI file's YAML nodes as the CI reads them (github-gate.ts, gitlab-merge.ts): a scalar through its
// aliases, a map's entry, a key through YAML merge keys and GitLab's `extends:`, a map as plain data,
// an `env:` map as its values.
import type { Document } from 'yaml';
import { resolveAlias } from './yaml-aliases.js';
import { MAX_ALIASES } from './ci-yaml-memo.js';

/** How deep GitLab follows `extends:` (its limit is 11 levels); merge keys count as a level too. */
export const MAX_EXTENDS = 11;

/** A document's nodes read through its aliases; `tick` counts each key looked up (it throws past the file's budget). */
export function nodeReader(yaml: typeof import('yaml'), doc: Document, tick: () => void) {
  const scalar = (n: unknown): unknown => {
    const r = resolveAlias(yaml, n, doc);
    return yaml.isScalar(r) ? r.value : r;
  };
  const top = doc.contents;
  const list = (v: unknown): unknown[] => (yaml.isSeq(v) ? v.items.map(scalar) : [v]);
  const keys = (m: unknown): unknown[] => (yaml.isMap(m) ? m.items.map((p) => scalar(p.key)) : []);
  const entry = (map: unknown, key: string): unknown =>
    yaml.isMap(map) ? map.items.find((p) => scalar(p.key) === key)?.value : undefined;
  // A key as the CI reads it: set in the map, else from what it merges (`<<: *lenient`, GitLab reads
  // YAML merge keys), else from the jobs GitLab's `extends:` names (the last one named wins), as deep
  // as GitLab follows them.
  const lookup = (map: unknown, key: string, depth: number): unknown => {
    tick();
    if (depth > MAX_EXTENDS || !yaml.isMap(map)) return undefined;
    const own = map.items.find((p) => scalar(p.key) === key);
    if (own) return scalar(own.value);
    const merged = scalar(entry(map, '<<'));
    for (const m of yaml.isSeq(merged) ? merged.items : [merged]) {
      const found = lookup(resolveAlias(yaml, m, doc), key, depth + 1);
      if (found !== undefined) return found;
    }
    const ext = scalar(entry(map, 'extends'));
    const names = yaml.isSeq(ext) ? ext.items.map(scalar) : [ext];
    for (const name of names.reverse()) {
      const found = typeof name === 'string' ? lookup(scalar(entry(top, name)), key, depth + 1) : undefined;
      if (found !== undefined) return found;
    }
    return undefined;
  };
  return { scalar, list, keys, entry, lookup };
}

/** A node as switchedOff reads it: a map as plain data (maps as Map), else the node; a map past the alias limit stays a node (lenient). */
export function plainValue(yaml: typeof import('yaml'), n: unknown, doc: Document): unknown {
  if (!yaml.isMap(n)) return n;
  try {
    return n.toJS(doc, { mapAsMap: true, maxAliasCount: MAX_ALIASES });
  } catch {
    return n;
  }
}

/**
 * An `env:` map as envLoses reads it: its values, or (past the alias budget, a value of 25,000
 * aliases) each name with its scalar value, any other value unread; a merge key leaves it unread whole.
 */
export function envValue(yaml: typeof import('yaml'), n: unknown, doc: Document): unknown {
  const plain = plainValue(yaml, n, doc);
  if (plain instanceof Map || !yaml.isMap(n)) return plain;
  // A value not a scalar is left undefined: envLoses reads it as unread (`$`).
  const pairs = n.items.map(({ key, value }): [unknown, unknown] => {
    const [k, v] = [resolveAlias(yaml, key, doc), resolveAlias(yaml, value, doc)];
    return [yaml.isScalar(k) ? k.value : k, yaml.isScalar(v) ? v.value : undefined];
  });
  return pairs.some(([k]) => typeof k !== 'string' || k === '<<') ? n : new Map(pairs);
}
