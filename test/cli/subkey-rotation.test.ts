// OpenPGP signing-subkey rotation: gpg signs with a signer's newest signing subkey at once, also the
// commit that adds it to .gitguard/keys/. That commit is judged by its parent's policy, which lacks
// the subkey; the subkey is lent by the commit's own key file only when the primary key the parent
// trusts binds it (binding + back-signature, its times, its revocations). Real gpg signs; git and
// gpg are compared where they can judge (git verify-commit).
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import * as openpgp from 'openpgp';
import { makeGpg, REVOKE, type Gpg } from '../helpers/gpg.js';
import { fixtureKey } from '../helpers/gpg-key-fixture.js';
import { commitSeries, type SeriesCommit } from '../helpers/commit-series.js';
import { cleanupTemp, makeRepo, type TestRepo } from '../helpers/repo.js';
import { parseJson, resultOf, runMain } from '../helpers/cli.js';
import { runCliBatch } from '../helpers/cli-batch.js';
import { gitAsync, hookedServer, stopHookBridge } from '../helpers/hook-bridge.js';
import { poolThreshold } from '../../src/collect/trust-verifier.js';
import { catCommit, spliceSignature, splitCommit, writeCommitObject } from '../helpers/ssh.js';
import { signWithHashedArea, sub } from '../helpers/openpgp-build.js';

let gpg: Gpg;
beforeAll(() => {
  gpg = makeGpg(mkdtempSync(join(tmpdir(), 'gg-rot-')));
});
afterAll(async () => {
  gpg.kill();
  await stopHookBridge();
  cleanupTemp();
});

const IMPLICIT = 'version: 1\nsigners:\n  - name: alice\n    emails: [alice@example.com]\nmaintainers: [alice]\n';
/** Alice and bob, both owning the keys whose user IDs carry their e-mail (bob has none yet). */
const TWO =
  'version: 1\nsigners:\n  - name: alice\n    emails: [alice@example.com]\n  - name: bob\n    emails: [bob@example.com]\nmaintainers: [alice, bob]\n';
/** The same with alice's key named by fingerprint (so a user ID of bob's on it is no conflict). */
const pinned = (alice: string): string =>
  TWO.replace('[alice@example.com]\n', `[alice@example.com]\n    openpgp: [${alice}]\n`);

const armoredKey = (...fprs: string[]): string => gpg.run(['--armor', '--export', ...fprs]).toString();
const armorKeyPackets = (list: openpgp.PacketList<openpgp.AnyPacket>): string =>
  openpgp.armor(openpgp.enums.armor.publicKey, list.write());

/** A commit of `files` signed by gpg with `key` (a primary: gpg picks its newest signing subkey; `X!`: exactly X), for commitSeries. */
function signedSpec(
  message: string,
  key: string,
  files: Record<string, string> = {},
  email?: string,
  at?: number,
): SeriesCommit {
  const who: Record<string, string> = email ? { GIT_COMMITTER_EMAIL: email, GIT_AUTHOR_EMAIL: email } : {};
  // `at`: gpg signs at that time (git's gpg.program is then the wrapper that passes --faked-system-time).
  const past = at === undefined ? [] : ['-c', `gpg.program=${gpg.wrapper}`];
  return {
    message,
    files: Object.keys(files).length ? files : { [`${message.replace(/\W+/g, '-')}.txt`]: `${message}\n` },
    signWith: '',
    gitArgs: [...past, '-c', `user.signingkey=${key}`],
    env: { GNUPGHOME: gpg.home, ...who, ...(at === undefined ? {} : { GG_GPG_ARGS: `--faked-system-time ${at}!` }) },
  };
}

/** Stages `files` and commits, signed as signedSpec says. */
function signed(
  r: TestRepo,
  message: string,
  key: string,
  files: Record<string, string> = {},
  email?: string,
  at?: number,
): string {
  return commitSeries(r, [signedSpec(message, key, files, email, at)])[0]!;
}

