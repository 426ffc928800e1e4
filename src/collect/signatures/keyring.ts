// openpgp.js is a large module (~120 ms to load on this class of machine): load it only when there
// are OpenPGP keys to read, so SSH-only checks and config audits start fast.
import type { KeyringOptions } from './openpgp.js';
import type { KeySource } from './openpgp-keyfile.js';
import type { Keyring } from '../../domain/keys.js';

export async function loadKeyring(sources: KeySource[], options: KeyringOptions = {}): Promise<Keyring> {
  if (!sources.length) return noKeys(options);
  const m = await import('./openpgp.js');
  return m.loadKeyring(sources, options);
}

/**
 * The keyring of no key files (a policy with allowed_signers and no keys/, a pre-push hook in an
 * SSH-signed repository): empty without openpgp.js; an OpenPGP signature to judge against it loads
 * the real empty keyring, so its verdict (which key is missing, the algorithms) is the same.
 */
function noKeys(options: KeyringOptions): Keyring {
  let real: Promise<Keyring> | undefined;
  const load = (): Promise<Keyring> => (real ??= import('./openpgp.js').then((m) => m.loadKeyring([], options)));
  return {
    size: 0,
    keys: () => [],
    identities: async () => [],
    hardRevocations: async () => [],
    verify: async (payload, armoredSig) => (await load()).verify(payload, armoredSig),
  };
}

/** A trusted keyring plus the signing subkeys a commit's own key files bind to its primaries (see openpgp.ts). */
export async function withBoundSubkeys(trusted: Keyring, carried: Keyring): Promise<Keyring | undefined> {
  const m = await import('./openpgp.js');
  return m.withBoundSubkeys(trusted, carried);
}
