// Reads single objects on demand (policy files out of a commit's tree) through one long-lived
// `git cat-file --batch` in the shadow git dir: one process for all reads, answers in request order.
// With git 2.36 or later it is `--batch-command`, which also answers an object's type and size alone
// (`info`): a run's refs, its SECURITY.md, its policy and its walk share one reader (FactRun.objects).
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { ExpectedError, GitError } from '../errors.js';
import { objectId } from './commit-object.js';
import { notReadError } from './missing-object.js';
import { checkedGitAtLeast, runGit, spawnGit, Watchdog, type Shadow } from './git.js';
import { runEnv } from './run-context.js';
import { canonicalMode, entryNamed, SUBMODULE_MODE } from './tree-entry.js';
import { KeptObjects } from './kept-objects.js';

export { entryNamed, parseTree, type TreeEntry } from './tree-entry.js';

/**
 * The largest single object (commit, tag, tree, policy file) gitguard reads into memory: 64 MiB by
 * default, GITGUARD_MAX_OBJECT_BYTES to change. Real commits are kilobytes; this bounds what a
 * hostile repository can make us allocate, and the refusal says how to lift it.
 */
export function maxObjectBytes(env: NodeJS.ProcessEnv = runEnv()): number {
  const n = Number(env.GITGUARD_MAX_OBJECT_BYTES);
  return env.GITGUARD_MAX_OBJECT_BYTES && Number.isSafeInteger(n) && n > 0 ? n : 64 * 1024 * 1024;
}

function sizeText(n: number): string {
  return n >= 1024 * 1024 ? `${Math.round((n / (1024 * 1024)) * 10) / 10} MiB` : `${n} bytes`;
}

/** An object over the reader's limit: its bytes were skipped, never held. */
export class ObjectTooLargeError extends ExpectedError {
  constructor(
    readonly oid: string,
    readonly type: string,
    readonly size: number,
    readonly limit: number,
  ) {
    super(
      `${type} ${oid} is ${sizeText(size)}, over gitguard's limit of ${sizeText(limit)} for one object`,
      'set GITGUARD_MAX_OBJECT_BYTES=BYTES to read it',
    );
  }
}

/**
 * A tree or blob whose bytes do not hash to its id: git's readers (cat-file, show, diff) serve a
 * loose object or pack entry as stored, so a swapped allowed_signers blob kept every commit id (and
 * the ledger) intact while gitguard read mallory's key as alice's. Only `git fsck` notices. Commits
 * and tags are re-hashed where they are judged (objects-intact, the `B` verdict), so they pass here.
 */
export class TamperedObjectError extends ExpectedError {
  constructor(
    readonly oid: string,
    readonly type: string,
  ) {
    super(
      `${type} ${oid} does not hash to its id: the repository's object store was altered`,
      'git fsck names it (hash mismatch); restore the object from a clean clone',
    );
  }
}

function hashesToItsId(oid: string, type: string, body: Buffer): boolean {
  if (type !== 'tree' && type !== 'blob') return true;
  return objectId(type, body, oid.length === 64 ? 'sha256' : 'sha1') === oid;
}

export interface GitObject {
  oid: string;
  type: string;
  body: Buffer;
}

/** An object's header: what `info` answers, without its bytes. */
export interface ObjectInfo {
  oid: string;
  type: string;
  size: number;
}

interface Pending {
  maxBytes: number;
  /** The id asked for, when the request is one: the answer must be that object. */
  oid?: string;
  /** An `info` request: the header is the whole answer. */
  info?: boolean;
  resolve: (o: GitObject | ObjectInfo | null) => void;
  reject: (e: Error) => void;
}

/** The object being received: its header is read, its body fills a buffer of its exact size. */
interface Receiving {
  oid: string;
  type: string;
  size: number;
  /** Undefined when the object is over the request's limit: its bytes are skipped, not kept. */
  body: Buffer | undefined;
  /** Body bytes (plus the trailing newline) received so far. */
  got: number;
}

