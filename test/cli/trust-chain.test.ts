// The trust chain end to end, through the command line and real `git push` (one test's hook runs the
// built binary, the others' gitguard in this process: helpers/hook-bridge.ts): only the trust root is
// judged by its own policy, a policy that arrives through an unrelated history never authorizes,
// the trust root recorded in the ledger is used, a broken policy in history judges nothing without
// stopping the audit, and messages name the commit whose policy judged.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupTemp, copyRepo, makeRepo, type TestRepo } from '../helpers/repo.js';
import { commitSeries } from '../helpers/commit-series.js';
import { makeSshKey, signedCommit, sshCommit, type SshTestKey } from '../helpers/ssh.js';
import { parseJson, resultOf, runMain } from '../helpers/cli.js';
import { hookedServer, pushOrigin as push, stopHookBridge } from '../helpers/hook-bridge.js';

let keys: Record<'alice' | 'bob' | 'mallory', SshTestKey>;
beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gg-chain-'));
  keys = {
    alice: makeSshKey(dir, 'ed25519', 'alice'),
    bob: makeSshKey(dir, 'ed25519', 'bob'),
    mallory: makeSshKey(dir, 'ed25519', 'mallory'),
  };
});
afterAll(async () => {
  await stopHookBridge();
  cleanupTemp();
});

const HONEST_POLICY =
  'version: 1\nsigners:\n  - name: alice\n    emails: [alice@example.com]\n  - name: bob\n    emails: [bob@example.com]\nmaintainers: [alice]\n';
const EVIL_POLICY =
  'version: 1\nsigners:\n  - name: mallory\n    emails: [mallory@example.com]\nmaintainers: [mallory]\n';
const honestSigners = (): string => `alice@example.com ${keys.alice.pub}\nbob@example.com ${keys.bob.pub}\n`;
const MALLORY = { committerEmail: 'mallory@example.com' };
const BOB = { committerEmail: 'bob@example.com' };

interface Row {
  commit: string;
  letter: string;
  status: string;
  detail: string;
}
async function verify(r: TestRepo, args: string[] = []): Promise<{ code: number; rows: Row[]; stderr: string }> {
  const res = await runMain(['verify', '-C', r.dir, '--format', 'json', '--no-cache', ...args], { env: r.env });
  let rows: Row[] = [];
  try {
    rows = (JSON.parse(res.stdout) as { commits: Row[] }).commits;
  } catch {
    /* exit 2: no JSON */
  }
  return { code: res.code, rows, stderr: res.stderr };
}
const statusOf = (rows: Row[], oid: string): Row | undefined => rows.find((x) => x.commit === oid);
const audit = async (r: TestRepo, args: string[] = []) =>
  await runMain(['audit', r.dir, '--format', 'json', '--no-cache', '--threat', 'impersonation,history', ...args], {
    env: r.env,
  });

let honestTemplate: { r: TestRepo; P: string; tip: string } | undefined;

/** A history governed by alice's policy (P), then work signed by bob and alice: made once (commitSeries), a copy for each caller. */
function honest(): { r: TestRepo; P: string; tip: string } {
  if (!honestTemplate || !existsSync(honestTemplate.r.dir)) {
    const r = makeRepo();
    const [P, , tip] = commitSeries(r, [
      {
        ...sshCommit(keys.alice, 'policy: alice and bob'),
        files: {
          '.gitguard/policy.yml': HONEST_POLICY,
          '.gitguard/allowed_signers': honestSigners(),
          'README.md': 'hello\n',
        },
      },
      { ...sshCommit(keys.bob, 'work by bob', BOB), files: { 'a.txt': 'a\n' } },
      { ...sshCommit(keys.alice, 'work by alice'), files: { 'b.txt': 'b\n' } },
    ]);
    honestTemplate = { r, P: P!, tip: tip! };
  }
  return { ...honestTemplate, r: copyRepo(honestTemplate.r) };
}

