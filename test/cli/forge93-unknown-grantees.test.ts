// Forge 93: who may push, as the forge says it, where the answer does not say it in a documented way.
// GitLab documents a protected branch's access levels as 0 (no one), 30, 40 and 60, or an entry
// naming a user, group or deploy key (docs.gitlab.com/ee/api/protected_branches.html, "Valid access
// levels"). An entry with `access_level: null`, missing or undocumented and no one named was read as
// "no one may push", so forge-admins-cannot-bypass passed: now who may push is unknown,
// not-available naming the branch. GitHub's classic protection without `enforce_admins` (or with
// a type GitHub does not document) failed saying "enforce_admins is off": unknown too. A GitLab push
// rule answer that is not an object (a list, 10,000 levels of nesting) was read as "no push rule":
// now one line naming the answer's shape. Each attack beside its honest twin; the forge is a real
// HTTP server on 127.0.0.1, GitHub's answers checked against its published schemas before they are
// edited.
import { cleanupTemp, type TestRepo } from '../helpers/repo.js';
import {
  auditForge,
  editing,
  forgeRepo,
  ghClassic,
  ghRuleset,
  github,
  gitlab,
  glAccess,
  type Handler,
} from '../helpers/forge.js';

const BYPASS = 'forge-admins-cannot-bypass';
const FORCE = 'forge-force-pushes-blocked';
const SIGNED = 'forge-signed-commits-required';

let repo: TestRepo;
beforeAll(() => {
  repo = forgeRepo();
});
afterAll(() => cleanupTemp());

const NO_ONE = glAccess(0, 'No one');
const mainRule = (push: Array<Record<string, unknown>> | undefined, force = false): Record<string, unknown> => ({
  id: 1,
  name: 'main',
  allow_force_push: force,
  ...(push ? { push_access_levels: push } : {}),
  merge_access_levels: [glAccess(40, 'Maintainers')],
  unprotect_access_levels: [glAccess(40, 'Maintainers')],
  code_owner_approval_required: false,
});
const gl = (push: Array<Record<string, unknown>> | undefined, force = false): Handler =>
  gitlab({
    protectedBranches: [mainRule(push, force)],
    protectedTags: [{ name: '*', create_access_levels: [NO_ONE] }],
  });
const level = (fields: Record<string, unknown>): Record<string, unknown> => ({ ...NO_ONE, id: 9, ...fields });

