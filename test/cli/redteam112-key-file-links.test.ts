// redteam112 on checkout-keys: a --allowed-signers or --revoked-keys file named through a symbolic
// link of the work tree (`keys/allowed`, `keys` a committed link to `trusted/`) was watched at its
// typed path, which git's trees do not resolve (`<commit>:keys/allowed` names nothing), and at the
// path the tip's link leads to. A commit that points the link at a folder of its own writes a file
// no parent holds there: judged as read, by the keys it wrote itself (with or without --base), and
// a list of revocations behind a moved link lost every version the old target held. A commit that
// moves a link on the way to a key file now vouches for no one, and a revocation list behind a link
// that moves in the audited history cannot be judged; twins: the link kept, the file behind it
// changed by a listed signer, passes.
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTemp, makeRepo, tempDir, type TestRepo } from '../helpers/repo.js';
import { commitAsPerson, configureSshSigning, makeSshKey, signerLine } from '../helpers/ssh.js';
import { parseJson, resultOf, runMain } from '../helpers/cli.js';

afterAll(cleanupTemp);

const keys = tempDir();
const maint = makeSshKey(keys, 'ed25519', 'maint');
const pusher = makeSshKey(keys, 'ed25519', 'pusher');
const both = signerLine('maint@example.com', maint) + signerLine('pusher@example.com', pusher);

/** Points the committed link `at` to `target` in the work tree (staged by the next commit). */
function relink(r: TestRepo, at: string, target: string): void {
  rmSync(join(r.dir, at), { force: true });
  symlinkSync(target, join(r.dir, at));
}

/**
 * main: trusted/allowed (the maintainer alone) behind the link keys -> trusted, via -> keys (a link
 * to a link), lists/revoked (the pusher's key) behind revs -> lists. Branches: `moved` (the pusher
 * points keys at evil/, listing himself), `unrevoke` (the pusher points revs at a list without his
 * key), `honest` (the maintainer lists the pusher in trusted/allowed; the pusher commits).
 */
let r: TestRepo;
let main: string;
let moved: string;
let unrevoke: string;
beforeAll(() => {
  r = makeRepo();
  configureSshSigning(r, maint);
  mkdirSync(join(r.dir, 'trusted'));
  mkdirSync(join(r.dir, 'lists'));
  symlinkSync('trusted', join(r.dir, 'keys'));
  symlinkSync('keys', join(r.dir, 'via'));
  symlinkSync('lists', join(r.dir, 'revs'));
  main = commitAsPerson(r, maint, 'maint@example.com', 'keys', {
    'trusted/allowed': signerLine('maint@example.com', maint),
    'lists/revoked': pusher.pub + '\n',
  });
  r.run(['checkout', '-q', '-b', 'moved']);
  relink(r, 'keys', 'evil');
  moved = commitAsPerson(r, pusher, 'pusher@example.com', 'keys: mine', { 'evil/allowed': both });
  r.run(['checkout', '-q', '-b', 'unrevoke', main]);
  relink(r, 'revs', 'none');
  unrevoke = commitAsPerson(r, pusher, 'pusher@example.com', 'lists: none', { 'none/revoked': '# none\n' });
  r.run(['checkout', '-q', '-b', 'honest', main]);
  commitAsPerson(r, maint, 'maint@example.com', 'add pusher', { 'trusted/allowed': both });
  commitAsPerson(r, pusher, 'pusher@example.com', 'work', { w: '1\n' });
});

async function audit(
  branch: string,
  rule: string,
  flags: string[],
): Promise<{ code: number; failed: string[]; err: string }> {
  r.run(['checkout', '-q', branch]);
  const res = await runMain(['audit', '-C', r.dir, '-r', rule, '--format', 'json', '--no-cache'].concat(flags), {
    env: r.env,
  });
  const failed = res.code === 2 ? [] : resultOf(parseJson(res), rule).findings.map((f) => f.commit ?? '');
  return { code: res.code, failed, err: res.stderr };
}

/** git's letter for HEAD with this allowed-signers file and revocation list. */
const gitLetter = (signers: string, revoked?: string): string =>
  r.run(
    ['-c', `gpg.ssh.allowedSignersFile=${signers}`]
      .concat(revoked ? ['-c', `gpg.ssh.revocationFile=${revoked}`] : [])
      .concat(['log', '-1', '--format=%G?']),
  );

describe('a commit moves a link on the way to a key file', () => {
  test('keys -> evil/ listing the pusher: his commit is not vouched for by the file it wrote', async () => {
    r.run(['checkout', '-q', 'moved']);
    expect(gitLetter(join(r.dir, 'keys/allowed'))).toBe('G');
    const was = join(tempDir(), 'allowed');
    writeFileSync(was, r.run(['show', `${main}:trusted/allowed`]) + '\n');
    expect(gitLetter(was)).not.toBe('G');
    for (const extra of [[], ['--base', main]]) {
      const res = await audit('moved', 'signers-authorized', [
        '--allowed-signers',
        join(r.dir, 'keys/allowed'),
        ...extra,
      ]);
      expect(res.failed).toEqual([moved]);
      expect(res.code).toBe(1);
    }
  });

  test('named through a link to that link (via -> keys -> evil): the same', async () => {
    const res = await audit('moved', 'signers-authorized', ['--allowed-signers', join(r.dir, 'via/allowed')]);
    expect(res.failed).toEqual([moved]);
  });

  test('revs -> none/: the revocation the old list held cannot be dropped by moving the link', async () => {
    r.run(['checkout', '-q', 'unrevoke']);
    const signers = join(tempDir(), 'allowed_signers');
    writeFileSync(signers, both);
    expect(gitLetter(signers, join(r.dir, 'revs/revoked'))).toBe('G');
    expect(gitLetter(signers, join(r.dir, 'lists/revoked'))).not.toBe('G');
    const res = await audit('unrevoke', 'signing-keys-valid', [
      '--allowed-signers',
      signers,
      '--revoked-keys',
      join(r.dir, 'revs/revoked'),
    ]);
    expect(res.code).toBe(2);
    expect(res.err).toContain('cannot judge revocations');
    expect(unrevoke).toMatch(/^[0-9a-f]{40}$/);
  });

  test('twin: the link kept, the maintainer lists the pusher behind it; a revocation list never moved', async () => {
    const signers = await audit('honest', 'signers-authorized', ['--allowed-signers', join(r.dir, 'via/allowed')]);
    expect(signers.failed).toEqual([]);
    expect(signers.code).toBe(0);
    const revoked = await audit(main, 'signing-keys-valid', [
      '--allowed-signers',
      join(r.dir, 'keys/allowed'),
      '--revoked-keys',
      join(r.dir, 'revs/revoked'),
    ]);
    expect(revoked.code).toBe(0);
  });
});
