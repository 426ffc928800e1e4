// GitHub's answers turned into forge facts, without I/O: which rulesets apply to a branch or cover
// a tag pattern, and what each ruleset rule, classic protection and GraphQL refUpdateRule enforces.
import {
  addBypass,
  addEnforcer,
  addReviews,
  addStated,
  type Control,
  type Enforcement,
  type Enforcer,
  type ForgeRef,
  type Hidden,
} from '../../domain/forge.js';
import { covers, githubSet, meets, nameSet, policySet } from '../../domain/pattern-sets.js';

export const ADMIN_READ =
  'administration=read (fine-grained token) or repo scope (classic token), i.e. a repository admin';

export interface RulesetRule {
  type: string;
  parameters?: Record<string, unknown>;
  ruleset_id?: number;
}
export interface Ruleset {
  id: number;
  target?: string;
  enforcement: Enforcement;
  conditions?: { ref_name?: { include?: string[]; exclude?: string[] } } | null;
  bypass_actors?: Array<{ actor_id?: number | null; actor_type: string; bypass_mode?: string }>;
  rules?: RulesetRule[];
}

// Whether a branch ruleset's conditions name the branch, read as GitHub reads them (Ruby's fnmatch,
// as for tags: `release/**/*` names `release/1.0`, `refs/heads/**` no nested branch). It only shows
// a ruleset GitHub does not apply there: what counts is GitHub's effective rules for the branch.
export function matchesBranch(rs: Ruleset, ref: string, defaultBranch: string): boolean {
  if (rs.target && rs.target !== 'branch') return false;
  const cond = rs.conditions?.ref_name;
  if (!cond?.include?.length) return false;
  const full = (p: string): string => (p.startsWith('refs/') ? p : `refs/heads/${p}`);
  const name = nameSet(ref);
  const hit = (p: string, as: 'include' | 'exclude'): boolean =>
    p === '~ALL' ||
    (p === '~DEFAULT_BRANCH' ? ref === `refs/heads/${defaultBranch}` : meets(githubSet(full(p), as), name));
  return cond.include.some((p) => hit(p, 'include')) && !(cond.exclude ?? []).some((p) => hit(p, 'exclude'));
}

/** Does a tag ruleset cover every tag the pattern names? Patterns are compared as the sets of names
 *  they match: one include must hold every tag of the pattern, and no exclusion may share one with it. */
export function coversTags(rs: Ruleset, pattern: string): { covered: boolean; detail?: string } {
  if (rs.target !== 'tag') return { covered: false };
  const cond = rs.conditions?.ref_name;
  const full = (p: string): string => (p.startsWith('refs/') ? p : `refs/tags/${p}`);
  const wanted = policySet(pattern);
  const included = (cond?.include ?? []).some((p) => p === '~ALL' || covers(githubSet(full(p), 'include'), wanted));
  if (!included) return { covered: false };
  const overlap = (cond?.exclude ?? []).find((p) => p === '~ALL' || meets(githubSet(full(p), 'exclude'), wanted));
  return overlap ? { covered: false, detail: `excludes ${overlap}` } : { covered: true };
}

export function applyRule(
  r: ForgeRef,
  rule: RulesetRule,
  source: string,
  enforcement: Enforcement,
  more: Pick<Enforcer, 'off' | 'via'> = {},
): void {
  const p = rule.parameters ?? {};
  const put = (control: Control, e: Omit<Enforcer, 'source' | 'enforcement'> = {}): void =>
    addEnforcer(r, control, { source, enforcement, ...e, ...more });
  switch (rule.type) {
    case 'required_signatures':
      put('signatures');
      break;
    case 'non_fast_forward':
      put('force-pushes');
      break;
    case 'update': // no one but a bypass actor may move the branch at all
      put('force-pushes');
      break;
    case 'deletion':
      put('deletions');
      break;
    case 'pull_request':
      addReviews(
        r,
        p.required_approving_review_count ?? 0,
        { source, enforcement, ...more },
        UNSTATED('required_approving_review_count as a whole number', source),
      );
      if (p.require_code_owner_review === true) put('code-owner-reviews');
      break;
    case 'required_status_checks':
      put('status-checks', { checks: contexts(p.required_status_checks) });
      break;
    default:
  }
}

export function applyBypass(r: ForgeRef, rs: Ruleset): void {
  const source = `ruleset:${rs.id}`;
  if (rs.enforcement !== 'active') return;
  if (!rs.bypass_actors) {
    // GitHub leaves bypass_actors out for a token that may not administer the repository.
    r.bypassHidden.push({ source, permission: ADMIN_READ });
    return;
  }
  for (const a of rs.bypass_actors) {
    const role =
      a.actor_type === 'RepositoryRole'
        ? (({ 1: ' (read)', 2: ' (maintain)', 4: ' (write)', 5: ' (admin)' } as Record<number, string>)[
            a.actor_id ?? 0
          ] ?? '')
        : '';
    const actor =
      a.actor_type === 'OrganizationAdmin' || a.actor_type === 'DeployKey'
        ? a.actor_type
        : `${a.actor_type}:${a.actor_id ?? '?'}${role}`;
    addBypass(r, { source, actor, mode: a.bypass_mode ?? 'always' });
  }
}

