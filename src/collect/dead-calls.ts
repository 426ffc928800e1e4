// The local files a workflow calls (a reusable workflow, a local action) only where no change runs
// them: in jobs that never run for a change (job-runs.ts) or after a step losing the gate
// (ci-references.ts lostReferences). ci-place.ts follows none of them.
import { resolveAlias } from './yaml-aliases.js';
import { parsedYaml } from './yaml-budget.js';
import { MAX_ALIASES, memo } from './ci-yaml-memo.js';
import { changeEvents } from '../domain/push-filters.js';
import { gateKey, gateScopeFor } from './gate-branches.js';
import { deadJobNodes, deadReferences } from './job-runs.js';
import { lostReferences } from '../domain/ci-references.js';
import { neverTrue } from './never-true.js';
import { gateSteps } from './github-gate.js';
import { fetchKey } from './vouched-fetches.js';

/**
 * The local files a workflow calls only in jobs that never run for a change (job-runs.ts) or after a
 * step losing the gate; `path`: the workflow's own (its jobs' vouched fetch lines: vouched-fetches.ts).
 */
export function deadLocalReferences(text: string, origin: string, path?: string): Promise<string[]> {
  return memo(`dead refs ${origin} ${gateKey()} ${fetchKey(path)}`, text, async () => {
    const docs = await parsedYaml(text);
    if (typeof docs === 'string') return [];
    const yaml = await import('yaml');
    const scope = await gateScopeFor([text]);
    const out: string[] = [];
    try {
      for (const doc of docs) {
        const on = resolveAlias(yaml, yaml.isMap(doc.contents) ? doc.contents.get('on', true) : undefined, doc);
        const events = changeEvents(
          yaml.isNode(on) ? on.toJS(doc, { mapAsMap: true, maxAliasCount: MAX_ALIASES }) : on,
          scope,
        );
        out.push(...deadReferences(yaml, doc, deadJobNodes(yaml, doc, neverTrue(events)), origin));
      }
      const steps = await gateSteps(text, true, path);
      if (typeof steps === 'object') out.push(...lostReferences(steps.local ?? [], origin));
    } catch {
      return [];
    }
    return out;
  });
}
