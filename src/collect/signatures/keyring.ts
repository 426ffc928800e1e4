// openpgp.js is a large module (~120 ms to load on this class of machine): load it only when there
// are OpenPGP keys to read, so SSH-only checks and config audits start fast.
import type { KeyringOptions } from './openpgp.js';
import type { KeySource } from './openpgp-keyfile.js';
import type { Keyring } from '../../domain/keys.js';

export async function loadKeyring(sources: KeySource[], options: KeyringOptions = {}): Promise<Keyring> {
  const m = await import('./openpgp.js');
  return m.loadKeyring(sources, options);
}

/** A trusted keyring plus the signing subkeys a commit's own key files bind to its primaries (see openpgp.ts). */
export async function withBoundSubkeys(trusted: Keyring, carried: Keyring): Promise<Keyring | undefined> {
  const m = await import('./openpgp.js');
  return m.withBoundSubkeys(trusted, carried);
}