describe('GitLab: a push access level that names no one GitLab documents is an unknown pusher', () => {
  test.each([
    ['access_level null (before: pass)', level({ access_level: null, access_level_description: 'Maintainers' })],
    ['access_level missing (before: pass)', (({ access_level: _a, ...rest }) => rest)(level({}))],
    ['access_level -1 (before: pass)', level({ access_level: -1 })],
    ['access_level 99 (before: fail as "Custom")', level({ access_level: 99, access_level_description: 'Custom' })],
    [
      'access_level 50, Owner: not a protected ref level (before: fail)',
      level({ access_level: 50, access_level_description: 'Owner' }),
    ],
  ])('%s, no user, group or deploy key: not-available naming the branch', async (_label, entry) => {
    const run = await auditForge(gl([entry]), { repo, kind: 'gitlab', rules: [BYPASS, FORCE] });
    expect(run.outcomes[BYPASS]).toBe('not-available');
    expect(run.notes[BYPASS]).toContain('gitlab-protected-branch main');
    expect(run.notes[BYPASS]).toContain('access_level 0, 30, 40 or 60');
    expect(run.outcomes[FORCE]).toBe('pass'); // allow_force_push: false decides it whoever pushes
  });

  test.each([
    ['no push_access_levels field', undefined],
    ['an empty push_access_levels', []],
  ])('%s: not-available (before: pass)', async (_label, push) => {
    const run = await auditForge(gl(push), { repo, kind: 'gitlab', rules: [BYPASS] });
    expect(run.outcomes[BYPASS]).toBe('not-available');
  });

  test('"No one" beside an entry of null level: not "no one may push", so force push allowed fails', async () => {
    const run = await auditForge(gl([NO_ONE, level({ access_level: null })], true), {
      repo,
      kind: 'gitlab',
      rules: [BYPASS, FORCE],
    });
    expect(run.outcomes[FORCE]).toBe('fail');
    expect(run.outcomes[BYPASS]).toBe('not-available');
  });

  test('Maintainers beside an entry of null level: fail naming Maintainers, the note naming the unknown one', async () => {
    const run = await auditForge(gl([glAccess(40, 'Maintainers'), level({ access_level: null })]), {
      repo,
      kind: 'gitlab',
      rules: [BYPASS],
    });
    expect(run.outcomes[BYPASS]).toBe('fail');
    expect(run.json.results[0].findings.map((f: { message: string }) => f.message).join('\n')).toContain(
      'Maintainers (allowed to push to main)',
    );
    expect(run.notes[BYPASS]).toContain('gitlab-protected-branch main');
  });

  test('access_level "40" (a string): exit 2, one line naming the field', async () => {
    const run = await auditForge(gl([level({ access_level: '40' })]), { repo, kind: 'gitlab', rules: [BYPASS] });
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('[0].push_access_levels[0].access_level is a string, not a whole number');
  });

  describe('honest twins', () => {
    test.each([
      ['Developers + Maintainers (30)', glAccess(30, 'Developers + Maintainers'), 'Developers + Maintainers'],
      ['Maintainers (40)', glAccess(40, 'Maintainers'), 'Maintainers'],
      ['Admins (60), no description', { ...glAccess(60, ''), access_level_description: null }, 'Administrators'],
      ['a user, level null', level({ access_level: null, user_id: 7 }), 'user:7'],
      ['a group, level 40', level({ access_level: 40, group_id: 12 }), 'group:12'],
      ['a deploy key, level 40', level({ access_level: 40, deploy_key_id: 3 }), 'deploy key:3'],
    ])('%s may push: fail naming them', async (_label, entry, who) => {
      const run = await auditForge(gl([entry]), { repo, kind: 'gitlab', rules: [BYPASS] });
      expect(run.outcomes[BYPASS]).toBe('fail');
      expect(run.json.results[0].findings[0].message).toContain(`${who} (allowed to push to main)`);
    });

    test('No one (0) may push: pass, and force push allowed is still blocked (no one pushes)', async () => {
      const run = await auditForge(gl([NO_ONE], true), { repo, kind: 'gitlab', rules: [BYPASS, FORCE] });
      expect(run.outcomes).toEqual({ [BYPASS]: 'pass', [FORCE]: 'pass' });
    });
  });
});