/** Objects whose type and size infoOf asks of the reader, at most; more go to a --batch-check of their own. */
const INFO_ALONE = 1024;

const OBJECT_ID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/** A cat-file header is "<oid> <type> <size>" or "<spec> missing": longer means something is wrong. */
const MAX_HEADER = 64 * 1024;

/** First in, first out in O(1): Array.shift copies a large array on every call (40,000 reads queued by a wide push took seconds). */
class Fifo<T> {
  private items: Array<T | undefined> = [];
  private head = 0;
  get length(): number {
    return this.items.length - this.head;
  }
  push(x: T): void {
    this.items.push(x);
  }
  peek(): T | undefined {
    return this.items[this.head];
  }
  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const x = this.items[this.head];
    this.items[this.head++] = undefined;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return x;
  }
}

export class ObjectReader {
  private child: ChildProcess | undefined;
  private dog: Watchdog | undefined;
  private readonly pending = new Fifo<Pending>();
  private head: Buffer[] = [];
  private headLen = 0;
  private receiving: Receiving | undefined;
  private stderr = '';
  /** Processes given up by fail(): their late answers and exit are ignored. */
  private readonly abandoned = new WeakSet<ChildProcess>();
  /** `cat-file --batch-command` (git 2.36): contents and info requests in one process. */
  private readonly command = checkedGitAtLeast(2, 36);
  /** What it read by id, for later reads of the same id. */
  private readonly kept = new KeptObjects<GitObject>();

  constructor(
    private readonly shadow: Shadow,
    private readonly maxBytes = maxObjectBytes(),
  ) {}

  /** The git dir it reads through (the shadow), for a git that must read the same objects. */
  get gitDir(): string {
    return this.shadow.gitDir;
  }

  private start(): ChildProcess {
    if (this.child) return this.child;
    const child = spawnGit(['cat-file', this.command ? '--batch-command' : '--batch'], { gitDir: this.shadow.gitDir });
    const dog = new Watchdog(child, 'git');
    child.stdout!.on('data', (c: Buffer) => {
      if (this.abandoned.has(child)) return; // given up (fail): what it still sends answers nothing
      this.onData(c);
      if (this.pending.length) dog.arm();
      else dog.disarm();
    });
    child.stderr!.on('data', (c: Buffer) => {
      if (this.stderr.length < 64 * 1024) this.stderr += c.toString('utf8');
    });
    child.stdin!.on('error', () => undefined);
    child.on('close', (code) => {
      dog.disarm();
      const err = new GitError(
        ['cat-file', '--batch'],
        code,
        dog.reason
          ? `${dog.reason}; on a very large repository set GITGUARD_TIMEOUT=SECONDS`
          : this.stderr || 'git cat-file exited',
      );
      if (this.abandoned.has(child)) return; // given up already: its requests were answered then
      while (this.pending.length) this.pending.shift()!.reject(err);
      if (this.child === child) this.child = undefined;
    });
    this.child = child;
    this.dog = dog;
    return child;
  }

  /** Every request still open rejects with `err` and the process is dropped: the next read starts a new one. */
  private fail(err: Error): void {
    const child = this.child;
    if (child) this.abandoned.add(child);
    this.child = undefined;
    this.dog?.disarm();
    this.head = [];
    this.headLen = 0;
    this.receiving = undefined;
    while (this.pending.length) this.pending.shift()!.reject(err);
    child?.kill();
  }

  /** An answer out of step with the requests (see onData): nothing after it can be trusted. */
  private lostStep(what: string): void {
    this.fail(new GitError(['cat-file', '--batch'], null, `git cat-file answered out of step: ${what}`));
  }

