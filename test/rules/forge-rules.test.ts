// The forge rules are pure: hand-made forge facts in, outcomes out. The collectors are tested
// against a real HTTP server in test/cli/forge.test.ts.
import { available, unavailable, type Facts } from '../../src/domain/model.js';
import { addBypass, addEnforcer, addHidden, emptyRef, type ForgeRef } from '../../src/domain/forge.js';
import type { ForgeFact } from '../../src/domain/forge.js';
import { evaluate, factsWith, runTable } from '../helpers/facts.js';
import signed from '../../src/rules/forge-signed-commits-required.js';
import forcePushes from '../../src/rules/forge-force-pushes-blocked.js';
import deletions from '../../src/rules/forge-deletions-blocked.js';
import tags from '../../src/rules/forge-tags-protected.js';
import reviews from '../../src/rules/forge-reviews-required.js';
import codeOwners from '../../src/rules/forge-code-owner-reviews-required.js';
import checks from '../../src/rules/forge-status-checks-required.js';
import bypass from '../../src/rules/forge-admins-cannot-bypass.js';

const POLICY = { minApprovals: 1, requiredStatusChecks: [], requireSignatures: true };

function facts(refs: ForgeRef[], over: Partial<ForgeFact> = {}): Facts {
  return factsWith({
    forge: available({
      kind: 'github',
      repo: 'acme/app',
      api: 'https://api.github.com',
      defaultBranch: 'main',
      refs,
      policy: POLICY,
      ...over,
    }),
  });
}

function main(setup: (r: ForgeRef) => void = () => undefined): ForgeRef {
  const r = emptyRef('refs/heads/main', 'branch', 'the default branch');
  setup(r);
  return r;
}

describe('forge rules without --forge', () => {
  test.each([signed, forcePushes, deletions, tags, reviews, codeOwners, checks, bypass])(
    '$id is not-available and says how to turn it on',
    (rule) => {
      const ev = evaluate(rule, factsWith());
      expect(ev).toEqual({ outcome: 'not-available', note: "run with --forge to check the forge's branch protection" });
      expect(evaluate(rule, factsWith({ forge: unavailable('the policy at HEAD cannot be read: x') })).outcome).toBe(
        'not-available',
      );
    },
  );
});

describe('one control: active passes, evaluate/disabled/off fails, hidden is not-available', () => {
  test.each([
    [
      'active ruleset',
      (r: ForgeRef) => addEnforcer(r, 'force-pushes', { source: 'ruleset:1', enforcement: 'active' }),
      'pass',
    ],
    [
      'evaluate ruleset',
      (r: ForgeRef) => addEnforcer(r, 'force-pushes', { source: 'ruleset:1', enforcement: 'evaluate' }),
      'fail',
    ],
    [
      'disabled ruleset',
      (r: ForgeRef) => addEnforcer(r, 'force-pushes', { source: 'ruleset:1', enforcement: 'disabled' }),
      'fail',
    ],
    [
      'classic allows it',
      (r: ForgeRef) => addEnforcer(r, 'force-pushes', { source: 'classic', enforcement: 'active', off: true }),
      'fail',
    ],
    ['nothing', () => undefined, 'fail'],
    [
      'hidden classic',
      (r: ForgeRef) => addHidden(r, ['force-pushes'], { source: 'classic', permission: 'administration=read' }),
      'not-available',
    ],
    [
      'hidden classic but an active ruleset',
      (r: ForgeRef) => {
        addHidden(r, ['force-pushes'], { source: 'classic', permission: 'administration=read' });
        addEnforcer(r, 'force-pushes', { source: 'ruleset:2', enforcement: 'active' });
      },
      'pass',
    ],
  ] as const)('%s: %s', (_name, setup, outcome) => {
    const ev = evaluate(forcePushes, facts([main(setup)]));
    expect(ev.outcome).toBe(outcome);
    if (outcome === 'fail') expect(ev.findings![0]!.evidence).toMatchObject({ ref: 'refs/heads/main' });
    if (outcome === 'not-available') expect(ev.note).toContain('administration=read');
  });

  test('every judged branch must be protected: one finding per unprotected ref', () => {
    const release = emptyRef('refs/heads/release', 'branch', 'named by protected.refs');
    const ev = evaluate(
      deletions,
      facts([main((r) => addEnforcer(r, 'deletions', { source: 'classic', enforcement: 'active' })), release]),
    );
    expect(ev.outcome).toBe('fail');
    expect(ev.findings!.map((f) => f.ref)).toEqual(['refs/heads/release']);
    expect(ev.findings![0]!.evidence).toMatchObject({ source: 'none' });
  });
});