/** Whether git verify-commit, with gpg holding only the key file `path` as the commit itself carries it, calls the signature good. */
function gitAccepts(r: TestRepo, oid: string, path = '.gitguard/keys/alice.asc'): boolean {
  const home = makeGpg(mkdtempSync(join(tmpdir(), 'gg-gv-')));
  try {
    home.run(['--import'], { input: Buffer.from(r.run(['show', `${oid}:${path}`]) + '\n') });
    r.run(['verify-commit', oid], { env: { GNUPGHOME: home.home } });
    return true;
  } catch {
    return false;
  } finally {
    home.kill();
  }
}

/** Alice's key file as a copy of the gpg home exports it after `change` (gpg will not sign with a revoked key). */
function exportedAfter(alice: string, change: (other: Gpg) => void): string {
  const copy = mkdtempSync(join(tmpdir(), 'gg-rv-'));
  cpSync(gpg.home, copy, { recursive: true, filter: (p) => !basename(p).startsWith('S.') });
  const other = makeGpg(copy);
  try {
    change(other);
    return other.run(['--armor', '--export', alice]).toString();
  } finally {
    other.kill();
  }
}

/** A repository whose policy trusts a fresh key of alice's (no subkeys yet), with one signed commit after it. */
function history(tag: string, policy: (alice: string) => string = () => IMPLICIT): { r: TestRepo; alice: string } {
  const alice = gpg.genKey(`Alice Example (${tag}) <alice@example.com>`, 'ed25519');
  gpg.trust(alice);
  const r = makeRepo();
  signed(r, 'policy', alice, { '.gitguard/policy.yml': policy(alice), '.gitguard/keys/alice.asc': armoredKey(alice) });
  signed(r, 'work before the rotation', alice);
  return { r, alice };
}

interface Row {
  commit: string;
  letter: string;
  status: string;
  detail: string;
}
async function verify(r: TestRepo): Promise<{ code: number; rows: Row[] }> {
  const res = await runMain(['verify', '-C', r.dir, '--format', 'json', '--no-cache'], { env: r.env });
  return { code: res.code, rows: (JSON.parse(res.stdout) as { commits: Row[] }).commits };
}
const audit = (r: TestRepo) =>
  runMain(['audit', r.dir, '--format', 'json', '--no-cache', '--threat', 'impersonation,history'], { env: r.env });
const gitLetter = (r: TestRepo, oid: string): string =>
  r.run(['log', '-1', '--format=%G?', oid], { env: { GNUPGHOME: gpg.home } });

/** The rotation commit is refused, and so (no policy after it) is the work signed after it. */
async function expectRefused(r: TestRepo, rotation: string, alice: string): Promise<Row> {
  signed(r, 'work after the rotation', alice);
  const { rows, code } = await verify(r);
  expect(code).not.toBe(0);
  const row = rows.find((x) => x.commit === rotation)!;
  expect(row.status).not.toBe('authorized');
  const res = await audit(r);
  expect(res.code).not.toBe(0);
  expect(resultOf(parseJson(res), 'policy-changes-authorized').findings.map((f) => f.commit)).toContain(rotation);
  return row;
}

