// Eighteenth round of clean set-ups that must pass (see clean-workflows.test.ts to -17); these passed
// already and are kept so they stay so, each with a twin attack in the same shape that still fails:
// - a SHA-256 repository end to end: SSH and OpenPGP signatures (gpgsig-sha256), a signed tag on a
//   signed tag, notes added, appended and rewound, a replace ref made and deleted (refs/replace/ left
//   empty), the ledger and the walk checkpoint written and read again, a real push through the
//   pre-push hook to a SHA-256 remote, the secrets scan;
// - the checkouts CI makes: actions/checkout's token as an `http.<server>/.extraheader` AUTHORIZATION
//   header, in the local config (v4) or in a file of RUNNER_TEMP the config includes (v6), with
//   fetch-tags off; GitLab's GIT_STRATEGY: fetch reusing one dirty working copy (its ledger too) over
//   pipelines checked out detached at refs/pipelines/<id>;
// - Bitbucket Pipelines' clone (`clone: depth: full`), which leaves origin at http://bitbucket.org/<repo>
//   behind the step's proxy on localhost:29418: it failed remotes-use-secure-transport in every step.
//   Twins: outside the step, another http remote, another proxy still fail;
// - the action (action.yml) in a container job: the job runs as root, the workspace belongs to the
//   runner's user, and git refused it ("dubious ownership"): exit 2 on every run. The step now trusts
//   the folder it audits for its own command; twin: a wildcard in the job's global config still fails.
import { execFileSync } from 'node:child_process';
import { chownSync, lstatSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { parse } from 'yaml';
import { join } from 'node:path';
import { cleanupTemp, makeRepo, tempDir, type TestRepo } from '../helpers/repo.js';
import { commitAsPerson, configureSshSigning, sharedSshKey, type SshTestKey } from '../helpers/ssh.js';
import { sshSigningRepo } from '../helpers/signing-repo.js';
import { makeGpg } from '../helpers/gpg.js';
import { TokenFactory } from '../helpers/secrets.js';
import { gitAsync, inProcessHooks, stopHookBridge } from '../helpers/hook-bridge.js';
import { BIN, ROOT, runMain, parseJson, resultOf, type JsonReport } from '../helpers/cli.js';

let alice: SshTestKey;
beforeAll(() => {
  alice = sharedSshKey('alice');
});
afterAll(async () => {
  await stopHookBridge();
  cleanupTemp();
});

const THREATS = ['--threat', 'impersonation,history,protections'];
/** A runner's environment: no global config of ours (the tests' pinned one turns signing off). */
function runnerEnv(r: TestRepo, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const empty = join(tempDir(), 'gitconfig');
  writeFileSync(empty, '');
  return { ...r.env, GIT_CONFIG_GLOBAL: empty, ...extra };
}
async function audit(
  r: TestRepo,
  dir = r.dir,
  extra: string[] = [],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; report: JsonReport; stderr: string }> {
  const res = await runMain(['audit', '-C', dir, '--format', 'json', ...THREATS, ...extra], {
    env: { ...r.env, ...env },
  });
  return { code: res.code, report: parseJson(res), stderr: res.stderr };
}
const failing = (report: JsonReport): string[] =>
  report.results.filter((x) => x.outcome === 'fail' || x.outcome === 'error').map((x) => x.meta.id);
const findingsOf = (report: JsonReport, id: string): unknown[] =>
  resultOf(report, id).findings.map((f) => f.evidence?.key);

describe('a SHA-256 repository (git init --object-format=sha256)', () => {
  const POLICY =
    'version: 1\nsigners:\n  - name: Alice\n    emails: [alice@example.com]\n  - name: Oscar\n    emails: [oscar@example.com]\nmaintainers: [Alice]\n';

  /** Alice signs with SSH, Oscar with OpenPGP; a tag, a tag on the tag, notes. */
  function sha256Repo(): { r: TestRepo; oscarEnv: NodeJS.ProcessEnv } {
    const r = makeRepo({ objectFormat: 'sha256' });
    configureSshSigning(r, alice);
    r.config({ 'commit.gpgSign': 'true', 'tag.gpgSign': 'true' });
    const gpg = makeGpg(join(r.home, 'g'), r.env);
    const oscar = gpg.genKey('Oscar <oscar@example.com>', 'ed25519');
    gpg.trust(oscar);
    r.commit('policy', {
      '.gitguard/policy.yml': POLICY,
      '.gitguard/allowed_signers': `alice@example.com ${alice.pub}\n`,
      '.gitguard/keys/oscar.asc': gpg.run(['--armor', '--export', oscar]).toString(),
      'SECURITY.md': 'Report to security@example.com\n',
    });
    const oscarEnv = {
      ...gpg.env,
      GIT_AUTHOR_NAME: 'oscar',
      GIT_AUTHOR_EMAIL: 'oscar@example.com',
      GIT_COMMITTER_NAME: 'oscar',
      GIT_COMMITTER_EMAIL: 'oscar@example.com',
    };
    r.write({ 'src/o.txt': 'o\n' });
    r.addAllAndRun(['-c', 'gpg.format=openpgp', '-c', `user.signingkey=${oscar}`, 'commit', '-q', '-m', 'oscar'], {
      env: oscarEnv,
    });
    r.commit('work', { 'src/a.txt': 'a\n' });
    r.run(['tag', '-m', 'v1.0.0', 'v1.0.0']);
    r.run(['tag', '-m', 'countersigned v1.0.0', 'v1.0.0-countersigned', 'v1.0.0']);
    r.run(['notes', 'add', '-m', 'released', 'HEAD']);
    return { r, oscarEnv };
  }

  test('signed commits (gpgsig-sha256, SSH and OpenPGP), tags, notes: every rule passes, twice (ledger and checkpoint read back)', async () => {
    const { r } = sha256Repo();
    expect(r.run(['cat-file', 'commit', 'HEAD~1'])).toMatch(/^gpgsig-sha256 -----BEGIN PGP SIGNATURE-----/m);
    const first = await audit(r, r.dir, ['--all']);
    expect(failing(first.report)).toEqual([]);
    expect(first.report.ledger?.updated).toBe(true);
    expect(resultOf(first.report, 'tags-signed').outcome).toBe('pass');
    r.run(['notes', 'append', '-m', 'and announced', 'HEAD']);
    r.run(['replace', 'HEAD~1', 'HEAD']);
    r.run(['replace', '-d', 'HEAD~1']); // refs/replace/ left empty
    r.run(['notes', 'add', '-f', '-m', 'released again', 'HEAD']);
    r.run(['update-ref', 'refs/notes/commits', 'refs/notes/commits~1']); // notes are no protected ref
    r.commit('more', { 'src/b.txt': 'b\n' });
    const again = await audit(r, r.dir, ['--all']);
    expect(failing(again.report)).toEqual([]);
    expect((await audit(r)).code).toBe(0);
    expect((await runMain(['verify', '-C', r.dir], { env: r.env })).code).toBe(0);
  });

  test('pushes through the pre-push hook to a SHA-256 remote; twins: an unsigned commit is refused, main rewound fails the audit, a token is found', async () => {
    const { r } = sha256Repo();
    const remote = join(tempDir(), 'remote.git');
    r.run(['init', '-q', '--bare', '--object-format=sha256', remote]);
    r.run(['remote', 'add', 'origin', remote]);
    const bridge = await inProcessHooks();
    expect((await runMain(['hook', 'install', '-C', r.dir], { env: r.env, ...bridge })).code).toBe(0);
    const pushed = await gitAsync(r, ['push', '-q', '--follow-tags', 'origin', 'main', 'refs/notes/commits']);
    expect(pushed.stderr).not.toMatch(/blocked/);
    expect(pushed.code).toBe(0);
    expect((await audit(r)).code).toBe(0);

    commitAsPerson(r, undefined, 'alice@example.com', 'unsigned', { 'src/u.txt': 'u\n' });
    const refused = await gitAsync(r, ['push', '-q', 'origin', 'main']);
    expect(refused.stderr).toMatch(/commits-signed/);
    expect(refused.code).not.toBe(0);
    r.run(['reset', '-q', '--hard', 'HEAD~2']); // the unsigned commit and a published one
    const rewound = await audit(r);
    expect(failing(rewound.report)).toEqual(['protected-refs-not-rewritten']);
    expect(JSON.stringify(rewound.report)).toMatch(/[0-9a-f]{64}/);

    r.run(['reset', '-q', '--hard', 'origin/main']);
    const token = new TokenFactory(17).checksummed('ghp_');
    r.commit('deploy', { 'deploy.env': `GITHUB_TOKEN=${token}\n` });
    const leaked = await audit(r);
    expect(failing(leaked.report)).toEqual(['secrets-not-in-history']);
    expect(JSON.stringify(leaked.report)).not.toContain(token);
  });
});

describe("actions/checkout's token in the checkout's config", () => {
  const header = `AUTHORIZATION: basic ${Buffer.from(`x-access-token:${new TokenFactory(18).checksummed('ghs_')}`).toString('base64')}`;
  const GITHUB = { GITHUB_ACTIONS: 'true', GITHUB_EVENT_NAME: 'push', GITHUB_REF: 'refs/heads/main' };

  /** actions/checkout's steps for a push with fetch-depth: 0 and fetch-tags: false, in a fresh folder. */
  function checkout(upstream: TestRepo, auth: (ws: string, git: (a: string[]) => string) => void): string {
    const ws = join(tempDir(), 'work', 'repo', 'repo');
    mkdirSync(ws, { recursive: true });
    const git = (args: string[]): string =>
      execFileSync('git', args, { cwd: ws, env: upstream.env, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
    git(['init', '-q', ws]);
    git(['remote', 'add', 'origin', upstream.dir]);
    git(['config', '--local', 'gc.auto', '0']);
    auth(ws, git);
    git([
      '-c',
      'protocol.version=2',
      'fetch',
      '-q',
      '--no-tags',
      '--prune',
      '--no-recurse-submodules',
      'origin',
      '+refs/heads/*:refs/remotes/origin/*',
    ]);
    git(['checkout', '-q', '--progress', '--force', '-B', 'main', 'refs/remotes/origin/main']);
    return ws;
  }

  test('v4 (the header in .git/config) and v6 (in a RUNNER_TEMP file included by gitdir): every rule passes, the token is never printed', async () => {
    const upstream = sshSigningRepo(alice);
    upstream.commit('work', { 'src/a.txt': 'a\n', 'SECURITY.md': 'Report to security@example.com\n' });
    upstream.run(['tag', '-s', '-m', 'v1', 'v1']);
    const v4 = checkout(upstream, (_ws, git) =>
      git(['config', '--local', 'http.https://github.com/.extraheader', header]),
    );
    const runnerTemp = tempDir();
    const v6 = checkout(upstream, (ws, git) => {
      const file = join(runnerTemp, 'git-credentials-0c9e.config');
      writeFileSync(file, '');
      git(['config', '--file', file, 'http.https://github.com/.extraheader', header]);
      git(['config', '--local', `includeIf.gitdir:${ws}/.git.path`, file]);
      git(['config', '--local', `includeIf.gitdir:${ws}/.git/worktrees/*.path`, file]);
      git([
        'config',
        '--local',
        'includeIf.gitdir:/github/workspace/.git.path',
        '/github/runner_temp/git-credentials-0c9e.config',
      ]);
    });
    for (const ws of [v4, v6]) {
      expect(
        execFileSync('git', ['config', 'http.https://github.com/.extraheader'], {
          cwd: ws,
          env: upstream.env,
          encoding: 'utf8',
        }).trim(),
      ).toBe(header);
      const sha = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ws, env: upstream.env, encoding: 'utf8' }).trim();
      const res = await runMain(['audit', '-C', ws, '--format', 'json', ...THREATS], {
        env: runnerEnv(upstream, { ...GITHUB, GITHUB_SHA: sha }),
      });
      expect(failing(parseJson(res))).toEqual([]);
      expect(res.code).toBe(0);
      expect(res.stdout + res.stderr).not.toContain(header.slice(21));
    }
  });

  test('twin: the same checkout whose origin URL carries the token fails remote-urls-without-credentials', async () => {
    const upstream = sshSigningRepo(alice);
    upstream.commit('work', { 'SECURITY.md': 'Report to security@example.com\n' });
    const ws = checkout(upstream, (_ws, git) =>
      git(['config', '--local', 'http.https://github.com/.extraheader', header]),
    );
    const token = new TokenFactory(19).checksummed('ghs_');
    execFileSync('git', ['remote', 'set-url', 'origin', `https://x-access-token:${token}@github.com/o/r.git`], {
      cwd: ws,
      env: upstream.env,
    });
    const res = await runMain(['audit', '-C', ws, '--format', 'json', ...THREATS], { env: runnerEnv(upstream) });
    expect(failing(parseJson(res))).toEqual(['remote-urls-without-credentials']);
    expect(res.stdout).not.toContain(token);
  });
});

describe("GitLab's GIT_STRATEGY: fetch (one working copy reused by every pipeline, detached at refs/pipelines/<id>)", () => {
  test('three pipelines (main, a topic, the topic force-pushed) pass with --all and without, on a dirty copy; twin: main force-pushed upstream fails', async () => {
    const upstream = sshSigningRepo(alice);
    upstream.commit('work', { 'src/a.txt': 'a\n', 'SECURITY.md': 'Report to security@example.com\n' });
    upstream.run(['tag', '-s', '-m', 'v1', 'v1']);
    const build = join(tempDir(), 'builds', 'group', 'project');
    mkdirSync(build, { recursive: true });
    const git = (args: string[]): string =>
      execFileSync('git', args, {
        cwd: build,
        env: upstream.env,
        encoding: 'utf8',
        stdio: ['pipe', 'pipe', 'pipe'],
      }).trim();
    git(['init', '-q']);
    git(['remote', 'add', 'origin', upstream.dir]);
    let id = 0;
    const pipeline = async (ref: string): Promise<JsonReport[]> => {
      const n = ++id;
      upstream.run(['update-ref', `refs/pipelines/${n}`, ref]);
      // the runner's fetch, clean and detached checkout
      git([
        'fetch',
        '-q',
        'origin',
        '--prune',
        `+refs/pipelines/${n}:refs/pipelines/${n}`,
        '+refs/heads/*:refs/remotes/origin/*',
        '+refs/tags/*:refs/tags/*',
      ]);
      git(['clean', '-ffdxq']); // the ledger and checkpoint in .git/gitguard stay, as on a runner
      git(['reset', '-q', '--hard']);
      git(['checkout', '-f', '-q', `refs/pipelines/${n}`]);
      writeFileSync(join(build, 'build-output.log'), 'left by the job\n'); // the copy stays dirty
      const env = runnerEnv(upstream, {
        GITLAB_CI: 'true',
        CI_PIPELINE_ID: String(n),
        CI_COMMIT_SHA: git(['rev-parse', 'HEAD']),
      });
      const plain = await runMain(['audit', '-C', build, '--format', 'json', ...THREATS], {
        env,
      });
      const all = await runMain(['audit', '-C', build, '--format', 'json', '--all', ...THREATS], {
        env,
      });
      return [parseJson(plain), parseJson(all)];
    };
    for (const report of await pipeline('main')) expect(failing(report)).toEqual([]);
    upstream.run(['checkout', '-q', '-b', 'topic']);
    upstream.commit('topic', { 'src/t.txt': 't\n' });
    upstream.run(['checkout', '-q', 'main']);
    upstream.commit('main moves on', { 'src/m.txt': 'm\n' });
    for (const report of await pipeline('topic')) expect(failing(report)).toEqual([]);
    upstream.run(['checkout', '-q', 'topic']);
    upstream.run(['commit', '-q', '--amend', '-m', 'topic, reworded']);
    upstream.run(['checkout', '-q', 'main']);
    for (const report of await pipeline('topic')) expect(failing(report)).toEqual([]);

    upstream.run(['reset', '-q', '--hard', 'HEAD~1']);
    upstream.commit('main rewritten', { 'src/m.txt': 'other\n' });
    for (const report of await pipeline('main')) expect(failing(report)).toContain('protected-refs-not-rewritten');
  });
});

describe("Bitbucket Pipelines' clone (clone: depth: full)", () => {
  const ORIGIN = 'http://bitbucket.org/acme/widgets';
  /** The step's clone script, as Bitbucket Pipelines runs it (the upstream stands in for bitbucket.org). */
  function pipelinesClone(upstream: TestRepo): { ws: string; git: (a: string[]) => string; env: NodeJS.ProcessEnv } {
    const ws = join(tempDir(), 'opt', 'atlassian', 'pipelines', 'agent', 'build');
    const commit = upstream.head();
    const git = (args: string[]): string =>
      execFileSync('git', args, { cwd: ws, env: upstream.env, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
    upstream.run(['clone', '-q', '--branch=main', upstream.dir, ws]);
    git(['reset', '-q', '--hard', commit]);
    git(['config', 'user.name', 'bitbucket-pipelines']);
    git(['config', 'user.email', 'commits-noreply@bitbucket.org']);
    git(['config', 'push.default', 'current']);
    git(['config', `http.${ORIGIN}.proxy`, 'http://localhost:29418/']);
    git(['remote', 'set-url', 'origin', ORIGIN]);
    git(['reflog', 'expire', '--expire=all', '--all']);
    const env = runnerEnv(upstream, {
      BITBUCKET_BUILD_NUMBER: '42',
      BITBUCKET_COMMIT: commit,
      BITBUCKET_REPO_FULL_NAME: 'acme/widgets',
      BITBUCKET_GIT_HTTP_ORIGIN: ORIGIN,
    });
    return { ws, git, env };
  }
  const run = async (ws: string, env: NodeJS.ProcessEnv): Promise<JsonReport> =>
    parseJson(await runMain(['audit', '-C', ws, '--format', 'json', ...THREATS], { env }));

  test("the step's own origin behind its proxy passes, and the note says why; twins: outside the step, another http remote, another proxy fail", async () => {
    const upstream = sshSigningRepo(alice);
    upstream.commit('work', { 'src/a.txt': 'a\n', 'SECURITY.md': 'Report to security@example.com\n' });
    const { ws, git, env } = pipelinesClone(upstream);
    const clean = await run(ws, env);
    expect(failing(clean)).toEqual([]);
    expect(resultOf(clean, 'remotes-use-secure-transport').note).toMatch(/Bitbucket Pipelines step's own origin/);

    const outside = { ...env, BITBUCKET_BUILD_NUMBER: undefined, BITBUCKET_GIT_HTTP_ORIGIN: undefined };
    expect(failing(await run(ws, outside))).toEqual(['remotes-use-secure-transport']);
    git(['remote', 'add', 'mirror', 'http://mirror.acme.example/widgets']);
    expect(findingsOf(await run(ws, env), 'remotes-use-secure-transport')).toEqual(['remote.mirror.url']);
    git(['remote', 'remove', 'mirror']);
    git(['config', `http.${ORIGIN}.proxy`, 'http://proxy.acme.example:29418/']);
    expect(failing(await run(ws, env))).toEqual(['remotes-use-secure-transport']);
  });
});

describe('the action (action.yml) in a container job: the workspace belongs to the runner, the job runs as root', () => {
  const asRoot = process.getuid?.() === 0 ? test : test.skip;
  const chownTree = (path: string, uid: number): void => {
    chownSync(path, uid, uid);
    if (lstatSync(path).isDirectory()) for (const name of readdirSync(path)) chownTree(join(path, name), uid);
  };
  /** The action's audit step, its shell text as written, with the built gitguard first on PATH. */
  function auditStep(ws: string, env: NodeJS.ProcessEnv): { code: string; stdout: string } {
    const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as {
      runs: { steps: { id?: string; run?: string }[] };
    };
    const run = action.runs.steps.find((step) => step.id === 'audit')!.run!;
    const bin = join(tempDir(), 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'gitguard'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`, { mode: 0o755 });
    const output = join(tempDir(), 'github-output');
    const stdout = execFileSync('bash', ['-c', run], {
      cwd: ws,
      env: {
        ...env,
        PATH: `${bin}:${env.PATH ?? ''}`,
        GITHUB_OUTPUT: output,
        GITHUB_REPOSITORY: 'acme/widgets',
        GITGUARD_FAIL_ON: 'low',
        GITGUARD_ARGS: '',
        GITGUARD_THREATS: 'impersonation,history,protections',
        GITGUARD_PATH: '.',
        GITGUARD_FORGE: 'false',
      },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return { code: readFileSync(output, 'utf8').trim(), stdout };
  }

  asRoot(
    'the step audits the checkout (before: git refused it, exit 2); twin: a wildcard safe.directory in the job still fails',
    async () => {
      const upstream = sshSigningRepo(alice);
      upstream.commit('work', { 'src/a.txt': 'a\n', 'SECURITY.md': 'Report to security@example.com\n' });
      const ws = join(tempDir(), 'home', 'runner', 'work', 'widgets', 'widgets');
      upstream.run(['clone', '-q', upstream.dir, ws]);
      chownTree(ws, 1001);
      const env = runnerEnv(upstream);
      const refused = await runMain(['audit', '-C', ws], { env });
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/owned by another user/);

      const step = auditStep(ws, env);
      expect(step.stdout).toMatch(/^PASS /m);
      expect(step.code).toBe('exit-code=0');

      execFileSync('git', ['config', '--global', '--add', 'safe.directory', '*'], { env });
      const wildcard = auditStep(ws, env);
      expect(wildcard.stdout).toMatch(/FAIL +safe-directory-not-wildcard/);
      expect(wildcard.code).toBe('exit-code=1');
    },
  );
});
