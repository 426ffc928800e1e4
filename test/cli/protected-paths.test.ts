// Protected paths and the CI gate on real repositories, through the built binary.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeRepo, cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { makeSshKey, signedCommit, type SshTestKey } from '../helpers/ssh.js';
import { runMain, parseJson, resultOf } from '../helpers/cli.js';

let alice: SshTestKey;
let bob: SshTestKey;
beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gg-pp-'));
  alice = makeSshKey(dir, 'ed25519', 'alice');
  bob = makeSshKey(dir, 'ed25519', 'bob');
});
afterAll(cleanupTemp);

const WORKFLOW = (withGate: boolean) =>
  `name: ci\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          fetch-depth: 0\n      - run: npm test\n${withGate ? '      - run: gitguard audit --fail-on high\n' : ''}`;

function repoWithGate(): TestRepo {
  const r = makeRepo();
  r.write({
    '.gitguard/policy.yml':
      'version: 1\nsigners:\n  - name: alice\n    emails: [alice@example.com]\n  - name: bob\n    emails: [bob@example.com]\nmaintainers: [alice]\n',
    '.gitguard/allowed_signers': `alice@example.com ${alice.pub}\nbob@example.com ${bob.pub}\n`,
    '.github/workflows/ci.yml': WORKFLOW(true),
  });
  r.run(['add', '-A']);
  signedCommit(r, alice, 'policy and CI');
  r.write({ 'src.txt': 'work' });
  r.run(['add', '-A']);
  signedCommit(r, bob, 'ordinary work by bob', { committerEmail: 'bob@example.com' });
  return r;
}

const audit = async (r: TestRepo) => {
  const res = await runMain(
    [
      'audit',
      r.dir,
      '--format',
      'json',
      '--no-cache',
      '--rule',
      'ci-gate-kept,protected-paths-changed-by-maintainers,signers-authorized',
    ],
    { env: r.env },
  );
  return { res, report: parseJson(res) };
};

describe('the CI gate and protected paths', () => {
  test('a commit by a non-maintainer that deletes the gitguard step from .github/workflows/ci.yml fails the audit', async () => {
    const r = repoWithGate();
    expect((await audit(r)).res.code).toBe(0);
    r.write({ '.github/workflows/ci.yml': WORKFLOW(false) });
    r.run(['add', '-A']);
    const c = signedCommit(r, bob, 'ci: speed up', { committerEmail: 'bob@example.com' });
    const { res, report } = await audit(r);
    expect(res.code).toBe(1);
    expect(resultOf(report, 'ci-gate-kept').findings.map((f) => f.commit)).toEqual([c]);
    expect(resultOf(report, 'protected-paths-changed-by-maintainers').findings.map((f) => f.commit)).toEqual([c]);
    expect(resultOf(report, 'signers-authorized').outcome).toBe('pass');
  });

  test('a submodule put at a protected path, or moved to another commit, by a non-maintainer fails the audit', async () => {
    const r = repoWithGate();
    // .githooks is protected by default; a submodule there points hooks at someone else's history,
    // whose commits are not in this repository (git names them all the same).
    r.run(['update-index', '--add', '--cacheinfo', `160000,${'1'.repeat(40)},.githooks`]);
    const added = signedCommit(r, bob, 'vendor hooks', { committerEmail: 'bob@example.com' });
    r.run(['update-index', '--cacheinfo', `160000,${'2'.repeat(40)},.githooks`]);
    const moved = signedCommit(r, bob, 'bump hooks', { committerEmail: 'bob@example.com' });
    const { res, report } = await audit(r);
    expect(res.code).toBe(1);
    expect(
      resultOf(report, 'protected-paths-changed-by-maintainers')
        .findings.map((f) => f.commit)
        .sort(),
    ).toEqual([added, moved].sort());
  });

  test('the same change signed by a maintainer passes', async () => {
    const r = repoWithGate();
    r.write({ '.github/workflows/ci.yml': WORKFLOW(false) });
    r.run(['add', '-A']);
    signedCommit(r, alice, 'ci: drop gitguard (agreed)');
    const { res, report } = await audit(r);
    expect(resultOf(report, 'ci-gate-kept').outcome).toBe('pass');
    expect(resultOf(report, 'protected-paths-changed-by-maintainers').outcome).toBe('pass');
    expect(res.code).toBe(0);
  });

  test('a non-maintainer editing CODEOWNERS is reported, an edit elsewhere is not', async () => {
    const r = repoWithGate();
    r.write({ CODEOWNERS: '* @bob\n' });
    r.run(['add', '-A']);
    const c = signedCommit(r, bob, 'own everything', { committerEmail: 'bob@example.com' });
    r.write({ 'README.md': 'hello' });
    r.run(['add', '-A']);
    signedCommit(r, bob, 'docs', { committerEmail: 'bob@example.com' });
    const { report } = await audit(r);
    const f = resultOf(report, 'protected-paths-changed-by-maintainers').findings;
    expect(f.map((x) => x.commit)).toEqual([c]);
    expect(f[0]!.message).toContain('changes protected CODEOWNERS');
  });
});
