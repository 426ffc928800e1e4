// Reads single objects on demand (policy files out of a commit's tree) through one long-lived
// `git cat-file --batch` in the shadow git dir: one process for all reads, answers in request order.
import type { ChildProcess } from 'node:child_process';
import { GitError } from '../errors.js';
import { spawnGit, type Shadow } from './git.js';

export interface GitObject {
  oid: string;
  type: string;
  body: Buffer;
}

interface Pending {
  resolve: (o: GitObject | null) => void;
  reject: (e: Error) => void;
}

export class ObjectReader {
  private child: ChildProcess | undefined;
  private readonly pending: Pending[] = [];
  private buf: Buffer = Buffer.alloc(0);
  private stderr = '';

  constructor(private readonly shadow: Shadow) {}

  private start(): ChildProcess {
    if (this.child) return this.child;
    const child = spawnGit(['cat-file', '--batch'], { gitDir: this.shadow.gitDir });
    child.stdout!.on('data', (c: Buffer) => this.onData(c));
    child.stderr!.on('data', (c: Buffer) => (this.stderr += c.toString('utf8')));
    child.stdin!.on('error', () => undefined);
    child.on('close', (code) => {
      const err = new GitError(['cat-file', '--batch'], code, this.stderr || 'git cat-file exited');
      while (this.pending.length) this.pending.shift()!.reject(err);
      this.child = undefined;
    });
    this.child = child;
    return child;
  }

  private onData(chunk: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    for (;;) {
      const nl = this.buf.indexOf(10);
      if (nl === -1) return;
      const header = this.buf.toString('utf8', 0, nl);
      const parts = header.split(' ');
      if (parts[parts.length - 1] === 'missing' || parts[parts.length - 1] === 'ambiguous') {
        this.buf = this.buf.subarray(nl + 1);
        this.pending.shift()?.resolve(null);
        continue;
      }
      const size = Number(parts[2]);
      if (this.buf.length < nl + 1 + size + 1) return;
      const body = Buffer.from(this.buf.subarray(nl + 1, nl + 1 + size));
      this.buf = this.buf.subarray(nl + 1 + size + 1);
      this.pending.shift()?.resolve({ oid: parts[0]!, type: parts[1]!, body });
    }
  }

  /** An object by id or by `<commit>:<path>`; null when it does not exist. */
  read(spec: string): Promise<GitObject | null> {
    if (/[\n\r]/.test(spec)) return Promise.resolve(null);
    const child = this.start();
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve, reject });
      child.stdin!.write(`${spec}\n`);
    });
  }

  close(): void {
    if (this.child) {
      this.child.stdin!.end();
      this.child = undefined;
    }
  }
}

export interface TreeEntry {
  mode: string;
  name: string;
  oid: string;
}

/** Parses a raw tree object: "<mode> <name>\0<binary id>" repeated. */
export function parseTree(body: Buffer, oidBytes: 20 | 32): TreeEntry[] {
  const entries: TreeEntry[] = [];
  let pos = 0;
  while (pos < body.length) {
    const sp = body.indexOf(32, pos);
    const nul = body.indexOf(0, sp + 1);
    if (sp === -1 || nul === -1 || nul + 1 + oidBytes > body.length) break;
    entries.push({
      mode: body.toString('latin1', pos, sp),
      name: body.toString('utf8', sp + 1, nul),
      oid: body.subarray(nul + 1, nul + 1 + oidBytes).toString('hex'),
    });
    pos = nul + 1 + oidBytes;
  }
  return entries;
}
