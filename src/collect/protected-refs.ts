// Facts about protected refs against the ledger: which refs are protected (policy globs, or the
// default: the default branch and every tag), what the ledger recorded for each, what each points at now,
// and, for a branch whose tip no longer descends from its recorded tip, which commits vanished.
// Ancestry runs in the shadow git dir: one `merge-base --is-ancestor` per moved ref, and one
// `rev-list --count` plus one short `log` per rewritten ref (never a process per commit).
import { join } from 'node:path';
import type { HistoryFacts, RepositoryInfo } from '../domain/model.js';
import { GitError } from '../errors.js';
import { gitText, runGit, type Shadow } from './git.js';
import { readLedger, ledgerPath, LedgerError, type Ledger } from './ledger.js';
import { remoteRecordConfig } from './remote-config.js';
import { readReflog, remoteTips, ZERO } from './remote-record.js';
import { floatingMove } from './floating-move.js';
import { isAncestor } from './ancestry.js';
import { readParents } from './commit-parents.js';
import type { ObjectReader } from './objects.js';
import {
  defaultProtectedRefs,
  refGlob,
  type Glob,
  type LedgerFacts,
  type LostCommit,
  type ProtectedRef,
  type ReflogEntry,
} from '../domain/ledger.js';

const LOST_SAMPLE = 5;
const REFLOG_ENTRIES = 50;

export function protectionOf(name: string, globs: readonly Glob[]): ProtectedRef['kind'] | undefined {
  const matches = (n: string): boolean => globs.some((g) => g.test(n));
  if (name.startsWith('refs/tags/')) return matches(name) ? 'tag' : undefined;
  if (name.startsWith('refs/heads/')) return matches(name) ? 'branch' : undefined;
  const m = /^refs\/remotes\/[^/]+\/(.+)$/s.exec(name);
  if (m && m[1] !== 'HEAD') return matches(`refs/heads/${m[1]}`) || matches(name) ? 'remote' : undefined;
  return matches(name) ? 'branch' : undefined;
}

const kindOf = (name: string): ProtectedRef['kind'] =>
  name.startsWith('refs/tags/') ? 'tag' : name.startsWith('refs/remotes/') ? 'remote' : 'branch';

/** Commits reachable from `from` but not from any of `not`: the count and the first few. */
export async function lostCommits(
  shadow: Shadow,
  from: string,
  not: string[],
  sample = LOST_SAMPLE,
): Promise<{ lost: number; commits: LostCommit[] }> {
  const excl = not.filter((n) => !ZERO.test(n)).map((n) => `^${n}`);
  const count = Number(
    await gitText(['rev-list', '--count', '--end-of-options', from, ...excl], {
      gitDir: shadow.gitDir,
      timeoutMs: 120_000,
    }),
  );
  const out = await gitText(
    [
      'log',
      '--no-decorate',
      '--no-show-signature',
      `-n${sample}`,
      '-z',
      '--format=%H%x00%an <%ae>%x00%s',
      '--end-of-options',
      from,
      ...excl,
    ],
    { gitDir: shadow.gitDir, timeoutMs: 60_000 },
  );
  const parts = out.split('\0');
  const commits: LostCommit[] = [];
  for (let i = 0; i + 2 < parts.length; i += 3) {
    const oid = parts[i]?.trim();
    if (!oid) break;
    commits.push({ oid, author: parts[i + 1] ?? '', subject: parts[i + 2] ?? '' });
  }
  return { lost: count, commits };
}

/**
 * The parents of each of `oids` that is a commit, as git sees them (grafts, shallow boundary): one
 * rev-list for all. Empty when git cannot tell (a damaged object, a git without these options): the
 * caller asks merge-base.
 */
async function parentsOf(shadow: Shadow, oids: string[], reader?: ObjectReader): Promise<Map<string, string[]>> {
  if (reader) return readParents(reader, shadow, oids); // the run's cat-file (commit-parents.ts)
  const parents = new Map<string, string[]>();
  if (!oids.length) return parents;
  const r = await runGit(['rev-list', '--no-walk=unsorted', '--parents', '--ignore-missing', '--stdin'], {
    gitDir: shadow.gitDir,
    input: `${oids.join('\n')}\n`,
    okCodes: [128, 129],
    timeoutMs: 60_000,
  });
  if (r.code !== 0) return parents;
  for (const line of r.stdout.toString('utf8').split('\n')) {
    const [oid, ...rest] = line.split(' ');
    if (oid) parents.set(oid, rest);
  }
  return parents;
}

