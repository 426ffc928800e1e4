// The shapes GitHub and GitLab document for the answers the clients read, checked before they are
// read: a list that is not a list, a name that is not a string, an entry that is not an object is not
// an answer gitguard can judge, so it ends the audit with one line (exit 2) instead of being read the
// way JavaScript would coerce it (a string iterated as a list, `undefined` as a pattern, a TypeError).
//
// The split with the per-field checks: what the clients walk or name things by is checked here
// (answers, lists, entries, names, ids, a push access level's integers: a wrong one is not GitHub's or
// GitLab's answer at all, exit 2). What a rule weighs is checked where it is read, against the values
// the forge documents: a flag that is not `true`/`false` (domain/forge.ts addStated), a count that is
// not a whole number (addReviews), an access level GitLab does not list (gitlab.ts grantee), a missing
// enforce_admins (github-rules.ts). There a wrong or unknown value is "not stated": not-available
// naming the field, or the control off, never a protection and never "no one may bypass". Fields no
// rule reads are not checked, so a forge's new fields never end an audit.
import { ExpectedError } from '../../errors.js';
import { redact } from './redact.js';

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** What is wrong with a value, named by its field path; undefined when it has the documented shape. */
export type Check = (x: unknown, at: string) => string | undefined;

const kindOf = (x: unknown): string =>
  x === undefined
    ? 'missing'
    : x === null
      ? 'null'
      : Array.isArray(x)
        ? 'a list'
        : typeof x === 'object'
          ? 'an object'
          : `a ${typeof x}`;
const not = (at: string, want: string, x: unknown): string => `${at || 'the answer'} is ${kindOf(x)}, not ${want}`;

const string: Check = (x, at) => (typeof x === 'string' ? undefined : not(at, 'a string', x));
const integer: Check = (x, at) => (Number.isSafeInteger(x) ? undefined : not(at, 'a whole number', x));
/** Absent (or null, where the forge documents null) is allowed; else `check`. */
const optional =
  (check: Check, nullable = false): Check =>
  (x, at) =>
    x === undefined || (nullable && x === null) ? undefined : check(x, at);
const listOf =
  (item: Check): Check =>
  (x, at) => {
    if (!Array.isArray(x)) return not(at, 'a list', x);
    for (const [i, v] of x.entries()) {
      const wrong = item(v, `${at}[${i}]`);
      if (wrong) return wrong;
    }
    return undefined;
  };
/** An object whose named fields pass their checks (other fields are not read). */
const object =
  (fields: Record<string, Check> = {}): Check =>
  (x, at) => {
    if (!isObject(x)) return not(at, 'an object', x);
    for (const [k, check] of Object.entries(fields)) {
      const wrong = check(x[k], at ? `${at}.${k}` : k);
      if (wrong) return wrong;
    }
    return undefined;
  };

/** The one line for an answer that is not in the documented shape. */
export function strangeAnswer(kind: 'GitHub' | 'GitLab', api: string, what: string, wrong?: string): ExpectedError {
  return new ExpectedError(
    redact(`the ${kind} API at ${api} answered ${what} in a shape gitguard does not know${wrong ? ` (${wrong})` : ''}`),
    kind === 'GitHub'
      ? 'check --forge-url (it must be the GitHub REST API) or run without --forge'
      : 'check --forge-url (it must be the GitLab API, .../api/v4) or run without --forge',
  );
}

/** `value` when it has the shape `check` wants; else the one line naming the answer and the field. */
export function shaped<T>(kind: 'GitHub' | 'GitLab', api: string, what: string, check: Check, value: unknown): T {
  const wrong = check(value, '');
  if (wrong) throw strangeAnswer(kind, api, what, wrong);
  return value as T;
}

// ---- the answers, as the forges document them (only the fields gitguard reads) ----

const named = object({ name: string });
const refNames = optional(object({ include: optional(listOf(string)), exclude: optional(listOf(string)) }));

/** GitHub: a ruleset (GET .../rulesets/{id}); `conditions` may also hold an organization's repository conditions. */
export const GH_RULESET = object({
  id: integer,
  target: optional(string),
  enforcement: string,
  conditions: optional(object({ ref_name: refNames }), true),
  bypass_actors: optional(
    listOf(object({ actor_id: optional(integer, true), actor_type: string, bypass_mode: optional(string) })),
  ),
  rules: optional(listOf(object({ type: string, parameters: optional(object(), true) }))),
});
export const GH_RULESET_SUMMARIES = listOf(object({ id: integer }));
/** GET .../rules/branches/{branch}: the effective rules. */
export const GH_EFFECTIVE_RULES = listOf(
  object({ type: string, ruleset_id: optional(integer), parameters: optional(object(), true) }),
);
export const GH_BRANCHES = listOf(named);
const logins = (field: string): Check => optional(listOf(object({ [field]: string })));
/** GET .../branches/{branch}/protection: the lists gitguard walks (its flags are read as stated or not). */
export const GH_CLASSIC = object({
  required_pull_request_reviews: optional(
    object({
      bypass_pull_request_allowances: optional(
        object({ users: logins('login'), teams: logins('slug'), apps: logins('slug') }),
      ),
    }),
  ),
});
/** GraphQL RefUpdateRule, when it is there at all. */
export const GH_REF_UPDATE_RULE = object({
  requiredStatusCheckContexts: optional(listOf(optional(string, true)), true),
});

/** GitLab: a project, and the lists of protected branches and tags, and approval rules. */
export const GL_PROJECT = object({ id: integer });
export const GL_BRANCHES = listOf(named);
export const GL_PROTECTED_BRANCHES = listOf(
  object({
    name: string,
    push_access_levels: optional(
      listOf(
        object({
          access_level: optional(integer, true),
          user_id: optional(integer, true),
          group_id: optional(integer, true),
          deploy_key_id: optional(integer, true),
          access_level_description: optional(string, true),
        }),
      ),
    ),
  }),
);
export const GL_PROTECTED_TAGS = listOf(named);
/** A project's push rule: an object (its flags are read as stated or not). For a project without
 *  one GitLab answers the JSON `null` (gitlab-org/gitlab#8829), which the client reads as `{}`. */
export const GL_PUSH_RULE = object();
export const GL_APPROVAL_RULES = listOf(object({ rule_type: optional(string, true) }));
