// The repository the CI-path red-team files start from: Alice is the maintainer, Bob a signer who is
// no maintainer, and Alice's signed first commit holds the policy, both SSH keys and the test's files.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyRepo, makeRepo, type TestRepo } from './repo.js';
import { parseJson, resultOf, runMain } from './cli.js';
import { commitAsPerson, configureSshSigning, makeSshKey, sharedSshKey, type SshTestKey } from './ssh.js';

export interface Team {
  r: TestRepo;
  alice: SshTestKey;
  bob: SshTestKey;
}

export const TEAM_POLICY =
  'version: 1\nsigners:\n  - name: Alice\n    emails: [alice@example.com]\n  - name: Bob\n    emails: [bob@example.com]\nmaintainers: [Alice]\n';

// Each repository made once per test file for its files and keys (the CI red-team files make the same
// one for a failing test and its twin) and copied for every call: the same files and signed commit at
// a path of its own. Made anew when a test removed the one made before (cleanupTemp).
const made = new Map<string, Team>();

/**
 * Alice and Bob's repository with `files` committed beside the policy. `keys: 'shared'`: the run's one
 * alice and bob (for files whose tests never compare keys); 'own': a pair made for this repository
 * (for the copies of it this file is given: the same `files` give the same pair).
 */
export function aliceAndBob(files: Record<string, string>, keys: 'shared' | 'own' = 'shared'): Team {
  const key = JSON.stringify([keys, files]);
  let source = made.get(key);
  if (!source || !existsSync(join(source.r.dir, '.git', 'HEAD'))) made.set(key, (source = makeTeam(files, keys)));
  return { ...source, r: copyRepo(source.r) };
}

function makeTeam(files: Record<string, string>, keys: 'shared' | 'own'): Team {
  const r = makeRepo();
  const [alice, bob] =
    keys === 'shared'
      ? [sharedSshKey('alice'), sharedSshKey('bob')]
      : [makeSshKey(r.home, 'ed25519', 'alice'), makeSshKey(r.home, 'ed25519', 'bob')];
  configureSshSigning(r, alice);
  commitAsPerson(r, alice, 'alice@example.com', 'policy and CI', {
    '.gitguard/policy.yml': TEAM_POLICY,
    '.gitguard/allowed_signers': `alice@example.com ${alice.pub}\nbob@example.com ${bob.pub}\n`,
    ...files,
  });
  return { r, alice, bob };
}

/** A GitHub workflow on push whose one job checks the repository out and then runs `steps` (step lines, six spaces in). */
export const checkoutWorkflow = (steps: string): string =>
  `on: push\njobs:\n  gate:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n${steps}`;

/** The rules a CI-gate clean-workflow file asks about, and their answers when they pass or when Bob's change counts. */
const GATE_RULES = ['protected-paths-changed-by-maintainers', 'ci-gate-kept'];
export const GATE_PASS = { code: 0, 'protected-paths-changed-by-maintainers': 'pass', 'ci-gate-kept': 'pass' };
export const GATE_FAIL = { code: 1, 'protected-paths-changed-by-maintainers': 'fail', 'ci-gate-kept': 'pass' };

/**
 * Back to `base`, `files` committed by Bob (or `signer` as `email`), then GATE_RULES' outcomes and the
 * exit code of an audit of the team's repository.
 */
async function gateOutcomes(
  { r, bob }: Team,
  base: string,
  files: Record<string, string>,
  signer = bob,
  email = 'bob@example.com',
): Promise<Record<string, string | number>> {
  r.run(['reset', '-q', '--hard', base]);
  commitAsPerson(r, signer, email, 'work', files);
  const res = await runMain(['audit', '-C', r.dir, '--format', 'json', '--no-ledger', '-r', GATE_RULES.join(',')], {
    env: r.env,
  });
  const report = parseJson(res);
  return { code: res.code, ...Object.fromEntries(GATE_RULES.map((id) => [id, resultOf(report, id).outcome])) };
}

