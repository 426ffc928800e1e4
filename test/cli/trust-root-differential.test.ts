// The default trust root against git's own answer, on generated histories: the first commit on the
// tip's first-parent chain whose tree carries .gitguard/policy.yml is the oldest of
// `git rev-list --first-parent -- .gitguard/policy.yml` for which `git cat-file -t <c>:.gitguard/policy.yml`
// says blob. The audit may find it without that search (a history whose tips have no policy folder is
// walked as if it had no root, and checked after the walk), so the histories mix every way a policy
// comes and goes: added, removed (at the tip too), re-added, a .gitguard left without policy.yml,
// brought in by a merge's second parent or an unrelated history, or made the first parent; and the
// answer must be the same on a cold run, on a re-audit from the checkpoint and in a shallow clone.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cleanupTemp, makeRepo, tempDir, type TestRepo } from '../helpers/repo.js';
import { runMain } from '../helpers/cli.js';
import { GitScript } from '../helpers/git-script.js';

afterAll(cleanupTemp);

const POLICY = 'version: 1\nsigners:\n  - name: alice\n    emails: [alice@example.com]\nmaintainers: [alice]\n';
const POLICY_FILE = '.gitguard/policy.yml';

/** A small deterministic generator (mulberry32), so every run builds the same histories. */
function random(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

function hasPolicy(r: TestRepo): boolean {
  try {
    return r.run(['cat-file', '-t', `HEAD:${POLICY_FILE}`]) === 'blob';
  } catch {
    return false;
  }
}

/** One history of `steps` random steps on main (each a commit, a side branch merged, or an orphan merged),
 *  built by one sh (GitScript): whether main's tree has policy.yml is followed here, as git would say it. */
function generate(seed: number, steps: number): TestRepo {
  const r = makeRepo();
  const s = new GitScript(r);
  const next = random(seed);
  // Some histories add a policy on main itself; in the others it only comes (or not) through merges.
  const policyOnMain = seed % 3 !== 0;
  let tick = 0;
  // repo.commit's way: a file of its own when none is given, each commit a minute after the last.
  const commit = (message: string, files: Record<string, string> = {}): void => {
    s.write(Object.keys(files).length ? files : { [`file-${tick}.txt`]: `change ${tick}\n` });
    tick += 1;
    const date = new Date(Date.UTC(2024, 0, 1) + tick * 60_000).toISOString();
    s.git(['add', '-A']).git(['commit', '-q', '-m', message], { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date });
  };
  let policy = false; // main's tree has policy.yml
  commit('start');
  let side = 0;
  for (let i = 0; i < steps; i += 1) {
    const step = next(10);
    if (step <= 3) commit(`work ${i}`);
    else if (step === 4 && policyOnMain) {
      commit(`policy ${i}`, { [POLICY_FILE]: `${POLICY}# ${i}\n` });
      policy = true;
    } else if (step === 5 && policy) {
      // Removed: the whole folder, or policy.yml alone (a .gitguard without a policy).
      if (next(2)) s.git(['rm', '-rq', '.gitguard']);
      else {
        s.write({ '.gitguard/notes.txt': `kept ${i}\n` });
        s.git(['add', '-A']).git(['rm', '-q', POLICY_FILE]);
      }
      s.git(['commit', '-q', '-m', `drop policy ${i}`]);
      policy = false;
    } else if (step === 6 || step === 7) {
      // A side branch (with or without a policy change) merged back; sometimes the side becomes the first parent.
      const branch = `side-${(side += 1)}`;
      s.git(['checkout', '-q', '-b', branch]);
      const sidePolicy = next(2) === 1;
      commit(`side ${i}`, sidePolicy ? { [POLICY_FILE]: `${POLICY}# side ${i}\n` } : {});
      s.git(['checkout', '-q', 'main']);
      commit(`main ${i}`);
      // -s ours: the side's policy is walked but never reaches main's tree.
      const ours = step === 6 && next(2) === 1;
      if (step === 6) s.git(['merge', '-q', '--no-ff', '--no-edit', ...(ours ? ['-s', 'ours'] : []), branch]);
      else
        s.git(['checkout', '-q', branch])
          .git(['merge', '-q', '--no-ff', '--no-edit', 'main'])
          .git(['checkout', '-q', 'main'])
          .git(['merge', '-q', '--ff-only', branch]);
      if (!ours && sidePolicy) policy = true;
    } else if (step === 8 && policyOnMain) {
      // An unrelated history carrying its own policy, merged in as the second parent (-X ours keeps main's).
      const branch = `orphan-${(side += 1)}`;
      s.git(['checkout', '-q', '--orphan', branch]).git(['rm', '-rqf', '.']);
      commit(`orphan ${i}`, { [POLICY_FILE]: `${POLICY}# orphan ${i}\n`, [`orphan-${i}.txt`]: 'x\n' });
      s.git(['checkout', '-q', 'main']);
      s.git(['merge', '-q', '--no-edit', '--allow-unrelated-histories', '-X', 'ours', branch]);
      policy = true;
    } else commit(`more ${i}`);
  }
  s.run();
  return r;
}

/** git's answer: the oldest first-parent commit that changes policy.yml and has it as a blob. */
function gitFirstPolicyCommit(r: TestRepo): string | undefined {
  const candidates = r.run(['rev-list', '--first-parent', '--reverse', 'HEAD', '--', POLICY_FILE]).split('\n');
  return candidates.find((c) => {
    if (!c) return false;
    try {
      return r.run(['cat-file', '-t', `${c}:${POLICY_FILE}`]) === 'blob';
    } catch {
      return false;
    }
  });
}

/** The trust root an audit walked from (its id's first 12 digits), or undefined for none. */
async function auditedRoot(dir: string, env: NodeJS.ProcessEnv, cache: boolean): Promise<string | undefined> {
  const res = await runMain(
    [
      'audit',
      dir,
      '--format',
      'json',
      '--no-ledger',
      '--threat',
      'impersonation,history',
      ...(cache ? [] : ['--no-cache']),
    ],
    { env },
  );
  if (res.code !== 0 && res.code !== 1) throw new Error(`audit exited ${res.code}: ${res.stderr}`);
  const description = (JSON.parse(res.stdout) as { scope: { description: string } }).scope.description;
  return /from trust root ([0-9a-f]{12})/.exec(description)?.[1];
}

// `npm test` draws five histories, seeds 1000-1004, which reach every kind named below; `node
// scripts/differential.mjs --trust-root N` runs N more a round from a random first seed
// (GITGUARD_TRUST_ROOT_SEED, GITGUARD_TRUST_ROOT_HISTORIES), for as long as asked.
const FIRST_SEED = Number(process.env.GITGUARD_TRUST_ROOT_SEED ?? 1000);
const HISTORIES = Number(process.env.GITGUARD_TRUST_ROOT_HISTORIES ?? 5);
const FIXED_SEEDS = process.env.GITGUARD_TRUST_ROOT_SEED === undefined;

describe('the default trust root, against git rev-list --first-parent and cat-file', () => {
  const seeds = Array.from({ length: HISTORIES }, (_, i) => FIRST_SEED + i);
  const answers = new Set<string>();

  it.each(seeds)('history %i: cold, from the checkpoint, and after more commits', async (seed) => {
    const r = generate(seed, 14);
    const expected = gitFirstPolicyCommit(r)?.slice(0, 12);
    answers.add(expected === undefined ? 'none' : hasPolicy(r) ? 'root, policy at the tip' : 'root, none at the tip');
    expect(await auditedRoot(r.dir, r.env, false)).toBe(expected);
    // With the checkpoint: the first run writes it, the second resumes it, a third follows new commits.
    expect(await auditedRoot(r.dir, r.env, true)).toBe(expected);
    expect(await auditedRoot(r.dir, r.env, true)).toBe(expected);
    r.commit('after', { 'after.txt': 'after\n' });
    expect(await auditedRoot(r.dir, r.env, true)).toBe(gitFirstPolicyCommit(r)?.slice(0, 12));
  });

  // A property of the fixed seeds, not of gitguard: skipped in a random run.
  (FIXED_SEEDS ? it : it.skip)(
    'drew histories with no root, with the policy at the tip, and with a root but no policy at the tip',
    () => {
      expect([...answers].sort()).toEqual(['none', 'root, none at the tip', 'root, policy at the tip']);
    },
  );

  it('searches the first-parent chain only when a walked commit had a policy folder', async () => {
    const gitLog = async (r: TestRepo): Promise<string[]> => {
      const dir = tempDir();
      const log = `${dir}/git.log`;
      const wrapper = `${dir}/git.sh`;
      writeFileSync(wrapper, `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\nexec git "$@"\n`, { mode: 0o755 });
      const res = await runMain(
        [
          'audit',
          r.dir,
          '--format',
          'json',
          '--no-ledger',
          '--no-cache',
          '--threat',
          'impersonation,history',
          '--git',
          wrapper,
        ],
        { env: r.env },
      );
      expect([0, 1]).toContain(res.code);
      return readFileSync(log, 'utf8').split('\n');
    };
    const searches = (lines: string[]): number => lines.filter((l) => l.includes('rev-list --first-parent')).length;
    const plain = makeRepo();
    for (let i = 0; i < 5; i += 1) plain.commit(`work ${i}`);
    expect(searches(await gitLog(plain))).toBe(0);
    // A policy removed at the tip: the walk saw it, so the search runs after it, finds the root, and
    // the audit starts again from that answer (not searched twice).
    const removed = makeRepo();
    removed.commit('start');
    const root = removed.commit('policy', { [POLICY_FILE]: POLICY });
    removed.run(['rm', '-rq', '.gitguard']);
    removed.run(['commit', '-q', '-m', 'drop the policy']);
    expect(searches(await gitLog(removed))).toBe(1);
    expect(await auditedRoot(removed.dir, removed.env, false)).toBe(root.slice(0, 12));
  });

  it('is the same in a shallow clone, where the chain stops at the shallow boundary, unless that commit is on the boundary (refused)', async () => {
    let refused = 0;
    let compared = 0;
    for (const seed of [1001, 1003, 1007]) {
      const r = generate(seed, 14);
      const clone = `${tempDir()}/shallow`;
      execFileSync('git', ['clone', '-q', '--depth', '6', `file://${r.dir}`, clone], { env: r.env, stdio: 'pipe' });
      // The clone's HEAD chain stops at the boundary commit, which git walks as having no parents.
      const shallow: TestRepo = {
        ...r,
        dir: clone,
        run: (args) => execFileSync('git', args, { cwd: clone, env: r.env }).toString().trim(),
      };
      const first = gitFirstPolicyCommit(shallow);
      const boundary = readFileSync(`${clone}/.git/shallow`, 'utf8').split('\n');
      if (first && boundary.includes(first)) {
        // Its parents are cut off, so who wrote the policy before it is unknown: refused, never a root.
        await expect(auditedRoot(clone, r.env, false)).rejects.toThrow(/exited 2: .*is on the shallow boundary/);
        refused += 1;
      } else {
        expect(await auditedRoot(clone, r.env, false)).toBe(first?.slice(0, 12));
        compared += 1;
      }
    }
    // Both arms are reached by these seeds.
    expect([refused, compared].every((n) => n > 0)).toBe(true);
  });
});
