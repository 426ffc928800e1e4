// Verification across cores: worker threads that each hold their own copy of the trusted keys and
// check signatures handed to them. Used only for large walks (the pool costs ~50 ms to start) and
// only from the built package, where worker.js sits beside this file.
import { Worker } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Verdict } from '../../domain/signature.js';

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

interface Slot {
  worker: Worker;
  known: Set<string>;
  pending: Map<number, { resolve: (v: Verdict) => void; reject: (e: Error) => void }>;
}

/** How many verification threads a large walk uses: one per core, up to 4 (0: none, a single core). */
export function poolSize(): number {
  const size = Math.min(4, availableParallelism());
  return size < 2 ? 0 : size;
}

export class VerifyPool {
  private readonly slots: Slot[] = [];
  private next = 0;
  private seq = 0;

  private constructor(url: URL, size: number, private readonly keys: Map<string, RawKeys>) {
    for (let i = 0; i < size; i += 1) {
      const worker = new Worker(url);
      worker.unref();
      const slot: Slot = { worker, known: new Set(), pending: new Map() };
      worker.on('message', (m: { id: number; verdict?: Verdict; error?: string }) => {
        const p = slot.pending.get(m.id);
        slot.pending.delete(m.id);
        if (!p) return;
        if (m.verdict) p.resolve(m.verdict);
        else p.reject(new Error(m.error ?? 'worker failed'));
      });
      worker.on('error', (e) => {
        for (const p of slot.pending.values()) p.reject(e);
        slot.pending.clear();
      });
      this.slots.push(slot);
    }
  }

  /** A pool, or undefined where workers cannot run (tests against sources, a single core). */
  static create(keys: Map<string, RawKeys>): VerifyPool | undefined {
    const url = new URL('./worker.js', import.meta.url);
    if (url.protocol !== 'file:' || !existsSync(fileURLToPath(url))) return undefined;
    const size = poolSize();
    if (!size) return undefined;
    return new VerifyPool(url, size, keys);
  }

  verify(task: Task): Promise<Verdict> {
    const slot = this.slots[this.next]!;
    this.next = (this.next + 1) % this.slots.length;
    if (!slot.known.has(task.trustId)) {
      slot.worker.postMessage({ kind: 'keys', trustId: task.trustId, keys: this.keys.get(task.trustId) });
      slot.known.add(task.trustId);
    }
    const id = (this.seq += 1);
    return new Promise((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      slot.worker.postMessage({ kind: 'verify', id, ...task });
    });
  }

  close(): void {
    for (const s of this.slots) void s.worker.terminate();
  }
}
