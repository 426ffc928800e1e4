// Red-team round 6: verdicts forged through what the walk compares at protected paths.
// 1. An entry is its mode and its id: CODEOWNERS turned into a link to the same blob, a hook made
//    executable, a workflow folder replaced by a submodule entry naming the same id, all keep the id.
// 2. A merge equal to ONE parent at a protected path is no proof that it brings nothing in: it drops
//    what the other side changed since they parted (`-s ours`, an old side's tree taken whole), and
//    an old side's policy (naming a maintainer the other side removed) must not vouch for it alone.
import { makeRepo, cleanupTemp, personEnv, type TestRepo } from '../helpers/repo.js';
import { makeSshKey, type SshTestKey } from '../helpers/ssh.js';
import { runMain, parseJson, resultOf } from '../helpers/cli.js';

afterAll(cleanupTemp);

let alice: SshTestKey;
let bob: SshTestKey;
let tick = 0;

beforeAll(() => {
  const home = makeRepo().home;
  alice = makeSshKey(home, 'ed25519', 'alice');
  bob = makeSshKey(home, 'ed25519', 'bob');
});

const A = 'alice@example.com';
const B = 'bob@example.com';
/** Runs git signed by `who` (author and committer), a minute after the last call. */
function as(r: TestRepo, who: SshTestKey, args: string[]): string {
  tick += 1;
  const date = new Date(Date.UTC(2024, 0, 1) + tick * 60_000).toISOString();
  const email = who === alice ? A : B;
  r.run(['-c', 'gpg.format=ssh', '-c', `user.signingkey=${who.path}`, ...args], { env: personEnv(email, date) });
  return r.head();
}
const commit = (r: TestRepo, who: SshTestKey, files: Record<string, string>, msg = 'change'): string => {
  r.write(files);
  r.run(['add', '-A']);
  return as(r, who, ['commit', '-q', '-S', '-m', msg]);
};

const policy = (maintainers: string): Record<string, string> => ({
  '.gitguard/policy.yml': `version: 1\nsigners:\n  - name: Alice\n    emails: [${A}]\n  - name: Bob\n    emails: [${B}]\nmaintainers: [${maintainers}]\n`,
  '.gitguard/allowed_signers': `${A} ${alice.pub}\n${B} ${bob.pub}\n`,
});
const WORKFLOW = 'on: push\njobs:\n  audit:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npx gitguard audit\n';

/** Alice (maintainer) and bob (signer) with CODEOWNERS, .gitattributes, a hook and a gated workflow. */
function setUp(maintainers = 'Alice', objectFormat: 'sha1' | 'sha256' = 'sha1'): TestRepo {
  const r = makeRepo({ objectFormat });
  commit(r, alice, {
    ...policy(maintainers),
    CODEOWNERS: '* @alice\n',
    '.gitattributes': '* text=auto\n',
    '.githooks/pre-push': '#!/bin/sh\nexit 0\n',
    '.github/workflows/audit.yml': WORKFLOW,
    'src/a.c': 'a\n',
  });
  return r;
}

async function outcomes(r: TestRepo, rules: string[]): Promise<Record<string, string>> {
  const res = await runMain(['audit', '-C', r.dir, '--format', 'json', '--no-cache', '-r', rules.join(',')], {
    env: r.env,
  });
  expect(res.code).not.toBe(2);
  const report = parseJson(res);
  return Object.fromEntries(rules.map((id) => [id, resultOf(report, id).outcome]));
}
const PROTECTED = 'protected-paths-changed-by-maintainers';
const POLICY = 'policy-changes-authorized';
const GATE = 'ci-gate-kept';

/** Bob stages `path` at `mode` with the blob or tree id it has now, and signs the commit. */
function modeOnly(r: TestRepo, path: string, mode: string): void {
  const id = r.run(['rev-parse', `HEAD:${path}`]).trim();
  r.run(['rm', '-r', '-q', '--cached', path]);
  r.run(['update-index', '--add', '--cacheinfo', `${mode},${id},${path}`]);
  as(r, bob, ['commit', '-q', '-S', '-m', `${path} as ${mode}`]);
  // git itself sees a change of type, not of content.
  expect(r.run(['rev-parse', `HEAD:${path}`]).trim()).toBe(id);
  expect(r.run(['diff-tree', '-r', '-t', 'HEAD~1', 'HEAD', '--', path])).toMatch(new RegExp(` ${mode} `));
}

