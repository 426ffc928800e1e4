// The audit: select rules, collect each needed fact once, stream the commits once through every
// per-commit rule, evaluate, and apply severities. Rules never run git; only collectors do.
import type { AuditReport } from '../report/types.js';
import type { FactName, Facts, Severity, Threat } from '../domain/model.js';
import { ExpectedError } from '../errors.js';
import { discoverRepository } from '../collect/repository.js';
import { inRun } from '../collect/run-context.js';
import { expectWalk } from '../collect/commit-feed.js';
import { forcedPastBase, recordJudgedTips, walkedBranches } from './ledger.js';
import type { LedgerUpdate } from '../domain/ledger.js';
import type { HistorySession, TrustOptions } from './history-session.js';
import { ciTestMerge } from './ci-test-merge.js';
import { listRules, loadRules, type CatalogEntry, type RuleListing } from './catalog.js';
import { exitCodeFor, summarise } from '../domain/verdict.js';
import { runRules, type RuleRun } from './run-rules.js';
import { finishReport, type Baseline } from './baseline.js';
import { FactStore } from './facts.js';
import type { Collected } from './fact-collectors.js';
import { IncrementalAudit } from './incremental.js';
import { CarriedReach } from './carried-reach.js';

export interface AuditRequest {
  path: string;
  rules?: string[];
  threats?: Threat[];
  failOn: Severity;
  /** Walk every ref instead of HEAD. */
  all?: boolean;
  findingLimit?: number;
  /** The environment whose user/system config is audited (tests pass a pinned one). */
  env?: NodeJS.ProcessEnv;
  /** Keys, trust root and cache for the signature rules. */
  trust?: TrustOptions;
  /** Called every so many commits during the walk (progress on a TTY). */
  onProgress?: (commits: number, total?: number) => void;
  /** Judge the repository as a server (receive.* settings, pre-receive hook) even when it is not bare. */
  server?: boolean;
  /** --git PATH: the git to run (and to judge for the client threat) instead of git on PATH. */
  gitBinary?: string;
  /** Record protected tips in .git/gitguard/ledger.json after a passing audit (default true; --no-ledger). */
  ledger?: boolean;
  /** CI: HEAD must descend from this revision; per-commit checks cover base..HEAD. */
  base?: string;
  /** Walk exactly these revisions (ids, ^id to exclude) instead of HEAD: the pre-push check. */
  revisions?: string[];
  /** Findings recorded here are reported as suppressed (see baseline.ts). */
  baseline?: { file: string; baseline: Baseline };
  /** Let an audit that looked at nothing pass (by default it exits 2). */
  allowEmpty?: boolean;
  /** secrets-not-in-history: also run the generic high-entropy detector (policy: secrets.entropy). */
  secretsEntropy?: boolean;
  /** audit --forge: read the forge's protection (the only network access gitguard makes). */
  forge?: import('../collect/forge/target.js').ForgeRequest;
}

export { VERSION } from '../version.js';
import { VERSION } from '../version.js';

/** The rules the filters select, chosen by their metadata; only their modules are loaded. */
/** The rules that judge each commit by its policy: only a walk they passed on judged the tips it covered. */
const JUDGED_BY_POLICY = ['commits-signed', 'signatures-valid', 'signers-authorized', 'policy-changes-authorized'];

function selectRules(catalog: RuleListing[], rules?: string[], threats?: Threat[]): Promise<CatalogEntry[]> {
  if (rules?.length) {
    const ids = new Set(catalog.map((c) => c.meta.id));
    const unknown = rules.filter((r) => !ids.has(r));
    if (unknown.length)
      throw new ExpectedError(`unknown rule: ${unknown.join(', ')}`, 'list them with: gitguard rules');
  }
  return loadRules(
    catalog.filter(
      (c) => (!rules?.length || rules.includes(c.meta.id)) && (!threats?.length || threats.includes(c.meta.threat)),
    ),
  );
}

/** The audit, with --git (req.gitBinary) for this run only. */
export function runAudit(req: AuditRequest): Promise<AuditReport> {
  return req.gitBinary ? inRun({ gitBinary: req.gitBinary }, () => audit(req)) : audit(req);
}

