// The server side on real repositories: a bare repository's receive.* settings and pre-receive hook
// (server rules, fixed by the commands gitguard prints), and the pre-receive check itself, driven by
// real `git push` from a clone. One test pushes through a hook that runs the built binary; the others'
// hooks run gitguard in this process (helpers/hook-bridge.ts), git and the hook script as real.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupTemp, copyRepo, makeRepo, type TestRepo } from '../helpers/repo.js';
import { makeSshKey, signedCommit, type SshTestKey } from '../helpers/ssh.js';
import { parseJson, resultOf, runMain } from '../helpers/cli.js';
import { hookedServer, pushOrigin as push, stopHookBridge } from '../helpers/hook-bridge.js';

afterAll(async () => {
  await stopHookBridge();
  cleanupTemp();
});

const SERVER_RULES = ['server-receive-hardened', 'server-hook-installed'];

async function auditServer(server: TestRepo) {
  const res = await runMain(['audit', server.dir, '--format', 'json', '--no-cache', '--rule', SERVER_RULES.join(',')], {
    env: server.env,
  });
  return parseJson(res);
}

function clientOf(server: TestRepo): TestRepo {
  const client = makeRepo();
  client.run(['remote', 'add', 'origin', server.dir]);
  return client;
}

const tipOf = (server: TestRepo, ref: string): string => server.run(['rev-parse', '--verify', '-q', ref]);

describe('server rules on a bare repository', () => {
  test('a bare repository with default settings fails the server rules, and passes after the remediation commands gitguard prints', async () => {
    const server = makeRepo({ bare: true });
    const before = await auditServer(server);
    for (const id of SERVER_RULES) expect(resultOf(before, id).outcome).toBe('fail');
    expect(resultOf(before, 'server-receive-hardened').findingCount).toBe(3);

    const commands = SERVER_RULES.flatMap(
      (id) => resultOf(before, id).meta as unknown as { remediation: string[] },
    ).flatMap((m) => m.remediation);
    expect(commands.length).toBeGreaterThanOrEqual(4);
    for (const cmd of commands) {
      const argv = cmd.split(' ');
      if (argv[0] === 'git') execFileSync('git', argv.slice(1), { cwd: server.dir, env: server.env, stdio: 'pipe' });
      else if (argv[0] === 'gitguard')
        expect((await runMain(argv.slice(1), { cwd: server.dir, env: server.env })).code).toBe(0);
      else throw new Error(`not a command: ${cmd}`);
    }

    const after = await auditServer(server);
    for (const id of SERVER_RULES) expect(resultOf(after, id).outcome).toBe('pass');
  });

  test('a work-tree repository is judged as a server only with --server', async () => {
    const repo = makeRepo();
    const plain = parseJson(
      await runMain(['audit', repo.dir, '--format', 'json', '--rule', SERVER_RULES.join(',')], { env: repo.env }),
    );
    for (const id of SERVER_RULES) expect(resultOf(plain, id).outcome).toBe('not-applicable');
    const server = parseJson(
      await runMain(['audit', repo.dir, '--server', '--format', 'json', '--rule', SERVER_RULES.join(',')], {
        env: repo.env,
      }),
    );
    for (const id of SERVER_RULES) expect(resultOf(server, id).outcome).toBe('fail');
  });
});

