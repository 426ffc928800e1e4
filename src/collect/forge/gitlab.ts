// GitLab (gitlab.com and self-managed): protected branches (force push, who may push, code owner
// approval), protected tags, push rules (signed commits) and approval rules. Push rules, approval
// rules and code owner approval are paid-tier features: where the tier or the token does not show
// them, the answer is "not visible", never "off". Read-only: GET requests only.
import { Gitlab } from '@gitbeaker/rest';
import { createRequesterFn, type RequestOptions } from '@gitbeaker/requester-utils';
import { ExpectedError } from '../../errors.js';
import {
  addBypass,
  addEnforcer,
  addReviews,
  addStated,
  addHidden,
  emptyRef,
  gitlabPattern,
  refPattern,
  type ForgeFacts,
  type ForgeRef,
  unlistedBranches,
} from '../../domain/forge.js';
import { covers, gitlabSet, policySet } from '../../domain/pattern-sets.js';
import { redact } from './redact.js';
import {
  GL_APPROVAL_RULES,
  GL_BRANCHES,
  GL_PROJECT,
  GL_PROTECTED_BRANCHES,
  GL_PROTECTED_TAGS,
  GL_PUSH_RULE,
  shaped,
  strangeAnswer,
  type Check,
} from './shape.js';
import { apiOrigins, retryingFetch, unreachable, type HttpSettings } from './http.js';
import type { ForgeTarget } from './target.js';
import type { ForgeScope } from './scope.js';

class GitLabHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** gitbeaker's transport, with our timeout and bounded retries (429 and 5xx, honouring
 *  Retry-After and RateLimit-Reset). Everything else about the API (paths, pagination) stays gitbeaker's. */
function requester(s: HttpSettings, origins: readonly string[]) {
  const doFetch = retryingFetch(s, origins, [429, 500, 502, 503, 504]);
  return createRequesterFn(
    (_service, opts) => Promise.resolve(opts),
    async (endpoint: string, options?: RequestOptions) => {
      const { prefixUrl, searchParams, method, headers, body, signal } = (options ?? {}) as RequestOptions & {
        headers?: Record<string, string>;
      };
      const url = new URL(endpoint, prefixUrl?.endsWith('/') ? prefixUrl : `${prefixUrl}/`);
      url.search = searchParams ?? '';
      const response = await doFetch(url, {
        method: method ?? 'GET',
        headers: headers ?? {},
        ...(body ? { body: body as string } : {}),
        ...(signal ? { signal } : {}),
      });
      if (response.ok) {
        const type = response.headers.get('content-type') ?? '';
        const text = await response.text();
        const parsed: unknown = type.includes('json') && text ? JSON.parse(text) : text;
        return {
          body: (parsed ?? {}) as Record<string, unknown>,
          headers: Object.fromEntries(response.headers.entries()),
          status: response.status,
        };
      }
      let message = '';
      try {
        const data = (await response.json()) as { message?: unknown; error?: unknown };
        message =
          typeof data.message === 'string'
            ? data.message
            : typeof data.error === 'string'
              ? data.error
              : JSON.stringify(data.message ?? data.error ?? '');
      } catch {
        message = response.statusText;
      }
      throw new GitLabHttpError(
        response.status,
        redact(`${response.status === 429 ? 'rate limited: ' : ''}${message}`),
      );
    },
  );
}

async function ask<T>(
  t: ForgeTarget,
  fn: () => Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; status: number }> {
  try {
    return { ok: true, value: await fn() };
  } catch (err) {
    if (err instanceof ExpectedError) throw err; // an answer in a shape gitguard does not know
    if (err instanceof GitLabHttpError && (err.status === 403 || err.status === 404))
      return { ok: false, status: err.status };
    if (err instanceof GitLabHttpError && err.status === 429)
      throw new ExpectedError(
        redact(`the GitLab API at ${t.api} is rate-limiting this token and the wait is longer than gitguard accepts`),
        'try again later, or raise GITGUARD_FORGE_MAX_WAIT (seconds)',
      );
    throw unreachable('GitLab', t.api, err);
  }
}

