// The policy's client.min_versions as a gate outside the full audit (the pre-push hook): collects
// the client versions, through the facts module, only when the policy at HEAD names minimums, and
// judges them with the client-min-versions rule through the one rule runner.
import { available, type HistoryFacts, type RepositoryInfo } from '../domain/model.js';
import type { Policy } from '../domain/policy.js';
import { escapeText } from '../domain/escape.js';
import { listRules, loadRules } from './catalog.js';
import { FactStore } from './facts.js';
import { runRules } from './run-rules.js';

export async function clientGate(
  repo: RepositoryInfo,
  history: HistoryFacts,
  policy: Policy | undefined,
  env: NodeJS.ProcessEnv,
): Promise<{ failed: boolean; lines: string[] }> {
  if (!policy?.client || Object.keys(policy.client.minVersions).length === 0) return { failed: false, lines: [] };
  const rules = await loadRules(listRules().filter((c) => c.meta.id === 'client-min-versions'));
  // Versions only: the distribution records are for the CVE rules, which the gate does not run.
  const store = new FactStore({ repository: repo, env, scope: {}, clientRecords: false }, rules, {
    given: { history: available(history), 'head-policy': available(policy) },
  });
  try {
    const { results } = await runRules(rules, await store.facts(), { policy, findingLimit: 10 });
    const r = results[0];
    if (!r || r.outcome !== 'fail' || r.severity === 'info') return { failed: false, lines: [] };
    return {
      failed: true,
      lines: [
        `gitguard: ${r.meta.id}: ${escapeText(r.meta.title, 300)}`,
        ...r.findings.map((f) => `  ${escapeText(f.message, 300)}`),
      ],
    };
  } finally {
    await store.close();
  }
}
