// The commit reader: one `git rev-list` and one `git cat-file`, both in the shadow git dir, for the
// whole walk. rev-list writes cat-file's requests (each commit, and the watched paths in it) to a
// temp file; cat-file answers into another that we read as it grows. Files, not pipes: git writes
// one object per write() call, and through a pipe every one of those wakes this process, which cost
// more than the parsing (5,000 commits: ~170 ms of pipe traffic vs ~90 ms written to a file).
// Raw objects are parsed as they arrive and handed on a batch at a time, so a big history never
// sits in memory; past ANSWERS_FILE_LIMIT commits cat-file answers through a pipe instead, so the
// temp file stays bounded.
import type { ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitError } from '../errors.js';
import { parseCommitObject } from './commit-object.js';
import type { CommitRecord } from '../domain/commit.js';
import { spawnGit, Watchdog, type Shadow } from './git.js';
import { maxObjectBytes, ObjectTooLargeError } from './objects.js';

export interface WalkOptions {
  /** Object ids (or ^oid to exclude) to start from. */
  revisions: string[];
  /** Parents before children (needed to judge a commit by its parents' policy). */
  parentsFirst?: boolean;
  /** Stop after this many commits. */
  limit?: number;
  /** Paths (e.g. ".gitguard") whose object id in each commit's tree is looked up in the same pass. */
  paths?: string[];
  /** Past this many commits cat-file answers through a pipe, not a temp file (default ANSWERS_FILE_LIMIT). */
  answersFileLimit?: number;
}

/** Above this many commits, cat-file's answers come through a pipe rather than a temp file. */
const ANSWERS_FILE_LIMIT = 50_000;

function isDecimal(s: string): boolean {
  for (let i = 0; i < s.length; i += 1) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function collectStderr(child: ChildProcess): () => string {
  const chunks: Buffer[] = [];
  let size = 0;
  child.stderr!.on('data', (c: Buffer) => {
    if ((size += c.length) <= 64 * 1024) chunks.push(c); // only its first line is ever shown
  });
  return () => Buffer.concat(chunks).toString('utf8');
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('close', (code) => resolve(code));
  });
}

/** The walk one commit at a time (see walkCommitBatches). */
export async function* walkCommits(shadow: Shadow, opts: WalkOptions): AsyncGenerator<CommitRecord> {
  for await (const batch of walkCommitBatches(shadow, opts)) yield* batch;
}

/**
 * The walk as it arrives: each batch holds the commits completed by one read from git, in order.
 * Batches, not single commits, cross the async boundary: per-commit promises cost more than the
 * parsing itself on a warm run.
 */
