// OpenSSH user and host certificates for tests, issued by the real `ssh-keygen -s`, and the key
// files git signs with when user.signingkey names the -cert.pub file (ssh-keygen -Y sign then
// embeds the certificate in the signature).
import { execFileSync } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { sshString, type CraftedKey, type SshTestKey } from './ssh.js';

export interface CertOptions {
  /** -n: the certificate's principals (none when empty). */
  principals: string[];
  /** -V: validity interval, as ssh-keygen takes it ("20240101000000Z:20250101000000Z"); default forever. */
  validity?: string;
  /** -h: a host certificate. */
  host?: boolean;
  /** -z serial. */
  serial?: number;
  /** -O options (critical options and extensions). */
  options?: string[];
  /** -t: the CA's signature algorithm (RSA CA keys: ssh-rsa, rsa-sha2-256, rsa-sha2-512). */
  caSignatureAlgorithm?: string;
}

let issued = 0;

/**
 * Issues a certificate for `user`'s key signed by `ca`, next to a copy of the user's private key
 * (each certificate gets its own, as ssh-keygen names it <key>-cert.pub). The result's `path` is the
 * -cert.pub file, what user.signingkey names; `pub` is the certificate line.
 */
export function issueCert(ca: SshTestKey, user: SshTestKey, dir: string, opts: CertOptions): SshTestKey {
  issued += 1;
  const base = join(dir, `certkey-${issued}`);
  copyFileSync(user.path, base);
  copyFileSync(`${user.path}.pub`, `${base}.pub`);
  const args = ['-q', '-s', ca.path, '-I', `cert-${issued}`, '-z', String(opts.serial ?? issued)];
  if (opts.principals.length) args.push('-n', opts.principals.join(','));
  if (opts.validity) args.push('-V', opts.validity);
  if (opts.host) args.push('-h');
  if (opts.caSignatureAlgorithm) args.push('-t', opts.caSignatureAlgorithm);
  for (const o of opts.options ?? []) args.push('-O', o);
  execFileSync('ssh-keygen', [...args, `${base}.pub`], { stdio: ['ignore', 'pipe', 'pipe'] });
  const path = `${base}-cert.pub`;
  return { type: user.type, path, pub: readFileSync(path, 'utf8').trim(), fingerprint: user.fingerprint };
}

/** The allowed_signers line trusting `ca` for `principals` (a pattern list), with options. */
export function caLine(principals: string, ca: SshTestKey, options: string[] = []): string {
  return `${principals} ${['cert-authority', ...options].join(',')} ${ca.pub}`;
}

// ---------------------------------------------------------------------------------------------
// Hand-built certificates (PROTOCOL.certkeys), for what ssh-keygen -s will not issue: every field
// can be bent, the CA signature can cover the wrong bytes, bytes can follow it.

export interface CraftedCertFields {
  /** The certificate key type; default: the certified key's type + "-cert-v01@openssh.com". */
  type?: string;
  nonce?: Buffer;
  /** The certified key's public parts (after its type name); default: the user key's. */
  keyParts?: Buffer;
  serial?: bigint;
  /** 1 user, 2 host. */
  certType?: number;
  keyId?: string;
  /** Principals as raw byte strings (NULs, commas allowed), or the whole section as given. */
  principals?: (string | Buffer)[];
  principalSection?: Buffer;
  validAfter?: bigint;
  validBefore?: bigint;
  critical?: [string, Buffer | string][];
  /** The critical options section as given (malformed ones). */
  criticalSection?: Buffer;
  extensions?: [string, Buffer | string][];
  reserved?: Buffer;
  /** The signature key blob; default: the CA's. */
  signatureKey?: Buffer;
  /** What the CA signs, from the bytes it should sign; default: those bytes. */
  signedBytes?: (toSign: Buffer) => Buffer;
  /** Bytes after the signature. */
  trailing?: Buffer;
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

function u64(n: bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(n);
  return b;
}

function options(list: [string, Buffer | string][]): Buffer {
  return Buffer.concat(
    list.map(([name, data]) =>
      Buffer.concat([sshString(name), sshString(data === '' ? Buffer.alloc(0) : sshString(data))]),
    ),
  );
}

/** A certificate for `user` signed by `ca` (both crafted keys), as a CraftedKey that signs with the
 *  user's key: craftSshSignature then embeds the certificate. */
export function craftCert(user: CraftedKey, ca: CraftedKey, f: CraftedCertFields = {}): CraftedKey {
  const r = { blob: user.blob, pos: 0 };
  const typeLen = r.blob.readUInt32BE(0);
  const userType = r.blob.subarray(4, 4 + typeLen).toString('latin1');
  const type = f.type ?? `${userType.replace(/@openssh\.com$/, '')}-cert-v01@openssh.com`;
  const principalSection =
    f.principalSection ?? Buffer.concat((f.principals ?? ['alice@example.com']).map((p) => sshString(p)));
  const body = Buffer.concat([
    sshString(type),
    sshString(f.nonce ?? Buffer.alloc(32, 7)),
    f.keyParts ?? r.blob.subarray(4 + typeLen),
    u64(f.serial ?? 1n),
    u32(f.certType ?? 1),
    sshString(f.keyId ?? 'crafted'),
    sshString(principalSection),
    u64(f.validAfter ?? 0n),
    u64(f.validBefore ?? 0xffffffffffffffffn),
    sshString(f.criticalSection ?? options(f.critical ?? [])),
    sshString(options(f.extensions ?? [['permit-pty', '']])),
    sshString(f.reserved ?? Buffer.alloc(0)),
    sshString(f.signatureKey ?? ca.blob),
  ]);
  const sig = ca.sign(f.signedBytes ? f.signedBytes(body) : body);
  const blob = Buffer.concat([body, sshString(sig), f.trailing ?? Buffer.alloc(0)]);
  return { blob, pub: `${type} ${blob.toString('base64')}`, sign: (d) => user.sign(d) };
}
