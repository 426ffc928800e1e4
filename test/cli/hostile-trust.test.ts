// Red-team attacks on the trust chain by a hostile repository owner, end to end through main():
// each history below, written by real git and signed by real ssh-keygen, must not earn a pass.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupTemp, makeRepo, type TestRepo } from '../helpers/repo.js';
import { madeOnce } from '../helpers/made-once.js';
import { makeSshKey, signedCommit, type SshTestKey } from '../helpers/ssh.js';
import { hasStackTrace, runMain, stderrLines } from '../helpers/cli.js';

afterAll(cleanupTemp);

let alice: SshTestKey;
let mallory: SshTestKey;
beforeAll(() => {
  const dir = mkdtempSync(join(tmpdir(), 'gg-hostile-trust-'));
  alice = makeSshKey(dir, 'ed25519', 'alice');
  mallory = makeSshKey(dir, 'ed25519', 'mallory');
});

const policyOf = (who: string, email = `${who}@example.com`): string =>
  `version: 1\nsigners:\n  - name: ${who}\n    emails: ["${email}"]\nmaintainers: [${who}]\n`;

/** Commits `files` signed by `key` as `email` (committer and author). */
function commitAs(r: TestRepo, key: SshTestKey, email: string, message: string, files: Record<string, string>): string {
  r.write(files);
  r.run(['add', '-A']);
  const date = '2024-01-01T00:00:00Z';
  r.run(['-c', 'gpg.format=ssh', 'commit', '-q', '--allow-empty', `-S${key.path}`, '-m', message], {
    env: {
      GIT_COMMITTER_EMAIL: email,
      GIT_AUTHOR_EMAIL: email,
      GIT_AUTHOR_DATE: date,
      GIT_COMMITTER_DATE: date,
    },
  });
  return r.head();
}

/** alice's governed history, then mallory's commit that puts her own policy in, then one more of hers (a copy each call). */
const takenOver = madeOnce((): { r: TestRepo; takeover: string } => {
  const r = makeRepo();
  r.write({
    '.gitguard/policy.yml': policyOf('alice'),
    '.gitguard/allowed_signers': `alice@example.com ${alice.pub}\n`,
  });
  r.run(['add', '-A']);
  signedCommit(r, alice, 'policy', { committerEmail: 'alice@example.com' });
  signedCommit(r, alice, 'work', { committerEmail: 'alice@example.com' });
  const takeover = commitAs(r, mallory, 'mallory@example.com', 'takeover', {
    '.gitguard/policy.yml': policyOf('mallory'),
    '.gitguard/allowed_signers': `mallory@example.com ${mallory.pub}\n`,
  });
  commitAs(r, mallory, 'mallory@example.com', 'more', { m: 'm\n' });
  return { r, takeover };
});

const verify = (r: TestRepo, dir = r.dir) => runMain(['verify', '-C', dir, '--no-cache'], { env: r.env });

