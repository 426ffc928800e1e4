// Option parsers and the key options shared by every command that judges signatures (audit,
// verify, baseline write, hook run pre-push), so they read and mean the same everywhere.
import type { Command } from 'commander';

/** Repeatable, comma-separated values: -r a,b -r c -> [a, b, c]. */
export const list = (value: string, previous: string[] = []): string[] => [...previous, ...value.split(',').map((v) => v.trim()).filter(Boolean)];

/** Repeatable values taken whole (file names may contain commas). */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** --keyring, --allowed-signers, --revoked-keys: the keys used when the repository's policy does not say. */
export function keyOptions(cmd: Command): Command {
  return cmd
    .option('--keyring <file>', 'OpenPGP public keys to check signatures against when the repository has no policy (repeatable)', collect)
    .option('--allowed-signers <file>', 'SSH allowed-signers file, likewise (repeatable)', collect)
    .option('--revoked-keys <file>', 'keys whose signatures are void, as git\'s gpg.ssh.revocationFile: SSH public keys or fingerprints, OpenPGP fingerprints, one per line (repeatable)', collect);
}