describe('requirements from the policy', () => {
  test('reviews: approvals below forge.min_approvals fail', () => {
    const r = main((x) => addEnforcer(x, 'reviews', { source: 'ruleset:3', enforcement: 'active', approvals: 1 }));
    expect(evaluate(reviews, facts([r])).outcome).toBe('pass');
    const ev = evaluate(reviews, facts([r], { policy: { ...POLICY, minApprovals: 2 } }));
    expect(ev.outcome).toBe('fail');
    expect(ev.findings![0]!.message).toContain('the policy asks for 2');
  });

  test('status checks: named checks (and the CI gate) must all be required, across sources', () => {
    const r = main((x) => {
      addEnforcer(x, 'status-checks', { source: 'classic', enforcement: 'active', checks: ['build'] });
      addEnforcer(x, 'status-checks', { source: 'ruleset:4', enforcement: 'active', checks: ['gitguard'] });
    });
    expect(
      evaluate(checks, facts([r], { policy: { ...POLICY, requiredStatusChecks: ['build'] }, ciGateCheck: 'gitguard' }))
        .outcome,
    ).toBe('pass');
    const ev = evaluate(checks, facts([r], { ciGateCheck: 'audit' }));
    expect(ev.outcome).toBe('fail');
    expect(ev.findings![0]!.message).toContain('"audit"');
    const gitlab = main((x) =>
      addEnforcer(x, 'status-checks', { source: 'gitlab-project-setting', enforcement: 'active', everyCheck: true }),
    );
    expect(evaluate(checks, facts([gitlab], { ciGateCheck: 'audit' })).outcome).toBe('pass');
  });

  test('signatures: not-applicable when the policy does not require them on the forge', () => {
    expect(evaluate(signed, facts([main()], { policy: { ...POLICY, requireSignatures: false } })).outcome).toBe(
      'not-applicable',
    );
    expect(evaluate(signed, facts([main()])).outcome).toBe('fail');
  });

  test('code owners and tags', () => {
    expect(
      evaluate(
        codeOwners,
        facts([
          main((x) =>
            addEnforcer(x, 'code-owner-reviews', { source: 'gitlab-protected-branch', enforcement: 'active' }),
          ),
        ]),
      ).outcome,
    ).toBe('pass');
    expect(evaluate(codeOwners, facts([main()])).outcome).toBe('fail');
    const tag = emptyRef('refs/tags/*', 'tag', 'tags');
    expect(evaluate(tags, facts([main(), tag])).outcome).toBe('fail');
    addEnforcer(tag, 'tag-protection', { source: 'ruleset:9', enforcement: 'active' });
    expect(evaluate(tags, facts([main(), tag])).outcome).toBe('pass');
    expect(evaluate(tags, facts([main()])).outcome).toBe('not-applicable');
  });
});

describe('forge-admins-cannot-bypass', () => {
  const guarded = (): ForgeRef =>
    main((r) => addEnforcer(r, 'force-pushes', { source: 'ruleset:1', enforcement: 'active' }));

  test('one finding per bypass, naming every ref it opens', () => {
    const a = guarded();
    const b = emptyRef('refs/heads/release', 'branch', 'named by protected.refs');
    for (const r of [a, b]) addBypass(r, { source: 'ruleset:1', actor: 'OrganizationAdmin', mode: 'always' });
    addBypass(a, { source: 'classic', actor: 'repository administrators (enforce_admins is off)', mode: 'always' });
    const ev = evaluate(bypass, facts([a, b]));
    expect(ev.outcome).toBe('fail');
    expect(ev.findings).toHaveLength(2);
    expect(ev.findings![0]!.evidence).toMatchObject({
      ref: 'refs/heads/main',
      refs: 'refs/heads/main, refs/heads/release',
      source: 'ruleset:1',
      mode: 'always',
    });
  });

  test('hidden bypass lists are not-available; nothing protected is not-applicable; none is pass', () => {
    const hidden = guarded();
    hidden.bypassHidden.push({ source: 'ruleset:1', permission: 'administration=read' });
    expect(evaluate(bypass, facts([hidden])).outcome).toBe('not-available');
    expect(evaluate(bypass, facts([main()])).outcome).toBe('not-applicable');
    expect(evaluate(bypass, facts([guarded()])).outcome).toBe('pass');
  });
});

