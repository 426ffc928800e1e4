// The judgement every forge rule shares: a control passes when an active source enforces it on
// every judged ref; it fails when it is absent, switched off, or only in evaluate/disabled mode; it
// is not-available when the token could not see what would decide it (a 403/404 is never read as
// "unprotected"). Who may bypass is judged once, by forge-admins-cannot-bypass.
import type { Facts, Finding, RuleContext, RuleEvaluation } from '../../domain/model.js';
import type { Control, ControlView, Enforcer, ForgeFact, ForgeRef, Hidden } from '../../domain/forge.js';
import { FindingList, notAvailable } from './findings.js';

export const FORGE_OFF = "run with --forge to check the forge's branch protection";

const WHAT: Record<Control, string> = {
  signatures: 'signed commits are not required',
  'force-pushes': 'force pushes are not blocked',
  deletions: 'deletion is not blocked',
  reviews: 'pull/merge request reviews are not required',
  'code-owner-reviews': 'code owner reviews are not required',
  'status-checks': 'status checks are not required',
  'tag-protection': 'tags are not protected from being moved or deleted',
};

export interface Requirement {
  approvals?: number;
  checks?: string[];
}

const active = (e: Enforcer): boolean => e.enforcement === 'active' && !e.off;
const label = (e: Enforcer): string =>
  `${e.source}${e.enforcement !== 'active' ? ` (${e.enforcement})` : e.off ? ' (off)' : ''}${e.via ? ` via ${e.via}` : ''}`;

/** The sources that together satisfy the requirement on one ref, or undefined. */
function satisfiedBy(view: ControlView, req: Requirement): Enforcer[] | undefined {
  const on = view.enforcers.filter(active);
  if (!on.length) return undefined;
  if (req.approvals !== undefined) {
    const enough = on.filter((e) => (e.approvals ?? 0) >= req.approvals!);
    return enough.length ? enough : undefined;
  }
  if (req.checks?.length) {
    const have = new Set(on.flatMap((e) => e.checks ?? []));
    return on.some((e) => e.everyCheck) || req.checks.every((c) => have.has(c)) ? on : undefined;
  }
  return on;
}

function missingDetail(view: ControlView, req: Requirement): string {
  const on = view.enforcers.filter(active);
  if (on.length && req.approvals !== undefined)
    return `requires ${Math.max(...on.map((e) => e.approvals ?? 0))} approval(s), the policy asks for ${req.approvals}`;
  if (on.length && req.checks?.length) {
    const have = new Set(on.flatMap((e) => e.checks ?? []));
    return `required checks lack ${req.checks
      .filter((c) => !have.has(c))
      .map((c) => JSON.stringify(c))
      .join(', ')}`;
  }
  const inactive = view.enforcers.filter((e) => !active(e));
  return inactive.length ? `only ${inactive.map(label).join(', ')}` : 'no rule or protection sets it';
}

const hiddenNote = (ref: string, hidden: Hidden[]): string =>
  `${ref}: ${hidden.map((h) => `${h.source} is not visible to the token (needs ${h.permission})`).join('; ')}`;

function forgeOf(facts: Facts): { ok: true; forge: ForgeFact } | { ok: false; ev: RuleEvaluation } {
  if (!facts.forge) return { ok: false, ev: notAvailable(FORGE_OFF) };
  if (!facts.forge.ok) return { ok: false, ev: notAvailable(facts.forge.reason) };
  return { ok: true, forge: facts.forge.value };
}

/** Judges one control on every judged ref of a kind. */
export function judgeControl(
  facts: Facts,
  ctx: RuleContext,
  control: Control,
  require: (f: ForgeFact) => Requirement | string = () => ({}),
): RuleEvaluation {
  const got = forgeOf(facts);
  if (!got.ok) return got.ev;
  const forge = got.forge;
  const req = require(forge);
  if (typeof req === 'string') return { outcome: 'not-applicable', note: req };
  const kind = control === 'tag-protection' ? 'tag' : 'branch';
  const refs = forge.refs.filter((r) => r.kind === kind);
  if (!refs.length)
    return {
      outcome: 'not-applicable',
      note: kind === 'tag' ? "the policy's protected.refs names no tags" : 'no branch to judge',
    };
  const found = new FindingList(ctx.findingLimit);
  const passed: string[] = [];
  const unknown: string[] = [];
  for (const r of refs) {
    const view = r.controls[control];
    const by = satisfiedBy(view, req);
    if (by) passed.push(`${r.ref}: ${by.map(label).join(', ')}`);
    else if (view.hidden.length) unknown.push(hiddenNote(r.ref, view.hidden));
    else for (const f of refFindings(forge, r, control, view, req)) found.add(f);
  }
  if (found.count) return found.evaluation('fail', unknown.length ? unknown.join('; ') : undefined);
  if (unknown.length) return notAvailable(unknown.join('; '));
  return { outcome: 'pass', note: `${forge.kind} ${forge.repo}: ${passed.join('; ')}` };
}

