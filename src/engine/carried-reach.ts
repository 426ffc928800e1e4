// What a run that does not resume the checkpoint (--base, the pre-receive hook) still takes from it,
// under collect/checkpoint.ts carriedCheckpoint's conditions (sealed, same repository, objects and
// environment as then, nothing come due since), each a fact about commits that their ids fix:
//   - the reach its walked tips recorded (collect/parent-times.ts), the latest committer date among a
//     tip and its ancestors. A walked commit whose parent lies outside the walk (accepted history) is
//     floored by its parents' whole history: read from git, ~2.2 CPU-seconds per 300,000 commits,
//     unless it stops at such a tip;
//   - the default trust root's answers by tip (firstPolicy), used for a tip of this run only when a
//     recorded tip lies on its first-parent chain (collect/trust-root.ts): the search of the whole
//     history (~12 CPU-seconds at a million commits) then reads only the commits after that tip. A
//     checkpoint of a history rewritten since has no tip on the new chains, and answers nothing.
//   - a tip its trust-root-in-history found descending from its trust root (rootBelow): an ancestry
//     question about that root asks first whether the tip asked about descends from it (collect/ancestry.ts).
// Nothing is left out of the walk and no verdict is assumed.
import type { HistoryFacts, RepositoryInfo } from '../domain/model.js';
import {
  carriedCheckpoint,
  firstPolicyAnswers,
  rootBelowOf,
  tipReaches,
  type Checkpoint,
} from '../collect/checkpoint.js';
import type { FirstPolicyMemo } from '../collect/trust-root.js';
import type { Resume, Resumed, ResumePoint } from './history-session.js';

export class CarriedReach implements Resume {
  private checkpoint: Promise<Checkpoint | undefined> | undefined;

  constructor(
    private readonly repo: RepositoryInfo,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  /** The checkpoint, checked once per run (its object files are hashed again when they moved). */
  private carried(history: HistoryFacts): Promise<Checkpoint | undefined> {
    this.checkpoint ??= carriedCheckpoint(this.repo, this.env, history, Date.now());
    return this.checkpoint;
  }

  async rootMemo(history: HistoryFacts): Promise<FirstPolicyMemo | undefined> {
    const cp = await this.carried(history);
    const known = firstPolicyAnswers(cp);
    const below = rootBelowOf(cp);
    return known.length || below.rootBelow ? { known, found: new Map(), ...below } : undefined;
  }

  rangeMemo(): undefined {
    return undefined;
  }

  async at(at: ResumePoint): Promise<Resumed | undefined> {
    const reaches = tipReaches(await this.carried(at.history));
    return reaches.size
      ? { exclude: [], judged: [...reaches].map(([oid, reach]) => ({ oid, reach })), stops: true }
      : undefined;
  }
}