describe('a shallow file that lies (the boundary at the commit that brings a takeover policy)', () => {
  test('without the lie, mallory is not authorized (exit 1)', async () => {
    const { r } = takenOver();
    expect((await verify(r)).code).toBe(1);
  });

  test('with it, verify and audit refuse in one line (exit 2) instead of judging mallory by her own policy', async () => {
    const { r, takeover } = takenOver();
    writeFileSync(join(r.dir, '.git', 'shallow'), `${takeover}\n`);
    // git itself now sees the takeover as a root commit.
    expect(r.run(['rev-list', '--count', 'HEAD'])).toBe('2');
    for (const args of [
      ['verify', '-C', r.dir, '--no-cache'],
      ['audit', r.dir, '--no-cache', '-t', 'impersonation'],
      ['audit', r.dir, '--no-cache', '--format', 'json'],
    ]) {
      const res = await runMain(args, { env: r.env });
      expect(res.code).toBe(2);
      expect(res.stdout).not.toContain('authorized');
      expect(stderrLines(res)).toHaveLength(1);
      expect(res.stderr).toContain(`${takeover.slice(0, 12)}, is on the shallow boundary`);
      expect(res.stderr).toContain('--unshallow');
      expect(hasStackTrace(res)).toBe(false);
    }
    // Naming the root is the way through: from alice's policy, mallory is not authorized.
    const root = r.run(['rev-list', '--max-parents=0', 'HEAD']);
    expect(root).toBe(takeover); // git's view: the boundary
  });

  test('a real shallow clone (git clone --depth 1) is refused the same way; --trust-root judges what it names', async () => {
    const { r } = takenOver();
    const clone = join(r.home, 'clone');
    execFileSync('git', ['clone', '-q', '--depth', '1', `file://${r.dir}`, clone], { env: r.env });
    const res = await verify(r, clone);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('shallow boundary');
    const tip = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: clone, env: r.env }).toString().trim();
    const named = await runMain(['verify', '-C', clone, '--no-cache', '--trust-root', tip], { env: r.env });
    expect(named.code).toBe(0); // the user vouched for the root themselves
  });

  test('an honest shallow boundary before the policy was added still verifies', async () => {
    const r = makeRepo();
    signedCommit(r, undefined, 'before any policy');
    signedCommit(r, undefined, 'still before');
    r.write({
      '.gitguard/policy.yml': policyOf('alice'),
      '.gitguard/allowed_signers': `alice@example.com ${alice.pub}\n`,
    });
    r.run(['add', '-A']);
    signedCommit(r, alice, 'policy', { committerEmail: 'alice@example.com' });
    signedCommit(r, alice, 'work', { committerEmail: 'alice@example.com' });
    const clone = join(r.home, 'clone');
    execFileSync('git', ['clone', '-q', '--depth', '3', `file://${r.dir}`, clone], { env: r.env });
    expect((await verify(r, clone)).code).toBe(0);
  });
});

describe('principal patterns that would take exponential time', () => {
  test('an allowed_signers principal with many stars against a long committer address: verify answers', async () => {
    // Before: 20 s and counting (OpenSSH's recursive matcher, transcribed), now a few milliseconds.
    const r = makeRepo();
    const email = `${'a'.repeat(60)}@example.com`;
    const pattern = `${'*a'.repeat(20)}*b`;
    commitAs(r, alice, email, 'policy', {
      '.gitguard/policy.yml': policyOf('alice', email),
      '.gitguard/allowed_signers': `${pattern} ${alice.pub}\n`,
    });
    commitAs(r, alice, email, 'work', { a: 'a\n' });
    const res = await verify(r);
    expect(res.code).toBe(1); // the pattern names nobody: alice's key speaks for no address
    expect(hasStackTrace(res)).toBe(false);
  });
});

describe('protected.refs globs that would take exponential time', () => {
  test('refs/heads/**a**a...**b against a long branch name: the audit answers', async () => {
    const r = makeRepo();
    const glob = `refs/heads/${'**a'.repeat(12)}**b`;
    commitAs(r, alice, 'alice@example.com', 'policy', {
      '.gitguard/policy.yml': `${policyOf('alice')}protected:\n  refs: ["${glob}"]\n`,
      '.gitguard/allowed_signers': `alice@example.com ${alice.pub}\n`,
    });
    r.run(['branch', 'a'.repeat(200)]);
    const res = await runMain(['audit', r.dir, '-t', 'history', '--no-cache', '--format', 'json'], { env: r.env });
    expect(res.code).toBe(0);
    expect(hasStackTrace(res)).toBe(false);
  });
});