  /** Linear in the bytes received: each byte is copied at most once (headers aside). */
  private onData(chunk: Buffer): void {
    let pos = 0;
    while (pos < chunk.length) {
      const r = this.receiving;
      if (r) {
        const take = Math.min(chunk.length - pos, r.size + 1 - r.got);
        if (r.body && r.got < r.size) chunk.copy(r.body, r.got, pos, pos + Math.min(take, r.size - r.got));
        // git streams a loose blob as stored, whatever size its header claims: the newline after the
        // claimed size is where a blob holding more bytes than it says shows (its extra bytes would be
        // read as the next answers, which they can forge).
        if (r.got + take === r.size + 1 && chunk[pos + take - 1] !== 10)
          return this.lostStep(`${r.type} ${r.oid} holds another size than its header says (git fsck names it)`);
        r.got += take;
        pos += take;
        if (r.got === r.size + 1) {
          this.receiving = undefined;
          const p = this.pending.shift();
          if (!p) return this.lostStep('an answer to no request');
          if (!r.body) p.reject(new ObjectTooLargeError(r.oid, r.type, r.size, p.maxBytes));
          else if (!hashesToItsId(r.oid, r.type, r.body)) {
            // Its bytes are not what its header framed (or not its own): what follows is not trusted either.
            const err = new TamperedObjectError(r.oid, r.type);
            p.reject(err);
            return this.fail(err);
          } else p.resolve({ oid: r.oid, type: r.type, body: r.body });
        }
        continue;
      }
      const nl = chunk.indexOf(10, pos);
      if (nl === -1) {
        this.head.push(chunk.subarray(pos));
        this.headLen += chunk.length - pos;
        if (this.headLen > MAX_HEADER)
          this.fail(new GitError(['cat-file', '--batch'], null, 'unexpected answer from git cat-file'));
        return;
      }
      const header = Buffer.concat([...this.head, chunk.subarray(pos, nl)]).toString('utf8');
      this.head = [];
      this.headLen = 0;
      pos = nl + 1;
      const parts = header.split(' ');
      const last = parts[parts.length - 1];
      const asked = this.pending.peek();
      if (!asked) return this.lostStep('an answer to no request');
      // Each answer names the object it is: one naming another than the id asked for is out of step.
      if (asked.oid && parts[0] !== asked.oid)
        return this.lostStep(`${parts[0]!.slice(0, 64)} where ${asked.oid} was asked`);
      if (last === 'missing' || last === 'ambiguous') {
        this.pending.shift()!.resolve(null);
        continue;
      }
      const size = Number(parts[2]);
      const limit = this.pending.peek()?.maxBytes ?? this.maxBytes;
      if (!Number.isSafeInteger(size) || size < 0)
        return this.fail(
          new GitError(['cat-file', '--batch'], null, `unexpected answer from git cat-file: ${header.slice(0, 100)}`),
        );
      if (this.pending.peek()?.info) {
        this.pending.shift()!.resolve({ oid: parts[0]!, type: parts[1]!, size });
        continue;
      }
      this.receiving = {
        oid: parts[0]!,
        type: parts[1]!,
        size,
        body: size <= limit ? Buffer.allocUnsafe(size) : undefined,
        got: 0,
      };
    }
  }

  /**
   * An object by id or by `<commit>:<path>`; null when it does not exist. An object over `maxBytes`
   * (default: the reader's limit) is not kept: the promise rejects with ObjectTooLargeError.
   */
  read(spec: string, maxBytes = this.maxBytes): Promise<GitObject | null> {
    const at = /^([0-9a-f]{40}|[0-9a-f]{64}):/.exec(spec);
    return at ? this.readPath(at[1]!, spec.slice(at[0].length), maxBytes) : this.readObject(spec, maxBytes);
  }

