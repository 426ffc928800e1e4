// Whether a CI's YAML parser refuses a file whole, so the CI runs nothing of it: the parser here
// (eemeli/yaml) reads on past a syntax error, an alias of no anchor and a key written twice, where
// GitHub's reader, Go's yaml.v3 (Forgejo, Gitea) and Ruby's Psych (GitLab) stop.
import type { Document, Scalar } from 'yaml';
import { aliasesResolve, resolveAlias } from './yaml-aliases.js';

/** A syntax error, or an alias naming no anchor before it ("unknown anchor"). */
export function refusedYaml(yaml: typeof import('yaml'), doc: Document): boolean {
  return doc.errors.length > 0 || !aliasesResolve(yaml, doc);
}

/**
 * A map key as GitHub's workflow reader (TemplateReader) compares keys: as its text (a number or a
 * boolean converted, null empty), letter case aside (OrdinalIgnoreCase: `env` and `ENV`, `1` and
 * `"1"` are one key); a key that is no scalar stays itself.
 */
function keyText(yaml: typeof import('yaml'), doc: Document, node: unknown): unknown {
  const key = resolveAlias(yaml, node, doc);
  if (!yaml.isScalar(key)) return key;
  const v: unknown = key.value;
  const text = typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
  // Letter by letter, as ToUpperInvariant maps one UTF-16 unit (ß stays ß).
  return [...text].map((c) => (c.toUpperCase().length === c.length ? c.toUpperCase() : c)).join('');
}

/** Whether a map of `doc` holds a plain key twice, as GitHub compares keys (YAML merge keys `<<` aside). */
export function keyTwice(yaml: typeof import('yaml'), doc: Document): boolean {
  let twice = false;
  yaml.visit(doc, {
    Map(_, map) {
      const seen = new Set<unknown>();
      for (const p of map.items) {
        const key = keyText(yaml, doc, p.key);
        if (key === '<<') continue;
        if (seen.has(key)) {
          twice = true;
          return yaml.visit.BREAK;
        }
        seen.add(key);
      }
      return undefined;
    },
  });
  return twice;
}

/** Whether the forge reading the file at `path` merges YAML merge keys: Forgejo's and Gitea's (Go's yaml.v3). */
export const readsMergeKeys = (path?: string): boolean => path !== undefined && /^\.(?:forgejo|gitea)\//.test(path);

/**
 * Whether GitHub refuses a workflow or action whole for its keys, where the reading here would go on:
 * a YAML merge key `<<` (GitHub reads anchors and aliases, not merge keys: "Unexpected value '<<'"),
 * but in Forgejo's and Gitea's files (`path` under .forgejo/ or .gitea/: Go's yaml.v3 merges them);
 * a workflow (a map of `jobs`) whose events are under no key spelled `on` (none, `true:` for YAML 1.1's
 * `on`, `On:`): GitHub starts it for no event, or not by the events read here.
 */
export function githubRefusesKeys(yaml: typeof import('yaml'), doc: Document, path?: string): boolean {
  const top = resolveAlias(yaml, doc.contents, doc);
  if (yaml.isMap(top)) {
    const keys = top.items.map((p) => resolveAlias(yaml, p.key, doc)).map((k) => (yaml.isScalar(k) ? k.value : k));
    if (keys.includes('jobs') && !keys.includes('on')) return true;
  }
  if (readsMergeKeys(path)) return false;
  let merge = false;
  yaml.visit(doc, {
    Pair(_, pair) {
      const key = resolveAlias(yaml, pair.key, doc);
      if (!yaml.isScalar(key) || key.value !== '<<') return undefined;
      merge = true;
      return yaml.visit.BREAK;
    },
  });
  return merge;
}

/**
 * A scalar as Ruby's Psych (GitLab's loader, YAML 1.1) types it where it differs from the parser
 * here: an unquoted yes/on/true and no/off/false in any letter case are booleans (`allow_failure: yes`
 * lets a job fail); anything else as parsed.
 */
export function psychValue(node: Scalar): unknown {
  if (node.type !== 'PLAIN' || typeof node.value !== 'string') return node.value;
  if (/^(?:yes|true|on)$/i.test(node.value)) return true;
  if (/^(?:no|false|off)$/i.test(node.value)) return false;
  return node.value;
}

/**
 * A map key as GitLab reads it: Psych makes an unquoted `:name` (or `:"name"`) the symbol :name and
 * GitLab's deep_symbolize_keys makes `name` the same symbol, so `:allow_failure:` is `allow_failure:`
 * (the last written wins).
 */
export function psychKey(node: Scalar): unknown {
  const value = psychValue(node);
  if (node.type !== 'PLAIN' || typeof value !== 'string' || !/^:./s.test(value)) return value;
  const quoted = /^:(["'])(.*)\1/s.exec(value);
  return (quoted ? quoted[2]! : value).replace(/^:/, '');
}

/**
 * GitLab refuses a configuration whose loaded data is over its max_yaml_size_bytes (2 MiB by default)
 * or nested over max_yaml_depth (100) ("The parsed YAML is too big": Gitlab::Utils::DeepSize, which
 * walks the loaded objects, an alias's as often as it is reached, adding each one's Ruby memsize). No
 * Ruby object takes under 40 bytes, and strings, arrays and hashes are objects (numbers, booleans and
 * null are not): more than 2 MiB / 40 of them, or a 101st level, is refused whatever the sizes. A
 * billion laughs of 12 lines expands to 10^11 strings; an alias of its own collection never ends.
 */
export function gitlabTooBig(yaml: typeof import('yaml'), doc: Document): boolean {
  const MAX_OBJECTS = Math.floor((2 * 1024 * 1024) / 40);
  const MAX_DEPTH = 100;
  let objects = 0;
  const over = (node: unknown, depth: number): boolean => {
    const n = resolveAlias(yaml, node, doc);
    if (yaml.isScalar(n)) {
      if (typeof n.value === 'string') objects++;
      return objects > MAX_OBJECTS;
    }
    if (!yaml.isMap(n) && !yaml.isSeq(n)) return false;
    if (++objects > MAX_OBJECTS || depth + 1 > MAX_DEPTH) return true;
    for (const item of n.items as unknown[])
      if (yaml.isPair(item) ? over(item.key, depth + 1) || over(item.value, depth + 1) : over(item, depth + 1))
        return true;
    return false;
  };
  return over(doc.contents, 0);
}