/** One finding per source that is there but does not do it (or "none"), so evidence.source is one source. */
function refFindings(forge: ForgeFact, r: ForgeRef, control: Control, view: ControlView, req: Requirement): Finding[] {
  const detail = missingDetail(view, req);
  const on = view.enforcers.filter(active);
  // Too few approvals or checks: the active sources fall short; otherwise the inactive ones are listed.
  const shown: Array<Enforcer | undefined> = on.length ? on : view.enforcers.length ? view.enforcers : [undefined];
  return shown.map((e) => ({
    ref: r.ref,
    message: `${r.ref} (${r.why}) on ${forge.kind} ${forge.repo}: ${WHAT[control]} (${e && !on.length ? `${label(e)}` : detail})`,
    evidence: {
      ref: r.ref,
      source: e?.source ?? 'none',
      ...(e ? { enforcement: e.off ? 'off' : e.enforcement } : {}),
      ...(e?.via ? { via: e.via } : {}),
      ...(e?.approvals !== undefined ? { approvals: e.approvals } : {}),
      ...(e?.checks ? { checks: e.checks.join(', ') } : e?.everyCheck ? { checks: 'every job' } : {}),
      forge: forge.kind,
      repository: forge.repo,
      ...(req.approvals !== undefined ? { minApprovals: req.approvals } : {}),
      ...(req.checks?.length ? { requiredChecks: req.checks.join(', ') } : {}),
    },
  }));
}

/** forge-admins-cannot-bypass: one finding per bypass (source and actor), naming the refs it opens. */
export function judgeBypass(facts: Facts, ctx: RuleContext): RuleEvaluation {
  const got = forgeOf(facts);
  if (!got.ok) return got.ev;
  const forge = got.forge;
  const groups = new Map<string, { source: string; actor: string; mode: string; refs: string[] }>();
  for (const r of forge.refs) {
    for (const b of r.bypass) {
      const key = `${b.source}\u0000${b.actor}`;
      const g = groups.get(key) ?? { ...b, refs: [] };
      g.refs.push(r.ref);
      groups.set(key, g);
    }
  }
  const found = new FindingList(ctx.findingLimit);
  for (const g of groups.values()) {
    found.add({
      ref: g.refs[0]!,
      message: `${g.actor} may bypass ${g.source} (${g.mode}) on ${g.refs.join(', ')} of ${forge.kind} ${forge.repo}`,
      evidence: {
        ref: g.refs[0]!,
        refs: g.refs.join(', '),
        source: g.source,
        actor: g.actor,
        mode: g.mode,
        forge: forge.kind,
        repository: forge.repo,
      },
    });
  }
  const unknown = forge.refs.filter((r) => r.bypassHidden.length).map((r) => hiddenNote(r.ref, r.bypassHidden));
  if (found.count) return found.evaluation('fail', unknown.length ? unknown.join('; ') : undefined);
  if (unknown.length) return notAvailable(unknown.join('; '));
  const protectedRefs = forge.refs.filter((r) => Object.values(r.controls).some((v) => v.enforcers.some(active)));
  if (!protectedRefs.length)
    return {
      outcome: 'not-applicable',
      note: `nothing on ${forge.kind} ${forge.repo} protects ${forge.refs.map((r) => r.ref).join(', ')}, so there is nothing to bypass (the other forge rules fail)`,
    };
  return {
    outcome: 'pass',
    note: `no bypass actor, admin exemption or direct push on ${protectedRefs.map((r) => r.ref).join(', ')}`,
  };
}
