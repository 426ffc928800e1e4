// Red-team round 4: what a push can bring past the server's pre-receive hook, through real git push
// into a bare repository with `gitguard hook install --server`, compared with what git lets through.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupTemp, makeRepo, tempDir, type TestRepo } from '../helpers/repo.js';
import { makeSshKey, signedCommit, type SshTestKey } from '../helpers/ssh.js';
import { sshSigningRepo, tryGit } from '../helpers/signing-repo.js';
import { runMain } from '../helpers/cli.js';
import { gitAsync, inProcessHooks, stopHookBridge } from '../helpers/hook-bridge.js';

afterAll(async () => {
  await stopHookBridge();
  cleanupTemp();
});

let alice: SshTestKey;
beforeAll(() => {
  alice = makeSshKey(mkdtempSync(join(tmpdir(), 'gg-push-')), 'ed25519', 'alice');
});

/** alice's governed work tree and a bare remote holding its history, with (or without) gitguard's server hook. */
async function served(withHook: boolean): Promise<{ r: TestRepo; remote: string; published: string }> {
  const r = sshSigningRepo(alice);
  const published = signedCommit(r, alice, 'published work');
  const remote = join(tempDir(), 'remote.git');
  r.run(['init', '-q', '--bare', remote]);
  r.run(['remote', 'add', 'origin', remote]);
  expect(tryGit(r, ['push', '-q', 'origin', 'main']).code).toBe(0);
  // The installed hook answered by gitguard in this process (helpers/hook-bridge.ts); git stays real.
  if (withHook)
    expect(
      (await runMain(['hook', 'install', '--server', '-C', remote], { env: r.env, ...(await inProcessHooks()) })).code,
    ).toBe(0);
  return { r, remote, published };
}

const remoteRefs = (r: TestRepo, remote: string): string =>
  spawnSync('git', ['for-each-ref', '--format=%(refname)'], { cwd: remote, env: r.env, encoding: 'utf8' }).stdout;

describe('a replace ref pushed to the server', () => {
  /** A signed commit that stands in for `published` (same parent, other content), pushed as refs/replace/<published>. */
  function pushReplacement(r: TestRepo, published: string): ReturnType<typeof gitAsync> {
    r.run(['checkout', '-q', '-b', 'stand-in', `${published}~1`]);
    r.write({ 'payload.txt': 'not what was published\n' });
    r.run(['add', '-A']);
    const standIn = signedCommit(r, alice, 'published work');
    return gitAsync(r, ['push', '-q', 'origin', `${standIn}:refs/replace/${published}`]);
  }

  test('git alone lets it through: the server then shows the stand-in in place of the published commit', async () => {
    const { r, remote, published } = await served(false);
    expect((await pushReplacement(r, published)).code).toBe(0);
    const shown = spawnSync('git', ['show', '-s', '--format=%H %s', published], {
      cwd: remote,
      env: r.env,
      encoding: 'utf8',
    });
    expect(shown.stdout).toContain(published); // same id, ...
    expect(
      spawnSync('git', ['ls-tree', '--name-only', published], { cwd: remote, env: r.env, encoding: 'utf8' }).stdout,
    ).toContain('payload.txt'); // ... other content
  });

  test("gitguard's hook refuses it in one line naming the ref (before: accepted), and accepts its deletion", async () => {
    const { r, remote, published } = await served(true);
    const push = await pushReplacement(r, published);
    expect(push.code).not.toBe(0);
    expect(push.stderr).toMatch(new RegExp(`remote: gitguard: rejected: refs/replace/${published}: a replace ref`));
    expect(remoteRefs(r, remote)).not.toContain('refs/replace/');
    // Deleting one (planted before the hook, say) takes a replacement away: accepted.
    const del = await runMain(['hook', 'run', 'pre-receive'], {
      cwd: remote,
      env: r.env,
      input: `${published} ${'0'.repeat(40)} refs/replace/${published}\n`,
    });
    expect(del.code).toBe(0);
  });
});