/** Mallory's orphan branch `evil`: her own policy naming herself, signed by her key. */
function evilOrphan(r: TestRepo): string {
  r.run(['checkout', '-q', '--orphan', 'evil']);
  r.run(['rm', '-rqf', '.']);
  const [O] = commitSeries(r, [
    {
      ...sshCommit(keys.mallory, 'evil: my own policy', MALLORY),
      files: {
        '.gitguard/policy.yml': EVIL_POLICY,
        '.gitguard/allowed_signers': `mallory@example.com ${keys.mallory.pub}\n`,
        'evil.txt': 'x\n',
      },
    },
  ]);
  return O!;
}

/** Merges `evil` into the checked-out branch with --allow-unrelated-histories, keeping evil's policy. */
function mergeKeepingEvilPolicy(r: TestRepo, other: string): string {
  r.run(['merge', '-q', '--no-commit', '--allow-unrelated-histories', '-s', 'ours', other]);
  r.run(['checkout', 'evil', '--', '.gitguard', 'evil.txt']);
  return signedCommit(r, keys.mallory, 'merge evil', MALLORY);
}

const tipOf = (repo: TestRepo, ref: string): string => {
  try {
    return repo.run(['rev-parse', '--verify', '-q', ref]);
  } catch {
    return '';
  }
};

describe('an honest signed history', () => {
  test('passes verify, audit -t impersonation,history and the server hook', async () => {
    const server = await hookedServer();
    const { r, tip } = honest();
    r.run(['remote', 'add', 'origin', server.dir]);
    const v = await verify(r);
    expect(v.rows.map((x) => x.status)).toEqual(['authorized', 'authorized', 'authorized']);
    expect(v.code).toBe(0);
    expect((await audit(r)).code).toBe(0);
    expect(await push(r, ['main'])).toEqual({ ok: true, stderr: '' });
    expect(tipOf(server, 'refs/heads/main')).toBe(tip);
  });
});

describe('honest histories with merges pass', () => {
  test('a feature branch (bob adds work, alice adds carol to the policy) merged with --no-ff, audited whole and in CI with --base', async () => {
    const { r, tip } = honest();
    r.run(['checkout', '-q', '-b', 'feature']);
    commitSeries(r, [
      { ...sshCommit(keys.bob, 'feature work by bob', BOB), files: { 'e.txt': 'e\n' } },
      {
        ...sshCommit(keys.alice, 'policy: add carol'),
        files: {
          '.gitguard/policy.yml': `${HONEST_POLICY.replace('maintainers:', '  - name: carol\n    emails: [carol@example.com]\nmaintainers:')}`,
        },
      },
    ]);
    r.run(['checkout', '-q', 'main']);
    commitSeries(r, [{ ...sshCommit(keys.bob, 'main moves on', BOB), files: { 'f.txt': 'f\n' } }]);
    r.run(['merge', '-q', '--no-ff', '--no-commit', 'feature']);
    signedCommit(r, keys.alice, 'merge feature');
    const v = await verify(r);
    expect(v.rows.filter((x) => x.status !== 'authorized')).toEqual([]);
    expect(v.code).toBe(0);
    expect((await audit(r, ['--no-ledger'])).code).toBe(0);
    expect((await audit(r, ['--base', tip, '--no-ledger'])).code).toBe(0);
  });
});

