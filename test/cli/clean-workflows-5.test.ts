// Fifth round of clean set-ups that must pass (see clean-workflows.test.ts to -4): the refs that
// `--all` and the hooks judge beside branches and tags. git stash makes unsigned WIP and index
// commits under refs/stash, and git notes makes unsigned commits under refs/notes/* (git can sign
// neither): each failed commits-signed (notes signers-authorized too) under --all, and the server
// hook refused every push of notes. Each case keeps a twin that still fails: a branch named like
// them, a ref that only looks like them, and a note's commit brought into a branch.
import { appendFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupTemp, tempDir, type TestRepo } from '../helpers/repo.js';
import { makeSshKey, type SshTestKey } from '../helpers/ssh.js';
import { sshSigningRepo, tryGit } from '../helpers/signing-repo.js';
import { runMain, parseJson, resultOf, stderrLines, type JsonReport } from '../helpers/cli.js';
import { gitAsync, inProcessHooks, stopHookBridge } from '../helpers/hook-bridge.js';
import { madeOnce } from '../helpers/made-once.js';

let alice: SshTestKey;
beforeAll(() => {
  alice = makeSshKey(mkdtempSync(join(tmpdir(), 'gg-clean5-')), 'ed25519', 'alice');
});
afterAll(async () => {
  await stopHookBridge();
  cleanupTemp();
});

const RULES = [
  'commits-signed',
  'signatures-valid',
  'signers-authorized',
  'signer-matches-committer',
  'policy-changes-authorized',
  'reflog-no-forced-updates',
  'protected-refs-not-rewritten',
  'protected-refs-present',
  'tags-not-moved',
  'trust-root-in-history',
];

const audit = async (r: TestRepo, extra: string[] = [], rules = RULES) => {
  const res = await runMain(['audit', '-C', r.dir, '--format', 'json', '--no-cache', '-r', rules.join(','), ...extra], {
    env: r.env,
  });
  return { code: res.code, report: parseJson(res) };
};
/** commits-signed alone: the walk without signature verification, which the secrets scan shares. */
const signedAlone = async (r: TestRepo) =>
  resultOf((await audit(r, ['--all'], ['commits-signed'])).report, 'commits-signed').outcome;
const outcomes = (report: JsonReport) => Object.fromEntries(RULES.map((id) => [id, resultOf(report, id).outcome]));
const allPass = Object.fromEntries(RULES.map((id) => [id, 'pass']));
/** The rules that fail or warn (the ledger rules are not-applicable before a first audit records one). */
const failing = (report: JsonReport): string[] =>
  RULES.filter((id) => !['pass', 'not-applicable'].includes(resultOf(report, id).outcome));
/** The messages of a rule's findings. */
const messages = (report: JsonReport, id: string): string[] => resultOf(report, id).findings.map((f) => f.message);

/** alice's governed work tree: the policy, a signed commit and a signed tag (made once, copied for each test). */
const governedOnce = madeOnce(() => {
  const r = sshSigningRepo(alice);
  r.commit('work', { 'src/a.txt': 'a\n' });
  r.run(['tag', '-m', 'v1', 'v1']);
  return { r };
});
const governed = (): TestRepo => governedOnce().r;
/** A commit git makes without a signature (commit.gpgSign off for this one). */
const unsigned = (r: TestRepo, message: string, files: Record<string, string>): string =>
  r.commit(message, files, ['--no-gpg-sign']);

