// YAML aliases resolved as the parser's Alias.resolve resolves them (the last node anchored with the
// name before the alias, in document order), from one walk of each document. Alias.resolve walks the
// whole document for every alias it is asked about, so a 180 KB CI file of 20,000 `*a` took minutes.
// And whether a map holds a key twice, which GitHub, Forgejo and Gitea refuse a workflow for.
import type { Document } from 'yaml';

type Yaml = typeof import('yaml');

/** Per document: each alias node and the node it names (undefined: an anchor not set before it). */
const targetsOf = new WeakMap<Document, Map<unknown, unknown>>();

/** `n`, or the node it names where it is an alias of `doc` (undefined where it names none). */
export function resolveAlias(yaml: Yaml, n: unknown, doc: Document): unknown {
  if (!yaml.isAlias(n)) return n;
  let targets = targetsOf.get(doc);
  if (!targets) {
    const found = new Map<unknown, unknown>();
    const anchors = new Map<string, unknown>();
    yaml.visit(doc, {
      Node: (_key, node) => {
        if (yaml.isAlias(node)) found.set(node, anchors.get(node.source));
        else if ((yaml.isScalar(node) || yaml.isCollection(node)) && node.anchor) anchors.set(node.anchor, node);
      },
    });
    targetsOf.set(doc, (targets = found));
  }
  return targets.get(n);
}

/** Whether a map of `doc` holds a plain key twice (YAML merge keys `<<` aside). */
export function keyTwice(yaml: typeof import('yaml'), doc: Document): boolean {
  let twice = false;
  yaml.visit(doc, {
    Map(_, map) {
      const seen = new Set<unknown>();
      for (const p of map.items) {
        const key = yaml.isScalar(p.key) ? p.key.value : p.key;
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