/**
 * gateOutcomes for several changes in one audit: back to `base`, one commit per change (by Bob, or
 * `signer` as `email`), in order, then GATE_RULES over them all. The exit code, each rule's outcome,
 * and the changes whose commit protected-paths-changed-by-maintainers names in a finding: one audit
 * where a test of each change alone would make one per change (~0.2 CPU-s each).
 */
async function gateChain(
  { r, bob }: Team,
  base: string,
  changes: Array<Record<string, string>>,
  signer = bob,
  email = 'bob@example.com',
): Promise<{ outcomes: Record<string, string | number>; flagged: Array<Record<string, string>> }> {
  r.run(['reset', '-q', '--hard', base]);
  const oids = changes.map((files, i) => commitAsPerson(r, signer, email, `work ${i}`, files));
  const res = await runMain(['audit', '-C', r.dir, '--format', 'json', '--no-ledger', '-r', GATE_RULES.join(',')], {
    env: r.env,
  });
  const report = parseJson(res);
  const named = new Set(
    resultOf(report, 'protected-paths-changed-by-maintainers').findings.map((f: { commit?: string }) => f.commit),
  );
  return {
    outcomes: { code: res.code, ...Object.fromEntries(GATE_RULES.map((id) => [id, resultOf(report, id).outcome])) },
    flagged: changes.filter((_, i) => named.has(oids[i])),
  };
}

/**
 * `changes` committed in order on `r` (each by its signer and email), then one audit of
 * protected-paths-changed-by-maintainers over them all: the exit code, the rule's outcome and note,
 * and for each change the messages of the findings naming its commit ('' for none), joined by
 * newlines; `others`, the messages of findings naming none of them. One audit where a test of each
 * change alone made one per change.
 */
export async function protectedPerCommit(
  r: TestRepo,
  changes: ReadonlyArray<readonly [SshTestKey, string, Record<string, string>]>,
): Promise<{ code: number; outcome: string; note?: string; perChange: string[]; others: string[] }> {
  const oids = changes.map(([key, email, files], i) => commitAsPerson(r, key, email, `change ${i}`, files));
  const rule = 'protected-paths-changed-by-maintainers';
  const res = await runMain(['audit', '-C', r.dir, '--format', 'json', '--no-ledger', '-r', rule], { env: r.env });
  const result = resultOf(parseJson(res), rule);
  const findings = result.findings as Array<{ commit?: string; message: string }>;
  const of = (oid: string): string =>
    findings
      .filter((f) => f.commit === oid)
      .map((f) => f.message)
      .join('\n');
  const mine = new Set(oids);
  return {
    code: res.code,
    outcome: result.outcome,
    note: result.note,
    perChange: oids.map(of),
    others: findings.filter((f) => !f.commit || !mine.has(f.commit)).map((f) => f.message),
  };
}

/** Alice and Bob's repository with `files` (its own keys), and gateOutcomes (or gateChain) from its first commit. */
export function gateTeam(files: Record<string, string>): {
  alice: SshTestKey;
  outcomes: (
    files: Record<string, string>,
    signer?: SshTestKey,
    email?: string,
  ) => Promise<Record<string, string | number>>;
  chain: (changes: Array<Record<string, string>>, signer?: SshTestKey, email?: string) => ReturnType<typeof gateChain>;
} {
  const team = aliceAndBob(files, 'own');
  const base = team.r.head();
  return {
    alice: team.alice,
    outcomes: (f, signer, email) => gateOutcomes(team, base, f, signer, email),
    chain: (changes, signer, email) => gateChain(team, base, changes, signer, email),
  };
}

/**
 * For the CI red-team files: Bob's edit on Alice's first commit (the repository reset there), and
 * what protected-paths-changed-by-maintainers says of it. `team` from aliceAndBob.
 */
export function bobsEditOutcome(team: Team): (files: Record<string, string>) => Promise<string> {
  const base = team.r.head();
  return async (files) => String((await gateOutcomes(team, base, files))['protected-paths-changed-by-maintainers']);
}

