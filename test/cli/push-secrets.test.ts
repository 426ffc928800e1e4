// The hooks scan what a push publishes for credentials (secrets-not-in-history over the pushed
// commits, annotated tags and notes), through real `git push`es to a real bare remote: the client's
// pre-push hook and the server's pre-receive hook, each installed by `gitguard hook install` and run by
// git (hook-bridge.ts). git's own answer is the reference: what `git log -p`, `git cat-file` and `git
// notes show` print of the pushed objects holds the token, and the remote's refs after the push say
// whether it went through. Each refused push has a twin without the token that goes through; what
// the remote already has, a token the policy's secrets.allow excuses and a published test key pass.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { cleanupTemp, copyRepo, makeRepo, tempDir, type TestRepo } from '../helpers/repo.js';
import { madeOnceFor } from '../helpers/made-once.js';
import { gitAsync, hookedServer, inProcessHooks, stopHookBridge } from '../helpers/hook-bridge.js';
import { ROOT, runMain } from '../helpers/cli.js';
import { privateKeys, TokenFactory } from '../helpers/secrets.js';

const POLICY =
  'version: 1\nrequire_signatures: false\nsecrets:\n  allow:\n    - path: "fixtures/**"\n      reason: a revoked token the tests read\n';
const tokens = new TokenFactory(56);
const TOKEN = tokens.all()['github-pat']!;
const AWS = tokens.awsPair();
const PUBLISHED_KEY = readFileSync(join(ROOT, 'test/fixtures/published-keys/xmlsec-rsakey.pem'), 'utf8');
const OWN_KEY = privateKeys(tokens).rsa!;

let base: TestRepo;
beforeAll(() => {
  base = makeRepo();
  base.commit('init', { 'README.md': 'hello\n', '.gitguard/policy.yml': POLICY });
});
afterAll(async () => {
  await stopHookBridge();
  cleanupTemp();
});

type Hook = 'pre-push' | 'pre-receive';

/** A clone of the base pushed to a new bare remote (`before` runs first: what the remote already has), then the hook installed. */
async function setup(hook: Hook, before?: (r: TestRepo) => void): Promise<{ r: TestRepo; remote: string }> {
  if (!before) return pushedCopy(await pushed(hook));
  const r = copyRepo(base);
  before(r);
  return pushedTo(r, hook);
}

async function pushedTo(r: TestRepo, hook: Hook): Promise<{ r: TestRepo; remote: string }> {
  // In the repository's own temp folder, so that copyRepo takes it along.
  const remote = join(dirname(r.home), 'remote.git');
  r.run(['init', '-q', '--bare', remote]);
  r.run(['remote', 'add', 'origin', remote]);
  r.run(['push', '-q', 'origin', '--all']);
  if (r.run(['notes', 'list']).length) r.run(['push', '-q', 'origin', 'refs/notes/commits']);
  const args = hook === 'pre-push' ? ['hook', 'install', '-C', r.dir] : ['hook', 'install', '--server', '-C', remote];
  expect((await runMain(args, { env: r.env, ...(await inProcessHooks()) })).code).toBe(0);
  return { r, remote };
}

// The base pushed with nothing before and the hook installed, made once per hook (the gits of the push
// and the install once, not in each test) and copied, remote and all, for each test that changes it.
const pushed = madeOnceFor(async (hook: Hook) => (await pushedTo(copyRepo(base), hook)).r);

/** A copy made by `pushed`: its origin is the remote copied beside it (the installed hooks name no path). */
function pushedCopy(r: TestRepo): { r: TestRepo; remote: string } {
  const remote = join(dirname(r.home), 'remote.git');
  const config = join(r.dir, '.git', 'config');
  const text = readFileSync(config, 'utf8');
  const url = /^\turl = (.*)$/m.exec(text);
  if (!url) throw new Error(`no remote url in ${config}`);
  writeFileSync(config, text.replace(url[0], `\turl = ${remote}`));
  return { r, remote };
}

/** The remote's id for `ref` ('' when it has none), as git reads it there. */
function remoteHas(r: TestRepo, remote: string, ref: string): string {
  try {
    return r.run(['--git-dir', remote, 'rev-parse', '-q', '--verify', ref]);
  } catch {
    return '';
  }
}

