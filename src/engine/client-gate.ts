// The policy's client.min_versions as a gate outside the full audit (the pre-push hook): collects
// the client versions only when the policy at HEAD names minimums, and judges them with the
// client-min-versions rule.
import { available, unavailable, type Facts, type HistoryFacts, type RepositoryInfo } from '../domain/model.js';
import type { Policy } from '../domain/policy.js';
import { collectClient } from '../collect/client.js';
import { escapeText } from '../domain/escape.js';
import clientMinVersions from '../rules/client-min-versions.js';
import { loadCatalog } from './audit.js';
import { vulnerabilityDatabase } from './rule-data.js';
import { bareFacts } from './facts.js';
import { effectiveSeverity } from '../domain/verdict.js';

export async function clientGate(repo: RepositoryInfo, history: HistoryFacts, policy: Policy | undefined, env: NodeJS.ProcessEnv): Promise<{ failed: boolean; lines: string[] }> {
  if (!policy?.client || Object.keys(policy.client.minVersions).length === 0) return { failed: false, lines: [] };
  const meta = loadCatalog().find((c) => c.meta.id === clientMinVersions.id)?.meta;
  if (!meta || clientMinVersions.kind !== 'repo') return { failed: false, lines: [] };
  let client: Facts['client'];
  try {
    client = available(await collectClient({ repository: repo, env, records: false }));
  } catch (err) {
    client = unavailable((err as Error).message);
  }
  const facts: Facts = { ...bareFacts(repo), history: available(history), client, scope: { description: 'HEAD', revisions: [] }, policy: available(policy) };
  const ev = clientMinVersions.evaluate(facts, { meta, findingLimit: 10, data: { vulnerabilities: vulnerabilityDatabase } });
  if (ev.outcome !== 'fail') return { failed: false, lines: [] };
  const sev = effectiveSeverity(meta, ev, policy.severity);
  if (sev === 'info') return { failed: false, lines: [] };
  return { failed: true, lines: [`gitguard: ${meta.id}: ${escapeText(meta.title, 300)}`, ...(ev.findings ?? []).map((f) => `  ${escapeText(f.message, 300)}`)] };
}
