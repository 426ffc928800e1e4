// opts102: a keys-only audit (no policy) whose --allowed-signers or --keyring file is tracked in the
// audited checkout. A pusher who adds his own key to that file in the commit he signs with it was
// vouched for by nobody but himself: git (gpg.ssh.allowedSignersFile = the checkout's file) reads
// his signature as good (G), and gitguard passed it. A commit that changes the file is judged by the
// file as its parent had it; the honest twin (a listed signer adds the newcomer, who then signs)
// passes, and a key file outside the repository is read as before.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTemp, makeRepo, tempDir, type TestRepo } from '../helpers/repo.js';
import { commitAsPerson, configureSshSigning, makeSshKey, signerLine } from '../helpers/ssh.js';
import { ruleFindings, runMain } from '../helpers/cli.js';
import { makeGpg } from '../helpers/gpg.js';

afterAll(cleanupTemp);

const FILE = '.github/allowed_signers';
const keys = tempDir();
const maint = makeSshKey(keys, 'ed25519', 'maint');
const pusher = makeSshKey(keys, 'ed25519', 'pusher');

/** Two commits by the maintainer, whose key alone the tracked file lists. */
function repo(): TestRepo {
  const r = makeRepo();
  configureSshSigning(r, maint);
  commitAsPerson(r, maint, 'maint@example.com', 'init', { [FILE]: signerLine('maint@example.com', maint), a: '1\n' });
  commitAsPerson(r, maint, 'maint@example.com', 'two', { b: '2\n' });
  return r;
}

/** git's letter for each commit, read with the checkout's allowed-signers file. */
const gitLetters = (r: TestRepo): string[] =>
  r.run(['-c', `gpg.ssh.allowedSignersFile=${join(r.dir, FILE)}`, 'log', '--format=%G?']).split('\n');

const audit = (r: TestRepo, extra: string[], keyFile = join(r.dir, FILE)) =>
  ruleFindings(r, 'signers-authorized', ['--allowed-signers', keyFile, ...extra], ['--threat', 'impersonation']);

describe('a commit adds its own key to the tracked allowed-signers file', () => {
  test('the pusher signs the commit that lists him: git reads G at the tip, gitguard fails that commit', async () => {
    const r = repo();
    const base = r.head();
    const evil = commitAsPerson(r, pusher, 'pusher@example.com', 'evil', {
      [FILE]: signerLine('maint@example.com', maint) + signerLine('pusher@example.com', pusher),
      evil: 'x\n',
    });
    const later = commitAsPerson(r, pusher, 'pusher@example.com', 'later', { more: 'y\n' });
    expect(gitLetters(r)).toEqual(['G', 'G', 'G', 'G']);
    const full = await audit(r, []);
    expect(full.failed).toEqual([evil]);
    expect(full.code).toBe(1);
    // Only what came after the accepted base: the same.
    expect((await audit(r, ['--base', base])).failed).toEqual([evil]);
    // Named relative to where gitguard runs, and through the checkout's own folder: the same file.
    const rel = await runMain(['audit', '--allowed-signers', FILE, '--rule', 'signers-authorized', '--no-cache'], {
      cwd: r.dir,
      env: r.env,
    });
    expect(rel.code).toBe(1);
    expect(later).toBe(r.head());
  });

  test("a merge that keeps the side branch's file changes its first parent's: judged by that one", async () => {
    const r = repo();
    r.run(['checkout', '-q', '-b', 'side', 'HEAD~1']);
    const side = commitAsPerson(r, pusher, 'pusher@example.com', 'side adds me', {
      [FILE]: signerLine('maint@example.com', maint) + signerLine('pusher@example.com', pusher),
    });
    r.run(['checkout', '-q', 'main']);
    r.run(['-c', `user.signingkey=${pusher.path}`, 'merge', '-q', '--no-ff', '-S', '-m', 'merge', 'side'], {
      env: { GIT_COMMITTER_EMAIL: 'pusher@example.com', GIT_AUTHOR_EMAIL: 'pusher@example.com' },
    });
    const merge = r.head();
    expect(r.run(['rev-parse', 'HEAD^2'])).toBe(side);
    expect((await audit(r, [])).failed.sort()).toEqual([side, merge].sort());
  });

  test('twin: a listed signer adds the newcomer, who signs after: every commit passes', async () => {
    const r = repo();
    commitAsPerson(r, maint, 'maint@example.com', 'add pusher', {
      [FILE]: signerLine('maint@example.com', maint) + signerLine('pusher@example.com', pusher),
    });
    commitAsPerson(r, pusher, 'pusher@example.com', 'work', { w: '1\n' });
    const res = await audit(r, []);
    expect(res.failed).toEqual([]);
    expect(res.code).toBe(0);
  });

  test('twin: the same file copied outside the repository is read as given (the user vouches for it)', async () => {
    const r = repo();
    commitAsPerson(r, pusher, 'pusher@example.com', 'evil', {
      [FILE]: signerLine('maint@example.com', maint) + signerLine('pusher@example.com', pusher),
    });
    const outside = join(tempDir(), 'allowed_signers');
    mkdirSync(join(outside, '..'), { recursive: true });
    copyFileSync(join(r.dir, FILE), outside);
    expect((await audit(r, [], outside)).failed).toEqual([]);
  });
});

