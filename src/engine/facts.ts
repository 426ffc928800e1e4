// The one facts module: from the selected rules' needs, the collectors wanted (src/engine/fact-collectors.ts)
// and what they read in turn; each collected at most once per run, in registry order, and assembled
// into the Facts the rules judge. audit, `hook run pre-push` and the server hook all collect through it.
import { unavailable, type Facts } from '../domain/model.js';
import { PROXY_ENV } from '../domain/config.js';
import { runnersOfEnv } from '../domain/ci-systems.js';
import type { CatalogEntry } from './catalog.js';
import { createShadow, type Shadow } from '../collect/git.js';
import { ObjectReader } from '../collect/objects.js';
import { COLLECTORS } from './fact-collectors.js';
import type { Collected, CollectedName, Collector, FactRequest, FactRun, Need } from './fact-run.js';

export type { FactRequest } from './fact-run.js';

function platform(): Facts['platform'] {
  switch (process.platform) {
    case 'linux':
      return 'linux';
    case 'win32':
      return 'windows';
    case 'darwin':
      return 'macos';
    default:
      return 'other';
  }
}

/** Facts with nothing collected but the repository: what a fact no rule needs stays. */
function bareFacts(repository: Facts['repository'], now = Date.now()): Facts {
  const none = unavailable<never>('not collected');
  return {
    repository,
    config: none,
    history: none,
    hooks: none,
    client: none,
    platform: platform(),
    scope: { description: 'no commits', revisions: [] },
    now,
  };
}

const NAMES = Object.keys(COLLECTORS) as CollectedName[];

/** A GitLab job's server, as origins (scheme://host[:port]): CI_SERVER_URL's and CI_REPOSITORY_URL's. */
function jobServers(env: NodeJS.ProcessEnv): string[] {
  const origins = [env.CI_SERVER_URL, env.CI_REPOSITORY_URL].flatMap((u) => {
    try {
      const url = new URL(u ?? '');
      return /^https?:$/.test(url.protocol) ? [url.origin] : [];
    } catch {
      return [];
    }
  });
  return [...new Set(origins)];
}

export class FactStore {
  private readonly memo = new Map<CollectedName, Promise<unknown>>();
  private readonly needs: Set<Need>;
  private readonly wanted = new Set<CollectedName>();
  private readonly stop = new AbortController();
  /** The run's one clock, read once: rules never read the wall clock. */
  readonly now = Date.now();
  /** The run's object reader and the shadow it reads (objects()), made on first use. */
  private shared: { shadow: Shadow; reader: ObjectReader } | undefined;
  /** A reader the caller already has over the same objects (the hooks read the refs with it), and closes. */
  private readonly lent: ObjectReader | undefined;

  /**
   * `given`: facts the caller already collected (the hooks read the refs before they know the scope);
   * `omit`: rule needs the caller does not collect (the hooks judge the pushed commits, not the tags);
   * `objects`: the caller's object reader over the objects the walk sees, used instead of one of the store's.
   */
  constructor(
    readonly req: FactRequest,
    selected: readonly CatalogEntry[],
    opts: { given?: Partial<Collected>; omit?: readonly Need[]; objects?: ObjectReader } = {},
  ) {
    this.lent = opts.objects;
    this.needs = new Set<Need>(['always', ...selected.flatMap((c) => c.rule.needs)]);
    for (const n of opts.omit ?? []) this.needs.delete(n);
    if (selected.some((c) => c.rule.kind === 'commits')) this.needs.add('commits');
    const add = (name: CollectedName): void => {
      if (this.wanted.has(name)) return;
      this.wanted.add(name);
      for (const dep of COLLECTORS[name].needs) add(dep);
    };
    for (const name of NAMES) if (COLLECTORS[name].wantedBy.some((n) => this.needs.has(n))) add(name);
    for (const [name, value] of Object.entries(opts.given ?? {}) as Array<[CollectedName, unknown]>)
      if (this.wanted.has(name)) this.memo.set(name, Promise.resolve(value));
  }

  ruleNeeds(need: Need): boolean {
    return this.needs.has(need);
  }

  wants(name: CollectedName): boolean {
    return this.wanted.has(name);
  }

