// GitHub (github.com and Enterprise Server): rulesets (with the organization's, each one's rules,
// conditions, enforcement and bypass actors), the effective rules of each branch, classic branch
// protection when the token may read it, else GraphQL refUpdateRule, which a read-only token sees.
// Read-only: GET requests and one GraphQL query per branch.
import { Octokit } from '@octokit/core';
import { paginateRest } from '@octokit/plugin-paginate-rest';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import Bottleneck from 'bottleneck';
import { VERSION } from '../../version.js';
import { ExpectedError } from '../../errors.js';
import {
  addEnforcer,
  addHidden,
  emptyRef,
  refPattern,
  type Control,
  type ForgeFacts,
  type ForgeRef,
  type Hidden,
  unlistedBranches,
} from '../../domain/forge.js';
import { redact } from './redact.js';
import {
  ADMIN_READ,
  applyBypass,
  applyClassic,
  applyRefUpdateRule,
  applyRule,
  coversTags,
  matchesBranch,
  type ClassicProtection,
  type RefUpdateRule,
  type Ruleset,
  type RulesetRule,
} from './github-rules.js';
import {
  GH_BRANCHES,
  GH_CLASSIC,
  GH_EFFECTIVE_RULES,
  GH_REF_UPDATE_RULE,
  GH_RULESET,
  GH_RULESET_SUMMARIES,
  shaped,
  strangeAnswer,
  type Check,
} from './shape.js';
import { apiOrigins, REFUSED, retryingFetch, unreachable, type HttpSettings } from './http.js';
import type { ForgeTarget } from './target.js';
import type { ForgeScope } from './scope.js';

const GitHub = Octokit.plugin(paginateRest, retry, throttling);
type Client = InstanceType<typeof GitHub>;

/** Controls classic protection can set (all but tag protection). */
const CLASSIC: Control[] = [
  'signatures',
  'force-pushes',
  'deletions',
  'reviews',
  'code-owner-reviews',
  'status-checks',
];
const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

function client(t: ForgeTarget, s: HttpSettings): Client {
  const wantRetry = (after: number, _o: unknown, _k: unknown, count: number): boolean =>
    count < s.retries && after <= s.maxWaitSeconds;
  return new GitHub({
    ...(t.token ? { auth: t.token } : {}),
    baseUrl: t.api,
    userAgent: `gitguard/${VERSION}`,
    log: quiet,
    // 429 and 502-504 are waited out in retryingFetch; plugin-retry handles the rest of 5xx and
    // network errors, plugin-throttling GitHub's 403 rate limits.
    request: { fetch: retryingFetch(s, apiOrigins(t)) },
    retry: {
      retries: s.retries,
      retryAfterBaseValue: s.backoffBaseMs,
      doNotRetry: [400, 401, 403, 404, 410, REFUSED, 422, 429, 451, 502, 503, 504],
    },
    throttle: {
      // plugin-throttling sends every non-GET request through its "write" group, one a second (what
      // GitHub asks of requests that change something). gitguard's only non-GET requests are GraphQL
      // queries, which read: they go one at a time like the REST reads, not a second apart. Rate-limit
      // and secondary-limit answers to them are still waited out (the handlers below).
      write: new Bottleneck.Group({ maxConcurrent: 1 }),
      onRateLimit: wantRetry,
      onSecondaryRateLimit: wantRetry,
      fallbackSecondaryRateRetryAfter: Math.min(60, s.maxWaitSeconds),
    },
  });
}

interface Refused {
  status: number;
  message: string;
  permission?: string;
}

function isRateLimit(e: {
  status?: number;
  message?: string;
  response?: { headers?: Record<string, string | undefined> };
}): boolean {
  return (
    e.status === 429 || e.response?.headers?.['x-ratelimit-remaining'] === '0' || /rate limit/i.test(e.message ?? '')
  );
}

/** Runs a request; a 403/404 (that is not a rate limit) is an answer, anything else ends the audit. */
async function ask<T>(
  t: ForgeTarget,
  fn: () => Promise<T>,
): Promise<{ ok: true; value: T } | ({ ok: false } & Refused)> {
  try {
    return { ok: true, value: await fn() };
  } catch (err) {
    const e = err as {
      status?: number;
      message?: string;
      response?: { headers?: Record<string, string | undefined>; data?: unknown };
    };
    if ((e.status === 403 || e.status === 404) && !isRateLimit(e)) {
      const permission = e.response?.headers?.['x-accepted-github-permissions'];
      const data = e.response?.data as { message?: string } | undefined;
      return {
        ok: false,
        status: e.status,
        message: redact(String(data?.message ?? e.message ?? '')),
        ...(permission ? { permission } : {}),
      };
    }
    if (isRateLimit(e))
      throw new ExpectedError(
        redact(`the GitHub API at ${t.api} is rate-limiting this token and the wait is longer than gitguard accepts`),
        'try again later, or raise GITGUARD_FORGE_MAX_WAIT (seconds)',
      );
    throw unreachable('GitHub', t.api, err);
  }
}