  /**
   * `<commit>:<path>` as git's lookup resolves it (the first entry of each name, folder by folder),
   * but through objects that are each checked against their id: git's own lookup reads the commit
   * and the trees on the way unchecked, so a swapped root tree could point .gitguard anywhere.
   */
  private async readPath(rev: string, path: string, maxBytes: number): Promise<GitObject | null> {
    let o = await this.readObject(rev);
    // A commit whose bytes do not hash to its id is judged B where it is walked (and no goodlist
    // covers it), so its tree is read as git reads it.
    if (o?.type === 'commit') {
      const tree = /^tree ([0-9a-f]{40}|[0-9a-f]{64})\n/.exec(o.body.toString('latin1', 0, 80));
      o = tree ? await this.readNamed(tree[1]!, `the tree of ${rev.slice(0, 12)}`) : null;
    } else if (o && o.type !== 'tree') return this.readObject(`${rev}:${path}`, maxBytes); // a tag: git peels it
    const names = path.split('/').filter(Boolean);
    const oidBytes = rev.length === 64 ? 32 : 20;
    for (let i = 0; i < names.length; i++) {
      if (o?.type !== 'tree') return null;
      const entry = entryNamed(o.body, oidBytes, names[i]!);
      // A submodule's commit is not in this repository (any mode git does not know reads as one).
      if (!entry || canonicalMode(entry.mode) === SUBMODULE_MODE) return null;
      o = await this.readNamed(
        entry.oid,
        `${names.slice(0, i + 1).join('/')} at ${rev.slice(0, 12)}`,
        i === names.length - 1 ? maxBytes : this.maxBytes,
      );
    }
    return o;
  }

  /**
   * An object that a commit or tree names (`what`: where, for the message): one the repository does
   * not hold is an error, never "absent", which would change what is judged.
   */
  async readNamed(oid: string, what: string, maxBytes = this.maxBytes): Promise<GitObject> {
    const o = await this.readObject(oid, maxBytes);
    if (!o) throw notReadError(this.shadow.commonDir, join(this.shadow.gitDir, 'objects'), oid, what);
    return o;
  }

  private readObject(spec: string, maxBytes = this.maxBytes): Promise<GitObject | null> {
    const ask = (): Promise<GitObject | null> => this.request(spec, maxBytes, false) as Promise<GitObject | null>;
    return OBJECT_ID.test(spec) ? this.kept.read(spec, maxBytes, ask) : ask();
  }

  private request(spec: string, maxBytes: number, info: boolean): Promise<GitObject | ObjectInfo | null> {
    if (/[\n\r]/.test(spec)) return Promise.resolve(null);
    const child = this.start();
    return new Promise((resolve, reject) => {
      const oid = OBJECT_ID.test(spec) ? { oid: spec } : {};
      this.pending.push({ maxBytes, resolve, reject, ...oid, ...(info ? { info } : {}) });
      this.dog!.arm();
      child.stdin!.write(this.command ? `${info ? 'info' : 'contents'} ${spec}\n` : `${spec}\n`);
    });
  }

  /**
   * Each object's type and size (null: not there), in order, without its bytes: through this reader
   * with `--batch-command` for a few, else one `cat-file --batch-check` for them all (50,000 refs'
   * types asked one by one here took a second longer and 40 MB more than the one process).
   */
  async infoOf(specs: readonly string[]): Promise<Array<ObjectInfo | null>> {
    if (this.command && specs.length <= INFO_ALONE)
      return Promise.all(specs.map((s) => this.request(s, 0, true) as Promise<ObjectInfo | null>));
    if (!specs.length) return [];
    const lines = (
      await runGit(['cat-file', '--batch-check'], {
        gitDir: this.shadow.gitDir,
        input: specs.map((s) => `${s.replace(/[\n\r]/g, ' ')}\n`).join(''),
        timeoutMs: 300_000,
      })
    ).stdout
      .toString('utf8')
      .split('\n');
    return specs.map((_, i) => {
      const [oid, type, size] = (lines[i] ?? '').split(' ');
      const n = Number(size);
      return oid && type && Number.isSafeInteger(n) && n >= 0 ? { oid, type, size: n } : null;
    });
  }

  close(): void {
    if (this.child) {
      this.dog?.disarm();
      this.child.stdin!.end();
      this.child = undefined;
    }
  }
}
