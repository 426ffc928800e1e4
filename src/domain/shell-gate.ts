// Whether a CI step's shell script fails when gitguard fails, as the forge's shell runs it: a step
// `npx gitguard audit || true` runs gitguard but can never fail the job, nor can `gitguard audit | tee
// out` without pipefail, `gitguard audit; true` without -e, `! gitguard audit`, `gitguard audit &`,
// `if gitguard audit; then ...; fi`, a `trap 'exit 0' EXIT`, or `gitguard --version`. The script is
// run on a few bits of state (errexit, pipefail, whether gitguard failed, the last status): every
// gitguard audit fails, `false` and `exit 1` fail, and any other command succeeds, except in a
// condition before gitguard failed, where it may go either way (`[ -n "$SKIP" ] && exit 0` may not
// run). The script gates if some run ends with a non-zero status after gitguard failed.
import { parseScript, type AndOr, type Command, type Pipeline, type Script, type Word } from './shell-syntax.js';
import { GITGUARD_WORD } from './ci-words.js';
import { base, gitguardCall, SHELLS } from './gitguard-call.js';

/** How the forge's shell starts a script: `-e` (errexit) and `-o pipefail`. */
export interface ShellMode {
  errexit: boolean;
  pipefail: boolean;
}

const E = 1; // errexit
const P = 2; // pipefail
const F = 4; // gitguard failed
const S = 8; // the last status is not zero
const B = 16; // a gitguard run in the background failed

type States = Set<number>;
/** Where a run goes: on, out of the script (`exit`), out of a function (`return`), out of a loop. */
interface Flow {
  run: States;
  exit: States;
  ret: States;
  brk: States;
}
const flow = (run: States = new Set()): Flow => ({ run, exit: new Set(), ret: new Set(), brk: new Set() });
const status = (s: number, nonzero: boolean): number => (nonzero ? s | S : s & ~S);
const add = (into: States, from: Iterable<number>): void => {
  for (const s of from) into.add(s);
};
/** Commands evaluated per script at most, and how deep scripts nest (`bash -c`, `eval`, functions). */
const MAX_STEPS = 20_000;
const MAX_DEPTH = 16;
const MAX_SCRIPT = 64 * 1024;

/** Words before a command that run it unchanged (their options skipped). */
const WRAPPERS = new Set(['sudo', 'env', 'time', 'nice', 'nohup', 'timeout', 'stdbuf', 'command', 'xvfb-run']);
class Shell {
  private exitTrap: Script | undefined;
  private errTrap: Script | undefined;
  constructor(
    private readonly budget: { steps: number },
    private readonly depth: number,
    private readonly funcs = new Map<string, Command>(),
  ) {}

  private child(): Shell {
    const sub = new Shell(this.budget, this.depth, new Map(this.funcs));
    sub.exitTrap = this.exitTrap;
    sub.errTrap = this.errTrap;
    return sub;
  }

  /** A whole script from `states`: where it ends, its EXIT trap run. */
  main(script: Script, states: States): States {
    const f = this.script(script, states, false, false);
    const ends = new Set([...f.run, ...f.exit, ...f.ret]);
    if (!this.exitTrap) return ends;
    const out: States = new Set();
    const trap = this.exitTrap;
    this.exitTrap = undefined;
    for (const s of ends) {
      const t = this.script(trap, new Set([s]), false, false);
      for (const r of [...t.run, ...t.ret]) out.add(status(r, (s & S) !== 0)); // the status it ended with stands
      add(out, t.exit);
    }
    return out;
  }

  script(list: Script, states: States, cond: boolean, inFunc: boolean): Flow {
    const out = flow();
    let run = states;
    for (const ao of list) {
      if (!run.size) break;
      const f = this.andOr(ao, run, cond, inFunc);
      add(out.exit, f.exit);
      add(out.ret, f.ret);
      add(out.brk, f.brk);
      run = f.run;
    }
    add(out.run, run);
    return out;
  }

