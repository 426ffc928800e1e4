// The process shell: run the program, turn every way it can end into an exit code and at most one
// line on stderr. 0 pass, 1 a rule failed at or above --fail-on, 2 the audit could not be done.
import { CommanderError } from 'commander';
import { EXIT, ExpectedError } from '../errors.js';
import { buildProgram } from './program.js';
import { escapeBlock, escapeText, redactUrls } from '../domain/escape.js';
import { processIo, type Io } from './io.js';
import { inRun } from '../collect/run-context.js';
import { stopChildren } from '../collect/child-env.js';

/** One line for stderr: URLs' secrets hidden, controls made visible, capped. */
const say = (text: string, max: number): string => escapeText(redactUrls(text), max);

/** 128 + the signal's number: the exit status a shell gives a process a signal ended. */
const ENDING_SIGNALS = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 } as const;

/**
 * For the binary: a signal (a CI job's timeout, Ctrl-C, a closed terminal) ends the run at once,
 * in one line, killing the git gitguard started and removing its temp folders (process.exit runs
 * the exit handlers that remove them). Node's default ended gitguard alone: git ran on without it.
 */
export function endOnSignals(write: (s: string) => void = (s) => void process.stderr.write(s)): void {
  for (const [name, n] of Object.entries(ENDING_SIGNALS))
    process.once(name, () => {
      stopChildren();
      write(`gitguard: stopped by ${name} before the audit ended; run it again\n`);
      process.exit(128 + n);
    });
}

/** One run: argv as process.argv has it (node, script, args...); the exit code is returned, never set. */
export function main(argv: string[], io: Io = processIo()): Promise<number> {
  // The run's own environment, git and secrets (collect/run-context.ts), whatever ran before it.
  return inRun({ env: io.env, gitBinary: 'git', secrets: new Set(), auditedFolders: new Set() }, () => run(argv, io));
}

async function run(argv: string[], io: Io): Promise<number> {
  const debug = argv.includes('--debug');
  const state = { exitCode: EXIT.ok as number };
  const program = buildProgram(io, state);
  try {
    await program.parseAsync(argv);
    return state.exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and --version end here with code 0; usage errors were already printed by commander.
      return err.exitCode === 0 || err.code === 'commander.helpDisplayed' || err.code === 'commander.version'
        ? EXIT.ok
        : EXIT.cannotAudit;
    }
    if (err instanceof ExpectedError) {
      io.stderr(`gitguard: ${say(err.message, 500)}${err.hint ? `; ${say(err.hint, 300)}` : ''}\n`);
      if (debug && err.stack) io.stderr(`${debugStack(err.stack)}\n`);
      return EXIT.cannotAudit;
    }
    const e = err as Error;
    io.stderr(
      `gitguard: internal error: ${say(e?.message ?? String(err), 500)}; this is a bug in gitguard: please report it with the output of --debug\n`,
    );
    if (debug && e?.stack) io.stderr(`${debugStack(e.stack)}\n`);
    return EXIT.cannotAudit;
  }
}

/** A stack for --debug: its message holds the audited repository's names too (escaped, URLs redacted). */
const debugStack = (stack: string): string => escapeBlock(redactUrls(stack), 20_000);
