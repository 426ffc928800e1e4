import { defineRepoRule } from './define.js';
import { FindingList, notAvailable } from './lib/findings.js';
import { POLICY_FILE } from './lib/locations.js';
import { CLIENT_MIN_TOOLS } from '../domain/policy.js';
import { dbVersion } from '../vulndb/database.js';
import { compareVersions } from '../vulndb/version.js';
import { TOOL_SCHEMES } from '../vulndb/tool-versions.js';
import type { ToolVersion } from '../domain/model.js';

// client.min_versions in the policy at HEAD: every installed copy of a named tool is at least that
// version. A tool that is not installed cannot be too old; it is said in the note. A policy whose
// change had no maintainer may have lowered or dropped a minimum: what it asks can still fail a
// client, but its silence passes none.
const UNVETTED = (why = 'the policy at HEAD changed without a maintainer (policy-changes-authorized)'): string =>
  `${why}: the client.min_versions it sets are not vouched for, so no client passes by them`;

export default defineRepoRule({
  id: 'client-min-versions',
  needs: ['client', 'history', 'policy', 'policy-vetted'],
  evaluate(facts, ctx) {
    const policy = facts.policy;
    if (!policy) return notAvailable('the policy at HEAD was not collected');
    if (!policy.ok) return notAvailable(policy.reason);
    if (!policy.value) return { outcome: 'not-applicable', note: 'no .gitguard/policy.yml at HEAD' };
    const unvetted = ctx.policyVetted === false ? UNVETTED(ctx.policyVettedWhy) : undefined;
    const mins = policy.value.client?.minVersions ?? {};
    const named = CLIENT_MIN_TOOLS.filter((t) => mins[t] !== undefined);
    if (named.length === 0)
      return unvetted
        ? notAvailable(unvetted)
        : { outcome: 'not-applicable', note: 'the policy at HEAD sets no client.min_versions' };
    if (!facts.client.ok) return notAvailable(facts.client.reason);

    const found = new FindingList(ctx.findingLimit);
    const notes: string[] = [];
    let judged = 0;
    for (const tool of named) {
      const min = mins[tool] as string;
      const minComparable = dbVersion(min, TOOL_SCHEMES[tool].database);
      if (minComparable === null) return notAvailable(`client.min_versions.${tool}: "${min}" is not a version`);
      const kinds: ToolVersion['tool'][] = tool === 'ssh' ? ['ssh', 'ssh-keygen'] : [tool];
      const copies = facts.client.value.filter((t) => kinds.includes(t.tool));
      if (copies.length === 0) notes.push(`${tool}: not installed (policy asks for >= ${min})`);
      for (const t of copies) {
        const scheme = TOOL_SCHEMES[t.tool];
        if (t.notRun !== undefined) {
          notes.push(`${t.tool} ${t.program}: not run (${t.notRun})`);
          continue;
        }
        const parsed = scheme.parse(t.raw);
        if (!parsed) {
          notes.push(`${t.tool} ${t.program}: cannot read a version from "${t.raw}"`);
          continue;
        }
        judged += 1;
        const shown = scheme.display(parsed.version);
        if (compareVersions(parsed.version, minComparable) < 0) {
          found.add({
            message: `${t.tool} ${shown} (${t.program}) is older than ${min}, the minimum client.min_versions.${tool} of the policy at HEAD`,
            file: POLICY_FILE,
            evidence: { tool: t.tool, program: t.program, version: shown, minimum: min },
          });
        } else {
          notes.push(`${t.tool} ${shown} >= ${min}`);
        }
      }
    }
    const note = notes.join('; ');
    if (found.count) return found.evaluation('fail', note || undefined);
    if (unvetted) return notAvailable(note ? `${unvetted}; ${note}` : unvetted);
    if (judged === 0) return notAvailable(note);
    return { outcome: 'pass', note };
  },
});