describe('a push that moves many protected branches, each on a base of its own', () => {
  const N = 100;
  /**
   * A bare server whose policy protects every branch (and lets unsigned commits through), with N
   * branches b<i> on N distinct commits; the N commits that move them forward are in its object
   * store but on no ref, as git's quarantine holds a push. Returns the server and the hook's input.
   */
  function wide(): { r: TestRepo; server: string; forward: string; rewind: string } {
    const r = makeRepo();
    r.commit('policy', {
      '.gitguard/policy.yml': 'version: 1\nrequire_signatures: false\nprotected:\n  refs: ["refs/heads/**"]\n',
    });
    const who = 'committer A <a@example.com> 1700000000 +0000';
    const script = [];
    for (let i = 0; i < N; i += 1)
      script.push(
        `commit refs/heads/b${i}\nmark :${i + 1}\n${who}\ndata <<END\nbase ${i}\nEND\nfrom refs/heads/main^0\n`,
      );
    for (let i = 0; i < N; i += 1)
      script.push(`commit refs/pushed/b${i}\nmark :${N + i + 1}\n${who}\ndata <<END\nnext ${i}\nEND\nfrom :${i + 1}\n`);
    r.run(['fast-import', '--quiet'], { input: script.join('') });
    const server = join(tempDir(), 'server.git');
    r.run(['clone', '-q', '--bare', r.dir, server]);
    const git = (args: string[], input?: string): string =>
      spawnSync('git', args, { cwd: server, env: r.env, encoding: 'utf8', input }).stdout;
    git(['fetch', '-q', r.dir, 'refs/pushed/*:refs/pushed/*']);
    const refs = git(['for-each-ref', '--format=%(refname) %(objectname)']);
    const at = new Map(
      refs
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split(' ') as [string, string]),
    );
    git(
      ['update-ref', '--stdin'],
      [...at.keys()]
        .filter((k) => k.startsWith('refs/pushed/'))
        .map((k) => `delete ${k}\n`)
        .join(''),
    );
    /** One "<old> <new> <ref>" line per branch: forward (base -> pushed) or back (pushed -> base). */
    const lines = (forward: boolean): string =>
      Array.from({ length: N }, (_, i) => {
        const [b, p] = [at.get(`refs/heads/b${i}`)!, at.get(`refs/pushed/b${i}`)!];
        return forward ? `${b} ${p} refs/heads/b${i}\n` : `${p} ${b} refs/heads/b${i}\n`;
      }).join('');
    return { r, server, forward: lines(true), rewind: lines(false) };
  }

  /** Each rewind line "<pushed i> <base i> <ref>" again onto the bases of the next eleven branches: 1,100 distinct rewinds. */
  function manyRewinds(rewind: string): string {
    const lines = rewind
      .trim()
      .split('\n')
      .map((l) => l.split(' '));
    return Array.from({ length: 11 }, (_, k) => k)
      .flatMap((k) => lines.map(([old], i) => `${old} ${lines[(i + k + 1) % lines.length]![1]} refs/heads/b${i}\n`))
      .join('');
  }

  /** How many git processes the pre-receive check starts, through a PATH wrapper that counts them. */
  async function countGits(
    r: TestRepo,
    server: string,
    input: string,
  ): Promise<{ code: number; gits: number; stderr: string }> {
    const dir = tempDir();
    const log = join(dir, 'log');
    const real = spawnSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).stdout.trim();
    writeFileSync(join(dir, 'git'), `#!/bin/sh\necho x >> '${log}'\nexec '${real}' "$@"\n`, { mode: 0o755 });
    const res = await runMain(['hook', 'run', 'pre-receive'], {
      cwd: server,
      env: { ...r.env, PATH: `${dir}:${process.env.PATH}` },
      input,
    });
    const gits = existsSync(log) ? readFileSync(log, 'utf8').split('\n').length - 1 : 0;
    return { code: res.code, gits, stderr: res.stderr };
  }

  test(`${N} fast-forwards: accepted with a few git processes, not two per branch (before: over ${2 * N})`, async () => {
    const { r, server, forward } = wide();
    const res = await countGits(r, server, forward);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.gits).toBeLessThan(40);
  });

  test(`${N} rewinds: each refused, and more rewinds than gitguard checks one by one are refused in one line`, async () => {
    const { r, server, rewind } = wide();
    const res = await countGits(r, server, rewind);
    expect(res.code).toBe(1);
    expect(res.stderr.split('\n').filter((l) => l.includes('non-fast-forward update of a protected ref'))).toHaveLength(
      N,
    );
    // 1,100 distinct rewinds, over the bound of 1,000: refused before any is asked.
    const many = await countGits(r, server, manyRewinds(rewind));
    expect(many.code).toBe(2);
    expect(many.stderr.trim().split('\n')).toHaveLength(1);
    expect(many.stderr).toMatch(
      /protected ref updates in this push need a history check each, over gitguard's limit of 1000/,
    );
    expect(many.gits).toBeLessThan(40);
  });
});
