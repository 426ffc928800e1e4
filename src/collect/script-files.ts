// Whether a CI step's script gates, with the files it runs from the checkout read at the commit
// (domain/checkout-runs.ts): the script is read, each file it asks for is read from the commit's
// tree, and the script read again, until it asks for none (MAX_ROUNDS, MAX_FILES: past them no gate).
// What the chain of the gate (gate-chains.ts) reads as reaching gitguard counts for a command of
// another kind (`node ci/gate.js`). Answers memoised per run by the script and the files read.
import { failsWithGitguard, type ShellMode } from '../domain/shell-gate.js';
import { commandFiles, GITGUARD_WORD } from '../domain/ci-commands.js';
import { runMode } from '../domain/actions-run.js';
import { bashEnvFirst } from '../domain/checkout-runs.js';
import type { Checkout, FileAt } from '../domain/shell-state.js';
import type { GitObject } from './objects.js';
import type { RunCommand } from './ci-yaml.js';
import { runContext } from './run-context.js';

const MAX_ROUNDS = 12;
const MAX_FILES = 64;
/** Bytes of scripts and the files they run read in one run, at most; past it: no gate. */
const BUDGET = 4 * 1024 * 1024;
const usedIn = new WeakMap<object, { bytes: number; answers: Map<string, { answer: boolean; asked: string[] }> }>();

/**
 * Whether one of `commands` (a CI configuration's, at commit `tip`) gates: read with the files it
 * runs, under GitHub's shell (its `shell:`) or `gitlab` (GitLab's). `chain`: the files the gate's
 * chain (gate-chains.ts) reads as reaching gitguard; a command of no POSIX shell counts as it says.
 */
export async function stepsGateAt(
  read: (spec: string) => Promise<GitObject | null | undefined>,
  tip: string,
  commands: readonly RunCommand[],
  chain: ReadonlyMap<string, unknown>,
  gitlab: ShellMode | undefined,
): Promise<boolean> {
  for (const c of commands) {
    const reaches = commandFiles(c.text, c.dir).some((f) => chain.has(f.path));
    if (!reaches && !GITGUARD_WORD.test(c.text)) continue;
    const mode = gitlab ?? runMode(c.shell, undefined);
    // The step's own bash reads BASH_ENV first (GitHub's `bash -e {0}`, GitLab's bash).
    const bash = gitlab !== undefined || c.shell === undefined || /^bash\b/.test(c.shell);
    const text = bash ? bashEnvFirst(c.text, c.vars) : c.text;
    if (mode ? await stepGatesAt(read, tip, { ...c, text }, mode, chain) : reaches) return true;
  }
  return false;
}

/** `read`: a commit's object by `<tip>:<path>`; `chain`: the files the gate's chain reads as reaching gitguard. */
async function stepGatesAt(
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
    // Each reading memoised with the files it asked for: a step is read again only for other contents.
    const key = JSON.stringify([mode, command.dir, command.dirUnknown, [...vars], command.text, [...files]]);
    let known = used.answers.get(key);
    if (!known) {
      if (used.bytes + key.length > BUDGET) return false;
      used.bytes += key.length;
      const asked = new Set<string>();
      const checkout: Checkout = {
        read: (p) => (files.has(p) ? files.get(p) : void asked.add(p)),
        leads,
        dir: command.dirUnknown ? null : command.dir,
        vars,
        files: 0,
      };
      known = { answer: failsWithGitguard(command.text, mode, checkout), asked: [...asked] };
      used.answers.set(key, known);
    }
    if (!known.asked.length) return known.answer;
    if (files.size + known.asked.length > MAX_FILES) return false;
    for (const p of known.asked) {
      const o = await read(`${tip}:${p}`);
      // A too-large blob is read as empty (derived-paths.ts readCiObject): unreadable, as a missing object.
      const blob = o?.type === 'blob' && o.body.length ? { text: o.body.toString('utf8') } : 'unreadable';
      files.set(p, o === null ? null : o?.type === 'tree' ? 'tree' : blob);
    }
  }
  return false;
}
