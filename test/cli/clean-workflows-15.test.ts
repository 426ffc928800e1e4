// Fifteenth round of clean set-ups that must pass (see clean-workflows-14): what the policy at HEAD
// allows counts only when the walk found that policy passed on (redteam14). A maintainer's own
// policy changes must keep their allowances however the audit is run: the initial policy, a change
// signed by a maintainer, one merged through a pull request, a key rotation signed with the old key,
// an audit with --trust-root, with --base (a range), and the pre-push hook pushing a branch that is not HEAD.
// The allowance used here: HEAD's policy stops protecting .githooks/, and a signer who is no
// maintainer edits it. Twin: the same policy change made by that signer excuses nothing.
import { makeRepo, cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { commitAsPerson, configureSshSigning, makeSshKey, sharedSshKey, type SshTestKey } from '../helpers/ssh.js';
import { runMain } from '../helpers/cli.js';
import { TokenFactory } from '../helpers/secrets.js';

afterAll(cleanupTemp);

let alice: SshTestKey;
let bob: SshTestKey;
beforeAll(() => {
  alice = sharedSshKey('alice');
  bob = sharedSshKey('bob');
});

const POLICY = (extra = ''): string =>
  'version: 1\nsigners:\n  - name: Alice\n    emails: [alice@example.com]\n  - name: Bob\n    emails: [bob@example.com]\nmaintainers: [Alice]\n' +
  extra;
/** HEAD's allowance: .githooks/ is no longer protected. */
const NARROW = 'protected:\n  paths: [".gitguard/**", "CODEOWNERS", ".gitattributes"]\n';
const signers = (a: SshTestKey = alice): string => `alice@example.com ${a.pub}\nbob@example.com ${bob.pub}\n`;

function started(policy = POLICY()): TestRepo {
  const r = makeRepo();
  configureSshSigning(r, alice);
  commitAsPerson(r, alice, 'alice@example.com', 'policy', {
    '.gitguard/policy.yml': policy,
    '.gitguard/allowed_signers': signers(),
    '.githooks/pre-commit': '#!/bin/sh\nnpm test\n',
  });
  return r;
}

const hookEdit = (r: TestRepo): string =>
  commitAsPerson(r, bob, 'bob@example.com', 'hook', { '.githooks/pre-commit': '#!/bin/sh\nnpm test -- --ci\n' });

const RULE = ['-r', 'protected-paths-changed-by-maintainers', '--no-ledger'];
const audit = async (r: TestRepo, extra: string[] = []): Promise<[number, string]> => {
  const res = await runMain(['audit', '-C', r.dir, ...RULE, ...extra], { env: r.env });
  return [res.code, res.stdout + res.stderr];
};

describe("a maintainer's policy change keeps its allowance (protected paths narrowed)", () => {
  test('in the initial policy commit', async () => {
    const r = started(POLICY(NARROW));
    hookEdit(r);
    expect(await audit(r)).toEqual([0, expect.any(String)]);
  });

  test('in a later change signed by a maintainer', async () => {
    const r = started();
    commitAsPerson(r, alice, 'alice@example.com', 'narrow', { '.gitguard/policy.yml': POLICY(NARROW) });
    hookEdit(r);
    expect(await audit(r)).toEqual([0, expect.any(String)]);
  });

  test("merged through a pull request (her branch merged by someone else's merge commit)", async () => {
    const r = started();
    const main = r.run(['symbolic-ref', '--short', 'HEAD']).trim();
    r.run(['checkout', '-q', '-b', 'policy']);
    commitAsPerson(r, alice, 'alice@example.com', 'narrow', { '.gitguard/policy.yml': POLICY(NARROW) });
    r.run(['checkout', '-q', main]);
    commitAsPerson(r, bob, 'bob@example.com', 'docs', { 'README.md': 'x\n' });
    commitAsPerson(r, alice, 'alice@example.com', 'Merge pull request #2', {}, ['--allow-empty']);
    // Merged as the merge button merges: by a signer who is no maintainer (web-flow's stand-in).
    r.run(['-c', `user.signingkey=${bob.path}`, 'merge', '-q', '--no-ff', '-S', '-m', 'Merge #3', 'policy'], {
      env: { GIT_COMMITTER_NAME: 'bob', GIT_COMMITTER_EMAIL: 'bob@example.com' },
    });
    hookEdit(r);
    expect(await audit(r)).toEqual([0, expect.any(String)]);
  });

  test('with a key rotation signed with the old key', async () => {
    const r = started();
    const next = makeSshKey(r.home, 'ed25519', 'alice-2027');
    commitAsPerson(r, alice, 'alice@example.com', 'rotate and narrow', {
      '.gitguard/policy.yml': POLICY(NARROW),
      '.gitguard/allowed_signers': signers(next),
    });
    commitAsPerson(r, next, 'alice@example.com', 'with the new key', { 'a.txt': 'a\n' });
    hookEdit(r);
    expect(await audit(r)).toEqual([0, expect.any(String)]);
  });

  test('audited with --trust-root, and with --base', async () => {
    const r = started();
    const root = r.head();
    commitAsPerson(r, alice, 'alice@example.com', 'narrow', { '.gitguard/policy.yml': POLICY(NARROW) });
    const narrowed = r.head();
    hookEdit(r);
    expect(await audit(r, ['--trust-root', root])).toEqual([0, expect.any(String)]);
    expect(await audit(r, ['--base', narrowed])).toEqual([0, expect.any(String)]);
    expect(await audit(r, ['--base', root])).toEqual([0, expect.any(String)]);
  });

  test('on an incremental re-audit (nothing new, then one more commit)', async () => {
    const r = started();
    commitAsPerson(r, alice, 'alice@example.com', 'narrow', { '.gitguard/policy.yml': POLICY(NARROW) });
    hookEdit(r);
    const again = async (): Promise<[number, string]> => {
      const res = await runMain(['audit', '-C', r.dir, '-r', 'protected-paths-changed-by-maintainers'], { env: r.env });
      return [res.code, res.stdout];
    };
    expect(await again()).toEqual([0, expect.stringContaining('walk: full')]);
    expect(await again()).toEqual([0, expect.any(String)]);
    commitAsPerson(r, bob, 'bob@example.com', 'hook again', { '.githooks/pre-commit': '#!/bin/sh\nnpm test\n' });
    expect(await again()).toEqual([0, expect.stringContaining('walk: incremental')]);
  });

  test('twin: the same change made by a signer who is no maintainer excuses nothing', async () => {
    const r = started();
    commitAsPerson(r, bob, 'bob@example.com', 'narrow', { '.gitguard/policy.yml': POLICY(NARROW) });
    hookEdit(r);
    expect(await audit(r)).toEqual([1, expect.stringContaining('changed without a maintainer')]);
    expect(await audit(r, ['--base', 'HEAD~2'])).toEqual([1, expect.any(String)]);
  });
});

describe('the pre-push hook, pushing a branch that is not HEAD', () => {
  const push = async (r: TestRepo, branch: string): Promise<[number, string]> => {
    const tip = r.run(['rev-parse', `refs/heads/${branch}`]).trim();
    const res = await runMain(['hook', 'run', 'pre-push', 'origin', 'https://example.invalid/r.git'], {
      cwd: r.dir,
      env: r.env,
      input: `refs/heads/${branch} ${tip} refs/heads/${branch} ${'0'.repeat(40)}\n`,
    });
    return [res.code, res.stdout + res.stderr];
  };
  /** main: the policy (narrowed by `by`), pushed; `feature`: Bob's hook edit on it; HEAD: another branch. */
  const repo = (by: 'alice' | 'bob'): TestRepo => {
    const r = started();
    const main = r.run(['symbolic-ref', '--short', 'HEAD']).trim();
    const [key, email] = by === 'alice' ? [alice, 'alice@example.com'] : [bob, 'bob@example.com'];
    r.run(['checkout', '-q', '-b', 'feature']);
    commitAsPerson(r, key, email, 'narrow', { '.gitguard/policy.yml': POLICY(NARROW) });
    hookEdit(r);
    r.run(['checkout', '-q', main]);
    r.run(['checkout', '-q', '-b', 'elsewhere']);
    commitAsPerson(r, alice, 'alice@example.com', 'other work', { 'b.txt': 'b\n' });
    return r;
  };

  test("a maintainer's narrowing and a signer's hook edit on the pushed branch pass", async () => {
    const r = repo('alice');
    expect(await push(r, 'feature')).toEqual([0, expect.any(String)]);
  });

  test('twin: the narrowing made by the signer himself fails', async () => {
    const r = repo('bob');
    expect(await push(r, 'feature')).toEqual([1, expect.any(String)]);
  });
});

describe("other allowances of a maintainer's policy: a lowered severity, secrets.allow", () => {
  const carolCommit = (r: TestRepo): void => {
    const carol = sharedSshKey('carol');
    commitAsPerson(r, carol, 'carol@example.com', 'a stranger', { 'c.txt': 'c\n' });
  };
  const LOWER = 'severity:\n  signers-authorized: low\n';
  const lowered = async (r: TestRepo, extra: string[] = []): Promise<number> =>
    (
      await runMain(['audit', '-C', r.dir, '-r', 'signers-authorized', '--fail-on', 'high', '--no-ledger', ...extra], {
        env: r.env,
      })
    ).code;

  test.each([
    ['the initial policy', true],
    ['a later change signed by a maintainer', false],
  ])(
    'a severity lowered in %s applies (twin: lowered by a signer who is no maintainer, it does not)',
    async (_n, initial) => {
      const r = started(initial ? POLICY(LOWER) : POLICY());
      if (!initial) commitAsPerson(r, alice, 'alice@example.com', 'lower', { '.gitguard/policy.yml': POLICY(LOWER) });
      carolCommit(r);
      expect(await lowered(r)).toBe(0);
      expect(await lowered(r, ['--trust-root', r.run(['rev-list', '--max-parents=0', 'HEAD']).trim()])).toBe(0);
      const t = started();
      commitAsPerson(t, bob, 'bob@example.com', 'lower', { '.gitguard/policy.yml': POLICY(LOWER) });
      carolCommit(t);
      expect(await lowered(t)).toBe(1);
    },
  );

  test("secrets.allow of a maintainer's change excuses the fixture (twin: the signer's own allowance does not)", async () => {
    const f = new TokenFactory(2027);
    const token = f.checksummed(`gh${'p'}_`);
    const secrets = async (by: SshTestKey, email: string): Promise<number> => {
      const r = started();
      commitAsPerson(r, bob, 'bob@example.com', 'fixture', { 'test/fixtures/deploy.env': `GITHUB_TOKEN=${token}\n` });
      commitAsPerson(r, by, email, 'allow the fixture', {
        '.gitguard/policy.yml': POLICY(
          'secrets:\n  allow:\n    - path: "test/fixtures/**"\n      reason: revoked fixture\n',
        ),
      });
      return (await runMain(['audit', '-C', r.dir, '-r', 'secrets-not-in-history', '--no-ledger'], { env: r.env }))
        .code;
    };
    expect(await secrets(alice, 'alice@example.com')).toBe(0);
    expect(await secrets(bob, 'bob@example.com')).toBe(1);
  });
});

describe("a tag key a maintainer's policy change adds", () => {
  const tagged = async (by: 'alice' | 'bob'): Promise<number> => {
    const r = started();
    const bot = sharedSshKey('release-bot');
    const [key, email] = by === 'alice' ? [alice, 'alice@example.com'] : [bob, 'bob@example.com'];
    commitAsPerson(r, key, email, 'the release bot signs tags', {
      '.gitguard/policy.yml': POLICY().replace(
        'maintainers:',
        '  - name: release-bot\n    emails: [bot@example.com]\nmaintainers:',
      ),
      '.gitguard/allowed_signers': `${signers()}bot@example.com ${bot.pub}\n`,
    });
    r.run(['-c', 'gpg.format=ssh', '-c', `user.signingkey=${bot.path}`, 'tag', '-s', '-m', 'Release 1.0.0', 'v1.0.0'], {
      env: { GIT_COMMITTER_NAME: 'bot', GIT_COMMITTER_EMAIL: 'bot@example.com' },
    });
    return (await runMain(['audit', '-C', r.dir, '-r', 'tags-signed', '--no-ledger'], { env: r.env })).code;
  };
  test('judges the tag it signs (twin: added by a signer who is no maintainer, it does not)', async () => {
    expect(await tagged('alice')).toBe(0);
    expect(await tagged('bob')).toBe(1);
  });
});
