// What the user signs with and already trusts, read from their own files for `gitguard init`: the
// SSH key user.signingkey names (a literal key or a file), never running gpg.ssh.defaultKeyCommand.
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { fsReason } from '../errors.js';
import type { SshPublicKey } from '../domain/keys.js';
import { readKey } from './signatures/allowed-signers.js';
import { readBounded } from './safe-fs.js';

/** A path from the user's config: "~/" is their home, a relative one is taken from `base` (else home). */
export function expandPath(p: string, env: NodeJS.ProcessEnv, base?: string): string {
  if (p.startsWith('~/')) return join(env.HOME ?? homedir(), p.slice(2));
  return isAbsolute(p) ? p : resolve(base ?? env.HOME ?? homedir(), p);
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