  /** A wanted fact, collected on first request; a collector may read only the facts it declared. */
  get<K extends CollectedName>(name: K): Promise<Collected[K]> {
    if (!this.wanted.has(name))
      throw new Error(`fact ${name} is not collected in this run (no selected rule or collector declares it)`);
    let p = this.memo.get(name) as Promise<Collected[K]> | undefined;
    if (!p) {
      const c = COLLECTORS[name];
      const declared = new Set<CollectedName>([...c.needs, ...(c.uses ?? [])]);
      const run: FactRun = {
        req: this.req,
        ruleNeeds: (n) => this.ruleNeeds(n),
        wants: (n) => this.wants(n),
        signal: this.stop.signal,
        now: this.now,
        objects: () => this.objects(),
        get: (n) => {
          if (!declared.has(n)) throw new Error(`the ${name} collector reads ${n} without declaring it`);
          return this.get(n);
        },
      };
      p = c.collect(run);
      this.memo.set(name, p);
    }
    return p;
  }

  /**
   * Every wanted fact as the rules' Facts. Collectors marked `beside` start first and run next to the
   * others (their git on the other core); the rest are collected one after the other. With
   * `deferBeside`, their fields are left out until `ready(facts)`: only repository rules read them,
   * after the walk.
   */
  async facts(opts: { deferBeside?: boolean } = {}): Promise<Facts> {
    const beside = NAMES.filter((name) => this.wanted.has(name) && COLLECTORS[name].beside);
    // Their errors are met where they are awaited (here, or in ready()).
    for (const name of beside) this.get(name).catch(() => undefined);
    const deferred = new Set(opts.deferBeside ? beside : []);
    for (const name of NAMES) if (this.wanted.has(name) && !deferred.has(name)) await this.get(name);
    const { repository } = this.req;
    const history = this.wanted.has('history') ? await this.get('history') : undefined;
    const walk = this.wanted.has('walk') ? await this.get('walk') : undefined;
    const description =
      walk?.description ?? (history?.ok && !history.value.head.oid ? 'HEAD has no commits yet' : 'no commits');
    const ciRunners = runnersOfEnv(this.req.env);
    const facts: Facts = {
      ...bareFacts(repository, this.now),
      scope: { description, revisions: walk?.revisions ?? [] },
      server: repository.bare || this.req.server === true,
      ...(this.req.server === true ? { serverRequested: true } : {}),
      ...(this.req.env.GITLAB_CI === 'true' && this.req.env.CI_JOB_TOKEN
        ? { ciJobToken: this.req.env.CI_JOB_TOKEN }
        : {}),
      ...(this.req.env.GITLAB_CI === 'true' ? { ciJobServers: jobServers(this.req.env) } : {}),
      ...(ciRunners.length ? { ciRunners } : {}),
      proxyEnv: Object.fromEntries(
        PROXY_ENV.flatMap((k) => (this.req.env[k] === undefined ? [] : [[k, this.req.env[k]] as const])),
      ),
      ...(this.req.env.BITBUCKET_BUILD_NUMBER && this.req.env.BITBUCKET_GIT_HTTP_ORIGIN
        ? { ciProxiedOrigin: this.req.env.BITBUCKET_GIT_HTTP_ORIGIN }
        : {}),
    };
    for (const name of NAMES) if (this.wanted.has(name) && !deferred.has(name)) await this.fill(facts, name);
    return facts;
  }

  /** Fills in the facts that facts({ deferBeside: true }) left running. */
  async ready(facts: Facts): Promise<void> {
    for (const name of NAMES) if (this.wanted.has(name) && COLLECTORS[name].beside) await this.fill(facts, name);
  }

  private async fill(facts: Facts, name: CollectedName): Promise<void> {
    const c = COLLECTORS[name] as Collector<CollectedName>;
    if (!c.field) return;
    const value = await this.get(name);
    (facts as unknown as Record<string, unknown>)[c.field] = c.toFact ? c.toFact(value) : value;
  }

  /** One `cat-file` per run over the objects the walk sees (a push's quarantine too), not one per collector. */
  objects(): ObjectReader {
    if (this.lent) return this.lent;
    if (!this.shared) {
      const { repository, scope } = this.req;
      const shadow = createShadow(repository.commonDir, repository.objectFormat, scope.objectDirs);
      this.shared = { shadow, reader: new ObjectReader(shadow) };
    }
    return this.shared.reader;
  }

  /** Closes the walk, if one was opened, and the run's object reader. */
  async close(): Promise<void> {
    this.stop.abort();
    const walk = this.memo.get('walk') as Promise<Collected['walk']> | undefined;
    (await walk?.catch(() => undefined))?.close();
    this.shared?.reader.close();
    this.shared?.shadow.dispose();
    this.shared = undefined;
  }
}
