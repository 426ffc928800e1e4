// The protected branches a run's CI gate must run for (domain/push-filters.ts): the branches of the
// policy's protected refs at HEAD, else the default ones (main, master, the remote's HEAD branch).
// Set by the walk before it reads a CI file; per run (AsyncLocalStorage), never left for the next.
import { runContext } from './run-context.js';
import { defaultProtectedRefs } from '../domain/ledger.js';
import type { HistoryFacts } from '../domain/model.js';

const branchesIn = new WeakMap<object, readonly string[]>();

/**
 * Sets the run's protected branches: those the policy at HEAD names (`refs/heads/x`, a glob kept as
 * written), else of the default ones (ledger.ts defaultProtectedRefs) those the repository has as a
 * branch or remote-tracking branch (`branches: [master]` runs for nothing in a repository of `main`).
 */
export function setGateBranches(policyRefs: readonly string[], history: HistoryFacts, bare: boolean): void {
  const defaults = defaultProtectedRefs(history, bare);
  const refs = history.refs;
  const heads = (list: readonly string[]): string[] =>
    list.filter((r) => r.startsWith('refs/heads/')).map((r) => r.slice('refs/heads/'.length));
  const named = heads(policyRefs);
  const has = new Set(refs.map((r) => r.name.replace(/^refs\/(?:heads|remotes\/[^/]+)\//, '')));
  const found = heads(defaults).filter((b) => has.has(b));
  branchesIn.set(runContext(), named.length ? named : found.length ? found : heads(defaults));
}

/** The run's protected branch names (a glob as written); undefined outside a walk: any name may be. */
export const gateBranches = (): readonly string[] | undefined => branchesIn.get(runContext());
