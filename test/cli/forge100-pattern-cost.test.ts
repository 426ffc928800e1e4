// Forge 100: a ruleset's ref pattern costs gitguard a bounded amount of work, whatever the forge sends.
// Pattern sets (src/domain/pattern-sets.ts) walk two automata in step; a 20 KB `*a*a*a...` keeps few
// pairs of states but each holds thousands of states, so the walk took hours (the full forge sweep,
// GITGUARD_FORGE_SWEEP=1, stalled on its 1 MB patterns). Past the bounds the answer is the safe one:
// an exclusion is read as taking some of the policy's tags away. The audit runs as a process (a hang in this
// process's event loop could not be stopped); killed at 60 s it would exit -1.
import { cleanupTemp, type TestRepo } from '../helpers/repo.js';
import {
  TAG_RULES,
  auditForgeProcess,
  forgeRepo,
  ghClassic,
  ghRuleset,
  github,
  type Handler,
} from '../helpers/forge.js';

let repo: TestRepo;
beforeAll(() => {
  repo = forgeRepo('version: 1\nrequire_signatures: false\nprotected:\n  refs: [refs/heads/main, refs/tags/v*]\n');
});
afterAll(() => cleanupTemp());

const RULES = ['forge-tags-protected', 'forge-force-pushes-blocked'];

const forge = (exclude: string[], branches: string[]): Handler =>
  github({
    classic: { body: ghClassic({}) },
    rulesets: [
      ghRuleset({ id: 5, include: branches }),
      ghRuleset({ id: 90, target: 'tag', include: ['refs/tags/v*'], exclude, rules: TAG_RULES }),
    ],
  });

describe('a forge ref pattern that would make the pattern walk spin', () => {
  test.each([
    ['*a repeated 10,000 times', 'refs/tags/' + '*a'.repeat(10_000)],
    ['*a repeated 1,000 times (under the piece bound)', 'refs/tags/' + '*a'.repeat(1_000)],
    ['a 1 MB pattern of ?*', 'refs/tags/' + '?*'.repeat(1 << 19)],
  ])(
    '%s: judged at once, the exclusion read as taking tags',
    async (_label, pattern) => {
      const got = await auditForgeProcess(repo, forge([pattern], ['~DEFAULT_BRANCH', pattern]), RULES);
      expect({ code: got.code, stderr: got.stderr }).toEqual({ code: 1, stderr: '' });
      expect(got.rules['forge-tags-protected']).toBe('fail');
      expect(got.rules['forge-force-pushes-blocked']).toBe('pass');
    },
    90_000,
  );

  test('honest twin: an exclusion that shares no tag with the policy, the tags covered', async () => {
    const got = await auditForgeProcess(
      repo,
      forge(['refs/tags/nightly-*'], ['~DEFAULT_BRANCH', 'refs/heads/main']),
      RULES,
    );
    expect({ code: got.code, stderr: got.stderr }).toEqual({ code: 0, stderr: '' });
    expect(got.rules).toEqual({ 'forge-tags-protected': 'pass', 'forge-force-pushes-blocked': 'pass' });
  }, 90_000);
});
