// The streaming commit reader: one `git rev-list` piped into one `git cat-file --batch`, both in the
// shadow git dir, for the whole walk. Raw objects are parsed as they arrive and handed on one at a
// time, so a million-commit history never sits in memory.
import type { ChildProcess } from 'node:child_process';
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

export async function* walkCommits(shadow: Shadow, opts: WalkOptions): AsyncGenerator<CommitRecord> {
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
  revList.stdout!.pipe(catFile.stdin!);

  let buf: Buffer = Buffer.alloc(0);
  let completed = false;
  try {
    for await (const chunk of catFile.stdout! as AsyncIterable<Buffer>) {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      let pos = 0;
      for (;;) {
        const nl = buf.indexOf(10, pos);
        if (nl === -1) break;
        const header = buf.toString('utf8', pos, nl);
        const [oid, type, sizeText] = header.split(' ');
        if (type === 'missing' || sizeText === undefined) {
          throw new GitError(['cat-file'], null, `object ${oid} is missing from the repository`);
        }
        const size = Number(sizeText);
        if (buf.length < nl + 1 + size + 1) break; // wait for the rest of this object
        const body = buf.subarray(nl + 1, nl + 1 + size);
        pos = nl + 1 + size + 1;
        if (type !== 'commit') continue;
        yield parseCommitObject(oid!, Buffer.from(body));
      }
      buf = pos < buf.length ? buf.subarray(pos) : Buffer.alloc(0);
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
