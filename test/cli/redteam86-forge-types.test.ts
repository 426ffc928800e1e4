/* eslint-disable @typescript-eslint/no-explicit-any -- the forge's JSON answers and reports are read loosely here */
// Red team 86: forge answers whose protection fields have the wrong type. A count GitHub or GitLab
// documents as an integer that arrives as a string, a boolean or a list is not an answer gitguard
// could read, so it never passes a rule ("2" >= 2 is true in JavaScript, Number(true) is 1). A
// status check GitHub calls "*" is one check of that name, not every check. Each attack has its
// clean twin with the documented types, which passes. The forge is a real HTTP server on 127.0.0.1;
// the clean answers are checked against GitHub's published schemas, the hostile ones are edited
// after that check.
import { cleanupTemp, type TestRepo } from '../helpers/repo.js';
import {
  BRANCH_RULES,
  HIDDEN_404,
  auditForge,
  editing,
  forgeRepo,
  ghClassic,
  ghRuleset,
  github,
  gitlab,
  glAccess,
  type Handler,
  type Reply,
} from '../helpers/forge.js';

const RULES = ['forge-reviews-required', 'forge-status-checks-required'];

let repo: TestRepo; // the policy asks for two approvals and the check "build"
beforeAll(() => {
  repo = forgeRepo(
    'version: 1\nrequire_signatures: false\nforge:\n  min_approvals: 2\n  required_status_checks: [build]\n',
  );
});
afterAll(() => cleanupTemp());

async function audit(
  handler: Handler,
  kind: 'github' | 'gitlab' = 'github',
  rules: string[] = RULES,
): Promise<Record<string, string>> {
  return (await auditForge(handler, { repo, kind, rules })).outcomes;
}

const CLASSIC = /\/branches\/main\/protection$/;
const EFFECTIVE = /\/rules\/branches\/main$/;
const GRAPHQL = /^\/graphql$/;
const tagRuleset = ghRuleset({ id: 90, target: 'tag' });

describe('GitHub: an approval count that is not a whole number is not read as one', () => {
  const classic = (): Handler =>
    github({ classic: { body: ghClassic({ approvals: 2, checks: ['build'] }) }, rulesets: [tagRuleset] });

  test.each([
    ['"2"', '2'],
    ['true', true],
    ['[2]', [2]],
    ['2.5', 2.5],
  ])('classic required_approving_review_count %s: not pass (not-available)', async (_label, value) => {
    const h = editing(classic(), CLASSIC, (b) => {
      b.required_pull_request_reviews.required_approving_review_count = value;
    });
    expect((await audit(h))['forge-reviews-required']).toBe('not-available');
  });

  test('clean twin: classic protection asking for 2 approvals passes', async () => {
    expect((await audit(classic()))['forge-reviews-required']).toBe('pass');
  });

  const ruleset = ghRuleset({
    id: 5,
    rules: BRANCH_RULES.map((r) =>
      r.type === 'pull_request' ? { ...r, parameters: { ...r.parameters, required_approving_review_count: 2 } } : r,
    ),
  });
  const viaRuleset = (): Handler => github({ rulesets: [ruleset, tagRuleset] });

  test.each([
    ['"2"', '2'],
    ['true', true],
    ['[3]', [3]],
  ])('ruleset pull_request required_approving_review_count %s: not pass', async (_label, value) => {
    const h = editing(viaRuleset(), EFFECTIVE, (rules: any[]) => {
      for (const r of rules) if (r.type === 'pull_request') r.parameters.required_approving_review_count = value;
    });
    expect((await audit(h))['forge-reviews-required']).toBe('not-available');
  });

  test('clean twin: a ruleset asking for 2 approvals passes', async () => {
    expect((await audit(viaRuleset()))['forge-reviews-required']).toBe('pass');
  });

  const rule = {
    pattern: 'main',
    allowsDeletions: false,
    allowsForcePushes: false,
    requiredApprovingReviewCount: 2,
    requiredStatusCheckContexts: ['build'],
    requiresCodeOwnerReviews: true,
    requiresSignatures: true,
  };
  const viaGraphql = (): Handler => github({ classic: HIDDEN_404, refUpdateRule: rule, rulesets: [tagRuleset] });

  test('GraphQL requiredApprovingReviewCount "2" (a read-only token): not pass', async () => {
    const h = editing(viaGraphql(), GRAPHQL, (b) => {
      b.data.repository.ref.refUpdateRule.requiredApprovingReviewCount = '2';
    });
    expect((await audit(h))['forge-reviews-required']).toBe('not-available');
  });

  test('GraphQL requiresCodeOwnerReviews "false" (a string, truthy): not pass', async () => {
    const h = editing(viaGraphql(), GRAPHQL, (b) => {
      b.data.repository.ref.refUpdateRule.requiresCodeOwnerReviews = 'false';
    });
    expect((await audit(h, 'github', ['forge-code-owner-reviews-required']))['forge-code-owner-reviews-required']).toBe(
      'fail',
    );
  });

  test('clean twin: GraphQL requiredApprovingReviewCount 2 passes', async () => {
    const o = await audit(viaGraphql(), 'github', [...RULES, 'forge-code-owner-reviews-required']);
    expect(o['forge-reviews-required']).toBe('pass');
    expect(o['forge-code-owner-reviews-required']).toBe('pass');
  });
});