describe('git stash under --all', () => {
  /** Two stashes (one with untracked files), one dropped: refs/stash and its reflog as git leaves them. */
  function stashed(r = governed()): TestRepo {
    r.write({ 'src/a.txt': 'wip 1\n' });
    r.run(['stash', '-q']);
    r.write({ 'src/a.txt': 'wip 2\n', 'scratch.txt': 'untracked\n' });
    r.run(['stash', '-q', '-u']);
    r.write({ 'src/a.txt': 'wip 3\n' });
    r.run(['stash', '-q']);
    r.run(['stash', 'drop', '-q', 'stash@{1}']);
    return r;
  }

  test('stashes made, kept and dropped: every rule passes, verify --all too, and the scope says the WIP was left out', async () => {
    // The ledger recorded first, so the ledger rules judge the refs after the stashes.
    const r = governed();
    expect((await audit(r, ['--all'])).report.ledger?.updated).toBe(true);
    stashed(r);
    const { code, report } = await audit(r, ['--all']);
    expect(outcomes(report)).toEqual(allPass);
    expect(code).toBe(0);
    expect(report.scope.description).toMatch(/left out: refs\/stash/);
    expect(await signedAlone(r)).toBe('pass');
    const verify = await runMain(['verify', '-C', r.dir, '--all', '--no-cache'], { env: r.env });
    expect(verify.code).toBe(0);
  });

  test('twin: an unsigned commit on a branch beside the stash still fails, and only it', async () => {
    const r = stashed();
    r.run(['checkout', '-q', '-b', 'feature']);
    const bad = unsigned(r, 'unsigned feature', { 'src/b.txt': 'b\n' });
    const { code, report } = await audit(r, ['--all']);
    expect(resultOf(report, 'commits-signed').outcome).toBe('fail');
    expect(resultOf(report, 'commits-signed').findings.map((f) => f.commit)).toEqual([bad]);
    expect(code).toBe(1);
  });

  test('twin: a branch named stash is a branch: its unsigned commit fails', async () => {
    const r = governed();
    r.run(['checkout', '-q', '-b', 'stash']);
    unsigned(r, 'WIP on main: looks like a stash', { 'src/b.txt': 'b\n' });
    const { report } = await audit(r, ['--all']);
    expect(messages(report, 'commits-signed').join('\n')).toMatch(/looks like a stash/);
  });

  test('twin: refs/stash naming a commit not of git stash shape is walked as a branch', async () => {
    const r = governed();
    r.run(['checkout', '-q', '-b', 'side']);
    const bad = unsigned(r, 'hidden under refs/stash', { 'src/evil.txt': 'x\n' });
    r.run(['checkout', '-q', 'main']);
    r.run(['branch', '-D', 'side']);
    r.run(['update-ref', 'refs/stash', bad]);
    const { report } = await audit(r, ['--all']);
    expect(resultOf(report, 'commits-signed').findings.map((f) => f.commit)).toEqual([bad]);
  });

  test('twin: a stash made on an unsigned commit on no branch: that commit is still walked and fails', async () => {
    const r = governed();
    r.run(['checkout', '-q', '--detach']);
    const bad = unsigned(r, 'unsigned, on no branch', { 'src/b.txt': 'b\n' });
    r.write({ 'src/b.txt': 'wip\n' });
    r.run(['stash', '-q']);
    r.run(['checkout', '-q', 'main']);
    const { report } = await audit(r, ['--all']);
    expect(resultOf(report, 'commits-signed').findings.map((f) => f.commit)).toEqual([bad]);
  });
});

