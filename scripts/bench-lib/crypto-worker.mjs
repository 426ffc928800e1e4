// Worker thread for the crypto-only measurement of `npm run bench -- signed`: node:crypto checks
// its share of the signatures, each already decoded (payload, what the signature covers, the raw
// signature), so what is timed is the hashing and the public-key arithmetic, nothing else.
import { createHash, createPublicKey, createVerify, verify } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';

const { kind, jwk, tasks } = workerData;
const key = createPublicKey({ key: jwk, format: 'jwk' });
const u32 = (n) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};
const sshString = (b) => Buffer.concat([u32(b.length), b]);
const SSHSIG_HEAD = Buffer.concat([
  Buffer.from('SSHSIG'),
  sshString(Buffer.from('git')),
  sshString(Buffer.alloc(0)),
  sshString(Buffer.from('sha512')),
]);

/** One signature: true when it verifies. */
const check = {
  // PROTOCOL.sshsig: the key signs the magic, namespace, reserved, hash name and sha512(message).
  'ssh-ed25519': (t) =>
    verify(null, Buffer.concat([SSHSIG_HEAD, sshString(createHash('sha512').update(t.payload).digest())]), key, t.sig),
  // RFC 4880 5.2.4: the hash covers the payload, then the signature's hashed part and trailer.
  'pgp-rsa2048': (t) => createVerify(t.hash).update(t.payload).update(t.trailer).verify(key, t.sig),
  // Legacy EdDSA signs that digest.
  'pgp-ed25519': (t) => verify(null, createHash(t.hash).update(t.payload).update(t.trailer).digest(), key, t.sig),
}[kind];

parentPort.on('message', () => {
  const start = performance.now();
  let good = 0;
  for (const t of tasks) if (check(t)) good += 1;
  parentPort.postMessage({ ms: performance.now() - start, good });
});
parentPort.postMessage('ready');
