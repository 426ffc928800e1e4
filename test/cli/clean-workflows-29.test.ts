// Clean workflows 29: what round 24 made stricter, on the projects that did nothing wrong.
// - Round 24 reads a reflog over 8 MiB from its end. A long-lived clone fetching every minute passes
//   that in weeks (origin/main's reflog ~60,000 fast-forward entries): the remotes' record must still
//   reach back to before the audit, so amending a commit the audit recorded but never pushed passes
//   as it does with a short reflog of the same events. A gap in that long record still fails.
// - Round 24's checkpoint v5 walks everything for a tip it did not record: `git checkout -b topic
//   <old commit>` then `audit --all` gives the same verdicts.
import { execFileSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readReflog } from '../../src/collect/remote-record.js';
import { cleanupTemp, makeRepo, tempDir, type TestRepo } from '../helpers/repo.js';
import { makeSshKey, type SshTestKey } from '../helpers/ssh.js';
import { sshSigningRepo } from '../helpers/signing-repo.js';
import { auditRules, HISTORY_RULES, parseJson, resultOf, runMain } from '../helpers/cli.js';

let alice: SshTestKey;
beforeAll(() => {
  alice = makeSshKey(tempDir(), 'ed25519', 'alice');
});
afterAll(cleanupTemp);

const LATER = { GIT_COMMITTER_DATE: '2035-01-01T00:00:00Z' };
const LATER_S = Date.parse(LATER.GIT_COMMITTER_DATE) / 1000;

type Git = (args: string[], env?: Record<string, string>, input?: string) => string;

