// Red team 95: a core.hooksPath naming a folder of the work tree (`scripts/hooks`, husky's `.husky/_`,
// whose hooks run `.husky/<hook>`) makes git run whatever the last checkout wrote there: a commit
// editing a hook there runs on the next checkout, merge or push of everyone who takes it. Only
// `.githooks/` was protected by default, so such a commit by someone who is no maintainer passed
// protected-paths-changed-by-maintainers. That folder now stands for `.githooks` in the walk.
// Checked against git's own answer: the hook the commit wrote is the one a real `git checkout` runs.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTemp } from '../helpers/repo.js';
import { HOOK, hookTeam, protectedRuleOn as ruleOn, repoWithHook, type HookTeam } from '../helpers/hook-commits.js';
import { signedCommit } from '../helpers/ssh.js';

let team: HookTeam;
beforeAll(() => {
  team = hookTeam('gg-rt95-');
});
afterAll(cleanupTemp);

/** A policy (alice the maintainer) and a hook in `folder`, committed by alice; bob then edits the hook. */
const repoWithHooks = (hook: string, marker: string): { r: ReturnType<typeof repoWithHook>['r']; byBob: string } => {
  const { r, edit } = repoWithHook(team, hook, marker);
  return { r, byBob: edit };
};

describe('a hooks folder in the work tree is protected like .githooks/', () => {
  for (const [name, hooksPath, hook] of [
    ['scripts/hooks', 'scripts/hooks', 'scripts/hooks/post-checkout'],
    ["husky's .husky/_ (its hooks run .husky/<hook>)", '.husky/_', '.husky/post-checkout'],
  ] as const) {
    test(`${name}: a hook edited by a non-maintainer is what git runs, and the rule fails (before: pass)`, async () => {
      const marker = join(team.scratch, `${name.length}-ran`);
      const { r, byBob } = repoWithHooks(hook, marker);
      // the honest twin first: the same folder is plain files while git takes no hooks from it
      expect(await ruleOn(r)).toEqual({ outcome: 'pass', commits: [] });
      r.run(['config', 'core.hooksPath', hooksPath]);
      // husky's own hook (generated, not committed) runs the committed one
      if (hooksPath === '.husky/_') {
        mkdirSync(join(r.dir, '.husky/_'));
        writeFileSync(join(r.dir, '.husky/_/post-checkout'), '#!/bin/sh\n. "$(dirname "$0")/../post-checkout"\n', {
          mode: 0o755,
        });
      }
      // git's answer: checking out runs the hook bob's commit wrote
      r.run(['checkout', '-q', '-b', 'topic']);
      expect(readFileSync(marker, 'utf8')).toBe('bob\n');
      expect(await ruleOn(r)).toEqual({ outcome: 'fail', commits: [byBob] });
    });
  }

  test('the same edit signed by the maintainer passes', async () => {
    const marker = join(team.scratch, 'alice-ran');
    const { r } = repoWithHooks('tools/hooks/pre-push', marker);
    r.run(['config', 'core.hooksPath', 'tools/hooks']);
    expect((await ruleOn(r)).outcome).toBe('fail');
    r.write({ 'tools/hooks/pre-push': HOOK(marker, 'alice again') });
    r.run(['add', '-A']);
    signedCommit(r, team.alice, 'hooks: back');
    r.run(['reset', '-q', '--soft', 'HEAD~2']);
    signedCommit(r, team.alice, 'hooks: tidy, by the maintainer');
    expect(await ruleOn(r)).toEqual({ outcome: 'pass', commits: [] });
  });
});
