// What every forge request shares: a timeout, bounded waits on rate limits and server errors, and
// failures turned into one redacted line. Tests shorten the waits through the environment.
import { ExpectedError } from '../../errors.js';
import { redact } from './redact.js';

export interface HttpSettings {
  /** Per request. GITGUARD_FORGE_TIMEOUT (seconds), default 30. */
  timeoutMs: number;
  /** All of one client's requests together: DEADLINE_REQUESTS timeouts (10 minutes by default). A
   *  forge that answers each page just inside the timeout, with a next page each time, would
   *  otherwise hold the audit for MAX_REQUESTS timeouts (5000 × 30 s: 41 hours). */
  deadlineMs: number;
  /** The longest single wait gitguard accepts before retrying (Retry-After, x-ratelimit-reset).
   *  GITGUARD_FORGE_MAX_WAIT (seconds), default 60; a longer wait ends the audit (exit 2). */
  maxWaitSeconds: number;
  /** Retries after a 5xx, a network error or a rate limit. */
  retries: number;
  /** Backoff after a 5xx: base × attempt² (ms). */
  backoffBaseMs: number;
}

const DEADLINE_REQUESTS = 20;

function seconds(v: string | undefined, fallback: number, name: string): number {
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0)
    throw new ExpectedError(`${name} must be a number of seconds, not ${JSON.stringify(v)}`);
  return n;
}

export function httpSettings(env: NodeJS.ProcessEnv): HttpSettings {
  const maxWaitSeconds = seconds(env.GITGUARD_FORGE_MAX_WAIT, 60, 'GITGUARD_FORGE_MAX_WAIT');
  const timeoutMs = seconds(env.GITGUARD_FORGE_TIMEOUT, 30, 'GITGUARD_FORGE_TIMEOUT') * 1000;
  return {
    timeoutMs,
    deadlineMs: timeoutMs * DEADLINE_REQUESTS,
    maxWaitSeconds,
    retries: 3,
    // Never wait longer between 5xx retries than a rate limit may make us wait.
    backoffBaseMs: Math.min(1000, maxWaitSeconds * 100),
  };
}

/** Bounds on what one forge client takes from its server: any real page is far smaller, any real
 *  audit far fewer requests. */
const MAX_ANSWER_BYTES = 32 * 1024 * 1024;
const MAX_TOTAL_BYTES = 256 * 1024 * 1024;
const MAX_REQUESTS = 5000;
/** JSON values (containers and members) in all answers: parsed, the bytes above can take 20 times
 *  their size (`[{},{},...]`: 32 MiB parsed to ~700 MB of heap, 256 MiB past node's whole heap); a
 *  real forge's 5000 pages of 100 branches hold about 4 million. */
const MAX_VALUES = 8_000_000;
const MAX_REDIRECTS = 5;
/** The status of the answer gitguard makes up when it refuses what the forge said (see guardedFetch). */
export const REFUSED = 421;

/** A refusal, as an answer the clients turn into their usual one-line error (and do not retry). */
function refusal(message: string): Response {
  return new Response(JSON.stringify({ message }), {
    status: REFUSED,
    headers: { 'content-type': 'application/json' },
  });
}

/** The URL a rel="next" Link header names, resolved against the page that sent it. */
function nextLink(link: string | null, base: URL): string | undefined {
  const m = link ? /<([^>]*)>\s*;\s*rel="?next"?/.exec(link) : null;
  if (!m) return undefined;
  try {
    return new URL(m[1]!, base).href;
  } catch {
    return undefined;
  }
}

/** The body, read whole up to `limit` bytes; undefined past it (the rest is not read). */
async function boundedBody(response: Response, limit: number): Promise<Uint8Array | undefined> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > limit) {
    await response.body?.cancel();
    return undefined;
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (response.body) {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      size += chunk.byteLength;
      if (size > limit) {
        await response.body.cancel().catch(() => undefined);
        return undefined;
      }
      chunks.push(chunk);
    }
  }
  return Buffer.concat(chunks);
}

/** About how many values a JSON text holds: its commas and opening brackets outside strings,
 *  counted without parsing it (the count bounds what parsing it would build). */