/** A push through the installed hook: its exit code and what git printed (the hook's lines, the server's as "remote: "). */
async function push(r: TestRepo, args: string[]): Promise<{ code: number; out: string }> {
  const res = await gitAsync(r, ['push', 'origin', ...args]);
  return { code: res.code, out: res.stdout + res.stderr };
}

/** Refused for a credential, which is named redacted: the whole token is never printed. */
function refusedForSecret(res: { code: number; out: string }, secret: string): void {
  expect(res.code).not.toBe(0);
  expect(res.out).toMatch(/secrets-not-in-history/);
  // gitguard's own lines (git's say what was pushed, a ref's name included).
  const ours = res.out.split('\n').filter((l) => /^(remote: )?(gitguard| {2})/.test(l));
  expect(ours.join('\n')).toMatch(/secrets-not-in-history/);
  expect(ours.join('\n')).not.toContain(secret);
}

describe.each<Hook>(['pre-push', 'pre-receive'])('the %s hook scans what the push publishes', (hook) => {
  test('a token in a new commit: refused, the remote unchanged; the same commit without it goes through', async () => {
    const { r, remote } = await setup(hook);
    const published = r.head();
    r.commit('configure', { 'src/config.ts': `export const token = '${TOKEN}';\n` });
    // git's answer: the push publishes the line with the token.
    expect(r.run(['log', '-p', 'origin/main..main'])).toContain(TOKEN);
    refusedForSecret(await push(r, ['main']), TOKEN);
    expect(remoteHas(r, remote, 'refs/heads/main')).toBe(published);

    r.run(['reset', '-q', '--hard', published]);
    const clean = r.commit('configure', { 'src/config.ts': 'export const token = process.env.TOKEN;\n' });
    const res = await push(r, ['main']);
    expect(res.out).not.toMatch(/secrets-not-in-history/);
    expect(res.code).toBe(0);
    expect(remoteHas(r, remote, 'refs/heads/main')).toBe(clean);
  });

  test('an AWS key pair and a private key block in a new branch: refused; a push of the clean branch goes through', async () => {
    const { r, remote } = await setup(hook);
    r.run(['checkout', '-q', '-b', 'topic']);
    r.commit('deploy', {
      'deploy/aws.env': `AWS_ACCESS_KEY_ID=${AWS.id}\nAWS_SECRET_ACCESS_KEY=${AWS.secret}\n`,
      'deploy/id_rsa': OWN_KEY,
    });
    const res = await push(r, ['topic']);
    refusedForSecret(res, AWS.secret);
    expect(res.out).toMatch(/deploy\/id_rsa/);
    expect(remoteHas(r, remote, 'refs/heads/topic')).toBe('');

    r.run(['checkout', '-q', '-B', 'topic', 'main']);
    const clean = r.commit('deploy', { 'deploy/aws.env': 'AWS_PROFILE=deploy\n' });
    expect((await push(r, ['topic'])).code).toBe(0);
    expect(remoteHas(r, remote, 'refs/heads/topic')).toBe(clean);
  });

  test('a token only in history the remote already has: the push of new commits on it goes through', async () => {
    const { r, remote } = await setup(hook, (c) => c.commit('old leak', { 'old.env': `TOKEN=${TOKEN}\n` }));
    expect(r.run(['log', '-p', 'main'])).toContain(TOKEN); // in the history, published before the hook
    const next = r.commit('work', { 'a.txt': 'a\n' });
    r.run(['checkout', '-q', '-b', 'feature']);
    const feature = r.commit('feature', { 'b.txt': 'b\n' });
    const res = await push(r, ['main', 'feature']);
    expect(res.out).not.toMatch(/secrets-not-in-history/);
    expect(res.code).toBe(0);
    expect(remoteHas(r, remote, 'refs/heads/main')).toBe(next);
    expect(remoteHas(r, remote, 'refs/heads/feature')).toBe(feature);
  });

  test('a token in an annotated tag pushed with --follow-tags: refused; the same tag without it goes through', async () => {
    const { r, remote } = await setup(hook);
    const published = r.head();
    r.commit('release', { 'a.txt': '1\n' });
    r.run(['tag', '-a', '-m', `release 1\n\ndeploy with ${TOKEN}`, 'v1']);
    expect(r.run(['cat-file', 'tag', 'v1'])).toContain(TOKEN); // git's answer: the tag object holds it
    refusedForSecret(await push(r, ['--follow-tags', 'main']), TOKEN);
    expect(remoteHas(r, remote, 'refs/tags/v1')).toBe('');
    expect(remoteHas(r, remote, 'refs/heads/main')).toBe(published);

    r.run(['tag', '-f', '-a', '-m', 'release 1', 'v1']);
    const res = await push(r, ['--follow-tags', 'main']);
    expect(res.code).toBe(0);
    expect(remoteHas(r, remote, 'refs/tags/v1')).toBe(r.run(['rev-parse', 'v1']));
  });

  test('a token in an annotated tag of a commit the remote has (no new commit): refused; its twin goes through', async () => {
    const { r, remote } = await setup(hook);
    r.run(['tag', '-a', '-m', `token ${TOKEN}`, 'v1']);
    refusedForSecret(await push(r, ['v1']), TOKEN);
    expect(remoteHas(r, remote, 'refs/tags/v1')).toBe('');
    r.run(['tag', '-a', '-m', 'the first release', 'v2']);
    expect((await push(r, ['v2'])).code).toBe(0);
    expect(remoteHas(r, remote, 'refs/tags/v2')).toBe(r.run(['rev-parse', 'v2']));
  });

  test('a token in a note: refused, the remote gets no notes; a clean note goes through, then a token in the next note is refused', async () => {
    const { r, remote } = await setup(hook);
    r.run(['notes', 'add', '-m', `deployed with ${TOKEN}`, 'HEAD']);
    expect(r.run(['notes', 'show', 'HEAD'])).toContain(TOKEN); // git's answer
    refusedForSecret(await push(r, ['refs/notes/commits']), TOKEN);
    expect(remoteHas(r, remote, 'refs/notes/commits')).toBe('');

    // notes add -f would keep the token's notes commit as its parent (published by the push all the same): start over.
    r.run(['update-ref', '-d', 'refs/notes/commits']);
    r.run(['notes', 'add', '-m', 'deployed by the pipeline', 'HEAD']);
    expect((await push(r, ['refs/notes/commits'])).code).toBe(0);
    const notes = r.run(['rev-parse', 'refs/notes/commits']);
    expect(remoteHas(r, remote, 'refs/notes/commits')).toBe(notes);

    // The next note, on top of what the remote has: only it is this push's doing.
    const work = r.commit('work', { 'a.txt': 'a\n' });
    expect((await push(r, ['main'])).code).toBe(0);
    r.run(['notes', 'add', '-m', `and again ${TOKEN}`, work]);
    refusedForSecret(await push(r, ['refs/notes/commits']), TOKEN);
    expect(remoteHas(r, remote, 'refs/notes/commits')).toBe(notes);
    r.run(['update-ref', 'refs/notes/commits', notes]);
    r.run(['notes', 'add', '-m', 'clean', work]);
    expect((await push(r, ['refs/notes/commits'])).code).toBe(0);
    expect(remoteHas(r, remote, 'refs/notes/commits')).toBe(r.run(['rev-parse', 'refs/notes/commits']));
  });

  test('a token only in a note the remote already has: a new note on top of it goes through', async () => {
    const { r, remote } = await setup(hook, (c) => c.run(['notes', 'add', '-m', `deployed with ${TOKEN}`, 'HEAD']));
    expect(remoteHas(r, remote, 'refs/notes/commits')).toBe(r.run(['rev-parse', 'refs/notes/commits']));
    const work = r.commit('work', { 'a.txt': 'a\n' });
    r.run(['notes', 'add', '-m', 'deployed by the pipeline', work]);
    const res = await push(r, ['main', 'refs/notes/commits']);
    expect(res.out).not.toMatch(/secrets-not-in-history/);
    expect(res.code).toBe(0);
    expect(remoteHas(r, remote, 'refs/notes/commits')).toBe(r.run(['rev-parse', 'refs/notes/commits']));
  });

  test("a token at a path the policy's secrets.allow excuses goes through; the same token elsewhere is refused", async () => {
    const { r, remote } = await setup(hook);
    const published = r.head();
    r.commit('fixture', { 'fixtures/token.txt': `${TOKEN}\n` });
    const res = await push(r, ['main']);
    expect(res.out).not.toMatch(/secrets-not-in-history/);
    expect(res.code).toBe(0);
    expect(remoteHas(r, remote, 'refs/heads/main')).toBe(r.head());

    r.run(['reset', '-q', '--hard', published]);
    r.commit('fixture', { 'src/token.txt': `${TOKEN}\n` });
    refusedForSecret(await push(r, ['-f', 'main']), TOKEN);
  });

  test("a published test key (xmlsec's example key) goes through; a key generated here in its place is refused", async () => {
    const { r, remote } = await setup(hook);
    const published = r.head();
    r.commit('test key', { 'test/rsakey.pem': PUBLISHED_KEY });
    expect((await push(r, ['main'])).code).toBe(0);
    expect(remoteHas(r, remote, 'refs/heads/main')).toBe(r.head());

    r.run(['checkout', '-q', '-b', 'own', published]);
    r.commit('test key', { 'test/rsakey.pem': OWN_KEY });
    const res = await push(r, ['own']);
    refusedForSecret(res, OWN_KEY.split('\n')[1]!);
    expect(res.out).toMatch(/test\/rsakey\.pem/);
    expect(remoteHas(r, remote, 'refs/heads/own')).toBe('');
  });

  test('a token in the name a push gives a ref (sent as it is, printed by ls-remote): refused; another name goes through', async () => {
    const { r, remote } = await setup(hook);
    refusedForSecret(await push(r, [`main:refs/heads/${TOKEN}`]), TOKEN);
    expect(remoteHas(r, remote, `refs/heads/${TOKEN}`)).toBe('');
    expect((await push(r, ['main:refs/heads/release'])).code).toBe(0);
    expect(remoteHas(r, remote, 'refs/heads/release')).toBe(r.head());
  });

  test('deleting a branch that holds a token publishes nothing: it goes through', async () => {
    const { r, remote } = await setup(hook, (c) => {
      c.run(['checkout', '-q', '-b', 'leak']);
      c.commit('leak', { 'x.env': `TOKEN=${TOKEN}\n` });
      c.run(['checkout', '-q', 'main']);
    });
    expect(remoteHas(r, remote, 'refs/heads/leak')).not.toBe('');
    const res = await push(r, [':leak']);
    expect(res.out).not.toMatch(/secrets-not-in-history/);
    expect(res.code).toBe(0);
    expect(remoteHas(r, remote, 'refs/heads/leak')).toBe('');
  });
});