const permissionOf = (r: Refused, fallback: string): string => r.permission ?? fallback;

const NOT_EFFECTIVE = "GitHub's rules for the branch do not list it";

/** An answer that does not have the shape GitHub documents: the audit cannot say what it protects. */
const strange = (t: ForgeTarget, what: string): ExpectedError => strangeAnswer('GitHub', t.api, what);
const read = <T>(t: ForgeTarget, what: string, check: Check, value: unknown): T =>
  shaped<T>('GitHub', t.api, what, check, value);

const REF_UPDATE_RULE = `query($owner: String!, $name: String!, $qualified: String!) {
  repository(owner: $owner, name: $name) {
    ref(qualifiedName: $qualified) {
      refUpdateRule { pattern allowsDeletions allowsForcePushes requiredApprovingReviewCount requiredStatusCheckContexts requiresCodeOwnerReviews requiresSignatures }
    }
  }
}`;

/** Any reader sees a branch's `protected` flag: false means no classic rule and no ruleset applies,
 *  an answer rather than a hidden setting. */
async function unprotectedBranch(
  t: ForgeTarget,
  gh: Client,
  owner: string,
  repo: string,
  branch: string,
): Promise<boolean> {
  const b = await ask(t, () => gh.request('GET /repos/{owner}/{repo}/branches/{branch}', { owner, repo, branch }));
  return b.ok && b.value.data.protected === false;
}