export interface ClassicProtection {
  required_signatures?: { enabled?: boolean };
  allow_force_pushes?: { enabled?: boolean };
  allow_deletions?: { enabled?: boolean };
  enforce_admins?: { enabled?: unknown };
  required_pull_request_reviews?: {
    required_approving_review_count?: unknown;
    require_code_owner_reviews?: boolean;
    bypass_pull_request_allowances?: {
      users?: Array<{ login?: string }>;
      teams?: Array<{ slug?: string }>;
      apps?: Array<{ slug?: string }>;
    };
  };
  required_status_checks?: { contexts?: unknown; checks?: unknown };
}

/** What would show a control the protection answer left out (or gave in a type GitHub does not document). */
const UNSTATED = (field: string, source = 'classic'): Hidden => ({
  source,
  permission: `an answer that states ${field} (GitHub.com, or a GitHub Enterprise Server that sends it); check the branch protection by hand`,
});

/** The check names of a list of `{ context }`; anything else in it (or instead of it) names no check. */
const contexts = (list: unknown): string[] =>
  Array.isArray(list)
    ? list.flatMap((c: unknown) => {
        const name = (c as { context?: unknown } | null)?.context;
        return typeof name === 'string' ? [name] : [];
      })
    : [];

export function applyClassic(r: ForgeRef, c: ClassicProtection): void {
  const source = 'classic';
  const on = (control: Control, off: boolean): void =>
    addEnforcer(r, control, { source, enforcement: 'active', ...(off ? { off } : {}) });
  on('signatures', c.required_signatures?.enabled !== true);
  // Blocked only when the answer says so; a protection without the field leaves it unknown.
  addStated(
    r,
    'force-pushes',
    c.allow_force_pushes?.enabled,
    { source, enforcement: 'active' },
    UNSTATED('allow_force_pushes'),
  );
  addStated(r, 'deletions', c.allow_deletions?.enabled, { source, enforcement: 'active' }, UNSTATED('allow_deletions'));
  const pr = c.required_pull_request_reviews;
  if (pr) {
    addReviews(
      r,
      pr.required_approving_review_count ?? 0,
      { source, enforcement: 'active' },
      UNSTATED('required_approving_review_count as a whole number'),
    );
    on('code-owner-reviews', pr.require_code_owner_reviews !== true);
    const allow = pr.bypass_pull_request_allowances;
    for (const u of allow?.users ?? []) addBypass(r, { source, actor: `User:${u.login}`, mode: 'pull_request' });
    for (const t of allow?.teams ?? []) addBypass(r, { source, actor: `Team:${t.slug}`, mode: 'pull_request' });
    for (const a of allow?.apps ?? []) addBypass(r, { source, actor: `Integration:${a.slug}`, mode: 'pull_request' });
  }
  const sc = c.required_status_checks;
  if (sc)
    addEnforcer(r, 'status-checks', {
      source,
      enforcement: 'active',
      checks: [
        ...new Set([
          ...(Array.isArray(sc.contexts) ? sc.contexts.filter((x): x is string => typeof x === 'string') : []),
          ...contexts(sc.checks),
        ]),
      ],
    });
  // Admins are held to the rule only when the answer says so; an answer that does not say (an old
  // Enterprise Server, a wrong type) leaves who may bypass unknown, not "off".
  const admins = c.enforce_admins?.enabled;
  if (admins === false)
    addBypass(r, { source, actor: 'repository administrators (enforce_admins is off)', mode: 'always' });
  else if (admins !== true) r.bypassHidden.push(UNSTATED('enforce_admins'));
}

export interface RefUpdateRule {
  allowsDeletions?: boolean;
  allowsForcePushes?: boolean;
  requiredApprovingReviewCount: unknown;
  requiredStatusCheckContexts: Array<string | null> | null;
  requiresCodeOwnerReviews: unknown;
  requiresSignatures: unknown;
}

export function applyRefUpdateRule(r: ForgeRef, u: RefUpdateRule): void {
  const base = { source: 'classic', enforcement: 'active' as const, via: 'graphql refUpdateRule' };
  const on = (control: Control, off: boolean): void => addEnforcer(r, control, { ...base, ...(off ? { off } : {}) });
  // Only `true` requires: GraphQL's Boolean! sent as "false" (a string, truthy) is not a requirement.
  on('signatures', u.requiresSignatures !== true);
  addStated(r, 'force-pushes', u.allowsForcePushes, base, UNSTATED('allowsForcePushes'));
  addStated(r, 'deletions', u.allowsDeletions, base, UNSTATED('allowsDeletions'));
  if (u.requiredApprovingReviewCount !== null)
    addReviews(r, u.requiredApprovingReviewCount, base, UNSTATED('requiredApprovingReviewCount as a whole number'));
  on('code-owner-reviews', u.requiresCodeOwnerReviews !== true);
  if (u.requiredStatusCheckContexts?.length)
    addEnforcer(r, 'status-checks', {
      ...base,
      checks: u.requiredStatusCheckContexts.filter((x): x is string => typeof x === 'string'),
    });
}
