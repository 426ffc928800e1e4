// git's options before its command (`git -C dir -c k=v checkout x`), read as git's handle_options
// reads them (git(1)): the one reading of where a git command line's subcommand is, shared by the
// readings of what a CI step's git does (checkout-moves.ts, step-env.ts, step-folder.ts,
// written-targets.ts). The options of every git a runner may have are known (2.39's and the later
// `--attr-source`, `--no-lazy-fetch`, `--no-advice`); one not known is no guess: `unknown`.

/** Options whose value is the next word or joined by `=` (`--git-dir x`, `--git-dir=x`). */
const VALUED = new Set(['--git-dir', '--work-tree', '--namespace', '--super-prefix', '--config-env', '--attr-source']);
/** Options whose value is the next word only (`-C dir`, `-c k=v`, `--shallow-file f`). */
const NEXT_VALUED = new Set(['-C', '-c', '--shallow-file']);
/** Options that take no value. */
const FLAGS = new Set([
  '-p',
  '--paginate',
  '-P',
  '--no-pager',
  '--no-replace-objects',
  '--bare',
  '--literal-pathspecs',
  '--no-literal-pathspecs',
  '--glob-pathspecs',
  '--noglob-pathspecs',
  '--icase-pathspecs',
  '--no-optional-locks',
  '--no-lazy-fetch',
  '--no-advice',
]);
/** Options after which git prints a path or a list and exits, running no command. */
const PRINTS = /^(?:--exec-path|--html-path|--man-path|--info-path|--list-cmds=.*)$/;
/** Options git runs as a command of that name, the words after them its arguments (`git --help x` is `git help x`). */
const AS_COMMAND: Record<string, string> = { '--version': 'version', '-v': 'version', '--help': 'help', '-h': 'help' };

/** A git command line past `git`: its options before the command (each with its value, '' for none), the command and its words. */
export interface GitCommand {
  options: ReadonlyArray<readonly [name: string, value: string]>;
  /** undefined where git runs none (no word left, an option's value missing, `--exec-path`). */
  sub: string | undefined;
  rest: readonly string[];
}

/** git's reading of `args` (the words after `git`); `unknown` where an option before the command is none git knows. */
export function gitSubcommand(args: readonly string[]): GitCommand | 'unknown' {
  const options: Array<readonly [string, string]> = [];
  const none = { options, sub: undefined, rest: [] };
  for (let k = 0; k < args.length; k += 1) {
    const a = args[k]!;
    const command = AS_COMMAND[a];
    if (command !== undefined) return { options, sub: command, rest: args.slice(k + 1) };
    if (!a.startsWith('-')) return { options, sub: a, rest: args.slice(k + 1) };
    if (PRINTS.test(a)) return none;
    const joined = /^(--[\w-]+)=(.*)$/s.exec(a);
    if (joined && (VALUED.has(joined[1]!) || joined[1] === '--exec-path')) options.push([joined[1]!, joined[2]!]);
    else if (VALUED.has(a) || NEXT_VALUED.has(a)) {
      if ((k += 1) >= args.length) return none;
      options.push([a, args[k]!]);
    } else if (FLAGS.has(a)) options.push([a, '']);
    else return 'unknown';
  }
  return none;
}
