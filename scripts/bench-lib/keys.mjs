// Real keys for the benchmark: ssh-keygen for SSH, gpg for OpenPGP, in throwaway folders.
import { execFileSync } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const IDENTITY = { name: 'Bench', email: 'bench@example.com' };
export const UID = `${IDENTITY.name} <${IDENTITY.email}>`;

function reader(buf) {
  let pos = 0;
  const take = (n) => {
    if (pos + n > buf.length) throw new Error('truncated OpenSSH private key');
    const out = buf.subarray(pos, pos + n);
    pos += n;
    return out;
  };
  const u32 = () => take(4).readUInt32BE(0);
  return { take, u32, string: () => take(u32()) };
}

/**
 * Reads an unencrypted openssh-key-v1 ed25519 private key file (what `ssh-keygen -t ed25519 -N ''`
 * writes) and returns the public key blob and a node:crypto private KeyObject, plus the raw
 * seed and public key so worker threads can rebuild the KeyObject.
 */
export function parseOpenSshEd25519(text) {
  const b64 = text
    .replace(/-----BEGIN OPENSSH PRIVATE KEY-----|-----END OPENSSH PRIVATE KEY-----/g, '')
    .replace(/\s+/g, '');
  const buf = Buffer.from(b64, 'base64');
  const magic = 'openssh-key-v1\0';
  if (buf.subarray(0, magic.length).toString('latin1') !== magic) throw new Error('not an openssh-key-v1 key');
  const r = reader(buf.subarray(magic.length));
  const cipher = r.string().toString();
  const kdf = r.string().toString();
  r.string(); // kdf options
  if (cipher !== 'none' || kdf !== 'none') throw new Error('the benchmark key must not be encrypted');
  if (r.u32() !== 1) throw new Error('expected exactly one key');
  const publicBlob = Buffer.from(r.string());
  const priv = reader(r.string());
  if (priv.u32() !== priv.u32()) throw new Error('check bytes differ (encrypted key?)');
  const type = priv.string().toString();
  if (type !== 'ssh-ed25519') throw new Error(`expected ssh-ed25519, got ${type}`);
  const pub = Buffer.from(priv.string());
  const secret = priv.string(); // seed || public
  const seed = Buffer.from(secret.subarray(0, 32));
  return { publicBlob, pub, seed, privateKey: ed25519KeyObject(seed, pub) };
}

export function ed25519KeyObject(seed, pub) {
  return createPrivateKey({
    key: {
      kty: 'OKP',
      crv: 'Ed25519',
      d: Buffer.from(seed).toString('base64url'),
      x: Buffer.from(pub).toString('base64url'),
    },
    format: 'jwk',
  });
}

/** `ssh-keygen -t ed25519` in `dir`; returns paths, the public line and the parsed private key. */
export function makeSshKey(dir) {
  const path = join(dir, 'id_ed25519');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', IDENTITY.email, '-f', path], { stdio: 'pipe' });
  const publicLine = readFileSync(`${path}.pub`, 'utf8').trim();
  const parsed = parseOpenSshEd25519(readFileSync(path, 'utf8'));
  const [type, b64] = publicLine.split(' ');
  if (type !== 'ssh-ed25519' || !Buffer.from(b64, 'base64').equals(parsed.publicBlob)) {
    throw new Error('the public key in id_ed25519.pub does not match the private key file');
  }
  const allowedSigners = join(dir, 'allowed_signers');
  writeFileSync(allowedSigners, `${IDENTITY.email} namespaces="git" ${type} ${b64}\n`);
  return { path, publicLine, allowedSigners, ...parsed };
}

/** A GNUPGHOME (mode 700, short path: gpg-agent's socket path is limited) and a runner for gpg. */
export function gpgHome(home) {
  if (home.length > 80) throw new Error(`GNUPGHOME too long for gpg-agent sockets: ${home}`);
  mkdirSync(home, { recursive: true, mode: 0o700 });
  chmodSync(home, 0o700);
  const env = { ...process.env, GNUPGHOME: home, LC_ALL: 'C' };
  const run = (args, input) =>
    execFileSync('gpg', ['--batch', '--no-tty', '--pinentry-mode', 'loopback', '--passphrase', '', ...args], {
      env,
      input,
      stdio: ['pipe', 'pipe', 'pipe'],
      maxBuffer: 64 << 20,
    });
  const kill = () => {
    try {
      execFileSync('gpgconf', ['--kill', 'all'], { env, stdio: 'pipe' });
    } catch {
      /* nothing running */
    }
  };
  return { home, env, run, kill };
}

/**
 * Makes a signing key with `gpg --quick-gen-key` (algo rsa2048 / ed25519) in its own GNUPGHOME,
 * exports it (secret, armored, for openpgp.js; public, armored, for gitguard --keyring), and
 * builds a second GNUPGHOME for git that holds only the public key, ultimately trusted. With
 * `createdAt` (unix seconds) the key is dated then, so signatures may carry older dates than today
 * (gpg refuses to check a signature older than its key).
 */
export function makeGpgKey(genHomePath, verifyHomePath, algo, outDir, createdAt) {
  const gen = gpgHome(genHomePath);
  gen.run([
    ...(createdAt ? ['--faked-system-time', `${createdAt}!`] : []),
    '--quick-gen-key',
    UID,
    algo,
    'sign',
    'never',
  ]);
  const fpr = gen
    .run(['--with-colons', '--list-keys', `=${UID}`])
    .toString()
    .split('\n')
    .find((l) => l.startsWith('fpr:'))
    ?.split(':')[9];
  if (!fpr) throw new Error(`gpg made no ${algo} key`);
  const secretArmored = gen.run(['--armor', '--export-secret-keys', fpr]).toString();
  const publicArmored = gen.run(['--armor', '--export', fpr]);
  gen.kill(); // the agent was only needed to make and export the secret key
  const keyring = join(outDir, `pubkey-${algo}.asc`);
  writeFileSync(keyring, publicArmored);

  const verify = gpgHome(verifyHomePath);
  verify.run(['--import'], publicArmored);
  verify.run(['--import-ownertrust'], `${fpr}:6:\n`);
  verify.run(['--check-trustdb']); // so the first timed verification does not rebuild it
  return { fpr, secretArmored, keyring, gen, verify };
}