/**
 * No policy (keys only: ci-gate-kept alone judges, every removal reported): Alice commits `before` at
 * `file`, then `after`; the audit's exit code and text, and the repository (to ask git about it).
 */
export function keysOnlyGate(
  file: string,
  before: string,
  after: string,
): Promise<{ code: number; stdout: string; r: TestRepo }> {
  return keysOnlyGateFiles({ [file]: before }, { [file]: after });
}

/** A repository where Alice signs (SSH), with no policy: her key in an allowed-signers file `keys`. */
export function aliceSigns(): { r: TestRepo; alice: SshTestKey; keys: string } {
  const r = makeRepo();
  const alice = sharedSshKey('alice');
  configureSshSigning(r, alice);
  const keys = join(r.home, 'allowed');
  writeFileSync(keys, `alice@example.com ${alice.pub}\n`);
  return { r, alice, keys };
}

// Alice's signed commit of each `before` made once per test file and copied for every call, as
// aliceAndBob's repositories are: the gate files' tests judge many `after`s against one `before`.
const committed = new Map<string, TestRepo>();

/** keysOnlyGate with several files: Alice commits `before`, then `after` (files written over, the rest kept). */
export async function keysOnlyGateFiles(
  before: Record<string, string>,
  after: Record<string, string>,
): Promise<{ code: number; stdout: string; r: TestRepo }> {
  const key = JSON.stringify(before);
  let source = committed.get(key);
  if (!source || !existsSync(join(source.dir, '.git', 'HEAD'))) {
    const made = aliceSigns();
    commitAsPerson(made.r, made.alice, 'alice@example.com', 'ci', before);
    committed.set(key, (source = made.r));
  }
  const r = copyRepo(source);
  const keys = join(r.home, 'allowed');
  commitAsPerson(r, sharedSshKey('alice'), 'alice@example.com', 'ci: tidy', after);
  const res = await runMain(['audit', '-C', r.dir, '-r', 'ci-gate-kept', '--no-ledger', '--allowed-signers', keys], {
    env: r.env,
  });
  return { code: res.code, stdout: res.stdout, r };
}

/**
 * keysOnlyGateFiles, checked: git's own diff names the files `after` changes, and ci-gate-kept passes
 * (`kept`) or fails with the gate of `system` (as the finding names it: 'GitHub Actions') lost.
 */
export async function expectCiGate(
  before: Record<string, string>,
  after: Record<string, string>,
  kept: boolean,
  system: string,
): Promise<void> {
  const res = await keysOnlyGateFiles(before, after);
  expect(res.r.run(['diff', '--name-only', 'HEAD~1', 'HEAD']).trim().split('\n')).toEqual(Object.keys(after).sort());
  if (kept) expect([res.code, res.stdout]).toEqual([0, expect.stringMatching(/pass\s+ci-gate-kept/)]);
  else {
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/FAIL\s+ci-gate-kept/);
    expect(res.stdout).toContain(`no longer run by ${system}`);
  }
}

/** keysOnlyGateFiles: ci-gate-kept passes with exit 0 (`kept`), or fails with exit 1, whatever the finding says. */
export async function expectGateOutcome(
  before: Record<string, string>,
  after: Record<string, string>,
  kept: boolean,
): Promise<void> {
  const res = await keysOnlyGateFiles(before, after);
  expect([res.code, res.stdout]).toEqual(
    kept ? [0, expect.stringMatching(/pass\s+ci-gate-kept/)] : [1, expect.stringMatching(/FAIL\s+ci-gate-kept/)],
  );
}

/** expectCiGate for GitLab's configuration. */
export const expectGitlabGate = (
  before: Record<string, string>,
  after: Record<string, string>,
  kept: boolean,
): Promise<void> => expectCiGate(before, after, kept, 'GitLab CI/CD');

/**
 * A test per case: each `removed` change of the CI configuration fails ci-gate-kept, each `kept` one
 * passes (`check`: expectWorkflowGate, or expectGitlabGate from a `before`).
 */
