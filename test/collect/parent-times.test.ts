// The floor of signing times (collect/parent-times.ts) against git's own dates: for each commit of a
// history with merges, commits dated back and one dated after the clock, the latest committer date
// not after the clock among its ancestors (git rev-list --parents --format=%ct, folded here). A walk of
// everything, a walk resumed from tips an earlier walk recorded (the checkpoint's reach) and a walk of
// only the new commits whose parents git reads (--base, pre-receive) give the same floor to each
// commit, and so does one whose reads stop at tips a checkpoint recorded. A replace ref in the audited
// repository (which git itself would follow) changes nothing.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inRun } from '../../src/collect/run-context.js';
import { loggingGit } from '../helpers/cli.js';
import { ParentTimes } from '../../src/collect/parent-times.js';
import { createShadow, type Shadow } from '../../src/collect/git.js';
import { ObjectReader } from '../../src/collect/objects.js';
import { OidIndex } from '../../src/domain/oid-index.js';
import type { CommitTrust } from '../../src/domain/trust.js';
import { cleanupTemp, makeRepo, type TestRepo } from '../helpers/repo.js';

const N = 300;
const NOW_S = 1_800_000_000;
let repo: TestRepo;
let shadow: Shadow;
let reader: ObjectReader;
/** Parents first, as the walk gives them: oid, parents, committer date. */
const order: Array<{ oid: string; parents: string[]; time: number }> = [];
const expected = new Map<string, number>(); // the floor git's dates give (0: none)

beforeAll(() => {
  repo = makeRepo();
  // A line of N commits with a merge every 7th of a side commit forked 20 back; dates mostly rising,
  // every 11th dated back a year (a rebase), one dated past the clock (a clock ahead).
  let seed = 46;
  const rand = (n: number): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
  const lines: string[] = [];
  const at = (i: number): number =>
    i === 150
      ? NOW_S + 86400 * 365
      : i % 11 === 0
        ? 1_700_000_000 + i * 1000 - 31_536_000
        : 1_700_000_000 + i * 1000 + rand(5000);
  for (let i = 1; i <= N; i += 1) {
    if (i % 7 === 0 && i > 20) {
      lines.push('commit refs/heads/side', `mark :${N + i}`, `committer a <a@example.com> ${at(i - 20) + 17} +0000`);
      lines.push('data 2', `s${i % 10}`, `from :${i - 20}`, '');
    }
    lines.push('commit refs/heads/main', `mark :${i}`, `committer a <a@example.com> ${at(i)} +0000`);
    lines.push('data 2', `c${i % 10}`, ...(i > 1 ? [`from :${i - 1}`] : []));
    if (i % 7 === 0 && i > 20) lines.push(`merge :${N + i}`);
    lines.push('');
  }
  repo.run(['fast-import', '--quiet'], { input: `${lines.join('\n')}\n` });
  const out = repo.run(['rev-list', '--topo-order', '--reverse', '--parents', '--format=%ct', 'main']);
  const rows = out.split('\n');
  for (let k = 0; k < rows.length; k += 2) {
    const [oid, ...parents] = rows[k]!.replace(/^commit /, '').split(' ');
    order.push({ oid: oid!, parents, time: Number(rows[k + 1]) });
  }
  // Git's answer folded: the latest date not after the clock among a commit and its ancestors.
  const reach = new Map<string, number>();
  for (const c of order) {
    const own = c.time <= NOW_S ? c.time : 0;
    const before = Math.max(0, ...c.parents.map((p) => reach.get(p)!));
    expected.set(c.oid, before);
    reach.set(c.oid, Math.max(own, before));
  }
  // The audited repository replaces an old commit by one dated far later: git follows it, the floor must not.
  const old = order[30]!.oid;
  const fake = repo.run(['commit-tree', '-m', 'fake', `${old}^{tree}`], {
    env: { GIT_COMMITTER_DATE: `@${NOW_S - 10} +0000` },
  });
  repo.run(['replace', old, fake]);
  shadow = createShadow(join(repo.dir, '.git'), 'sha1');
  reader = new ObjectReader(shadow);
});

afterAll(() => {
  reader.close();
  shadow.dispose();
  cleanupTemp();
});

/** Walks `commits` parents first, as the trust collector does; each commit's floor (0: none). */
async function floors(times: ParentTimes, commits: typeof order): Promise<Map<string, number>> {
  const got = new Map<string, number>();
  for (const c of commits) {
    times.record(c.oid, c.time, c.parents);
    const trust = {} as CommitTrust;
    await times.floor(trust, c.parents);
    got.set(c.oid, trust.madeAfter ?? 0);
  }
  return got;
}

test('the history is as built: merges, commits dated back, one dated after the clock', () => {
  expect(order.length).toBeGreaterThan(N);
  expect(order.some((c) => c.parents.length === 2)).toBe(true);
  expect(order.filter((c) => c.time > NOW_S)).toHaveLength(1);
  // The floor differs from the direct parents' latest date somewhere (the attack's shape).
  const direct = (c: (typeof order)[number]): number =>
    Math.max(0, ...c.parents.map((p) => order.find((o) => o.oid === p)!.time).filter((t) => t <= NOW_S));
  expect(order.filter((c) => direct(c) < expected.get(c.oid)!).length).toBeGreaterThan(10);
});

