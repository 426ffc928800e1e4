// Red team 98: the work tree's hooks git runs, past red team 95's one folder. A hook git runs is often
// a link to a tracked script (`.git/hooks/pre-push -> ../../scripts/pre-push`, the usual set-up without
// core.hooksPath), core.hooksPath may name a tracked link to the folder (`.hooks -> tools/hooks`), or
// the work tree's top itself (its absolute path: hooks at the top). In each, a commit by someone who is
// no maintainer edits what git runs, and protected-paths-changed-by-maintainers passed it: only the
// folder as config names it was watched, and none at the top. Checked against git's own answer: the
// hook the commit wrote is the one a real `git checkout` runs. Twins: the same files while git takes
// no hook from them pass, and so does the maintainer's own edit.
import { chmodSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeRepo, cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { makeSshKey, signedCommit, type SshTestKey } from '../helpers/ssh.js';
import { runMain, parseJson, resultOf } from '../helpers/cli.js';

let alice: SshTestKey;
let bob: SshTestKey;
let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'gg-rt98-'));
  alice = makeSshKey(scratch, 'ed25519', 'alice');
  bob = makeSshKey(scratch, 'ed25519', 'bob');
});
afterAll(cleanupTemp);

const HOOK = (marker: string, who: string): string => `#!/bin/sh\necho ${who} >> '${marker}'\n`;

/**
 * A policy (alice the maintainer) and a hook script at `hook` (with `links`, tracked, beside it),
 * committed by alice; then `who` edits the script.
 */
function repoWithHook(
  hook: string,
  marker: string,
  links: Record<string, string> = {},
  who: 'alice' | 'bob' = 'bob',
): { r: TestRepo; edit: string } {
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

async function ruleOn(r: TestRepo): Promise<{ outcome: string; commits: string[] }> {
  const res = await runMain(
    ['audit', r.dir, '--format', 'json', '--no-cache', '--no-ledger', '-r', 'protected-paths-changed-by-maintainers'],
    { env: r.env },
  );
  const result = resultOf(parseJson(res), 'protected-paths-changed-by-maintainers');
  return { outcome: result.outcome, commits: result.findings.map((f) => f.commit ?? '') };
}

/** The set-ups: the script, tracked links beside it, and how git is made to run it. */
const CASES: Array<[string, string, Record<string, string>, (r: TestRepo) => void]> = [
  [
    '.git/hooks/post-checkout, a link to the tracked scripts/post-checkout',
    'scripts/post-checkout',
    {},
    (r) => symlinkSync('../../scripts/post-checkout', join(r.dir, '.git/hooks/post-checkout')),
  ],
  [
    'core.hooksPath=.hooks, a tracked link to tools/hooks',
    'tools/hooks/post-checkout',
    { '.hooks': 'tools/hooks' },
    (r) => r.run(['config', 'core.hooksPath', '.hooks']),
  ],
  [
    "core.hooksPath naming the work tree's top (hooks at the top)",
    'post-checkout',
    {},
    (r) => r.run(['config', 'core.hooksPath', r.dir]),
  ],
];

describe("a hook git runs from the work tree, wherever the hooks folder's links lead", () => {
  test.each(CASES)(
    '%s: edited by a non-maintainer, git runs it and the rule fails (before: pass)',
    async (name, hook, links, use) => {
      const marker = join(scratch, `${name.length}-ran`);
      const { r, edit } = repoWithHook(hook, marker, links);
      // the honest twin first: the same files while git takes no hook from them
      expect(await ruleOn(r)).toEqual({ outcome: 'pass', commits: [] });
      use(r);
      // git's answer: checking out runs the hook bob's commit wrote
      r.run(['checkout', '-q', '-b', 'topic']);
      expect(readFileSync(marker, 'utf8')).toBe('bob\n');
      expect(await ruleOn(r)).toEqual({ outcome: 'fail', commits: [edit] });
    },
  );

  test.each(CASES)('%s: the same edit by the maintainer passes', async (name, hook, links, use) => {
    const marker = join(scratch, `${name.length}-alice`);
    const { r } = repoWithHook(hook, marker, links, 'alice');
    use(r);
    r.run(['checkout', '-q', '-b', 'topic']);
    expect(readFileSync(marker, 'utf8')).toBe('alice\n');
    expect(await ruleOn(r)).toEqual({ outcome: 'pass', commits: [] });
  });
});
