// Verification across cores: worker threads that each hold their own copy of the trusted keys and
// check signatures handed to them. Used only for large walks (the pool costs ~50 ms to start) and
// only from the built package, where worker.js sits beside this file.
//
// Tasks go out in batches, not one message each: a message costs about as much as checking an
// RSA signature. A batch's payloads travel in one transferred buffer (a payload is often a view
// into a larger pooled buffer, which a message would otherwise copy whole); a parsed commit writes
// its payload and signature into it itself (CommitRecord.writeSigned), neither built on the way.
import { Worker } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Verdict } from '../../domain/signature.js';
import { withTime, type Shape } from './verdict-shapes.js';

/** What a worker needs to rebuild a trusted key set: raw bytes, parsed on its side. */
export interface RawKeys {
  openpgp: { file: string; data: Uint8Array }[];
  allowedSigners: { file: string; text: string }[];
}

export interface Task {
  trustId: string;
  payload: Uint8Array;
  armored: string;
  at: number;
  identity: string;
}

/** A commit's task whose bytes the commit writes into the batch itself (CommitRecord.writeSigned). */
export interface CommitTask {
  trustId: string;
  commit: { writeSigned(into: Uint8Array, at: number, ends: number[]): boolean; readonly signedMaxBytes: number };
  at: number;
  identity: string;
}

/**
 * One batch as it travels: each task's payload then its armored signature (UTF-8) end to end in
 * `bytes`, task i's payload ending at ends[2i] and its signature at ends[2i+1]; its key set is
 * trustIds[trust[i]]. A batch's strings cost more to copy between threads than its bytes.
 */
export interface BatchMessage {
  kind: 'verify';
  id: number;
  trustIds: string[];
  trust: number[];
  bytes: Uint8Array;
  ends: number[];
  at: number[];
  identity: string[];
}

/**
 * A worker's answer to a batch, per task: the number of its verdict's shape (verdict-shapes.ts) and
 * its signing time, or -1 and why there is no verdict. Shapes the worker has not sent before come
 * along; they are numbered in the order sent.
 */
export interface BatchAnswer {
  id: number;
  shapes: Shape[];
  numbers: number[];
  signedAt: Array<number | null>;
  errors: Array<string | null>;
}

type Waiter = { resolve: (v: Verdict) => void; reject: (e: Error) => void };

interface Slot {
  worker: Worker;
  known: Set<string>;
  /** Batches sent and not answered yet, by id. */
  sent: Map<number, Waiter[]>;
  /** Tasks sent so far and not answered: the least loaded slot gets the next batch. */
  load: number;
  /** The worker's verdict shapes, by number. */
  shapes: Shape[];
}

/** Tasks per message: large enough that messaging is a small part of the cost, small enough to spread. */
const BATCH = 32;

/** How many verification threads a large walk uses: one per core, up to 4 (0: none, a single core). */
export function poolSize(): number {
  const size = Math.min(4, availableParallelism());
  return size < 2 ? 0 : size;
}

export class VerifyPool {
  private readonly slots: Slot[] = [];
  private seq = 0;
  private queue: Array<{ task: Task | CommitTask; waiter: Waiter }> = [];
  private scheduled = false;

  private constructor(
    url: URL,
    size: number,
    private readonly keys: Map<string, RawKeys>,
  ) {
    for (let i = 0; i < size; i += 1) {
      const worker = new Worker(url);
      worker.unref();
      const slot: Slot = { worker, known: new Set(), sent: new Map(), load: 0, shapes: [] };
      worker.on('message', (m: BatchAnswer) => {
        const waiters = slot.sent.get(m.id);
        slot.sent.delete(m.id);
        if (!waiters) return;
        slot.load -= waiters.length;
        for (const s of m.shapes) slot.shapes.push(s);
        waiters.forEach((w, i) => {
          const shape = slot.shapes[m.numbers[i]!];
          if (shape) w.resolve(withTime(shape, m.signedAt[i] ?? undefined));
          else w.reject(new Error(m.errors[i] ?? 'worker failed'));
        });
      });
      worker.on('error', (e) => {
        for (const waiters of slot.sent.values()) for (const w of waiters) w.reject(e);
        slot.sent.clear();
        slot.load = 0;
      });
      this.slots.push(slot);
    }
  }

  /**
   * A pool of `size` threads (at most poolSize()), or undefined where workers cannot run (tests
   * against sources, a single core).
   */
  static create(keys: Map<string, RawKeys>, size = poolSize()): VerifyPool | undefined {
    const url = new URL('./worker.js', import.meta.url);
    if (url.protocol !== 'file:' || !existsSync(fileURLToPath(url))) return undefined;
    size = Math.min(size, poolSize());
    if (!size) return undefined;
    return new VerifyPool(url, size, keys);
  }

  verify(task: Task | CommitTask): Promise<Verdict> {
    return new Promise((resolve, reject) => {
      this.queue.push({ task, waiter: { resolve, reject } });
      if (this.queue.length >= BATCH) this.flush();
      else if (!this.scheduled) {
        // What is queued by the end of this turn goes out together.
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          this.flush();
        });
      }
    });
  }

  private flush(): void {
    while (this.queue.length) {
      const batch = this.queue.splice(0, BATCH);
      const slot = this.slots.reduce((a, b) => (b.load < a.load ? b : a));
      for (const { task } of batch) {
        if (!slot.known.has(task.trustId)) {
          slot.worker.postMessage({ kind: 'keys', trustId: task.trustId, keys: this.keys.get(task.trustId) });
          slot.known.add(task.trustId);
        }
      }
      // At most this many bytes: a commit writes its own (no payload or string built), the rest are measured.
      let size = 0;
      for (const { task } of batch)
        size += 'commit' in task ? task.commit.signedMaxBytes : task.payload.length + Buffer.byteLength(task.armored);
      // Not from Buffer's shared pool: the memory is handed over to the worker.
      const bytes = Buffer.allocUnsafeSlow(size);
      const ends: number[] = [];
      const trustIds: string[] = [];
      const trust: number[] = [];
      const sent: Waiter[] = [];
      const at: number[] = [];
      const identity: string[] = [];
      let end = 0;
      for (const { task, waiter } of batch) {
        if (!('commit' in task)) {
          bytes.set(task.payload, end);
          ends.push((end += task.payload.length));
          // Every signature's text was decoded from UTF-8 (commit-object.ts, tag-object.ts): it comes back the same.
          ends.push((end += bytes.write(task.armored, end, 'utf8')));
        } else if (task.commit.writeSigned(bytes, end, ends)) end = ends[ends.length - 1]!;
        else {
          // trust-verifier.ts sends only commits with the signature; refused, not sent, should one come.
          waiter.reject(new Error('no signature to send to the verification pool'));
          continue;
        }
        let t = trustIds.indexOf(task.trustId);
        if (t === -1) t = trustIds.push(task.trustId) - 1;
        trust.push(t);
        sent.push(waiter);
        at.push(task.at);
        identity.push(task.identity);
      }
      if (!sent.length) continue;
      const id = (this.seq += 1);
      slot.sent.set(id, sent);
      slot.load += sent.length;
      const message: BatchMessage = { kind: 'verify', id, trustIds, trust, bytes, ends, at, identity };
      slot.worker.postMessage(message, [bytes.buffer]);
    }
  }

  close(): void {
    for (const s of this.slots) void s.worker.terminate();
  }
}