describe('a tree with two .gitguard entries (git fsck: duplicateEntries)', () => {
  /**
   * alice governs, bob is a signer but no maintainer. mallory pushes an unsigned commit U; bob then
   * signs M, whose tree lists .gitguard twice: first his own policy (bob a maintainer, U goodlisted),
   * then alice's unchanged one. `git show M:.gitguard/policy.yml` reads the first entry; a diff
   * against the parent sees the second as the folder's state. Before: verify exit 0, U goodlisted.
   */
  function duplicated(): { r: TestRepo; m: string } {
    const r = makeRepo();
    const both = `${policyOf('alice')}`.replace(
      'maintainers:',
      '  - name: bob\n    emails: [bob@example.com]\nmaintainers:',
    );
    const signers = `alice@example.com ${alice.pub}\nbob@example.com ${mallory.pub}\n`; // bob's key: mallory's pair
    commitAs(r, alice, 'alice@example.com', 'policy', {
      '.gitguard/policy.yml': both,
      '.gitguard/allowed_signers': signers,
      a: 'a\n',
    });
    const aliceTree = r.run(['rev-parse', 'HEAD:.gitguard']);
    const blobA = r.run(['rev-parse', 'HEAD:a']);
    const u = r.run(['commit-tree', '-p', 'HEAD', '-m', 'unsigned', r.run(['rev-parse', 'HEAD^{tree}'])], {
      env: { GIT_COMMITTER_EMAIL: 'mallory@example.com', GIT_AUTHOR_EMAIL: 'mallory@example.com' },
    });
    const bobs = `${both.replace('maintainers: [alice]', 'maintainers: [alice, bob]')}goodlist:\n  - commit: ${u}\n    reason: fine\n`;
    r.write({ '.gitguard/policy.yml': bobs });
    r.run(['add', '-A']);
    const bobTree = r.run(['rev-parse', `${r.run(['write-tree'])}:.gitguard`]);
    r.run(['reset', '-q', '--hard']);
    const entry = (mode: string, name: string, oid: string): Buffer =>
      Buffer.concat([Buffer.from(`${mode} ${name}\0`), Buffer.from(oid, 'hex')]);
    const tree = r.run(['hash-object', '-w', '--literally', '-t', 'tree', '--stdin'], {
      input: Buffer.concat([
        entry('40000', '.gitguard', bobTree),
        entry('40000', '.gitguard', aliceTree),
        entry('100644', 'a', blobA),
      ]),
    });
    const m = r.run(['-c', 'gpg.format=ssh', 'commit-tree', `-S${mallory.path}`, '-p', u, '-m', 'bob: tidy', tree], {
      env: { GIT_COMMITTER_EMAIL: 'bob@example.com', GIT_AUTHOR_EMAIL: 'bob@example.com' },
    });
    r.run(['update-ref', 'refs/heads/main', m]);
    // git's own reading: the first entry, bob's policy.
    expect(r.run(['show', `${m}:.gitguard/policy.yml`])).toContain('maintainers: [alice, bob]');
    return { r, m };
  }

  test('verify and audit refuse the history in one line (exit 2) instead of passing it', async () => {
    const { r, m } = duplicated();
    for (const args of [
      ['verify', '-C', r.dir, '--no-cache'],
      ['audit', r.dir, '--no-cache', '-t', 'impersonation'],
    ]) {
      const res = await runMain(args, { env: r.env });
      expect(res.code).toBe(2);
      expect(stderrLines(res)).toHaveLength(1);
      expect(res.stderr).toContain(`commit ${m} has two entries at .gitguard`);
      expect(hasStackTrace(res)).toBe(false);
    }
  });
});

describe('severity overrides in the policy at HEAD', () => {
  const lowered = (maintainers: string): string =>
    `${policyOf('alice').replace('maintainers:', '  - name: bob\n    emails: [bob@example.com]\nmaintainers:')}`.replace(
      'maintainers: [alice]',
      `maintainers: [${maintainers}]\nseverity:\n  commits-signed: info\n  signers-authorized: info\n  policy-changes-authorized: info\n`,
    );

  /** alice governs with bob as a signer; `who` then commits the lowered severities; mallory adds an unsigned commit. */
  function history(who: 'alice' | 'bob'): TestRepo {
    const r = makeRepo();
    commitAs(r, alice, 'alice@example.com', 'policy', {
      '.gitguard/policy.yml': policyOf('alice').replace(
        'maintainers:',
        '  - name: bob\n    emails: [bob@example.com]\nmaintainers:',
      ),
      '.gitguard/allowed_signers': `alice@example.com ${alice.pub}\nbob@example.com ${mallory.pub}\n`,
    });
    commitAs(r, who === 'alice' ? alice : mallory, `${who}@example.com`, 'quieter', {
      '.gitguard/policy.yml': lowered(who === 'alice' ? 'alice' : 'alice, bob'),
    });
    r.write({ x: 'x\n' });
    r.run(['add', '-A']);
    r.run(['commit', '-q', '--no-gpg-sign', '-m', 'unsigned'], {
      env: { GIT_COMMITTER_EMAIL: 'mallory@example.com', GIT_AUTHOR_EMAIL: 'mallory@example.com' },
    });
    return r;
  }

  const audit = async (r: TestRepo) => {
    const res = await runMain(['audit', r.dir, '--no-cache', '-t', 'impersonation', '--format', 'json'], {
      env: r.env,
    });
    const report = JSON.parse(res.stdout) as {
      results: Array<{ meta: { id: string }; severity: string; outcome: string }>;
    };
    return { code: res.code, severity: Object.fromEntries(report.results.map((x) => [x.meta.id, x.severity])) };
  };

  test('made without a maintainer, they do not lower anything: the change cannot hide itself (before: exit 0)', async () => {
    const { code, severity } = await audit(history('bob'));
    expect(code).toBe(1);
    expect(severity['policy-changes-authorized']).toBe('critical');
    expect(severity['commits-signed']).toBe('high');
  });

  test('made by a maintainer, they apply (the unsigned commit does not gate)', async () => {
    const { code, severity } = await audit(history('alice'));
    expect(severity['commits-signed']).toBe('info');
    expect(code).toBe(0);
  });
});

