// Second round of clean set-ups that must pass (see clean-workflows.test.ts for the first): each case
// here was a false failure, and each keeps a twin that still fails, so the fix cannot have switched the
// check off.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeRepo, cleanupTemp, tempDir, type TestRepo } from '../helpers/repo.js';
import { configureSshSigning, makeSshKey, type SshTestKey } from '../helpers/ssh.js';
import { ALICE_POLICY, sshSigningRepo, tryGit } from '../helpers/signing-repo.js';
import { runMain, parseJson, resultOf } from '../helpers/cli.js';

let alice: SshTestKey;
beforeAll(() => {
  alice = makeSshKey(mkdtempSync(join(tmpdir(), 'gg-clean2-')), 'ed25519', 'alice');
});
afterAll(cleanupTemp);

const POLICY = ALICE_POLICY;
const git = tryGit;
const signingRepo = (policy = POLICY): TestRepo => sshSigningRepo(alice, policy);

describe("a GitLab merged results pipeline checks out GitLab's internal merge (refs/merge-requests/<iid>/merge)", () => {
  let r: TestRepo;
  let ci: string;
  let merge: string;
  let target: string;
  let source: string;
  /** The variables GitLab Runner sets in a merged results pipeline (target_sha is set only there). */
  const mrEnv = (over: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
    ...r.env,
    CI: 'true',
    GITLAB_CI: 'true',
    CI_PIPELINE_SOURCE: 'merge_request_event',
    CI_MERGE_REQUEST_EVENT_TYPE: 'merged_result',
    CI_MERGE_REQUEST_IID: '7',
    CI_COMMIT_SHA: merge,
    CI_MERGE_REQUEST_TARGET_BRANCH_SHA: target,
    CI_MERGE_REQUEST_SOURCE_BRANCH_SHA: source,
    ...over,
  });
  /** GitLab's internal merge: unsigned, authored by the merge request's creator, message from the project template. */
  const gitlabMerge = (head: string): void => {
    r.run(['checkout', '-q', '--detach', 'main']);
    target = r.head();
    source = head;
    const message = "Merge branch 'feature' into 'main'\n\nFeature work\n\nSee merge request group/app!7";
    r.run(['merge', '-q', '--no-ff', '--no-gpg-sign', '-m', message, head]);
    merge = r.head();
    r.run(['update-ref', 'refs/merge-requests/7/merge', merge]);
    r.run(['checkout', '-q', 'main']);
  };
  /** What GitLab Runner does with GIT_DEPTH: 0: fetch into a fresh folder, check the job's commit out detached. */
  const checkout = (): void => {
    ci = join(tempDir(), 'ci');
    r.run(['init', '-q', ci]);
    r.run(['-C', ci, 'remote', 'add', 'origin', r.dir]);
    r.run([
      '-C',
      ci,
      'fetch',
      '-q',
      '--prune',
      'origin',
      `+${merge}:refs/pipelines/42`,
      '+refs/heads/*:refs/remotes/origin/*',
    ]);
    r.run(['-C', ci, 'checkout', '-f', '-q', merge]);
  };
  const commitsSigned = async (env: NodeJS.ProcessEnv, extra: string[] = []) => {
    const res = await runMain(
      ['audit', '-C', ci, '--format', 'json', '--no-cache', '-r', 'commits-signed,signers-authorized', ...extra],
      { env },
    );
    return { code: res.code, report: parseJson(res) };
  };
  beforeAll(() => {
    r = signingRepo();
    r.commit('main work');
    r.run(['checkout', '-q', '-b', 'feature']);
    r.commit('merge request work');
    r.run(['checkout', '-q', 'main']);
    r.commit('main moves on');
    gitlabMerge(r.run(['rev-parse', 'feature']));
    checkout();
  });

  test('its two parents are judged, the internal merge is not: a signed merge request passes', async () => {
    const { code, report } = await commitsSigned(mrEnv());
    expect(report.scope.description).toContain("is GitLab's test merge refs/merge-requests/7/merge");
    expect(resultOf(report, 'commits-signed').outcome).toBe('pass');
    expect(resultOf(report, 'signers-authorized').outcome).toBe('pass');
    expect(report.scope.commits).toBe(4);
    expect(code).toBe(0);
    // GitLab has reported merged results pipelines as `detached`: the SHAs, set only here, decide.
    expect((await commitsSigned(mrEnv({ CI_MERGE_REQUEST_EVENT_TYPE: 'detached' }))).code).toBe(0);
  });

  test('--base at the merge request diff base still covers the merge request', async () => {
    const diffBase = git(r, ['merge-base', 'main', 'feature']).stdout.trim();
    const { code, report } = await commitsSigned(mrEnv({ CI_MERGE_REQUEST_DIFF_BASE_SHA: diffBase }), [
      '--base',
      diffBase,
    ]);
    expect(resultOf(report, 'commits-signed').outcome).toBe('pass');
    expect(report.scope.commits).toBe(2);
    expect(code).toBe(0);
  });

  test('a branch pipeline, another commit, or parents other than the ones GitLab names: HEAD is judged as it is', async () => {
    const envs = [
      mrEnv({ CI_PIPELINE_SOURCE: 'push' }),
      mrEnv({ CI_MERGE_REQUEST_TARGET_BRANCH_SHA: undefined }),
      mrEnv({ CI_COMMIT_SHA: '0'.repeat(40) }),
      mrEnv({ CI_MERGE_REQUEST_TARGET_BRANCH_SHA: source, CI_MERGE_REQUEST_SOURCE_BRANCH_SHA: target }),
      mrEnv({ GITLAB_CI: undefined }),
    ];
    for (const env of envs) {
      const { code, report } = await commitsSigned(env);
      expect(resultOf(report, 'commits-signed').findings.map((f) => f.commit)).toEqual([merge]);
      expect(code).toBe(1);
    }
  });

  test('an unsigned commit in the merge request still fails', async () => {
    r.run(['checkout', '-q', 'feature']);
    const unsigned = r.commit('unsigned work', {}, ['--no-gpg-sign']);
    gitlabMerge(unsigned);
    checkout();
    const { code, report } = await commitsSigned(mrEnv());
    expect(resultOf(report, 'commits-signed').findings.map((f) => f.commit)).toEqual([unsigned]);
    expect(code).toBe(1);
  });
});

