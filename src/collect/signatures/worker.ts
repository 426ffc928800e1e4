// A verification worker (see pool.ts): rebuilds each trusted key set once from raw bytes, then
// checks the signatures it is sent, one at a time, with the same code as the main thread.
import { parentPort } from 'node:worker_threads';
import { loadKeyring } from './keyring.js';
import { parseAllowedSigners } from './allowed-signers.js';
import { verifySignature, type TrustedKeys } from './verify.js';
import type { RawKeys } from './pool.js';

const keySets = new Map<string, Promise<TrustedKeys>>();

async function build(raw: RawKeys): Promise<TrustedKeys> {
  const keyring = raw.openpgp.length ? await loadKeyring(raw.openpgp) : undefined;
  const allowedSigners = raw.allowedSigners.flatMap((s) => parseAllowedSigners(s.text, s.file, { onInvalid: () => undefined }));
  return { ...(keyring ? { keyring } : {}), allowedSigners };
}

// Messages are handled strictly in order, so a key set always arrives before its first task.
let queue: Promise<void> = Promise.resolve();
parentPort!.on('message', (m: { kind: 'keys'; trustId: string; keys: RawKeys } | { kind: 'verify'; id: number; trustId: string; payload: Uint8Array; armored: string; at: number; identity: string }) => {
  if (m.kind === 'keys') {
    keySets.set(m.trustId, build(m.keys));
    return;
  }
  queue = queue.then(async () => {
    try {
      const keys = await keySets.get(m.trustId);
      if (!keys) throw new Error(`no keys for ${m.trustId}`);
      const verdict = await verifySignature(m.payload, m.armored, keys, m.at, m.identity);
      parentPort!.postMessage({ id: m.id, verdict });
    } catch (e) {
      parentPort!.postMessage({ id: m.id, error: (e as Error).message });
    }
  });
});
