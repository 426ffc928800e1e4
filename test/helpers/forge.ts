/* eslint-disable @typescript-eslint/no-explicit-any -- the forge's JSON answers and reports are read loosely here */
// A real HTTP server on 127.0.0.1 playing GitHub or GitLab for `audit --forge`, serving responses
// built from GitHub's own OpenAPI examples (test/fixtures/forge/github-openapi-subset.json) and
// checked against its schemas, and an async CLI runner (the server lives in this process, so the
// CLI must not block it).
import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { schemaCompiler, type Validate } from './ajv-cache.js';
import { BIN, ROOT, runMain, type CliResult } from './cli.js';
import { makeRepo, type TestRepo } from './repo.js';

export interface Reply {
  /** Accept the request and never answer. */
  hang?: boolean;
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Answer this many milliseconds late (a slow forge). */
  delayMs?: number;
  /** Sent as it is instead of `body` as JSON (an answer too large to build as a value here). */
  raw?: Buffer;
}
export interface Request {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
}
export type Handler = (req: Request, base: string) => Reply | undefined;

export interface FakeForge {
  url: string;
  requests: Request[];
  /** Fixtures that failed their schema check (or handler bugs): the test must see none. */
  errors: string[];
  connections: number;
  close(): Promise<void>;
}

export async function startForge(handler: Handler): Promise<FakeForge> {
  const state: FakeForge = { url: '', requests: [], errors: [], connections: 0, close: async () => undefined };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const u = new URL(req.url ?? '/', state.url);
      const r: Request = {
        method: req.method ?? 'GET',
        path: decodeURIComponent(u.pathname),
        query: u.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      state.requests.push(r);
      let reply: Reply;
      try {
        reply = handler(r, state.url) ?? { status: 404, body: { message: 'Not Found' } };
      } catch (err) {
        state.errors.push((err as Error).message);
        reply = { status: 400, body: { message: 'the test forge could not answer' } };
      }
      if (reply.hang) return; // never answers: the client's timeout must end it
      const send = (): void => {
        res.writeHead(reply.status ?? 200, { 'content-type': 'application/json; charset=utf-8', ...reply.headers });
        res.end(reply.raw ?? (reply.body === undefined ? '' : JSON.stringify(reply.body)));
      };
      if (reply.delayMs) setTimeout(send, reply.delayMs);
      else send();
    });
  });
  server.on('connection', () => {
    state.connections += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}

/** `audit DIR --forge KIND` against a test forge at `url`: its repository, API address, the rules and the format. */
export function forgeAuditArgs(
  dir: string,
  kind: 'github' | 'gitlab',
  url: string,
  rules: string[],
  format = 'json',
): string[] {
  return [
    'audit',
    dir,
    '--forge',
    kind,
    '--forge-repo',
    kind === 'gitlab' ? GL_PROJECT : `${OWNER}/${NAME}`,
    '--forge-url',
    kind === 'gitlab' ? `${url}/api/v4` : url,
    '-r',
    rules.join(','),
    '--format',
    format,
  ];
}

/** `inner`'s answer to a request whose path matches, edited after `inner` checked it against the
 *  forge's schema: a forge that breaks its own types. */
export const editing =
  (inner: Handler, path: RegExp, edit: (body: any) => void): Handler =>
  (req, base) => {
    const reply = inner(req, base);
    if (reply && path.test(req.path) && reply.body !== undefined) {
      const body = structuredClone(reply.body);
      edit(body);
      return { ...reply, body };
    }
    return reply;
  };

/** A repository to audit against a test forge: one commit of `.gitguard/policy.yml` (or of a README,
 *  with no policy: the default branch and every tag are judged). */
export function forgeRepo(policy?: string): TestRepo {
  const repo = makeRepo();
  repo.commit(policy ? 'policy' : 'first', policy ? { '.gitguard/policy.yml': policy } : { 'README.md': 'hello\n' });
  return repo;
}

/** The token every forge audit is given: no byte of the report or the error may hold it. */
export const FORGE_TOKEN = 'ghp_ForgeTestTokenThatMustNeverBePrinted';

export interface ForgeRun extends CliResult {
  /** Each rule's outcome and note; none when the run stopped (exit 2). */
  outcomes: Record<string, string>;
  notes: Record<string, string>;
  /** The JSON report, when there is one. */
  json: any;
  /** The requests the forge was asked. */
  requests: Request[];
}

export interface ForgeAudit {
  repo: TestRepo;
  rules: string[];
  kind?: 'github' | 'gitlab';
  /** Over the repository's environment, the token and GITGUARD_FORGE_MAX_WAIT=0. */
  env?: NodeJS.ProcessEnv;
  /** The report's format (json by default: outcomes and notes are read from it). */
  format?: string;
  /** More arguments after the audit's own. */
  extra?: string[];
  /** The built binary in a process, for what differs inside jest (an abort's realm); main in this process otherwise. */
  spawned?: boolean;
}

/** `audit REPO --forge KIND -r RULES --format json` (main in this process) against a test forge serving
 *  `handler` on 127.0.0.1, closed after. The forge's fixtures must all have matched their schemas, and
 *  the token must not show in what gitguard printed. */
export async function auditForge(handler: Handler, o: ForgeAudit): Promise<ForgeRun> {
  const forge = await startForge(handler);
  try {
    const args = [...forgeAuditArgs(o.repo.dir, o.kind ?? 'github', forge.url, o.rules, o.format), ...(o.extra ?? [])];
    const res = await (o.spawned ? runCliAsync : runMain)(args, {
      env: {
        ...o.repo.env,
        GITHUB_TOKEN: FORGE_TOKEN,
        GITLAB_TOKEN: FORGE_TOKEN,
        GITGUARD_FORGE_MAX_WAIT: '0',
        ...o.env,
      },
    });
    if (forge.errors.length) throw new Error(`the test forge could not answer: ${forge.errors.join('; ')}`);
    if ((res.stdout + res.stderr).includes(FORGE_TOKEN)) throw new Error('gitguard printed the forge token');
    let json: any;
    try {
      json = JSON.parse(res.stdout);
    } catch {
      json = undefined;
    }
    const outcomes: Record<string, string> = {};
    const notes: Record<string, string> = {};
    for (const x of json?.results ?? []) {
      outcomes[x.meta.id] = x.outcome;
      notes[x.meta.id] = String(x.note ?? '');
    }
    return { ...res, outcomes, notes, json, requests: forge.requests };
  } finally {
    await forge.close();
  }
}

/** `audit REPO --forge github -r RULES --format json` as its own process (killed at 60 s: exit -1), for
 *  answers that could hold an audit's event loop, which auditForge's in-process run could not stop. */
export async function auditForgeProcess(
  repo: TestRepo,
  handler: Handler,
  rules: string[],
): Promise<{ code: number; stderr: string; rules: Record<string, string> }> {
  const forge = await startForge(handler);
  try {
    const res = await runCliAsync(forgeAuditArgs(repo.dir, 'github', forge.url, rules), {
      env: { ...repo.env, GITHUB_TOKEN: FORGE_TOKEN, GITGUARD_FORGE_MAX_WAIT: '0' },
      timeoutMs: 60_000,
    });
    let results: Array<{ meta: { id: string }; outcome: string }> = [];
    try {
      results = JSON.parse(res.stdout).results;
    } catch {
      // no report: the exit code and stderr say why
    }
    return {
      code: res.code,
      stderr: res.stderr,
      rules: Object.fromEntries(results.map((x) => [x.meta.id, x.outcome])),
    };
  } finally {
    await forge.close();
  }
}

/** bin/gitguard.js without blocking this process's event loop (the fake forge runs here). */
export function runCliAsync(
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: opts.cwd ?? ROOT,
      env: { ...(opts.env ?? process.env), NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const stdoutBytes = Buffer.concat(out);
      resolve({
        code: code ?? -1,
        stdout: stdoutBytes.toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        stdoutBytes,
      });
    });
  });
}