describe('an allowed_signers principal written in other case than the committer address', () => {
  // git finds the principal by key and shows G "Alice@Example.COM"; the policy compares e-mails
  // without regard to case, so the principal is alice@example.com.
  const LINE = (pub: string): string => `Alice@Example.COM ${pub}\n`;
  let r: TestRepo;
  beforeAll(() => {
    r = makeRepo();
    configureSshSigning(r, alice);
    r.run(['config', 'commit.gpgSign', 'true']);
    r.commit('policy: alice signs', {
      '.gitguard/policy.yml': POLICY,
      '.gitguard/allowed_signers': LINE(alice.pub),
    });
    r.commit('work');
  });
  const IMPERSONATION = ['signers-authorized', 'signer-matches-committer', 'policy-changes-authorized'];

  test("the policy's signer owns the key found by e-mail: every commit is authorized", async () => {
    const res = await runMain(['verify', '-C', r.dir, '--no-cache', '--format', 'json'], { env: r.env });
    const rows = (JSON.parse(res.stdout) as { commits: Array<{ status: string }> }).commits;
    expect(rows.map((x) => x.status)).toEqual(['authorized', 'authorized']);
    expect(res.code).toBe(0);
    const audit = await runMain(
      ['audit', '-C', r.dir, '--format', 'json', '--no-cache', '-r', IMPERSONATION.join(',')],
      {
        env: r.env,
      },
    );
    expect(IMPERSONATION.map((id) => resultOf(parseJson(audit), id).outcome)).toEqual(['pass', 'pass', 'pass']);
  });

  test('without a policy, --allowed-signers vouches for the same address; another committer is still an impersonation', async () => {
    const bare = makeRepo();
    configureSshSigning(bare, alice);
    const ok = bare.commit('alice', {}, ['-S']);
    bare.run(['commit', '-q', '-S', '--allow-empty', '-m', 'mallory with alice key'], {
      env: { GIT_COMMITTER_NAME: 'Mallory', GIT_COMMITTER_EMAIL: 'mallory@example.com' },
    });
    const forged = bare.head();
    const file = join(tempDir(), 'allowed_signers');
    writeFileSync(file, LINE(alice.pub));
    const res = await runMain(['verify', '-C', bare.dir, '--no-cache', '--format', 'json', '--allowed-signers', file], {
      env: bare.env,
    });
    const rows = (JSON.parse(res.stdout) as { commits: Array<{ commit: string; status: string }> }).commits;
    expect(rows.map((x) => [x.commit, x.status])).toEqual([
      [ok, 'authorized'],
      [forged, 'impersonation'],
    ]);
    expect(res.code).toBe(1);
  });
});

