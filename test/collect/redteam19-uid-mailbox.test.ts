// Red-team round 19: the e-mail address an OpenPGP user ID speaks for is the one gpg reads in it
// (mbox-util.c mailbox_from_userid: the FIRST "<" to the first ">" after it, checked; a user ID
// without "<" only when it is an address as a whole). gitguard took openpgp.js's reading (the first
// "<" to the LAST ">") and, failing that, the first "<...@...>" anywhere: the user ID
// `"Mallory <x>" <alice@example.com>` spoke for alice, where gpg finds no address in it, so with
// `--keyring` Mallory's key made her commits as alice authorized (signer-matches-committer passed).
// The other way, `Mallory <alice@example.com>>` is alice's to gpg and was `alice@example.com>` here.
// Each user ID below is compared with gpg's own answer (its `mbox` filter property).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadKeyring } from '../../src/collect/signatures/openpgp.js';
import { makeGpg, type Gpg } from '../helpers/gpg.js';
import { cleanupTemp, makeRepo, tempDir } from '../helpers/repo.js';
import { parseJson, resultOf, runMain } from '../helpers/cli.js';

let gpg: Gpg;
beforeAll(() => {
  gpg = makeGpg(tempDir('gg-rt19u-'));
});
afterAll(() => {
  gpg.kill();
  cleanupTemp();
});

/** One key per user ID, made once. */
const made = new Map<string, string>();
function keyFor(uid: string): string {
  let fpr = made.get(uid);
  if (!fpr) made.set(uid, (fpr = gpg.genKey(uid, 'ed25519')));
  return fpr;
}

const CANDIDATES = ['alice@example.com', 'bob@example.com', 'mallory@evil.com', 'x', '<a@b', 'alice@example.com>'];

/** The addresses gpg reads in the key's user IDs, among the candidates (and `also`). */
function gpgMailboxes(key: Buffer, also: string[]): string[] {
  const out: string[] = [];
  for (const c of new Set([...CANDIDATES, ...also])) {
    const listing = gpg
      .run(['--with-colons', '--import-options', 'show-only', '--import-filter', `keep-uid=mbox = ${c}`, '--import'], {
        input: key,
      })
      .toString();
    if (/^uid:/m.test(listing)) out.push(c);
  }
  return out.sort();
}

async function ourMailboxes(key: Buffer, fpr: string): Promise<string[]> {
  const keyring = await loadKeyring([{ file: 'k.gpg', data: key }]);
  return [...(await keyring.identities(fpr))].sort();
}

const USER_IDS: Array<[string, string[]]> = [
  ['"Mallory <x>" <alice@example.com>', []], // the first "<" decides: "x", no address
  ['Al<ice <alice@example.com>', []],
  ['Mallory <alice@example.com>>', ['alice@example.com']],
  ['Mallory <bob@example.com> <alice@example.com>', ['bob@example.com']],
  ['M (<alice@example.com>) <bob@example.com>', ['alice@example.com']],
  ['M <alice@example.com.>', []],
  ['M <ALICE@Example.COM>', ['alice@example.com']],
  ['alice@example.com', ['alice@example.com']],
  ['Mallory <mallory@evil.com>', ['mallory@evil.com']],
  // No closing ">": gpg 2.2.40 reads no address (its mbox property, `--locate-keys` and the exact search
  // `<alice@example.com>` all pass it by; only a substring search finds it), so neither does gitguard.
  ['<alice@example.com', []],
  ['Alice <alice@example.com', []],
  ['Alice <alice@example.com (work)', []],
  ['Alice <alice@example.com> (work)', ['alice@example.com']],
  ['Alice <alice@example.com> x <bob@example.com', ['alice@example.com']],
  ['Alice < alice@example.com>', []],
  ['Alice <alice@example.com >', []],
];

test.each(USER_IDS)('user ID %j speaks for %j, as gpg reads it', async (uid, expected) => {
  const fpr = keyFor(uid);
  const key = gpg.exportPublic(fpr);
  const ours = await ourMailboxes(key, fpr);
  expect(gpgMailboxes(key, ours)).toEqual(expected);
  expect(ours).toEqual(expected);
});

describe('with --keyring: Mallory committing as alice', () => {
  async function signedAsAlice(uid: string): Promise<{ code: number; matches: string; gitLetter: string }> {
    const fpr = keyFor(uid);
    const keyring = join(tempDir('gg-rt19k-'), 'keys.asc');
    writeFileSync(keyring, gpg.exportPublic(fpr));
    const r = makeRepo();
    r.config({ 'user.signingkey': fpr, 'gpg.program': 'gpg' });
    r.commit('base', { 'a.txt': 'a\n' }, ['--no-gpg-sign']);
    r.write({ 'b.txt': 'b\n' });
    const env = { ...r.env, GNUPGHOME: gpg.home, GIT_COMMITTER_EMAIL: 'alice@example.com' };
    r.addAllAndRun(['commit', '-q', '-S', '-m', 'work'], { env });
    const gitLetter = r.run(['log', '-1', '--format=%G?'], { env });
    const res = await runMain(
      ['audit', '-C', r.dir, '--format', 'json', '--no-cache', '--keyring', keyring, '-r', 'signer-matches-committer'],
      { env: r.env },
    );
    return { code: res.code, matches: resultOf(parseJson(res), 'signer-matches-committer').outcome, gitLetter };
  }

  test('her key\'s user ID `"Mallory <x>" <alice@example.com>` holds no address for gpg: fails (before: pass)', async () => {
    const got = await signedAsAlice('"Mallory <x>" <alice@example.com>');
    expect(['G', 'U']).toContain(got.gitLetter);
    expect(got).toMatchObject({ code: 1, matches: 'fail' });
  });

  test('twin: `Mallory <alice@example.com>>` is alice to gpg: passes (before: a false failure)', async () => {
    const got = await signedAsAlice('Mallory <alice@example.com>>');
    expect(got).toMatchObject({ code: 0, matches: 'pass' });
  });
});
