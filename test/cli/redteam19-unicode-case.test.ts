// Red-team round 19: e-mail addresses compared "without regard to case" means ASCII case, as gpg
// (ascii_strlwr) and OpenSSH (tolower in the C locale) fold it. gitguard folded with JavaScript's
// toLowerCase, which maps the KELVIN SIGN U+212A to an ASCII "k": Mallory's key with the user ID
// `Mallory <\u212Aate@example.com>`, or her SSH key on the principal `\u212Aate@example.com` (both
// shown as "Kate@example.com"), spoke for kate@example.com, whom neither gpg nor ssh-keygen -I
// finds there. Clean twins: `Kate@Example.COM` in ASCII is kate.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeGpg, type Gpg } from '../helpers/gpg.js';
import { cleanupTemp, makeRepo, tempDir, type TestRepo } from '../helpers/repo.js';
import { commitAsPerson, makeSshKey, writeAllowedSigners } from '../helpers/ssh.js';
import { parseJson, resultOf, runMain } from '../helpers/cli.js';

const KELVIN = '\u212a';

let gpg: Gpg;
beforeAll(() => {
  gpg = makeGpg(tempDir('gg-rt19c-'));
});
afterAll(() => {
  gpg.kill();
  cleanupTemp();
});

async function matches(r: TestRepo, keyArgs: string[]): Promise<{ code: number; outcome: string }> {
  const res = await runMain(
    ['audit', '-C', r.dir, '--format', 'json', '--no-cache', ...keyArgs, '-r', 'signer-matches-committer'],
    { env: r.env },
  );
  return { code: res.code, outcome: resultOf(parseJson(res), 'signer-matches-committer').outcome };
}

describe('an OpenPGP user ID (--keyring)', () => {
  async function mallorySignsAsKate(uid: string): Promise<{ code: number; outcome: string }> {
    // --utf8-strings: the helper's gpg runs in the C locale, which would read the user ID as Latin-1.
    const status = gpg.run(['--utf8-strings', '--status-fd', '1', '--quick-gen-key', uid, 'ed25519', 'sign', 'never']);
    const fpr = /KEY_CREATED P ([0-9A-F]+)/.exec(status.toString())![1]!;
    const keyring = join(tempDir('gg-rt19c-'), 'k.asc');
    writeFileSync(keyring, gpg.exportPublic(fpr));
    const r = makeRepo();
    r.config({ 'user.signingkey': fpr, 'gpg.program': 'gpg' });
    r.commit('base', { 'a.txt': 'a\n' }, ['--no-gpg-sign']);
    r.write({ 'b.txt': 'b\n' });
    r.addAllAndRun(['commit', '-q', '-S', '-m', 'work'], {
      env: { GNUPGHOME: gpg.home, GIT_COMMITTER_EMAIL: 'kate@example.com' },
    });
    return matches(r, ['--keyring', keyring]);
  }

  test(`Mallory <${KELVIN}ate@example.com> is not kate@example.com: fails (before: pass)`, async () => {
    expect(await mallorySignsAsKate(`Mallory <${KELVIN}ate@example.com>`)).toEqual({ code: 1, outcome: 'fail' });
    // gpg's own reading: no user ID of the key has the address kate@example.com.
    const keys = gpg.run(['--export']);
    const kept = (mbox: string): boolean =>
      /^uid:/m.test(
        gpg
          .run(
            [
              '--with-colons',
              '--import-options',
              'show-only',
              '--import-filter',
              `keep-uid=mbox = ${mbox}`,
              '--import',
            ],
            {
              input: keys,
            },
          )
          .toString(),
      );
    expect(kept('kate@example.com')).toBe(false);
  });

  test('twin: Mallory <Kate@Example.COM> is kate@example.com: passes', async () => {
    expect(await mallorySignsAsKate('Mallory <Kate@Example.COM>')).toEqual({ code: 0, outcome: 'pass' });
  });
});

describe('an SSH principal (--allowed-signers)', () => {
  async function mallorySignsAsKate(principal: string): Promise<{ code: number; outcome: string }> {
    const dir = tempDir('gg-rt19c-');
    const mallory = makeSshKey(dir, 'ed25519', 'mallory');
    const signers = writeAllowedSigners(join(dir, 'allowed'), [`${principal} ${mallory.pub}`]);
    const r = makeRepo();
    r.config({ 'gpg.format': 'ssh' });
    r.commit('base', { 'a.txt': 'a\n' }, ['--no-gpg-sign']);
    commitAsPerson(r, mallory, 'kate@example.com', 'work', { 'b.txt': 'b\n' });
    return matches(r, ['--allowed-signers', signers]);
  }

  test(`the principal ${KELVIN}ate@example.com is not kate@example.com: fails (before: pass)`, async () => {
    expect(await mallorySignsAsKate(`${KELVIN}ate@example.com`)).toEqual({ code: 1, outcome: 'fail' });
  });

  test('twin: the principal Kate@Example.COM is kate@example.com: passes', async () => {
    expect(await mallorySignsAsKate('Kate@Example.COM')).toEqual({ code: 0, outcome: 'pass' });
  });
});