// ---- GitHub's published description: schemas and examples ----

const FIXTURES = join(ROOT, 'test', 'fixtures', 'forge');
export const githubSpec = JSON.parse(readFileSync(join(FIXTURES, 'github-openapi-subset.json'), 'utf8')) as {
  components: { schemas: Record<string, unknown>; examples: Record<string, { value: unknown }> };
};
/** OpenAPI 3.0's `nullable` beside anyOf/allOf (no `type`), which ajv refuses, as JSON Schema's anyOf null. */
function nullableToJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(nullableToJsonSchema);
  if (!node || typeof node !== 'object') return node;
  const o = Object.fromEntries(
    Object.entries(node).map(([k, v]) => [k, k === 'example' || k === 'examples' ? v : nullableToJsonSchema(v)]),
  ) as Record<string, unknown>;
  if (o.nullable === true && o.type === undefined) {
    const { nullable: _n, ...rest } = o;
    return { anyOf: [{ type: 'null' }, rest] };
  }
  return o;
}
const githubSchemas = schemaCompiler({ strict: false, allErrors: true, unicodeRegExp: false }, [
  [{ $id: 'github', components: { schemas: nullableToJsonSchema(githubSpec.components.schemas) } }, 'github'],
]);

// One validator per schema name, compiled on first use: ajv compiles every new schema object anew,
// and compiling GitHub's schemas for each answer was most of the forge tests' CPU time.
const validators = new Map<string, Validate>();