describe('an entry is its mode and its id', () => {
  test.each([
    ['CODEOWNERS', '120000'],
    ['.gitattributes', '100755'],
    ['.githooks/pre-push', '120000'],
  ])('bob turns %s into mode %s, same blob: fails', async (path, mode) => {
    const r = setUp();
    modeOnly(r, path, mode);
    expect(await outcomes(r, [PROTECTED])).toEqual({ [PROTECTED]: 'fail' });
  });

  test('in a SHA-256 repository too: CODEOWNERS made a link fails, a mode change by alice passes', async () => {
    const r = setUp('Alice', 'sha256');
    expect(r.head()).toHaveLength(64);
    modeOnly(r, 'CODEOWNERS', '120000');
    expect(await outcomes(r, [PROTECTED])).toEqual({ [PROTECTED]: 'fail' });
    const t = setUp('Alice', 'sha256');
    const id = t.run(['rev-parse', 'HEAD:.gitattributes']).trim();
    t.run(['update-index', '--cacheinfo', `100755,${id},.gitattributes`]);
    as(t, alice, ['commit', '-q', '-S', '-m', 'executable attributes']);
    expect(await outcomes(t, [PROTECTED])).toEqual({ [PROTECTED]: 'pass' });
  });

  test('bob replaces .github/workflows by a submodule entry naming the same id: the path changes and the gate goes', async () => {
    const r = setUp();
    modeOnly(r, '.github/workflows', '160000');
    expect(await outcomes(r, [PROTECTED, GATE])).toEqual({ [PROTECTED]: 'fail', [GATE]: 'fail' });
  });

  test('ci-gate-kept reads what the CI reads: .gitlab-ci.yml replaced by a folder of that name that mentions gitguard fails', async () => {
    const onlyPolicy = (r: TestRepo): void => {
      commit(r, alice, {
        ...policy('Alice'),
        '.gitguard/policy.yml': `${policy('Alice')['.gitguard/policy.yml']}protected:\n  paths: ['.gitguard/**']\n`,
        '.gitlab-ci.yml': 'audit:\n  script: npx gitguard audit\n',
      });
    };
    const r = makeRepo();
    onlyPolicy(r);
    r.run(['rm', '-q', '.gitlab-ci.yml']);
    commit(r, bob, { '.gitlab-ci.yml/gate.yml': 'audit:\n  script: npx gitguard audit\n' }, 'ci as a folder');
    expect(await outcomes(r, [GATE])).toEqual({ [GATE]: 'fail' });
    const t = makeRepo();
    onlyPolicy(t);
    commit(t, bob, { '.gitlab-ci.yml': 'audit:\n  script: npx gitguard audit --quiet\n' }, 'quieter');
    expect(await outcomes(t, [GATE])).toEqual({ [GATE]: 'pass' });
  });

  test('a .gitguard submodule entry naming the policy tree is no policy: changing it is a policy change', async () => {
    const r = setUp();
    modeOnly(r, '.gitguard', '160000');
    // git reads no policy there: HEAD:.gitguard/policy.yml does not resolve.
    expect(() => r.run(['rev-parse', '--verify', '-q', 'HEAD:.gitguard/policy.yml'])).toThrow();
    const res = await runMain(['audit', '-C', r.dir, '--format', 'json', '--no-cache', '-r', POLICY], { env: r.env });
    expect(resultOf(parseJson(res), POLICY).outcome).toBe('fail');
  });

  test('twin: the same mode changes signed by alice, a maintainer, pass', async () => {
    const r = setUp();
    for (const [path, mode] of [
      ['CODEOWNERS', '120000'],
      ['.gitattributes', '100755'],
    ] as const) {
      const id = r.run(['rev-parse', `HEAD:${path}`]).trim();
      r.run(['rm', '-q', '--cached', path]);
      r.run(['update-index', '--add', '--cacheinfo', `${mode},${id},${path}`]);
      as(r, alice, ['commit', '-q', '-S', '-m', `${path} as ${mode}`]);
      r.run(['checkout', '--', path]); // the work tree as committed, so the next `add -A` keeps it
    }
    commit(r, bob, { 'src/a.c': 'b\n' });
    expect(await outcomes(r, [PROTECTED])).toEqual({ [PROTECTED]: 'pass' });
  });
});

