// Many keysOnlyGateFiles cases (team.ts) judged by one audit: each case is Alice's commit of exactly
// `before` followed by her commit writing `after` over it, all of a batch's cases one after the other
// on one branch (made by commitSeries from one shell), and ci-gate-kept reads each `after` commit
// against its own `before`, as it reads the one commit of keysOnlyGateFiles. A case's verdict is
// whether a finding names its `after` commit. The cases that keep the gate and those that lose it are
// two chains (per CI system: systemsOf), an audit each: the kept chain's audit passes (exit 0) as each
// case's audit alone did, the lost one fails (exit 1). Every case is registered when the file is loaded (gateBatch() is called in a
// describe) and the audits run once, before the describe's tests; each test asserts its own case.
import { commitSeries, type SeriesCommit } from './commit-series.js';
import { parseJson, resultOf, runMain } from './cli.js';
import type { TestRepo } from './repo.js';
import { aliceSigns } from './team.js';

type Files = Record<string, string>;

interface Case {
  before: Files;
  after: Files;
  kept: boolean;
  /** Symbolic links `after` also commits (path -> target). */
  links?: Files;
  /** Submodule entries (path -> commit id) both its commits hold. */
  gitlinks?: Files;
}

interface Judged {
  code: number;
  outcome: string;
  /** Per case of the chain, in order: the finding naming its `after` commit, if any. */
  findings: Array<string | undefined>;
  /** Per case: the files git's diff says its `after` commit changes. */
  changed: string[][];
  /** The chain's repository, and per case its `before` and `after` commits. */
  r: TestRepo;
  commits: Array<{ before: string; after: string }>;
}

/** A case's repository and commits, after its verdict was checked (GateBatch.read). */
export interface CaseCommits {
  r: TestRepo;
  /** The case's commit of `before` and its commit writing `after` over it (a child of `before`). */
  before: string;
  after: string;
}

const ALICE = {
  GIT_AUTHOR_NAME: 'alice',
  GIT_AUTHOR_EMAIL: 'alice@example.com',
  GIT_COMMITTER_NAME: 'alice',
  GIT_COMMITTER_EMAIL: 'alice@example.com',
};

/**
 * One repository where Alice commits each case's `before` then `after`; one ci-gate-kept audit of it.
 * `start`: files Alice commits first, the audit's `--base` (where the range starts: trusted-actions.ts).
 */
async function judge(cases: readonly Case[], start?: Files): Promise<Judged> {
  const { r, alice, keys } = aliceSigns();
  const first: SeriesCommit[] = start ? [{ message: 'start', signWith: alice.path, env: ALICE, files: start }] : [];
  const commits: SeriesCommit[] = cases.flatMap((c, i) => [
    { message: `ci ${i}`, signWith: alice.path, env: ALICE, files: c.before, replace: true, gitlinks: c.gitlinks },
    {
      message: `ci: tidy ${i}`,
      signWith: alice.path,
      env: ALICE,
      files: c.after,
      gitlinks: c.gitlinks,
      ...(c.links && { links: c.links }),
    },
  ]);
  const all = commitSeries(r, [...first, ...commits]);
  const oids = all.slice(first.length);
  const afters = oids.filter((_, i) => i % 2 === 1);
  // git's own reading of what each `after` commit changes, one git for them all.
  const log = r.run(['log', '--format=%x00%H', '--name-only', '--no-renames']);
  const names = new Map(
    log
      .split('\0')
      .filter(Boolean)
      .map((e) => {
        const [oid, ...files] = e.trim().split('\n');
        return [oid!, files.filter(Boolean).sort()] as const;
      }),
  );
  const res = await runMain(
    [
      'audit',
      '-C',
      r.dir,
      '-r',
      'ci-gate-kept',
      '--no-ledger',
      '--allowed-signers',
      keys,
      '--format',
      'json',
      '--max-findings',
      String(commits.length + 1),
      ...(start ? ['--base', all[0]!] : []),
    ],
    { env: r.env },
  );
  const result = resultOf(parseJson(res), 'ci-gate-kept');
  const byCommit = new Map(result.findings.map((f: { commit?: string; message: string }) => [f.commit, f.message]));
  return {
    code: res.code,
    outcome: result.outcome,
    findings: afters.map((oid) => byCommit.get(oid)),
    changed: afters.map((oid) => names.get(oid) ?? []),
    r,
    commits: afters.map((after, i) => ({ before: oids[2 * i]!, after })),
  };
}