test('OpenPGP: a commit that adds its own key to the tracked --keyring file fails; added by a listed signer, it passes', async () => {
  const r = makeRepo();
  const gpg = makeGpg(join(tempDir('gg-'), 'g'));
  const m = gpg.genKey('Maint <maint@example.com>', 'ed25519');
  const p = gpg.genKey('Pusher <pusher@example.com>', 'ed25519');
  gpg.trust(m, p);
  const sign = (fpr: string, email: string, msg: string, files: Record<string, string>): string => {
    r.write(files);
    r.addAllAndRun(
      ['-c', `gpg.program=${gpg.wrapper}`, '-c', `user.signingkey=${fpr}`, 'commit', '-q', '-S', '-m', msg],
      {
        env: {
          ...gpg.env,
          GIT_COMMITTER_EMAIL: email,
          GIT_AUTHOR_EMAIL: email,
          GIT_COMMITTER_NAME: msg,
          GIT_AUTHOR_NAME: msg,
        },
      },
    );
    return r.head();
  };
  const asc = (...f: string[]): string => gpg.run(['--armor', '--export', ...f]).toString();
  sign(m, 'maint@example.com', 'init', { 'keys.asc': asc(m) });
  const base = r.head();
  const evil = sign(p, 'pusher@example.com', 'evil', { 'keys.asc': asc(m, p), e: '1\n' });
  const run = async (extra: string[]): Promise<string[]> =>
    (await ruleFindings(r, 'signers-authorized', ['--keyring', join(r.dir, 'keys.asc'), ...extra])).failed;
  expect(await run([])).toEqual([evil]);
  expect(await run(['--base', base])).toEqual([evil]);
  r.run(['reset', '-q', '--hard', base]);
  sign(m, 'maint@example.com', 'add pusher', { 'keys.asc': asc(m, p) });
  sign(p, 'pusher@example.com', 'work', { w: '1\n' });
  expect(await run([])).toEqual([]);
  gpg.kill();
});

describe('a commit takes its own key off the tracked --revoked-keys list', () => {
  /** Both keys allowed (a file outside the repository); the pusher's key revoked in the checkout's list. */
  function revokedRepo(): { r: TestRepo; signers: string } {
    const signers = join(tempDir(), 'allowed_signers');
    mkdirSync(join(signers, '..'), { recursive: true });
    writeFileSync(signers, signerLine('maint@example.com', maint) + signerLine('pusher@example.com', pusher));
    const r = makeRepo();
    configureSshSigning(r, maint);
    commitAsPerson(r, maint, 'maint@example.com', 'init', { revoked: '# compromised\n' + pusher.pub + '\n' });
    return { r, signers };
  }
  const judged = async (r: TestRepo, signers: string): Promise<string[]> => {
    const flags = ['--allowed-signers', signers, '--revoked-keys', join(r.dir, 'revoked')];
    return (await ruleFindings(r, 'signing-keys-valid', flags)).failed;
  };

  test("git, reading the tip's list, shows G; gitguard keeps the revocation an earlier version made", async () => {
    const { r, signers } = revokedRepo();
    const evil = commitAsPerson(r, pusher, 'pusher@example.com', 'unrevoke me', { revoked: '# none\n' });
    const git = [
      '-c',
      `gpg.ssh.allowedSignersFile=${signers}`,
      '-c',
      `gpg.ssh.revocationFile=${join(r.dir, 'revoked')}`,
    ];
    expect(r.run([...git, 'log', '-1', '--format=%G?'])).toBe('G');
    // The list as it was before the commit: ssh-keygen refuses the revoked key, git prints B.
    writeFileSync(join(r.dir, '..', 'was'), r.run(['show', 'HEAD~1:revoked']) + '\n');
    expect(
      r.run([
        '-c',
        `gpg.ssh.allowedSignersFile=${signers}`,
        '-c',
        `gpg.ssh.revocationFile=${join(r.dir, '..', 'was')}`,
        'log',
        '-1',
        '--format=%G?',
      ]),
    ).toBe('B');
    expect(await judged(r, signers)).toEqual([evil]);
  });

  test('twin: the list stays, the maintainer signs on: nothing is void', async () => {
    const { r, signers } = revokedRepo();
    commitAsPerson(r, maint, 'maint@example.com', 'work', { w: '1\n' });
    expect(await judged(r, signers)).toEqual([]);
  });
});