export async function* walkCommitBatches(shadow: Shadow, opts: WalkOptions): AsyncGenerator<CommitRecord[]> {
  if (opts.revisions.length === 0) return;
  const work = mkdtempSync(join(tmpdir(), 'gitguard-walk-'));
  let yielded = false;
  try {
    try {
      for await (const batch of walkPipeline(shadow, opts, work, true)) {
        yielded = true;
        yield batch;
      }
    } catch (err) {
      // git before 2.36 knows neither `rev-list --no-commit-header` nor `cat-file --batch-command`
      // (a usage error, exit 129): the requests are then written here, one plain --batch per line.
      if (yielded || !(err instanceof GitError) || err.exitCode !== 129) throw err;
      yield* walkPipeline(shadow, opts, work, false);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * git's pretty format for one commit's requests: its contents, then the id at each watched path,
 * looked up from the commit's tree (%T) so cat-file need not read the commit a second time, then
 * `flush`: with --buffer, `cat-file --batch-command` queues every command until a flush or the end of
 * its input, so without it the whole history's requests sat in git's memory (1.2 GB at a million
 * commits); flushing per commit cost no measurable time.
 */
function requestFormat(paths: string[]): string {
  return ['contents %H', ...paths.map((p) => `info %T:${p.replace(/%/g, '%%')}`), 'flush'].join('%n');
}

/** Runs git with stdin `input` and stdout into `file`; throws GitError on failure. */
async function gitToFile(args: string[], gitDir: string, input: string, file: string): Promise<void> {
  const fd = openSync(file, 'w', 0o600);
  let child: ChildProcess;
  try {
    child = spawnGit(args, { gitDir, stdout: fd });
  } finally {
    closeSync(fd);
  }
  const err = collectStderr(child);
  // Progress is the file growing; rev-list --topo-order may think a long while before its first line.
  const dog = new Watchdog(child, 'git');
  dog.arm();
  let size = 0;
  const poll = setInterval(() => {
    const now = statSync(file, { throwIfNoEntry: false })?.size ?? 0;
    if (now !== size) dog.arm();
    size = now;
  }, Math.min(1000, dog.idleMs / 4));
  child.stdin!.on('error', () => undefined);
  child.stdin!.end(input);
  const code = await exited(child);
  clearInterval(poll);
  dog.check(args);
  if (code !== 0) throw new GitError(args, code, err());
}

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

async function* walkPipeline(shadow: Shadow, opts: WalkOptions, work: string, modern: boolean): AsyncGenerator<CommitRecord[]> {
  const paths = opts.paths ?? [];
  const gitDir = shadow.gitDir;
  const revArgs = ['rev-list', '--stdin'];
  if (opts.parentsFirst) revArgs.push('--topo-order', '--reverse');
  if (opts.limit !== undefined) revArgs.push(`--max-count=${opts.limit}`);
  if (modern) revArgs.push('--no-commit-header', `--format=${requestFormat(paths)}`);
  const requests = join(work, 'requests');
  await gitToFile(revArgs, gitDir, `${opts.revisions.join('\n')}\n`, requests);
  if (!modern) {
    // One line per request: each commit id, then "<id>:<path>" per watched path.
    const ids = readFileSync(requests, 'latin1').split('\n').filter(Boolean);
    writeFileSync(requests, ids.map((id) => `${id}\n${paths.map((p) => `${id}:${p}\n`).join('')}`).join(''));
  }
  const perCommit = (modern ? 9 + 6 : 0) + 41 + paths.reduce((n, p) => n + (modern ? 5 : 0) + 42 + Buffer.byteLength(p), 0);
  const viaFile = statSync(requests).size / perCommit <= (opts.answersFileLimit ?? ANSWERS_FILE_LIMIT);
  const answers = join(work, 'answers');
  const inFd = openSync(requests, 'r');
  const outFd = viaFile ? openSync(answers, 'w', 0o600) : undefined;
  let catFile: ChildProcess;
  try {
    catFile = spawnGit(['cat-file', modern ? '--batch-command' : '--batch', '--buffer'], { gitDir, stdin: inFd, ...(outFd !== undefined ? { stdout: outFd } : {}) });
  } finally {
    closeSync(inFd);
    if (outFd !== undefined) closeSync(outFd);
  }
  const catErr = collectStderr(catFile);
  const catDone = exited(catFile);
  const dog = new Watchdog(catFile, 'git');
  const chunks = watched(viaFile ? growingFile(answers, catFile) : (catFile.stdout! as AsyncIterable<Buffer>), dog);
  // Path answers carry the object's content with plain --batch; `info` answers are the header only.
  const pathContent = !modern;

  let buf: Buffer = Buffer.alloc(0);
  // Chunks of an object still arriving, kept aside and joined once it is complete: joining on
  // every chunk copied a big object over and over (a 100 MB message took 13 s, 300 MB never ended).
  let parts: Buffer[] = [];
  let partsLen = 0;
  /** How many bytes `buf` must hold before parsing can go on (0: any new byte may do). */
  let need = 0;
  const limit = maxObjectBytes();
  let completed = false;
  // The commit whose path answers are still arriving, and how many are left.
  let current: CommitRecord | undefined;
  let awaiting = 0;
  try {
    for await (const chunk of chunks) {
      if (buf.length + partsLen + chunk.length < need) {
        parts.push(chunk);
        partsLen += chunk.length;
        continue;
      }
      buf = buf.length || partsLen ? Buffer.concat([buf, ...parts, chunk], buf.length + partsLen + chunk.length) : chunk;
      parts = [];
      partsLen = 0;
      need = 0;
      const out: CommitRecord[] = [];
      let pos = 0;
      for (;;) {
        const nl = buf.indexOf(10, pos);
        if (nl === -1) break;
        // "<oid> <type> <size>", or "<spec> missing" (a looked-up path may itself contain spaces).
        const lastSp = buf.lastIndexOf(32, nl - 1);
        const sizeText = lastSp < pos ? '' : buf.toString('latin1', lastSp + 1, nl);
        const found = sizeText !== '' && isDecimal(sizeText);
        const sp1 = buf.indexOf(32, pos);
        if (awaiting > 0 && current) {
          // An answer to "oid:path": its object id, or "<spec> missing" when the path is absent.
          const path = paths[paths.length - awaiting]!;
          if (!found) {
            current.pathOids![path] = null;
            pos = nl + 1;
          } else {
            const end = pathContent ? nl + 1 + Number(sizeText) + 1 : nl + 1;
            if (end - nl > limit) throw new ObjectTooLargeError(buf.toString('latin1', pos, sp1), 'object', end - nl - 2, limit);
            if (buf.length < end) {
              need = end - pos;
              break;
            }
            current.pathOids![path] = buf.toString('latin1', pos, sp1);
            pos = end;
          }
          awaiting -= 1;
          if (awaiting === 0) {
            out.push(current);
            current = undefined;
          }
          continue;
        }
        if (!found) throw new GitError(['cat-file'], null, `object ${buf.toString('utf8', pos, lastSp < pos ? nl : lastSp)} is missing from the repository`);
        const size = Number(sizeText);
        if (size > limit) throw new ObjectTooLargeError(buf.toString('latin1', pos, sp1), buf.toString('latin1', sp1 + 1, lastSp), size, limit);
        if (buf.length < nl + 1 + size + 1) {
          need = nl + 1 + size + 1 - pos; // wait for the rest of this object
          break;
        }
        const isCommit = lastSp - sp1 === 7; // "commit" is the only six-letter object type
        const oid = buf.toString('latin1', pos, sp1);
        const start = nl + 1;
        pos = start + size + 1;
        if (!isCommit) continue;
        // "commit <size>\n" just before the body becomes "commit <size>\0": the object exactly as git
        // hashes it, in place (the buffer is ours and this header line is already read).
        buf[nl] = 0;
        const record = parseCommitObject(oid, buf.subarray(start, start + size), buf.subarray(sp1 + 1, start + size));
        if (paths.length) {
          record.pathOids = {};
          current = record;
          awaiting = paths.length;
        } else out.push(record);
      }
      buf = pos < buf.length ? buf.subarray(pos) : Buffer.alloc(0);
      if (out.length) yield out;
    }
    completed = true;
  } finally {
    // A consumer that stops early (or an error) must not leave git running.
    if (!completed) catFile.kill();
  }
  const catCode = await catDone;
  dog.check(['cat-file', '--batch']);
  if (catCode !== 0 && catCode !== null) throw new GitError(['cat-file', '--batch'], catCode, catErr());
}
