// OpenSSH user and host certificates for tests, issued by the real `ssh-keygen -s`, and the key
// files git signs with when user.signingkey names the -cert.pub file (ssh-keygen -Y sign then
// embeds the certificate in the signature).
import { execFileSync } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SshTestKey } from './ssh.js';
import { readFileSync } from 'node:fs';

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