  private andOr(ao: AndOr, states: States, cond: boolean, inFunc: boolean): Flow {
    if (ao.background) {
      // Started and left: the list returns 0 at once; a failure of gitguard there only reaches `wait`.
      const out = flow();
      for (const s of states) {
        const sub = this.child().script([{ ...ao, background: false }], new Set([s]), cond, false);
        const failed = [...sub.run, ...sub.exit, ...sub.ret].some((r) => (r & F) !== 0 && (s & F) === 0);
        out.run.add(status(failed ? s | B : s, false));
      }
      return out;
    }
    const out = flow();
    const n = ao.pipelines.length;
    const pending: States[] = ao.pipelines.map(() => new Set());
    add(pending[0]!, states);
    for (let i = 0; i < n; i += 1) {
      if (!pending[i]!.size) continue;
      // Only the last pipeline of a list can stop the script under -e.
      const f = this.pipeline(ao.pipelines[i]!, pending[i]!, cond || i < n - 1, inFunc);
      add(out.exit, f.exit);
      add(out.ret, f.ret);
      add(out.brk, f.brk);
      for (const s of f.run)
        for (let j = i; ; j += 1) {
          if (j >= n - 1) {
            out.run.add(s);
            break;
          }
          if ((ao.ops[j] === '&&') === ((s & S) === 0)) {
            pending[j + 1]!.add(s);
            break;
          }
        }
    }
    return out;
  }

  private pipeline(p: Pipeline, states: States, cond: boolean, inFunc: boolean): Flow {
    let f: Flow;
    if (p.commands.length === 1) f = this.command(p.commands[0]!, states, cond || p.negated, inFunc);
    else {
      f = flow();
      for (const s of states) {
        // Each part runs in a subshell; the status is the last part's, or with pipefail any failed part's.
        let ends = new Set([s & ~S]);
        for (const [k, c] of p.commands.entries()) {
          const sub = this.child().command(c, new Set([s]), cond || p.negated, false);
          const parts = new Set([...sub.run, ...sub.exit, ...sub.ret].map((r) => r & (F | B | S)));
          const next = new Set<number>();
          for (const e of ends)
            for (const part of parts) {
              const failed = (part & S) !== 0;
              const any = (e & S) !== 0 || failed;
              const last = k === p.commands.length - 1 ? failed : false;
              next.add((e & ~S) | (part & (F | B)) | ((s & P ? any : last) ? S : 0));
            }
          ends = next;
        }
        add(f.run, ends);
      }
    }
    if (p.negated) f.run = new Set([...f.run].map((s) => s ^ S));
    if (cond || p.negated) return f;
    const run: States = new Set();
    for (const s of f.run) {
      if (!(s & S)) {
        run.add(s);
        continue;
      }
      let after = new Set([s]);
      if (this.errTrap) {
        const trap = this.errTrap;
        this.errTrap = undefined;
        const t = this.script(trap, after, true, inFunc);
        this.errTrap = trap;
        add(f.exit, t.exit);
        after = new Set([...t.run].map((r) => status(r, true)));
      }
      for (const a of after) (a & E ? f.exit : run).add(a);
    }
    f.run = run;
    return f;
  }

  private command(c: Command, states: States, cond: boolean, inFunc: boolean): Flow {
    if ((this.budget.steps -= 1) < 0) throw new Error('script too long to follow');
    switch (c.kind) {
      case 'group': {
        if (!c.subshell) return this.script(c.body, states, cond, inFunc);
        const out = flow();
        for (const s of states) {
          const f = this.child().script(c.body, new Set([s]), cond, false);
          for (const r of [...f.run, ...f.exit, ...f.ret, ...f.brk]) out.run.add((r & ~(E | P)) | (s & (E | P)));
        }
        return out;
      }
      case 'if': {
        const out = flow();
        let pending = states;
        for (const [test, body] of c.clauses) {
          const t = this.script(test, pending, true, inFunc);
          this.merge(out, t);
          const yes = new Set([...t.run].filter((s) => !(s & S)));
          pending = new Set([...t.run].filter((s) => s & S));
          const b = this.script(body, yes, cond, inFunc);
          this.merge(out, b);
          add(out.run, b.run);
        }
        if (c.otherwise) {
          const b = this.script(c.otherwise, pending, cond, inFunc);
          this.merge(out, b);
          add(out.run, b.run);
        } else for (const s of pending) out.run.add(status(s, false));
        return out;
      }
      case 'loop': {
        const out = flow();
        let enter = states;
        if (c.cond) {
          const t = this.script(c.cond, states, true, inFunc);
          this.merge(out, t);
          enter = new Set([...t.run].filter((s) => ((s & S) !== 0) === c.until));
          for (const s of t.run) if (!enter.has(s)) out.run.add(status(s, false));
        } else for (const s of states) out.run.add(status(s, false));
        const b = this.script(c.body, enter, cond, inFunc);
        add(out.exit, b.exit);
        add(out.ret, b.ret);
        add(out.run, b.run);
        add(out.run, b.brk);
        return out;
      }
      case 'case': {
        const out = flow(new Set([...states].map((s) => status(s, false))));
        for (const branch of c.branches) {
          const b = this.script(branch, states, cond, inFunc);
          this.merge(out, b);
          add(out.run, b.run);
        }
        return out;
      }
      case 'function':
        this.funcs.set(c.name, c.body);
        return flow(new Set([...states].map((s) => status(s, false))));
      case 'simple':
        return this.simple(c.words, c.heredocs, states, cond, inFunc);
    }
  }