interface AccessLevel {
  access_level?: number | null;
  access_level_description?: string;
  user_id?: number | null;
  group_id?: number | null;
  deploy_key_id?: number | null;
}
interface ProtectedBranch {
  id: number;
  name: string;
  allow_force_push?: boolean;
  code_owner_approval_required?: boolean;
  push_access_levels?: AccessLevel[];
}
interface ApprovalRule {
  id: number;
  approvals_required?: unknown;
  applies_to_all_protected_branches?: unknown;
  protected_branches?: unknown;
  rule_type?: string;
}

/** An approval rule field of a type GitLab does not document: the rule is not read either way. */
const UNREAD = (fields: string): string =>
  `an approval rule answer that states ${fields} as GitLab documents them; check the rule by hand`;

/** Whether an approval rule covers the branch (`protectedMatch`: a protected branch rule names it);
 *  undefined when its scope is not in the documented types. */
function approvalRuleApplies(rule: ApprovalRule, branch: string, protectedMatch: boolean): boolean | undefined {
  const all = rule.applies_to_all_protected_branches;
  const named = rule.protected_branches ?? [];
  if ((all !== undefined && typeof all !== 'boolean') || !Array.isArray(named)) return undefined;
  const names = named.map((pb: unknown) => (pb as { name?: unknown } | null)?.name);
  if (!names.every((n): n is string => typeof n === 'string')) return undefined;
  if (all) return protectedMatch;
  return !names.length || names.some((n) => gitlabPattern(n).test(branch));
}

const PREMIUM = (what: string): string =>
  `${what}: GitLab Premium or Ultimate, and a token of a project Maintainer (read_api)`;
const SOURCE = 'gitlab-protected-branch';

/** The roles GitLab documents for a protected ref's access levels (ProtectedRefAccess.allowed_access_levels). */
const ROLES: Record<number, string> = { 30: 'Developers + Maintainers', 40: 'Maintainers', 60: 'Administrators' };
const NO_ONE = 'no one';

/** Whom an access level entry (of push, merge, unprotect or tag create) lets in: the user, group or
 *  deploy key it names, else its role; NO_ONE for level 0 alone. Undefined for anything else (a null,
 *  missing or undocumented level and no one named): an unknown grantee, never read as "no one". */
function grantee(a: AccessLevel): string | undefined {
  if (a.user_id != null) return `user:${a.user_id}`;
  if (a.group_id != null) return `group:${a.group_id}`;
  if (a.deploy_key_id != null) return `deploy key:${a.deploy_key_id}`;
  if (a.access_level === 0) return NO_ONE;
  const role = typeof a.access_level === 'number' ? ROLES[a.access_level] : undefined;
  return role && (a.access_level_description ?? role);
}

/** Who may push to a protected branch, and whether the answer leaves someone unknown (an unknown
 *  grantee, or no levels at all: GitLab always keeps at least one, so none is not its answer). */
function pushers(b: ProtectedBranch): { who: string[]; unknown: boolean } {
  const levels = b.push_access_levels ?? [];
  const all = levels.map(grantee);
  const who = all.filter((x): x is string => x !== undefined && x !== NO_ONE);
  return { who, unknown: !levels.length || all.includes(undefined) };
}

