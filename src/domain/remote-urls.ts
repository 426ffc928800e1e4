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

/** One URL git uses for a remote, and the config entry (remote.<name>.url or pushurl) it comes from. */
export interface UsedUrl {
  readonly remote: string;
  readonly entry: ConfigEntry;
  /** The entry's value rewritten as git rewrites it for this use (the value itself where nothing matches). */
  readonly url: string;
  readonly use: 'fetch' | 'push';
}

/**
 * Every URL git fetches from or pushes to for the remotes the config names (remote.<name>.url /
 * pushurl), in git's order, each with the entry it comes from. A value-less key makes git refuse the
 * whole config, so it is skipped. An empty url is kept as git 2.39 keeps it (git 2.46 clears the
 * list there instead): either way a URL with no host is read, which pins no host.
 */
export function usedUrls(config: readonly ConfigEntry[]): UsedUrl[] {
  const fetchRewrites: Rewrites = { bases: new Map() };
  const pushRewrites: Rewrites = { bases: new Map() };
  const remotes = new Map<string, { url: ConfigEntry[]; pushurl: ConfigEntry[] }>();
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
    r[m[2] as 'url' | 'pushurl'].push(e);
    remotes.set(m[1]!, r);
  }
  const out: UsedUrl[] = [];
  for (const [remote, r] of remotes) {
    const as = (entry: ConfigEntry, rw: Rewrites, use: UsedUrl['use']): UsedUrl => ({
      remote,
      entry,
      url: rewrite(entry.value!, rw) ?? entry.value!,
      use,
    });
    const fetch = r.url.map((e) => as(e, fetchRewrites, 'fetch'));
    const pushAliases = r.url.filter((e) => rewrite(e.value!, pushRewrites) !== undefined);
    const push = r.pushurl.length
      ? r.pushurl.map((e) => as(e, fetchRewrites, 'push'))
      : pushAliases.length
        ? pushAliases.map((e) => as(e, pushRewrites, 'push'))
        : r.url.map((e) => as(e, fetchRewrites, 'push'));
    out.push(...fetch, ...push);
  }
  return out;
}

/** Every remote the config names, with the URLs git fetches from and pushes to (usedUrls). */
export function remoteUrls(config: readonly ConfigEntry[]): Map<string, RemoteUrls> {
  const out = new Map<string, { fetch: string[]; push: string[] }>();
  for (const u of usedUrls(config)) {
    const r = out.get(u.remote) ?? { fetch: [], push: [] };
    r[u.use].push(u.url);
    out.set(u.remote, r);
  }
  return out;
}