  private merge(into: Flow, from: Flow): void {
    add(into.exit, from.exit);
    add(into.ret, from.ret);
    add(into.brk, from.brk);
  }

  private nested(text: string, states: States, mode: ShellMode | undefined): States {
    // Too deep: read as one command naming what it names.
    if (this.depth >= MAX_DEPTH) return this.fixed(states, GITGUARD_WORD.test(text));
    const sub = new Shell(this.budget, this.depth + 1);
    const out: States = new Set();
    for (const s of states) {
      const flags = mode ? (mode.errexit ? E : 0) | (mode.pipefail ? P : 0) : s & (E | P);
      for (const r of sub.main(parseScript(text), new Set([(s & ~(E | P)) | flags])))
        out.add((r & ~(E | P)) | (s & (E | P)));
    }
    return out;
  }

  /** Each state with a known status: failed (gitguard's failure) or 0. */
  private fixed(states: States, fails: boolean): States {
    return new Set([...states].map((s) => (fails ? s | F | S : s & ~S)));
  }

  private simple(all: Word[], heredocs: string[], states: States, cond: boolean, inFunc: boolean): Flow {
    // Command substitutions run first, each in a subshell; a line of assignments ends with their status.
    let cur = states;
    const subs = all.flatMap((w) => w.substitutions);
    for (const text of subs) cur = this.nested(text, cur, undefined);
    let i = 0;
    while (i < all.length && /^[A-Za-z_]\w*=/.test(all[i]!.value)) i += 1;
    while (
      i < all.length &&
      WRAPPERS.has(base(all[i]!.value)) &&
      !(all[i]!.value === 'command' && all[i + 1]?.value === '-v')
    )
      for (i += 1; i < all.length && /^(?:-|\d|[A-Za-z_]\w*=)/.test(all[i]!.value);) i += 1;
    const words = all.slice(i).map((w) => w.value);
    if (!words.length) return flow(subs.length ? cur : new Set([...cur].map((s) => status(s, false))));
    const [name, ...args] = [words[0]!, ...words.slice(1)];
    const out = flow();
    const each = (f: (s: number) => number): States => new Set([...cur].map(f));
    switch (name) {
      case 'set':
        return flow(each((s) => status(setOptions(s, args), false)));
      case 'true':
      case ':':
        return flow(each((s) => status(s, false)));
      case 'false':
        return flow(each((s) => status(s, true)));
      case 'exit':
      case 'return': {
        const arg = args[0];
        const ends: States = new Set();
        for (const s of cur) {
          if (arg === undefined || arg === '$?') ends.add(s);
          else if (/^\d+$/.test(arg)) ends.add(status(s, Number(arg) % 256 !== 0));
          else for (const nz of [false, true]) ends.add(status(s, nz));
        }
        if (name === 'exit') out.exit = ends;
        else if (inFunc) out.ret = ends;
        else out.run = each((s) => status(s, true)); // `return` outside a function fails
        return out;
      }
      case 'break':
      case 'continue':
        out.brk = each((s) => status(s, false));
        return out;
      case 'trap': {
        const [handler, ...signals] = args;
        const script = handler === undefined || handler === '-' || handler === '' ? undefined : parseScript(handler);
        if (signals.some((g) => ['EXIT', '0', 'SIGEXIT'].includes(g.toUpperCase()))) this.exitTrap = script;
        if (signals.some((g) => g.toUpperCase() === 'ERR')) this.errTrap = script;
        return flow(each((s) => status(s, false)));
      }
      case 'wait':
        return flow(each((s) => (args.length && s & B ? s | F | S : status(s, false))));
      case 'eval':
        if (this.depth >= MAX_DEPTH) break;
        return new Shell(this.budget, this.depth + 1, this.funcs).script(
          parseScript(args.join(' ')),
          cur,
          cond,
          inFunc,
        );
      case 'exec': {
        if (!args.length) return flow(cur);
        const f = this.simple(all.slice(i + 1), heredocs, cur, cond, inFunc);
        return { ...f, run: new Set(), exit: new Set([...f.run, ...f.exit, ...f.ret]) };
      }
    }
    const body = this.funcs.get(name);
    if (body && this.depth < MAX_DEPTH) {
      const f = new Shell(this.budget, this.depth + 1, this.funcs).command(body, cur, cond, true);
      return { run: new Set([...f.run, ...f.ret]), exit: f.exit, ret: new Set(), brk: f.brk };
    }
    if (SHELLS.has(base(name))) {
      const c = args.findIndex((a) => /^-[a-z]*c[a-z]*$/.test(a));
      const opts = args.slice(0, c < 0 ? args.length : c + 1);
      const script = c >= 0 ? args.slice(c + 1).find((a) => !a.startsWith('-') && !a.startsWith('+')) : heredocs[0];
      const file = args.find((a, k) => !a.startsWith('-') && !a.startsWith('+') && args[k - 1] !== '-o');
      if (script !== undefined && (c >= 0 || file === undefined)) {
        const mode = { errexit: opts.some((o) => /^-\w*e/.test(o)), pipefail: opts.includes('pipefail') };
        return flow(this.nested(script, cur, mode));
      }
    }
    if (GITGUARD_WORD.test(words.join(' '))) {
      if (gitguardCall(words) === 'check') return flow(this.fixed(cur, true));
      if (!['test', '[', '[['].includes(name)) return flow(this.fixed(cur, false));
    }
    // Any other command succeeds; in a condition before gitguard failed it may go either way.
    for (const s of cur) {
      out.run.add(status(s, false));
      if (cond && !(s & F)) out.run.add(status(s, true));
    }
    return out;
  }
}

