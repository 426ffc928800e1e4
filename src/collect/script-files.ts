// Whether a CI step's script gates, with the files it runs from the checkout read at the commit
// (domain/checkout-runs.ts): the script is read, each file it asks for is read from the commit's
// tree, and the script read again, until it asks for none (MAX_ROUNDS, MAX_FILES: past them no gate).
// What the chain of the gate (gate-chains.ts) reads as reaching gitguard counts for a command of
// another kind (`node ci/gate.js`). Answers memoised per run by the script and the files read.
import { failsWithGitguard, type ShellMode } from '../domain/shell-gate.js';
import { commandFiles } from '../domain/ci-commands.js';
import type { Checkout, FileAt } from '../domain/shell-state.js';
import type { GitObject } from './objects.js';
import type { RunCommand } from './ci-yaml.js';
import { runContext } from './run-context.js';

const MAX_ROUNDS = 12;
const MAX_FILES = 64;
/** Bytes of scripts and the files they run read in one run, at most; past it: no gate. */
const BUDGET = 4 * 1024 * 1024;
const usedIn = new WeakMap<object, { bytes: number; answers: Map<string, boolean> }>();

/** `read`: a commit's object by `<tip>:<path>`; `chain`: the files the gate's chain reads as reaching gitguard. */
export async function stepGatesAt(
  read: (spec: string) => Promise<GitObject | null | undefined>,
  tip: string,
  command: RunCommand,
  mode: ShellMode,
  chain: ReadonlyMap<string, unknown>,
): Promise<boolean> {
  const run = runContext();
  let used = usedIn.get(run);
  if (!used) usedIn.set(run, (used = { bytes: 0, answers: new Map() }));
  const files = new Map<string, FileAt>();
  const vars = command.vars ?? new Map<string, string>();
  const leads = (words: readonly string[], dir: string): boolean =>
    commandFiles(words.join(' '), dir).some((f) => chain.has(f.path));
  for (let round = 0; round < MAX_ROUNDS; round += 1) {
    const asked = new Set<string>();
    const checkout: Checkout = {
      read: (p) => (files.has(p) ? files.get(p) : void asked.add(p)),
      leads,
      dir: command.dir,
      vars,
      files: 0,
    };
    const key = JSON.stringify([mode, command.dir, [...vars], command.text, [...files]]);
    const known = used.answers.get(key);
    if (known !== undefined) return known;
    const size = key.length;
    if (used.bytes + size > BUDGET) return false;
    used.bytes += size;
    const answer = failsWithGitguard(command.text, mode, checkout);
    if (!asked.size || files.size + asked.size > MAX_FILES) {
      used.answers.set(key, answer && !asked.size);
      return answer && !asked.size;
    }
    for (const p of asked) {
      const o = await read(`${tip}:${p}`);
      // A too-large blob is read as empty (derived-paths.ts readCiObject): unreadable, as a missing object.
      files.set(
        p,
        o === null
          ? null
          : o?.type === 'tree'
            ? 'tree'
            : o?.type === 'blob' && o.body.length
              ? { text: o.body.toString('utf8') }
              : 'unreadable',
      );
    }
  }
  return false;
}
