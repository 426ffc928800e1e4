// The key files a user names on the command line (--keyring, --allowed-signers, --revoked-keys):
// read with a size bound, parsed up front so a bad file is reported at once, and named in every
// error with the way to make a good one.
import { createHash } from 'node:crypto';
import { ExpectedError, fileError, firstLine } from '../errors.js';
import type { AllowedSigner, Keyring } from '../domain/keys.js';
import { readBounded } from './safe-fs.js';
import { loadKeyring } from './signatures/keyring.js';
import { parseAllowedSigners } from './signatures/allowed-signers.js';
import type { TrustedKeys } from './signatures/verify.js';
import type { RawKeys } from './signatures/pool.js';
import type { VerifyCache } from './verify-cache.js';

export interface UserKeyFiles {
  /** OpenPGP key files (armored or binary). */
  keyrings?: string[];
  /** SSH allowed-signers files. */
  allowedSigners?: string[];
}

// Each key option's name for its file, and how to make one.
const KEY_FILES = {
  keyring: ['keyring', '--keyring', 'pass --keyring FILE with OpenPGP public keys (gpg --export --armor KEYID > FILE)'],
  allowedSigners: [
    'allowed-signers file',
    '--allowed-signers',
    'pass --allowed-signers FILE in git\'s gpg.ssh.allowedSignersFile format ("email ssh-ed25519 AAAA...")',
  ],
  revokedKeys: [
    'revoked-keys file',
    '--revoked-keys',
    'pass --revoked-keys FILE listing revoked SSH public keys or fingerprints, one per line',
  ],
} as const;

/** A key file named on the command line (a whole exported keyring fits). */
const USER_KEY_FILE_MAX = 64 * 1024 * 1024;

export function readKeyFile(file: string, kind: keyof typeof KEY_FILES): Buffer {
  try {
    return readBounded(file, USER_KEY_FILE_MAX, { follow: true });
  } catch (err) {
    throw fileError('read', KEY_FILES[kind][0], file, err, KEY_FILES[kind][2]);
  }
}

/** The keys of these files, as read (by --keyring, --allowed-signers or from a commit, checkout-keys.ts). */
export type UserKeys = TrustedKeys & { id: string; raw: RawKeys };

export async function loadUserKeys(opts: UserKeyFiles, cache: VerifyCache | undefined): Promise<UserKeys | undefined> {
  const pgp = (opts.keyrings ?? []).map((file) => ({ file, data: readKeyFile(file, 'keyring') }));
  const ssh = (opts.allowedSigners ?? []).map((file) => ({ file, data: readKeyFile(file, 'allowedSigners') }));
  if (!pgp.length && !ssh.length) return undefined;
  return keysOfFiles(pgp, ssh, cache);
}

/** Each key file's name and bytes, by kind. */
export type KeyFileData = Array<{ file: string; data: Buffer }>;

export async function keysOfFiles(
  pgp: KeyFileData,
  ssh: KeyFileData,
  cache: VerifyCache | undefined,
): Promise<UserKeys> {
  const id = createHash('sha256');
  // Each file's role, name and length too: `--keyring K --allowed-signers S` is not `--keyring K --keyring S`.
  for (const [kind, files] of [['keyring', pgp] as const, ['allowed-signers', ssh] as const])
    for (const k of files) id.update(`${kind}\0${k.file}\0${k.data.length}\0`).update(k.data);
  const keysId = id.copy().digest('hex');
  let loaded: Promise<Keyring> | undefined;
  const load = (): Promise<Keyring> => {
    loaded ??= loadKeyring(pgp).catch((err: Error) => {
      throw new ExpectedError(firstLine(err.message), KEY_FILES.keyring[2]);
    });
    return loaded;
  };
  // Keys are parsed up front so a bad key file is reported at once, unless this exact set (same
  // bytes) parsed cleanly in an earlier run: then only when a signature needs them.
  let keyring: Keyring | (() => Promise<Keyring>) | undefined;
  if (pgp.length) {
    if (cache?.knownGoodKeys(keysId)) keyring = load;
    else {
      keyring = await load();
      cache?.markGoodKeys(keysId);
    }
  }
  const allowedSigners: AllowedSigner[] = [];
  for (const k of ssh) {
    try {
      allowedSigners.push(...parseAllowedSigners(k.data.toString('utf8'), k.file));
    } catch (err) {
      throw new ExpectedError(firstLine((err as Error).message), KEY_FILES.allowedSigners[2]);
    }
  }
  const raw: RawKeys = {
    openpgp: pgp,
    allowedSigners: ssh.map((k) => ({ file: k.file, text: k.data.toString('utf8') })),
  };
  return { ...(keyring ? { keyring } : {}), allowedSigners, id: id.digest('hex').slice(0, 16), raw };
}