export function gateCases<T>(
  check: (after: T, kept: boolean) => Promise<void>,
  removed: ReadonlyArray<readonly [string, T]>,
  kept: ReadonlyArray<readonly [string, T]>,
): void {
  for (const [name, after] of removed) test(`removed: ${name}`, () => check(after, false), 60_000);
  for (const [name, after] of kept) test(`kept: ${name}`, () => check(after, true), 60_000);
}

/** The GitHub workflow gateWorkflow writes. */
export const GATE_WORKFLOW = '.github/workflows/gate.yml';

/** A workflow whose job `audit` runs gitguard in its last step: `jobExtra` above the job's steps, `stepExtra` after them. */
export const gateWorkflow = (jobExtra = '', stepExtra = ''): string =>
  'on: [push, pull_request]\njobs:\n  audit:\n    runs-on: ubuntu-latest\n' +
  jobExtra +
  '    steps:\n      - uses: actions/checkout@v4\n      - run: npx gitguard audit\n' +
  stepExtra;

/** expectCiGate for one workflow, gateWorkflow() changed to `after`. */
export const expectWorkflowGate = (after: string, kept: boolean): Promise<void> =>
  expectCiGate({ [GATE_WORKFLOW]: gateWorkflow() }, { [GATE_WORKFLOW]: after }, kept, 'GitHub Actions');

/**
 * A repository whose HEAD is unsigned (its only failure with Alice's `keys`), holding a clean bare
 * repository committed as plain files (`ci/clean.git`) and a script answering for git from it
 * (`ci/git`), cloned as CI checks it out to `checkout` under its home (`into`: another folder there,
 * as `actions/checkout` with `path:` does). git itself checks that it tracks the bare repository's
 * files and opens that folder as one. The checkout and `keys` lie in `r.home` (a copyRepo of `r` holds its own).
 */
export function cleanRepoInCheckout(into = 'checkout'): {
  r: TestRepo;
  dir: string;
  keys: string;
  env: NodeJS.ProcessEnv;
} {
  const { r, alice, keys } = aliceSigns();
  commitAsPerson(r, alice, 'alice@example.com', 'one', { a: 'a\n' });
  const clean = makeRepo();
  configureSshSigning(clean, alice);
  commitAsPerson(clean, alice, 'alice@example.com', 'one', { a: 'a\n' });
  const bare = join(r.dir, 'ci', 'clean.git');
  execFileSync('git', ['clone', '--bare', '-q', clean.dir, bare], { env: r.env });
  // A loose ref, so refs/ is a tracked folder and the checkout holds a repository git can open.
  const tip = execFileSync('git', ['-C', bare, 'rev-parse', 'HEAD'], { env: r.env }).toString();
  const branch = execFileSync('git', ['-C', bare, 'symbolic-ref', 'HEAD'], { env: r.env }).toString().trim();
  mkdirSync(join(bare, ...branch.split('/').slice(0, -1)), { recursive: true });
  writeFileSync(join(bare, ...branch.split('/')), tip);
  writeFileSync(join(r.dir, 'ci', 'git'), '#!/bin/sh\nexec git -C "$(dirname "$0")/clean.git" "$@"\n');
  chmodSync(join(r.dir, 'ci', 'git'), 0o755);
  r.run(['add', '-f', 'ci']);
  commitAsPerson(r, undefined, 'alice@example.com', 'unsigned', { b: 'b\n' });
  // CI's checkout: a clone. git tracks the bare repository's files as blobs and opens the folder as one.
  const dir = join(r.home, into);
  execFileSync('git', ['clone', '-q', r.dir, dir], { env: r.env });
  const git = (...a: string[]): string => execFileSync('git', a, { env: r.env }).toString().trim();
  expect(git('-C', dir, 'ls-files', '-s', 'ci/git', 'ci/clean.git/HEAD')).toMatch(
    /^100644 \S+ 0\tci\/clean\.git\/HEAD\n100755 \S+ 0\tci\/git$/,
  );
  expect(git('-C', join(dir, 'ci', 'clean.git'), 'rev-parse', '--is-bare-repository')).toBe('true');
  return { r, dir, keys, env: r.env };
}
