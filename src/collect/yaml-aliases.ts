// YAML aliases resolved as the parser's Alias.resolve resolves them (the last node anchored with the
// name before the alias, in document order), from one walk of each document. Alias.resolve walks the
// whole document for every alias it is asked about, so a 180 KB CI file of 20,000 `*a` took minutes.
// And whether a map holds a key twice, which GitHub, Forgejo and Gitea refuse a workflow for.
import type { Document } from 'yaml';

type Yaml = typeof import('yaml');

/** Per document: each alias node and the node it names (undefined: an anchor not set before it). */
const targetsOf = new WeakMap<Document, Map<unknown, unknown>>();

/** Each alias node of `doc` and the node it names, from one walk of the document. */
function targetsIn(yaml: Yaml, doc: Document): Map<unknown, unknown> {
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
  return targets;
}

/** `n`, or the node it names where it is an alias of `doc` (undefined where it names none). */
export function resolveAlias(yaml: Yaml, n: unknown, doc: Document): unknown {
  return yaml.isAlias(n) ? targetsIn(yaml, doc).get(n) : n;
}

/** Whether every alias of `doc` names an anchor set before it (the CI's parsers refuse an "unknown anchor"). */
export function aliasesResolve(yaml: Yaml, doc: Document): boolean {
  for (const target of targetsIn(yaml, doc).values()) if (target === undefined) return false;
  return true;
}