describe('git notes under --all', () => {
  /** Notes on two commits in the default notes ref, one appended, and a second notes ref. */
  function annotated(r = governed()): TestRepo {
    r.run(['notes', 'add', '-m', 'reviewed by bob', 'HEAD']);
    r.run(['notes', 'add', '-m', 'policy reviewed', 'HEAD~1']);
    r.run(['notes', 'append', '-m', 'and by carol', 'HEAD']);
    r.run(['notes', '--ref=review', 'add', '-m', 'LGTM', 'HEAD']);
    return r;
  }

  test('notes added and appended in two notes refs: every rule passes, verify --all too', async () => {
    const r = governed();
    expect((await audit(r, ['--all'])).report.ledger?.updated).toBe(true);
    annotated(r);
    const { code, report } = await audit(r, ['--all']);
    expect(outcomes(report)).toEqual(allPass);
    expect(code).toBe(0);
    expect(report.scope.description).toMatch(/2 notes refs/);
    expect(await signedAlone(r)).toBe('pass');
    const verify = await runMain(['verify', '-C', r.dir, '--all', '--no-cache'], { env: r.env });
    expect(verify.code).toBe(0);
  });

  test('twin: code under a notes ref (a commit of the source tree) is walked as a branch and fails', async () => {
    const r = annotated();
    r.write({ 'src/evil.txt': 'x\n' });
    r.run(['add', '-A']);
    const tree = r.run(['write-tree']);
    r.run(['reset', '-q', '--hard']);
    const bad = r.run(['commit-tree', '-m', 'not a note', tree]);
    r.run(['update-ref', 'refs/notes/evil', bad]);
    const { report } = await audit(r, ['--all']);
    expect(resultOf(report, 'commits-signed').findings.map((f) => f.commit)).toContain(bad);
  });

  test('twin: a notes commit with one file that is not a note, or on top of a branch commit, fails', async () => {
    for (const kind of ['extra file', 'on a branch'] as const) {
      const r = annotated();
      const notesTree = r.run(['rev-parse', 'refs/notes/commits^{tree}']);
      const blob = r.run(['hash-object', '-w', '--stdin'], { input: 'payload\n' });
      const tree =
        kind === 'extra file'
          ? r.run(['mktree'], {
              input: `${r.run(['ls-tree', notesTree])}\n100644 blob ${blob}\tinstall.sh\n`,
            })
          : notesTree;
      const parent = kind === 'extra file' ? 'refs/notes/commits' : 'HEAD';
      const bad = r.run(['commit-tree', '-p', parent, '-m', `notes: ${kind}`, tree]);
      r.run(['update-ref', 'refs/notes/commits', bad]);
      const { report } = await audit(r, ['--all']);
      expect(resultOf(report, 'commits-signed').findings.map((f) => f.commit)).toContain(bad);
    }
  });

  test("twin: a note's unsigned commit merged into a branch is judged with the branch and fails", async () => {
    const r = annotated();
    const note = r.run(['rev-parse', 'refs/notes/review']);
    r.run(['merge', '-q', '--allow-unrelated-histories', '-m', 'bring the notes in', note]);
    const { report } = await audit(r, ['--all']);
    expect(resultOf(report, 'commits-signed').findings.map((f) => f.commit)).toContain(note);
  });
});

// The hooks below run gitguard in this process (helpers/hook-bridge.ts), except the server's in
// 'twin: code pushed under a notes ref is refused', which runs the built binary.
describe('notes pushed to a governed server (pre-receive hook)', () => {
  async function served(runs: 'binary' | 'in-process' = 'in-process'): Promise<{ r: TestRepo; remote: string }> {
    const r = governed();
    const remote = join(tempDir(), 'remote.git');
    r.run(['init', '-q', '--bare', remote]);
    r.run(['remote', 'add', 'origin', remote]);
    expect(tryGit(r, ['push', '-q', 'origin', 'main', 'v1']).code).toBe(0);
    const bridge = runs === 'in-process' ? await inProcessHooks() : {};
    expect((await runMain(['hook', 'install', '--server', '-C', remote], { env: r.env, ...bridge })).code).toBe(0);
    return { r, remote };
  }
  const remoteHas = (r: TestRepo, remote: string, ref: string): boolean =>
    tryGit(r, ['rev-parse', '-q', '--verify', ref], remote).code === 0;

  test('git push origin refs/notes/commits is accepted (before: refused), and again after more notes', async () => {
    const { r, remote } = await served();
    r.run(['notes', 'add', '-m', 'reviewed by bob', 'HEAD']);
    const first = await gitAsync(r, ['push', 'origin', 'refs/notes/commits']);
    expect(first.stderr).not.toMatch(/rejected/);
    expect(first.code).toBe(0);
    r.run(['notes', 'add', '-m', 'policy reviewed', 'HEAD~1']);
    expect((await gitAsync(r, ['push', 'origin', 'refs/notes/commits'])).code).toBe(0);
    expect(remoteHas(r, remote, 'refs/notes/commits')).toBe(true);
  });

  test('twin: code pushed under a notes ref is refused', async () => {
    const { r, remote } = await served('binary');
    const bad = r.run(['commit-tree', '-p', 'HEAD', '-m', 'not a note', 'HEAD^{tree}']);
    const push = tryGit(r, ['push', 'origin', `${bad}:refs/notes/evil`]);
    expect(push.stderr).toMatch(/gitguard: rejected: commit .* refused by commits-signed/);
    expect(remoteHas(r, remote, 'refs/notes/evil')).toBe(false);
  });

  test("twin: a branch that merges a note's commit accepted earlier is refused", async () => {
    const { r } = await served();
    r.run(['notes', 'add', '-m', 'reviewed by bob', 'HEAD']);
    expect((await gitAsync(r, ['push', 'origin', 'refs/notes/commits'])).code).toBe(0);
    const note = r.run(['rev-parse', 'refs/notes/commits']);
    r.run(['merge', '-q', '--allow-unrelated-histories', '-m', 'bring the notes in', note]);
    const push = await gitAsync(r, ['push', 'origin', 'main']);
    expect(push.stderr).toMatch(new RegExp(`commit ${note.slice(0, 12)} refused by commits-signed`));
    expect(push.code).not.toBe(0);
  });
});

