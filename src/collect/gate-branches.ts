// What a change to a protected branch is, for whether a CI file runs for one (domain/push-filters.ts):
// the branches of the policy's protected refs at HEAD, else the default ones (main, master, the
// remote's HEAD branch), and the files the tip holds (a `paths:` filter runs for a change to one of
// them). Set by the walk before it reads a CI file; per run (AsyncLocalStorage), never left for the next.
import { runContext } from './run-context.js';
import { trustedKey } from './trusted-actions.js';
import { packagesKey } from './commit-packages.js';
import { sharedListing } from './tip-listing.js';
import { defaultProtectedRefs } from '../domain/ledger.js';
import type { HistoryFacts } from '../domain/model.js';
import type { GateScope } from '../domain/push-filters.js';

const scopeIn = new WeakMap<
  object,
  { branches: readonly string[]; listFiles: () => Promise<string[] | undefined>; key: string }
>();

/**
 * Sets the run's gate scope. Branches: those the policy at HEAD names (`refs/heads/x`, a glob kept as
 * written), else of the default ones (ledger.ts defaultProtectedRefs) those the repository has as a
 * branch or remote-tracking branch (`branches: [master]` runs for nothing in a repository of `main`).
 * Files: the tip's (`git ls-tree -r`, shared with the nested attributes' reader: tip-listing.ts),
 * undefined where git cannot list them within its bound.
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
  // The tip's files are listed only for a CI text with a `paths:`/`changes:` filter (most runs have
  // none: one git process fewer per audit), once per run.
  let files: Promise<string[] | undefined> | undefined;
  const listFiles = (): Promise<string[] | undefined> => (files ??= tipFiles(gitDir, tip));
  scopeIn.set(runContext(), { branches, listFiles, key: `${branches.join('\0')}\n${tip ?? '-'}` });
}

/** The tip's file names (tip-listing.ts); undefined past its bound or where git fails (`paths:` filters then run). */
async function tipFiles(gitDir: string, tip: string | undefined): Promise<string[] | undefined> {
  return tip ? (await sharedListing(gitDir, tip)).names : undefined;
}

/** A filter key that reads the tip's files: GitHub's `paths:`/`paths-ignore:`, GitLab's `changes:`. */
const FILE_FILTER = /\b(?:paths|paths-ignore|changes)\s*:/;

/** The run's gate scope, with the tip's files where one of `texts` may filter by path. */
export async function gateScopeFor(texts: readonly string[]): Promise<GateScope> {
  const scope = scopeIn.get(runContext());
  if (!scope) return {};
  const files = texts.some((t) => FILE_FILTER.test(t)) ? await scope.listFiles() : undefined;
  return { branches: scope.branches, ...(files ? { files } : {}) };
}

/** The run's protected branch names (a glob as written); undefined outside a walk. */
export const gateBranches = (): readonly string[] | undefined => scopeIn.get(runContext())?.branches;

/** The run's gate scope as part of a memo key. */
export const gateKey = (): string => `${scopeIn.get(runContext())?.key ?? ''}\n${trustedKey()}\n${packagesKey()}`;
