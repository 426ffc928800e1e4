// What every forge request shares: a timeout, bounded waits on rate limits and server errors, and
// failures turned into one redacted line. Tests shorten the waits through the environment.
import { ExpectedError } from '../../errors.js';
import { redact } from './redact.js';

export interface HttpSettings {
  /** Per request. GITGUARD_FORGE_TIMEOUT (seconds), default 30. */
  timeoutMs: number;
  /** The longest single wait gitguard accepts before retrying (Retry-After, x-ratelimit-reset).
   *  GITGUARD_FORGE_MAX_WAIT (seconds), default 60; a longer wait ends the audit (exit 2). */
  maxWaitSeconds: number;
  /** Retries after a 5xx, a network error or a rate limit. */
  retries: number;
  /** Backoff after a 5xx: base × attempt² (ms). */
  backoffBaseMs: number;
}

function seconds(v: string | undefined, fallback: number, name: string): number {
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0)
    throw new ExpectedError(`${name} must be a number of seconds, not ${JSON.stringify(v)}`);
  return n;
}

export function httpSettings(env: NodeJS.ProcessEnv): HttpSettings {
  const maxWaitSeconds = seconds(env.GITGUARD_FORGE_MAX_WAIT, 60, 'GITGUARD_FORGE_MAX_WAIT');
  return {
    timeoutMs: seconds(env.GITGUARD_FORGE_TIMEOUT, 30, 'GITGUARD_FORGE_TIMEOUT') * 1000,
    maxWaitSeconds,
    retries: 3,
    // Never wait longer between 5xx retries than a rate limit may make us wait.
    backoffBaseMs: Math.min(1000, maxWaitSeconds * 100),
  };
}

/** fetch with a deadline per call (the clients' own signal, if any, still applies). */
function timedFetch(timeoutMs: number): typeof fetch {
  return (input, init) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    return fetch(input, { ...init, signal });
  };
}

/** timedFetch that also waits out 429 and 5xx answers (by default 502/503/504) (Retry-After, rate-limit reset, else a
 *  growing backoff) when the wait is at most maxWaitSeconds, up to `retries` times. 403 rate limits
 *  are the GitHub client's (plugin-throttling); other statuses are the caller's. */
export function retryingFetch(s: HttpSettings, statuses: readonly number[] = [429, 502, 503, 504]): typeof fetch {
  const once = timedFetch(s.timeoutMs);
  return async (input, init) => {
    for (let attempt = 0; ; attempt += 1) {
      const response = await once(input, init);
      if (!statuses.includes(response.status) || attempt >= s.retries) return response;
      const wait = waitFor(response.headers) ?? (s.backoffBaseMs * (attempt + 1) ** 2) / 1000;
      if (wait > s.maxWaitSeconds) return response;
      await response.body?.cancel();
      await sleep(wait * 1000);
    }
  };
}

/** Seconds to wait before retrying a 429/503, from Retry-After or a rate-limit reset time. */
export function waitFor(headers: Headers | Record<string, string | undefined>, now = Date.now()): number | undefined {
  const get = (k: string): string | undefined =>
    headers instanceof Headers ? (headers.get(k) ?? undefined) : headers[k];
  const after = get('retry-after');
  if (after !== undefined) {
    const n = Number(after);
    if (Number.isFinite(n)) return Math.max(0, n);
    const at = Date.parse(after);
    if (!Number.isNaN(at)) return Math.max(0, Math.ceil((at - now) / 1000));
  }
  const reset = get('ratelimit-reset') ?? get('x-ratelimit-reset');
  if (reset !== undefined && Number.isFinite(Number(reset))) return Math.max(0, Math.ceil(Number(reset) - now / 1000));
  return undefined;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Any failure of a forge request, as the one line the user sees (redacted), exit 2. */
export function unreachable(kind: string, api: string, err: unknown): ExpectedError {
  const e = err as { status?: number; message?: string; cause?: { code?: string; message?: string } };
  const detail = e?.cause?.code ?? e?.cause?.message ?? '';
  const status = typeof e?.status === 'number' && e.status > 0 && e.status !== 500 ? `HTTP ${e.status}: ` : '';
  const msg = `${status}${(e?.message ?? String(err)).split('\n')[0]}${detail && !(e?.message ?? '').includes(detail) ? ` (${detail})` : ''}`;
  const hint =
    e?.status === 401
      ? 'the token was refused: check GITHUB_TOKEN / GITLAB_TOKEN'
      : 'check --forge-url, the network and the token, or run without --forge';
  return new ExpectedError(redact(`cannot read the ${kind} API at ${api}: ${msg}`), hint);
}
