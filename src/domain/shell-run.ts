// The shell domain/shell-gate.ts runs a step's script in: each command's effect on the run's bits
// (shell-state.ts), along lists, pipelines, compound commands, functions, eval, traps and subshells.
import { parseScript, type AndOr, type Command, type Pipeline, type Script, type Word } from './shell-syntax.js';
import { GITGUARD_WORD } from './ci-words.js';
import { base, SHELLS } from './gitguard-call.js';
import { eventTest } from './actions-run.js';
import { checkoutRun } from './checkout-runs.js';
import { commandString, wrappedStart } from './command-wrappers.js';
import { caseCommand, ifCommand, loopCommand, merge } from './shell-compound.js';
import { changesCheckout, mayRunGitProgram, setsGitProgram } from './checkout-moves.js';
import { gitAssignmentLoses } from './env-names.js';
import { writesFiles } from './written-targets.js';
import { cdTarget, commandDirs, FOLDER, makesRepository } from './step-folder.js';
import {
  add,
  argWords,
  assignStatus,
  inlineScript,
  builtin,
  B,
  copyDefs,
  DECLARES,
  define,
  E,
  F,
  flow,
  N,
  HOOK_FUNCTIONS,
  newDefs,
  noExec,
  P,
  quote,
  S,
  optionsAfter,
  commandStart,
  status,
  unfollowedAssignment,
  runnersOwn,
  gateStates,
  type CheckoutRun,
  type ShellBudget,
  type Defs,
  type Flow,
  statusTest,
  type ShellMode,
  type States,
} from './shell-state.js';

/** How deep scripts nest (`bash -c`, `eval`, functions, aliases). */
const MAX_DEPTH = 16;

/** A shell running a script on sets of states; `budget.event`: `[ "$GITHUB_EVENT_NAME" = schedule ]` is decided. */
export class Shell {
  constructor(
    private readonly budget: ShellBudget,
    private readonly depth: number,
    private readonly defs: Defs = newDefs(),
    private readonly noArgs = false, // ShellMode's noArgs: the script's "$@" is no word
  ) {}

  /** Whether this is the script's own shell, not a subshell of it (a folder mkdir makes counts: FolderTable.after). */
  private top = true;

  /** A subshell (`( )`, a part of a pipeline, `$( )`, `&`): what it defines stays in it. */
  private child(): Shell {
    const sub = new Shell(this.budget, this.depth, copyDefs(this.defs));
    sub.top = false;
    return sub;
  }

