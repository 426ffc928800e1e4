// Clean workflows 31: a GitLab protected branch where no one may push ("Allowed to push: No one",
// every change through a merge request) and "Allowed to force push" left on (a template's default, a
// toggle from before the push level was lowered). GitLab lets force push only "users with push
// access": its BranchCheck refuses a force push unless a matching rule allows force push, and then
// asks whether the user may push to the branch by the matching rules. With no one allowed to push no
// one can force push, yet forge-force-pushes-blocked failed ("force pushes are not blocked"). The
// merges GitLab makes for a merge request are its own (never a force push). Now pass, saying why.
// Twins: someone allowed to push (a role, a user, a deploy key), by that rule or by another matching
// one, and a rule that does not answer its push levels still fail.
import { cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { auditForge, forgeRepo, gitlab, glAccess } from '../helpers/forge.js';

const RULE = 'forge-force-pushes-blocked';

let repo: TestRepo;
beforeAll(() => {
  repo = forgeRepo();
});
afterAll(() => cleanupTemp());

/** forge-force-pushes-blocked's outcome and note with GitLab answering `protectedBranches`. */
async function forcePushes(protectedBranches: Array<Record<string, unknown>>): Promise<[string, string]> {
  const run = await auditForge(gitlab({ protectedBranches }), { repo, kind: 'gitlab', rules: [RULE] });
  return [run.outcomes[RULE]!, run.notes[RULE]!];
}

const NO_ONE = glAccess(0, 'No one');
const branch = (name: string, push: Array<Record<string, unknown>> | undefined, force: boolean) => ({
  id: name.length,
  name,
  allow_force_push: force,
  ...(push ? { push_access_levels: push } : {}),
  merge_access_levels: [glAccess(40, 'Maintainers')],
  unprotect_access_levels: [],
  code_owner_approval_required: false,
});

test('main: no one may push, force push allowed: pass, the note says no one may push (before: fail)', async () => {
  const [outcome, note] = await forcePushes([branch('main', [NO_ONE], true)]);
  expect(outcome).toBe('pass');
  expect(note).toContain('where no one may push');
});

test('two matching rules, both no one may push, one allowing force push: pass', async () => {
  expect((await forcePushes([branch('main', [NO_ONE], false), branch('m*', [NO_ONE], true)]))[0]).toBe('pass');
});

describe('twins: someone may push, so force push is open to them', () => {
  test.each([
    ['Maintainers', [glAccess(40, 'Maintainers')]],
    ['No one beside a user', [NO_ONE, { ...glAccess(40, 'Alice'), id: 9, access_level: null, user_id: 7 }]],
    [
      'No one beside a deploy key',
      [NO_ONE, { ...glAccess(40, 'deploy'), id: 9, access_level: null, deploy_key_id: 3 }],
    ],
  ])('main allows force push, push: %s: fail', async (_, push) => {
    expect((await forcePushes([branch('main', push, true)]))[0]).toBe('fail');
  });

  test('main: no one may push but allows force push; m*: Maintainers push, no force push: fail (GitLab joins the rules)', async () => {
    const [outcome] = await forcePushes([
      branch('main', [NO_ONE], true),
      branch('m*', [glAccess(40, 'Maintainers')], false),
    ]);
    expect(outcome).toBe('fail');
  });

  test('a rule that does not answer its push levels and allows force push: fail', async () => {
    expect((await forcePushes([branch('main', undefined, true)]))[0]).toBe('fail');
  });
});
