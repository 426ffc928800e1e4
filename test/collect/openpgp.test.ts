// OpenPGP verification in-process, checked against what real git + real gpg say (`%G?`), commit by
// commit, for every signature state we can make; plus real published keys and signed objects.
import { userIdAddress } from '../../src/collect/signatures/openpgp-key-facts.js';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as openpgp from 'openpgp';
import { loadKeyring } from '../../src/collect/signatures/openpgp.js';
import type { OpenPgpVerdict } from '../../src/domain/signature.js';
import type { Keyring } from '../../src/domain/keys.js';
import { makeRepo, cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { makeGpg, commitSignature, REVOKE, type Gpg } from '../helpers/gpg.js';
import { fixtureKey } from '../helpers/gpg-key-fixture.js';

const FIX = join(process.cwd(), 'test/fixtures/openpgp');
const DAY = 86400;
const NOW = Math.floor(Date.now() / 1000);
const KEYS_AT = NOW - 30 * DAY; // every test key is made (faked) 30 days ago
const SIGNED_AT = NOW - 20 * DAY; // and commits are signed 20 days ago, unless a case says otherwise

afterAll(cleanupTemp);

/** What git says about a commit, from a shell where gpg trusts the test keys. */
// rev-list --no-walk: needs no tree or parent objects (git show -s diffs merges, and fails without them).
function gitLetter(repo: TestRepo, oid: string): string {
  return repo.run(['rev-list', '--no-walk', '--format=%G?', oid]).split('\n')[1]!;
}

/** The exact bytes of a commit object (repo.run trims its output). */
function rawCommit(repo: TestRepo, oid: string): Buffer {
  return execFileSync('git', ['cat-file', 'commit', oid], { cwd: repo.dir, env: repo.env });
}

/** Writes a commit object made of the given raw text; returns its id. */
function writeCommit(repo: TestRepo, raw: string | Buffer): string {
  return repo.run(['hash-object', '-t', 'commit', '-w', '--stdin'], { input: raw });
}

/** Replaces the gpgsig header of a raw commit with another armored signature. */
function withSignature(raw: string, armored: string): string {
  const without = raw.replace(/^gpgsig [^\n]*\n(?: [^\n]*\n)*/m, '');
  const header = 'gpgsig ' + armored.trimEnd().split('\n').join('\n ') + '\n';
  return without.replace(/^(committer [^\n]*\n)/m, `$1${header}`);
}

describe('differential against git %G? with real gpg', () => {
  let repo: TestRepo;
  let gpg: Gpg;
  let keyring: Keyring;
  const k: Record<string, string> = {};
  const c: Record<string, string> = {};

  /** Commits with git -S; `at` is the time gpg believes it is when signing. */
  function signedCommit(
    name: string,
    key: string,
    opts: { at?: number; gpgArgs?: string; env?: NodeJS.ProcessEnv } = {},
  ): string {
    const at = opts.at ?? SIGNED_AT;
    repo.run(['-c', `user.signingkey=${key}`, 'commit', '-q', '--allow-empty', '-S', '-m', name], {
      env: { GG_GPG_ARGS: `--faked-system-time ${at}! ${opts.gpgArgs ?? ''}`, ...opts.env },
    });
    return repo.head();
  }

  async function ours(oid: string, kr: Keyring = keyring): Promise<OpenPgpVerdict> {
    const { payload, signature } = commitSignature(oid, rawCommit(repo, oid));
    if (!signature) return { letter: 'N', format: 'none', identities: [] };
    return kr.verify(payload, signature);
  }

  beforeAll(async () => {
    repo = makeRepo();
    gpg = makeGpg(repo.env.GNUPGHOME!, repo.env);
    repo.run(['config', 'gpg.program', gpg.wrapper]);
    const at = KEYS_AT;
    // A fixture key made once by gpg and imported (gpg-key-fixture.ts): an RSA-2048 key costs gpg about a
    // second of CPU. Made at 2024-01-01, before every signature here, as KEYS_AT is.
    k.rsa = fixtureKey(gpg, {
      name: 'openpgp-rita-rsa',
      uid: 'Rita RSA <Rita@Example.com>',
      algo: 'rsa2048',
      at: 1704067200,
    });
    k.ed = gpg.genKey('Ed Edwards <ed@example.com>', 'ed25519', { at });
    k.ec = gpg.genKey('Nina NIST <nina@example.com>', 'nistp256', { at });
    k.primary = gpg.genKey('Sam Subkey <sam@example.com>', 'ed25519', { usage: 'cert', at });
    k.sub = gpg.addSubkey(k.primary, 'ed25519', { usage: 'sign', at });
    k.subExp = gpg.addSubkey(k.primary, 'ed25519', { usage: 'sign', expire: '15d', at: at + 60 });
    k.stranger = gpg.genKey('Stranger <stranger@example.com>', 'ed25519', { at });
    k.exp = gpg.genKey('Exp Ired <exp@example.com>', 'ed25519', { expire: '15d', at }); // expires NOW-15d
    k.setExp = gpg.genKey('Set Expire <setexp@example.com>', 'ed25519', { at });
    k.soft = gpg.genKey('Soft Revoked <soft@example.com>', 'ed25519', { at });
    k.hard = gpg.genKey('Hard Revoked <hard@example.com>', 'ed25519', { at });
    k.noReason = gpg.genKey('No Reason <noreason@example.com>', 'ed25519', { at });
    gpg.trust(k.rsa, k.ed, k.ec, k.primary, k.stranger, k.exp, k.setExp, k.soft, k.hard, k.noReason);

    c.rsa = signedCommit('good rsa', k.rsa);
    c.ed = signedCommit('good ed25519', k.ed);
    c.ec = signedCommit('good ecdsa p-256', k.ec);
    c.sub = signedCommit('good by subkey', `${k.sub}!`);
    c.subExp = signedCommit('by a subkey that expired since', `${k.subExp}!`);
    c.stranger = signedCommit('unknown key', k.stranger);
    c.exp = signedCommit('key expired since', k.exp);
    c.setExp = signedCommit('key given an expiry since', k.setExp);
    c.sigExp = signedCommit('signature expired', k.ed, { gpgArgs: '--default-sig-expire 1d' });
    c.soft = signedCommit('key revoked since (superseded)', k.soft);
    c.hard = signedCommit('key revoked since (compromised)', k.hard);
    c.noReason = signedCommit('key revoked since (no reason)', k.noReason);
    c.impostor = signedCommit('signed by ed, committed as bob', k.ed, {
      env: { GIT_COMMITTER_NAME: 'Bob', GIT_COMMITTER_EMAIL: 'bob@example.com' },
    });
    c.beforeKey = signedCommit('signed before the key existed', k.ed, {
      at: KEYS_AT - DAY,
      gpgArgs: '--ignore-time-conflict',
    });
    c.future = signedCommit('signed in the future', k.ed, { at: NOW + 2 * DAY, gpgArgs: '--ignore-time-conflict' });
    c.unsigned = repo.commit('unsigned');

    // What happens after signing.
    gpg.setExpire(k.setExp, '6d', SIGNED_AT + DAY); // expires NOW-13d
    gpg.revoke(k.soft, REVOKE.superseded, 'replaced by a new key');
    gpg.revoke(k.hard, REVOKE.compromised, 'key leaked');
    gpg.revoke(k.noReason, REVOKE.noReason);
    gpg.deleteKey(k.stranger);

    // Forged objects.
    const rsaRaw = rawCommit(repo, c.rsa).toString();
    c.tampered = writeCommit(repo, rsaRaw.replace('good rsa', 'good rsa, or so it says'));
    const unsignedRaw = rawCommit(repo, c.unsigned).toString();
    c.garbage = writeCommit(
      repo,
      withSignature(unsignedRaw, '-----BEGIN PGP SIGNATURE-----\n\nbm90IGEgc2lnbmF0dXJl\n-----END PGP SIGNATURE-----'),
    );
    // The two-byte digest prefix is only a quick check: change it, keep the real signature.
    const edRaw = rawCommit(repo, c.ed).toString();
    const edSig = await openpgp.readSignature({
      armoredSignature: commitSignature(c.ed, Buffer.from(edRaw)).signature!,
    });
    const pkt = edSig.packets[0]!;
    const h = pkt.signedHashValue!;
    pkt.signedHashValue = new Uint8Array([h[0]! ^ 0xff, h[1]! ^ 0xff]);
    c.prefix = writeCommit(repo, withSignature(edRaw, edSig.armor()));
    // Two signatures in one block (git's own t7510 makes one like this): ed's good one + rsa's over the same payload.
    const { payload } = commitSignature(c.ed, Buffer.from(edRaw));
    const second = gpg.run(['--detach-sign', '-u', k.rsa], { input: payload, at: SIGNED_AT });
    const both = new Uint8Array([
      ...((await openpgp.unarmor(commitSignature(c.ed, Buffer.from(edRaw)).signature!)).data as Uint8Array),
      ...second,
    ]);
    c.double = writeCommit(repo, withSignature(edRaw, openpgp.armor(openpgp.enums.armor.signature, both)));

    const pub = [k.rsa, k.ed, k.ec, k.primary, k.exp, k.setExp, k.soft, k.hard, k.noReason].map((f) =>
      gpg.exportPublic(f),
    );
    keyring = await loadKeyring(pub.map((data, i) => ({ data, file: `key-${i}.gpg` })));
  }, 120_000);

  afterAll(() => gpg?.kill());

  // [case, git's letter (measured with git 2.39.5 + gpg 2.2.40), our letter]
  const table: [string, string, string][] = [
    ['rsa', 'G', 'G'],
    ['ed', 'G', 'G'],
    ['ec', 'G', 'G'],
    ['sub', 'G', 'G'],
    ['subExp', 'Y', 'Y'],
    ['stranger', 'E', 'E'],
    ['tampered', 'B', 'B'],
    ['impostor', 'G', 'G'],
    ['exp', 'Y', 'Y'],
    ['setExp', 'Y', 'Y'],
    ['sigExp', 'X', 'X'],
    ['soft', 'R', 'R'],
    ['hard', 'R', 'R'],
    ['noReason', 'R', 'R'],
    ['unsigned', 'N', 'N'],
    ['prefix', 'G', 'G'],
    ['double', 'E', 'E'],
    // gpg refuses to check a signature older than its key ("time conflict"): ERRSIG.
    ['beforeKey', 'E', 'E'],
    // gpg warns about a signature from the future but still reports GOODSIG; signedAt shows it.
    ['future', 'G', 'G'],
    // gpg finds no OpenPGP data and prints no status: git says N although a signature header is there.
    ['garbage', 'N', 'E'],
  ];

  test.each(table)('%s: git says %s, we say %s', async (name, gitSays, weSay) => {
    const oid = c[name]!;
    expect(gitLetter(repo, oid)).toBe(gitSays);
    const v = await ours(oid);
    expect(v.letter).toBe(weSay);
    if (weSay !== 'G' && weSay !== 'N') expect(v.reason).toBeTruthy();
  });

  test('facts: signer, signing key, identities, times', async () => {
    const rsa = await ours(c.rsa!);
    expect(rsa).toMatchObject({
      signer: k.rsa,
      signingKey: k.rsa,
      identities: ['rita@example.com'],
      format: 'openpgp',
    });
    expect(rsa.signedAt).toBe(SIGNED_AT);
    expect(rsa.reason).toBeUndefined();

    const sub = await ours(c.sub!);
    expect(sub).toMatchObject({ signer: k.primary, signingKey: k.sub, identities: ['sam@example.com'] });

    // Expired after signing: git says Y, the facts say it was valid when made.
    for (const name of ['exp', 'setExp', 'subExp']) {
      const v = await ours(c[name]!);
      expect(v.keyExpiresAt).toBeDefined();
      expect(v.signedAt!).toBeLessThan(v.keyExpiresAt!);
      expect(v.keyExpiresAt!).toBeLessThan(NOW);
    }
    expect((await ours(c.exp!)).keyExpiresAt).toBe(KEYS_AT + 15 * DAY);
    expect((await ours(c.setExp!)).keyExpiresAt).toBe(SIGNED_AT + DAY + 6 * DAY);

    const sigExp = await ours(c.sigExp!);
    expect(sigExp.signatureExpiresAt).toBe(SIGNED_AT + DAY);

    const soft = await ours(c.soft!);
    expect(soft).toMatchObject({ hardRevoked: false, revocationReason: 1 });
    expect(soft.revokedAt!).toBeGreaterThan(soft.signedAt!);
    expect(await ours(c.hard!)).toMatchObject({ hardRevoked: true, revocationReason: 2 });
    expect(await ours(c.noReason!)).toMatchObject({ hardRevoked: true, revocationReason: 0 });

    const impostor = await ours(c.impostor!);
    expect(impostor.identities).toEqual(['ed@example.com']);
    expect(impostor.identities).not.toContain('bob@example.com');

    const stranger = await ours(c.stranger!);
    expect(stranger.signingKey).toBe(k.stranger);
    expect(stranger.signer).toBeUndefined();
    expect(stranger.identities).toEqual([]);
  });

  test('the letter follows the clock; one parse of the keys verifies many signatures', async () => {
    const at = (t: number) =>
      loadKeyring([{ data: gpg.exportPublic(k.exp!, k.ed!), file: 'k.gpg' }], { now: () => new Date(t * 1000) });
    const before = await at(SIGNED_AT + 60);
    expect((await ours(c.exp!, before)).letter).toBe('G');
    expect((await ours(c.sigExp!, before)).letter).toBe('G');
    // The same keyring object answers again and again (speed is measured by `npm run bench`, not here).
    for (let i = 0; i < 50; i += 1) expect((await ours(c.ed!)).letter).toBe('G');
  });

  test('a payload that differs by one byte is B, and malformed input never throws', async () => {
    const { payload, signature } = commitSignature(c.ed!, rawCommit(repo, c.ed!));
    const changed = Buffer.from(payload);
    changed[changed.length - 2]! ^= 1;
    expect((await keyring.verify(changed, signature!)).letter).toBe('B');
    for (const bad of [
      '',
      'garbage',
      '-----BEGIN PGP SIGNATURE-----\n\n!!!\n-----END PGP SIGNATURE-----\n',
      signature!.slice(0, 120),
    ]) {
      const v = await keyring.verify(payload, bad);
      expect(['B', 'E']).toContain(v.letter);
      expect(v.reason).toBeTruthy();
    }
  });
});

describe('keyring loading', () => {
  test('armored, binary, several keys per file, secret key packets read as public', async () => {
    const wf = readFileSync(join(FIX, 'web-flow.gpg'));
    const git = readFileSync(join(FIX, 'keyring.gpg'));
    const kr = await loadKeyring([
      { data: wf, file: 'web-flow.gpg' },
      { data: readFileSync(join(FIX, 'web-flow-4AEE18F83AFDEB23.asc'), 'utf8'), file: 'web-flow.asc' },
      { data: git, file: 'keyring.gpg' },
    ]);
    const fprs = kr
      .keys()
      .map((x) => x.fingerprint)
      .sort();
    expect(fprs).toEqual([
      '5DE3E0509C47EA3CF04A42D34AEE18F83AFDEB23', // web-flow, old (in both files: merged)
      '73D758744BE721698EC54E8713B6F51ECDDE430D', // git's C O Mitter (DSA)
      '968479A1AFF927E37D1A566BB5690EEEBB952194', // web-flow, new
      'D4BE22311AD3131E5EDA29A461092E85B7227189', // git's Eris Discordia (only as a secret key)
    ]);
    expect(kr.keys().find((x) => x.fingerprint.endsWith('4AEE18F83AFDEB23'))!.files).toEqual([
      'web-flow.gpg',
      'web-flow.asc',
    ]);
    expect(await kr.identities('4AEE18F83AFDEB23')).toEqual(['noreply@github.com']);
    expect(await kr.identities('B5690EEEBB952194')).toEqual(['noreply@github.com']);
    expect(await kr.identities('13B6F51ECDDE430D')).toEqual(['committer@example.com']);
    expect(await kr.identities('61092E85B7227189')).toEqual(['discord@example.net']);
  });

  test("web-flow's older .asc export (a wrong digest prefix on its self-signature, which gpg ignores) still loads", async () => {
    const both = await loadKeyring([{ data: readFileSync(join(FIX, 'web-flow.gpg')), file: 'web-flow.gpg' }]);
    const asc = await loadKeyring([
      { data: readFileSync(join(FIX, 'web-flow-4AEE18F83AFDEB23.asc'), 'utf8'), file: 'wf.asc' },
    ]);
    expect(asc.size).toBe(1);
    expect(await asc.identities('4AEE18F83AFDEB23')).toEqual(['noreply@github.com']);
    // Seen through a real signature: see the web-flow commit test below for keyExpiresAt.
    expect(both.size).toBe(2);
  });

  test('every Bitcoin Core builder key file loads', async () => {
    const dir = join(FIX, 'bitcoin-core-builder-keys');
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.gpg'))
      .sort();
    expect(files).toHaveLength(39);
    const kr = await loadKeyring(files.map((f) => ({ data: readFileSync(join(dir, f)), file: f })));
    // TheCharlatan.gpg and sedited.gpg hold the same key.
    expect(kr.size).toBe(38);
    expect(kr.keys().find((x) => x.fingerprint === 'A8FC55F3B04BA3146F3492E79303B33A305224CB')!.files).toEqual([
      'TheCharlatan.gpg',
      'sedited.gpg',
    ]);
    expect(await kr.identities('152812300785C96444D3334D17565732E08E5E41')).toEqual(
      expect.arrayContaining(['me@achow101.com', 'github@achow101.com', 'achow101@pm.me']),
    );
    // A revoked user ID is not an identity.
    expect(await kr.identities('ED9BDF7AD6A55E232E84524257FF9BDBCC301009')).toEqual(['sjors@sprovoost.nl']);
  });

  test('a garbage key file is one clear error naming the file', async () => {
    await expect(loadKeyring([{ data: Buffer.from('hello, not a key\n'), file: 'keys/junk.asc' }])).rejects.toThrow(
      /^keys\/junk\.asc: /,
    );
    await expect(
      loadKeyring([{ data: new Uint8Array([0x99, 0x01, 0x0d, 1, 2, 3]), file: 'trunc.gpg' }]),
    ).rejects.toThrow(/^trunc\.gpg: /);
    const err = await loadKeyring([
      { data: '-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nAAAA\n-----END PGP PUBLIC KEY BLOCK-----\n', file: 'x.asc' },
    ]).catch((e: Error) => e);
    expect((err as Error).message.split('\n')).toHaveLength(1);
  });

  test('v6 Ed25519 keys (RFC 9580) made by openpgp.js sign nothing: gpg 2.2 reads neither the key nor the signature', async () => {
    // git says N (no signature gpg can read); E here, never G (test/cli/redteam44-v6-packets.test.ts).
    const { privateKey, publicKey } = await openpgp.generateKey({
      type: 'curve25519',
      userIDs: [{ name: 'Vee Six', email: 'Vee@Example.org' }],
      config: { v6Keys: true },
      format: 'object',
    });
    const payload = new TextEncoder().encode('tree x\n\nmessage\n');
    const sig = await openpgp.sign({
      message: await openpgp.createMessage({ binary: payload }),
      signingKeys: privateKey,
      detached: true,
      format: 'armored',
    });
    const kr = await loadKeyring([{ data: publicKey.armor(), file: 'v6.asc' }]);
    expect(kr.size).toBe(0);
    const v = await kr.verify(payload, sig as string);
    expect(v.letter).toBe('E');
    expect(v.reason).toMatch(/version 6 signature packet/);
  });
});

describe('real signed objects', () => {
  test("git's multiply-signed commit (t7510): the SHA-1 and SHA-256 signatures both verify", async () => {
    const kr = await loadKeyring([{ data: readFileSync(join(FIX, 'keyring.gpg')), file: 'keyring.gpg' }]);
    const template = readFileSync(join(FIX, 't7510-multiply-signed.commit.in'), 'utf8');
    for (const fmt of ['sha1', 'sha256'] as const) {
      // Rebuild the repository t7510 signed: first.t="first", then second="1"; all at test_tick 1112912653.
      const r = makeRepo({ objectFormat: fmt });
      const date = '1112912653 -0700';
      const env = {
        GIT_AUTHOR_NAME: 'A U Thor',
        GIT_AUTHOR_EMAIL: 'author@example.com',
        GIT_AUTHOR_DATE: date,
        GIT_COMMITTER_NAME: 'C O Mitter',
        GIT_COMMITTER_EMAIL: 'committer@example.com',
        GIT_COMMITTER_DATE: date,
      };
      r.write({ 'first.t': 'first\n' });
      r.run(['add', '-A']);
      r.run(['commit', '-q', '-m', 'first'], { env });
      const parent = r.head();
      r.write({ second: '1\n' });
      r.run(['add', '-A']);
      const tree = r.run(['write-tree']);
      const oid = writeCommit(r, template.replace('$tree', tree).replace('$parent', parent));
      const c = commitSignature(oid, rawCommit(r, oid));
      const v = await kr.verify(c.payload, c.signature!);
      expect(v).toMatchObject({
        letter: 'G',
        signer: '73D758744BE721698EC54E8713B6F51ECDDE430D',
        identities: ['committer@example.com'],
        hashAlgorithm: 'sha1',
      });
      // The other format's signature is over the other format's object: bad for this payload.
      const other = commitSignature(fmt === 'sha1' ? 'x'.repeat(64) : 'x'.repeat(40), rawCommit(r, oid));
      expect((await kr.verify(c.payload, other.signature!)).letter).toBe('B');
      // And what git says, with git's own keyring and ownertrust.
      const g = makeGpg(r.env.GNUPGHOME!, r.env);
      g.run(['--import'], { input: readFileSync(join(FIX, 'keyring.gpg')) });
      g.run(['--import-ownertrust'], { input: readFileSync(join(FIX, 'ownertrust')) });
      expect(gitLetter(r, oid)).toBe('G');
      g.kill();
    }
  }, 60_000);

  test('a real GitHub web-flow merge commit (soymvillalobos/turbo-octo-lamp d9453db) verifies: Y today, good when made', async () => {
    const oid = 'd9453db1952711963cbb68c37a04bef15959d6e3';
    const raw = readFileSync(join(FIX, `web-flow-${oid}.commit`));
    const kr = await loadKeyring([{ data: readFileSync(join(FIX, 'web-flow.gpg')), file: 'web-flow.gpg' }]);
    const { payload, signature } = commitSignature(oid, raw);
    const v = await kr.verify(payload, signature!);
    expect(v).toMatchObject({
      letter: 'Y',
      signer: '5DE3E0509C47EA3CF04A42D34AEE18F83AFDEB23',
      identities: ['noreply@github.com'],
      signedAt: 1655214006,
      keyExpiresAt: Date.UTC(2024, 0, 16, 20) / 1000,
    });
    expect(v.signedAt!).toBeLessThan(v.keyExpiresAt!);
    // git says the same, with the key imported and trusted.
    const r = makeRepo();
    const g = makeGpg(r.env.GNUPGHOME!, r.env);
    g.run(['--import'], { input: readFileSync(join(FIX, 'web-flow.gpg')) });
    g.trust('5DE3E0509C47EA3CF04A42D34AEE18F83AFDEB23');
    expect(writeCommit(r, raw)).toBe(oid);
    expect(gitLetter(r, oid)).toBe('Y');
    g.kill();
    // Before the expiry it was G; a changed message is B.
    const then = await loadKeyring([{ data: readFileSync(join(FIX, 'web-flow.gpg')), file: 'wf' }], {
      now: () => new Date(1655214006_000 + 1000),
    });
    expect((await then.verify(payload, signature!)).letter).toBe('G');
    expect((await kr.verify(Buffer.concat([payload, Buffer.from('\n')]), signature!)).letter).toBe('B');
    // The older export of the same key carries no expiry: the same signature is G with it.
    const asc = await loadKeyring([
      { data: readFileSync(join(FIX, 'web-flow-4AEE18F83AFDEB23.asc'), 'utf8'), file: 'wf.asc' },
    ]);
    const va = await asc.verify(payload, signature!);
    expect(va.letter).toBe('G');
    expect(va.keyExpiresAt).toBeUndefined();
  }, 30_000);
});

describe('the address in a user ID', () => {
  // gpg's own answers for odd user IDs: test/collect/redteam19-uid-mailbox.test.ts.
  test('a 1 MiB user ID of "a@a@a@..." answers at once (an expression backtracked for minutes)', () => {
    expect(userIdAddress(`${'a@'.repeat(500_000)} `)).toBeUndefined();
    expect(userIdAddress(`<${'a@'.repeat(500_000)}`)).toBeUndefined();
    expect(userIdAddress('a@'.repeat(500_000).slice(0, -1))).toBeUndefined(); // gpg: exactly one "@"
    expect(userIdAddress(`${'a'.repeat(999_997)}@a`)).toHaveLength(999_999);
    expect(userIdAddress('Alice <alice@example.com>')).toBe('alice@example.com');
  });
});