describe('GitLab: a push rule answer that is not an object', () => {
  const PUSH_RULE = '/api/v4/projects/42/push_rule';
  const honest = (reject: boolean): Handler =>
    gitlab({
      protectedBranches: [mainRule([NO_ONE])],
      pushRule: { body: { id: 1, project_id: 42, reject_unsigned_commits: reject, commit_committer_check: false } },
    });
  const signed = forgeRepo('version: 1\nrequire_signatures: true\n');

  test.each([
    ['10,000 levels of lists', '['.repeat(10_000) + ']'.repeat(10_000), 'the answer is a list, not an object'],
    ['10,000 levels of objects in a list', `[${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}]`, 'is a list'],
    ['a string', '"reject_unsigned_commits"', 'the answer is a string, not an object'],
  ])('%s: exit 2, one line naming the push rule answer (before: read as no push rule)', async (_label, raw, shape) => {
    const inner = honest(true);
    const h: Handler = (req, base) => (req.path === PUSH_RULE ? { raw: Buffer.from(raw) } : inner(req, base));
    const run = await auditForge(h, { repo: signed, kind: 'gitlab', rules: [SIGNED] });
    expect(run.code).toBe(2);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/answered the push rule in a shape gitguard does not know/);
    expect(lines[0]).toContain(shape);
  });

  test('twins: no push rule (GitLab answers null) fails, reject_unsigned_commits passes', async () => {
    const none = gitlab({ protectedBranches: [mainRule([NO_ONE])], pushRule: { body: null } });
    expect((await auditForge(none, { repo: signed, kind: 'gitlab', rules: [SIGNED] })).outcomes[SIGNED]).toBe('fail');
    expect((await auditForge(honest(false), { repo: signed, kind: 'gitlab', rules: [SIGNED] })).outcomes[SIGNED]).toBe(
      'fail',
    );
    expect((await auditForge(honest(true), { repo: signed, kind: 'gitlab', rules: [SIGNED] })).outcomes[SIGNED]).toBe(
      'pass',
    );
  });

  test('a project answer without id: the line says the field is missing (before: "is a undefined")', async () => {
    const inner = honest(true);
    const h: Handler = (req, base) =>
      req.path === '/api/v4/projects/acme/platform/app'
        ? { body: { path_with_namespace: 'acme/platform/app' } }
        : inner(req, base);
    const run = await auditForge(h, { repo, kind: 'gitlab', rules: [BYPASS] });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('(id is missing, not a whole number)');
  });
});

describe('GitHub: classic protection that does not say whether admins are held to it', () => {
  const tags = ghRuleset({ id: 90, target: 'tag' });
  const classic = (edit: (body: Record<string, unknown>) => void): Handler =>
    editing(github({ classic: { body: ghClassic() }, rulesets: [tags] }), /\/branches\/main\/protection$/, edit);

  test.each([
    ['enforce_admins missing', (b: Record<string, unknown>) => delete b.enforce_admins],
    ['enforce_admins.enabled missing', (b: Record<string, unknown>) => (b.enforce_admins = { url: 'x' })],
    [
      'enforce_admins.enabled "true"',
      (b: Record<string, unknown>) => (b.enforce_admins = { url: 'x', enabled: 'true' }),
    ],
    ['enforce_admins null', (b: Record<string, unknown>) => (b.enforce_admins = null)],
  ])('%s: not-available naming enforce_admins (before: fail, "enforce_admins is off")', async (_label, edit) => {
    const run = await auditForge(classic(edit), { repo, rules: [BYPASS] });
    expect(run.outcomes[BYPASS]).toBe('not-available');
    expect(run.notes[BYPASS]).toContain('enforce_admins');
  });

  test('twins: enforce_admins off fails naming the administrators, on passes', async () => {
    const off = await auditForge(
      classic((b) => (b.enforce_admins = { url: 'x', enabled: false })),
      {
        repo,
        rules: [BYPASS],
      },
    );
    expect(off.outcomes[BYPASS]).toBe('fail');
    expect(off.json.results[0].findings[0].message).toContain('repository administrators (enforce_admins is off)');
    expect(
      (
        await auditForge(
          classic(() => undefined),
          { repo, rules: [BYPASS] },
        )
      ).outcomes[BYPASS],
    ).toBe('pass');
  });
});