describe('a signer adds a signing subkey', () => {
  test('the commit adding it, signed with it, and the work after it pass verify and audit, as git verify-commit says', async () => {
    const { r, alice } = history('rotation');
    const subkey = gpg.addSubkey(alice, 'ed25519');
    const rotation = signed(r, 'keys: alice has a new signing subkey', alice, {
      '.gitguard/keys/alice.asc': armoredKey(alice),
    });
    // gpg signed with the new subkey (the case that failed), and git's gpg calls it good.
    expect(r.run(['log', '-1', '--format=%GF', rotation], { env: { GNUPGHOME: gpg.home } })).toBe(subkey);
    expect(gitAccepts(r, rotation)).toBe(true);
    signed(r, 'work with the new subkey', alice);
    signed(r, 'more work with the new subkey', alice);

    const { rows, code } = await verify(r);
    expect(rows.map((x) => x.status)).toEqual(Array(5).fill('authorized'));
    expect(code).toBe(0);
    for (const row of rows) expect(row.letter).toBe(gitLetter(r, row.commit));
    const res = await audit(r);
    expect(resultOf(parseJson(res), 'policy-changes-authorized').outcome).toBe('pass');
    expect(resultOf(parseJson(res), 'signers-authorized').outcome).toBe('pass');
    expect(res.code).toBe(0);

    // The server hook judges the push the same way (gpg is not needed there: gitguard checks in-process;
    // here the hook's gitguard runs in this test process, through the hook bridge, not as the binary).
    const server = await hookedServer();
    const pushed = await gitAsync(r, ['push', '-q', server.dir, 'main']);
    expect([pushed.code, pushed.stderr]).toEqual([0, '']);
    expect(server.run(['rev-parse', 'refs/heads/main'])).toBe(r.head());
  });

  test("an RSA subkey added to an RSA key, in the key file's own commit", async () => {
    // The RSA primary is a fixture key made once by gpg and imported (an RSA-2048 key costs gpg about a
    // second of CPU); the subkey added below is the rotation under test and is made here.
    const alice = fixtureKey(gpg, {
      name: 'rotation-alice-rsa',
      uid: 'Alice Example (rsa) <alice@example.com>',
      algo: 'rsa2048',
      at: 1704067200,
    });
    gpg.trust(alice);
    const r = makeRepo();
    signed(r, 'policy', alice, { '.gitguard/policy.yml': IMPLICIT, '.gitguard/keys/alice.asc': armoredKey(alice) });
    gpg.addSubkey(alice, 'rsa2048');
    signed(r, 'rotation', alice, { '.gitguard/keys/alice.asc': armoredKey(alice) });
    const { rows, code } = await verify(r);
    expect(rows.map((x) => x.status)).toEqual(['authorized', 'authorized']);
    expect(code).toBe(0);
  });
});

