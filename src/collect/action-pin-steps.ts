// Whether a workflow or action.yml change only moves remote actions' pins, as GitHub's YAML parser
// reads the file. The line comparison (domain/action-pins.ts) strips the ref of every line shaped
// `uses: owner/repo@ref`, but such a line may be text inside a `run: |` script (a word the script
// acts on), an input of a step's `with:`, or a value an alias repeats elsewhere: each of those
// changes what runs. Here every line that differs must be a step's or a job's own `uses:` on both sides.
import { isUtf8 } from 'node:buffer';
import type { Node as YamlNode } from 'yaml';
import { pinless } from '../domain/action-pins.js';
import { chargeNodes, chargeParse, readableYaml } from './yaml-budget.js';

/**
 * The lines (0-based) holding a step's or a job's whole `uses: <plain or quoted scalar>`; undefined:
 * not read so (past the run's parse budget too: the change then counts as more than pins).
 */
async function stepUsesLines(text: string): Promise<Set<number> | undefined> {
  if (!readableYaml(text) || !chargeParse(text)) return undefined;
  const yaml = await import('yaml');
  const docs = yaml.parseAllDocuments(text, { uniqueKeys: true, prettyErrors: false });
  chargeNodes(yaml, Array.isArray(docs) ? docs : [docs]);
  // One document, no error, no alias: what an alias repeats elsewhere is no step's pin alone.
  if (!Array.isArray(docs) || docs.length !== 1) return undefined;
  const doc = docs[0]!;
  if (doc.errors.length) return undefined;
  let alias = false;
  const out = new Set<number>();
  const keyIs = (n: unknown, name: string): boolean =>
    yaml.isPair(n) && yaml.isScalar(n.key) && n.key.type === 'PLAIN' && n.key.value === name;
  const breaks: number[] = [];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) breaks.push(i);
  /** The number of line feeds before `offset` (the line split on '\n' that holds it). */
  const lineOf = (offset: number): number => {
    let [lo, hi] = [0, breaks.length];
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (breaks[mid]! < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  yaml.visit(doc, {
    Alias() {
      alias = true;
      return yaml.visit.BREAK;
    },
    Pair(_, pair, path) {
      if (!keyIs(pair, 'uses') || !yaml.isScalar(pair.value)) return;
      const key = pair.key as YamlNode;
      const value = pair.value;
      if (value.anchor || value.tag || !['PLAIN', 'QUOTE_DOUBLE', 'QUOTE_SINGLE'].includes(value.type ?? '')) return;
      const at = path.length - 1;
      // A step: an item of a `steps:` sequence; a job: a value of the top-level `jobs:` map.
      const step = yaml.isMap(path[at]) && yaml.isSeq(path[at - 1]) && keyIs(path[at - 2], 'steps');
      const job =
        yaml.isMap(path[at]) &&
        yaml.isPair(path[at - 1]) &&
        yaml.isMap(path[at - 2]) &&
        keyIs(path[at - 3], 'jobs') &&
        at === 5;
      if (!step && !job) return;
      const [start, end] = [key.range![0], value.range![1]];
      const line = lineOf(start);
      if (lineOf(value.range![0]) === line && lineOf(Math.max(start, end - 1)) === line) out.add(line);
    },
  });
  return alias ? undefined : out;
}

/** Whether `after` differs from `before` only in the refs (and version comments) of steps' and jobs' remote actions. */
export async function onlyPinsMoved(was: Buffer, is: Buffer): Promise<boolean> {
  if (was.equals(is)) return true;
  // Bytes that are no UTF-8 could decode alike: such a file is compared byte for byte.
  if (!isUtf8(was) || !isUtf8(is)) return false;
  const [before, after] = [was.toString('utf8'), is.toString('utf8')];
  if (pinless(before) !== pinless(after)) return false;
  const [pinsWas, pinsIs] = await Promise.all([stepUsesLines(before), stepUsesLines(after)]);
  if (!pinsWas || !pinsIs) return false;
  const b = after.split('\n');
  return before.split('\n').every((line, i) => line === b[i] || (pinsWas.has(i) && pinsIs.has(i)));
}
