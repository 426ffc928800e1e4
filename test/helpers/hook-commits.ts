// Commits editing a hook the work tree holds, by a maintainer (alice) or not (bob), and
// protected-paths-changed-by-maintainers' answer on them: the set-up of the tests that compare the
// rule with the hook a real `git checkout` runs (redteam95-tracked-hooks, redteam98-hook-links).
import { chmodSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeRepo, type TestRepo } from './repo.js';
import { makeSshKey, signedCommit, type SshTestKey } from './ssh.js';
import { runMain, parseJson, resultOf } from './cli.js';

export interface HookTeam {
  alice: SshTestKey;
  bob: SshTestKey;
  /** A folder for the markers the hooks leave. */
  scratch: string;
}

/** alice and bob's keys (call in beforeAll). */
export function hookTeam(prefix: string): HookTeam {
  const scratch = mkdtempSync(join(tmpdir(), prefix));
  return { alice: makeSshKey(scratch, 'ed25519', 'alice'), bob: makeSshKey(scratch, 'ed25519', 'bob'), scratch };
}

/** A hook that appends `who` to `marker` when git runs it. */
export const HOOK = (marker: string, who: string): string => `#!/bin/sh\necho ${who} >> '${marker}'\n`;

/**
 * A policy (alice the maintainer) and a hook script at `hook` (with `links`, tracked, beside it),
 * committed by alice; then `who` edits the script (the edit's commit returned).
 */
export function repoWithHook(
  team: HookTeam,
  hook: string,
  marker: string,
  links: Record<string, string> = {},
  who: 'alice' | 'bob' = 'bob',
): { r: TestRepo; edit: string } {
  const { alice, bob } = team;
  const r = makeRepo();
  r.write({
    '.gitguard/policy.yml':
      'version: 1\nsigners:\n  - name: alice\n    emails: [alice@example.com]\n  - name: bob\n    emails: [bob@example.com]\nmaintainers: [alice]\n',
    '.gitguard/allowed_signers': `alice@example.com ${alice.pub}\nbob@example.com ${bob.pub}\n`,
    [hook]: HOOK(marker, 'alice'),
  });
  chmodSync(join(r.dir, hook), 0o755);
  for (const [link, target] of Object.entries(links)) symlinkSync(target, join(r.dir, link));
  r.run(['add', '-A']);
  signedCommit(r, alice, 'policy and hooks');
  r.write({ [hook]: HOOK(marker, who) });
  r.run(['add', '-A']);
  const edit =
    who === 'bob'
      ? signedCommit(r, bob, 'hooks: tidy', { committerEmail: 'bob@example.com' })
      : signedCommit(r, alice, 'hooks: tidy');
  return { r, edit };
}

/** protected-paths-changed-by-maintainers on `r`: its outcome and the commits it names. */
export async function protectedRuleOn(r: TestRepo): Promise<{ outcome: string; commits: string[] }> {
  const res = await runMain(
    ['audit', r.dir, '--format', 'json', '--no-cache', '--no-ledger', '-r', 'protected-paths-changed-by-maintainers'],
    { env: r.env },
  );
  const result = resultOf(parseJson(res), 'protected-paths-changed-by-maintainers');
  return { outcome: result.outcome, commits: result.findings.map((f) => f.commit ?? '') };
}
