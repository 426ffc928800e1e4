// redteam109 on opts102: a --allowed-signers file tracked in the audited checkout is judged, for a
// commit that changes it, as the commit's parent had it. A commit whose parents hold no such file
// (a branch forked before the file existed, or an unrelated root) was judged by the checkout's
// file, the one it wrote itself: audited against an accepted --base that holds the file, the
// pusher's own key vouched for his commit. git, given the base's file (the version the audit
// accepts), does not read G; the checkout's file reads G. Such a commit is now judged by the base's
// file; twins: a listed signer's commit on the old branch, and a first file with no base, pass.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTemp, makeRepo, tempDir, type TestRepo } from '../helpers/repo.js';
import { commitAsPerson, configureSshSigning, makeSshKey, signerLine } from '../helpers/ssh.js';
import { ruleFindings } from '../helpers/cli.js';

afterAll(cleanupTemp);

const FILE = '.github/allowed_signers';
const keys = tempDir();
const maint = makeSshKey(keys, 'ed25519', 'maint');
const pusher = makeSshKey(keys, 'ed25519', 'pusher');
const both = signerLine('maint@example.com', maint) + signerLine('pusher@example.com', pusher);

/** main: a commit before the file, the maintainer's file (his key alone), one more commit. */
function repo(): { r: TestRepo; before: string; main: string } {
  const r = makeRepo();
  configureSshSigning(r, maint);
  const before = commitAsPerson(r, maint, 'maint@example.com', 'init', { a: '1\n' });
  commitAsPerson(r, maint, 'maint@example.com', 'keys', { [FILE]: signerLine('maint@example.com', maint) });
  const main = commitAsPerson(r, maint, 'maint@example.com', 'two', { b: '2\n' });
  return { r, before, main };
}

/** git's letter for HEAD with this allowed-signers file. */
function gitLetter(r: TestRepo, signers: string): string {
  return r.run(['-c', `gpg.ssh.allowedSignersFile=${signers}`, 'log', '-1', '--format=%G?']);
}

/** The maintainer's file as `rev` has it, written outside the repository (git's reference). */
function fileAt(r: TestRepo, rev: string): string {
  const out = join(tempDir(), 'allowed_signers');
  writeFileSync(out, r.run(['show', `${rev}:${FILE}`]) + '\n');
  return out;
}

const audit = (r: TestRepo, extra: string[]) =>
  ruleFindings(r, 'signers-authorized', ['--allowed-signers', join(r.dir, FILE), ...extra]);

describe('a commit whose parents hold no key file writes one listing the pusher', () => {
  test('a branch forked before the file existed, audited against the base: judged by the base file', async () => {
    const { r, before, main } = repo();
    r.run(['checkout', '-q', '-b', 'evil', before]);
    const evil = commitAsPerson(r, pusher, 'pusher@example.com', 'add me', { [FILE]: both, x: '1\n' });
    expect(gitLetter(r, join(r.dir, FILE))).toBe('G');
    expect(gitLetter(r, fileAt(r, main))).not.toBe('G');
    const res = await audit(r, ['--base', main]);
    expect(res.failed).toEqual([evil]);
    expect(res.code).toBe(1);
  });

  test('an unrelated root commit, audited against the base: judged by the base file', async () => {
    const { r, main } = repo();
    r.run(['checkout', '-q', '--orphan', 'evil']);
    r.run(['rm', '-rq', '--cached', '.']);
    const evil = commitAsPerson(r, pusher, 'pusher@example.com', 'root', { [FILE]: both });
    expect(r.run(['rev-list', '--parents', '-1', 'HEAD'])).toBe(evil);
    expect(gitLetter(r, join(r.dir, FILE))).toBe('G');
    expect(gitLetter(r, fileAt(r, main))).not.toBe('G');
    expect((await audit(r, ['--base', main])).failed).toEqual([evil]);
  });

  test('the file deleted by a listed signer, then written back by the pusher: judged by the base file', async () => {
    const { r, main } = repo();
    r.run(['rm', '-q', FILE]);
    commitAsPerson(r, maint, 'maint@example.com', 'drop keys', {});
    const evil = commitAsPerson(r, pusher, 'pusher@example.com', 'add me', { [FILE]: both });
    expect(gitLetter(r, join(r.dir, FILE))).toBe('G');
    expect((await audit(r, ['--base', main])).failed).toEqual([evil]);
  });

  test('twin: on the old branch the maintainer writes the same file and signs: every commit passes', async () => {
    const { r, before, main } = repo();
    r.run(['checkout', '-q', '-b', 'late', before]);
    commitAsPerson(r, maint, 'maint@example.com', 'work', { w: '1\n' });
    commitAsPerson(r, maint, 'maint@example.com', 'keys too', { [FILE]: signerLine('maint@example.com', maint) });
    expect(gitLetter(r, fileAt(r, main))).toBe('G');
    const res = await audit(r, ['--base', main]);
    expect(res.failed).toEqual([]);
    expect(res.code).toBe(0);
  });

  test('twin: with no base, the first file in history is read as the checkout has it (pusher listed by it)', async () => {
    const { r, before } = repo();
    r.run(['checkout', '-q', '-b', 'own', before]);
    commitAsPerson(r, maint, 'maint@example.com', 'keys', { [FILE]: both });
    commitAsPerson(r, pusher, 'pusher@example.com', 'work', { w: '1\n' });
    expect((await audit(r, [])).failed).toEqual([]);
  });
});
