// A git process that reads its input from a file and writes its answers into a temp file read as it
// grows (or, without one, a pipe), its silence watched: how the walk's cat-file and diff-tree are
// run (src/collect/commits.ts says why files and not pipes).
import type { ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { GitError } from '../errors.js';
import { spawnGit, Watchdog } from './git.js';
import { collectStderr, exited } from './list-chunks.js';

/**
 * For a git whose whole input is a file: its output is buffered, not flushed per commit. Through a
 * pipe, `log` and `diff-tree` flush after every commit (git's maybe_flush_or_die), and every write
 * is a chunk this process must take: 31,000 chunks for a 50,000-commit `log -p` instead of 4,000,
 * and ~3 times node's CPU to read them. Into a file git never flushed per commit.
 */
export const WHOLE_INPUT_ENV = { GIT_FLUSH: '0' } as const;

/** A file another process is still writing, read as it grows until that process has exited. */
async function* growingFile(file: string, writer: ChildProcess): AsyncGenerator<Buffer> {
  let finished = writer.exitCode !== null || writer.signalCode !== null;
  writer.once('exit', () => (finished = true));
  const fh = await open(file, 'r');
  try {
    let pos = 0;
    for (;;) {
      const last = finished; // all of its writes landed before it exited
      const ahead = (await fh.stat()).size - pos;
      if (ahead > 0) {
        // A fresh buffer per read: the commits parsed from it keep slices of it, not copies.
        const buf = Buffer.allocUnsafeSlow(Math.min(ahead, 256 * 1024));
        const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
        pos += bytesRead;
        yield buf.subarray(0, bytesRead);
      } else if (last) return;
      else await new Promise((r) => setTimeout(r, 1));
    }
  } finally {
    await fh.close();
  }
}

/**
 * The chunks, with the watchdog counting only while we wait for the next one: time our consumer
 * spends on a batch is not git's silence.
 */
async function* watched(chunks: AsyncIterable<Buffer>, dog: Watchdog): AsyncGenerator<Buffer> {
  const it = chunks[Symbol.asyncIterator]();
  try {
    for (;;) {
      dog.arm();
      const r = await it.next();
      dog.disarm();
      if (r.done) return;
      yield r.value;
    }
  } finally {
    dog.disarm();
    await it.return?.();
  }
}

/**
 * Starts git reading `input` (a file) and writing into `output` (a temp file read as it grows) or,
 * without one, a pipe; returns the process and its output chunks, watched for silence.
 */
export function gitReading(
  args: string[],
  gitDir: string,
  input: string,
  output: string | undefined,
): {
  child: ChildProcess;
  chunks: AsyncGenerator<Buffer>;
  stderr: () => string;
  done: Promise<number | null>;
  dog: Watchdog;
} {
  const inFd = openSync(input, 'r');
  const outFd = output !== undefined ? openSync(output, 'w', 0o600) : undefined;
  let child: ChildProcess;
  try {
    child = spawnGit(args, {
      gitDir,
      stdin: inFd,
      env: WHOLE_INPUT_ENV,
      ...(outFd !== undefined ? { stdout: outFd } : {}),
    });
  } finally {
    closeSync(inFd);
    if (outFd !== undefined) closeSync(outFd);
  }
  const stderr = collectStderr(child);
  const done = exited(child);
  const dog = new Watchdog(child, 'git');
  const chunks = watched(
    output !== undefined ? growingFile(output, child) : (child.stdout! as AsyncIterable<Buffer>),
    dog,
  );
  return { child, chunks, stderr, done, dog };
}

/**
 * `git <args>` (reading the file `input`, none by default) read as a stream of records, each ended by `end` (not included), handed
 * over a chunk's worth at a time as they arrive: nothing holds the whole output (a million refs, a
 * tree of a million files). A record longer than `maxBytes` ends the read with `tooLong()`; output
 * that stops inside a record is git's failure. A caller that stops early has git killed.
 */
export async function* gitRecords(
  args: string[],
  gitDir: string,
  end: string,
  maxBytes: number,
  tooLong: () => Error,
  input = '/dev/null',
): AsyncGenerator<Buffer[]> {
  const git = gitReading(args, gitDir, input, undefined);
  let rest = Buffer.alloc(0);
  let completed = false;
  try {
    for await (const chunk of git.chunks) {
      const buf = rest.length ? Buffer.concat([rest, chunk]) : chunk;
      const records: Buffer[] = [];
      let pos = 0;
      for (let e = buf.indexOf(end, pos); e >= 0; e = buf.indexOf(end, pos)) {
        if (e - pos > maxBytes) throw tooLong();
        records.push(buf.subarray(pos, e));
        pos = e + end.length;
      }
      rest = Buffer.from(buf.subarray(pos));
      if (rest.length > maxBytes) throw tooLong();
      if (records.length) yield records;
    }
    const code = await git.done;
    completed = true;
    git.dog.check(args);
    if (code !== 0) throw new GitError(args, code, git.stderr());
    if (rest.length) throw new GitError(args, code, 'the output ends in the middle of a record');
  } finally {
    if (!completed) git.child.kill();
  }
}
