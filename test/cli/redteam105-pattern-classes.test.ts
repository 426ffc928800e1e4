// Red team 105: a ruleset pattern's character classes cost gitguard a bounded amount of work. Forge 100
// bounded the pattern walk by its pieces (2,048) and its state steps, but counted a class `[...]` as
// one piece and one test however many ranges it holds: 100 classes of 30,000 ranges each (9 MB, under
// the 32 MB a forge answer may take) held the audit for minutes, testing each class range by range on
// every step. Now each range is a piece (a longer text is not read), a class's ranges are read merged (`b-bb-b` is `b-b`: the
// same characters, one range) and each test of a class is charged its ranges. Past the bound the
// answer is the safe one: an exclusion is read as taking some of the policy's tags away.
// The audit runs as a process, killed at 60 s (exit -1) as forge100-pattern-cost does.
import { cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { TAG_RULES, auditForgeProcess, forgeRepo, ghClassic, ghRuleset, github } from '../helpers/forge.js';

let repo: TestRepo;
beforeAll(() => {
  repo = forgeRepo('version: 1\nrequire_signatures: false\nprotected:\n  refs: [refs/heads/main, refs/tags/v*]\n');
});
afterAll(() => cleanupTemp());

const RULES = ['forge-tags-protected', 'forge-force-pushes-blocked'];

/** The tag ruleset covers refs/tags/v* but for `exclude`. */
const audit = (exclude: string[]) =>
  auditForgeProcess(
    repo,
    github({
      classic: { body: ghClassic({}) },
      rulesets: [
        ghRuleset({ id: 5, include: ['~DEFAULT_BRANCH'] }),
        ghRuleset({ id: 90, target: 'tag', include: ['refs/tags/v*'], exclude, rules: TAG_RULES }),
      ],
    }),
    RULES,
  );

/** A negated class of one range written `n` times: its characters are all but `ch`. */
function bigClass(n: number, ch: string): string {
  let out = '[!';
  for (let i = 0; i < n; i++) out += `${ch}-${ch}`;
  return out + ']';
}

describe('a ruleset exclusion whose classes hold thousands of ranges', () => {
  // Three exclusions of 6 MB (one string of JSON over ~8 MB is an answer octokit no longer parses):
  // each held the walk about a minute before.
  test('100 classes of one range written 20,000 times, three times over: judged at once, the exclusions read as taking tags', async () => {
    const spin = 'refs/tags/' + ('*' + bigClass(20_000, 'b')).repeat(100) + '/';
    const got = await audit([spin, spin + 'a', spin + 'b']);
    expect({ code: got.code, stderr: got.stderr }).toEqual({ code: 1, stderr: '' });
    expect(got.rules).toEqual({ 'forge-tags-protected': 'fail', 'forge-force-pushes-blocked': 'pass' });
  }, 90_000);

  // Honest twins: classes a ruleset really holds are read exactly, a range written twice included.
  test.each([
    ['refs/tags/nightly-[0-9]*', 'pass', 'refs/tags/nightly-[0-9]*'],
    ['refs/tags/[!vv-vv-v]*', 'pass', 'refs/tags/[!vv-vv-v]*'],
    ['refs/tags/[a-zv-v]*', 'fail', 'refs/tags/[a-zv-v]*'],
    ['refs/tags/[!v-v...]* (400 ranges)', 'pass', 'refs/tags/' + bigClass(400, 'v') + '*'],
  ])(
    'honest twin: exclusion %s, tags rule %s',
    async (_label, outcome, pattern) => {
      const got = await audit([pattern]);
      expect({ code: got.code, stderr: got.stderr }).toEqual({ code: outcome === 'pass' ? 0 : 1, stderr: '' });
      expect(got.rules).toEqual({ 'forge-tags-protected': outcome, 'forge-force-pushes-blocked': 'pass' });
    },
    90_000,
  );
});
