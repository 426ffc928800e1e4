// The files a CI file runs, as GitHub's and GitLab's YAML parsers read it: the line reading of
// domain/ci-references.ts sees `uses: ./x` and `include: local: x` on lines of their own, not a
// flow-style step `- { uses: ./x }`, a quoted key, an alias of an anchored path or a folded
// scalar, each of which runs the file all the same. Both readings are kept (a file one of them
// names is watched): a text that is no valid YAML runs nothing, and reading more only widens.
import type { Node as YamlNode } from 'yaml';
import { referenceKey, referencesIn, referencesOfValues } from '../domain/ci-references.js';
import { yamlTooDeep } from './policy-yaml.js';

/**
 * Above this many bytes the file is read by line alone (the parser takes ~0.1 s a megabyte); a
 * workflow is kilobytes.
 */
const PARSE_MAX = 1024 * 1024;

/** Aliases expanded in one value (a value of nested aliases could otherwise grow exponentially). */
const MAX_ALIASES = 64;

/** The values of `key` anywhere in the documents of `text`, parsed (maps as Map); [] where it cannot be parsed. */
async function valuesOf(text: string, key: string): Promise<unknown[]> {
  if (text.length > PARSE_MAX || yamlTooDeep(text) !== undefined) return [];
  const yaml = await import('yaml');
  const out: unknown[] = [];
  try {
    for (const doc of yaml.parseAllDocuments(text, { uniqueKeys: false, prettyErrors: false })) {
      if (!(doc instanceof yaml.Document)) continue;
      const js = (n: unknown): unknown =>
        yaml.isNode(n) ? (n as YamlNode).toJS(doc, { mapAsMap: true, maxAliasCount: MAX_ALIASES }) : n;
      yaml.visit(doc, {
        Pair(_, pair) {
          if (js(pair.key) === key) out.push(js(pair.value));
        },
      });
    }
  } catch {
    // A value expanding past MAX_ALIASES, or a parser failure: what was read stands.
  }
  return out;
}

/** What a file of the CI configuration (or one it runs) runs, by the CI file it was named from. */
export async function ciReferencesIn(text: string, origin: string): Promise<string[]> {
  const byLine = referencesIn(text, origin);
  const byYaml = referencesOfValues(await valuesOf(text, referenceKey(origin)), origin);
  return [...new Set([...byLine, ...byYaml])];
}
