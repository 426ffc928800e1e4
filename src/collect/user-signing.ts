// What the user signs with and already trusts, read from their own files for `gitguard init`: the
// SSH key user.signingkey names (a literal key or a file), never running gpg.ssh.defaultKeyCommand.
import { isAbsolute, join, resolve } from 'node:path';
import { fsReason } from '../errors.js';
import type { SshPublicKey } from '../domain/keys.js';
import { parseAllowedSigners, readKey } from './signatures/allowed-signers.js';
import { readBounded } from './safe-fs.js';
import { userHome } from './user-home.js';

/** A path from the user's config: "~/" is their home, a relative one is taken from `base` (else home). */
export function expandPath(p: string, env: NodeJS.ProcessEnv, base?: string): string {
  const home = userHome(env);
  if (p.startsWith('~/')) return home === undefined ? p : join(home, p.slice(2));
  const from = base ?? home;
  return isAbsolute(p) || from === undefined ? p : resolve(from, p);
}

/** Reads a small regular file (a public key), or says why not. */
function readSmallFile(file: string): string | { error: string } {
  try {
    return readBounded(file, 64 * 1024, { follow: true }).toString('utf8');
  } catch (err) {
    return { error: fsReason(err) };
  }
}

/**
 * The SSH public key git signs with here (gpg.format ssh): user.signingkey as a literal key
 * ("ssh-ed25519 AAAA...", optionally "key::"-prefixed) or a path to the public key (or to the private
 * key, whose ".pub" sits beside it). gpg.ssh.defaultKeyCommand is never run.
 */
export function sshSigningKey(
  value: string,
  env: NodeJS.ProcessEnv,
  base: string,
): { line: string; key: SshPublicKey } | { error: string } {
  const literal = value.startsWith('key::') ? value.slice(5) : value;
  if (/^(ssh-|ecdsa-|sk-)/.test(literal)) {
    const k = readKey(literal.trim());
    return k ? { line: literal.trim(), key: k.key } : { error: `user.signingkey is not a readable SSH public key` };
  }
  const path = expandPath(value, env, base);
  for (const file of path.endsWith('.pub') ? [path] : [`${path}.pub`, path]) {
    const text = readSmallFile(file);
    if (typeof text !== 'string') continue;
    const first = text
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l && !l.startsWith('#'));
    const k = first ? readKey(first) : undefined;
    if (k) return { line: first!, key: k.key };
  }
  return { error: `no SSH public key found at ${path}${path.endsWith('.pub') ? '' : ' or ' + path + '.pub'}` };
}

/** The user's own allowed-signers file (gpg.ssh.allowedSignersFile). */
const USER_SIGNERS_MAX = 16 * 1024 * 1024;

export interface UserSigners {
  /** Plain keys by fingerprint, and each with its principals. */
  sshKeys: Map<string, SshPublicKey>;
  sshEntries: Array<{ principals: string[]; key: SshPublicKey }>;
  /** The SSH CAs the user trusts (cert-authority lines), by fingerprint: their certificates' signers. */
  caKeys: Map<string, SshPublicKey>;
}

/** The user's allowed-signers file read as data (lines git would skip are skipped); `error`: why it was not. */
export function readUserSigners(file: string | undefined): UserSigners & { file?: string; error?: string } {
  const out: UserSigners = { sshKeys: new Map(), sshEntries: [], caKeys: new Map() };
  if (!file) return out;
  try {
    for (const e of parseAllowedSigners(readBounded(file, USER_SIGNERS_MAX, { follow: true }).toString('utf8'), file, {
      onInvalid: () => undefined,
    })) {
      if (e.certAuthority) {
        out.caKeys.set(e.key.fingerprint, e.key);
        continue;
      }
      out.sshKeys.set(e.key.fingerprint, e.key);
      out.sshEntries.push({ principals: e.principals, key: e.key });
    }
    return { ...out, file };
  } catch (err) {
    return {
      sshKeys: new Map(),
      sshEntries: [],
      caKeys: new Map(),
      error: `could not read your gpg.ssh.allowedSignersFile ${file}: ${(err as Error).message}`,
    };
  }
}