describe('a long-lived history: a maintainer comes and goes, a key is rotated, a signer changes address', () => {
  // Every commit is judged by its parents' policies, so what a later policy removes (Bob, Alice's
  // old key, her old address) does not turn the history before it red.
  let r: TestRepo;
  let bob: SshTestKey;
  let alice2: SshTestKey;
  const policy = (signers: string[]): string => `version: 1\nsigners:\n${signers.join('')}maintainers: [Alice]\n`;
  const ALICE = (emails: string) => `  - name: Alice\n    emails: [${emails}]\n`;
  const BOB = '  - name: Bob\n    emails: [bob@example.com]\n';
  /** A commit signed by `key`, committed by `email` at `date` (ISO), with `files`. */
  const at = (date: string, key: SshTestKey, message: string, files: Record<string, string> = {}, email?: string) => {
    r.write(Object.keys(files).length ? files : { [`f-${message}.txt`]: `${message}\n` });
    r.run(['add', '-A']);
    r.run(['commit', '-q', `-S${key.path}`, '-m', message], {
      env: {
        GIT_AUTHOR_DATE: date,
        GIT_COMMITTER_DATE: date,
        ...(email ? { GIT_AUTHOR_EMAIL: email, GIT_COMMITTER_EMAIL: email } : {}),
      },
    });
    return r.head();
  };
  const signersFile = (lines: string[]) => ({ '.gitguard/allowed_signers': lines.map((l) => `${l}\n`).join('') });
  const RULES = ['signers-authorized', 'signer-matches-committer', 'policy-changes-authorized', 'signers-not-retired'];
  const audit = async (rules: string[]) => {
    const res = await runMain(['audit', '-C', r.dir, '--format', 'json', '--no-cache', '-r', rules.join(',')], {
      env: r.env,
    });
    return { code: res.code, report: parseJson(res) };
  };
  const statuses = async () => {
    const res = await runMain(['verify', '-C', r.dir, '--no-cache', '--format', 'json'], { env: r.env });
    return (JSON.parse(res.stdout) as { commits: Array<{ status: string; detail: string }> }).commits;
  };

  beforeAll(() => {
    const keys = mkdtempSync(join(tmpdir(), 'gg-clean2-'));
    bob = makeSshKey(keys, 'ed25519', 'bob');
    alice2 = makeSshKey(keys, 'ecdsa-256', 'alice2');
    r = makeRepo();
    r.run(['config', 'gpg.format', 'ssh']);
    const a = `alice@example.com ${alice.pub}`;
    const b = `bob@example.com ${bob.pub}`;
    at('2024-01-01T10:00:00Z', alice, 'policy', {
      '.gitguard/policy.yml': policy([ALICE('alice@example.com')]),
      ...signersFile([a]),
    });
    at('2024-02-01T10:00:00Z', alice, 'add-bob', {
      '.gitguard/policy.yml': policy([ALICE('alice@example.com'), BOB]),
      ...signersFile([a, b]),
    });
    at('2024-02-02T10:00:00Z', bob, 'bob-work', {}, 'bob@example.com');
    // Alice rotates to a new key (signed with the old one), the old one ends on 2024-06-01.
    at('2024-03-01T10:00:00Z', alice, 'rotate', {
      ...signersFile([
        `alice@example.com valid-before="20240601" ${alice.pub}`,
        `alice@example.com valid-after="20240301" ${alice2.pub}`,
        b,
      ]),
    });
    at('2024-07-01T10:00:00Z', alice2, 'new-key-work');
    // Bob leaves: he is removed from the policy and allowed_signers altogether.
    at('2024-08-01T10:00:00Z', alice2, 'remove-bob', {
      '.gitguard/policy.yml': policy([ALICE('alice@example.com')]),
      ...signersFile([`alice@example.com valid-after="20240301" ${alice2.pub}`]),
    });
    // Alice changes address: both for a while, then only the new one.
    at('2024-09-01T10:00:00Z', alice2, 'new-address', {
      '.gitguard/policy.yml': policy([ALICE('alice@example.com, alice@new.example')]),
      ...signersFile([`alice@example.com,alice@new.example ${alice2.pub}`]),
    });
    at('2024-09-02T10:00:00Z', alice2, 'as-new-address', {}, 'alice@new.example');
    at(
      '2024-10-01T10:00:00Z',
      alice2,
      'drop-old-address',
      {
        '.gitguard/policy.yml': policy([ALICE('alice@new.example')]),
        ...signersFile([`alice@new.example ${alice2.pub}`]),
      },
      'alice@new.example',
    );
    at('2024-10-02T10:00:00Z', alice2, 'latest', {}, 'alice@new.example');
  });

  test("every commit stays authorized under its parents' policy, and the audit passes", async () => {
    const rows = await statuses();
    expect(rows).toHaveLength(10);
    expect(rows.map((x) => x.status)).toEqual(Array(10).fill('authorized'));
    expect(rows[2]!.detail).toBe('Bob');
    const { code, report } = await audit(RULES);
    expect(RULES.map((id) => resultOf(report, id).outcome)).toEqual(['pass', 'pass', 'pass', 'pass']);
    expect(code).toBe(0);
  });

  test('what the tip no longer allows still fails: the old address, the old key, Bob', async () => {
    const tip = r.head();
    const forged = [
      at('2024-10-03T10:00:00Z', alice2, 'old-address-again', {}, 'alice@example.com'),
      at('2024-10-04T10:00:00Z', alice, 'old-key-again', {}, 'alice@new.example'),
      at('2024-10-05T10:00:00Z', bob, 'bob-again', {}, 'bob@example.com'),
    ];
    const rows = (await statuses()).slice(-3);
    expect(rows.map((x) => x.status)).toEqual(['impersonation', 'unknown-signer', 'unknown-signer']);
    expect((await audit(RULES)).code).toBe(1);
    r.run(['reset', '-q', '--hard', tip]);
    expect(forged).toHaveLength(3);
  });
});

