// The YAML parser's budget for one run, shared by every question asked of CI files (ci-yaml.ts, github-gate.ts,
// gitlab-gate.ts, action-pin-steps.ts). A hostile history can hold thousands of versions of a large
// workflow: past the budget a text is not parsed, and each reader says what that means for its answer
// (the CI gate's: unread, which ci-gate-kept reports; never a mention read as a gate). The budget counts
// the parses made, not the questions: the questions asked of one text in a row (its references,
// variables and commands) share one parse. It counts the work, not the bytes alone: a parse costs ~0.2
// CPU-s a MiB of comments but ~4.6 of tiny flow mappings (~8 µs a node the parser builds and the gate
// walks), so each parse is charged its bytes plus NODE_BYTES for each node, map, alias and error.
// A text is charged once a run (by digest, DigestSet): what is kept of it is bounded (its parse here,
// its answers in ci-yaml-memo.ts), and a reading again of one dropped is charged to a second, smaller
// allowance (`again`), so the run's YAML work stays bounded without a text counting twice.
import { createHash } from 'node:crypto';
import type { Document } from 'yaml';
import { DigestSet } from './digest-set.js';
import { BoundedStore } from '../domain/bounded-store.js';
import { envLimit } from './child-env.js';
import { flowIndented, flowIndentError } from './yaml-flow-indent.js';
import { yamlTooDeep } from './policy-yaml.js';
import { runContext } from './run-context.js';

/**
 * Above this many bytes the file is not read as YAML (the parser takes ~0.3 CPU-s a megabyte of
 * workflow); a workflow is kilobytes.
 */
const PARSE_MAX = 256 * 1024;

/** MiB charged in one run, at most (GITGUARD_YAML_PARSE_MB; at most ~20 CPU-seconds at the default, whatever the shape). */
const parseBudgetMb = (): number => envLimit('GITGUARD_YAML_PARSE_MB', 64);

/**
 * The parses kept, by what they were charged (bytes and nodes, least recently asked dropped first):
 * the questions asked of a commit's CI files (references, variables, commands, gate) share one parse
 * each. Kept by count (16), a commit's 20 workflows were each parsed, and charged, twice. A parse
 * weighs several times its charge in the heap (a 200 KiB workflow of 11,000 steps: ~10 MB): at 8 MiB
 * the hostile CI history's audit peaked ~60 MB higher, and at 2 the honest one parsed 5% more (418
 * parses, 32 again, not 398 and 12) at the same CPU within the noise (README, Benchmark). At 2, a
 * 100 KB workflow of 25,000 aliases (charged ~3 MiB) was dropped for its 100-byte parent and parsed
 * again for the gate: at 4 the ci-parse-budget and yaml-aliases tests parse 295 times, not 344 (54
 * again, not 103), and the hostile history's audit peaks within 2 MB of what it did (343 -> 345 MB).
 */
const RECENT_BYTES = 4 * 1024 * 1024;

interface Spent {
  bytes: number;
  /** Work charged for texts read again after what was kept of them was dropped (chargeWork's `again`). */
  again: number;
  /** The texts charged (textKey): a text read again is charged to `again`, not to `bytes`. */
  charged: DigestSet;
  /** The parses kept, by textKey, weighed as they were charged. */
  recent: BoundedStore<string, readonly Document[]>;
  /** Bytes of CI text read line by line where not parsed (chargeLines). */
  lines: number;
  /** Whether a reader was refused a line reading: what the CI runs is not all known (commandsRefused). */
  linesRefused: boolean;
}
const spentIn = new WeakMap<object, Spent>();

/** A text's key in one run's memos: a hash, not the text (a hostile history holds thousands of large versions). */
export const textKey = (text: string): string => createHash('sha256').update(text).digest('base64');

/** Past this depth a walk of parsed data stops: an alias of its own list (`x: &1 [hi, *1]`) never ends,
 *  and recursing into it overflowed the stack (an internal error). */
export const walkTooDeep = (depth: number): boolean => depth > 1_000;

/** Whether `text` is small and shallow enough to be read as YAML at all (whatever the budget). */
export const readableYaml = (text: string): boolean => text.length <= PARSE_MAX && yamlTooDeep(text) === undefined;

function spent(): Spent {
  const run = runContext();
  let s = spentIn.get(run);
  if (!s)
    spentIn.set(
      run,
      (s = {
        bytes: 0,
        again: 0,
        charged: new DigestSet(),
        recent: new BoundedStore(RECENT_BYTES),
        lines: 0,
        linesRefused: false,
      }),
    );
  return s;
}

/**
 * The allowance for readings again, a share of the budget: what is kept holds a commit's files (an
 * honest history reads few again), and a hostile one made to read its versions again costs at most a
 * quarter more than the budget before it is not judged.
 */
const AGAIN_SHARE = 0.25;

/** The bytes one unit of parsed structure is charged: a node costs the parser and its readers ~45 bytes of comments. */
const NODE_BYTES = 40;

