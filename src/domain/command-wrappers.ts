// Programs that run the command in their words (`timeout 60 gitguard audit`, `find . -exec gitguard
// audit \;`), read from their manuals: a wrapper that runs it once, in the foreground, with its exit
// status passed on (or a non-zero one of its own) is read through; one that may run it never or many
// times, ignore its status, run it elsewhere (another host, a container image's own gitguard) or in
// the background is no gate, as is a known wrapper with an option the table does not list.

/** A wrapper that runs its command once and passes its status, with the options it reads before it. */
interface Faithful {
  /** Short options without a value. */
  flags?: string;
  /** Short options with a value (`-n 5`, `-n5`). */
  valued?: string;
  /** Long options: `--x` alone, `--x=` with a value (`--x=v`, `--x v`), `--x?` with one only after `=`. */
  long?: readonly string[];
  /** Words that are no option before the command (timeout's DURATION, flock's FILE). */
  operands?: number;
  /** NAME=VALUE words before the command (env). */
  assigns?: true;
  /** `-N` (nice's old form of `-n N`). */
  numeric?: true;
}

/**
 * The faithful wrappers. What a listed option leaves out is no gate: `command -v` and `sudo -l` print,
 * `sudo -b` runs in the background, `env -S` splits a string into another command, `flock -E 0` passes
 * when the lock is taken, `sudo -i` and `-s` start a login shell with its own PATH.
 */
const FAITHFUL: ReadonlyMap<string, Faithful> = new Map<string, Faithful>([
  // bash's keyword and GNU time: the command's status.
  [
    'time',
    {
      flags: 'pvqa',
      valued: 'of',
      long: ['--portability', '--verbose', '--quiet', '--append', '--output=', '--format='],
    },
  ],
  // 125 on its own error, else the command's status.
  ['nice', { valued: 'n', long: ['--adjustment='], numeric: true }],
  ['nohup', {}],
  // 124 when the time runs out (--preserve-status: 128+signal), else the command's status.
  [
    'timeout',
    {
      flags: 'v',
      valued: 'ks',
      long: ['--preserve-status', '--foreground', '--verbose', '--kill-after=', '--signal='],
      operands: 1,
    },
  ],
  ['stdbuf', { valued: 'ioe', long: ['--input=', '--output=', '--error='] }],
  // util-linux's schedulers exec the command after setting its class, policy or CPUs (their own
  // failure: status 1); `-p`/`-P`/`-u` act on running processes instead and are not listed.
  ['ionice', { flags: 't', valued: 'cn', long: ['--class=', '--classdata=', '--ignore'] }],
  [
    'chrt',
    {
      flags: 'bdfiorRv',
      valued: 'TPD',
      long: [
        ...['--batch', '--deadline', '--fifo', '--idle', '--other', '--rr', '--reset-on-fork', '--verbose'],
        ...['--sched-runtime=', '--sched-period=', '--sched-deadline='],
      ],
      operands: 1,
    },
  ],
  ['taskset', { flags: 'c', long: ['--cpu-list'], operands: 1 }],
  ['command', { flags: 'p' }],
  // `builtin gitguard` is not a builtin: status 1, as a failed gitguard.
  ['builtin', {}],
  ['exec', { flags: 'cl', valued: 'a' }],
  [
    'env',
    {
      flags: 'iv',
      valued: 'uC',
      long: [
        ...['--ignore-environment', '--debug', '--unset=', '--chdir=', '--list-signal-handling'],
        ...['--block-signal?', '--default-signal?', '--ignore-signal?'],
      ],
      assigns: true,
    },
  ],
  [
    'sudo',
    {
      flags: 'EHnPSkAB',
      valued: 'ugpCcrtTD',
      long: [
        ...['--preserve-env', '--preserve-env?', '--set-home', '--non-interactive', '--stdin', '--reset-timestamp'],
        ...['--askpass', '--bell', '--preserve-groups', '--user=', '--group=', '--prompt=', '--close-from='],
        ...['--login-class=', '--role=', '--type=', '--command-timeout=', '--chdir='],
      ],
    },
  ],
  [
    'xvfb-run',
    {
      flags: 'al',
      valued: 'efnpsw',
      long: ['--auto-servernum', '--listen-tcp', '--error-file=', '--auth-file=', '--server-num=', '--server-args='],
    },
  ],
  // The command's status; a lock it cannot take: 1 (`-E` may make that 0).
  [
    'flock',
    {
      flags: 'sxenoF',
      valued: 'w',
      long: [
        '--shared',
        '--exclusive',
        '--nonblock',
        '--nb',
        '--close',
        '--no-fork',
        '--verbose',
        '--timeout=',
        '--wait=',
      ],
      operands: 1,
    },
  ],
]);

/**
 * Programs known to run a command other than once with its status: `find -exec` (status ignored,
 * 0..n runs), `xargs` and `parallel` (0..n runs, words from their input), `watch` (until stopped),
 * `script` (status 0 without -e), `su` (another user's shell and PATH), `docker`/`podman` (the
 * image's gitguard), `ssh` (another host), `retry`, `setsid` (may fork and return 0).
 */