/** git in the clone `dir`, signing as alice. */
const gitIn =
  (dir: string, env: NodeJS.ProcessEnv): Git =>
  (args, extra = {}, input) =>
    execFileSync(
      'git',
      ['-c', 'gpg.format=ssh', '-c', `user.signingkey=${alice.path}`, '-c', 'commit.gpgSign=true', ...args],
      {
        cwd: dir,
        env: { ...env, ...extra },
        encoding: 'utf8',
        input,
        maxBuffer: 64 << 20,
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    ).trim();

interface Clone {
  r: TestRepo;
  dir: string;
  git: Git;
}

/** A clone that fetched once, with an unpushed commit on main. */
function busyClone(): Clone {
  const r = sshSigningRepo(alice);
  r.commit('work', { 'src/a.txt': 'a\n' });
  const upstream = join(tempDir(), 'origin.git');
  r.run(['clone', '-q', '--bare', r.dir, upstream]);
  const dir = join(tempDir(), 'clone');
  r.run(['clone', '-q', upstream, dir]);
  const git = gitIn(dir, r.env);
  r.run(['commit', '-q', '--allow-empty', '-m', 'upstream']);
  execFileSync('git', ['push', '-q', upstream, 'HEAD:refs/heads/main'], { cwd: r.dir, env: r.env });
  git(['fetch', '-q', 'origin']);
  git(['commit', '-q', '--allow-empty', '-m', 'mine, never pushed']);
  return { r, dir, git };
}

/** The clone (its remote the same upstream) copied to a folder of its own. */
function copyClone(c: Clone): Clone {
  const dir = join(tempDir(), 'clone');
  cpSync(c.dir, dir, { recursive: true });
  return { r: c.r, dir, git: gitIn(dir, c.r.env) };
}

/** `n` fast-forwards of origin/main: a chain of real commits by fast-import, one a minute; their ids in order. */
function fetchedChain(c: Clone, n: number): { tip: string; chain: string[] } {
  const tip = c.git(['rev-parse', 'refs/remotes/origin/main']);
  let stream = '';
  for (let i = 1; i <= n; i += 1)
    stream += `commit refs/gg/chain\nmark :${i}\ncommitter ${WHO} ${LATER_S + i * 60} +0000\ndata 0\n${
      i === 1 ? `from ${tip}\n` : ''
    }\n`;
  c.git(['fast-import', '--quiet', `--export-marks=${join(c.dir, '.git', 'marks')}`], {}, stream);
  const marks = new Map(
    readFileSync(join(c.dir, '.git', 'marks'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => [Number(l.slice(1, l.indexOf(' '))), l.slice(l.indexOf(' ') + 1)] as const),
  );
  c.git(['update-ref', '-d', 'refs/gg/chain']);
  return { tip, chain: Array.from({ length: n }, (_, k) => marks.get(k + 1)!) };
}

/** The fetches recorded: origin/main's reflog written in git's format, as git would, `gap` entries left out in the middle. */
function recordFetches(dir: string, { tip, chain }: { tip: string; chain: string[] }, gap: number): void {
  const n = chain.length;
  let log = '';
  let prev = tip;
  const skip = new Set(Array.from({ length: gap }, (_, k) => Math.floor(n / 2) + k));
  for (let i = 1; i <= n; i += 1) {
    const next = chain[i - 1]!;
    if (!skip.has(i)) log += `${prev} ${next} ${WHO} ${LATER_S + i * 60} +0000\tfetch: fast-forward\n`;
    prev = next;
  }
  appendFileSync(join(dir, '.git', 'logs', 'refs', 'remotes', 'origin', 'main'), log);
  // The ref as the last fetch left it (a loose ref), without logging an entry of its own.
  mkdirSync(join(dir, '.git', 'refs', 'remotes', 'origin'), { recursive: true });
  writeFileSync(join(dir, '.git', 'refs', 'remotes', 'origin', 'main'), `${prev}\n`);
}
const WHO = 'Test User <test@example.com>';

const audit = async (dir: string, env: NodeJS.ProcessEnv) => {
  const { code, report } = await auditRules(dir, env, HISTORY_RULES, true);
  return {
    code,
    rewritten: resultOf(report, 'protected-refs-not-rewritten').outcome,
    forced: resultOf(report, 'reflog-no-forced-updates').outcome,
  };
};

/** A busy clone audited, then `fetches` fetches arrived: its objects (the reflog is written by each user). */
async function auditedThenFetched(fetches: number) {
  const c = busyClone();
  expect((await audit(c.dir, c.r.env)).code).toBe(0);
  return { c, fetched: fetchedChain(c, fetches) };
}
// The clone of 60,000 fetches, made, audited and fetched into once for the file (fast-import of
// 60,000 commits, three times before); each test writes its reflog into a copy of its own: the
// first `fetches` of them (a short run: the chain's first 100, the rest in the object store on no
// ref and in no reflog), `gap` entries left out.
let long: ReturnType<typeof auditedThenFetched> | undefined;
async function longClone(gap = 0, fetches = 60_000): Promise<Clone> {
  const { c, fetched } = await (long ??= auditedThenFetched(60_000));
  const copy = copyClone(c);
  recordFetches(copy.dir, { tip: fetched.tip, chain: fetched.chain.slice(0, fetches) }, gap);
  return copy;
}

/** The commit the audit recorded, never pushed, amended after the fetches: the second audit's verdict. */
async function amend(c: Clone) {
  c.git(['commit', '-q', '--amend', '--allow-empty', '-m', 'mine, amended'], LATER);
  return { c, verdict: await audit(c.dir, c.r.env) };
}

test('a reflog of 60,000 fetches over 8 MiB is read as git reads it', async () => {
  const c = await longClone();
  const file = join(c.dir, '.git', 'logs', 'refs', 'remotes', 'origin', 'main');
  expect(statSync(file).size).toBeGreaterThan(8 * 1024 * 1024);
  const git = c.git(['reflog', 'show', '--format=%H', 'refs/remotes/origin/main']).split('\n');
  expect(git.length).toBe(60_001);
  const ours = readReflog(file, 'sha1', 64 * 1024 * 1024).map((e) => e.new);
  expect(ours.reverse()).toEqual(git);
});

test('amending a commit the audit recorded, never pushed, after a short run of fetches: passes', async () => {
  expect((await amend(await longClone(0, 100))).verdict).toEqual({ code: 0, rewritten: 'pass', forced: 'pass' });
});

test('the same after 60,000 fetches (origin/main reflog over 8 MiB): passes', async () => {
  expect((await amend(await longClone())).verdict).toEqual({ code: 0, rewritten: 'pass', forced: 'pass' });
});

test('twin: the long record with a gap in its middle (entries pruned) no longer reaches the audit: fails', async () => {
  expect((await amend(await longClone(3))).verdict).toMatchObject({ code: 1, rewritten: 'fail' });
});

test('checkout -b topic <old commit> after an --all audit: the verdicts are the same (checkpoint v5)', async () => {
  const r = makeRepo();
  const one = r.commit('one', { 'a.txt': '1\n' });
  r.commit('two', { 'a.txt': '2\n' });
  r.commit('three', { 'a.txt': '3\n' });
  const run = async () => {
    const res = await runMain(['audit', '-C', r.dir, '--all', '--format', 'json'], { env: r.env });
    return { code: res.code, results: parseJson(res).results.map((x) => `${x.meta.id} ${x.outcome}`) };
  };
  const before = await run();
  r.run(['checkout', '-q', '-b', 'topic', one]);
  const after = await run();
  expect(after).toEqual(before);
  expect(await run()).toEqual(before);
});
