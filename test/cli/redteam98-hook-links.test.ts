// Red team 98: the work tree's hooks git runs, past red team 95's one folder. A hook git runs is often
// a link to a tracked script (`.git/hooks/pre-push -> ../../scripts/pre-push`, the usual set-up without
// core.hooksPath), core.hooksPath may name a tracked link to the folder (`.hooks -> tools/hooks`), or
// the work tree's top itself (its absolute path: hooks at the top). In each, a commit by someone who is
// no maintainer edits what git runs, and protected-paths-changed-by-maintainers passed it: only the
// folder as config names it was watched, and none at the top. Checked against git's own answer: the
// hook the commit wrote is the one a real `git checkout` runs. Twins: the same files while git takes
// no hook from them pass, and so does the maintainer's own edit.
import { readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { hookTeam, protectedRuleOn as ruleOn, repoWithHook, type HookTeam } from '../helpers/hook-commits.js';

let team: HookTeam;
beforeAll(() => {
  team = hookTeam('gg-rt98-');
});
afterAll(cleanupTemp);

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
      const marker = join(team.scratch, `${name.length}-ran`);
      const { r, edit } = repoWithHook(team, hook, marker, links);
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
    const marker = join(team.scratch, `${name.length}-alice`);
    const { r } = repoWithHook(team, hook, marker, links, 'alice');
    use(r);
    r.run(['checkout', '-q', '-b', 'topic']);
    expect(readFileSync(marker, 'utf8')).toBe('alice\n');
    expect(await ruleOn(r)).toEqual({ outcome: 'pass', commits: [] });
  });
});
