// One answer per judged ref and control, whatever the forge: which sources enforce it (and in which
// mode), who may bypass, and what the token could not see. github.ts and gitlab.ts fill it; the
// forge rules judge it (src/rules/lib/forge.ts). Pure data: no I/O here.

import type { ForgePolicy } from './policy.js';
import { refGlob, wildcardGlob } from './ledger.js';

export type ForgeKind = 'github' | 'gitlab';

/** What a forge can enforce on a ref. `tag-protection` is judged on tag patterns, the rest on branches. */
const CONTROLS = [
  'signatures',
  'force-pushes',
  'deletions',
  'reviews',
  'code-owner-reviews',
  'status-checks',
  'tag-protection',
] as const;
export type Control = (typeof CONTROLS)[number];

/** GitHub ruleset enforcement; classic protection and GitLab settings are always `active`. */
export type Enforcement = 'active' | 'evaluate' | 'disabled';

/** A source that sets the control: `classic`, `ruleset:<id>`, `gitlab-protected-branch`, `gitlab-push-rule`, ... */
export interface Enforcer {
  source: string;
  enforcement: Enforcement;
  /** reviews: approvals required by this source. */
  approvals?: number;
  /** status-checks: the check names this source requires. */
  checks?: string[];
  /** status-checks: every check (GitLab's "pipelines must succeed": every job), not a name "*". */
  everyCheck?: boolean;
  /** When the source says the control is off (e.g. classic allow_force_pushes: true): it is listed, not enforcing. */
  off?: boolean;
  /** Where gitguard read it when that is not obvious ("graphql refUpdateRule"). */
  via?: string;
}

/** Someone who may get past the controls of a ref: a ruleset bypass actor, admins when classic
 *  protection does not include them, roles allowed to push directly. */
export interface Bypass {
  source: string;
  actor: string;
  /** always, pull_request, exempt (rulesets); admin (classic enforce_admins off); push (GitLab). */
  mode: string;
}

/** A part of the answer the token could not read, and the permission (or tier) that would show it. */
export interface Hidden {
  source: string;
  permission: string;
}

export interface ControlView {
  enforcers: Enforcer[];
  hidden: Hidden[];
}

export interface ForgeRef {
  /** refs/heads/main, or a tag pattern such as refs/tags/* for tag protection. */
  ref: string;
  kind: 'branch' | 'tag';
  /** Why it is judged: the default branch, the policy's protected.refs, or tag protection. */
  why: string;
  controls: Record<Control, ControlView>;
  bypass: Bypass[];
  bypassHidden: Hidden[];
}

export interface ForgeFacts {
  kind: ForgeKind;
  /** OWNER/NAME or the GitLab project path. */
  repo: string;
  /** The API base asked. */
  api: string;
  defaultBranch: string;
  refs: ForgeRef[];
}

export function emptyRef(ref: string, kind: ForgeRef['kind'], why: string): ForgeRef {
  const controls = Object.fromEntries(CONTROLS.map((c) => [c, { enforcers: [], hidden: [] }])) as unknown as Record<
    Control,
    ControlView
  >;
  return { ref, kind, why, controls, bypass: [], bypassHidden: [] };
}

/** Adds an enforcer, keeping one entry per source (the first reader to answer wins). */
export function addEnforcer(r: ForgeRef, control: Control, e: Enforcer): void {
  const view = r.controls[control];
  if (!view.enforcers.some((x) => x.source === e.source)) view.enforcers.push(e);
}

export function addHidden(r: ForgeRef, controls: readonly Control[], h: Hidden): void {
  for (const c of controls) {
    const view = r.controls[c];
    if (!view.hidden.some((x) => x.source === h.source)) view.hidden.push(h);
  }
}

/**
 * A control the forge answers with "allowed?" (force pushes, deletions): `false` is an enforcer,
 * `true` one that is off, anything else (the field left out: GitLab before 13.10, an old GitHub
 * Enterprise Server) is not known, never read either way: not-available naming `unstated`.
 */
export function addStated(r: ForgeRef, control: Control, allowed: unknown, e: Enforcer, unstated: Hidden): void {
  if (allowed === false) addEnforcer(r, control, e);
  else if (allowed === true) addEnforcer(r, control, { ...e, off: true });
  else addHidden(r, [control], unstated);
}

/** A count the forge documents as an integer, when it is one; a string, a boolean, a list or a
 *  fraction is not an answer gitguard can read ("2" >= 2 and Number(true) would pass a rule). */
function statedCount(n: unknown): number | undefined {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

/** reviews, with the approvals the source requires; from an enforcing source, a count that is not a
 *  whole number leaves the control unknown (`unstated`), never credited. */
export function addReviews(r: ForgeRef, approvals: unknown, e: Enforcer, unstated: Hidden): void {
  const n = statedCount(approvals);
  // A source that enforces nothing (off, evaluate mode) fails the control whatever its count says.
  if (n === undefined && e.enforcement === 'active' && !e.off) addHidden(r, ['reviews'], unstated);
  else addEnforcer(r, 'reviews', { ...e, ...(n === undefined ? {} : { approvals: n }) });
}

/** A branch pattern of the policy's when the forge would not list its branches: which branches it
 *  names, and so what protects them, is not known (never "nothing to judge"). */
export function unlistedBranches(pattern: string, h: Hidden): ForgeRef {
  const r = emptyRef(pattern, 'branch', 'named by protected.refs; the forge did not list its branches');
  addHidden(
    r,
    CONTROLS.filter((c) => c !== 'tag-protection'),
    h,
  );
  r.bypassHidden.push(h);
  return r;
}

export function addBypass(r: ForgeRef, b: Bypass): void {
  if (!r.bypass.some((x) => x.source === b.source && x.actor === b.actor)) r.bypass.push(b);
}

/** The policy's branch patterns (protected.refs globs), picking the forge's branches to judge. A
 *  GitHub ruleset's own patterns are Ruby's fnmatch (domain/pattern-sets.ts githubSet). */
export const refPattern = refGlob;

/** GitLab's protected branch and tag names: an exact name, or a wildcard where `*` matches anything. */
export const gitlabPattern = wildcardGlob;

/** What the forge rules see: the forge's answer, the policy's forge section, and gitguard's CI check. */
export interface ForgeFact extends ForgeFacts {
  policy: ForgePolicy;
  /** The check name of gitguard's CI gate, when the repository has one (it must be required). */
  ciGateCheck?: string;
}

/** Host and path of a remote URL in its https, ssh or scp form (credentials dropped). */
export function parseRemote(url: string): { host: string; path: string } | undefined {
  const u = url.trim();
  const scp = /^(?:[^@/\s]+@)?([^:/\s]+):(?!\/)(.+)$/.exec(u);
  let host: string;
  let path: string;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(u)) {
    try {
      const parsed = new URL(u);
      host = parsed.hostname;
      path = decodeURIComponent(parsed.pathname);
    } catch {
      return undefined;
    }
  } else if (scp) {
    host = scp[1]!;
    path = scp[2]!;
  } else return undefined;
  path = path.replace(/^\/+|\/+$/g, '').replace(/\.git$/, '');
  if (!host || !path) return undefined;
  return { host: host.toLowerCase(), path };
}