describe('what a key file may not lend', () => {
  test("(a) mallory's subkey, bound by mallory's primary, put into alice's key file", async () => {
    const { r, alice } = history('a');
    const mallory = gpg.genKey('Mallory <mallory@example.com>', 'ed25519', { usage: 'cert' });
    const msub = gpg.addSubkey(mallory, 'ed25519');
    const a = await openpgp.readKey({ armoredKey: armoredKey(alice) });
    const m = await openpgp.readKey({ armoredKey: armoredKey(mallory) });
    const list = a.toPacketList();
    for (const s of m.subkeys) list.push(s.keyPacket, ...s.bindingSignatures);
    const rotation = signed(r, 'keys: a new subkey', `${msub}!`, { '.gitguard/keys/alice.asc': armorKeyPackets(list) });
    const row = await expectRefused(r, rotation, alice);
    expect(row.detail).toMatch(/no valid binding signature/);
    expect(gitAccepts(r, rotation)).toBe(false);
  });

  test('(b) a subkey whose binding signature is corrupted', async () => {
    const { r, alice } = history('b');
    const subkey = gpg.addSubkey(alice, 'ed25519');
    const key = await openpgp.readKey({ armoredKey: armoredKey(alice) });
    const binding = key.subkeys[0]!.bindingSignatures[0]!;
    const params = (binding as unknown as { params: { s: Uint8Array } }).params;
    params.s = Uint8Array.from(params.s);
    params.s[params.s.length - 1]! ^= 1;
    const rotation = signed(r, 'keys: a new subkey', `${subkey}!`, {
      '.gitguard/keys/alice.asc': armorKeyPackets(key.toPacketList()),
    });
    const row = await expectRefused(r, rotation, alice);
    expect(row.detail).toMatch(/no valid binding signature/);
    expect(gitAccepts(r, rotation)).toBe(false);
  });

  test('(c) a signing subkey bound without the primary-key binding back-signature', async () => {
    const { r, alice } = history('c');
    const subkey = gpg.addSubkey(alice, 'ed25519');
    const secret = await openpgp.readPrivateKey({
      armoredKey: gpg.run(['--armor', '--export-secret-keys', alice]).toString(),
    });
    const key = await openpgp.readKey({ armoredKey: armoredKey(alice) });
    const s = key.subkeys[0]!;
    const bare = new openpgp.SignaturePacket();
    bare.signatureType = openpgp.enums.signature.subkeyBinding;
    bare.publicKeyAlgorithm = key.keyPacket.algorithm;
    bare.hashAlgorithm = openpgp.enums.hash.sha256;
    bare.keyFlags = Uint8Array.of(openpgp.enums.keyFlags.signData);
    const sign = bare.sign.bind(bare) as unknown as (...a: unknown[]) => Promise<void>;
    await sign(secret.keyPacket, { key: key.keyPacket, bind: s.keyPacket }, new Date(), false, openpgp.config);
    const list = new openpgp.PacketList<openpgp.AnyPacket>();
    for (const p of key.toPacketList()) if (p !== s.bindingSignatures[0]) list.push(p);
    list.push(bare);
    expect(bare.embeddedSignature).toBeNull();
    const rotation = signed(r, 'keys: a new subkey', `${subkey}!`, {
      '.gitguard/keys/alice.asc': armorKeyPackets(list),
    });
    const row = await expectRefused(r, rotation, alice);
    expect(row.detail).toMatch(/cross-certified/);
    expect(gitAccepts(r, rotation)).toBe(false);
  });

  test('(d) a user ID added with the subkey vouches for no e-mail: signing as bob with it fails', async () => {
    const { r, alice } = history('d', () => TWO);
    gpg.run(['--quick-add-uid', alice, 'Alice as Bob <bob@example.com>']);
    gpg.addSubkey(alice, 'ed25519');
    // The new policy names alice's key, so its new user ID is no conflict there; bob commits with it.
    const rotation = signed(
      r,
      'keys: a new subkey and user ID',
      alice,
      { '.gitguard/keys/alice.asc': armoredKey(alice), '.gitguard/policy.yml': pinned(alice) },
      'bob@example.com',
    );
    const { rows } = await verify(r);
    const row = rows.find((x) => x.commit === rotation)!;
    expect(row.letter).toBe('G'); // the subkey itself is good: only the identity is refused
    expect(row.status).not.toBe('authorized');
    const res = await audit(r);
    expect(res.code).not.toBe(0);
    expect(resultOf(parseJson(res), 'policy-changes-authorized').findings.map((f) => f.commit)).toContain(rotation);
  });

  test('(e) a subkey the new file revokes', async () => {
    const { r, alice } = history('e');
    const subkey = gpg.addSubkey(alice, 'ed25519');
    const file = exportedAfter(alice, (other) =>
      other.run(['--command-fd', '0', '--status-fd', '2', '--edit-key', alice], {
        input: 'key 1\nrevkey\ny\n1\nsubkey leaked\n\ny\nsave\n',
      }),
    );
    expect((await openpgp.readKey({ armoredKey: file })).subkeys[0]!.revocationSignatures).toHaveLength(1);
    const rotation = signed(r, 'keys: a new subkey', `${subkey}!`, { '.gitguard/keys/alice.asc': file });
    // Taken out again, so that the policy at the tip revokes nothing: the rotation's own verdict says R.
    signed(r, 'keys: without the revocation', alice, { '.gitguard/keys/alice.asc': armoredKey(alice) });
    const row = await expectRefused(r, rotation, alice);
    expect(row.letter).toBe('R');
  });

  test('(e2) a subkey added with a revocation of the primary key: the revocation wins', async () => {
    const { r, alice } = history('e2');
    const subkey = gpg.addSubkey(alice, 'ed25519');
    const file = exportedAfter(alice, (other) => other.revoke(alice, REVOKE.compromised, 'key leaked'));
    const rotation = signed(r, 'keys: a new subkey', `${subkey}!`, { '.gitguard/keys/alice.asc': file });
    // Taken out again, so that the policy at the tip revokes nothing: the rotation's own verdict says R.
    signed(r, 'keys: without the revocation', alice, { '.gitguard/keys/alice.asc': armoredKey(alice) });
    const row = await expectRefused(r, rotation, alice);
    expect(row.letter).toBe('R');
  });

  test('(f) a subkey created after the signature', async () => {
    const { r, alice } = history('f');
    const subkey = gpg.addSubkey(alice, 'ed25519');
    r.write({ '.gitguard/keys/alice.asc': armoredKey(alice) });
    r.run(['add', '-A']);
    r.run(['commit', '-q', '-m', 'keys: a new subkey']);
    // gpg will not sign before a key's creation: openpgp.js signs with the subkey a day earlier.
    const secret = await openpgp.readPrivateKey({
      armoredKey: gpg.run(['--armor', '--export-secret-keys', alice]).toString(),
    });
    const kp = secret.subkeys.find((s) => s.getFingerprint().toUpperCase() === subkey)!
      .keyPacket as unknown as openpgp.SecretKeyPacket;
    const signedAt = Math.floor(kp.created.getTime() / 1000) - 86_400;
    const t = Buffer.alloc(4);
    t.writeUInt32BE(signedAt);
    const { payload } = splitCommit(catCommit(r, r.head()));
    const packet = await signWithHashedArea(kp, {
      signatureType: openpgp.enums.signature.binary,
      hashAlgorithm: openpgp.enums.hash.sha256,
      area: Buffer.concat([sub(2, t), sub(33, Buffer.concat([Buffer.from([4]), Buffer.from(subkey, 'hex')]))]),
      payload,
      signedAt,
    });
    const rotation = writeCommitObject(
      r,
      spliceSignature(payload, openpgp.armor(openpgp.enums.armor.signature, packet)),
    );
    r.run(['update-ref', 'refs/heads/main', rotation]);
    const row = await expectRefused(r, rotation, alice);
    expect(row.detail).toMatch(/newer than the signature/);
  });

  test('(a2) a subkey of another primary key, in its own file', async () => {
    const { r, alice } = history('a2');
    const mallory = gpg.genKey('Mallory (a2) <alice@example.com>', 'ed25519', { usage: 'cert' });
    const msub = gpg.addSubkey(mallory, 'ed25519');
    const rotation = signed(r, 'keys: another key', `${msub}!`, { '.gitguard/keys/mallory.asc': armoredKey(mallory) });
    const row = await expectRefused(r, rotation, alice);
    expect(row.detail).toMatch(/not trusted/);
  });

  test("(g) the new file's longer expiry of the primary key is not taken over", async () => {
    const now = Math.floor(Date.now() / 1000);
    const day = 86_400;
    const alice = gpg.genKey('Alice Example (g) <alice@example.com>', 'ed25519', { at: now - 10 * day, expire: '2d' });
    gpg.trust(alice);
    const r = makeRepo();
    const files = { '.gitguard/policy.yml': IMPLICIT, '.gitguard/keys/alice.asc': armoredKey(alice) };
    signed(r, 'policy', alice, files, undefined, now - 9 * day);
    // The primary key expired 8 days ago; the new file extends it and adds a subkey.
    gpg.setExpire(alice, 'never');
    gpg.addSubkey(alice, 'ed25519');
    const rotation = signed(r, 'keys: extended, with a new subkey', alice, {
      '.gitguard/keys/alice.asc': armoredKey(alice),
    });
    const { rows } = await verify(r);
    expect(rows.map((x) => x.status)).toEqual(['authorized', expect.not.stringMatching(/^authorized$/)]);
    expect(rows.find((x) => x.commit === rotation)!.detail).toMatch(/expired/);
  });
});

