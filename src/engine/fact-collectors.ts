// The collector registry: one entry per fact, naming the rule needs that call for it (`wantedBy`), the
// facts it reads (`needs`, collected first; `uses`: read only when something else wants them anyway),
// and how to collect it. src/engine/facts.ts collects each wanted fact once per run, in this order.
// Adding a fact: a line in `Collected` (fact-run.ts), an entry below, and its module in src/collect/.
import { available, unavailable, type Available, type HistoryFacts } from '../domain/model.js';
import type { Policy } from '../domain/policy.js';
import { ExpectedError, firstLine, ShallowHistoryError } from '../errors.js';
import { attempt } from './attempt.js';
import { collectConfig, otherWorktreesConfig } from '../collect/config.js';
import { MissingObjectError } from '../collect/missing-object.js';
import { collectHistory } from '../collect/refs.js';
import { workTreeHookPaths } from '../collect/hooks.js';
import { withHookManagers } from '../collect/hook-managers.js';
import { collectClient } from '../collect/client.js';
import { collectHeadPolicy } from '../collect/head-policy.js';
import { collectSecurityPolicy } from '../collect/security-policy.js';
import { collectCommitGraphs } from '../collect/commit-graph.js';
import { remoteUrls } from '../domain/remote-urls.js';
import { parseForgePolicy } from '../collect/policy-forge.js';
import { FORGE_OFF } from '../rules/lib/forge.js';
import { collectLedger } from './ledger.js';
import { openHistory } from './history.js';
import { publishedTags } from './published-tags.js';
import { announceCommitFeed } from '../collect/commit-feed.js';
import type { CollectedName, Collector, FactRun } from './fact-run.js';

/** The history, or why a fact that reads it is not available. */
async function withHistory<T>(run: FactRun, fn: (history: HistoryFacts) => Promise<T> | T): Promise<Available<T>> {
  const history = await run.get('history');
  return history.ok ? attempt(() => fn(history.value)) : unavailable(`history unavailable: ${history.reason}`);
}

/** The policy at HEAD for a collector that needs it: its read error is that fact's error. */
async function headPolicyValue(run: FactRun): Promise<Policy | undefined> {
  const p = await run.get('head-policy');
  if (!p.ok) throw new Error(p.reason);
  return p.value;
}

/** The walk carries policies and verdicts when a rule judges signatures, protected paths or tags. */
const trustedWalk = (run: Pick<FactRun, 'ruleNeeds'>): boolean =>
  (['signatures', 'protected-paths', 'tags', 'policy-vetted'] as const).some((n) => run.ruleNeeds(n));

/** A shallow clone's boundary becomes "no walk"; anything else (a bad option too) still stops the run. */
function shallowOrThrow(err: unknown): undefined {
  // A shallow clone, or a partial clone that left out a tree the walk reads (--filter=tree:0).
  if (err instanceof ShallowHistoryError || err instanceof MissingObjectError) return undefined;
  throw err;
}

/** Whether the walk is wanted only for the answer on HEAD's policy: one that cannot be done leaves it unknown. */
const vettingOnly = (run: Pick<FactRun, 'ruleNeeds'>): boolean =>
  run.ruleNeeds('policy-vetted') &&
  !(['commits', 'signatures', 'protected-paths', 'tags'] as const).some((n) => run.ruleNeeds(n));