describe('amending or resetting commits on main before they are pushed', () => {
  // Everyday local work: the reflog records `commit (amend)` and `reset: moving to HEAD~1` on main,
  // but the old tips were never published, so no published history was rewritten.
  const reflogRule = async (r: TestRepo) => {
    const res = await runMain(
      ['audit', '-C', r.dir, '--format', 'json', '--no-cache', '-r', 'reflog-no-forced-updates'],
      {
        env: r.env,
      },
    );
    return resultOf(parseJson(res), 'reflog-no-forced-updates');
  };
  let r: TestRepo;
  beforeAll(() => {
    r = signingRepo();
    const remote = join(tempDir(), 'remote.git');
    r.run(['init', '-q', '--bare', remote]);
    r.run(['remote', 'add', 'origin', remote]);
    r.run(['push', '-q', '-u', 'origin', 'main']);
    r.commit('wip');
    r.run(['commit', '-q', '--amend', '-m', 'wip, reworded']);
    r.commit('a mistake');
    r.run(['reset', '-q', '--hard', 'HEAD~1']);
    r.commit('the right change');
  });

  test('is no forced update of published history: the rule passes', async () => {
    const reflog = git(r, ['reflog', 'show', '--format=%gs', 'main']).stdout;
    expect(reflog).toContain('commit (amend)');
    expect(reflog).toContain('reset: moving to HEAD~1');
    expect((await reflogRule(r)).outcome).toBe('pass');
  });

  test('resetting main over a pushed commit still warns, and so does any reset without a remote or ledger', async () => {
    r.commit('published');
    r.run(['push', '-q', 'origin', 'main']);
    const pushed = r.head();
    r.run(['reset', '-q', '--hard', 'HEAD~1']);
    const result = await reflogRule(r);
    expect(result.outcome).toBe('warn');
    expect(result.findings.map((f) => f.message)).toEqual([expect.stringContaining(`${pushed.slice(0, 12)} -> `)]);

    const local = signingRepo();
    local.commit('wip');
    local.run(['commit', '-q', '--amend', '-m', 'wip, reworded']);
    expect((await reflogRule(local)).outcome).toBe('warn');
  });
});

