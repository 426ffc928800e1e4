// The repository's refs, as `git for-each-ref` lists them, read as a stream: each record is parsed as
// it arrives, so node holds the refs and never the whole listing beside them (a million refs were
// ~100 MB of text, split again into lines and fields: 619 MB). At most GITGUARD_MAX_REFS refs are
// read (default 200,000): past that the run stops (exit 2) at once, naming the variable, instead of
// growing with whatever a hostile packed-refs holds. A ref name is at most 64 KiB (git writes none
// near it: a loose ref's name is a path); a longer record stops the run too.
import type { RefInfo } from '../domain/model.js';
import { ExpectedError, GitError } from '../errors.js';
import { gitReading } from './git-reading.js';
import { runGit } from './git.js';
import { runEnv } from './run-context.js';

const DEFAULT_MAX_REFS = 200_000;
const MAX_RECORD_BYTES = 64 * 1024;

// No %(objecttype): git reads each ref's object header for it, one by one and before printing the
// first ref (sorted output): 21 s at a million refs, 2 s without. The types are asked once per
// distinct object after (typesOf).
const FORMAT = '--format=%(objectname)%00%(refname)%00%(symref)%00';

/** The most refs one run reads: GITGUARD_MAX_REFS, else 200,000. */
function maxRefs(env: NodeJS.ProcessEnv = runEnv()): number {
  const n = Number(env.GITGUARD_MAX_REFS);
  return env.GITGUARD_MAX_REFS && Number.isSafeInteger(n) && n > 0 ? n : DEFAULT_MAX_REFS;
}

/** More refs than the limit, or a record git would not write: the refs cannot all be judged. */
export class RefListError extends ExpectedError {}

/** One record "<oid>\0<name>\0<symref>\0" (its "\n" already cut); its type is filled in later. */
function parseRecord(line: string): RefInfo | undefined {
  const [oid, name, symref] = line.split('\0');
  if (!oid || !name) return undefined;
  return { name, oid, type: '', ...(symref ? { symref } : {}) };
}

const tooLong = (refs: RefInfo[]): RefListError =>
  new RefListError(
    `a ref of the repository has a name over ${MAX_RECORD_BYTES / 1024} KiB (after ${refs.at(-1)?.name ?? 'the first ref'})`,
    'git for-each-ref lists it: delete it from .git/packed-refs, then run again',
  );

/** The type of each distinct object the refs name: one `cat-file --batch-check`. */
async function fillTypes(gitDir: string, refs: RefInfo[]): Promise<void> {
  const oids = [...new Set(refs.map((r) => r.oid))];
  if (!oids.length) return;
  const out = await runGit(['cat-file', '--batch-check=%(objecttype)'], {
    gitDir,
    input: `${oids.join('\n')}\n`,
    timeoutMs: 300_000,
  });
  const types = out.stdout.toString('latin1').split('\n');
  const typeOf = new Map(oids.map((o, i) => [o, types[i] ?? '']));
  for (const r of refs) r.type = typeOf.get(r.oid) ?? '';
}

/** Every ref of the repository at `gitDir`, in git's order. */
export async function listRefs(gitDir: string, limit = maxRefs()): Promise<RefInfo[]> {
  const args = ['for-each-ref', FORMAT];
  const git = gitReading(args, gitDir, '/dev/null', undefined);
  const refs: RefInfo[] = [];
  let rest = Buffer.alloc(0);
  let completed = false;
  try {
    for await (const chunk of git.chunks) {
      const buf = rest.length ? Buffer.concat([rest, chunk]) : chunk;
      let pos = 0;
      for (let end = buf.indexOf('\0\n', pos); end >= 0; end = buf.indexOf('\0\n', pos)) {
        if (end - pos > MAX_RECORD_BYTES) throw tooLong(refs);
        const ref = parseRecord(buf.toString('utf8', pos, end + 1));
        pos = end + 2;
        if (!ref) continue;
        if (refs.length >= limit)
          throw new RefListError(
            `the repository has more than ${limit.toLocaleString('en-US')} refs (GITGUARD_MAX_REFS)`,
            'delete the refs nobody needs (a mirror of pull request refs: git for-each-ref --format="delete %(refname)" refs/pull | git update-ref --stdin), or set GITGUARD_MAX_REFS=N to read them all',
          );
        refs.push(ref);
      }
      rest = Buffer.from(buf.subarray(pos));
      if (rest.length > MAX_RECORD_BYTES) throw tooLong(refs);
    }
    const code = await git.done;
    completed = true;
    git.dog.check(args);
    if (code !== 0) throw new GitError(args, code, git.stderr());
    if (rest.length) throw new GitError(args, code, 'the listing ends in the middle of a ref');
  } finally {
    if (!completed) git.child.kill();
  }
  await fillTypes(gitDir, refs);
  return refs;
}