test('a full walk floors each commit at its latest ancestor date not after the clock', async () => {
  const got = await floors(new ParentTimes(new OidIndex(), () => reader, NOW_S * 1000), order);
  expect(got).toEqual(expected);
});

test('a walk resumed at a recorded tip, and one whose parents outside it git reads, floor the same', async () => {
  const cut = 200;
  const full = new ParentTimes(new OidIndex(), () => reader, NOW_S * 1000);
  await floors(full, order.slice(0, cut));
  const inside = new Set(order.slice(0, cut).map((c) => c.oid));
  const rest = order.slice(cut);
  const want = new Map(rest.map((c) => [c.oid, expected.get(c.oid)!]));
  // Resumed: the old walk's tips (every commit of it a later one names) with their recorded reach.
  const resumed = new ParentTimes(new OidIndex(), () => reader, NOW_S * 1000);
  for (const p of new Set(rest.flatMap((c) => c.parents).filter((p) => inside.has(p))))
    resumed.assume(p, full.recorded(p)!);
  expect(await floors(resumed, rest)).toEqual(want);
  // Read from git: nothing assumed (the --base and pre-receive walks).
  expect(await floors(new ParentTimes(new OidIndex(), () => reader, NOW_S * 1000), rest)).toEqual(want);
});

test('tags: reachOf a commit counts its own date too; a date after the clock counts once the clock reaches it', async () => {
  const times = new ParentTimes(new OidIndex(), () => reader, NOW_S * 1000);
  const ahead = order.find((c) => c.time > NOW_S)!;
  expect(await times.reachOf(ahead.oid)).toBe(expected.get(ahead.oid));
  const later = new ParentTimes(new OidIndex(), () => reader, (ahead.time + 1) * 1000);
  expect(await later.reachOf(ahead.oid)).toBe(ahead.time);
  const last = order[order.length - 1]!;
  expect(await times.reachOf(last.oid)).toBe(Math.max(expected.get(last.oid)!, last.time));
});

test('many commits outside the walk asked for at once (a push of many branches) are read by one git log, each floored alone', async () => {
  const times = new ParentTimes(new OidIndex(), () => reader, NOW_S * 1000);
  const own = (c: (typeof order)[number]): number => (c.time <= NOW_S ? c.time : 0);
  // Every commit at once, newest first (an ancestor asked for beside its descendants).
  const asked = [...order].reverse();
  const got = await Promise.all(asked.map((c) => times.reachOf(c.oid)));
  expect(got).toEqual(asked.map((c) => Math.max(own(c), expected.get(c.oid)!) || undefined));
  // Two branches' tips whose histories part: each keeps its own latest date, not the other's.
  const side = order.filter((c) => c.parents.length === 0 || c.oid !== order[order.length - 1]!.oid);
  const forkTip = side.find((c) => c.parents.length === 1 && order.some((o) => o.parents[1] === c.oid))!;
  const fresh = new ParentTimes(new OidIndex(), () => reader, NOW_S * 1000);
  const [a, b] = await Promise.all([fresh.reachOf(forkTip.oid), fresh.reachOf(order[order.length - 1]!.oid)]);
  expect(a).toBe(Math.max(own(forkTip), expected.get(forkTip.oid)!));
  expect(b).toBeGreaterThan(a!);
});

test("a walk whose parents outside it git reads stops at the checkpoint's tips (carried-reach.ts), and floors the same", async () => {
  const full = new ParentTimes(new OidIndex(), () => reader, NOW_S * 1000);
  await floors(full, order);
  const cut = 200;
  const rest = order.slice(cut);
  const want = new Map(rest.map((c) => [c.oid, expected.get(c.oid)!]));
  // Recorded tips that are not the new commits' parents: ancestors of them (the read stops there), a
  // side commit (a boundary that is no tip: read whole), one after the cut (it holds the parents: read
  // whole) and one git cannot name (the log fails: read whole, without stops).
  const sideCommit = order.slice(0, cut).find((c) => order.some((o) => o.parents[1] === c.oid))!;
  const tips = [order[60]!, order[120]!, order[cut - 5]!, sideCommit, order[cut + 30]!];
  const { git, log } = loggingGit(repo.home);
  for (const withBogus of [false, true]) {
    writeFileSync(log, '');
    const carried = new ParentTimes(new OidIndex(), () => reader, NOW_S * 1000);
    for (const t of tips) carried.assume(t.oid, full.recorded(t.oid)!, true);
    if (withBogus) carried.assume('1'.repeat(40), NOW_S - 5, true);
    expect(await inRun({ gitBinary: git }, () => floors(carried, rest))).toEqual(want);
    const logged = readFileSync(log, 'utf8');
    expect(logged).toMatch(/ log .*--boundary/);
    expect(logged).toContain(`^${order[cut - 5]!.oid}`);
  }
});