describe('an orphan branch carrying its own policy, merged with --allow-unrelated-histories', () => {
  let r: TestRepo;
  let O: string;
  let M: string;
  let server: TestRepo;
  beforeAll(async () => {
    server = await hookedServer();
    ({ r } = honest());
    r.run(['remote', 'add', 'origin', server.dir]);
    expect((await push(r, ['main'])).ok).toBe(true);
    O = evilOrphan(r);
    r.run(['checkout', '-q', 'main']);
    M = mergeKeepingEvilPolicy(r, 'evil');
  });

  test('verify: the orphan is judged by no policy and the merge by the honest one; exit 1', async () => {
    const v = await verify(r);
    expect(v.code).toBe(1);
    expect(statusOf(v.rows, O)?.status).toBe('no-policy');
    expect(statusOf(v.rows, O)?.detail).toMatch(/does not descend from the trust root/);
    expect(statusOf(v.rows, M)?.status).toBe('unknown-signer');
  });

  test('audit -t impersonation,history fails, naming the orphan and the merge', async () => {
    const res = await audit(r);
    expect(res.code).toBe(1);
    const found = resultOf(parseJson(res), 'signers-authorized').findings.map((f) => f.commit);
    expect(found).toEqual(expect.arrayContaining([O, M]));
  });

  test('the pre-receive hook refuses the push', async () => {
    const before = tipOf(server, 'refs/heads/main');
    const res = await push(r, ['main']);
    expect(res.ok).toBe(false);
    expect(res.stderr).toContain(
      `commit ${O.slice(0, 12)} refused by signers-authorized under no policy: signer not authorized (U): not authorized: no policy judges it: it does not descend from the trust root`,
    );
    expect(res.stderr).toContain('goodlist it in the policy at the tip');
    expect(tipOf(server, 'refs/heads/main')).toBe(before);
  });

  test('hook run pre-push refuses it, naming the orphan and a next step', async () => {
    const remote = tipOf(r, 'refs/remotes/origin/main');
    // The worker's shared main, not src/engine/prepush.js loaded into this file (~0.3 CPU-s).
    const res = await runMain(['hook', 'run', 'pre-push', '-C', r.dir, 'origin', server.dir], {
      env: r.env,
      input: `refs/heads/main ${M} refs/heads/main ${remote}\n`,
    });
    expect(res.code).toBe(1);
    const text = res.stderr;
    expect(text).toContain(`${O.slice(0, 12)} `);
    expect(text).toContain('git commit --amend -S');
  });

  test("the merge changes the policy to the orphan's: a policy change, even though one parent has that policy", async () => {
    const res = await audit(r);
    expect(resultOf(parseJson(res), 'policy-changes-authorized').findings.map((f) => f.commit)).toEqual([M]);
  });
});

describe('the pre-receive hook and orphans', () => {
  test('an unsigned orphan branch pushed to a governed server is refused', async () => {
    const server = await hookedServer();
    const { r } = honest();
    r.run(['remote', 'add', 'origin', server.dir]);
    expect((await push(r, ['main'])).ok).toBe(true);
    r.run(['checkout', '-q', '--orphan', 'junk']);
    r.run(['rm', '-rqf', '.']);
    const [orphan] = commitSeries(r, [
      { ...sshCommit(undefined, 'unsigned orphan', MALLORY), files: { 'junk.txt': 'junk\n' } },
    ]);
    const res = await push(r, ['junk']);
    expect(res.ok).toBe(false);
    expect(res.stderr).toContain(
      `commit ${orphan!.slice(0, 12)} refused by commits-signed under no policy: no signature: "unsigned orphan"`,
    );
    expect(res.stderr).toContain(
      `commit ${orphan!.slice(0, 12)} refused by signers-authorized under no policy: signer not authorized (N): not authorized: no policy judges it`,
    );
    expect(tipOf(server, 'refs/heads/junk')).toBe('');
  });

  test('an orphan with its own policy, signed by its own key, pushed as a new branch is refused', async () => {
    const server = await hookedServer();
    const { r } = honest();
    r.run(['remote', 'add', 'origin', server.dir]);
    expect((await push(r, ['main'])).ok).toBe(true);
    const O = evilOrphan(r);
    const res = await push(r, ['evil']);
    expect(res.ok).toBe(false);
    expect(res.stderr).toContain(`commit ${O.slice(0, 12)}`);
  });
});