describe('the lent subkey with the cache and the worker pool', () => {
  test('past 64 signatures (worker threads) and on a warm cache, the rotation still passes', async () => {
    // The pool's path past its threshold, taken here past 4 signatures (GITGUARD_POOL_THRESHOLD)
    // rather than the default 64, by the built code (the pool's workers run from dist/ only), cold
    // then warm in one node process.
    expect(poolThreshold({})).toBe(64);
    const threshold = 4;
    const { r, alice } = history('pool');
    commitSeries(
      r,
      Array.from({ length: threshold }, (_, i) => signedSpec(`work ${i}`, alice)),
    );
    gpg.addSubkey(alice, 'ed25519');
    signed(r, 'rotation', alice, { '.gitguard/keys/alice.asc': armoredKey(alice) });
    signed(r, 'after', alice);
    const run = {
      args: ['verify', '-C', r.dir, '--format', 'json'],
      env: { ...r.env, GITGUARD_POOL_THRESHOLD: String(threshold) },
    };
    const [cold, warm] = runCliBatch([run, run]);
    for (const [name, res] of [
      ['cold', cold!],
      ['warm', warm!],
    ] as const) {
      const rows = (JSON.parse(res.stdout) as { commits: Row[] }).commits;
      expect([name, rows.filter((x) => x.status !== 'authorized')]).toEqual([name, []]);
      expect(rows).toHaveLength(threshold + 4);
      expect(res.code).toBe(0);
    }
  });
});
