// The audit: select rules, collect each needed fact once, stream the commits once through every
// per-commit rule, evaluate, and apply severities. Rules never run git; only collectors do.
import type { AuditReport } from '../report/types.js';
import {
  available,
  unavailable,
  type Available,
  type Facts,
  type FactName,
  type Severity,
  type Threat,
} from '../domain/model.js';
import { ExpectedError, firstLine } from '../errors.js';
import { discoverRepository } from '../collect/repository.js';
import { collectConfig } from '../collect/config.js';
import { collectHistory } from '../collect/refs.js';
import { collectHooks } from '../collect/hooks.js';
import { collectClient } from '../collect/client.js';
import { setGitBinary } from '../collect/git.js';
import { collectHeadPolicy } from '../collect/head-policy.js';
import { collectLedger, recordJudgedTips } from './ledger.js';
import type { LedgerUpdate } from '../domain/ledger.js';
import { openHistory, type TrustOptions } from './history.js';
import { joinCatalog, loadRuleMeta, type CatalogEntry } from './catalog.js';
import { registry } from '../rules/index.js';
import { exitCodeFor, summarise } from '../domain/verdict.js';
import { runRules, type RuleRun } from './run-rules.js';
import { finishReport, type Baseline } from './baseline.js';
import { scanSecrets } from '../collect/secrets/scan.js';
import type { SecretsFacts } from '../domain/content.js';
import { collectSecurityPolicy } from '../collect/security-policy.js';
import { runGit } from '../collect/git.js';
import type { Policy } from '../domain/policy.js';
import { parseForgePolicy } from '../collect/policy-forge.js';
import { FORGE_OFF } from '../rules/lib/forge.js';

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

export function loadCatalog(): CatalogEntry[] {
  return joinCatalog(loadRuleMeta(), registry);
}

export function selectRules(catalog: CatalogEntry[], rules?: string[], threats?: Threat[]): CatalogEntry[] {
  if (rules?.length) {
    const ids = new Set(catalog.map((c) => c.meta.id));
    const unknown = rules.filter((r) => !ids.has(r));
    if (unknown.length) throw new ExpectedError(`unknown rule: ${unknown.join(', ')}`, 'list them with: gitguard rules');
  }
  return catalog.filter((c) => (!rules?.length || rules.includes(c.meta.id)) && (!threats?.length || threats.includes(c.meta.threat)));
}

async function attempt<T>(fn: () => Promise<T> | T): Promise<Available<T>> {
  try {
    return available(await fn());
  } catch (err) {
    return unavailable(firstLine((err as Error).message));
  }
}

function platform(): Facts['platform'] {
  switch (process.platform) {
    case 'linux': return 'linux';
    case 'win32': return 'windows';
    case 'darwin': return 'macos';
    default: return 'other';
  }
}

/** Without --forge the forge rules are not-available and nothing is read from the network; with it,
 *  a forge that cannot be read ends the audit (exit 2) rather than passing silently. */
async function forgeFact(req: AuditRequest, repository: Facts['repository'], head: string | undefined, env: NodeJS.ProcessEnv, headPolicy: () => Promise<Policy | undefined> | Policy | undefined): Promise<Facts['forge']> {
  if (!req.forge) return unavailable(FORGE_OFF);
  let policy: Policy | undefined;
  try {
    policy = await headPolicy();
  } catch (err) {
    return unavailable(`the policy at HEAD cannot be read: ${firstLine((err as Error).message)}`);
  }
  const origin = (await runGit(['config', '--get', 'remote.origin.url'], { gitDir: repository.gitDir, okCodes: [1], timeoutMs: 30_000 })).stdout.toString('utf8').trim();
  const { collectForge } = await import('../collect/forge/index.js');
  const forge = await collectForge(req.forge, env, origin || undefined, policy?.protected.refs ?? []);
  // gitguard's own CI job must be among the required checks (GitLab requires the whole pipeline).
  const ciGateCheck = forge.kind === 'github' ? await (await import('../collect/forge/ci-gate.js')).gitguardCheckName(repository, head).catch(() => undefined) : undefined;
  return available({ ...forge, policy: policy?.forge ?? parseForgePolicy(undefined, policy?.requireSignatures ?? true, () => undefined as never), ...(ciGateCheck ? { ciGateCheck } : {}) });
}

