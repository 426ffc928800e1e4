// The policy's optional `forge:` section: what the forge rules require of the forge's branch
// protection. Kept apart from policy.ts; parsed with the same strictness (unknown keys are errors,
// every value is checked, messages name the field).
import type { ForgePolicy } from '../domain/policy.js';

const FORGE_POLICY_KEYS = ['min_approvals', 'required_status_checks', 'require_signatures'] as const;
const MAX_CHECKS = 100;

type Fail = (path: string, message: string) => never;

const describe = (v: unknown): string =>
  v === null || v === undefined
    ? 'empty'
    : typeof v === 'string'
      ? JSON.stringify(v.slice(0, 80))
      : Array.isArray(v)
        ? 'a list'
        : v instanceof Map
          ? 'a mapping'
          : typeof v === 'number'
            ? `the number ${v}`
            : typeof v === 'boolean'
              ? `${v}`
              : 'a value of another kind';

export function parseForgePolicy(v: unknown, requireSignatures: boolean, fail: Fail): ForgePolicy {
  const out: ForgePolicy = { minApprovals: 1, requiredStatusChecks: [], requireSignatures };
  if (v === null || v === undefined) return out;
  if (!(v instanceof Map))
    fail('forge', `must be a mapping (min_approvals, required_status_checks, require_signatures), not ${describe(v)}`);
  for (const k of v.keys()) {
    if (typeof k !== 'string' || !(FORGE_POLICY_KEYS as readonly string[]).includes(k))
      fail('forge', `unknown key ${describe(k)} (expected one of: ${FORGE_POLICY_KEYS.join(', ')})`);
  }
  if (v.has('min_approvals')) {
    const n = v.get('min_approvals');
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 10)
      fail('forge.min_approvals', `must be a whole number from 0 to 10 (GitHub's maximum), not ${describe(n)}`);
    out.minApprovals = n;
  }
  if (v.has('required_status_checks')) {
    const l = v.get('required_status_checks');
    if (!Array.isArray(l)) fail('forge.required_status_checks', `must be a list of check names, not ${describe(l)}`);
    if (l.length > MAX_CHECKS) fail('forge.required_status_checks', `more than ${MAX_CHECKS} entries`);
    l.forEach((c, i) => {
      const p = `forge.required_status_checks[${i}]`;
      if (typeof c !== 'string' || c.trim() === '') fail(p, `must be a check name, not ${describe(c)}`);
      if (/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(c) || c.length > 255)
        fail(p, 'must be one line of at most 255 characters');
      if (!out.requiredStatusChecks.includes(c.trim())) out.requiredStatusChecks.push(c.trim());
    });
  }
  if (v.has('require_signatures')) {
    const b = v.get('require_signatures');
    if (typeof b !== 'boolean') fail('forge.require_signatures', `must be true or false, not ${describe(b)}`);
    out.requireSignatures = b;
  }
  return out;
}
