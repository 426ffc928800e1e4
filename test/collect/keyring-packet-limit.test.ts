// A key file whose one key carries tens of thousands of packets (user IDs here; a keyserver-flooded
// key's certifications alike) is refused from its packet headers, before openpgp.js parses any:
// 1,000,000 user IDs in a 20 MB --keyring took 56 s and 710 MB (red-team round 7).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadKeyring } from '../../src/collect/signatures/keyring.js';
import { packetFrames } from '../../src/collect/signatures/openpgp-critical.js';
import { makeGpg, type Gpg } from '../helpers/gpg.js';

let gpg: Gpg;
let key: Buffer;
beforeAll(() => {
  gpg = makeGpg(mkdtempSync(join(tmpdir(), 'gg-kpl-')));
  key = gpg.exportPublic(gpg.genKey('Alice <alice@example.com>', 'ed25519'));
});
afterAll(() => gpg.kill());

/** The key with `n` more user ID packets (tag 13, new format) right after its primary key packet. */
function withUserIds(n: number): Buffer {
  const frames = packetFrames(key)!;
  const primaryEnd = frames[0]!.body.byteOffset - key.byteOffset + frames[0]!.body.length;
  const uid = (i: number): Buffer => {
    const b = Buffer.from(`u${i} <u${i}@example.com>`);
    return Buffer.concat([Buffer.from([0xcd, b.length]), b]);
  };
  return Buffer.concat([
    key.subarray(0, primaryEnd),
    ...Array.from({ length: n }, (_, i) => uid(i)),
    key.subarray(primaryEnd),
  ]);
}

test('a key of 20,001 user IDs is refused, naming the limit and how to export the key without them (before: loaded)', async () => {
  await expect(loadKeyring([{ file: 'flooded.gpg', data: withUserIds(20_001) }])).rejects.toThrow(
    'flooded.gpg: not a readable OpenPGP key file (a key has more than 20000 packets (user IDs, subkeys, signatures): export it without third-party signatures (gpg --export --export-options export-minimal KEYID))',
  );
});

test('the count is per key: many keys of a few packets each load', async () => {
  const ring = await loadKeyring([{ file: 'many.gpg', data: Buffer.concat(Array.from({ length: 300 }, () => key)) }]);
  expect(ring).toBeDefined();
  expect(packetFrames(key)!.length).toBeLessThan(10);
});