// Held (no change needed): a ruleset's bypass mode or enforcement GitHub does not document is never
// read as "no bypass" or "enforced". GitHub's effective rules for the branch decide which rulesets
// apply, so `~DEFAULT_BRANCH`, `~ALL` and exclusions are GitHub's reading, not gitguard's.
describe('held: GitHub rulesets with an undocumented bypass mode or enforcement', () => {
  const tags = ghRuleset({ id: 90, target: 'tag' });
  const RULESET = /\/rulesets\/5$/;
  const withActor = (mode: string | undefined): Handler =>
    editing(
      github({
        rulesets: [
          ghRuleset({ id: 5, bypass: [{ actor_id: 5, actor_type: 'RepositoryRole', bypass_mode: 'always' }] }),
          tags,
        ],
      }),
      RULESET,
      (b) => {
        if (mode === undefined) delete b.bypass_actors[0].bypass_mode;
        else b.bypass_actors[0].bypass_mode = mode;
      },
    );

  test.each([['always'], ['pull_request'], ['exempt'], ['sometimes'], [undefined]])(
    'an admin role with bypass_mode %s: fail naming the role',
    async (mode) => {
      const run = await auditForge(withActor(mode), { repo, rules: [BYPASS] });
      expect(run.outcomes[BYPASS]).toBe('fail');
      expect(run.json.results[0].findings[0].message).toContain('RepositoryRole:5 (admin) may bypass ruleset:5');
    },
  );

  test.each([['evaluate'], ['disabled'], ['Active'], ['enforced']])(
    'enforcement %s (GitHub still listing its rules for main): force pushes not blocked',
    async (enforcement) => {
      const h = editing(github({ rulesets: [ghRuleset({ id: 5 }), tags] }), RULESET, (b) => {
        b.enforcement = enforcement;
      });
      expect((await auditForge(h, { repo, rules: [FORCE] })).outcomes[FORCE]).toBe('fail');
    },
  );

  test('twin: an active ruleset without bypass actors passes both', async () => {
    const run = await auditForge(github({ rulesets: [ghRuleset({ id: 5 }), tags] }), { repo, rules: [BYPASS, FORCE] });
    expect(run.outcomes).toEqual({ [BYPASS]: 'pass', [FORCE]: 'pass' });
  });
});

describe('held: GitLab flags and tag wildcards that do not say it are not protections', () => {
  const OWNERS = 'forge-code-owner-reviews-required';
  const TAGS = 'forge-tags-protected';
  const tagged = forgeRepo(
    'version: 1\nrequire_signatures: false\nprotected:\n  refs: [refs/heads/main, refs/tags/v*]\n',
  );
  const branch = (fields: Record<string, unknown>, tagName = 'v*'): Handler =>
    gitlab({
      // Maintainers may push: whether force push is allowed then rests on allow_force_push alone.
      protectedBranches: [{ ...mainRule([glAccess(40, 'Maintainers')]), ...fields }],
      protectedTags: [{ name: tagName, create_access_levels: [glAccess(40, 'Maintainers')] }],
    });

  test.each([
    ['allow_force_push "false"', { allow_force_push: 'false' }, FORCE, 'not-available'],
    ['allow_force_push null', { allow_force_push: null }, FORCE, 'not-available'],
    ['code_owner_approval_required "true"', { code_owner_approval_required: 'true' }, OWNERS, 'fail'],
    ['code_owner_approval_required null', { code_owner_approval_required: null }, OWNERS, 'fail'],
  ])('%s: %s is %s, never pass', async (_label, fields, rule, outcome) => {
    const run = await auditForge(branch(fields), {
      repo: tagged,
      kind: 'gitlab',
      rules: [rule],
    });
    expect(run.outcomes[rule]).toBe(outcome);
  });

  test.each([
    ['v1*', 'fail'],
    ['release-*', 'fail'],
    ['v*', 'pass'],
    ['*', 'pass'],
  ])('protected tag %s for the policy refs/tags/v*: %s', async (name, outcome) => {
    const run = await auditForge(branch({}, name), { repo: tagged, kind: 'gitlab', rules: [TAGS] });
    expect(run.outcomes[TAGS]).toBe(outcome);
  });

  test('twins: allow_force_push false and code_owner_approval_required true pass', async () => {
    const run = await auditForge(branch({ code_owner_approval_required: true }), {
      repo: tagged,
      kind: 'gitlab',
      rules: [FORCE, OWNERS],
    });
    expect(run.outcomes).toEqual({ [FORCE]: 'pass', [OWNERS]: 'pass' });
  });
});