describe('release tags across an SSH key rotation that keeps the old key with valid-before', () => {
  // Tags are judged by the policy at HEAD; a rotation that bounds the old key (as ssh-keygen's
  // valid-before does) keeps the releases it signed valid, and refuses what it signs afterwards.
  test('the old release passes, a tag the old key signs after the cut fails', async () => {
    const keys = mkdtempSync(join(tmpdir(), 'gg-clean2-'));
    const next = makeSshKey(keys, 'ed25519', 'alice-next');
    const r = signingRepo();
    const tag = (name: string, key: SshTestKey, date: string) =>
      r.run(['tag', '-s', `-u${key.path}`, '-m', `release ${name}`, name], { env: { GIT_COMMITTER_DATE: date } });
    tag('v1.0', alice, '2024-02-01T10:00:00Z');
    // Signed with the key the policy trusts until then: a policy change signed with the new key is one
    // no maintainer made (policy-changes-authorized), whose keys judge no tag either.
    r.commit('rotate to the next key', {
      '.gitguard/allowed_signers': [
        `alice@example.com valid-before="20240601" ${alice.pub}`,
        `alice@example.com valid-after="20240301" ${next.pub}`,
      ]
        .map((l) => `${l}\n`)
        .join(''),
    });
    r.run(['config', 'user.signingkey', next.path]);
    tag('v2.0', next, '2024-07-01T10:00:00Z');
    const tagsSigned = async () => {
      const res = await runMain(['audit', '-C', r.dir, '--format', 'json', '--no-cache', '-r', 'tags-signed'], {
        env: r.env,
      });
      return { code: res.code, result: resultOf(parseJson(res), 'tags-signed') };
    };
    const clean = await tagsSigned();
    expect(clean.result.outcome).toBe('pass');
    expect(clean.code).toBe(0);
    tag('v2.1', alice, '2024-08-01T10:00:00Z');
    const late = await tagsSigned();
    expect(late.result.findings.map((f) => f.ref)).toEqual(['refs/tags/v2.1']);
    expect(late.code).toBe(1);
  });
});

describe('gitguard init on a repository whose releases were tagged unsigned before it', () => {
  // `git tag -a` releases from before gitguard: tags-signed judges every tag by the policy at the
  // tip, so what init proposes must account for them, or the first audit fails on old releases.
  test('init goodlists the unsigned annotated tags it found; the audit passes; a new unsigned tag fails', async () => {
    const r = makeRepo();
    configureSshSigning(r, alice);
    r.run(['config', 'user.email', 'alice@example.com']); // init proposes the user's own key
    r.commit('before gitguard');
    r.run(['tag', '-a', '-m', 'release 0.1', 'v0.1']);
    r.run(['tag', 'lightweight']);
    r.commit('more');
    r.run(['tag', '-a', '-m', 'release 0.2', 'v0.2']);
    r.run(['tag', '-s', '-m', 'release 0.3, signed', 'v0.3']);
    const init = await runMain(['init', '-C', r.dir], { env: r.env });
    expect(init.code).toBe(0);
    expect(init.stdout).toContain('2 unsigned annotated tag(s) already there (v0.1, v0.2) are goodlisted');
    r.commit('Add gitguard trust policy', {}, ['-S']);
    const tagsSigned = async () => {
      const res = await runMain(['audit', '-C', r.dir, '--format', 'json', '--no-cache', '-r', 'tags-signed'], {
        env: r.env,
      });
      return { code: res.code, result: resultOf(parseJson(res), 'tags-signed') };
    };
    const first = await tagsSigned();
    expect(first.result.outcome).toBe('pass');
    expect(first.code).toBe(0);
    r.run(['tag', '-a', '-m', 'release 0.4, unsigned', 'v0.4']);
    const later = await tagsSigned();
    expect(later.result.findings.map((f) => f.ref)).toEqual(['refs/tags/v0.4']);
    expect(later.code).toBe(1);
  });
});