function jsonValues(body: Uint8Array): number {
  let n = 0;
  let inString = false;
  for (let i = 0; i < body.length; i += 1) {
    const c = body[i]!;
    if (inString) {
      if (c === 0x5c)
        i += 1; // a backslash: the next byte is escaped
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x2c || c === 0x7b || c === 0x5b) n += 1;
  }
  return n;
}

/**
 * fetch for one forge client, with a deadline per call (the clients' own signal, if any, still
 * applies), that sends its requests, and so the token, only to `origins` (the API's): a Link header
 * or a redirect naming another host is refused, never followed; redirects within them are followed
 * (a renamed repository). A page whose next link was asked before (a pagination loop), an answer
 * over MAX_ANSWER_BYTES, more than MAX_VALUES in all and more than MAX_REQUESTS requests are refused too.
 */
function guardedFetch(timeoutMs: number, deadlineMs: number, origins: readonly string[]): typeof fetch {
  const deadline = Date.now() + deadlineMs;
  let requests = 0;
  let bytes = 0;
  let values = 0;
  const paged = new Set<string>(); // pages answered with a next link
  return async (input, init) => {
    let url = new URL(input instanceof Request ? input.url : String(input));
    if (paged.has(url.href))
      return refusal(`the forge's pagination loops (its next link names a page of ${url.pathname} already read)`);
    for (let hop = 0; ; hop += 1) {
      if (!origins.includes(url.origin))
        return refusal(`the forge sent gitguard to another host (${url.origin}); the token goes only to ${origins[0]}`);
      if (++requests > MAX_REQUESTS) return refusal(`the forge needed more than ${MAX_REQUESTS} requests`);
      const left = deadline - Date.now();
      if (left <= 0)
        return refusal(
          `the forge's answers took longer than ${deadlineMs / 1000} s in all (${DEADLINE_REQUESTS} × GITGUARD_FORGE_TIMEOUT)`,
        );
      const timeout = AbortSignal.timeout(Math.min(timeoutMs, left));
      const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
      const response = await fetch(url, { ...init, signal, redirect: 'manual' });
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location !== null) {
        await response.body?.cancel();
        if (hop >= MAX_REDIRECTS) return refusal(`the forge redirected gitguard more than ${MAX_REDIRECTS} times`);
        url = new URL(location, url);
        continue;
      }
      const body = await boundedBody(response, Math.min(MAX_ANSWER_BYTES, MAX_TOTAL_BYTES - bytes));
      if (body === undefined)
        return refusal(
          `an answer larger than ${MAX_ANSWER_BYTES / 1024 / 1024} MiB (or than ${MAX_TOTAL_BYTES / 1024 / 1024} MiB in all)`,
        );
      bytes += body.byteLength;
      values += jsonValues(body);
      if (values > MAX_VALUES)
        return refusal(`answers holding more than ${MAX_VALUES / 1_000_000} million JSON values in all`);
      const next = response.ok ? nextLink(response.headers.get('link'), url) : undefined;
      if (next !== undefined) paged.add(url.href);
      const empty = response.status === 204 || response.status === 304;
      return new Response(empty ? null : body, {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
    }
  };
}

/** guardedFetch that also waits out 429 and 5xx answers (by default 502/503/504) (Retry-After, rate-limit reset, else a
 *  growing backoff) when the wait is at most maxWaitSeconds, up to `retries` times. 403 rate limits
 *  are the GitHub client's (plugin-throttling); other statuses are the caller's. */
export function retryingFetch(
  s: HttpSettings,
  origins: readonly string[],
  statuses: readonly number[] = [429, 502, 503, 504],
): typeof fetch {
  const once = guardedFetch(s.timeoutMs, s.deadlineMs, origins);
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

/** The origins a forge client may send its requests (and token) to: its API's, and GitHub's GraphQL endpoint's. */
export function apiOrigins(t: { api: string; graphql?: string }): string[] {
  return [...new Set([t.api, ...(t.graphql ? [t.graphql] : [])].map((u) => new URL(u).origin))];
}

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