export async function readGitHub(t: ForgeTarget, scope: ForgeScope, s: HttpSettings): Promise<ForgeFacts> {
  const gh = client(t, s);
  const [owner, repo] = t.repo.split('/') as [string, string];
  const meta = await ask(t, () => gh.request('GET /repos/{owner}/{repo}', { owner, repo }));
  if (!meta.ok)
    throw new ExpectedError(
      `GitHub repository ${t.repo} not found at ${t.api}, or the token may not read it (HTTP ${meta.status})`,
      'check --forge-repo and the token (GITHUB_TOKEN or GH_TOKEN)',
    );
  const defaultBranch: unknown = meta.value.data.default_branch;
  if (typeof defaultBranch !== 'string' || !defaultBranch) throw strange(t, `repository ${t.repo} (no default_branch)`);

  // The branches to judge: the default branch, and those the policy's protected.refs names.
  const branches = new Map<string, string>([[`refs/heads/${defaultBranch}`, 'the default branch']]);
  const wanted = scope.branchPatterns.map(refPattern);
  const unlisted: ForgeRef[] = [];
  if (scope.branchPatterns.some((p) => p !== `refs/heads/${defaultBranch}`)) {
    const list = await ask(t, () => gh.paginate('GET /repos/{owner}/{repo}/branches', { owner, repo, per_page: 100 }));
    if (!list.ok)
      unlisted.push(
        ...scope.branchPatterns
          .filter((p) => p !== `refs/heads/${defaultBranch}`)
          .map((p) => unlistedBranches(p, { source: 'branches', permission: permissionOf(list, 'metadata=read') })),
      );
    else
      for (const b of read<Array<{ name: string }>>(t, 'the list of branches', GH_BRANCHES, list.value))
        if (!branches.has(`refs/heads/${b.name}`) && wanted.some((w) => w.test(`refs/heads/${b.name}`)))
          branches.set(`refs/heads/${b.name}`, 'named by protected.refs');
  }

  // Rulesets, the organization's included, each read in full.
  const rulesets: Ruleset[] = [];
  const hiddenRulesets: Hidden[] = [];
  const listed = await ask(t, () =>
    gh.paginate('GET /repos/{owner}/{repo}/rulesets', { owner, repo, includes_parents: true, per_page: 100 }),
  );
  if (!listed.ok) hiddenRulesets.push({ source: 'rulesets', permission: permissionOf(listed, 'metadata=read') });
  else {
    for (const summary of read<Array<{ id: number }>>(t, 'the list of rulesets', GH_RULESET_SUMMARIES, listed.value)) {
      const full = await ask(t, () =>
        gh.request('GET /repos/{owner}/{repo}/rulesets/{ruleset_id}', {
          owner,
          repo,
          ruleset_id: summary.id,
          includes_parents: true,
        }),
      );
      if (full.ok) rulesets.push(read<Ruleset>(t, `ruleset ${summary.id}`, GH_RULESET, full.value.data));
      else hiddenRulesets.push({ source: `ruleset:${summary.id}`, permission: permissionOf(full, ADMIN_READ) });
    }
  }
  const byId = new Map(rulesets.map((rs) => [rs.id, rs]));

  const refs: ForgeRef[] = [];
  for (const [ref, why] of branches) {
    const r = emptyRef(ref, 'branch', why);
    const branch = ref.slice('refs/heads/'.length);
    for (const h of hiddenRulesets) {
      addHidden(r, CLASSIC, h);
      r.bypassHidden.push(h);
    }
    // Which rulesets apply to the branch is GitHub's own answer (the effective rules, which any reader
    // may see): a ruleset is credited only for the rules GitHub lists for this branch, never for
    // gitguard's reading of its conditions (fnmatch classes, an organization's repository conditions).
    const effective = await ask(t, () =>
      gh.paginate('GET /repos/{owner}/{repo}/rules/branches/{branch}', { owner, repo, branch, per_page: 100 }),
    );
    const applied = new Set<number>();
    if (!effective.ok)
      addHidden(r, CLASSIC, { source: 'rules/branches', permission: permissionOf(effective, 'metadata=read') });
    else {
      for (const rule of read<RulesetRule[]>(t, `the rules of branch ${branch}`, GH_EFFECTIVE_RULES, effective.value)) {
        const rs = rule.ruleset_id === undefined ? undefined : byId.get(rule.ruleset_id);
        const source = `ruleset:${rule.ruleset_id ?? '?'}`;
        applyRule(r, rule, source, rs?.enforcement ?? 'active');
        if (rs && !applied.has(rs.id)) applyBypass(r, rs);
        // A ruleset this token could not read (another owner's, say): who may bypass it is hidden.
        else if (!rs && !r.bypassHidden.some((h) => h.source === source))
          r.bypassHidden.push({ source, permission: ADMIN_READ });
        if (rs) applied.add(rs.id);
      }
    }
    // Rulesets whose conditions name the branch but that GitHub does not apply: applied, not enforcing.
    for (const rs of rulesets) {
      if (applied.has(rs.id) || !matchesBranch(rs, ref, defaultBranch)) continue;
      if (rs.enforcement === 'active' && !effective.ok) continue; // hidden: GitHub's answer is not visible
      const more = rs.enforcement === 'active' ? { off: true, via: NOT_EFFECTIVE } : {};
      for (const rule of rs.rules ?? []) applyRule(r, rule, `ruleset:${rs.id}`, rs.enforcement, more);
    }
    // Classic protection: in full for an admin token, else what GraphQL shows any reader.
    const classic = await ask(t, () =>
      gh.request('GET /repos/{owner}/{repo}/branches/{branch}/protection', { owner, repo, branch }),
    );
    if (classic.ok)
      applyClassic(r, read<ClassicProtection>(t, `the protection of branch ${branch}`, GH_CLASSIC, classic.value.data));
    else if (
      !(classic.status === 404 && /not protected/i.test(classic.message)) &&
      !(await unprotectedBranch(t, gh, owner, repo, branch))
    ) {
      const hidden = { source: 'classic', permission: permissionOf(classic, ADMIN_READ) };
      const gql = await ask(t, () =>
        gh.request({
          method: 'POST',
          url: t.graphql ?? '/graphql',
          query: REF_UPDATE_RULE,
          variables: { owner, name: repo, qualified: ref },
        }),
      );
      const answer = gql.ok
        ? (gql.value.data as {
            data?: { repository?: { ref?: { refUpdateRule?: RefUpdateRule | null } | null } | null } | null;
            errors?: unknown[];
          })
        : undefined;
      // Errors (a token that may not use GraphQL on this repository) leave it hidden.
      const rule =
        answer && !answer.errors?.length && answer.data?.repository?.ref
          ? answer.data.repository.ref.refUpdateRule
          : undefined;
      if (rule === null) {
        // No classic rule applies to this branch: nothing hidden.
      } else if (rule) {
        applyRefUpdateRule(r, read<RefUpdateRule>(t, `refUpdateRule of branch ${branch}`, GH_REF_UPDATE_RULE, rule));
        r.bypassHidden.push(hidden); // who is exempt (enforce_admins, allowances) needs the REST answer
      } else {
        addHidden(r, CLASSIC, hidden);
        r.bypassHidden.push(hidden);
      }
    }
    refs.push(r);
  }

  refs.push(...unlisted);
  for (const pattern of scope.tagPatterns) {
    const r = emptyRef(pattern, 'tag', 'tags protected by the policy');
    for (const h of hiddenRulesets) {
      addHidden(r, ['tag-protection'], h);
      r.bypassHidden.push(h);
    }
    for (const rs of rulesets) {
      const cover = coversTags(rs, pattern);
      if (!cover.covered && !cover.detail) continue;
      const types = new Set((rs.rules ?? []).map((x) => x.type));
      const missing = ['update', 'deletion'].filter((x) => !types.has(x));
      if (!cover.covered || missing.length)
        addEnforcer(r, 'tag-protection', { source: `ruleset:${rs.id}`, enforcement: rs.enforcement, off: true });
      else {
        addEnforcer(r, 'tag-protection', { source: `ruleset:${rs.id}`, enforcement: rs.enforcement });
        applyBypass(r, rs);
      }
    }
    refs.push(r);
  }
  return { kind: 'github', repo: t.repo, api: t.api, defaultBranch, refs };
}
