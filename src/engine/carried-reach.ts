// What a run that does not resume the checkpoint (--base, the pre-receive hook) still takes from it:
// the reach its walked tips recorded (collect/parent-times.ts), the latest committer date among a tip
// and its ancestors. A walked commit whose parent lies outside the walk (accepted history) is floored
// by its parents' whole history: read from git, ~2.2 CPU-seconds per 300,000 commits, unless it stops
// at such a tip. Nothing is left out of the walk and no verdict is assumed: only the reach, and only
// under collect/checkpoint.ts carriedReaches's conditions (sealed, same repository, objects and
// environment as then, nothing come due since).
import type { RepositoryInfo } from '../domain/model.js';
import { carriedReaches } from '../collect/checkpoint.js';
import type { Resume, Resumed, ResumePoint } from './history-session.js';

export class CarriedReach implements Resume {
  constructor(
    private readonly repo: RepositoryInfo,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  rootMemo(): Promise<undefined> {
    return Promise.resolve(undefined);
  }

  rangeMemo(): undefined {
    return undefined;
  }

  async at(at: ResumePoint): Promise<Resumed | undefined> {
    const reaches = await carriedReaches(this.repo, this.env, at.history, Date.now());
    return reaches.size
      ? { exclude: [], judged: [...reaches].map(([oid, reach]) => ({ oid, reach })), stops: true }
      : undefined;
  }
}
