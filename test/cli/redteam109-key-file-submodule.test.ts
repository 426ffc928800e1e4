// redteam109 on opts102: a --allowed-signers file inside a submodule of the audited work tree
// (vendor/keys/allowed_signers). A commit of the audited repository changes it by moving the
// submodule (its gitlink), which `git log -- vendor/keys/allowed_signers` never lists, so the
// commit was judged by the checkout's file: the one it brought. git, given the file as the parent's
// submodule commit had it, does not read G. The gitlink is now watched, and the file read from the
// submodule's own store at the parent's gitlink; twin: the maintainer moves it, the pusher signs after.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTemp, makeRepo, tempDir, type TestRepo } from '../helpers/repo.js';
import { commitAsPerson, configureSshSigning, makeSshKey, signerLine } from '../helpers/ssh.js';
import { ruleFindings } from '../helpers/cli.js';

afterAll(cleanupTemp);

const keys = tempDir();
const maint = makeSshKey(keys, 'ed25519', 'maint');
const pusher = makeSshKey(keys, 'ed25519', 'pusher');
const FILE = 'vendor/keys/allowed_signers';

/** The maintainer's superproject with a submodule whose file lists his key. */
function repo(): { r: TestRepo } {
  const keysRepo = makeRepo();
  commitAsPerson(keysRepo, undefined, 'maint@example.com', 'keys', {
    allowed_signers: signerLine('maint@example.com', maint),
  });
  const r = makeRepo();
  configureSshSigning(r, maint);
  commitAsPerson(r, maint, 'maint@example.com', 'init', { a: '1\n' });
  r.run(['-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', keysRepo.dir, 'vendor/keys']);
  commitAsPerson(r, maint, 'maint@example.com', 'keys submodule', {});
  return { r };
}

/** The pusher's key added in the submodule's checkout, committed there (not yet in the superproject). */
function addPusherInSubmodule(r: TestRepo): void {
  r.write({ [FILE]: signerLine('maint@example.com', maint) + signerLine('pusher@example.com', pusher) });
  r.run(
    ['-C', join(r.dir, 'vendor/keys'), '-c', 'user.email=p@example.com', '-c', 'user.name=p'].concat([
      'commit',
      '-qam',
      'add me',
      '--no-gpg-sign',
    ]),
  );
}

async function audit(r: TestRepo): Promise<string[]> {
  return (await ruleFindings(r, 'signers-authorized', ['--allowed-signers', join(r.dir, FILE)])).failed;
}

test('the pusher moves the submodule to a commit listing him and signs: judged by the file before', async () => {
  const { r } = repo();
  addPusherInSubmodule(r);
  const evil = commitAsPerson(r, pusher, 'pusher@example.com', 'bump keys', {});
  expect(r.run(['-c', `gpg.ssh.allowedSignersFile=${join(r.dir, FILE)}`, 'log', '-1', '--format=%G?'])).toBe('G');
  const was = join(tempDir(), 'was');
  writeFileSync(was, signerLine('maint@example.com', maint));
  expect(r.run(['-c', `gpg.ssh.allowedSignersFile=${was}`, 'log', '-1', '--format=%G?'])).not.toBe('G');
  expect(await audit(r)).toEqual([evil]);
});

test('twin: the maintainer moves the submodule to the commit listing the pusher, who signs after: all pass', async () => {
  const { r } = repo();
  addPusherInSubmodule(r);
  commitAsPerson(r, maint, 'maint@example.com', 'bump keys', {});
  commitAsPerson(r, pusher, 'pusher@example.com', 'work', { w: '1\n' });
  expect(await audit(r)).toEqual([]);
});

describe('a --revoked-keys list inside the submodule', () => {
  /** Both keys allowed from outside; the submodule's list revokes the pusher's. */
  function revokedRepo(): { r: TestRepo; judged: () => Promise<string[]> } {
    const signers = join(tempDir(), 'allowed_signers');
    writeFileSync(signers, signerLine('maint@example.com', maint) + signerLine('pusher@example.com', pusher));
    const list = makeRepo();
    commitAsPerson(list, undefined, 'maint@example.com', 'list', { revoked: '# compromised\n' + pusher.pub + '\n' });
    const r = makeRepo();
    configureSshSigning(r, maint);
    commitAsPerson(r, maint, 'maint@example.com', 'init', { a: '1\n' });
    r.run(['-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', list.dir, 'vendor/keys']);
    commitAsPerson(r, maint, 'maint@example.com', 'revocations submodule', {});
    const flags = ['--allowed-signers', signers, '--revoked-keys', join(r.dir, 'vendor/keys/revoked')];
    const judged = async (): Promise<string[]> => (await ruleFindings(r, 'signing-keys-valid', flags)).failed;
    return { r, judged };
  }

  test('the pusher moves the submodule to a list without his key and signs: the revocation stays', async () => {
    const { r, judged } = revokedRepo();
    r.write({ 'vendor/keys/revoked': '# none\n' });
    r.run(
      ['-C', join(r.dir, 'vendor/keys'), '-c', 'user.email=p@example.com', '-c', 'user.name=p'].concat([
        'commit',
        '-qam',
        'unrevoke',
        '--no-gpg-sign',
      ]),
    );
    const evil = commitAsPerson(r, pusher, 'pusher@example.com', 'bump list', {});
    expect(await judged()).toEqual([evil]);
  });

  test('twin: the list stays, the maintainer signs on: nothing is void', async () => {
    const { r, judged } = revokedRepo();
    commitAsPerson(r, maint, 'maint@example.com', 'work', { w: '1\n' });
    expect(await judged()).toEqual([]);
  });
});
