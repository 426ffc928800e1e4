// Worker thread: builds one repository of `commits` signed commits on a linear main branch.
// Each commit names its parent's id, which covers the parent's signature, so one chain is signed
// in order; the repositories are built in parallel, one worker each. OpenPGP signatures come from
// openpgp.js, or with `nodeSigner` from node:crypto (pgp-sign.mjs: for 100,000-commit histories).
import { execFileSync } from 'node:child_process';
import { mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import * as openpgp from 'openpgp';
import { ed25519KeyObject } from './keys.mjs';
import { commitPayload, EMPTY_TREE, PackWriter, sshsigEd25519, withSignature } from './objects.mjs';
import { pgpSigner } from './pgp-sign.mjs';

const { kind, repoDir, commits, startTime, identity, key, gitEnv, nodeSigner } = workerData;
const t0 = performance.now();

let signer;
if (kind === 'ssh') {
  const privateKey = ed25519KeyObject(Buffer.from(key.seed), Buffer.from(key.pub));
  const blob = Buffer.from(key.publicBlob);
  signer = async (payload) => sshsigEd25519(payload, blob, privateKey);
} else if (nodeSigner) {
  const sign = await pgpSigner(key.secretArmored);
  signer = async (payload, time) => sign(payload, time);
} else {
  const signingKeys = await openpgp.readPrivateKey({ armoredKey: key.secretArmored });
  signer = async (payload) =>
    openpgp.sign({
      message: await openpgp.createMessage({ binary: payload }),
      signingKeys,
      detached: true,
      format: 'armored',
    });
}

const git = (args, input) =>
  execFileSync('git', args, { cwd: repoDir, env: gitEnv, input, stdio: ['pipe', 'pipe', 'pipe'] })
    .toString()
    .trim();

mkdirSync(repoDir, { recursive: true });
git(['init', '-q', '-b', 'main', '.']);

const packDir = join(repoDir, '.git', 'objects', 'pack');
const tmpPack = join(packDir, 'tmp-bench.pack');
const pack = new PackWriter(tmpPack, commits + 1);
pack.add('tree', Buffer.alloc(0));
let parent = null;
let root = null;
let signMs = 0;
for (let i = 0; i < commits; i++) {
  const time = startTime + i * 60;
  const payload = commitPayload({
    tree: EMPTY_TREE,
    parent,
    name: identity.name,
    email: identity.email,
    time,
    message: `Bench commit ${i}\n\nPart of a ${kind} benchmark history; ${'padding '.repeat(i % 16)}\n`,
  });
  const s = performance.now();
  const armored = await signer(payload, time);
  signMs += performance.now() - s;
  const body = withSignature(payload, armored);
  const oid = pack.add('commit', body);
  if (!root) root = { oid, payload, signature: armored };
  parent = oid;
}
const tSigned = performance.now();

const { name, packBytes } = pack.finish();
const packPath = join(packDir, `pack-${name}.pack`);
renameSync(tmpPack, packPath);
git(['index-pack', packPath]);
git(['update-ref', 'refs/heads/main', parent]);
const tDone = performance.now();

parentPort.postMessage({
  tip: parent,
  root,
  signMs,
  buildMs: tSigned - t0,
  writeMs: tDone - tSigned,
  totalMs: tDone - t0,
  packBytes,
});