const UNFAITHFUL = new Set([
  ...['find', 'xargs', 'parallel', 'watch', 'script', 'su', 'runuser', 'docker', 'podman', 'nerdctl', 'ssh'],
  ...['retry', 'setsid', 'chroot', 'unshare', 'nsenter', 'systemd-run', 'at', 'batch', 'entr', 'kubectl'],
]);

const base = (w: string): string => w.slice(w.lastIndexOf('/') + 1);

/** The words a faithful wrapper `spec` reads at `words[from..]` before its command: that command's index, or undefined (an option not listed). */
function pastOptions(spec: Faithful, words: readonly string[], from: number): number | undefined {
  let k = from;
  let operands = spec.operands ?? 0;
  for (; k < words.length; k += 1) {
    const w = words[k]!;
    if (w === '--') return operands ? pastOperands(words, k + 1, operands) : k + 1;
    if (spec.assigns && /^[A-Za-z_]\w*=/.test(w)) continue;
    if (w.startsWith('--')) {
      const [name, value] = w.includes('=') ? [w.slice(0, w.indexOf('=')), true] : [w, false];
      const long = spec.long ?? [];
      if (value ? long.includes(`${name}=`) || long.includes(`${name}?`) : long.includes(name)) continue;
      if (!value && long.includes(`${name}=`)) {
        k += 1;
        continue;
      }
      return undefined;
    }
    if (w.startsWith('-') && w.length > 1) {
      if (spec.numeric && /^-\d+$/.test(w)) continue;
      let takesNext = false;
      for (let j = 1; j < w.length; j += 1) {
        const c = w[j]!;
        if (spec.flags?.includes(c)) continue;
        if (!spec.valued?.includes(c)) return undefined;
        takesNext = j === w.length - 1;
        break;
      }
      if (takesNext) k += 1;
      continue;
    }
    if (!operands) return k;
    operands -= 1;
  }
  return operands ? undefined : k; // options alone (`time`, `env -i` prints the environment)
}

const pastOperands = (words: readonly string[], k: number, n: number): number | undefined =>
  k + n < words.length ? k + n : undefined;

/**
 * Where the command `words` runs past the faithful wrappers in front of it (`sudo -u ci
 * timeout 60 npx gitguard audit`: at `npx`), and whether one in front runs it otherwise (`unfaithful`:
 * `find`, `sudo -b`, `env -S`, an option not listed). `keep`: a wrapper to stop at.
 */
export function wrappedStart(words: readonly string[], keep = ''): { start: number; unfaithful: boolean } {
  let i = 0;
  for (;;) {
    const name = words[i];
    // `keep`: a wrapper the caller runs itself (the shell's `exec`).
    if (name === undefined || base(name) === keep) return { start: i, unfaithful: false };
    const spec = FAITHFUL.get(base(name));
    if (!spec) return { start: i, unfaithful: UNFAITHFUL.has(base(name)) };
    const next = pastOptions(spec, words, i + 1);
    if (next === undefined) return { start: i, unfaithful: true };
    if (next >= words.length) return { start: i, unfaithful: false }; // no command: `time`, `env` prints
    i = next;
  }
}

/** script(1)'s options that leave it running its command once: quiet, append, flush (`-e` is required). */
const SCRIPT_FLAGS = new Set(['a', 'q', 'f', 'e']);
const SCRIPT_LONG = new Set(['--append', '--quiet', '--flush', '--return']);

/**
 * The one command string a wrapper hands to the shell (`$SHELL -c`) and whose status it passes on
 * (util-linux, checked with real runs): `flock [options] FILE -c CMD` (flock stops at FILE; `-c` must
 * follow it, with one word after), and `script -e -c CMD [FILE]` (without `-e`, `--return`, script
 * exits 0 whatever its command does). undefined: no such wrapper, or an option not listed (no gate).
 */
export function commandString(words: readonly string[]): string | undefined {
  const tool = base(words[0] ?? '');
  if (tool === 'flock') {
    // Its options up to FILE (`+` in its getopt: the first word no option ends them).
    const file = pastOptions({ ...FAITHFUL.get('flock')!, operands: 0 }, words, 1);
    if (file === undefined || file + 3 !== words.length) return undefined;
    return words[file + 1] === '-c' || words[file + 1] === '--command' ? words[file + 2] : undefined;
  }
  if (tool !== 'script') return undefined;
  let [cmd, ret, operands] = [undefined as string | undefined, false, 0];
  for (let k = 1; k < words.length; k += 1) {
    const w = words[k]!;
    if (w === '--command' || w.startsWith('--command=')) {
      if (cmd !== undefined) return undefined;
      cmd = w.includes('=') ? w.slice(10) : words[(k += 1)];
    } else if (w.startsWith('--')) {
      if (!SCRIPT_LONG.has(w)) return undefined;
      ret ||= w === '--return';
    } else if (w.startsWith('-') && w.length > 1) {
      for (let j = 1; j < w.length; j += 1) {
        if (w[j] === 'c') {
          if (cmd !== undefined) return undefined;
          cmd = j + 1 < w.length ? w.slice(j + 1) : words[(k += 1)];
          break;
        }
        if (!SCRIPT_FLAGS.has(w[j]!)) return undefined;
        ret ||= w[j] === 'e';
      }
    } else operands += 1; // the typescript file
  }
  return ret && operands <= 1 ? cmd : undefined;
}
