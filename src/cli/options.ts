// Option parsers and the key options shared by every command that judges signatures (audit,
// verify, baseline write, hook run pre-push), so they read and mean the same everywhere.
import { Option, type Command } from 'commander';
import { ExpectedError } from '../errors.js';
import { THREATS } from '../domain/model.js';
import type { TrustOptions } from '../engine/history-session.js';

/** Repeatable, comma-separated values: -r a,b -r c -> [a, b, c]. */
export const list = (value: string, previous: string[] = []): string[] => [
  ...previous,
  ...value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean),
];

/** -t, --threat: repeatable and comma-separated like `list`; the names are checked by `refuseUnknownThreats`. */
export const threatOption = (description: string): Option =>
  new Option('-t, --threat <threat>', description).argParser(list);

/**
 * Before any command runs: a misspelt threat is a usage error (exit 2) on every command that filters
 * by threat, never a filter that silently selects nothing.
 */
export function refuseUnknownThreats(_program: Command, command: Command): void {
  const threats = command.opts<{ threat?: string[] }>().threat ?? [];
  for (const t of threats)
    if (!(THREATS as readonly string[]).includes(t))
      command.error(`unknown threat "${t}" (choose from ${THREATS.join(', ')})`, { exitCode: 2 });
}

/** Repeatable values taken whole (file names may contain commas). */
const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** --keyring, --allowed-signers, --revoked-keys: the keys used when the repository's policy does not say. */
export function keyOptions(cmd: Command): Command {
  return cmd
    .option(
      '--keyring <file>',
      'OpenPGP public keys to check signatures against when the repository has no policy (repeatable)',
      collect,
    )
    .option('--allowed-signers <file>', 'SSH allowed-signers file, likewise (repeatable)', collect)
    .option(
      '--revoked-keys <file>',
      "keys whose signatures are void, as git's gpg.ssh.revocationFile: SSH public keys or fingerprints, OpenPGP fingerprints, one per line (repeatable)",
      collect,
    );
}

/** The key options and --trust-root/--no-cache as the walk takes them (commands without the latter leave them unset). */
export function trustFlags(flags: {
  keyring?: string[];
  allowedSigners?: string[];
  revokedKeys?: string[];
  trustRoot?: string;
  cache?: boolean;
}): TrustOptions {
  return {
    keyrings: flags.keyring,
    allowedSigners: flags.allowedSigners,
    revokedKeys: flags.revokedKeys,
    ...(flags.trustRoot ? { trustRoot: flags.trustRoot } : {}),
    ...(flags.cache !== undefined ? { cache: flags.cache } : {}),
  };
}

/** -C, --repo PATH: every command takes the repository the same way (as git -C does). */
export const repoOption = (): Option =>
  new Option(
    '-C, --repo <path>',
    'the repository: a work tree, .git folder, linked worktree or bare repository (default: the current directory)',
  );

/** The repository a command works on: `-C PATH`, or the positional `[path]` of the commands that take one, else ".". */
export function repoPath(flags: { repo?: string }, positional?: string): string {
  if (flags.repo !== undefined && positional !== undefined && positional !== flags.repo) {
    throw new ExpectedError(
      `two repositories given: "${positional}" and -C "${flags.repo}"`,
      'give the repository once, as PATH or with -C PATH',
    );
  }
  return flags.repo ?? positional ?? '.';
}
