// The files a CI command runs (domain/ci-commands.ts commandFiles), read once per run and charged to
// the run's YAML budget (yaml-budget.ts): a workflow of 11,000 one-line steps is 11,000 commands for
// each version the history holds, and reading them cost as much again as parsing them.
import { commandFiles } from '../domain/ci-commands.js';
import type { CommandFile } from '../domain/ci-words.js';
import { unpinned } from './ci-yaml-memo.js';
import { runContext } from './run-context.js';
import { chargeText, linesRefused, textKey } from './yaml-budget.js';

/** The work one command read is charged besides its bytes: ~3-10 µs, as ~50 bytes of comments parse. */
const COMMAND_BYTES = 48;
/**
 * The commands kept read, by what each weighs in the heap (oldest dropped first): an honest history asks
 * the same ones again. One dropped and asked again is charged to the budget's allowance for readings
 * again, not as new. Counted by the command's length alone, 4 MiB of the hostile CI history's ~10-byte
 * commands allowed ~400,000 entries (each its key, its answer and the Map's slot: 16.8 MB held late in the run, growing).
 */
const KEPT_BYTES = 4 * 1024 * 1024;

/** An entry's own weight beside its key and answer: the Map's slots (key, value, chain), its share of the
 *  buckets, and the small object holding the answer and this weight. */
const ENTRY_BYTES = 64;

/** The answer of the many commands that run no file: one array shared, never written to. */
const NONE: readonly CommandFile[] = Object.freeze([]);

interface Read {
  files: Map<string, { files: readonly CommandFile[]; weight: number }>;
  held: number;
  refused: boolean;
}
const readIn = new WeakMap<object, Read>();

function read(): Read {
  const run = runContext();
  let r = readIn.get(run);
  if (!r) readIn.set(run, (r = { files: new Map(), held: 0, refused: false }));
  return r;
}

/**
 * commandFiles(text, dir), or undefined past the run's YAML budget (GITGUARD_YAML_PARSE_MB): the
 * caller cannot tell what the command runs, and says so.
 */
export function filesRun(text: string, dir = ''): readonly CommandFile[] | undefined {
  const r = read();
  const key = `${dir}\0${text}`;
  const had = r.files.get(key);
  if (had) return had.files;
  if (!chargeText(textKey(key), text.length + COMMAND_BYTES)) {
    r.refused = true;
    return undefined;
  }
  // Kept without the text it was sliced from (a workflow's whole version), weighed as unpinned weighs it.
  const size = { bytes: ENTRY_BYTES };
  const found = commandFiles(text, dir);
  const files = found.length ? unpinned(found, new Map(), size) : NONE;
  const entry = { files, weight: 0 };
  r.files.set(unpinned(key, new Map(), size), entry);
  r.held += entry.weight = size.bytes;
  for (const [k, e] of r.files) {
    if (r.held <= KEPT_BYTES || k === key) break;
    r.files.delete(k);
    r.held -= e.weight;
  }
  return files;
}

/**
 * Whether a command was left unread this run for the YAML budget (filesRun), or a CI text's lines
 * past the allowance for line readings (yaml-budget.ts chargeLines): what the CI runs is not all known.
 */
export const commandsRefused = (): boolean => read().refused || linesRefused();

/** How many command readings the run keeps now (bounded by their weight, KEPT_BYTES). */
export const keptCommands = (): number => read().files.size;