export interface GateBatch {
  /**
   * Registers Alice's change of `before` into `after` (files written over, the rest kept), to be
   * judged with the batch's other cases; call it when the file is loaded, not in a test. Returns the
   * check a test runs: ci-gate-kept keeps the gate (`kept`: no finding names the change, and the
   * audit of the kept chain passes with exit 0) or loses it (a finding names the change; the lost
   * chain's audit fails with exit 1); with `system`, also that git's diff names the files `after`
   * writes and that a lost gate's finding names that system (expectCiGate's checks).
   */
  add: Register<void>;
  /**
   * add, whose check also hands the test the chain's repository and the case's two commits, for a
   * reference reading of its own (git's listing of each side, say) once the verdict is checked.
   */
  read: Register<CaseCommits>;
}

/** GateBatch's registration of a case: `links` and `gitlinks` (path -> commit id) beside `after`'s files. */
type Register<R> = (
  before: Files,
  after: Files,
  kept: boolean,
  system?: string,
  links?: Files,
  gitlinks?: Files,
) => () => Promise<R>;

/**
 * The CI systems whose files `files` holds: a case's chain holds only cases of the same systems, so
 * the commit going from one case's `after` to the next case's `before` moves no gate from one forge
 * to another (which would itself remove a gate).
 */
const systemsOf = (files: Files): string =>
  ['.github/', '.gitlab-ci.yml', '.forgejo/', '.gitea/']
    .filter((p) => Object.keys(files).some((f) => f.startsWith(p)))
    .join(' ');

/**
 * A batch of keysOnlyGateFiles cases: one audit for those that keep the gate, one for those that lose
 * it (per CI system). `start`: each chain starts with Alice's commit of these files, audited with
 * `--base` at it (the accepted state remote actions and `if:` conditions are judged against).
 */
export function gateBatch(start?: Files): GateBatch {
  const chains = new Map<string, { cases: Case[]; judged?: Promise<Judged> }>();
  // The chains are made and audited before the batch's tests, under a limit of their own: one audit
  // of many cases takes longer than a test's limit allows on a loaded machine.
  beforeAll(async () => {
    for (const chain of chains.values()) await (chain.judged ??= judge(chain.cases, start));
  }, 600_000);
  const read: GateBatch['read'] = (before, after, kept, system, links, gitlinks) => {
    const key = `${kept} ${systemsOf(before)}`;
    const chain = chains.get(key) ?? { cases: [] };
    chains.set(key, chain);
    const at = chain.cases.push({ before, after, kept, ...(links && { links }), ...(gitlinks && { gitlinks }) }) - 1;
    return async () => {
      const j = await (chain.judged ??= judge(chain.cases, start));
      if (system) expect(j.changed[at]).toEqual(Object.keys(after).sort());
      // The case's own verdict first: where one case of a chain goes wrong, its test names its
      // finding (or its missing one), and the chain's exit code fails the chain's other tests too.
      if (kept) {
        expect(j.findings[at]).toBeUndefined();
        expect([j.code, j.outcome]).toEqual([0, 'pass']);
      } else {
        expect(j.findings[at]).toEqual(expect.any(String));
        if (system) expect(j.findings[at]).toContain(`no longer run by ${system}`);
        expect([j.code, j.outcome]).toEqual([1, 'fail']);
      }
      return { r: j.r, ...j.commits[at]! };
    };
  };
  return {
    add(before, after, kept, system, links, gitlinks) {
      const check = read(before, after, kept, system, links, gitlinks);
      return async () => {
        await check();
      };
    },
    read,
  };
}