describe('objects swapped in the object store (same ids, other bytes: only git fsck notices)', () => {
  /** Overwrites the loose object `oid` with `type` and `body` under the same name. */
  function swap(r: TestRepo, oid: string, type: string, body: Buffer): void {
    const file = join(r.dir, '.git', 'objects', oid.slice(0, 2), oid.slice(2));
    chmodSync(file, 0o644);
    writeFileSync(file, deflateSync(Buffer.concat([Buffer.from(`${type} ${body.length}\0`), body])));
  }
  const entry = (mode: string, name: string, oid: string): Buffer =>
    Buffer.concat([Buffer.from(`${mode} ${name}\0`), Buffer.from(oid, 'hex')]);

  /** alice's two signed commits; the .gitguard tree that trusts mallory's key for alice too; and its blob (a copy each call). */
  const governed = madeOnce((): { r: TestRepo; mixed: string; signersBlob: string } => {
    const r = makeRepo();
    commitAs(r, alice, 'alice@example.com', 'policy', {
      '.gitguard/policy.yml': policyOf('alice'),
      '.gitguard/allowed_signers': `alice@example.com ${alice.pub}\n`,
    });
    commitAs(r, alice, 'alice@example.com', 'work', { a: 'a\n' });
    const both = `alice@example.com ${alice.pub}\nalice@example.com ${mallory.pub}\n`;
    const blob = r.run(['hash-object', '-w', '--stdin'], { input: both });
    const mixed = r.run(['mktree'], {
      input: `100644 blob ${blob}\tallowed_signers\n100644 blob ${r.run(['rev-parse', 'HEAD:.gitguard/policy.yml'])}\tpolicy.yml\n`,
    });
    return { r, mixed, signersBlob: r.run(['rev-parse', 'HEAD:.gitguard/allowed_signers']) };
  });

  /** mallory's commit as alice on top, its tree carrying `gitguard` as .gitguard. */
  function malloryOnTop(r: TestRepo, gitguard: string): string {
    const tree = r.run(['mktree'], {
      input: `040000 tree ${gitguard}\t.gitguard\n100644 blob ${r.run(['rev-parse', 'HEAD:a'])}\ta\n`,
    });
    const m = r.run(['-c', 'gpg.format=ssh', 'commit-tree', `-S${mallory.path}`, '-p', 'HEAD', '-m', 'as alice', tree]);
    r.run(['update-ref', 'refs/heads/main', m]);
    return m;
  }

  async function refused(r: TestRepo, what: string): Promise<void> {
    for (const args of [
      ['verify', '-C', r.dir, '--no-cache'],
      ['audit', r.dir, '--no-cache', '-t', 'impersonation'],
    ]) {
      const res = await runMain(args, { env: r.env });
      expect(res.code).toBe(2);
      expect(stderrLines(res)).toHaveLength(1);
      expect(res.stderr).toContain(`${what} does not hash to its id`);
      expect(hasStackTrace(res)).toBe(false);
    }
  }

  test('the allowed_signers blob swapped to add mallory\'s key for alice (before: verify exit 0, mallory "alice")', async () => {
    const { r, signersBlob } = governed();
    swap(r, signersBlob, 'blob', Buffer.from(`alice@example.com ${alice.pub}\nalice@example.com ${mallory.pub}\n`));
    expect(r.run(['cat-file', '-p', signersBlob])).toContain(mallory.pub); // git serves it as stored
    malloryOnTop(r, r.run(['rev-parse', 'HEAD:.gitguard']));
    await refused(r, `blob ${signersBlob}`);
  });

  test("the tip's parent's root tree swapped to point .gitguard at the mixed policy (before: exit 0)", async () => {
    const { r, mixed } = governed();
    const root = r.run(['rev-parse', 'HEAD^{tree}']);
    swap(
      r,
      root,
      'tree',
      Buffer.concat([entry('40000', '.gitguard', mixed), entry('100644', 'a', r.run(['rev-parse', 'HEAD:a']))]),
    );
    malloryOnTop(r, mixed);
    await refused(r, `tree ${root}`);
  });

  test('a goodlisted unsigned commit with other bytes swapped in under its id is no longer goodlisted (before: exit 0)', async () => {
    const { r } = governed();
    r.write({ u: 'u\n' });
    r.run(['add', '-A']);
    r.run(['commit', '-q', '--no-gpg-sign', '-m', 'unsigned, reviewed']);
    const q = r.head();
    commitAs(r, alice, 'alice@example.com', 'goodlist', {
      '.gitguard/policy.yml': `${policyOf('alice')}goodlist:\n  - commit: ${q}\n    reason: reviewed\n`,
    });
    expect((await verify(r)).code).toBe(0);
    swap(
      r,
      q,
      'commit',
      Buffer.from(r.run(['cat-file', 'commit', q]).replace('unsigned, reviewed', 'BACKDOOR') + '\n'),
    );
    const res = await runMain(['verify', '-C', r.dir, '--no-cache', '--format', 'json'], { env: r.env });
    expect(res.code).toBe(1);
    const rows = (JSON.parse(res.stdout) as { commits: Array<{ commit: string; letter: string; status: string }> })
      .commits;
    expect(rows.find((x) => x.commit === q)).toMatchObject({ letter: 'B', status: 'bad' });
  });

  test('an honest history with the same shape still verifies', async () => {
    const { r } = governed();
    expect((await verify(r)).code).toBe(0);
  });
});