test('the server hook run as the built binary (not the bridge): a token in a pushed commit is refused, its twin accepted', async () => {
  const server = await hookedServer('binary');
  const r = copyRepo(base);
  r.run(['remote', 'add', 'origin', server.dir]);
  r.run(['checkout', '-q', '-b', 'leak']);
  r.commit('configure', { 'src/config.ts': `const t = '${TOKEN}';\n` });
  refusedForSecret(await push(r, ['leak']), TOKEN);
  expect(remoteHas(r, server.dir, 'refs/heads/leak')).toBe('');
  expect((await push(r, ['main'])).code).toBe(0);
  expect(remoteHas(r, server.dir, 'refs/heads/main')).toBe(r.run(['rev-parse', 'main']));
});

test('a server whose history has no policy still refuses a token in a pushed commit (no signatures to enforce, the scan needs none)', async () => {
  const r = makeRepo();
  r.commit('init', { 'README.md': 'hello\n' });
  const remote = join(tempDir(), 'remote.git');
  r.run(['init', '-q', '--bare', remote]);
  r.run(['remote', 'add', 'origin', remote]);
  r.run(['push', '-q', 'origin', 'main']);
  const hook = await runMain(['hook', 'install', '--server', '-C', remote], {
    env: r.env,
    ...(await inProcessHooks()),
  });
  expect(hook.code).toBe(0);
  const published = r.head();
  r.commit('configure', { 'src/config.ts': `export const token = '${TOKEN}';\n` });
  refusedForSecret(await push(r, ['main']), TOKEN);
  expect(remoteHas(r, remote, 'refs/heads/main')).toBe(published);
  r.run(['reset', '-q', '--hard', published]);
  const clean = r.commit('configure', { 'src/config.ts': 'export const token = process.env.TOKEN;\n' });
  expect((await push(r, ['main'])).code).toBe(0);
  expect(remoteHas(r, remote, 'refs/heads/main')).toBe(clean);
});
