// commander wiring for `gitguard init`; the behaviour is in src/engine/init.ts.
import { Command } from 'commander';
import { escapeText } from '../../domain/escape.js';
import type { Io } from '../io.js';
import { repoOption, repoPath } from '../options.js';

export function registerInitCommand(program: Command, io: Io, state: { exitCode: number }): void {
  program
    .command('init')
    .description('write a first trust policy (.gitguard/policy.yml, keys/, allowed_signers) proposed from the history')
    .addOption(repoOption())
    .option('--force', 'overwrite an existing .gitguard/policy.yml (and replace .gitguard/keys/)')
    .addHelpText(
      'after',
      `
Signers are the committers whose commits carry good signatures by keys you already trust: your gpg
keyring (gpg --export), your global gpg.ssh.allowedSignersFile, and the key git signs with here
(user.signingkey, read from every config scope as git reads it). You (user.email) become the
maintainer. trust_root is left unset: the commit that adds .gitguard/ is the trust root, and the
history before it is out of scope. Nothing is committed: review the files, then commit them signed.

Examples:
  gitguard init
  gitguard init -C ../service --force`,
    )
    .action(async (opts: { repo?: string; force?: boolean }) => {
      const { initPolicy } = await import('../../engine/init.js');
      const res = await initPolicy({ path: repoPath(opts), force: opts.force, env: io.env });
      io.stdout(`${res.lines.map((l) => escapeText(l, 1000)).join('\n')}\n`);
      state.exitCode = 0;
    });
}
