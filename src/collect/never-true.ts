// Whether a GitHub `if:` keeps a step or job from running for every change: false as written, false
// for the branches and events a change starts the workflow with, or a condition the workflows where the
// range starts did not carry on a gate (domain/gate-conditions.ts, collect/trusted-actions.ts).
import { constantFalse } from '../domain/push-filters.js';
import { gateBranches } from './gate-branches.js';
import { literally } from '../domain/switched-off.js';
import { trustedConditions } from './trusted-actions.js';
import { unvouchedCondition } from '../domain/gate-conditions.js';

/** An `if:` never true for a change (`events`: those that start the workflow for one), or not vouched for (gate-conditions.ts). */
export const neverTrue = (events: readonly unknown[] | undefined) => (condition: unknown) => {
  const [branches, names] = [gateBranches(), (events ?? ['push']).map(String)];
  return (
    literally(condition, false) ||
    constantFalse(condition, branches, names) ||
    unvouchedCondition(condition, trustedConditions(), branches, names)
  );
};