// One table per rule, so the catalog test sees each forge rule reach pass and fail.
const enforced = (control: Parameters<typeof addEnforcer>[1], extra: Record<string, unknown> = {}): ForgeRef =>
  main((r) => addEnforcer(r, control, { source: 'ruleset:1', enforcement: 'active', ...extra }));
const tagRef = (active: boolean): ForgeRef => {
  const t = emptyRef('refs/tags/*', 'tag', 'tags');
  if (active) addEnforcer(t, 'tag-protection', { source: 'ruleset:9', enforcement: 'active' });
  return t;
};
describe('forge-signed-commits-required table', () => {
  runTable(signed, [
    {
      name: 'passes when an active ruleset enforces it on the default branch',
      facts: facts([enforced('signatures')]),
      outcome: 'pass',
    },
    { name: 'fails when nothing enforces it', facts: facts([main()]), outcome: 'fail', findings: 1 },
  ]);
});
describe('forge-force-pushes-blocked table', () => {
  runTable(forcePushes, [
    {
      name: 'passes when an active ruleset enforces it on the default branch',
      facts: facts([enforced('force-pushes')]),
      outcome: 'pass',
    },
    { name: 'fails when nothing enforces it', facts: facts([main()]), outcome: 'fail', findings: 1 },
  ]);
});
describe('forge-deletions-blocked table', () => {
  runTable(deletions, [
    {
      name: 'passes when an active ruleset enforces it on the default branch',
      facts: facts([enforced('deletions')]),
      outcome: 'pass',
    },
    { name: 'fails when nothing enforces it', facts: facts([main()]), outcome: 'fail', findings: 1 },
  ]);
});
describe('forge-code-owner-reviews-required table', () => {
  runTable(codeOwners, [
    {
      name: 'passes when an active ruleset enforces it on the default branch',
      facts: facts([enforced('code-owner-reviews')]),
      outcome: 'pass',
    },
    { name: 'fails when nothing enforces it', facts: facts([main()]), outcome: 'fail', findings: 1 },
  ]);
});
describe('forge-reviews-required table', () => {
  runTable(reviews, [
    {
      name: 'passes with one required approval',
      facts: facts([enforced('reviews', { approvals: 1 })]),
      outcome: 'pass',
    },
    { name: 'fails without a review rule', facts: facts([main()]), outcome: 'fail', findings: 1 },
  ]);
});
describe('forge-status-checks-required table', () => {
  runTable(checks, [
    {
      name: 'passes when the CI gate check is required',
      facts: facts([enforced('status-checks', { checks: ['gitguard'] })], { ciGateCheck: 'gitguard' }),
      outcome: 'pass',
    },
    { name: 'fails when no check is required', facts: facts([main()]), outcome: 'fail', findings: 1 },
  ]);
});
describe('forge-tags-protected table', () => {
  runTable(tags, [
    { name: 'passes with an active tag ruleset', facts: facts([main(), tagRef(true)]), outcome: 'pass' },
    { name: 'fails when tags are unprotected', facts: facts([main(), tagRef(false)]), outcome: 'fail', findings: 1 },
  ]);
});
describe('forge-admins-cannot-bypass table', () => {
  const bypassed = (): ForgeRef => {
    const r = enforced('force-pushes');
    addBypass(r, { source: 'ruleset:1', actor: 'OrganizationAdmin', mode: 'always' });
    return r;
  };
  runTable(bypass, [
    { name: 'passes when nobody may bypass', facts: facts([enforced('force-pushes')]), outcome: 'pass' },
    { name: 'fails with an always bypass actor', facts: facts([bypassed()]), outcome: 'fail', findings: 1 },
  ]);
});
