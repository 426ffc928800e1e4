// What an incremental re-audit (incremental.ts) keys its checkpoint by besides the commits: the
// options that change what a per-commit rule reports or whether a tip's policy passes on, the
// .gitguard tree at the tip, and the time a verdict on a commit changes by the clock alone.
import { createHash } from 'node:crypto';
import type { CommitFacts, RepositoryInfo } from '../domain/model.js';
import { POLICY_DIR, type TrustedCommit, type Verification } from '../domain/trust.js';
import { dataDirHash, userFilesHash } from '../collect/checkpoint.js';
import { runGit, type Shadow } from '../collect/git.js';
import { maxObjectBytes } from '../collect/objects.js';
import { DATE_TOLERANCE_S } from '../rules/commit-dates-plausible.js';
import { VERSION } from '../version.js';
import { RULES_DIR, type CatalogEntry } from './catalog.js';
import type { TrustOptions } from './history-session.js';

export interface IncrementalRequest {
  repository: RepositoryInfo;
  selected: readonly CatalogEntry[];
  env: NodeJS.ProcessEnv;
  all: boolean;
  findingLimit: number;
  trust: TrustOptions;
  secretsEntropy: boolean;
  gitBinary?: string;
}

/** Everything besides the commits that changes whether a tip's policy may judge its children (CheckpointTip.policyOk). */
export function vettingFields(r: IncrementalRequest): Record<string, unknown> {
  return {
    version: VERSION,
    all: r.all,
    trustRoot: r.trust.trustRoot ?? null,
    keyrings: userFilesHash(r.trust.keyrings ?? []),
    allowedSigners: userFilesHash(r.trust.allowedSigners ?? []),
    revokedKeys: userFilesHash(r.trust.revokedKeys ?? []),
    data: dataDirHash(RULES_DIR),
    git: r.gitBinary ?? null,
    // An object over the limit ends a walk: a lower limit must meet the old commits again.
    maxObjectBytes: maxObjectBytes(),
  };
}

export const hashOf = (key: unknown): string => createHash('sha256').update(JSON.stringify(key)).digest('hex');

/** Everything besides the commits that changes what a per-commit rule reports. */
export function optionsKey(r: IncrementalRequest): string {
  return hashOf({
    ...vettingFields(r),
    rules: r.selected.map((c) => c.meta.id).sort(),
    findingLimit: r.findingLimit,
    secretsEntropy: r.secretsEntropy,
  });
}

/** The earliest time a verdict on this commit reads differently by the clock alone (unix seconds), if any. */
export function clockLimit(c: CommitFacts, nowS: number): number | undefined {
  let limit: number | undefined;
  const consider = (t: number | undefined): void => {
    if (t !== undefined && t > nowS && (limit === undefined || t < limit)) limit = t;
  };
  // A future-dated commit stops being reported once it is no longer DATE_TOLERANCE_S ahead.
  consider(c.committer.time - DATE_TOLERANCE_S);
  const t = (c as Partial<TrustedCommit>).trust;
  const verdicts = (list: readonly Verification[]): void => {
    for (const v of list) {
      consider(v.verdict.keyExpiresAt);
      consider(v.verdict.signatureExpiresAt);
      consider(v.verdict.bindingExpiresAt);
      consider(v.verdict.keyFactsChangeAt);
    }
  };
  // Every commit passes here: no arrays built for the common case (one verdict, no mergetag).
  if (t) verdicts(t.verifications);
  for (const m of t?.mergetags ?? []) verdicts(m.verifications);
  return limit;
}

/** The .gitguard tree id at a commit ('' when it has none). */
export async function policyTree(shadow: Shadow, commit: string): Promise<string> {
  const r = await runGit(['rev-parse', '--verify', '--quiet', '--end-of-options', `${commit}:${POLICY_DIR}^{tree}`], {
    gitDir: shadow.gitDir,
    okCodes: [1, 128],
    timeoutMs: 30_000,
  });
  return r.code === 0 ? r.stdout.toString('utf8').trim() : '';
}