describe('the pre-receive check, with real git push', () => {
  test('accepts fast-forwards, rejects rewriting main, deleting or moving a tag; other branches may be force-pushed', async () => {
    const server = await hookedServer();
    const client = clientOf(server);
    client.commit('one');
    expect(await push(client, ['main'])).toEqual({ ok: true, stderr: '' });
    const published = client.commit('two');
    expect((await push(client, ['main'])).ok).toBe(true);
    expect(tipOf(server, 'refs/heads/main')).toBe(published);

    client.run(['reset', '-q', '--hard', 'HEAD~1']);
    client.commit('rewritten two');
    const forced = await push(client, ['+main']);
    expect(forced.ok).toBe(false);
    expect(forced.stderr).toContain('gitguard: rejected: refs/heads/main: non-fast-forward update of a protected ref');
    expect(tipOf(server, 'refs/heads/main')).toBe(published);

    expect((await push(client, ['HEAD:refs/heads/feature'])).ok).toBe(true);
    client.commit('feature, rewritten');
    client.run(['reset', '-q', '--hard', 'HEAD~1']);
    client.commit('feature, rewritten again');
    expect((await push(client, ['+HEAD:refs/heads/feature'])).ok).toBe(true);

    client.run(['tag', 'v1', published]);
    expect((await push(client, ['v1'])).ok).toBe(true);
    const deleted = await push(client, [':refs/tags/v1']);
    expect(deleted.ok).toBe(false);
    expect(deleted.stderr).toContain('refs/tags/v1: deleting a protected ref is not allowed');
    client.run(['tag', '-f', 'v1', 'HEAD']);
    const moved = await push(client, ['+refs/tags/v1']);
    expect(moved.ok).toBe(false);
    expect(moved.stderr).toContain('refs/tags/v1: moving a protected tag is not allowed');
    expect(tipOf(server, 'refs/tags/v1')).toBe(published);
  });

  describe('with a trust policy', () => {
    let alice: SshTestKey;
    let bob: SshTestKey;
    beforeAll(async () => {
      const dir = mkdtempSync(join(tmpdir(), 'gg-prerecv-'));
      alice = makeSshKey(dir, 'ed25519', 'alice');
      bob = makeSshKey(dir, 'ed25519', 'bob');
    });

    // The governed pair is made once for the tests whose hooks run in this process, and each gets a
    // copy of both, its client pointed at its own server.
    let made: Promise<{ server: TestRepo; client: TestRepo }> | undefined;
    async function governed(runs?: 'binary'): Promise<{ server: TestRepo; client: TestRepo }> {
      if (runs) return makeGoverned(runs);
      made ??= makeGoverned();
      const once = await made;
      const server = copyRepo(once.server);
      const client = copyRepo(once.client);
      client.run(['remote', 'set-url', 'origin', server.dir]);
      return { server, client };
    }

    async function makeGoverned(runs?: 'binary'): Promise<{ server: TestRepo; client: TestRepo }> {
      const server = await hookedServer(runs);
      const client = clientOf(server);
      client.write({
        '.gitguard/policy.yml':
          'version: 1\nsigners:\n  - name: alice\n    emails: [alice@example.com]\n  - name: bob\n    emails: [bob@example.com]\nmaintainers: [alice]\n',
        '.gitguard/allowed_signers': `alice@example.com ${alice.pub}\nbob@example.com ${bob.pub}\n`,
        '.github/workflows/ci.yml': 'on: [push]\n',
      });
      client.run(['add', '-A']);
      signedCommit(client, alice, 'policy');
      expect((await push(client, ['main'])).ok).toBe(true);
      return { server, client };
    }

    test('accepts a commit signed by a signer of the policy, rejects an unsigned one with one clear line (the built binary)', async () => {
      const { server, client } = await governed('binary');
      client.write({ 'a.txt': 'a' });
      client.run(['add', '-A']);
      const good = signedCommit(client, bob, 'work by bob', { committerEmail: 'bob@example.com' });
      expect((await push(client, ['main'])).ok).toBe(true);
      client.write({ 'b.txt': 'b' });
      client.run(['add', '-A']);
      const unsigned = signedCommit(client, undefined, 'unsigned work', { committerEmail: 'bob@example.com' });
      const r = await push(client, ['main']);
      expect(r.ok).toBe(false);
      expect(r.stderr).toContain(
        `gitguard: rejected: commit ${unsigned.slice(0, 12)} refused by commits-signed under .gitguard at ${good.slice(0, 12)}: no signature: "unsigned work" by `,
      );
      expect(r.stderr).toContain('next step: re-sign the commits');
      expect(tipOf(server, 'refs/heads/main')).toBe(good);
    });

    /** The rules a push is judged by (src/engine/push-rules.ts), as a full audit of the client's history runs them. */
    const PUSH_RULES = [
      'commits-signed',
      'mergetags-valid',
      'policy-changes-authorized',
      'signature-algorithms-strong',
      'signatures-valid',
      'signer-matches-committer',
      'signers-authorized',
      'signers-not-retired',
      'signing-keys-valid',
      'protected-paths-changed-by-maintainers',
      'ci-gate-kept',
    ];
    async function auditClient(client: TestRepo) {
      const res = await runMain(
        ['audit', client.dir, '--format', 'json', '--no-cache', '--no-ledger', '--rule', PUSH_RULES.join(',')],
        { env: client.env },
      );
      return parseJson(res);
    }

    test('a commit the server refuses fails the same rule in audit, on that commit; an accepted one passes', async () => {
      const { server, client } = await governed();
      client.write({ 'a.txt': 'a' });
      client.run(['add', '-A']);
      const good = signedCommit(client, bob, 'work by bob', { committerEmail: 'bob@example.com' });
      expect((await push(client, ['main'])).ok).toBe(true);
      const accepted = await auditClient(client);
      for (const id of PUSH_RULES)
        expect([id, resultOf(accepted, id).outcome]).toEqual([id, expect.stringMatching(/^(pass|not-applicable)$/)]);
      expect(resultOf(accepted, 'commits-signed').outcome).toBe('pass');

      // bob (a signer, not a maintainer) changes CI and signs as alice's address: two refusals, two rules.
      client.write({ '.github/workflows/ci.yml': 'on: [push, pull_request]\n' });
      client.run(['add', '-A']);
      const bad = signedCommit(client, bob, 'ci: change as alice', { committerEmail: 'alice@example.com' });
      const r = await push(client, ['main']);
      expect(r.ok).toBe(false);
      expect(tipOf(server, 'refs/heads/main')).toBe(good);
      const refused = [
        ...r.stderr.matchAll(
          /gitguard: rejected: commit ([0-9a-f]{12}) refused by ([a-z-]+) under \.gitguard at ([0-9a-f]{12}):/g,
        ),
      ].map((m) => [m[1], m[2], m[3]]);
      expect(refused.length).toBeGreaterThan(0);
      for (const [commit] of refused) expect(commit).toBe(bad.slice(0, 12));
      for (const [, , judgedBy] of refused) expect(judgedBy).toBe(good.slice(0, 12));
      const refusedRules = refused.map(([, rule]) => rule!).sort();
      expect(refusedRules).toContain('signer-matches-committer');

      const report = await auditClient(client);
      const failed = report.results
        .filter((x) => x.outcome === 'fail')
        .map((x) => x.meta.id)
        .sort();
      expect(failed).toEqual(refusedRules);
      for (const id of refusedRules) expect(resultOf(report, id).findings.map((f) => f.commit)).toEqual([bad]);
    });

    test('rejects a policy change signed by a signer who is not a maintainer', async () => {
      const { server, client } = await governed();
      const before = tipOf(server, 'refs/heads/main');
      client.write({
        '.gitguard/policy.yml':
          'version: 1\nsigners:\n  - name: alice\n    emails: [alice@example.com]\n  - name: bob\n    emails: [bob@example.com]\nmaintainers: [alice, bob]\n',
      });
      client.run(['add', '-A']);
      const c = signedCommit(client, bob, 'make bob a maintainer', { committerEmail: 'bob@example.com' });
      const r = await push(client, ['main']);
      expect(r.ok).toBe(false);
      expect(r.stderr).toContain(
        `commit ${c.slice(0, 12)} refused by policy-changes-authorized under .gitguard at ${before.slice(0, 12)}: changes the trust policy (adds maintainer bob) without a maintainer's signature: bob is not a maintainer — "make bob a maintainer"`,
      );
      expect(r.stderr).toContain(`next step: a maintainer of .gitguard at ${before.slice(0, 12)} must sign it`);
      expect(tipOf(server, 'refs/heads/main')).toBe(before);
    });

    test('rejects a protected-path change signed by a non-maintainer and accepts it signed by a maintainer', async () => {
      const { client } = await governed();
      client.write({ '.github/workflows/ci.yml': 'on: [push, pull_request]\n' });
      client.run(['add', '-A']);
      const byBob = signedCommit(client, bob, 'ci: change', { committerEmail: 'bob@example.com' });
      const r = await push(client, ['main']);
      expect(r.ok).toBe(false);
      expect(r.stderr).toContain(
        `commit ${byBob.slice(0, 12)} refused by protected-paths-changed-by-maintainers under .gitguard at ${client.run(['rev-parse', 'HEAD~1']).slice(0, 12)}: changes protected .github/workflows without a maintainer's signature (bob, not a maintainer) — "ci: change"`,
      );
      client.run(['-c', 'gpg.format=ssh', 'commit', '-q', '--amend', '--no-edit', `-S${alice.path}`], {
        env: { GIT_COMMITTER_EMAIL: 'alice@example.com' },
      });
      expect((await push(client, ['main'])).ok).toBe(true);
    });
  });
});
