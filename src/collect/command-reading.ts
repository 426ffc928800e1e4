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
 * The commands kept read, by their length (oldest dropped first): an honest history asks the same ones
 * again. One dropped and asked again is charged to the budget's allowance for readings again, not as new.
 */
const KEPT_BYTES = 4 * 1024 * 1024;

interface Read {
  files: Map<string, CommandFile[]>;
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
export function filesRun(text: string, dir = ''): CommandFile[] | undefined {
  const r = read();
  const key = `${dir}\0${text}`;
  const had = r.files.get(key);
  if (had) return had;
  if (!chargeText(textKey(key), text.length + COMMAND_BYTES)) {
    r.refused = true;
    return undefined;
  }
  // Kept without the text it was sliced from (a workflow's whole version).
  const files = unpinned(commandFiles(text, dir));
  r.files.set(unpinned(key), files);
  r.held += key.length;
  for (const [k] of r.files) {
    if (r.held <= KEPT_BYTES) break;
    r.files.delete(k);
    r.held -= k.length;
  }
  return files;
}

/**
 * Whether a command was left unread this run for the YAML budget (filesRun), or a CI text's lines
 * past the allowance for line readings (yaml-budget.ts chargeLines): what the CI runs is not all known.
 */
export const commandsRefused = (): boolean => read().refused || linesRefused();