describe('the trust root recorded in the ledger', () => {
  test('is used: a merge that puts the orphan first (first parent) does not move the root', async () => {
    const { r, P } = honest();
    expect((await audit(r)).code).toBe(0); // records the tips and the trust root P
    const shown = JSON.parse((await runMain(['ledger', 'show', r.dir, '--format', 'json'], { env: r.env })).stdout) as {
      ledger: { trustRoot?: string };
    };
    expect(shown.ledger.trustRoot).toBe(P);
    const O = evilOrphan(r);
    // mallory merges main into her orphan (her history is the first parent) and fast-forwards main to it
    r.run(['merge', '-q', '--no-commit', '--allow-unrelated-histories', '-s', 'ours', 'main']);
    const M = signedCommit(r, keys.mallory, 'merge main into evil', MALLORY);
    r.run(['checkout', '-q', 'main']);
    r.run(['merge', '-q', '--ff-only', 'evil']);
    const v = await verify(r);
    expect(v.code).toBe(1);
    expect(statusOf(v.rows, O)?.status).toBe('no-policy');
    expect(statusOf(v.rows, M)?.status).toBe('unknown-signer');
  });

  test('bounds the scope like --trust-root: commits before it are not audited', async () => {
    const r = makeRepo();
    const [, unsigned, X] = commitSeries(r, [
      {
        ...sshCommit(keys.alice, 'policy'),
        files: { '.gitguard/policy.yml': HONEST_POLICY, '.gitguard/allowed_signers': honestSigners() },
      },
      sshCommit(undefined, 'unsigned, before the recorded root'),
      sshCommit(keys.alice, 'the recorded trust root'),
      sshCommit(keys.bob, 'work by bob', BOB),
    ]);
    expect(statusOf((await verify(r)).rows, unsigned!)?.status).toBe('unsigned');
    // Recorded the way a ledger is (an audit from --trust-root X); one written by hand is not sealed
    // by this user's gitguard, so its root is not used (test/cli/hostile-trust.test.ts).
    const recorded = await runMain(['audit', r.dir, '--trust-root', X!, '-t', 'impersonation,history', '--no-cache'], {
      env: r.env,
    });
    expect(recorded.stdout).toContain('ledger: 1 protected tip(s) recorded');
    const v = await verify(r);
    expect(v.rows.map((x) => x.commit)).not.toContain(unsigned);
    expect(v.rows.map((x) => x.status)).toEqual(['authorized', 'authorized']);
    expect(v.code).toBe(0);
  });
});

describe('a trust_root moved by the commit being judged', () => {
  test("does not outrank the ledger: moving the root onto a merge that carries mallory's policy fails verify", async () => {
    const { r } = honest();
    expect((await audit(r)).code).toBe(0); // the ledger records the trust root
    evilOrphan(r);
    r.run(['checkout', '-q', 'main']);
    const M1 = mergeKeepingEvilPolicy(r, 'evil');
    r.write({ '.gitguard/policy.yml': `${EVIL_POLICY}trust_root: "${M1}"\n` });
    r.run(['add', '-A']);
    const T = signedCommit(r, keys.mallory, 'policy: start the chain at my merge', MALLORY);
    const v = await verify(r);
    expect(v.code).toBe(1);
    expect(statusOf(v.rows, M1)?.status).toBe('unknown-signer');
    expect(statusOf(v.rows, T)?.status).not.toBe('authorized');
  });

  test('without a ledger or --base, a pusher cannot name her own commit as the root: the default root judges her', async () => {
    const { r, P } = honest();
    // mallory may push but is no maintainer: her policy, then a second commit naming the first as the root
    const M1 = commitSeries(r, [
      {
        ...sshCommit(keys.mallory, 'policy: mallory', MALLORY),
        files: {
          '.gitguard/policy.yml': EVIL_POLICY,
          '.gitguard/allowed_signers': `mallory@example.com ${keys.mallory.pub}\n`,
        },
      },
    ])[0]!;
    const M2 = commitSeries(r, [
      {
        ...sshCommit(keys.mallory, 'policy: start the chain at my commit', MALLORY),
        files: { '.gitguard/policy.yml': `${EVIL_POLICY}trust_root: "${M1}"\n` },
      },
    ])[0]!;
    const v = await verify(r);
    expect(v.code).toBe(1);
    expect(statusOf(v.rows, M1)?.status).not.toBe('authorized');
    const res = await audit(r, ['--no-ledger']);
    expect(res.code).toBe(1);
    const report = parseJson(res);
    expect(report.scope.description).toContain(`from trust root ${P.slice(0, 12)}`);
    expect(report.scope.description).toContain(`the tip's trust_root ${M1.slice(0, 12)} is not honoured`);
    expect(resultOf(report, 'policy-changes-authorized').findings.map((f) => f.commit)).toContain(M1);
    expect(statusOf(v.rows, M2)?.status).not.toBe('authorized');
    // Named on the command line (the user's own word, recorded in the ledger), it is the root.
    const named = await verify(r, ['--trust-root', M1]);
    expect(named.code).toBe(0);
  });

  test('a trust_root at the tip that names the default root, or a commit before it, still holds', async () => {
    const { r, P } = honest();
    r.write({ '.gitguard/policy.yml': `${HONEST_POLICY}trust_root: "${P}"\n` });
    r.run(['add', '-A']);
    signedCommit(r, keys.alice, 'policy: name the root');
    const res = await audit(r, ['--no-ledger']);
    expect(res.code).toBe(0);
    const description = parseJson(res).scope.description;
    expect(description).toContain(`from trust root ${P.slice(0, 12)} (the policy's trust_root`);
    expect(description).not.toContain('not honoured');
  });

  test('in CI with --base, the root comes from the policy at the base, not from the tip', async () => {
    const { r, tip } = honest();
    const O = evilOrphan(r);
    r.run(['checkout', '-q', 'main']);
    r.run(['merge', '-q', '--no-commit', '--allow-unrelated-histories', '-s', 'ours', 'evil']);
    r.run(['checkout', 'evil', '--', 'evil.txt']);
    r.write({
      '.gitguard/policy.yml': `${EVIL_POLICY}trust_root: "${O}"\n`,
      '.gitguard/allowed_signers': `mallory@example.com ${keys.mallory.pub}\n`,
    });
    r.run(['add', '-A']);
    const M = signedCommit(r, keys.mallory, 'merge evil, rooted at it', MALLORY);
    const res = await audit(r, ['--base', tip, '--no-ledger']);
    expect(res.code).toBe(1);
    expect(resultOf(parseJson(res), 'signers-authorized').findings.map((f) => f.commit)).toEqual(
      expect.arrayContaining([O, M]),
    );
  });
});