/**
 * The text line readings may take where a CI text is not parsed (too large, past the budget), as a
 * multiple of the budget: a line reading costs ~25 ms a MiB (references, assignments, lines as
 * commands), ~1/100 of a parse, and nothing else bounds it (a history of thousands of versions of a
 * 16 MiB workflow). At the default, 256 MiB: ~7 CPU-seconds.
 */
const LINES_SHARE = 4;

/**
 * Whether `text` may be read line by line, charged if so (to the allowance for those: LINES_SHARE): a
 * reader's fallback where the text is not parsed. Past it the reader has no answer, and says what
 * that means (commandsRefused: what the CI runs is not watched; the gate not judged).
 */
export function chargeLines(text: string): boolean {
  const s = spent();
  if (s.lines + text.length > LINES_SHARE * parseBudgetMb() * 1024 * 1024) return !(s.linesRefused = true);
  s.lines += text.length;
  return true;
}

/** Whether a line reading was refused this run (chargeLines). */
export const linesRefused = (): boolean => spent().linesRefused;

/** Whether `text`'s bytes still fit the run's budget (its structure is charged once parsed: chargeNodes). */
export const chargeParse = (text: string, again = false): boolean => chargeWork(text.length, again);

/**
 * Whether `bytes` of work still fit the run's budget, charged if so: a parse's bytes, or what a reader
 * does with a parse's answer (gate-chains.ts reads each command for the files it runs; 11,000
 * one-line steps a version cost as much again as their parse). Past it the reader says it cannot judge.
 * `again`: the work is a reading again of a text charged before (chargeText), charged to the
 * allowance for those, not to the budget.
 */
function chargeWork(bytes: number, again = false): boolean {
  const s = spent();
  const used = again ? s.again : s.bytes;
  if (used + bytes > (again ? AGAIN_SHARE : 1) * parseBudgetMb() * 1024 * 1024) return false;
  if (again) s.again += bytes;
  else s.bytes += bytes;
  return true;
}

/**
 * Whether `bytes` of work on the text of `key` (a textKey) fit, charged if so: to the budget the first
 * time a run reads that text, to the allowance for readings again after (a reader kept too little of it).
 */
export function chargeText(key: string, bytes: number): boolean {
  const { charged } = spent();
  const again = charged.has(key);
  if (!chargeWork(bytes, again)) return false;
  if (!again) charged.add(key);
  return true;
}

/**
 * Charges the structure of parsed documents: each scalar, sequence, pair and warning one unit, each map
 * and alias three (the gate reads a map as a step or job, and walks what an alias names again), each
 * error four (the parser builds an error with its message: ~20 µs). Charged after the parse (its
 * size is known then), so a run overshoots its budget by at most one text's structure (~1 CPU-s).
 */
export function chargeNodes(yaml: typeof import('yaml'), docs: readonly Document[], again = false): number {
  let units = 0;
  for (const doc of docs) {
    units += 4 * doc.errors.length + doc.warnings.length;
    yaml.visit(doc, {
      Node(_, n) {
        units += yaml.isMap(n) || yaml.isAlias(n) ? 3 : 1;
      },
      Pair() {
        units += 1;
      },
    });
  }
  const s = spent();
  if (again) s.again += units * NODE_BYTES;
  else s.bytes += units * NODE_BYTES;
  return units * NODE_BYTES;
}

/**
 * The documents of `text` as the `yaml` package parses them (duplicate keys kept, for the readers to
 * judge); 'too-large' when not readableYaml, 'past-budget' when the run's budget is spent. A text
 * that is no valid YAML gives the documents read, possibly none.
 */
export async function parsedYaml(text: string): Promise<readonly Document[] | 'too-large' | 'past-budget'> {
  const s = spent();
  const key = textKey(text);
  // A parse kept was readable: its depth is not scanned again for each question (~8% of a run of large workflows).
  const had = s.recent.get(key);
  if (had) return had;
  if (!readableYaml(text)) return 'too-large';
  // Charged once a run: a text whose parse and answers were dropped is read again on the second allowance.
  const again = s.charged.has(key);
  if (!chargeParse(text, again)) return 'past-budget';
  if (!again) s.charged.add(key);
  const yaml = await import('yaml');
  const parse = (t: string): readonly Document[] => {
    try {
      return yaml
        .parseAllDocuments(t, { uniqueKeys: false, prettyErrors: false })
        .filter((d): d is Document.Parsed => d instanceof yaml.Document);
    } catch {
      return []; // A parser failure: no document.
    }
  };
  let docs = parse(text);
  let charged = text.length + chargeNodes(yaml, docs, again);
  // A flow collection's lines left of its block: the forges' parsers read it, this one refuses it.
  if (docs.some((d) => d.errors.some(flowIndentError))) {
    const padded = flowIndented(text, PARSE_MAX);
    if (padded !== undefined && chargeParse(padded, again))
      charged = padded.length + chargeNodes(yaml, (docs = parse(padded)), again);
  }
  s.recent.keep(key, docs, charged);
  return docs;
}