/** How many commits `from` reaches that none of `not` does: one rev-list, the tips on stdin. */
async function countReachable(shadow: Shadow, from: string, not: string[]): Promise<number> {
  const input = [from, ...not.map((t) => `^${t}`)].join('\n') + '\n';
  return Number(
    await gitText(['rev-list', '--count', '--stdin'], { gitDir: shadow.gitDir, input, timeoutMs: 120_000 }),
  );
}

/** Is `oid` reachable from one of `tips`? One rev-list, tips on stdin (a clone may have thousands). */
async function reachableFrom(shadow: Shadow, oid: string, tips: string[]): Promise<boolean | undefined> {
  const r = await runGit(['rev-list', '--max-count=1', '--stdin'], {
    gitDir: shadow.gitDir,
    input: [oid, ...tips.map((t) => `^${t}`)].join('\n') + '\n',
    okCodes: [128],
    timeoutMs: 120_000,
  });
  // rev-list prints oid unless a tip excludes it; undefined (the entry counts) when git cannot tell.
  return r.code === 0 ? r.stdout.toString('utf8').trim() === '' : undefined;
}

/**
 * Which reflog entries record a forced update. Precise rule: an entry whose old and new are both
 * commits and whose new does not descend from old (old is one of new's parents, or else
 * merge-base --is-ancestor says so, once per distinct pair). Creations (old = 0) and deletions (new = 0) are not updates. When ancestry cannot
 * be checked (old object pruned), the message decides: "forced-update", "reset: moving to", "rebase".
 */
async function forcedEntries(
  shadow: Shadow,
  repo: RepositoryInfo,
  refs: string[],
  published: string[],
  since = -Infinity,
  reader?: ObjectReader,
): Promise<ReflogEntry[]> {
  const out: ReflogEntry[] = [];
  const seen = new Map<string, boolean | undefined>();
  const shared = new Map<string, boolean | undefined>();
  // The newest entries only. Most record a commit made on top of the old tip (commit, merge,
  // cherry-pick, a one-commit pull): old is a parent of new, which one rev-list reads for every
  // entry at once; any other pair costs one merge-base.
  const entries = refs.map((ref) => {
    const file = join(repo.commonDir, 'logs', ref);
    const moves = readReflog(file, repo.objectFormat)
      .slice(-REFLOG_ENTRIES)
      .filter((e) => !ZERO.test(e.old) && !ZERO.test(e.new) && e.old !== e.new);
    return { ref, file, moves };
  });
  const parents = await parentsOf(shadow, [...new Set(entries.flatMap((r) => r.moves.map((e) => e.new)))], reader);
  for (const { ref, file, moves } of entries) {
    for (const e of moves) {
      const key = `${e.old} ${e.new}`;
      if (!seen.has(key))
        seen.set(key, parents.get(e.new)?.includes(e.old) ? true : await isAncestor(shadow, e.old, e.new));
      const anc = seen.get(key);
      let why: string | undefined;
      // Amending or resetting a local branch's commits before they were pushed rewrites nothing
      // published: its old tip is in no remote-tracking ref and no tip the ledger recorded. A
      // remote-tracking ref's own entries (a forced fetch) always count; with nothing published to
      // compare with (no remote, no ledger), every entry does.
      if (anc === false && ref.startsWith('refs/heads/') && published.length && since <= e.time) {
        if (!shared.has(e.old)) shared.set(e.old, await reachableFrom(shadow, e.old, published));
        if (shared.get(e.old) === false) continue;
      }
      if (anc === false) why = 'the new tip does not descend from the old one';
      else if (anc === undefined && /forced-update|reset: moving to|rebase/.test(e.message))
        why = `the message says so (old tip ${e.old.slice(0, 12)} is no longer in the repository)`;
      if (why) out.push({ ref, file, ...e, why });
    }
  }
  return out;
}

