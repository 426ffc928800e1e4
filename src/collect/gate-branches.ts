// What a change to a protected branch is, for whether a CI file runs for one (domain/push-filters.ts):
// the branches of the policy's protected refs at HEAD, else the default ones (main, master, the
// remote's HEAD branch), and the files the tip holds (a `paths:` filter runs for a change to one of
// them). Set by the walk before it reads a CI file; per run (AsyncLocalStorage), never left for the next.
import { runContext } from './run-context.js';
import { runGit } from './git.js';
import { defaultProtectedRefs } from '../domain/ledger.js';
import type { HistoryFacts } from '../domain/model.js';
import type { GateScope } from '../domain/push-filters.js';

const scopeIn = new WeakMap<object, GateScope & { key: string }>();

/** The tip's file names read at most (a larger tree: `paths:` filters are not read, they run). */
const MAX_NAMES_BYTES = 32 * 1024 * 1024;

/**
 * Sets the run's gate scope. Branches: those the policy at HEAD names (`refs/heads/x`, a glob kept as
 * written), else of the default ones (ledger.ts defaultProtectedRefs) those the repository has as a
 * branch or remote-tracking branch (`branches: [master]` runs for nothing in a repository of `main`).
 * Files: the tip's (`git ls-tree -r`), undefined where git cannot list them within MAX_NAMES_BYTES.
 */
export async function setGateScope(
  policyRefs: readonly string[],
  history: HistoryFacts,
  bare: boolean,
  gitDir: string,
  tip: string | undefined,
): Promise<void> {
  const defaults = defaultProtectedRefs(history, bare);
  const heads = (list: readonly string[]): string[] =>
    list.filter((r) => r.startsWith('refs/heads/')).map((r) => r.slice('refs/heads/'.length));
  const named = heads(policyRefs);
  const has = new Set(history.refs.map((r) => r.name.replace(/^refs\/(?:heads|remotes\/[^/]+)\//, '')));
  const found = heads(defaults).filter((b) => has.has(b));
  const branches = named.length ? named : found.length ? found : heads(defaults);
  let files: string[] | undefined;
  try {
    const args = ['ls-tree', '-r', '-z', '--name-only', '--end-of-options', tip ?? ''];
    const out = tip ? await runGit(args, { gitDir, maxBytes: MAX_NAMES_BYTES, timeoutMs: 120_000 }) : undefined;
    if (out?.code === 0) files = out.stdout.toString('utf8').split('\0').filter(Boolean);
  } catch {
    files = undefined; // past the bound or a git failure: `paths:` filters run
  }
  const key = `${branches.join('\0')}\n${files?.length ?? '-'}`;
  scopeIn.set(runContext(), { branches, ...(files ? { files } : {}), key });
}

/** The run's gate scope; outside a walk none is known: any branch and file may be. */
export const gateScope = (): GateScope => scopeIn.get(runContext()) ?? {};

/** The run's protected branch names (a glob as written); undefined outside a walk. */
export const gateBranches = (): readonly string[] | undefined => gateScope().branches;

/** The run's gate scope as part of a memo key. */
export const gateKey = (): string => scopeIn.get(runContext())?.key ?? '';