/**
 * `speculateRoot`: when nothing names the trust root and no tip has a policy folder, walk as if the
 * default root were none and check it after the walk (HistoryScope.speculateRoot); in the rare case
 * that a policy is found on a chain after all, the audit runs again from the start with the search.
 */
async function audit(
  req: AuditRequest,
  speculateRoot = true,
  rootAnswers?: ReadonlyArray<readonly [string, string]>,
): Promise<AuditReport> {
  const started = Date.now();
  const selected = await selectRules(listRules(), req.rules, req.threats);
  if (selected.length === 0)
    throw new ExpectedError('no rule matches the --rule/--threat filters', 'list them with: gitguard rules');
  const repository = await discoverRepository(req.path, { cache: req.trust?.cache !== false });
  const env = req.env ?? process.env;
  const findingLimit = req.baseline ? Number.MAX_SAFE_INTEGER : (req.findingLimit ?? 100);
  const testMerge = req.revisions ? undefined : ciTestMerge(env);
  // A topic branch's forced push took --base away from the clone: HEAD's whole history is judged instead.
  const baseGone = req.base ? await forcedPastBase(repository, req.base, env) : undefined;
  // Incremental re-audit (engine/incremental.ts): a walk of HEAD or --all, with gitguard's state in use.
  // A run whose only walk is for the answer on HEAD's policy (--threat client) resumes a checkpoint too.
  // (Not when another rule reads the walk's tags or verdicts: those the checkpoint does not hold.)
  const perCommit = selected.some((c) => c.rule.kind === 'commits');
  const needed = (n: FactName): boolean => selected.some((c) => c.rule.needs.includes(n));
  const vettingOnly = needed('policy-vetted') && !(['signatures', 'tags', 'protected-paths'] as const).some(needed);
  const incremental =
    (perCommit || vettingOnly) && req.trust?.cache !== false && !req.base && !req.revisions
      ? new IncrementalAudit({
          repository,
          selected,
          env,
          all: req.all === true,
          findingLimit,
          trust: req.trust ?? {},
          secretsEntropy: req.secretsEntropy === true,
          ...(req.gitBinary ? { gitBinary: req.gitBinary } : {}),
        })
      : undefined;
  const store = new FactStore(
    {
      repository,
      env,
      scope: {
        ...(req.all ? { all: true } : {}),
        ...(req.base && !baseGone ? { base: req.base } : {}),
        ...(baseGone ? { baseGone } : {}),
        ...(req.revisions ? { revisions: req.revisions } : {}),
        ...(testMerge ? { testMerge } : {}),
        // With --base, the checkpoint's tips still floor signing times below the range (carried-reach.ts).
        ...(incremental
          ? { resume: incremental }
          : req.base && !baseGone && req.trust?.cache !== false
            ? { resume: new CarriedReach(repository, env) }
            : {}),
        ...(speculateRoot ? { speculateRoot: true } : {}),
        ...(rootAnswers ? { rootAnswers } : {}),
      },
      // The checkpoint's secrets were scanned with its own options: only a run that matched them all reuses them.
      ...(incremental && perCommit ? { secretsResume: incremental } : {}),
      ...(req.trust ? { trust: req.trust } : {}),
      ...(req.server ? { server: true } : {}),
      ...(req.secretsEntropy ? { secretsEntropy: true } : {}),
      ...(req.forge ? { forge: req.forge } : {}),
    },
    selected,
  );
  let run: RuleRun;
  let facts: Facts;
  let session: HistorySession | undefined;
  let secrets: Collected['secrets'] | undefined;
  let rootWrong: ReadonlyArray<readonly [string, string]> | undefined;
  let walked: Set<string> | undefined;
  // The scan of a history this audit walks takes its commits from the walk (collect/commit-feed.ts),
  // whichever ends its logs first; called off once the walk is over or will not come.
  const walkOver = store.wants('walk') && store.wants('secrets') ? expectWalk() : () => undefined;
  try {
    // The secrets scan and the client's programs run beside the walk; the repository rules wait for them.
    facts = await store.facts({ deferBeside: true });
  } catch (err) {
    walkOver();
    await store.close();
    throw err;
  }
  try {
    session = store.wants('walk') ? await store.get('walk') : undefined;
    const headPolicy = await store.get('head-policy');
    const factsReady = store.ready(facts);
    factsReady.catch(() => undefined); // met by runRules once the walk is done
    run = await runRules(selected, facts, {
      factsReady,
      walkOver,
      ...(session ? { session } : {}),
      ...(headPolicy.ok && headPolicy.value ? { policy: headPolicy.value } : {}),
      findingLimit,
      ...(req.onProgress ? { onProgress: req.onProgress } : {}),
      ...incremental?.runOptions(),
    });
    secrets = store.wants('secrets') ? await store.get('secrets') : undefined;
    // The speculative root is checked when a walk judged commits under it; a run that walked nothing for
    // the answer on HEAD's policy (no policy there, or a tree a partial clone left out) judged nothing by it.
    if (session && (run.walked || !vettingOnly || perCommit) && !(await session.confirmRoot()))
      rootWrong = session.rootAnswers?.() ?? [];
    // Which protected branches the walk judged by their policies (the rules that do so ran and passed,
    // whatever --fail-on): the ledger records the others' tips too, but not as judged.
    const judged = JUDGED_BY_POLICY.every((id) =>
      run.results.some((r) => r.meta.id === id && (r.outcome === 'pass' || r.outcome === 'not-applicable')),
    );
    if (session && judged) walked = await walkedBranches(repository, facts.ledger, session.tips);
  } catch (err) {
    if (err instanceof ExpectedError)
      throw new ExpectedError(`cannot read the history of ${repository.path}: ${err.message}`, err.hint);
    throw err;
  } finally {
    walkOver();
    await store.close();
  }
  if (rootWrong) return audit(req, false, rootWrong);
  const { results } = run;
  const { history } = facts;
  // An audit of HEAD or --all says how it walked; --no-cache walks everything.
  const walk =
    incremental?.finish(run, results, session, facts) ??
    (session &&
    req.trust?.cache === false &&
    !req.base &&
    !req.revisions &&
    selected.some((c) => c.rule.kind === 'commits')
      ? { incremental: false, walked: run.commits, fromCheckpoint: 0, reason: '--no-cache' }
      : undefined);
  const commitCount = walk ? walk.walked + walk.fromCheckpoint : run.commits;
  const description = facts.scope.description;
  const secretsScope = secrets?.scope;

  const exitCode = exitCodeFor(results, req.failOn);

  const report = finishReport(
    {
      schemaVersion: 1,
      tool: { name: 'gitguard', version: VERSION },
      repository: {
        path: repository.path,
        gitDir: repository.gitDir,
        ...(repository.workTree ? { workTree: repository.workTree } : {}),
        bare: repository.bare,
        shallow: repository.shallow,
        objectFormat: repository.objectFormat,
        head: history.ok ? history.value.head : {},
      },
      // Without a commit walk, the secrets scan is what looked at the history.
      scope: session || !secretsScope ? { description, commits: commitCount } : secretsScope,
      startedAt: new Date(started).toISOString(),
      durationMs: Date.now() - started,
      failOn: req.failOn,
      results,
      summary: summarise(results),
      exitCode,
      ...(walk ? { walk } : {}),
    },
    req,
  );
  // The ledger arms whatever the client and config rules say: it records the tips once the rules that
  // judge them pass, judged before a baseline suppressed anything (a baseline must never accept a rewrite).
  const ledger: LedgerUpdate =
    req.ledger === false
      ? { updated: false, reason: '--no-ledger', cause: 'no-ledger' }
      : report.incomplete
        ? { updated: false, reason: 'nothing was audited', cause: 'nothing-audited' }
        : recordJudgedTips(repository, facts.ledger, results, req.failOn, session?.trustRoot, walked);
  report.ledger = ledger;
  return report;
}