describe('a ledger the repository ships in .git/gitguard/', () => {
  test("does not move the trust root onto mallory's takeover (before: verify exit 0, mallory authorized)", async () => {
    const { r, takeover } = takenOver();
    const gg = join(r.dir, '.git', 'gitguard');
    mkdirSync(gg, { recursive: true });
    const head = r.head();
    writeFileSync(
      join(gg, 'ledger.json'),
      JSON.stringify({
        schemaVersion: 1,
        trustRoot: takeover,
        trustRootSeal: '00'.repeat(32),
        refs: { 'refs/heads/main': { oid: head, recordedAt: '2026-01-01T00:00:00.000Z' } },
        accepted: [],
      }),
    );
    const res = await verify(r);
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/unknown-signer|no-policy/);
    expect(res.stdout).not.toMatch(/authorized:mallory/);
  });

  test("one this user's audit recorded is used, and still is after `ledger accept`", async () => {
    const { r, takeover } = takenOver();
    const root = r.run(['rev-list', '--max-parents=0', 'HEAD']);
    // The user decides to start from mallory's takeover (say, after checking it by other means).
    const recorded = await runMain(['audit', r.dir, '--trust-root', takeover, '-t', 'impersonation,history'], {
      env: r.env,
    });
    expect(recorded.stdout).toContain('ledger: 1 protected tip(s) recorded');
    expect((await verify(r)).code).toBe(0);
    await runMain(['ledger', 'accept', 'refs/heads/main', '-C', r.dir, '--reason', 'checked'], { env: r.env });
    expect((await verify(r)).code).toBe(0);
    expect(root).not.toBe(takeover);
  });
});
