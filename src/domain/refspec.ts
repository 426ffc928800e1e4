// Fetch refspecs read as git reads them (refspec.c parse_refspec, remote.c match_name_with_pattern,
// query_refspecs and query_matches_negative_refspec), to tell where a remote-tracking ref came from:
// only a branch or tag of the remote pushed to is a record of published history. A forge's own refs
// fetched beside them (+refs/pull/*/head:refs/remotes/origin/pr/*, GitLab's refs/merge-requests/*/head)
// hold a contributor's commits that no one has judged.

import type { ConfigEntry } from './model.js';

/** Every configured remote's fetch refspecs, by remote name, in the order git reads them (the config listing). */
export function fetchRefspecs(config: readonly ConfigEntry[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const e of config) {
    const m = /^remote\.(.+)\.fetch$/s.exec(e.key);
    if (!m || e.value === null) continue;
    out.set(m[1]!, [...(out.get(m[1]!) ?? []), e.value]);
  }
  return out;
}

interface Refspec {
  negative: boolean;
  src: string;
  dst?: string;
  pattern: boolean;
}

/** One fetch refspec as git's parse_refspec takes it, or undefined where git refuses it (git fetch dies). */
function parseRefspec(raw: string): Refspec | undefined {
  let spec = raw;
  const negative = spec.startsWith('^');
  if (negative) spec = spec.slice(1);
  else if (spec.startsWith('+')) spec = spec.slice(1);
  const colon = spec.lastIndexOf(':');
  const src = colon < 0 ? spec : spec.slice(0, colon);
  const dst = colon < 0 ? undefined : spec.slice(colon + 1);
  const stars = (s: string) => s.split('*').length - 1;
  // A pattern has one '*' on each side; a negative refspec has no destination.
  if (stars(src) > 1 || (dst !== undefined && stars(dst) > 1)) return undefined;
  const pattern = stars(src) === 1;
  if (negative && (dst !== undefined || !src)) return undefined;
  if (dst !== undefined && dst !== '' && (stars(dst) === 1) !== pattern) return undefined;
  return { negative, src, ...(dst ? { dst } : {}), pattern };
}

/** git's match_name_with_pattern: `name` against `key` (one '*'), the match put in place of value's '*'. */
function matchPattern(key: string, name: string, value?: string): string | undefined {
  const star = key.indexOf('*');
  const prefix = key.slice(0, star);
  const suffix = key.slice(star + 1);
  if (!name.startsWith(prefix) || name.length < prefix.length + suffix.length || !name.endsWith(suffix))
    return undefined;
  if (value === undefined) return name;
  const v = value.indexOf('*');
  return value.slice(0, v) + name.slice(prefix.length, name.length - suffix.length) + value.slice(v + 1);
}

/** The remote refs a fetch with these refspecs stores as `tracking` (the reverse of each refspec). */
function sourcesOf(specs: readonly Refspec[], tracking: string): string[] {
  const out: string[] = [];
  for (const s of specs) {
    if (s.negative || !s.dst) continue;
    if (s.pattern) {
      const src = matchPattern(s.dst, tracking, s.src);
      if (src !== undefined) out.push(src);
    } else if (s.dst === tracking) out.push(s.src);
  }
  return out;
}

/** git's omit_name_by_refspec: a negative refspec leaves the remote ref out of every fetch. */
const omitted = (specs: readonly Refspec[], name: string): boolean =>
  specs.some((s) => s.negative && (s.pattern ? matchPattern(s.src, name) !== undefined : s.src === name));

/**
 * The remote-tracking refs (of `names`) that record a branch or tag of `remote`: its fetch refspecs
 * map the ref back only to refs/heads/* or refs/tags/* (a short source like `main` is left out: git
 * reads it by its DWIM rules, which may find refs/pull/...), none of them a source a negative refspec
 * leaves out, and no other remote's refspecs store there (which remote wrote it cannot be told).
 * `fetch` holds every remote's fetch refspecs as configured.
 */
export function branchTracking(
  fetch: ReadonlyMap<string, readonly string[]>,
  remote: string,
  names: readonly string[],
): string[] {
  const specs = new Map([...fetch].map(([r, raw]) => [r, raw.flatMap((s) => parseRefspec(s) ?? [])]));
  const own = specs.get(remote) ?? [];
  return names.filter((name) => {
    for (const [r, s] of specs) if (r !== remote && sourcesOf(s, name).length) return false;
    const sources = sourcesOf(own, name);
    return (
      sources.length > 0 &&
      sources.every((src) => /^refs\/(heads|tags)\/./s.test(src) && !src.includes('*') && !omitted(own, src))
    );
  });
}

/** A remote-tracking ref that a pushed ref's line shows stale: git read `has` from the remote itself
 *  (the pre-push hook's remote sha, all zeroes when the remote has no such ref) while the ref still
 *  records `was` from the last fetch. */
export interface StaleTracking {
  name: string;
  was: string;
  has: string;
}

/**
 * The remote-tracking refs (of `tracking`, already known to record `remote`'s branches and tags) whose
 * remote ref a pushed line names with another sha: the remote was rewritten, moved or deleted it since
 * the last fetch, so what the ref records is no longer what the remote has.
 */
export function staleTracking(
  fetch: ReadonlyMap<string, readonly string[]>,
  remote: string,
  tracking: readonly { name: string; oid: string }[],
  lines: readonly { remoteRef: string; remoteSha: string }[],
): StaleTracking[] {
  const own = (fetch.get(remote) ?? []).flatMap((s) => parseRefspec(s) ?? []);
  const has = new Map(lines.map((l) => [l.remoteRef, l.remoteSha])); // not a scan per ref: git push --all beside as many refs
  const out: StaleTracking[] = [];
  for (const t of tracking)
    for (const src of sourcesOf(own, t.name)) {
      const sha = has.get(src);
      if (sha === undefined || sha === t.oid) continue;
      out.push({ name: t.name, was: t.oid, has: sha });
      break;
    }
  return out;
}
