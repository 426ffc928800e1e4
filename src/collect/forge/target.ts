// Which forge, which repository, which API and which token: from the flags, else the CI
// environment (GitHub Actions, GitLab CI), else the origin remote. Pure: the caller passes the
// environment and the origin URL.
import { ExpectedError } from '../../errors.js';
import { parseRemote, type ForgeKind } from '../../domain/forge.js';

export interface ForgeRequest {
  /** --forge KIND: github, gitlab or auto. */
  kind: ForgeKind | 'auto';
  /** --forge-repo */
  repo?: string;
  /** --forge-url */
  url?: string;
}

export interface ForgeTarget {
  kind: ForgeKind;
  repo: string;
  /** REST API base, no trailing slash. */
  api: string;
  /** GitHub only: the GraphQL endpoint. */
  graphql?: string;
  token?: string;
  /** GitLab: how the token is sent. */
  tokenHeader?: 'PRIVATE-TOKEN' | 'JOB-TOKEN';
}

function kindOfHost(host: string): ForgeKind | undefined {
  if (host === 'github.com' || host.endsWith('.github.com') || host.endsWith('.ghe.com')) return 'github';
  if (host === 'gitlab.com' || host.split('.').includes('gitlab')) return 'gitlab';
  if (host.split('.').includes('github')) return 'github';
  return undefined;
}

const trimSlash = (s: string): string => s.replace(/\/+$/, '');

function checkUrl(url: string, what: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new ExpectedError(
      `${what} ${JSON.stringify(url)} is not a URL`,
      'give the API base, e.g. https://api.github.com or https://gitlab.example.com/api/v4',
    );
  }
  if (u.username || u.password)
    throw new ExpectedError(
      `${what} must not carry credentials`,
      'pass the token in GITHUB_TOKEN or GITLAB_TOKEN instead',
    );
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname);
  // The token travels in a header: never over plain HTTP to another machine.
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && loopback))
    throw new ExpectedError(
      `${what} must use https (plain http only to this machine)`,
      'use the https:// address of the API',
    );
  return trimSlash(u.toString());
}

/** GitHub's clients derive GraphQL from the REST base: …/api/v3 → …/api/graphql, else <base>/graphql. */
export function graphqlFor(api: string): string {
  return /\/api\/v3$/.test(api) ? api.replace(/\/api\/v3$/, '/api/graphql') : `${api}/graphql`;
}

export function resolveTarget(req: ForgeRequest, env: NodeJS.ProcessEnv, originUrl: string | undefined): ForgeTarget {
  const origin = originUrl ? parseRemote(originUrl) : undefined;
  let kind: ForgeKind | undefined = req.kind === 'auto' ? undefined : req.kind;
  kind ??= origin ? kindOfHost(origin.host) : undefined;
  kind ??=
    env.GITHUB_ACTIONS === 'true' || env.GITHUB_REPOSITORY
      ? 'github'
      : env.GITLAB_CI || env.CI_PROJECT_PATH
        ? 'gitlab'
        : undefined;
  if (!kind) {
    throw new ExpectedError(
      origin
        ? `cannot tell which forge hosts ${origin.host}`
        : 'cannot tell which forge hosts this repository (no origin remote)',
      'say it: --forge github or --forge gitlab',
    );
  }
  const fromOrigin =
    origin && kindOfHost(origin.host) !== (kind === 'github' ? 'gitlab' : 'github') ? origin : undefined;
  const repo = req.repo ?? (kind === 'github' ? env.GITHUB_REPOSITORY : env.CI_PROJECT_PATH) ?? fromOrigin?.path;
  if (!repo)
    throw new ExpectedError(
      'cannot tell which repository to read on the forge',
      `pass --forge-repo ${kind === 'github' ? 'OWNER/NAME' : 'group/project'}`,
    );
  if (kind === 'github' && !/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repo))
    throw new ExpectedError(`${JSON.stringify(repo)} is not a GitHub repository name`, 'write it as OWNER/NAME');
  if (kind === 'gitlab' && !/^[A-Za-z0-9_.-]+(?:\/[A-Za-z0-9_.-]+)+$/.test(repo))
    throw new ExpectedError(
      `${JSON.stringify(repo)} is not a GitLab project path`,
      'write it as group/subgroup/project',
    );

  if (kind === 'github') {
    const selfHosted = fromOrigin && fromOrigin.host !== 'github.com' ? `https://${fromOrigin.host}/api/v3` : undefined;
    const api = checkUrl(
      req.url ?? env.GITHUB_API_URL ?? selfHosted ?? 'https://api.github.com',
      req.url ? '--forge-url' : 'the GitHub API URL',
    );
    // GITHUB_GRAPHQL_URL wins, unless it names another host than the API (Actions sets it for
    // github.com even when --forge-url points elsewhere: the token must not follow it there).
    const envGraphql = env.GITHUB_GRAPHQL_URL ? checkUrl(env.GITHUB_GRAPHQL_URL, 'GITHUB_GRAPHQL_URL') : undefined;
    const graphql = envGraphql && new URL(envGraphql).hostname === new URL(api).hostname ? envGraphql : graphqlFor(api);
    const token = env.GITHUB_TOKEN || env.GH_TOKEN || undefined;
    return { kind, repo, api, graphql, ...(token ? { token } : {}) };
  }
  const selfHosted = fromOrigin && fromOrigin.host !== 'gitlab.com' ? `https://${fromOrigin.host}/api/v4` : undefined;
  const api = checkUrl(
    req.url ?? env.CI_API_V4_URL ?? selfHosted ?? 'https://gitlab.com/api/v4',
    req.url ? '--forge-url' : 'the GitLab API URL',
  );
  if (!/\/api\/v4$/.test(api))
    throw new ExpectedError(
      `the GitLab API URL ${api} does not end in /api/v4`,
      'give the API base, e.g. https://gitlab.example.com/api/v4',
    );
  if (env.GITLAB_TOKEN) return { kind, repo, api, token: env.GITLAB_TOKEN, tokenHeader: 'PRIVATE-TOKEN' };
  if (env.CI_JOB_TOKEN) return { kind, repo, api, token: env.CI_JOB_TOKEN, tokenHeader: 'JOB-TOKEN' };
  return { kind, repo, api };
}