describe('a merge equal to one parent', () => {
  test("bob merges an old branch keeping its workflow, dropping alice's change on main: fails", async () => {
    const r = setUp();
    r.run(['branch', 'old']);
    commit(r, alice, { '.github/workflows/audit.yml': `${WORKFLOW}      - run: make test\n` }, 'test in CI');
    commit(r, bob, { 'src/b.c': 'b\n' }, 'work on old');
    r.run(['checkout', '-q', 'old']);
    commit(r, bob, { 'src/c.c': 'c\n' }, 'work on old');
    r.run(['checkout', '-q', 'main']);
    // -s ours reversed: the merge records both parents and keeps the old side's tree.
    r.run(['merge', '-q', '--no-ff', '--no-commit', '-s', 'ours', 'old']);
    r.run(['read-tree', '-u', '--reset', 'old']);
    as(r, bob, ['commit', '-q', '-S', '-m', 'merge old']);
    expect(r.run(['rev-parse', 'HEAD^{tree}'])).toBe(r.run(['rev-parse', 'old^{tree}']));
    expect(await outcomes(r, [PROTECTED])).toEqual({ [PROTECTED]: 'fail' });
  });

  /**
   * Alice and bob maintain; alice then removes bob on main. An old branch still names bob a
   * maintainer. Bob brings the old policy back by a merge that equals the old side at .gitguard.
   */
  function demoted(): TestRepo {
    const r = setUp('Alice, Bob');
    r.run(['branch', 'old']);
    commit(r, alice, policy('Alice'), 'bob is no longer a maintainer');
    r.run(['checkout', '-q', 'old']);
    commit(r, bob, { 'src/c.c': 'c\n' }, 'work on old');
    r.run(['checkout', '-q', 'main']);
    return r;
  }

  test('the old side second: fails policy-changes-authorized', async () => {
    const r = demoted();
    r.run(['merge', '-q', '--no-ff', '--no-commit', '-s', 'ours', 'old']);
    r.run(['read-tree', '-u', '--reset', 'old']);
    as(r, bob, ['commit', '-q', '-S', '-m', 'merge old']);
    expect(r.run(['show', 'HEAD:.gitguard/policy.yml'])).toContain('maintainers: [Alice, Bob]');
    expect(await outcomes(r, [POLICY])).toEqual({ [POLICY]: 'fail' });
  });

  test('the old side first (`git merge -s ours main` on it, then main fast-forwards): fails too', async () => {
    const r = demoted();
    r.run(['checkout', '-q', 'old']);
    as(r, bob, ['merge', '-q', '--no-ff', '-S', '-s', 'ours', '-m', 'merge main', 'main']);
    r.run(['checkout', '-q', 'main']);
    r.run(['merge', '-q', '--ff-only', 'old']);
    expect(r.run(['show', 'HEAD:.gitguard/policy.yml'])).toContain('maintainers: [Alice, Bob]');
    expect(await outcomes(r, [POLICY])).toEqual({ [POLICY]: 'fail' });
  });

  test("a hand-made merge keeping main's policy but the old workflow: the old policy's maintainer is not enough", async () => {
    const r = demoted();
    commit(r, alice, { '.github/workflows/audit.yml': `${WORKFLOW}      - run: make test\n` }, 'test in CI');
    r.run(['merge', '-q', '--no-ff', '--no-commit', 'old']);
    r.run(['checkout', 'old', '--', '.github/workflows/audit.yml']);
    as(r, bob, ['commit', '-q', '-S', '-m', 'merge old']);
    expect(await outcomes(r, [PROTECTED, POLICY])).toEqual({ [PROTECTED]: 'fail', [POLICY]: 'pass' });
  });

  test('twin: clean merges equal to the first parent or to the second pass, and so does -s ours where the side changed nothing protected', async () => {
    const r = demoted();
    // main changed the policy and, now, a workflow; old changed code only: the merge equals main there.
    commit(r, alice, { '.github/workflows/audit.yml': `${WORKFLOW}      - run: make test\n` }, 'test in CI');
    as(r, bob, ['merge', '-q', '--no-ff', '-S', '-m', 'merge old', 'old']);
    // A side where alice changed CODEOWNERS, merged by bob: the merge equals that side there.
    r.run(['checkout', '-q', '-b', 'owners']);
    commit(r, alice, { CODEOWNERS: '* @alice @bob\n' }, 'owners');
    r.run(['checkout', '-q', 'main']);
    commit(r, bob, { 'src/d.c': 'd\n' }, 'work');
    as(r, bob, ['merge', '-q', '--no-ff', '-S', '-m', 'merge owners', 'owners']);
    // -s ours of a side that changed code only.
    r.run(['checkout', '-q', '-b', 'spike']);
    commit(r, bob, { 'src/e.c': 'e\n' }, 'spike');
    r.run(['checkout', '-q', 'main']);
    as(r, bob, ['merge', '-q', '--no-ff', '-S', '-s', 'ours', '-m', 'record spike', 'spike']);
    expect(await outcomes(r, [PROTECTED, POLICY, GATE])).toEqual({
      [PROTECTED]: 'pass',
      [POLICY]: 'pass',
      [GATE]: 'pass',
    });
  });
});