/** `set` with its options: -e / +e, -o errexit, -o pipefail, bundled (`-euxo pipefail`). */
function setOptions(s: number, args: readonly string[]): number {
  let out = s;
  for (let k = 0; k < args.length; k += 1) {
    const a = args[k]!;
    if (!/^[-+]\w/.test(a)) break;
    const on = a[0] === '-';
    const letters = a.slice(1);
    if (letters.includes('e')) out = on ? out | E : out & ~E;
    if (letters.includes('o')) {
      const o = args[(k += 1)];
      if (o === 'errexit') out = on ? out | E : out & ~E;
      if (o === 'pipefail') out = on ? out | P : out & ~P;
    }
  }
  return out;
}

/**
 * Whether `script`, run as `mode` says, can end with a non-zero status because gitguard failed: a step
 * whose gitguard run cannot fail it is no gate. A script past MAX_STEPS or MAX_SCRIPT is no gate either.
 */
export function failsWithGitguard(script: string, mode: ShellMode): boolean {
  // A step script is kilobytes; one past MAX_SCRIPT is no gate (as a CI file too large to read).
  if (!GITGUARD_WORD.test(script) || script.length > MAX_SCRIPT) return false;
  try {
    const start = (mode.errexit ? E : 0) | (mode.pipefail ? P : 0);
    const ends = new Shell({ steps: MAX_STEPS }, 0).main(parseScript(script), new Set([start]));
    return [...ends].some((s) => (s & F) !== 0 && (s & S) !== 0);
  } catch {
    return false;
  }
}
