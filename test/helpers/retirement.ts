// Alice (maintainer), Bob and Carol with the run's shared SSH keys, and commits dated at will: the
// set-up of the files that retire a signer or revoke a key at midnight R and sign around it.
import { sharedSshKey, type SshTestKey } from './ssh.js';
import type { TestRepo } from './repo.js';

export const DAY = 86400;
export const HOUR = 3600;
/** Midnight UTC ten days ago: retirements and revocations fall in the past, as on a real audit. */
export const R = Math.floor(Date.now() / 1000 / DAY - 10) * DAY;
export const iso = (t: number): string => new Date(t * 1000).toISOString().replace('.000Z', 'Z');

export const alice = sharedSshKey('alice');
export const bob = sharedSshKey('bob');
export const carol = sharedSshKey('carol');

/** The policy naming the three signers, Alice the maintainer; `bobExtra` lines under Bob, `extra` at the end. */
export const POLICY = (extra = '', bobExtra = ''): string =>
  'version: 1\nsigners:\n  - name: Alice\n    emails: [alice@example.com]\n  - name: Bob\n    emails: [bob@example.com]\n' +
  `${bobExtra}  - name: Carol\n    emails: [carol@example.com]\nmaintainers: [Alice]\n${extra}`;
export const SIGNERS = `alice@example.com ${alice.pub}\nbob@example.com ${bob.pub}\ncarol@example.com ${carol.pub}\n`;

/** `who` as author and committer, both dated `at` when given. */
export const as = (who: string, at?: number): NodeJS.ProcessEnv => ({
  GIT_AUTHOR_NAME: who,
  GIT_AUTHOR_EMAIL: `${who}@example.com`,
  GIT_COMMITTER_NAME: who,
  GIT_COMMITTER_EMAIL: `${who}@example.com`,
  ...(at !== undefined ? { GIT_AUTHOR_DATE: `@${at} +0000`, GIT_COMMITTER_DATE: `@${at} +0000` } : {}),
});

/** A commit (or a --no-ff merge of `merge`) by `who` signed with `key`, dated `at`. */
export function commitAt(
  r: TestRepo,
  key: SshTestKey,
  who: string,
  at: number,
  files: Record<string, string>,
  merge?: string,
): string {
  r.write(files);
  const args = merge
    ? ['merge', '-q', '--no-ff', '-S', '-m', 'merge', merge]
    : ['commit', '-q', '-S', '-m', `${who} works`];
  r.addAllAndRun(['-c', `user.signingkey=${key.path}`, ...args], { env: as(who, at) });
  return r.head();
}