/** Throws when `body` does not match GitHub's schema (a name under components/schemas, `[]` for a list of it). */
export function checkGitHub(schema: string, body: unknown): void {
  let validate = validators.get(schema);
  if (!validate) {
    const list = schema.endsWith('[]');
    const ref = { $ref: `github#/components/schemas/${list ? schema.slice(0, -2) : schema}` };
    validate = githubSchemas.compile(list ? { type: 'array', items: ref } : ref);
    validators.set(schema, validate);
  }
  if (!validate(body))
    throw new Error(`fixture does not match GitHub's ${schema}: ${githubSchemas.errorsText(validate.errors)}`);
}

const example = <T>(name: string): T => structuredClone(githubSpec.components.examples[name]!.value) as T;

/** GitHub's GraphQL types (the subset kept), field -> type as written in the SDL. */
const sdl = readFileSync(join(FIXTURES, 'github-graphql-subset.graphql'), 'utf8');
export function graphqlFields(type: string): Map<string, string> {
  const block = new RegExp(`^type ${type}\\b[^{]*\\{([\\s\\S]*?)^\\}`, 'm').exec(sdl)?.[1] ?? '';
  const fields = new Map<string, string>();
  for (const m of block.replace(/"""[\s\S]*?"""/g, '').matchAll(/^\s+(\w+)(?:\([^)]*\))?:\s*([^\s]+)/gm))
    fields.set(m[1]!, m[2]!);
  return fields;
}

/** Throws when a refUpdateRule answer uses a field or value type GitHub's schema does not have. */
export function checkRefUpdateRule(rule: Record<string, unknown>): void {
  const fields = graphqlFields('RefUpdateRule');
  for (const [k, v] of Object.entries(rule)) {
    const t = fields.get(k);
    if (!t) throw new Error(`RefUpdateRule has no field ${k}`);
    const base = t.replace(/[![\]]/g, '');
    const ok =
      v === null
        ? !t.endsWith('!')
        : base === 'Boolean'
          ? typeof v === 'boolean'
          : base === 'Int'
            ? Number.isInteger(v)
            : base === 'String'
              ? typeof v === 'string' || (t.startsWith('[') && Array.isArray(v))
              : true;
    if (!ok) throw new Error(`RefUpdateRule.${k} is ${t}, not ${JSON.stringify(v)}`);
  }
}

// ---- GitHub fixtures ----

export const OWNER = 'acme';
export const NAME = 'app';

export function ghRepository(defaultBranch = 'main'): Record<string, unknown> {
  // GitHub's own example leaves out the required `language`; its source/parent copies are optional.
  const {
    source: _s,
    parent: _p,
    template_repository: _t,
    ...repo
  } = example<Record<string, unknown>>('full-repository-default-response');
  return { ...repo, language: 'TypeScript', name: NAME, full_name: `${OWNER}/${NAME}`, default_branch: defaultBranch };
}

export interface ClassicOptions {
  forcePushes?: boolean;
  deletions?: boolean;
  enforceAdmins?: boolean;
  signatures?: boolean;
  approvals?: number;
  codeOwners?: boolean;
  checks?: string[];
}

export function ghClassic(o: ClassicOptions = {}): Record<string, unknown> {
  const p = example<Record<string, any>>('branch-protection');
  const url = `https://api.github.com/repos/${OWNER}/${NAME}/branches/main/protection`;
  const checks = o.checks ?? ['build'];
  p.required_status_checks = {
    url: `${url}/required_status_checks`,
    contexts: checks,
    checks: checks.map((context) => ({ context, app_id: null })),
    contexts_url: `${url}/required_status_checks/contexts`,
    enforcement_level: 'everyone',
  };
  delete p.restrictions; // optional; GitHub's example of it lacks a required field
  p.enforce_admins = { url: `${url}/enforce_admins`, enabled: o.enforceAdmins ?? true };
  p.required_pull_request_reviews = {
    url: `${url}/required_pull_request_reviews`,
    dismiss_stale_reviews: true,
    require_code_owner_reviews: o.codeOwners ?? true,
    required_approving_review_count: o.approvals ?? 1,
  };
  p.allow_force_pushes = { enabled: o.forcePushes ?? false };
  p.allow_deletions = { enabled: o.deletions ?? false };
  p.required_signatures = { url: `${url}/required_signatures`, enabled: o.signatures ?? true };
  return p;
}