describe('a policy nobody vouched for', () => {
  test('is not laundered by a later merge that keeps it: what follows is not authorized by it', async () => {
    const { r } = honest();
    r.run(['branch', 'side']);
    evilOrphan(r);
    r.run(['checkout', '-q', 'main']);
    const M1 = mergeKeepingEvilPolicy(r, 'evil');
    // bob, an honest signer but no maintainer, merges a side branch and keeps what main has now
    r.run(['checkout', '-q', 'side']);
    r.write({ 'side.txt': 's\n' });
    r.run(['add', '-A']);
    signedCommit(r, keys.bob, 'side work', BOB);
    r.run(['merge', '-q', '--no-commit', '-s', 'ours', 'main']);
    r.run(['checkout', 'main', '--', '.gitguard']);
    const M2 = signedCommit(r, keys.bob, 'merge main into side', BOB);
    const C = signedCommit(r, keys.mallory, 'mallory, under her policy', MALLORY);
    const v = await verify(r);
    expect(statusOf(v.rows, M1)?.status).toBe('unknown-signer');
    expect(statusOf(v.rows, C)?.status).toBe('no-policy');
    expect(v.code).toBe(1);
    const report = parseJson(await audit(r));
    expect(resultOf(report, 'policy-changes-authorized').findings.map((f) => f.commit)).toEqual(
      expect.arrayContaining([M1, M2]),
    );
  });
});

describe('a trust root that carries no policy', () => {
  test('(trust_root written by an older gitguard init: HEAD before the policy) moves to the commit that adds the policy', async () => {
    const r = makeRepo();
    const X = commitSeries(r, [
      sshCommit(undefined, 'unsigned, long ago'),
      sshCommit(keys.alice, 'HEAD when init ran'),
    ])[1]!;
    const P = commitSeries(r, [
      {
        ...sshCommit(keys.alice, 'Add gitguard trust policy'),
        files: {
          '.gitguard/policy.yml': `${HONEST_POLICY}trust_root: "${X}"\n`,
          '.gitguard/allowed_signers': honestSigners(),
        },
      },
    ])[0]!;
    const v = await verify(r);
    expect(v.rows.map((x) => [x.commit, x.status])).toEqual([[P, 'authorized']]);
    expect(v.code).toBe(0);
    const named = await verify(r, ['--trust-root', X]);
    expect(named.rows.map((x) => x.commit)).toEqual([P]);
    expect((await audit(r)).code).toBe(0);
  });
});

