// The compound commands of the shell shell-run.ts runs: `if`, loops and `case` on sets of states,
// each part run by the shell that holds the script's definitions.
import type { Command, Script } from './shell-syntax.js';
import { add, flow, status, S, type Flow, type States } from './shell-state.js';

/** The shell running a compound command's parts (shell-run.ts). */
export interface ScriptRunner {
  script(list: Script, states: States, cond: boolean, inFunc: boolean): Flow;
}

type Of<K extends Command['kind']> = Extract<Command, { kind: K }>;

/** `from`'s exits, returns and breaks added to `into` (and its runs too with `run`). */
export function merge(into: Flow, from: Flow, run = false): void {
  add(into.exit, from.exit);
  add(into.ret, from.ret);
  add(into.brk, from.brk);
  if (run) add(into.run, from.run);
}

/** `if`: each clause's test decides where runs go; none taken with no `else`: status 0. */
export function ifCommand(sh: ScriptRunner, c: Of<'if'>, states: States, cond: boolean, inFunc: boolean): Flow {
  const out = flow();
  let pending = states;
  for (const [test, body] of c.clauses) {
    const t = sh.script(test, pending, true, inFunc);
    merge(out, t);
    const yes = new Set([...t.run].filter((s) => !(s & S)));
    pending = new Set([...t.run].filter((s) => s & S));
    merge(out, sh.script(body, yes, cond, inFunc), true);
  }
  if (c.otherwise) merge(out, sh.script(c.otherwise, pending, cond, inFunc), true);
  else for (const s of pending) out.run.add(status(s, false));
  return out;
}

/** `while`/`until`/`for`: the body once (entered or not), a `break` leaving it. */
export function loopCommand(sh: ScriptRunner, c: Of<'loop'>, states: States, cond: boolean, inFunc: boolean): Flow {
  const out = flow();
  let enter = states;
  if (c.cond) {
    const t = sh.script(c.cond, states, true, inFunc);
    merge(out, t);
    enter = new Set([...t.run].filter((s) => ((s & S) !== 0) === c.until));
    for (const s of t.run) if (!enter.has(s)) out.run.add(status(s, false));
  } else if (!c.entered) for (const s of states) out.run.add(status(s, false));
  const b = sh.script(c.body, enter, cond, inFunc);
  add(out.exit, b.exit);
  add(out.ret, b.ret);
  add(out.run, b.run);
  add(out.run, b.brk);
  return out;
}

/** `case`: any branch, or none (status 0). */
export function caseCommand(sh: ScriptRunner, c: Of<'case'>, states: States, cond: boolean, inFunc: boolean): Flow {
  const out = flow(new Set([...states].map((s) => status(s, false))));
  for (const branch of c.branches) merge(out, sh.script(branch, states, cond, inFunc), true);
  return out;
}