describe('GitHub: required status checks', () => {
  const classic = (checks: string[]): Handler =>
    github({ classic: { body: ghClassic({ approvals: 2, checks }) }, rulesets: [tagRuleset] });

  test('a required check GitHub names "*" is that one check, not every check: fail', async () => {
    expect((await audit(classic(['*'])))['forge-status-checks-required']).toBe('fail');
  });

  test('contexts given as the string "*" rather than a list: not pass', async () => {
    const h = editing(classic(['lint']), CLASSIC, (b) => {
      b.required_status_checks.contexts = '*';
      b.required_status_checks.checks = [];
    });
    expect((await audit(h))['forge-status-checks-required']).not.toBe('pass');
  });

  test('clean twin: "build" required passes', async () => {
    expect((await audit(classic(['build'])))['forge-status-checks-required']).toBe('pass');
  });
});

describe('GitLab: approval rules of the wrong type', () => {
  const protectedBranches = [
    { id: 1, name: 'main', allow_force_push: false, push_access_levels: [glAccess(0, 'No one')] },
  ];
  const approvals = (rule: Record<string, unknown>): Reply => ({
    body: [{ id: 9, name: 'reviewers', rule_type: 'regular', protected_branches: [], ...rule }],
  });
  const scenario = (rule: Record<string, unknown>): Handler =>
    gitlab({
      project: { only_allow_merge_if_pipeline_succeeds: true },
      protectedBranches,
      approvalRules: approvals(rule),
    });

  test.each([
    ['"2"', '2'],
    ['true', true],
    ['[2]', [2]],
  ])('approvals_required %s: not pass (not-available)', async (_label, value) => {
    const o = await audit(scenario({ approvals_required: value, applies_to_all_protected_branches: true }), 'gitlab');
    expect(o['forge-reviews-required']).toBe('not-available');
  });

  test('applies_to_all_protected_branches "false" with a rule for another branch: not pass', async () => {
    const o = await audit(
      scenario({
        approvals_required: 2,
        applies_to_all_protected_branches: 'false',
        protected_branches: [{ id: 3, name: 'release' }],
      }),
      'gitlab',
    );
    expect(o['forge-reviews-required']).not.toBe('pass');
  });

  test('protected_branches that is not a list: not pass', async () => {
    const o = await audit(
      scenario({ approvals_required: 2, applies_to_all_protected_branches: false, protected_branches: 'main' }),
      'gitlab',
    );
    expect(o['forge-reviews-required']).toBe('not-available');
  });

  test('clean twins: 2 approvals on every protected branch, or on main by name, pass', async () => {
    const all = await audit(scenario({ approvals_required: 2, applies_to_all_protected_branches: true }), 'gitlab');
    expect(all['forge-reviews-required']).toBe('pass');
    const named = await audit(
      scenario({
        approvals_required: 2,
        applies_to_all_protected_branches: false,
        protected_branches: [{ id: 1, name: 'main' }],
      }),
      'gitlab',
    );
    expect(named['forge-reviews-required']).toBe('pass');
    // "Pipelines must succeed" is every job, the GitLab answer to any named check.
    expect(named['forge-status-checks-required']).toBe('pass');
  });
});