describe("notes pushed through gitguard's pre-push hook", () => {
  /** alice's work tree with gitguard's pre-push hook, and a plain bare remote holding main. */
  async function pushing(): Promise<TestRepo> {
    const r = governed();
    const remote = join(tempDir(), 'remote.git');
    r.run(['init', '-q', '--bare', remote]);
    r.run(['remote', 'add', 'origin', remote]);
    expect(tryGit(r, ['push', '-q', 'origin', 'main']).code).toBe(0);
    r.run(['fetch', '-q', 'origin']);
    expect((await runMain(['hook', 'install', '-C', r.dir], { env: r.env, ...(await inProcessHooks()) })).code).toBe(0);
    return r;
  }

  test('git push origin refs/notes/commits passes the hook (before: commits-signed refused it)', async () => {
    const r = await pushing();
    r.run(['notes', 'add', '-m', 'reviewed by bob', 'HEAD']);
    const push = await gitAsync(r, ['push', 'origin', 'refs/notes/commits']);
    expect(push.stderr).not.toMatch(/commits-signed/);
    expect(push.code).toBe(0);
  });

  test('twin: code pushed under a notes ref is refused by the hook', async () => {
    const r = await pushing();
    const bad = r.run(['commit-tree', '-p', 'HEAD', '-m', 'not a note', 'HEAD^{tree}']);
    const push = await gitAsync(r, ['push', 'origin', `${bad}:refs/notes/evil`]);
    expect(push.stderr).toMatch(/commits-signed/);
    expect(push.code).not.toBe(0);
  });
});

describe('stashes and notes across incremental re-audits (--all, the cache on)', () => {
  test('a note and a stash added between two audits: both pass, and the secrets scan agrees with the walk', async () => {
    const r = sshSigningRepo(alice);
    r.commit('work', { 'src/a.txt': 'a\n' });
    const rules = [...RULES, 'secrets-not-in-history'];
    const run = async () => {
      const res = await runMain(['audit', '-C', r.dir, '--format', 'json', '-r', rules.join(','), '--all'], {
        env: r.env,
      });
      return { code: res.code, report: parseJson(res) };
    };
    expect((await run()).code).toBe(0);
    r.run(['notes', 'add', '-m', 'reviewed', 'HEAD']);
    r.write({ 'src/a.txt': 'wip\n' });
    r.run(['stash', '-q']);
    r.commit('more', { 'src/b.txt': 'b\n' });
    const second = await run();
    expect(Object.fromEntries(rules.map((id) => [id, resultOf(second.report, id).outcome]))).toEqual(
      Object.fromEntries(rules.map((id) => [id, 'pass'])),
    );
    expect(second.code).toBe(0);
  });
});

describe('a ref name that only looks like a note or a stash', () => {
  // git itself refuses a packed ref whose name climbs out of its folder (refs/notes/../heads/evil):
  // for-each-ref dies. gitguard then walked nothing and the per-commit rules passed as "no commits in
  // scope" beside the others, over a history nobody read.
  test.each(['refs/notes/../heads/evil', 'refs/stash/../heads/evil'])(
    'a packed %s stops the audit in one line (exit 2), with HEAD or --all',
    async (name) => {
      const r = governed();
      const tip = r.head();
      r.run(['pack-refs', '--all']);
      const packed = join(r.dir, '.git', 'packed-refs');
      appendFileSync(packed, `${tip} ${name}\n`);
      for (const scope of [[], ['--all']]) {
        const res = await runMain(
          ['audit', '-C', r.dir, '--no-cache', '-r', 'commits-signed,tls-verification-enabled', ...scope],
          { env: r.env },
        );
        expect(res.code).toBe(2);
        expect(stderrLines(res)).toEqual([
          expect.stringMatching(/^gitguard: cannot list the refs to walk: .*dangerous/),
        ]);
      }
    },
  );
});