export async function runAudit(req: AuditRequest): Promise<AuditReport> {
  // Whatever ends the audit ends what it started beside the walk (the secrets scan's git).
  const stop = new AbortController();
  try {
    return await audit(req, stop.signal);
  } finally {
    stop.abort();
  }
}

async function audit(req: AuditRequest, stop: AbortSignal): Promise<AuditReport> {
  const started = Date.now();
  if (req.gitBinary) setGitBinary(req.gitBinary);
  const selected = selectRules(loadCatalog(), req.rules, req.threats);
  if (selected.length === 0) throw new ExpectedError('no rule matches the --rule/--threat filters', 'list them with: gitguard rules');
  const repository = await discoverRepository(req.path);
  const needs = new Set<FactName>(selected.flatMap((c) => c.rule.needs));
  const env = req.env ?? process.env;

  const config = needs.has('config') || needs.has('hooks') ? await attempt(() => collectConfig(repository, env)) : unavailable<never>('not collected');
  const historyNeeded = needs.has('history') || selected.some((c) => c.rule.kind === 'commits');
  const history = historyNeeded ? await attempt(() => collectHistory(repository)) : unavailable<never>('not collected');
  const hooks = needs.has('hooks')
    ? config.ok ? await attempt(() => collectHooks(repository, config.value)) : unavailable<never>(`config unavailable: ${config.reason}`)
    : unavailable<never>('not collected');
  // The client's programs are asked beside the history's setup (the trust root's walk) below.
  const clientPending = needs.has('client') ? attempt(() => collectClient({ repository, env, ...(config.ok ? { config: config.value } : {}) })) : undefined;

  // Secrets: what the commits in scope added. The trust root does not narrow it (a credential
  // committed before it is leaked all the same), so the scope is HEAD, --all, --base or the pushed range.
  // Its git starts now and reads history beside the walk's setup and the walk (the other core); the
  // policy at HEAD, read below, settles the entropy option; the repository rules wait for the scan.
  let secretsScope: { description: string; commits: number } | undefined;
  let entropyKnown: (on: boolean) => void = () => undefined;
  let secretsPending: Promise<Available<SecretsFacts>> | undefined;
  if (needs.has('secrets')) {
    const entropy = new Promise<boolean>((resolve) => (entropyKnown = resolve));
    secretsPending = history.ok
      ? attempt(async () => {
          const scope = await openHistory(repository, history.value, { all: req.all, ...(req.base ? { base: req.base } : {}), ...(req.revisions ? { revisions: req.revisions } : {}) }, false);
          scope.close();
          const scanned = await scanSecrets(repository, scope.revisions, { entropy, signal: stop });
          secretsScope = { description: scope.description, commits: scanned.commits };
          return scanned;
        })
      : Promise.resolve(unavailable(`history unavailable: ${history.reason}`));
  }

  // One walk for every per-commit rule; with signature rules it carries policies and verdicts.
  const walkNeeded = selected.some((c) => c.rule.kind === 'commits');
  const trusted = needs.has('signatures') || needs.has('protected-paths') || needs.has('tags');
  const session = (walkNeeded || needs.has('tags')) && history.ok ? await openHistory(repository, history.value, { all: req.all, ...(req.base ? { base: req.base } : {}), ...(req.revisions ? { revisions: req.revisions } : {}) }, trusted, { ...req.trust, env }, needs.has('protected-paths')) : undefined;
  const client = clientPending ? await clientPending : unavailable<never>('not collected');
  // The policy at HEAD, read once per run: by the walk when it judges signatures (an unreadable policy
  // ends the audit there), otherwise here (an unreadable one is then a fact that is not available).
  // Its severity overrides apply whichever rules are selected, so HEAD is looked up for it even when
  // no selected rule needs the history (the report then still shows no history).
  const head = historyNeeded ? history : await attempt(() => collectHistory(repository));
  const headPolicy: Available<Policy | undefined> = !head.ok
    ? unavailable(`history unavailable: ${head.reason}`)
    : session && trusted && session.revisions.length > 0 && head.value.head.oid
      ? available(session.headPolicy)
      : await attempt(() => collectHeadPolicy(repository, head.value));
  /** The policy for the collectors that need it: undefined without history, the read error otherwise. */
  const policyValue = (): Policy | undefined => {
    if (headPolicy.ok) return headPolicy.value;
    if (!history.ok) return undefined;
    throw new Error(headPolicy.reason);
  };
  entropyKnown(req.secretsEntropy === true || (headPolicy.ok && headPolicy.value?.secrets?.entropy === true));
  const policy = needs.has('policy') ? headPolicy : undefined;
  const tags = needs.has('tags') ? (session ? await attempt(() => session.tags()) : unavailable<never>('refs could not be read')) : undefined;
  const description = session?.description ?? (history.ok && !history.value.head.oid ? 'HEAD has no commits yet' : 'no commits');
  const revisions = session?.revisions ?? [];
  const facts: Facts = { repository, config, history, hooks, client, platform: platform(), scope: { description, revisions }, now: Date.now(), server: repository.bare || req.server === true, ...(policy ? { policy } : {}), ...(tags ? { tags } : {}) };
  // Protected refs against the ledger: the policy at HEAD names them (or the defaults do).
  if (needs.has('ledger')) {
    facts.ledger = history.ok
      ? await attempt(async () => collectLedger(repository, history.value, policyValue(), req.base, session?.trustRootInfo ?? req.trust?.trustRoot))
      : unavailable(`history unavailable: ${history.reason}`);
  }
  if (needs.has('security-policy')) {
    facts.securityPolicy = history.ok ? await attempt(() => collectSecurityPolicy(repository, history.value.head.oid)) : unavailable(`history unavailable: ${history.reason}`);
  }
  if (needs.has('forge')) facts.forge = await forgeFact(req, repository, history.ok ? history.value.head.oid : undefined, env, policyValue);

  let run: RuleRun;
  try {
    run = await runRules(selected, facts, {
      ...(session ? { session } : {}),
      ...(headPolicy.ok && headPolicy.value ? { policy: headPolicy.value } : {}),
      findingLimit: req.baseline ? Number.MAX_SAFE_INTEGER : req.findingLimit ?? 100,
      ...(req.onProgress ? { onProgress: req.onProgress } : {}),
      ...(secretsPending ? { factsReady: secretsPending.then((secrets) => void (facts.secrets = secrets)) } : {}),
    });
  } catch (err) {
    if (err instanceof ExpectedError) throw new ExpectedError(`cannot read the history of ${repository.path}: ${err.message}`, err.hint);
    throw err;
  } finally {
    session?.close();
  }
  const { results, commits: commitCount } = run;

  const exitCode = exitCodeFor(results, req.failOn);

  const report = finishReport({
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
  }, req);
  // The ledger arms whatever the client and config rules say: it records the tips once the rules that
  // judge them pass, judged before a baseline suppressed anything (a baseline must never accept a rewrite).
  const ledger: LedgerUpdate = req.ledger === false
    ? { updated: false, reason: '--no-ledger', cause: 'no-ledger' }
    : report.incomplete
      ? { updated: false, reason: 'nothing was audited', cause: 'nothing-audited' }
      : recordJudgedTips(repository, facts.ledger, results, req.failOn, session?.trustRoot);
  report.ledger = ledger;
  return report;
}