export async function collectLedgerFacts(
  repo: RepositoryInfo,
  history: HistoryFacts,
  shadow: Shadow,
  policyGlobs?: string[],
  baseOid?: string,
  baseUnprotected?: string,
  floatingGlobs: string[] = [],
  reader?: ObjectReader,
): Promise<LedgerFacts> {
  const file = ledgerPath(repo.commonDir);
  const globs = policyGlobs?.length ? policyGlobs : defaultProtectedRefs(history, repo.bare);
  const globSource = policyGlobs?.length ? 'policy' : 'default';
  const res = globs.map(refGlob);
  let ledger: Ledger | undefined;
  let damaged: string | undefined;
  try {
    ledger = readLedger(repo.commonDir);
  } catch (err) {
    if (!(err instanceof LedgerError)) throw err;
    damaged = err.message;
  }
  const byName = new Map<string, ProtectedRef>();
  for (const r of history.refs) {
    const kind = protectionOf(r.name, res);
    if (kind) byName.set(r.name, { name: r.name, kind, current: r.oid });
  }
  // Once recorded, a ref stays protected until `gitguard ledger accept` records its deletion.
  // By name, not a scan of the refs per recorded ref: 200,000 recorded tags took 500 s so.
  const listed = new Map(history.refs.map((r) => [r.name, r]));
  for (const [name, e] of Object.entries(ledger?.refs ?? {})) {
    const now = listed.get(name);
    const p = byName.get(name) ?? { name, kind: kindOf(name), ...(now ? { current: now.oid } : {}) };
    p.recorded = e.oid;
    byName.set(name, p);
  }
  const refs = [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  // --base on a branch nothing protects (a CI push pipeline of a topic branch): HEAD need not descend from it.
  const base: ProtectedRef | undefined =
    baseOid && !baseUnprotected
      ? { name: 'HEAD', kind: 'branch', recorded: baseOid, ...(history.head.oid ? { current: history.head.oid } : {}) }
      : undefined;
  // A local branch's commits that no remote ever had were never published: an audit that recorded
  // them and an amend or reset after it rewrite nothing published (a clone with remotes only: a work
  // tree, or a bare repository with linked worktrees; never a server).
  const tracking = history.refs.filter((r) => r.name.startsWith('refs/remotes/') && !r.name.endsWith('/HEAD'));
  const clone = !repo.bare || !!repo.linkedWorktrees;
  const config = clone && tracking.length ? await remoteRecordConfig(repo) : undefined;
  const record = clone ? remoteTips(repo, tracking, ledger, config?.logged ?? false) : undefined;
  const remote = record?.tips ?? [];
  if (record && remote.length && config?.untracked) record.since = Infinity;
  // A floating tag (v1 moved to each v1.x release) may move forward: the rule asks who moved it.
  const floating = floatingGlobs.map(refGlob);
  for (const p of refs) {
    if (p.kind !== 'tag' || !p.recorded || !p.current || p.recorded === p.current) continue;
    if (!floating.some((g) => g.test(p.name))) continue;
    p.floating = await floatingMove(shadow, p.recorded, p.current);
  }
  for (const p of base ? [...refs, base] : refs) {
    if (p.kind === 'tag' || !p.recorded || !p.current || p.recorded === p.current) continue;
    let anc: boolean | undefined;
    try {
      anc = await isAncestor(shadow, p.recorded, p.current);
    } catch (err) {
      if (!(err instanceof GitError)) throw err;
    }
    if (anc === true) continue;
    if (anc === undefined) {
      p.rewritten = { lost: 0, commits: [], recordedMissing: true };
      continue;
    }
    const lost = await lostCommits(shadow, p.recorded, [p.current]);
    // Only while the remotes' record is whole since the ledger recorded the tip (else it may have been lost).
    const recordedAt = ledger?.refs[p.name] && Date.parse(ledger.refs[p.name]!.recordedAt) / 1000;
    let recordFrom: number | undefined;
    if (p !== base && p.name.startsWith('refs/heads/') && remote.length) {
      const unpushed = (await countReachable(shadow, p.recorded, [p.current, ...remote])) === lost.lost;
      if (unpushed && record!.since <= (recordedAt || 0)) continue;
      if (unpushed && Number.isFinite(record!.since)) recordFrom = record!.since;
    }
    p.rewritten = recordFrom === undefined ? lost : { ...lost, recordFrom };
  }
  // With remotes, what they had is what was published; without, every tip the ledger recorded is.
  const published = remote.length
    ? remote
    : [
        ...new Set([
          ...history.refs.filter((r) => r.name.startsWith('refs/remotes/')).map((r) => r.oid),
          ...Object.values(ledger?.refs ?? {}).map((e) => e.oid),
        ]),
      ];
  const forcedUpdates = await forcedEntries(
    shadow,
    repo,
    refs.filter((p) => p.kind !== 'tag' && p.current).map((p) => p.name),
    published,
    remote.length ? record!.since : -Infinity,
    reader,
  );
  return {
    file,
    ...(damaged ? { damaged } : {}),
    fresh: !ledger && !damaged,
    globs,
    globSource,
    refs,
    ...(ledger?.trustRoot ? { trustRoot: ledger.trustRoot } : {}),
    forcedUpdates,
    ...(base ? { base } : {}),
    ...(baseUnprotected ? { baseUnprotected } : {}),
  };
}