describe('other refs git leaves during clean work (these passed already; kept so they stay so)', () => {
  test('a bisect in a linked worktree (refs/bisect/* per worktree), audited from it and from the main one', async () => {
    const r = governed();
    r.commit('w2', { 'src/b.txt': '1\n' });
    r.commit('w3', { 'src/b.txt': '2\n' });
    const wt = join(tempDir(), 'linked');
    r.run(['worktree', 'add', '-q', '-b', 'topic', wt]);
    expect(tryGit(r, ['bisect', 'start', 'HEAD', 'HEAD~2'], wt).code).toBe(0);
    expect(tryGit(r, ['for-each-ref', '--format=%(refname)', 'refs/bisect/'], wt).stdout).toMatch(/refs\/bisect\/bad/);
    for (const dir of [wt, r.dir]) {
      const res = await runMain(
        ['audit', '-C', dir, '--format', 'json', '--no-cache', '-r', RULES.join(','), '--all'],
        {
          env: r.env,
        },
      );
      expect(failing(parseJson(res))).toEqual([]);
    }
  });

  test("a clone's remote-tracking refs, origin/HEAD and git maintenance's refs/prefetch/*", async () => {
    const r = governed();
    const remote = join(tempDir(), 'remote.git');
    r.run(['init', '-q', '--bare', remote]);
    r.run(['push', '-q', remote, 'main', 'v1']);
    const clone = join(tempDir(), 'clone');
    r.run(['clone', '-q', remote, clone]);
    expect(tryGit(r, ['maintenance', 'run', '--task=prefetch'], clone).code).toBe(0);
    expect(tryGit(r, ['for-each-ref', '--format=%(refname)'], clone).stdout).toMatch(
      /refs\/prefetch\/remotes\/origin\/main/,
    );
    const res = await runMain(
      ['audit', '-C', clone, '--format', 'json', '--no-cache', '-r', RULES.join(','), '--all'],
      {
        env: r.env,
      },
    );
    expect(failing(parseJson(res))).toEqual([]);
  });
});

describe('--all walks what git log --all walks: the refs and every worktree HEAD', () => {
  // A detached HEAD is on no ref: `gitguard audit` judged its commits but `--all` did not, so --all
  // was not a superset of HEAD; `git log --all` walks it, and every linked worktree's HEAD too.
  test('an unsigned commit on a detached HEAD, here or in a linked worktree, fails --all', async () => {
    const r = governed();
    r.run(['checkout', '-q', '--detach']);
    const here = unsigned(r, 'unsigned on a detached HEAD', { 'src/b.txt': 'b\n' });
    const wt = join(tempDir(), 'linked');
    r.run(['worktree', 'add', '-q', '--detach', wt, 'main']);
    r.run(['-C', wt, 'commit', '-q', '--no-gpg-sign', '--allow-empty', '-m', 'unsigned in the linked worktree']);
    const there = r.run(['-C', wt, 'rev-parse', 'HEAD']);
    const { report } = await audit(r, ['--all']);
    expect(
      resultOf(report, 'commits-signed')
        .findings.map((f) => f.commit)
        .sort(),
    ).toEqual([here, there].sort());
  });

  test('signed commits on detached HEADs pass --all', async () => {
    const r = governed();
    r.run(['checkout', '-q', '--detach']);
    r.commit('signed on a detached HEAD', { 'src/b.txt': 'b\n' });
    const wt = join(tempDir(), 'linked');
    r.run(['worktree', 'add', '-q', '--detach', wt, 'main']);
    r.run(['-C', wt, 'commit', '-q', '--allow-empty', '-m', 'signed in the linked worktree']);
    const { report } = await audit(r, ['--all']);
    expect(failing(report)).toEqual([]);
    expect(report.scope.description).toMatch(/^all refs \(3 tips/);
  });
});