export const COLLECTORS: { [K in CollectedName]: Collector<K> } = {
  config: {
    field: 'config',
    wantedBy: ['config'],
    needs: [],
    collect: (run) => attempt(() => collectConfig(run.req.repository, run.req.env)),
  },
  'worktree-config': {
    field: 'worktreeConfig',
    wantedBy: ['worktree-config'],
    needs: ['config'],
    collect: (run) => attempt(async () => otherWorktreesConfig(run.req, await run.get('config'))),
  },
  history: {
    field: 'history',
    wantedBy: ['history', 'commits'],
    needs: [],
    collect: (run) => attempt(() => collectHistory(run.req.repository, run.objects())),
  },
  hooks: {
    field: 'hooks',
    wantedBy: ['hooks'],
    needs: ['config'],
    async collect(run) {
      const config = await run.get('config');
      return config.ok
        ? attempt(() => withHookManagers(run.req.repository, config.value, run.req.env))
        : unavailable(`config unavailable: ${config.reason}`);
    },
  },
  client: {
    field: 'client',
    wantedBy: ['client'],
    beside: true,
    // The global/system gpg.program and gpg.ssh.program are judged too: from the config read once for every rule.
    needs: ['config'],
    async collect(run) {
      const config = await run.get('config');
      return attempt(() =>
        collectClient({
          repository: run.req.repository,
          env: run.req.env,
          ...(config.ok ? { config: config.value } : {}),
          ...(run.req.clientRecords === false ? { records: false } : {}),
        }),
      );
    },
  },
  walk: {
    wantedBy: ['commits', 'tags', 'signatures', 'policy-vetted'],
    needs: ['history'],
    uses: ['config'],
    async collect(run) {
      const history = await run.get('history');
      // The work tree's paths git takes hooks from are protected like .githooks/ (a config git cannot read leaves none).
      const watch = run.ruleNeeds('protected-paths');
      const config = watch && run.wants('config') ? await run.get('config') : undefined;
      const hookPaths = config?.ok ? workTreeHookPaths(run.req.repository, config.value, run.req.env) : [];
      const { scope } = run.req;
      // Refs git cannot list (a packed ref git calls dangerous, say) leave no scope to walk: the
      // per-commit rules would pass as "no commits in scope" over a history nobody read.
      if (!history.ok)
        throw new ExpectedError(
          `cannot list the refs to walk: ${history.reason}`,
          'git fsck and git for-each-ref name the broken ref: repair or delete it (in .git/packed-refs or under .git/refs), then run again',
        );
      // Exact revisions that publish nothing (a push that only deletes): nothing to walk.
      if (scope.revisions && !scope.revisions.some((r) => !r.startsWith('^'))) return undefined;
      const open = openHistory(
        run.req.repository,
        history.value,
        scope,
        trustedWalk(run),
        { ...run.req.trust, env: run.req.env, now: run.now },
        watch,
        run.objects(),
        hookPaths,
      );
      // A run of rules that only ask whether HEAD's policy is vouched for (client-min-versions) is not
      // stopped by a history it cannot walk (a shallow or treeless clone): the answer is "not vouched for" (run-rules.ts).
      return vettingOnly(run) ? open.catch((err: unknown) => shallowOrThrow(err)) : open;
    },
  },
  'head-policy': {
    wantedBy: ['always'],
    needs: ['history'],
    uses: ['walk'],
    async collect(run) {
      // Read by the walk when it judges signatures (an unreadable policy ends the run there), else here.
      const walk = run.wants('walk') ? await run.get('walk') : undefined;
      return withHistory(run, (history) =>
        walk && trustedWalk(run) && walk.revisions.length > 0 && history.head.oid
          ? walk.headPolicy
          : collectHeadPolicy(run.req.repository, history, run.objects()),
      );
    },
  },
  policy: {
    field: 'policy',
    wantedBy: ['policy'],
    needs: ['head-policy'],
    collect: (run) => run.get('head-policy'),
  },
  tags: {
    field: 'tags',
    wantedBy: ['tags'],
    needs: ['walk'],
    async collect(run) {
      const walk = await run.get('walk');
      return walk ? attempt(() => walk.tags()) : unavailable('refs could not be read');
    },
  },
  ledger: {
    field: 'ledger',
    wantedBy: ['ledger'],
    // Protected refs against the ledger: the policy at HEAD names them (or the defaults do).
    needs: ['history', 'head-policy'],
    uses: ['walk'],
    async collect(run) {
      const walk = run.wants('walk') ? await run.get('walk') : undefined;
      return withHistory(run, async (history) =>
        collectLedger(
          run.req.repository,
          history,
          await headPolicyValue(run),
          run.req.scope.base,
          walk?.trustRootInfo ?? run.req.trust?.trustRoot,
          run.req.env,
          run.req.scope.baseGone,
          // The run's reader, when it sees just the repository's objects, as the ledger's git does.
          run.req.scope.objectDirs?.length ? undefined : run.objects(),
        ),
      );
    },
  },
  secrets: {
    field: 'secrets',
    toFact: (s) => s.fact,
    wantedBy: ['secrets'],
    beside: true,
    // What the commits in scope added. The trust root does not narrow it (a credential committed
    // before it is leaked all the same), so the scope is HEAD, --all, --base or the pushed range.
    needs: ['history'],
    uses: ['walk', 'head-policy'],
    async collect(run) {
      // Before any walk reads: a walk of the same list waits to give the scan its commits (commit-feed.ts).
      const commitFeed = announceCommitFeed();
      let scope: { description: string; commits: number } | undefined;
      const fact = await withHistory(run, async (history) => {
        // An incremental re-audit decides what it leaves out when the walk opens: wait for that.
        const resume = run.req.secretsResume;
        if (resume && run.wants('walk')) await run.get('walk');
        const { resume: _walkResume, ...scopeOnly } = run.req.scope;
        const walk = await openHistory(run.req.repository, history, scopeOnly, false);
        walk.close();
        // git starts reading at once; the policy at HEAD settles the entropy option later.
        const entropy =
          run.req.secretsEntropy === true ||
          run.get('head-policy').then((p) => p.ok && p.value?.secrets?.entropy === true);
        // An unreadable policy is met where head-policy is awaited: a scan stopped before it asks
        // left this one unhandled, and node printed its stack and exited 1 after gitguard's own line.
        if (entropy !== true) entropy.catch(() => undefined);
        // Loaded here, not with this module: runs without the secrets rule never scan, and its
        // modules and RE2 engine cost every such process ~20 ms to load.
        const [{ scanSecrets }, { markVendored }] = await Promise.all([
          import('../collect/secrets/scan.js'),
          import('../collect/secrets/secret-formats.js'),
        ]);
        // Notes and a stash's WIP, which the walk leaves out, and the refs' names: a push publishes them.
        const [revisions, carried] = resume ? resume.secretsRevisions(walk.revisions) : [walk.revisions, []];
        const fresh = await scanSecrets(run.req.repository, [...revisions, ...(walk.unwalked ?? [])], {
          entropy,
          signal: run.signal,
          tags: await publishedTags(run.req.scope, history, walk.tips, run.objects()),
          ...(run.req.scope.all ? { refs: history.refs } : run.req.scope.refs ? { refs: run.req.scope.refs } : {}),
          // A push in pre-receive quarantine: its objects are not in the repository yet.
          ...(run.req.scope.objectDirs?.length ? { objectDirs: run.req.scope.objectDirs } : {}),
          commitFeed,
          carried,
        });
        const scanned = resume ? resume.mergeSecrets(fresh) : fresh;
        markVendored(scanned.leaks);
        scope = { description: walk.description, commits: scanned.commits };
        return scanned;
      }).finally(() => commitFeed.close());
      return { fact, ...(scope ? { scope } : {}) };
    },
  },
  'security-policy': {
    field: 'securityPolicy',
    wantedBy: ['security-policy'],
    needs: ['history'],
    collect: (run) => withHistory(run, (history) => collectSecurityPolicy(run.objects(), history, run.req.env)),
  },
  'commit-graph': {
    field: 'commitGraph',
    wantedBy: ['commit-graph'],
    // git's own verify reads every commit of the graph: its own process, on the other core.
    beside: true,
    needs: [],
    collect: (run) =>
      attempt(() => collectCommitGraphs(run.req.repository, run.req.trust?.cache === false ? undefined : run.req.env)),
  },
  forge: {
    field: 'forge',
    wantedBy: ['forge'],
    needs: ['history', 'head-policy', 'config'],
    async collect(run) {
      // Without --forge the forge rules are not-available and nothing is read from the network; with
      // it, a forge that cannot be read ends the audit (exit 2) rather than passing silently.
      const req = run.req.forge;
      if (!req) return unavailable(FORGE_OFF);
      const history = await run.get('history');
      let policy: Policy | undefined;
      try {
        policy = history.ok ? await headPolicyValue(run) : undefined;
      } catch (err) {
        return unavailable(`the policy at HEAD cannot be read: ${firstLine((err as Error).message)}`);
      }
      const { repository, env } = run.req;
      const head = history.ok ? history.value.head.oid : undefined;
      // The URL `git fetch origin` reads (`git remote get-url origin`: insteadOf applied).
      const config = await run.get('config');
      const origin = config.ok ? remoteUrls(config.value).get('origin')?.fetch[0] : undefined;
      const { collectForge } = await import('../collect/forge/index.js');
      const forge = await collectForge(req, env, origin || undefined, policy?.protected.refs ?? []);
      // gitguard's own CI job must be among the required checks (GitLab requires the whole pipeline).
      const ciGateCheck =
        forge.kind === 'github'
          ? await (
              await import('../collect/forge/ci-gate.js')
            )
              .gitguardCheckName(repository, head)
              .catch(() => undefined)
          : undefined;
      return available({
        ...forge,
        policy:
          policy?.forge ?? parseForgePolicy(undefined, policy?.requireSignatures ?? true, () => undefined as never),
        ...(ciGateCheck ? { ciGateCheck } : {}),
      });
    },
  },
};