export interface RulesetOptions {
  id: number;
  target?: 'branch' | 'tag';
  enforcement?: 'active' | 'evaluate' | 'disabled';
  include?: string[];
  exclude?: string[];
  rules?: Array<{ type: string; parameters?: Record<string, unknown> }>;
  bypass?: Array<{
    actor_id: number | null;
    actor_type: string;
    bypass_mode: 'always' | 'pull_request' | 'exempt';
  }> | null;
}

export const BRANCH_RULES = [
  { type: 'deletion' },
  { type: 'non_fast_forward' },
  { type: 'required_signatures' },
  {
    type: 'pull_request',
    parameters: {
      dismiss_stale_reviews_on_push: true,
      require_code_owner_review: true,
      require_last_push_approval: false,
      required_approving_review_count: 1,
      required_review_thread_resolution: false,
    },
  },
  {
    type: 'required_status_checks',
    parameters: { strict_required_status_checks_policy: true, required_status_checks: [{ context: 'build' }] },
  },
];
export const TAG_RULES = [{ type: 'deletion' }, { type: 'update' }];

export function ghRuleset(o: RulesetOptions): Record<string, unknown> {
  const r = example<Record<string, unknown>>('repository-ruleset');
  const target = o.target ?? 'branch';
  const out: Record<string, unknown> = {
    ...r,
    id: o.id,
    name: `ruleset ${o.id}`,
    target,
    source: `${OWNER}/${NAME}`,
    enforcement: o.enforcement ?? 'active',
    conditions: {
      ref_name: { include: o.include ?? [target === 'tag' ? '~ALL' : '~DEFAULT_BRANCH'], exclude: o.exclude ?? [] },
    },
    rules: o.rules ?? (target === 'tag' ? TAG_RULES : BRANCH_RULES),
    _links: {
      self: { href: `https://api.github.com/repos/${OWNER}/${NAME}/rulesets/${o.id}` },
      html: { href: `https://github.com/${OWNER}/${NAME}/rules/${o.id}` },
    },
  };
  if (o.bypass === null) delete out.bypass_actors;
  else out.bypass_actors = o.bypass ?? [];
  return out;
}

/** The list endpoint's entries: no rules or conditions (GitHub sends those only per ruleset). */
export const ghRulesetSummary = (full: Record<string, unknown>): Record<string, unknown> => {
  const { rules: _r, conditions: _c, bypass_actors: _b, ...rest } = full;
  return rest;
};

export interface GitHubScenario {
  rulesets?: Array<Record<string, unknown>>;
  /** Rulesets per page of the list (pagination). */
  pageSize?: number;
  /** GET .../branches/main/protection */
  classic?: Reply;
  /** GET .../rules/branches/main; default: the rules of the active branch rulesets. */
  effective?: Array<Record<string, unknown>>;
  /** POST /graphql answer for refUpdateRule (data or a Reply). */
  refUpdateRule?: Record<string, unknown> | null | Reply;
  /** GET .../branches/main answers with this `protected` flag (unset: 404). */
  branchProtected?: boolean;
  /** Replies served first for GET /repos/acme/app (then the repository). */
  repoFirst?: Reply[];
}

export const NOT_PROTECTED: Reply = {
  status: 404,
  body: {
    message: 'Branch not protected',
    documentation_url: 'https://docs.github.com/rest/branches/branch-protection#get-branch-protection',
    status: '404',
  },
};
export const HIDDEN_404: Reply = {
  status: 404,
  headers: { 'x-accepted-github-permissions': 'administration=read' },
  body: {
    message: 'Not Found',
    documentation_url: 'https://docs.github.com/rest/branches/branch-protection#get-branch-protection',
    status: '404',
  },
};