describe('a broken policy in history', () => {
  let r: TestRepo;
  let W: string;
  let F: string;
  let A: string;
  beforeAll(async () => {
    ({ r } = honest());
    [, W, F, A] = commitSeries(r, [
      {
        ...sshCommit(keys.alice, 'policy: broken by a typo'),
        files: { '.gitguard/policy.yml': `${HONEST_POLICY}signer: typo\n` },
      },
      { ...sshCommit(keys.alice, 'work judged by the broken policy'), files: { 'c.txt': 'c\n' } },
      { ...sshCommit(keys.alice, 'policy: fix the typo'), files: { '.gitguard/policy.yml': HONEST_POLICY } },
      { ...sshCommit(keys.bob, 'work after the fix', BOB), files: { 'd.txt': 'd\n' } },
    ]) as [string, string, string, string];
  });

  test('judges nothing: the commits it would judge are not authorized, with the reason, and the audit exits 1, not 2', async () => {
    const res = await audit(r);
    expect(res.code).toBe(1);
    const found = resultOf(parseJson(res), 'signers-authorized').findings;
    // The fix itself was judged by nothing, so anybody could have written it: what it brought in
    // judges nothing either, until a maintainer vouches for it.
    expect(found.map((f) => f.commit)).toEqual([W, F, A]);
    expect(found[0]!.message).toContain('cannot be read');
    expect(found[2]!.message).toContain('was not brought in by a maintainer');
    const v = await verify(r);
    expect(v.code).toBe(1);
    expect(v.rows.filter((x) => x.status !== 'authorized').map((x) => x.commit)).toEqual([W, F, A]);
  });

  test('audit and verify from --trust-root <the fixing commit> pass', async () => {
    expect((await audit(r, ['--trust-root', F, '--no-ledger'])).code).toBe(0);
    expect((await verify(r, ['--trust-root', F])).code).toBe(0);
  });

  test('or a maintainer goodlists the commits the broken policy judged, and the audit passes', async () => {
    r.write({
      '.gitguard/policy.yml': `${HONEST_POLICY}goodlist:\n  - commit: ${W}\n    reason: judged by the broken policy, reviewed\n  - commit: ${F}\n    reason: the fix, reviewed\n`,
    });
    r.run(['add', '-A']);
    signedCommit(r, keys.alice, 'policy: goodlist what the broken policy judged');
    const v = await verify(r);
    expect(v.rows.filter((x) => x.status !== 'authorized' && x.status !== 'goodlisted')).toEqual([]);
    expect(v.code).toBe(0);
    expect((await audit(r)).code).toBe(0);
  });
});

describe('messages', () => {
  test('"not trusted by .gitguard at <commit>" names the parent whose policy judged, not HEAD or the commit', async () => {
    const { r, tip } = honest();
    const bad = signedCommit(r, keys.mallory, 'by a key nobody trusts');
    const row = statusOf((await verify(r)).rows, bad)!;
    expect(row.status).toBe('unknown-signer');
    expect(row.detail).toContain(`.gitguard at ${tip.slice(0, 12)}`);
    expect(row.detail).not.toContain(bad.slice(0, 12));
  });

  test('a refusal by the server hook says which policy judged and how to fix it (the built binary)', async () => {
    const server = await hookedServer('binary');
    const { r, tip } = honest();
    r.run(['remote', 'add', 'origin', server.dir]);
    expect((await push(r, ['main'])).ok).toBe(true);
    signedCommit(r, undefined, 'unsigned work', BOB);
    const res = await push(r, ['main']);
    expect(res.ok).toBe(false);
    expect(res.stderr).toContain(`refused by commits-signed under .gitguard at ${tip.slice(0, 12)}: no signature`);
    expect(res.stderr).toContain('next step: re-sign the commits before pushing: git commit --amend --no-edit -S');
  });
});
