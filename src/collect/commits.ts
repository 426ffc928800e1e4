// The streaming commit reader: one `git rev-list` piped into one `git cat-file --batch`, both in the
// shadow git dir, for the whole walk. Raw objects are parsed as they arrive and handed on one at a
// time, so a million-commit history never sits in memory.
import type { ChildProcess } from 'node:child_process';
import { Transform } from 'node:stream';
import { GitError } from '../errors.js';
import { parseCommitObject, type CommitRecord } from './commit-object.js';
import { spawnGit, type Shadow } from './git.js';

export interface WalkOptions {
  /** Object ids (or ^oid to exclude) to start from. */
  revisions: string[];
  /** Parents before children (needed to judge a commit by its parents' policy). */
  parentsFirst?: boolean;
  /** Stop after this many commits. */
  limit?: number;
  /** Paths (e.g. ".gitguard") whose object id in each commit's tree is looked up in the same pass. */
  paths?: string[];
}

function collectStderr(child: ChildProcess): () => string {
  const chunks: Buffer[] = [];
  child.stderr!.on('data', (c: Buffer) => chunks.push(c));
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
  const revArgs = ['rev-list', '--stdin'];
  if (opts.parentsFirst) revArgs.push('--topo-order', '--reverse');
  if (opts.limit !== undefined) revArgs.push(`--max-count=${opts.limit}`);
  const revList = spawnGit(revArgs, { gitDir: shadow.gitDir });
  const catFile = spawnGit(['cat-file', '--batch', '--buffer'], { gitDir: shadow.gitDir });
  const revErr = collectStderr(revList);
  const catErr = collectStderr(catFile);
  const revDone = exited(revList);
  const catDone = exited(catFile);
  revList.stdin!.on('error', () => undefined);
  catFile.stdin!.on('error', () => undefined);
  revList.stdin!.end(`${opts.revisions.join('\n')}\n`);
  // Each commit id becomes "oid" plus one "oid:path" request per looked-up path, so the tree ids
  // of the policy (and other watched paths) arrive in the same stream: no process per commit.
  const paths = opts.paths ?? [];
  if (paths.length) {
    let partial = '';
    const expand = new Transform({
      transform(chunk: Buffer, _enc, done) {
        const lines = (partial + chunk.toString('latin1')).split('\n');
        partial = lines.pop() ?? '';
        done(null, lines.filter(Boolean).map((l) => `${l}\n${paths.map((p) => `${l}:${p}\n`).join('')}`).join(''));
      },
      flush(done) {
        done(null, partial ? `${partial}\n${paths.map((p) => `${partial}:${p}\n`).join('')}` : '');
      },
    });
    revList.stdout!.pipe(expand).pipe(catFile.stdin!);
  } else revList.stdout!.pipe(catFile.stdin!);

  let buf: Buffer = Buffer.alloc(0);
  let completed = false;
  // The commit whose path answers are still arriving, and how many are left.
  let current: CommitRecord | undefined;
  let awaiting = 0;
  try {
    for await (const chunk of catFile.stdout! as AsyncIterable<Buffer>) {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      const out: CommitRecord[] = [];
      let pos = 0;
      for (;;) {
        const nl = buf.indexOf(10, pos);
        if (nl === -1) break;
        // "<oid> <type> <size>", or "<spec> missing" (a looked-up path may itself contain spaces).
        const lastSp = buf.lastIndexOf(32, nl - 1);
        const sizeText = lastSp < pos ? '' : buf.toString('latin1', lastSp + 1, nl);
        const found = /^\d+$/.test(sizeText);
        const sp1 = buf.indexOf(32, pos);
        if (awaiting > 0 && current) {
          // An answer to "oid:path": its object id, or "<spec> missing" when the path is absent.
          const path = paths[paths.length - awaiting]!;
          if (!found) {
            current.pathOids![path] = null;
            pos = nl + 1;
          } else {
            const size = Number(sizeText);
            if (buf.length < nl + 1 + size + 1) break;
            current.pathOids![path] = buf.toString('latin1', pos, sp1);
            pos = nl + 1 + size + 1;
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
        if (buf.length < nl + 1 + size + 1) break; // wait for the rest of this object
        const isCommit = lastSp - sp1 === 7 && buf.toString('latin1', sp1 + 1, lastSp) === 'commit';
        const oid = buf.toString('latin1', pos, sp1);
        const start = nl + 1;
        pos = start + size + 1;
        if (!isCommit) continue;
        const record = parseCommitObject(oid, Buffer.from(buf.subarray(start, start + size)));
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
    if (!completed) {
      revList.kill();
      catFile.kill();
    }
  }
  const [revCode, catCode] = await Promise.all([revDone, catDone]);
  if (revCode !== 0 && revCode !== null) throw new GitError(['rev-list'], revCode, revErr());
  if (catCode !== 0 && catCode !== null) throw new GitError(['cat-file', '--batch'], catCode, catErr());
}