  /** A whole script from `states`: where it ends, each EXIT trap it may have set run. */
  main(script: Script, states: States): States {
    const f = this.script(script, states, false, false);
    const ends = new Set([...f.run, ...f.exit, ...f.ret]);
    const traps = this.defs.exit;
    this.defs.exit = [undefined];
    const out: States = new Set();
    for (const trap of traps) {
      if (!trap) {
        add(out, ends);
        continue;
      }
      for (const s of ends) {
        const t = this.script(trap, new Set([s]), false, false);
        for (const r of [...t.run, ...t.ret]) out.add(status(r, (s & S) !== 0)); // the status it ended with stands
        add(out, t.exit);
      }
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
        const ends = [...sub.run, ...sub.exit, ...sub.ret];
        const failed = ends.some((r) => (r & F) !== 0 && (s & F) === 0);
        const lost = ends.some((r) => (r & N) !== 0);
        // What it removes lands at any time: a folder made counts after it only where it ran no rm or ln.
        const made = this.budget.folders.keptMade(s, ends);
        out.run.add(status((failed ? made | B : made) | (lost ? N : 0), false));
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
        const subs = p.commands.map((c) => this.child().command(c, new Set([s]), cond || p.negated, false));
        // A part that ran `rm` or `ln` leaves no folder counted as made (FolderTable.keptMade).
        const all = subs.flatMap((sub) => [...sub.run, ...sub.exit, ...sub.ret]);
        let ends = new Set([this.budget.folders.keptMade(s, all) & ~S]);
        for (const [k, sub] of subs.entries()) {
          const parts = new Set([...sub.run, ...sub.exit, ...sub.ret].map((r) => r & (F | B | S | N)));
          const next = new Set<number>();
          for (const e of ends)
            for (const part of parts) {
              const failed = (part & S) !== 0;
              const any = (e & S) !== 0 || failed;
              const last = k === p.commands.length - 1 ? failed : false;
              next.add((e & ~S) | (part & (F | B | N)) | ((s & P ? any : last) ? S : 0));
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
      const after: States = new Set();
      const traps = this.defs.err;
      this.defs.err = [undefined];
      for (const trap of traps) {
        if (!trap) {
          after.add(s);
          continue;
        }
        const t = this.script(trap, new Set([s]), true, inFunc);
        add(f.exit, t.exit);
        for (const r of t.run) after.add(status(r, true));
      }
      this.defs.err = traps;
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
        // A subshell runs the EXIT trap it sets when it ends; in a condition (`if (( 1 == 2 ))`, `if (test
        // -n "")`) its commands are read as in none, so it may also fail.
        for (const s of states)
          for (const r of this.child().main(c.body, new Set([s]))) {
            out.run.add((r & ~(E | P | FOLDER)) | (s & (E | P | FOLDER)));
            if (cond) out.run.add((r & ~(E | P | FOLDER)) | (s & (E | P | FOLDER)) | S);
          }
        return out;
      }
      case 'if':
        return ifCommand(this, c, states, cond, inFunc);
      case 'loop':
        return loopCommand(this, c, states, cond, inFunc);
      case 'case':
        return caseCommand(this, c, states, cond, inFunc);
      case 'function':
        define(this.defs.funcs, c.name, c.body);
        return flow(new Set([...states].map((s) => status(s | (HOOK_FUNCTIONS.has(c.name) ? N : 0), false))));
      case 'simple':
        return this.simple(c.words, c.heredocs, states, cond, inFunc);
    }
  }

  /** `dirs`: the folders it starts in, from the caller's (`make -C x`: commandDirs); it returns to the caller's. */
  private nested(text: string, states: States, mode: ShellMode | undefined, dirs: readonly string[] = []): States {
    // Too deep: read as one command naming what it names.
    if (this.depth >= MAX_DEPTH)
      return GITGUARD_WORD.test(text) ? this.gate(states, [], dirs) : this.fixed(states, false);
    // `$( )` runs this shell's functions; `bash -c` may too (`export -f`). Bash runs `$( )` without
    // errexit (no inherit_errexit): read so, as sh's keeping it only makes more scripts fail.
    const defs = { ...newDefs(), funcs: copyDefs(this.defs).funcs };
    const sub = new Shell(this.budget, this.depth + 1, defs, mode?.noArgs === true);
    const out: States = new Set();
    for (const s of states) {
      const flags = mode ? (mode.errexit ? E : 0) | (mode.pipefail ? P : 0) : s & P;
      const start = this.budget.folders.in((s & ~(E | P)) | flags, this.budget.folders.place(s, dirs).folder);
      for (const r of sub.main(parseScript(text), new Set([start])))
        out.add((r & ~(E | P | FOLDER)) | (s & (E | P | FOLDER)));
    }
    return out;
  }
  /** A file of the checkout run (checkout-runs.ts): a sourced one in this shell (`return` ends it), too deep: N. */
  private fromCheckout(run: CheckoutRun, cur: States, cond: boolean, dirs: readonly string[]): Flow {
    if (run === 'check') return flow(this.gate(cur, [], dirs));
    if (!run || run === 'unfollowed' || this.depth >= MAX_DEPTH - 1)
      return flow(new Set([...cur].map((s) => status(s | N, false))));
    if (!run.source) return flow(this.nested(run.text, cur, run.mode, dirs));
    const f = new Shell(this.budget, this.depth + 1, this.defs).script(parseScript(run.text), cur, cond, true);
    return { ...f, run: new Set([...f.run, ...f.ret]), ret: new Set() };
  }

  /** Each state with a known status: failed (gitguard's failure) or 0. */
  private fixed(states: States, fails: boolean): States {
    return new Set([...states].map((s) => (fails ? s | F | S : s & ~S)));
  }

  /**
   * What `name args` runs from the checkout (checkout-runs.ts), its paths read from the folder every
   * run in `cur` is in (`cd tools && ./gate.sh`: tools/gate.sh); runs in folders not known or not the
   * same (`cd "$X"`, `cd tools || true`): none followed.
   */
  private fromHere(cur: States, name: string, args: readonly string[]): CheckoutRun | undefined {
    const co = this.budget.checkout;
    if (!co) return undefined;
    const here = new Set([...cur].map((s) => this.budget.folders.place(s).folder));
    co.dir = here.size === 1 ? [...here][0]! : null;
    return checkoutRun(name, args, co);
  }

  /** After `cd`/`pushd`/`popd` with `args` (`popd`, `cd -`: a folder not known). */
  private moved(states: States, args: readonly string[], cond: boolean): Flow {
    const { folders } = this.budget;
    const out = flow(
      new Set([...states].map((s) => status(folders.in(s, cdTarget(args, folders.place(s).folder)), false))),
    );
    if (cond) for (const s of states) out.run.add(status(s, true));
    return out;
  }

  private gate(states: States, words: readonly string[], dirs: readonly string[]): States {
    return gateStates(states, words, dirs, this.budget.folders, this.budget.checkout);
  }

  private simple(all: Word[], heredocs: string[], states: States, cond: boolean, inFunc: boolean): Flow {
    // Command substitutions run first, each in a subshell; a line of assignments ends with their status.
    let cur = states;
    const subs = all.flatMap((w) => w.substitutions);
    for (const text of subs) cur = this.nested(text, cur, undefined);
    const i = commandStart(all);
    const words = argWords(all.slice(i), this.noArgs && !inFunc);
    const assigned = [...all.slice(0, i), ...(DECLARES.has(words[0] ?? '') ? all.slice(i + 1) : [])];
    // A variable, a checkout moved to another commit, a git program set before (`git config alias.w
    // '!...'` then `git w`): the rest of the run cannot follow (step-env.ts, checkout-moves.ts).
    // A git program in a variable (`GIT_EXTERNAL_DIFF=./x git diff`, `export GIT_EDITOR=...`) counts as set.
    const gitVar = assigned.some((w) => gitAssignmentLoses(w.value));
    const moved = changesCheckout(words) || ((this.budget.gitProgram === true || gitVar) && mayRunGitProgram(words));
    if (moved || assigned.some((w) => unfollowedAssignment(w.value))) cur = new Set([...cur].map((s) => s | N));
    this.budget.gitProgram ||= setsGitProgram(words) || gitVar;
    if (!words.length || DECLARES.has(words[0]!)) {
      const values = assigned.map((w) => w.value);
      cur = new Set([...cur].map((s) => assignStatus(s, values, this.budget.status)));
    }
    if (!words.length) return flow(subs.length ? cur : new Set([...cur].map((s) => status(s, false))));
    const [name, ...args] = [words[0]!, ...words.slice(1)];
    const out = flow();
    const each = (f: (s: number) => number): States => new Set([...cur].map(f));
    const aliases = this.defs.aliases.get(name);
    if (aliases && this.depth < MAX_DEPTH) {
      // Each text the alias may stand for, read again in front of the words (as bash and dash expand it).
      const out = flow();
      const rest = all.slice(i + 1).map((w) => quote(w.value));
      const inner = new Shell(this.budget, this.depth + 1, { ...this.defs, aliases: new Map() });
      for (const text of aliases)
        merge(out, inner.script(parseScript([text, ...rest].join(' ')), cur, cond, inFunc), true);
      return out;
    }
    const options = optionsAfter(name, args);
    if (options) return flow(new Set([...cur].flatMap(options)));
    const done = builtin(name, args, cur, inFunc, this.defs);
    if (done) return done;
    switch (name) {
      case '.':
      case 'source':
        // The runner's own file (runnersOwn) is read as setting nothing the gate hangs on; a checkout's may.
        if (args[0] !== undefined && runnersOwn(args[0]) && !/\.\.(?:\/|$)/.test(args[0]))
          return flow(each((s) => status(s, false)));
        return this.fromCheckout(this.fromHere(cur, name, args), cur, cond, []);
      case 'eval':
        if (this.depth >= MAX_DEPTH) break;
        return new Shell(this.budget, this.depth + 1, this.defs).script(parseScript(args.join(' ')), cur, cond, inFunc);
      case 'exec': {
        if (!args.length) return flow(cur);
        // Past its options (`exec -a name gitguard audit`); one it does not take: read as a command.
        const f = this.simple(all.slice(i + Math.max(1, wrappedStart(words).start)), heredocs, cur, cond, inFunc);
        return { ...f, run: new Set(), exit: new Set([...f.run, ...f.exit, ...f.ret]) };
      }
    }
    const bodies = this.defs.funcs.get(name);
    if (bodies && this.depth < MAX_DEPTH) {
      // Each body the name may have (a function defined in one branch only): their runs together.
      const out = flow();
      const inner = new Shell(this.budget, this.depth + 1, this.defs);
      for (const body of bodies) {
        const f = inner.command(body, cur, cond, true);
        add(out.run, [...f.run, ...f.ret]);
        add(out.exit, f.exit);
        add(out.brk, f.brk);
      }
      return out;
    }
    if (SHELLS.has(base(name))) {
      const inline = inlineScript(args, heredocs);
      if (inline)
        return flow(noExec(args) ? each((s) => status(s | N, false)) : this.nested(inline.script, cur, inline.mode));
    }
    // `flock f -c 'cmd'`, `script -e -c 'cmd'`: the shell runs the string, its status passed on.
    const handed = commandString(words);
    if (handed !== undefined) return flow(this.nested(handed, cur, { errexit: false, pipefail: false }));
    // `cd x`, `pushd x`: the folder each run is in next (step-folder.ts), or where it was if it fails (a condition).
    if (['cd', 'pushd', 'popd'].includes(name)) return this.moved(cur, args, cond);
    // `git init tools && cd tools`: a folder of the checkout may now be another repository.
    if (base(name) === 'git' && makesRepository(args)) this.budget.folders.reposMade();
    const dirs = commandDirs(all.map((w) => w.value));
    // A command writing files (`cp x ci/gate.sh`, `tee ci/gitguard.sh`) runs neither them nor gitguard
    // (written-targets.ts); git's commands are read as before (`git clone URL /tmp/gitguard` in the GitLab template).
    const writer = base(name) !== 'git' && writesFiles(words.slice(wrappedStart(words).start));
    const run = writer ? undefined : this.fromHere(cur, name, args);
    if (run) return this.fromCheckout(run, cur, cond, dirs);
    if (GITGUARD_WORD.test(words.join(' '))) {
      const after = writer ? this.fixed(cur, false) : this.gate(cur, words, dirs);
      if (!['test', '[', '[['].includes(name) || [...after].some((s) => s & F)) return flow(after);
    }
    // `[ "$GITHUB_EVENT_NAME" = schedule ]`: false where a change runs the workflow (push, pull_request).
    const event = this.budget.event && ['[', 'test', '[['].includes(name) ? eventTest(args) : undefined;
    if (event !== undefined) return flow(each((s) => status(s, !event)));
    // A command named by a variable may be `set`, `trap`, `alias`...: nothing after it is followed.
    if (/[$`]/.test(name)) cur = new Set([...cur].map((s) => s | N));
    // A test of `$?` or of the status variable (`rc=$?`) is decided; any other command succeeds, and in
    // a condition may go either way, after gitguard failed too (`if [ -n "" ]; then exit 1; fi` passes).
    const test = ['[', 'test', '[['].includes(name);
    const [folders, program] = [this.budget.folders, words.slice(wrappedStart(words).start)];
    for (const s of cur) {
      const holds = test ? statusTest(args, s, this.budget.status) : undefined;
      // A folder made counts where a failed mkdir cannot go on to use it: in the script itself (no
      // subshell, function or file it runs), in a condition's branch where it succeeded, or under -e.
      const made = this.top && this.depth === 0 && (cond || (s & E) !== 0);
      out.run.add(status(folders.after(s, program, made && holds !== false), holds === false));
      if (cond && holds === undefined) out.run.add(status(folders.after(s, program, false), true));
    }
    return out;
  }
}
