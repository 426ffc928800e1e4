// Strict YAML for policy files: YAML 1.2 core schema, no tags, no merge keys, unique keys, bounded
// alias expansion and nesting, every error one line naming the file.
import type { Document, DocumentOptions, ParseOptions, SchemaOptions } from 'yaml';
import { oneLine, POLICY_LIMITS, PolicyError, show } from './policy-fields.js';

// The YAML parser is loaded on first use by the caller: runs that never read a policy (or answer
// from the cache) skip it.
type Yaml = typeof import('yaml');

const YAML_OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = {
  version: '1.2',
  schema: 'core',
  customTags: [],
  merge: false,
  uniqueKeys: true,
  strict: true,
  prettyErrors: true,
  stringKeys: false,
  intAsBigInt: false,
};

/** A policy is a few levels deep; the YAML parser recurses once per level (see yamlTooDeep). */
const YAML_MAX_DEPTH = 64;

/**
 * The first line at which flow collections (`[`, `{`), block indentation and compact block entries
 * (`- - x`) open more than YAML_MAX_DEPTH levels, or undefined. The parser recurses per level: 300,000
 * flow levels in 600 kB took it 3.8 s and 400 MB before it failed with "Maximum call stack size
 * exceeded", and 900 indented `k:` levels in 400 kB overflowed its stack too (reported as a syntax
 * error). Quoted scalars and comments are skipped; brackets inside a plain or block scalar, and a
 * block scalar's own indentation, may count, which only a policy with dozens of them would notice.
 */
const tokenStart = (text: string, i: number): boolean => i === 0 || /[\s[{,:]/.test(text[i - 1]!);

/**
 * The compact block entries that open the line at `i` ("- - x": 2), read up to `end`: after spaces,
 * each indicator followed by blanks. Scanned in place: a slice and a match a line cost a CI run of
 * large workflows ~4 GB of allocations (README, Benchmark).
 */
function compactEntries(text: string, i: number, end: number): number {
  const stop = Math.min(end, text.length);
  let k = i;
  while (k < stop && text[k] === ' ') k += 1;
  let count = 0;
  for (;;) {
    const c = text[k];
    if (k >= stop || (c !== '-' && c !== '?' && c !== ':')) return count;
    let w = k + 1;
    while (w < stop && (text[w] === ' ' || text[w] === '\t')) w += 1;
    if (w === k + 1) return count;
    count += 1;
    k = w;
  }
}

export function yamlTooDeep(text: string): number | undefined {
  let flow = 0;
  let line = 1;
  let quote: '"' | "'" | undefined;
  let lineStart = true;
  /** The indentation of each open block level (outside flow collections). */
  const indents: number[] = [];
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i]!;
    if (ch === '\n') {
      line += 1;
      lineStart = true;
      continue;
    }
    if (quote) {
      if (quote === '"' && ch === '\\') i += 1;
      else if (ch === quote) {
        if (quote === "'" && text[i + 1] === "'") i += 1;
        else quote = undefined;
      }
      continue;
    }
    if (lineStart) {
      if (flow === 0 && (i === 0 || text[i - 1] === '\n')) {
        let indent = 0;
        while (text[i + indent] === ' ') indent += 1;
        const at = text[i + indent];
        if (at !== undefined && at !== '\n' && at !== '\r' && at !== '#') {
          while (indents.length && indents[indents.length - 1]! > indent) indents.pop();
          if (!indents.length || indents[indents.length - 1]! < indent) indents.push(indent);
        }
      }
      // Compact block entries on one line ("- - - x", "? - x"): each opens a level.
      const compact = compactEntries(text, i, i + 4 * YAML_MAX_DEPTH + 8);
      if (flow + Math.max(indents.length - 1, 0) + compact > YAML_MAX_DEPTH) return line;
      lineStart = false;
    }
    if (ch === '#' && tokenStart(text, i)) {
      const nl = text.indexOf('\n', i);
      if (nl < 0) break;
      i = nl - 1;
    } else if ((ch === '"' || ch === "'") && tokenStart(text, i)) quote = ch;
    else if (ch === '[' || ch === '{') {
      if ((flow += 1) > YAML_MAX_DEPTH) return line;
    } else if ((ch === ']' || ch === '}') && flow > 0) flow -= 1;
  }
  return undefined;
}

export function readYaml(yaml: Yaml, text: string, file: string): unknown {
  const { LineCounter, parseDocument, visit } = yaml;
  const deep = yamlTooDeep(text);
  if (deep !== undefined)
    throw new PolicyError(
      `${file}: YAML nested more than ${YAML_MAX_DEPTH} levels deep (line ${deep}); a policy needs a few`,
    );
  const lineCounter = new LineCounter();
  let doc: Document.Parsed;
  try {
    doc = parseDocument(text, { ...YAML_OPTIONS, lineCounter });
  } catch (e) {
    throw new PolicyError(`${file}: YAML syntax error: ${oneLine(e)}`);
  }
  const problem = doc.errors[0] ?? doc.warnings[0];
  if (problem) throw new PolicyError(`${file}: YAML syntax error: ${oneLine(problem)}`);
  visit(doc, {
    Node(_key, node) {
      if (node.tag) {
        const at = node.range ? lineCounter.linePos(node.range[0]) : undefined;
        throw new PolicyError(
          `${file}: YAML tags such as ${show(node.tag.replace(/^tag:yaml\.org,2002:/, '!!'))} are not allowed${at ? ` (line ${at.line})` : ''}`,
        );
      }
    },
  });
  try {
    return doc.toJS({ mapAsMap: true, maxAliasCount: POLICY_LIMITS.aliases });
  } catch (e) {
    throw new PolicyError(
      `${file}: YAML cannot be read: ${oneLine(e)} (at most ${POLICY_LIMITS.aliases} alias expansions)`,
    );
  }
}
