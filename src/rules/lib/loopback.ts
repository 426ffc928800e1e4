// Whether git reaches an http:// or git:// remote on this machine's loopback directly (a local
// Gitea/Forgejo, a test server): then nothing leaves the machine, and the clear text is no exposure.
// Only the plain spellings (localhost, 127.d.d.d, [::1]) count, and only when no proxy can carry the
// request elsewhere, decided as git 2.39 with libcurl 7.88 did when run (GIT_TRACE_CURL, a proxy and
// an origin server on 127.0.0.1): see test/cli/cleanpass32-loopback-remotes.test.ts.
import type { ConfigEntry } from '../../domain/model.js';
import { effective, type ProxyEnv } from '../../domain/config.js';

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
// No other spelling: `127.1`, `0x7f.1`, `2130706433` or a percent-encoded name reach the loopback
// through one parser and not another; `localhost.evil.com`, `127.0.0.1.nip.io` are DNS names.
const LOOPBACK_HOST = new RegExp(`^(?:(localhost)|(127(?:\\.${OCTET}){3})|\\[(::1)\\])(?::\\d{1,5})?$`, 'i');

/** The loopback host of an http:// or git:// URL ("localhost", "127.0.0.1", "::1"), lower-cased, or undefined. */
function loopbackHost(url: string): string | undefined {
  const m = /^(?:http|git):\/\/([^/?#]*)(?:[/?#]|$)/i.exec(url);
  if (!m || /[^\x21-\x7e]|[\\%]/.test(m[1]!)) return undefined;
  // One `@` at most: `http://localhost@evil/` is a user name at evil; two are read apart by parsers.
  const parts = m[1]!.split('@');
  if (parts.length > 2) return undefined;
  const h = LOOPBACK_HOST.exec(parts[parts.length - 1]!);
  return h ? (h[1] ?? h[2] ?? h[3])!.toLowerCase() : undefined;
}

/** A URL's host as http.<url>.* keys name it (lower-cased, no user or port; undefined when unreadable). */
function keyHost(url: string): string | undefined {
  return /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/]*@)?(\[[^\]]*\]|[^/:?#]*)/i.exec(url)?.[1]?.toLowerCase();
}

/**
 * The proxy git hands libcurl for an http:// remote, or '' for none. git's http.c: remote.<name>.proxy
 * wins; else the http.proxy (http.<url>.proxy) config; else http_proxy, then all_proxy, then ALL_PROXY
 * (HTTP_PROXY is never read for http://); an empty value at any step means no proxy. A http.<url>.proxy
 * key that may match the URL (same host, a wildcard, unreadable) is taken as applying when it names a proxy.
 */
function httpProxy(url: string, remote: string, config: readonly ConfigEntry[], env: ProxyEnv): string {
  const own = effective(config, `remote.${remote}.proxy`);
  if (own) return own.value ?? 'true';
  const host = keyHost(url);
  let plain = false;
  for (const c of config) {
    if (c.key === 'http.proxy') plain = true;
    else {
      const m = /^http\.(.+)\.proxy$/.exec(c.key);
      const other = m ? keyHost(m[1]!) : null;
      if (other === null || (other !== undefined && other !== host && !other.includes('*'))) continue;
    }
    if (c.value !== '') return c.value ?? 'true';
  }
  if (plain) return '';
  return env.http_proxy ?? env.all_proxy ?? env.ALL_PROXY ?? '';
}

/**
 * Whether the no_proxy list git gives libcurl (no_proxy, else NO_PROXY) sends `host` direct, as every
 * libcurl reads it: `*` alone (not with blanks around it), or the host itself among the commas, blanks
 * and tabs (nothing else) trimmed; `localhost` also after a dot (a domain), never an address (libcurl
 * 7.86 on compares those as addresses: `.127.0.0.1` is none, and the proxy got the request).
 */
function notProxied(host: string, env: ProxyEnv): boolean {
  const list = env.no_proxy ?? env.NO_PROXY ?? '';
  if (list === '*') return true;
  return list.split(',').some((t) => {
    const token = t.replace(/^[ \t]+|[ \t]+$/g, '').toLowerCase();
    return token === host || (host === 'localhost' && token === '.localhost');
  });
}

/**
 * True when git connects to `url` (an http:// or git:// value of remote.<remote>.url/pushurl) on this
 * machine's loopback and nowhere else: no url.<base>.insteadOf/pushInsteadOf rewrites it, no
 * http.curloptResolve points a name elsewhere, and no proxy (http) or proxy command (git://) carries it.
 */
export function reachesLoopbackDirectly(
  url: string,
  remote: string,
  config: readonly ConfigEntry[],
  env: ProxyEnv,
): boolean {
  const host = loopbackHost(url);
  if (!host) return false;
  if (config.some((c) => /^url\..+\.(?:push)?insteadof$/.test(c.key) && url.startsWith(c.value ?? ''))) return false;
  if (config.some((c) => /^http\.(?:.+\.)?curloptresolve$/.test(c.key))) return false;
  if (/^git:/i.test(url)) return !env.GIT_PROXY_COMMAND && !config.some((c) => c.key === 'core.gitproxy');
  return httpProxy(url, remote, config, env) === '' || notProxied(host, env);
}
