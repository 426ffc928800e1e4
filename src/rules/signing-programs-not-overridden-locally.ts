import { isAgentKeyCommand } from '../domain/config.js';
import { defineRepoRule } from './define.js';
import { conditionNote, configFinding, everyWorktreeConfig } from './lib/config.js';
import { SYSTEM_DIR } from './lib/git-command-keys.js';
import { FindingList, notAvailable } from './lib/findings.js';

// Programs git runs to sign or verify, and the files that decide whom git's own verification trusts.
// Set in the repository's own config they run the repository's code on `git log --show-signature`,
// `verify-commit` or every signed commit, and can make git print "Good signature" for anyone.
const KEYS = new Set([
  'gpg.program',
  'gpg.openpgp.program',
  'gpg.ssh.program',
  'gpg.x509.program',
  'gpg.ssh.defaultkeycommand',
  'gpg.ssh.allowedsignersfile',
  'gpg.ssh.revocationfile',
]);
const LOCAL = new Set(['local', 'worktree']);
// Not git's documented gpg.ssh.defaultKeyCommand `ssh-add -L`: the user's own ssh-add lists their own
// agent's keys, as the same value in their global config would; it trusts no one and runs nothing of
// the repository's (git splits the value at whitespace and runs no shell).

// The signing programs themselves by their own names, from the user's PATH or a system folder: the same
// gpg, gpgsm or ssh-keygen git would run with the key unset (`git config gpg.program gpg2`).
const USER_PROGRAM: Readonly<Record<string, RegExp>> = {
  'gpg.program': new RegExp(`^${SYSTEM_DIR}gpg2?$`),
  'gpg.openpgp.program': new RegExp(`^${SYSTEM_DIR}gpg2?$`),
  'gpg.x509.program': new RegExp(`^${SYSTEM_DIR}gpgsm$`),
  'gpg.ssh.program': new RegExp(`^${SYSTEM_DIR}ssh-keygen$`),
};

export default defineRepoRule({
  id: 'signing-programs-not-overridden-locally',
  needs: ['config', 'worktree-config'],
  evaluate(facts, ctx) {
    const config = everyWorktreeConfig(facts);
    if (!config.ok) return notAvailable(config.reason);
    const found = new FindingList(ctx.findingLimit);
    for (const e of config.value) {
      if (!KEYS.has(e.key) || !LOCAL.has(e.scope) || e.value === null || e.value === '') continue;
      if (e.key === 'gpg.ssh.defaultkeycommand' && isAgentKeyCommand(e.value)) continue;
      if (USER_PROGRAM[e.key]?.test(e.value)) continue;
      found.add(
        configFinding(
          e,
          `${e.key} is set in the repository's ${e.scope} config: ${e.key}=${e.value}${conditionNote(e)}`,
        ),
      );
    }
    return found.evaluation();
  },
});
