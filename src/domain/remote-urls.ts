// The URLs git fetches from and pushes to for each configured remote, read from the config listing as
// git's remote.c reads them: every url.<base>.insteadOf rewrites a URL that starts with its value
// (the longest value wins; of equal ones, the first base git read), pushInsteadOf does so for pushes
// only, and a remote's push goes to its pushurls (insteadOf applied), else to its urls that a
// pushInsteadOf rewrites, else to its urls. `git remote get-url --all` / `--push --all` answer the
// same (test/collect/remote-urls.test.ts). Every rule that needs a remote's host reads it here.
import type { ConfigEntry } from './model.js';

export interface RemoteUrls {
  /** What `git fetch <remote>` reads: the first; `git remote get-url --all` lists them all. */
  readonly fetch: readonly string[];
  /** Where `git push <remote>` writes (`git remote get-url --push --all`). */
  readonly push: readonly string[];
}

interface Rewrites {
  /** Base → the prefixes it stands in for, bases in the order git first read them. */
  readonly bases: Map<string, string[]>;
}

/** `url` rewritten by the longest prefix any base stands in for (the first base read, of equal ones), or undefined. */
function rewrite(url: string, r: Rewrites): string | undefined {
  let best: { base: string; len: number } | undefined;
  for (const [base, prefixes] of r.bases)
    for (const p of prefixes) if (url.startsWith(p) && (!best || p.length > best.len)) best = { base, len: p.length };
  return best && best.base + url.slice(best.len);
}

/**
 * Every remote the config names (remote.<name>.url / pushurl), with the URLs git uses for it. A
 * remote with no url git cannot fetch from (`fetch` empty). A value-less key makes git refuse the
 * whole config, so it is skipped. An empty url is kept as git 2.39 keeps it (git 2.46 clears the
 * list there instead): either way a URL with no host is read, which pins no host.
 */
export function remoteUrls(config: readonly ConfigEntry[]): Map<string, RemoteUrls> {
  const fetchRewrites: Rewrites = { bases: new Map() };
  const pushRewrites: Rewrites = { bases: new Map() };
  const remotes = new Map<string, { url: string[]; pushurl: string[] }>();
  for (const e of config) {
    if (e.value === null) continue;
    const rw = /^url\.(.*)\.(insteadof|pushinsteadof)$/s.exec(e.key);
    if (rw) {
      const bases = (rw[2] === 'insteadof' ? fetchRewrites : pushRewrites).bases;
      bases.set(rw[1]!, [...(bases.get(rw[1]!) ?? []), e.value]);
      continue;
    }
    const m = /^remote\.(.+)\.(url|pushurl)$/s.exec(e.key);
    // git ignores a remote whose name starts with '/' ("config remote shorthand cannot begin with '/'").
    if (!m || m[1]!.startsWith('/')) continue;
    const r = remotes.get(m[1]!) ?? { url: [], pushurl: [] };
    r[m[2] as 'url' | 'pushurl'].push(e.value);
    remotes.set(m[1]!, r);
  }
  const out = new Map<string, RemoteUrls>();
  for (const [name, r] of remotes) {
    const fetch = r.url.map((u) => rewrite(u, fetchRewrites) ?? u);
    const pushAliases = r.url.flatMap((u) => rewrite(u, pushRewrites) ?? []);
    const push = r.pushurl.length
      ? r.pushurl.map((u) => rewrite(u, fetchRewrites) ?? u)
      : pushAliases.length
        ? pushAliases
        : fetch;
    out.set(name, { fetch, push });
  }
  return out;
}