/** Serves a GitHub scenario; every body is checked against GitHub's schema before it is sent. */
export function github(s: GitHubScenario): Handler {
  const repoFirst = [...(s.repoFirst ?? [])];
  const rulesets = s.rulesets ?? [];
  const base = `/repos/${OWNER}/${NAME}`;
  const send = (schema: string, body: unknown, headers: Record<string, string> = {}): Reply => {
    checkGitHub(schema, body);
    return { body, headers };
  };
  return (req, url) => {
    if (req.method === 'POST' && (req.path === '/graphql' || req.path === '/api/graphql')) {
      const a = s.refUpdateRule;
      if (a && typeof a === 'object' && ('status' in a || 'body' in a)) return a;
      if (a) checkRefUpdateRule(a as Record<string, unknown>);
      return { body: { data: { repository: { ref: { refUpdateRule: a ?? null } } } } };
    }
    if (req.method !== 'GET') return { status: 405, body: { message: 'read-only test forge' } };
    if (req.path === base) return repoFirst.shift() ?? send('full-repository', ghRepository());
    if (req.path === `${base}/rulesets`) {
      const size = s.pageSize ?? 100;
      const page = Number(req.query.get('page') ?? '1');
      const pages = Math.max(1, Math.ceil(rulesets.length / size));
      const headers: Record<string, string> = {};
      if (page < pages) {
        const next = new URL(`${url}${base}/rulesets`);
        req.query.forEach((v, k) => next.searchParams.set(k, v));
        next.searchParams.set('page', String(page + 1));
        headers.link = `<${next.href}>; rel="next", <${next.origin}${next.pathname}?page=${pages}>; rel="last"`;
      }
      return send(
        'repository-ruleset[]',
        rulesets.slice((page - 1) * size, page * size).map(ghRulesetSummary),
        headers,
      );
    }
    const one = new RegExp(`^${base}/rulesets/(\\d+)$`).exec(req.path);
    if (one) {
      const r = rulesets.find((x) => x.id === Number(one[1]));
      return r ? send('repository-ruleset', r) : undefined;
    }
    if (req.path === `${base}/rules/branches/main`) {
      const eff =
        s.effective ??
        rulesets
          .filter((r) => r.enforcement === 'active' && r.target === 'branch')
          .flatMap((r) =>
            (r.rules as Array<Record<string, unknown>>).map((x) => ({
              ...x,
              ruleset_source_type: 'Repository',
              ruleset_source: `${OWNER}/${NAME}`,
              ruleset_id: r.id,
            })),
          );
      return send('repository-rule-detailed[]', eff);
    }
    if (req.path === `${base}/branches/main` && s.branchProtected !== undefined) {
      const b = { ...example<Record<string, unknown>>('branch-get'), name: 'main', protected: s.branchProtected };
      return send('branch-with-protection', b);
    }
    if (req.path === `${base}/branches/main/protection`) {
      const c = s.classic ?? NOT_PROTECTED;
      if ((c.status ?? 200) === 200) checkGitHub('branch-protection', c.body);
      else checkGitHub('basic-error', c.body);
      return c;
    }
    return undefined;
  };
}

// ---- GitLab ----

export interface GitLabScenario {
  project?: Record<string, unknown>;
  protectedBranches?: Array<Record<string, unknown>>;
  protectedTags?: Array<Record<string, unknown>>;
  pushRule?: Reply;
  approvalRules?: Reply;
  pageSize?: number;
}

export const GL_PROJECT = 'acme/platform/app';

export function gitlab(s: GitLabScenario): Handler {
  const id = 42;
  const base = `/api/v4/projects/${id}`;
  return (req, url) => {
    if (req.method !== 'GET') return { status: 405, body: { message: 'read-only test forge' } };
    if (req.path === `/api/v4/projects/${GL_PROJECT}`)
      return {
        body: {
          id,
          path_with_namespace: GL_PROJECT,
          default_branch: 'main',
          only_allow_merge_if_pipeline_succeeds: false,
          ...s.project,
        },
      };
    if (req.path === `${base}/protected_branches`) {
      // Paged like GitLab (Link rel="next") when the scenario says so.
      const all = s.protectedBranches ?? [];
      const size = s.pageSize ?? 100;
      const page = Number(req.query.get('page') ?? '1');
      const headers: Record<string, string> = {
        'x-page': String(page),
        'x-per-page': String(size),
        'x-total': String(all.length),
      };
      if (page * size < all.length) {
        const next = new URL(`${base}/protected_branches`, 'http://127.0.0.1');
        next.searchParams.set('page', String(page + 1));
        next.searchParams.set('per_page', String(size));
        headers.link = `<${url}${next.pathname}${next.search}>; rel="next"`;
      }
      return { headers, body: all.slice((page - 1) * size, page * size) };
    }
    if (req.path === `${base}/protected_tags`) return { body: s.protectedTags ?? [] };
    if (req.path === `${base}/push_rule`) return s.pushRule ?? { status: 404, body: { message: '404 Not found' } };
    if (req.path === `${base}/approval_rules`)
      return s.approvalRules ?? { status: 403, body: { message: '403 Forbidden' } };
    return undefined;
  };
}

export const glAccess = (level: number, description: string): Record<string, unknown> => ({
  id: level + 1,
  access_level: level,
  access_level_description: description,
  user_id: null,
  group_id: null,
  deploy_key_id: null,
});