export async function readGitLab(t: ForgeTarget, scope: ForgeScope, s: HttpSettings): Promise<ForgeFacts> {
  const host = t.api.replace(/\/api\/v4$/, '');
  // No token: no auth header at all (anonymous, public projects only).
  const auth = t.token ? (t.tokenHeader === 'JOB-TOKEN' ? { jobToken: t.token } : { token: t.token }) : {};
  const api = new Gitlab({
    host,
    ...auth,
    requesterFn: requester(s, apiOrigins(t)),
    queryTimeout: s.timeoutMs,
  });

  const project = await ask(t, () => api.Projects.show(t.repo) as Promise<Record<string, unknown>>);
  if (!project.ok)
    throw new ExpectedError(
      `GitLab project ${t.repo} not found at ${t.api}, or the token may not read it (HTTP ${project.status})`,
      'check --forge-repo and the token (GITLAB_TOKEN or CI_JOB_TOKEN)',
    );
  const read = <T>(what: string, check: Check, value: unknown): T => shaped<T>('GitLab', t.api, what, check, value);
  const p = read<Record<string, unknown>>(`project ${t.repo}`, GL_PROJECT, project.value);
  const id = p.id as number;
  // null: an empty project (no branch yet). Anything else that is not a name is not GitLab's answer.
  if (p.default_branch !== null && (typeof p.default_branch !== 'string' || !p.default_branch))
    throw strangeAnswer('GitLab', t.api, `project ${t.repo}`, 'default_branch is not a branch name');
  const defaultBranch = typeof p.default_branch === 'string' ? p.default_branch : 'main';

  const branches = new Map<string, string>([[`refs/heads/${defaultBranch}`, 'the default branch']]);
  const unlisted: ForgeRef[] = [];
  if (scope.branchPatterns.some((x) => x !== `refs/heads/${defaultBranch}`)) {
    const wanted = scope.branchPatterns.map(refPattern);
    const list = await ask(t, () => api.Branches.all(id) as Promise<Array<{ name: string }>>);
    if (!list.ok)
      unlisted.push(
        ...scope.branchPatterns
          .filter((x) => x !== `refs/heads/${defaultBranch}`)
          .map((x) =>
            unlistedBranches(x, {
              source: 'repository/branches',
              permission: 'a token that may read the repository (read_api)',
            }),
          ),
      );
    else
      for (const b of read<Array<{ name: string }>>('the list of branches', GL_BRANCHES, list.value))
        if (!branches.has(`refs/heads/${b.name}`) && wanted.some((w) => w.test(`refs/heads/${b.name}`)))
          branches.set(`refs/heads/${b.name}`, 'named by protected.refs');
  }
  const protectedBranches = await ask(t, async () =>
    read<ProtectedBranch[]>('the protected branches', GL_PROTECTED_BRANCHES, await api.ProtectedBranches.all(id)),
  );
  const protectedTags = scope.tagPatterns.length
    ? await ask(t, async () =>
        read<Array<{ name: string }>>('the protected tags', GL_PROTECTED_TAGS, await api.ProtectedTags.all(id)),
      )
    : undefined;
  const pushRule = await ask(t, async () =>
    read<Record<string, unknown>>('the push rule', GL_PUSH_RULE, await api.ProjectPushRules.show(id)),
  );
  const approvalRules = await ask(t, async () =>
    read<ApprovalRule[]>('the approval rules', GL_APPROVAL_RULES, await api.MergeRequestApprovals.allApprovalRules(id)),
  );

  const refs: ForgeRef[] = [];
  for (const [ref, why] of branches) {
    const r = emptyRef(ref, 'branch', why);
    const name = ref.slice('refs/heads/'.length);
    if (!protectedBranches.ok) {
      const h = { source: SOURCE, permission: 'a project Maintainer token (read_api) to list protected branches' };
      addHidden(r, ['force-pushes', 'deletions', 'code-owner-reviews'], h);
      r.bypassHidden.push(h);
    }
    const matching = protectedBranches.ok
      ? protectedBranches.value.filter((b) => gitlabPattern(b.name).test(name))
      : [];
    if (matching.length) {
      // Several matching rules: GitLab applies the most permissive one, but for code owner approval
      // the most restrictive (its docs, "Protection rules"). A rule that does not say whether it
      // allows force pushes (GitLab before 13.10 has no allow_force_push) leaves it unknown. Force
      // push is allowed "for users with push access" (GitLab's BranchCheck asks both): when every
      // matching rule answers its push access levels and they grant push to no one, no one can.
      const allowing = matching.find((b) => b.allow_force_push === true);
      const silent = matching.find((b) => typeof b.allow_force_push !== 'boolean');
      const decides = allowing ?? silent;
      const noPusher = matching.every((b) => {
        const p = pushers(b);
        return !p.unknown && !p.who.length;
      });
      addStated(
        r,
        'force-pushes',
        noPusher || !decides ? false : allowing ? true : undefined,
        {
          source: SOURCE,
          enforcement: 'active',
          ...(decides ? { via: `protected branch ${decides.name}${noPusher ? ', where no one may push' : ''}` } : {}),
        },
        {
          source: SOURCE,
          permission: `GitLab 13.10 or later, whose protected branch ${silent?.name ?? ''} says allow_force_push; check "Allowed to force push" by hand`,
        },
      );
      addEnforcer(r, 'deletions', { source: SOURCE, enforcement: 'active' }); // no one deletes a protected branch by a push
      const owners = matching.find((b) => b.code_owner_approval_required === true);
      if (owners)
        addEnforcer(r, 'code-owner-reviews', {
          source: SOURCE,
          enforcement: 'active',
          via: `protected branch ${owners.name}`,
        });
      else if (matching.some((b) => b.code_owner_approval_required === undefined))
        addHidden(r, ['code-owner-reviews'], { source: SOURCE, permission: PREMIUM('code owner approval') });
      else addEnforcer(r, 'code-owner-reviews', { source: SOURCE, enforcement: 'active', off: true });
    }
    for (const b of matching) {
      const { who, unknown } = pushers(b);
      for (const w of who) addBypass(r, { source: SOURCE, actor: `${w} (allowed to push to ${b.name})`, mode: 'push' });
      if (unknown)
        r.bypassHidden.push({
          source: `${SOURCE} ${b.name}`,
          permission: `an answer whose push_access_levels name who may push as GitLab documents it (access_level 0, 30, 40 or 60, or a user, group or deploy key); check "Allowed to push and merge" by hand`,
        });
    }
    if (!pushRule.ok) addHidden(r, ['signatures'], { source: 'gitlab-push-rule', permission: PREMIUM('push rules') });
    else
      addEnforcer(r, 'signatures', {
        source: 'gitlab-push-rule',
        enforcement: 'active',
        ...(pushRule.value.reject_unsigned_commits === true ? {} : { off: true }),
      });
    if (!approvalRules.ok)
      addHidden(r, ['reviews'], {
        source: 'gitlab-approval-rule',
        permission: PREMIUM('merge request approval rules'),
      });
    else {
      for (const rule of approvalRules.value) {
        // Code owner and security-report rules are not the reviewer count the policy means.
        if (rule.rule_type && rule.rule_type !== 'regular' && rule.rule_type !== 'any_approver') continue;
        const source = `gitlab-approval-rule:${rule.id}`;
        const applies = approvalRuleApplies(rule, name, matching.length > 0);
        if (applies === undefined)
          addHidden(r, ['reviews'], {
            source,
            permission: UNREAD('applies_to_all_protected_branches, protected_branches'),
          });
        else if (applies)
          addReviews(
            r,
            rule.approvals_required ?? 0,
            { source, enforcement: 'active' },
            {
              source,
              permission: UNREAD('approvals_required as a whole number'),
            },
          );
      }
    }
    // "Pipelines must succeed": every job of the pipeline is required, whatever it is called.
    addEnforcer(r, 'status-checks', {
      source: 'gitlab-project-setting',
      enforcement: 'active',
      everyCheck: true,
      ...(p.only_allow_merge_if_pipeline_succeeds === true ? {} : { off: true }),
    });
    refs.push(r);
  }
  refs.push(...unlisted);
  for (const pattern of scope.tagPatterns) {
    const r = emptyRef(pattern, 'tag', 'tags protected by the policy');
    const tagName = pattern.slice('refs/tags/'.length);
    if (!protectedTags?.ok)
      addHidden(r, ['tag-protection'], {
        source: 'gitlab-protected-tag',
        permission: 'a project Maintainer token (read_api) to list protected tags',
      });
    else
      for (const pt of protectedTags.value)
        // Every tag the policy's pattern names must be one the protected tag's wildcard names.
        if (covers(gitlabSet(pt.name), policySet(tagName)))
          addEnforcer(r, 'tag-protection', { source: 'gitlab-protected-tag', enforcement: 'active' });
    refs.push(r);
  }
  return { kind: 'gitlab', repo: t.repo, api: t.api, defaultBranch, refs };
}
