// A verification worker (see pool.ts): rebuilds each trusted key set once from raw bytes, then
// checks the batches of signatures it is sent, one signature at a time, with the same code as the
// main thread.
import { parentPort } from 'node:worker_threads';
import { loadKeyring } from './keyring.js';
import { parseAllowedSigners } from './allowed-signers.js';
import { verifySignature, type TrustedKeys } from './verify.js';
import type { BatchAnswer, BatchMessage, RawKeys } from './pool.js';
import { ShapeTable } from './verdict-shapes.js';

const keySets = new Map<string, Promise<TrustedKeys>>();
/** Every verdict shape this worker has given, and how many of them the pool has been sent. */
const shapes = new ShapeTable();
let shapesSent = 0;

async function build(raw: RawKeys): Promise<TrustedKeys> {
  const keyring = raw.openpgp.length ? await loadKeyring(raw.openpgp) : undefined;
  const allowedSigners = raw.allowedSigners.flatMap((s) =>
    parseAllowedSigners(s.text, s.file, { onInvalid: () => undefined }),
  );
  return { ...(keyring ? { keyring } : {}), allowedSigners };
}

async function check(m: BatchMessage): Promise<BatchAnswer> {
  const answer: BatchAnswer = { id: m.id, shapes: [], numbers: [], signedAt: [], errors: [] };
  // A transferred Uint8Array arrives as one, not a Buffer.
  const bytes = Buffer.from(m.bytes.buffer, m.bytes.byteOffset, m.bytes.byteLength);
  for (let i = 0; i < m.trust.length; i += 1) {
    try {
      const trustId = m.trustIds[m.trust[i]!]!;
      const keys = await keySets.get(trustId);
      if (!keys) throw new Error(`no keys for ${trustId}`);
      const payload = bytes.subarray(i === 0 ? 0 : m.ends[2 * i - 1], m.ends[2 * i]);
      const armored = bytes.toString('utf8', m.ends[2 * i], m.ends[2 * i + 1]);
      const verdict = await verifySignature(payload, armored, keys, m.at[i]!, m.identity[i]!);
      answer.numbers.push(shapes.number(verdict)!);
      answer.signedAt.push(verdict.signedAt ?? null);
      answer.errors.push(null);
    } catch (e) {
      answer.numbers.push(-1);
      answer.signedAt.push(null);
      answer.errors.push((e as Error).message);
    }
  }
  answer.shapes = shapes.shapes.slice(shapesSent);
  shapesSent = shapes.shapes.length;
  return answer;
}

// Messages are handled strictly in order, so a key set always arrives before its first task.
let queue: Promise<void> = Promise.resolve();
parentPort!.on('message', (m: { kind: 'keys'; trustId: string; keys: RawKeys } | BatchMessage) => {
  if (m.kind === 'keys') {
    keySets.set(m.trustId, build(m.keys));
    return;
  }
  queue = queue.then(async () => parentPort!.postMessage(await check(m)));
});
