// `gitguard verify`: the signature engine of `gitguard audit`, one judgement per commit, streamed.
import type { Judgement } from '../domain/judgement.js';
import { judge, policyChangeAuthorized } from '../domain/judgement.js';
import { judgeMergetags, type MergetagJudgement } from '../rules/lib/mergetags.js';
import { discoverRepository } from '../collect/repository.js';
import { collectHistory } from '../collect/refs.js';
import { createShadow } from '../collect/git.js';
import { ObjectReader } from '../collect/objects.js';
import type { TrustedCommit } from '../domain/trust.js';
import { openHistory } from './history.js';
import type { TrustOptions } from './history-session.js';

export interface VerifyRequest {
  path: string;
  range?: string;
  all?: boolean;
  trust: TrustOptions;
}

export interface VerifyLine {
  commit: TrustedCommit;
  judgement: Judgement;
  /** The signed tags a merge embeds ("mergetag" headers), judged; absent when it has none. */
  mergetags?: MergetagJudgement[];
  /** Set when the commit changes .gitguard/: whether a maintainer of a parent's policy signed it. */
  policyChange?: 'authorized' | 'unauthorized';
}

function line(commit: TrustedCommit): VerifyLine {
  const judgement = judge(commit);
  const out: VerifyLine = { commit, judgement };
  if (commit.trust.mergetags?.length) out.mergetags = judgeMergetags(commit);
  if (commit.trust.policyChanged && !commit.trust.trustRoot)
    out.policyChange = policyChangeAuthorized(commit) ? 'authorized' : 'unauthorized';
  return out;
}

/** The judgements in order, a batch at a time. */
export async function* verifyCommits(req: VerifyRequest): AsyncGenerator<VerifyLine[]> {
  const repo = await discoverRepository(req.path, { cache: req.trust.cache !== false });
  // One cat-file for the refs' types and the walk's reads.
  const shadow = createShadow(repo.commonDir, repo.objectFormat);
  const reader = new ObjectReader(shadow);
  try {
    const history = await collectHistory(repo, reader);
    const session = await openHistory(
      repo,
      history,
      { all: req.all, range: req.range },
      true,
      req.trust,
      false,
      reader,
    );
    try {
      for await (const batch of session.batches()) {
        yield (batch as TrustedCommit[]).map(line);
      }
    } finally {
      session.close();
    }
  } finally {
    reader.close();
    shadow.dispose();
  }
}
