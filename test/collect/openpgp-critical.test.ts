// Critical subpackets, judged as gpg 2.2 judges them (parse-packet.c can_handle_critical, in both
// subpacket areas): a real gpg-signed commit whose signature packet is rewritten, written with
// `git hash-object`, and our verdict compared with `git rev-list --format=%G?` for each variant.
// The unhashed area can be changed without breaking the signature; hashed-area variants are signed
// again over the same payload with the same key (openpgp.js, the hashed area given byte for byte).
import { execFileSync, spawnSync } from 'node:child_process';
import * as openpgp from 'openpgp';
import { loadKeyring } from '../../src/collect/signatures/openpgp.js';
import { criticalProblem } from '../../src/collect/signatures/openpgp-critical.js';
import type { Keyring } from '../../src/domain/keys.js';
import { makeRepo, cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { makeGpg, commitSignature, type Gpg } from '../helpers/gpg.js';

const DAY = 86400;
const NOW = Math.floor(Date.now() / 1000);
const KEYS_AT = NOW - 30 * DAY;
const SIGNED_AT = NOW - 20 * DAY;

import { len16, notation, signWithHashedArea, sub } from '../helpers/openpgp-build.js';
afterAll(cleanupTemp);

/** The one signature packet's body in an armored block, and its parts. */
async function parts(armored: string): Promise<{ head: Buffer; hashed: Buffer; unhashed: Buffer; rest: Buffer }> {
  const bin = Buffer.from((await openpgp.unarmor(armored)).data as Uint8Array);
  const ctb = bin[0]!;
  const body =
    ctb & 0x40 ? bin.subarray(bin[1]! < 192 ? 2 : bin[1]! < 224 ? 3 : 6) : bin.subarray(1 + (1 << (ctb & 3)));
  const hl = body.readUInt16BE(4);
  const ul = body.readUInt16BE(6 + hl);
  return {
    head: body.subarray(0, 4),
    hashed: body.subarray(6, 6 + hl),
    unhashed: body.subarray(8 + hl, 8 + hl + ul),
    rest: body.subarray(8 + hl + ul),
  };
}

function packet(body: Buffer): Buffer {
  const n = body.length;
  return n < 256 ? Buffer.concat([Buffer.from([0x88, n]), body]) : Buffer.concat([Buffer.from([0x89]), len16(n), body]);
}

/** A four-octet time field. */
function time(at: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(at);
  return b;
}

const armor = (bin: Buffer): string => openpgp.armor(openpgp.enums.armor.signature, bin);

/** Replaces the gpgsig header of a raw commit with another armored signature. */
function withSignature(raw: string, armored: string): string {
  const without = raw.replace(/^gpgsig [^\n]*\n(?: [^\n]*\n)*/m, '');
  const header = 'gpgsig ' + armored.trimEnd().split('\n').join('\n ') + '\n';
  return without.replace(/^(committer [^\n]*\n)/m, `$1${header}`);
}

describe("critical subpackets: our letter is git + gpg 2.2's", () => {
  let repo: TestRepo;
  let gpg: Gpg;
  let quick: Keyring;
  let full: Keyring;
  let key: openpgp.PrivateKey;
  let raw: string;
  let payload: Buffer;
  let signed: string;
  const c: Record<string, string> = {};

  const write = (text: string): string => repo.run(['hash-object', '-t', 'commit', '-w', '--stdin'], { input: text });
  const gitLetter = (oid: string): string => repo.run(['rev-list', '--no-walk', '--format=%G?', oid]).split('\n')[1]!;

  /** The gpg signature with `extra` appended to its unhashed area. */
  async function unhashed(extra: Buffer): Promise<string> {
    const p = await parts(signed);
    const u = Buffer.concat([p.unhashed, extra]);
    return armor(packet(Buffer.concat([p.head, len16(p.hashed.length), p.hashed, len16(u.length), u, p.rest])));
  }

  /**
   * A new signature over the payload by the same key, its hashed area creation time + issuer
   * fingerprint (`issuer`, else the key's own) + `extra`, over `hashAlgorithm` (default SHA-256).
   */
  async function hashed(
    extra: Buffer,
    opts: { issuer?: string; hashAlgorithm?: openpgp.enums.hash } = {},
  ): Promise<string> {
    const kp = key.keyPacket as openpgp.SecretKeyPacket;
    const area = Buffer.concat([
      sub(2, time(SIGNED_AT)),
      sub(33, Buffer.concat([Buffer.from([4]), Buffer.from(opts.issuer ?? kp.getFingerprint(), 'hex')])),
      extra,
    ]);
    const signature = await signWithHashedArea(kp, {
      signatureType: openpgp.enums.signature.binary,
      hashAlgorithm: opts.hashAlgorithm ?? openpgp.enums.hash.sha256,
      area,
      payload,
      signedAt: SIGNED_AT,
    });
    return armor(signature);
  }

  beforeAll(async () => {
    repo = makeRepo();
    gpg = makeGpg(repo.env.GNUPGHOME!, repo.env);
    repo.run(['config', 'gpg.program', gpg.wrapper]);
    const ed = gpg.genKey('Ed Edwards <ed@example.com>', 'ed25519', { at: KEYS_AT });
    const other = gpg.genKey('Otto Other <otto@example.com>', 'ed25519', { at: KEYS_AT });
    gpg.trust(ed, other);
    repo.run(['-c', `user.signingkey=${ed}`, 'commit', '-q', '--allow-empty', '-S', '-m', 'signed'], {
      env: { GG_GPG_ARGS: `--faked-system-time ${SIGNED_AT}!` },
    });
    c.plain = repo.head();
    raw = execFileSync('git', ['cat-file', 'commit', c.plain], { cwd: repo.dir, env: repo.env }).toString();
    const s = commitSignature(c.plain, Buffer.from(raw));
    payload = s.payload;
    signed = s.signature!;
    key = await openpgp.readPrivateKey({ armoredKey: gpg.run(['--armor', '--export-secret-keys', ed]).toString() });
    const revoker = Buffer.concat([Buffer.from([0x80, 22]), Buffer.alloc(20, 7)]);
    const variants: Record<string, Promise<string>> = {
      'unhashed: unknown, critical': unhashed(sub(101, 'x', true)),
      'unhashed: unknown, not critical': unhashed(sub(101, 'x')),
      'unhashed: critical regular expression': unhashed(sub(6, 'foo\0', true)),
      'unhashed: critical revocation key': unhashed(sub(12, revoker, true)),
      'unhashed: critical notation, unknown name, not human-readable': unhashed(
        sub(20, notation('x@example.com', 'v', false), true),
      ),
      'unhashed: critical notation, unknown name, human-readable': unhashed(
        sub(20, notation('x@example.com', 'v', true), true),
      ),
      'unhashed: critical notation gpg knows': unhashed(
        sub(20, notation('preferred-email-encoding@pgp.com', 'pgpmime', true), true),
      ),
      "unhashed: critical signer's user id": unhashed(sub(28, 'ed@example.com', true)),
      'unhashed: critical key server flags': unhashed(sub(23, Buffer.from([0x80]), true)),
      'unhashed: critical key block, version 1': unhashed(sub(38, Buffer.from([1, 2, 3]), true)),
      'unhashed: critical key block, version 0': unhashed(sub(38, Buffer.from([0, 2, 3]), true)),
      'unhashed: critical issuer fingerprint': unhashed(
        sub(33, Buffer.concat([Buffer.from([4]), Buffer.from(ed, 'hex')]), true),
      ),
      // gpg looks the key up by the hashed issuer fingerprint only; openpgp.js lets this one override it.
      'unhashed: issuer fingerprint of another key': unhashed(
        sub(33, Buffer.concat([Buffer.from([4]), Buffer.from(other, 'hex')])),
      ),
      'hashed: unknown, critical': hashed(sub(101, 'x', true)),
      'hashed: unknown, not critical': hashed(sub(101, 'x')),
      "hashed: critical signer's user id": hashed(sub(28, 'ed@example.com', true)),
      'hashed: critical regular expression': hashed(sub(6, 'foo\0', true)),
      'hashed: critical notation gpg knows': hashed(
        sub(20, notation('pka-address@gnupg.org', 'ed@example.com', true), true),
      ),
      'hashed: critical notation, unknown name': hashed(sub(20, notation('x@example.com', 'v', true), true)),
      'hashed: critical preferred AEAD algorithms': hashed(sub(34, Buffer.from([9]), true)),
      'hashed: nothing extra': hashed(Buffer.alloc(0)),
      'hashed: a second, later creation time': hashed(sub(2, time(SIGNED_AT + DAY))),
      'hashed: a second, earlier creation time': hashed(sub(2, time(KEYS_AT - DAY))),
      'hashed: a second issuer fingerprint, of another key': hashed(
        sub(33, Buffer.concat([Buffer.from([4]), Buffer.from(other, 'hex')])),
      ),
      'hashed: issuer fingerprint of another key': hashed(Buffer.alloc(0), { issuer: other }),
      'hashed: issuer key id of another key': hashed(sub(16, Buffer.from(other.slice(-16), 'hex'))),
      'hashed: signature expiration passed': hashed(sub(3, time(1))),
      'unhashed: signature expiration passed': unhashed(sub(3, time(1))),
      'unhashed: a creation time before the key': unhashed(sub(2, time(KEYS_AT - DAY))),
    };
    for (const [name, armored] of Object.entries(variants)) c[name] = write(withSignature(raw, await armored));
    const keys = [{ file: 'keys.asc', data: gpg.exportPublic(ed, other) }];
    quick = await loadKeyring(keys);
    full = await loadKeyring(keys, { quick: false });
  }, 120_000);

  afterAll(() => gpg?.kill());

  // [variant, git's letter (measured with git 2.39.5 + gpg 2.2.40)]
  const table: [string, string][] = [
    ['plain', 'G'],
    ['unhashed: unknown, critical', 'B'],
    ['unhashed: unknown, not critical', 'G'],
    ['unhashed: critical regular expression', 'G'],
    ['unhashed: critical revocation key', 'G'],
    ['unhashed: critical notation, unknown name, not human-readable', 'B'],
    ['unhashed: critical notation, unknown name, human-readable', 'B'],
    ['unhashed: critical notation gpg knows', 'G'],
    ["unhashed: critical signer's user id", 'B'],
    ['unhashed: critical key server flags', 'B'],
    ['unhashed: critical key block, version 1', 'B'],
    ['unhashed: critical key block, version 0', 'G'],
    ['unhashed: critical issuer fingerprint', 'G'],
    ['unhashed: issuer fingerprint of another key', 'G'],
    ['hashed: unknown, critical', 'B'],
    ['hashed: unknown, not critical', 'G'],
    ["hashed: critical signer's user id", 'B'],
    ['hashed: critical regular expression', 'G'],
    ['hashed: critical notation gpg knows', 'G'],
    ['hashed: critical notation, unknown name', 'B'],
    ['hashed: critical preferred AEAD algorithms', 'B'],
    ['hashed: nothing extra', 'G'],
    ['hashed: a second, later creation time', 'G'],
    ['hashed: a second, earlier creation time', 'G'],
    ['hashed: a second issuer fingerprint, of another key', 'G'],
    ['hashed: issuer fingerprint of another key', 'B'],
    ['hashed: issuer key id of another key', 'G'],
    ['hashed: signature expiration passed', 'X'],
    ['unhashed: signature expiration passed', 'G'],
    ['unhashed: a creation time before the key', 'G'],
  ];

  test.each(table)('%s: git says %s, and so do we (both paths)', async (name, gitSays) => {
    const oid = c[name]!;
    expect(gitLetter(oid)).toBe(gitSays);
    const { payload: data, signature } = commitSignature(
      oid,
      execFileSync('git', ['cat-file', 'commit', oid], { cwd: repo.dir, env: repo.env }),
    );
    const ours = await quick.verify(data, signature!);
    expect(ours.letter).toBe(gitSays);
    expect(await full.verify(data, signature!)).toEqual(ours);
    if (gitSays === 'B' && !name.includes('another key'))
      expect(ours.reason).toMatch(/^bad signature: critical subpacket \d+ in the (un)?hashed area/);
  });

  // gpg reads the first of two creation times (parse_sig_subpkt), openpgp.js the last: the signing
  // time a policy judges expiry and revocation by must be gpg's (VALIDSIG's).
  test.each([
    ['hashed: a second, later creation time', 'before: a day late'],
    ['hashed: a second, earlier creation time', 'before: before the key, E'],
  ])("%s: the signing time is the first, gpg's (%s)", async (name) => {
    const oid = c[name]!;
    // git verify-commit --raw prints gpg's status lines on stderr.
    const status = spawnSync('git', ['verify-commit', '--raw', oid], { cwd: repo.dir, env: repo.env }).stderr;
    const validsig = /^\[GNUPG:\] VALIDSIG \S+ \S+ (\d+) /m.exec(status.toString())?.[1];
    expect(Number(validsig)).toBe(SIGNED_AT);
    const { payload: data, signature } = commitSignature(
      oid,
      execFileSync('git', ['cat-file', 'commit', oid], { cwd: repo.dir, env: repo.env }),
    );
    for (const k of [quick, full])
      expect(await k.verify(data, signature!)).toMatchObject({ letter: 'G', signedAt: SIGNED_AT });
  });

  test('a subpacket area gpg will not read (over 10000 octets) is E, where git says N', async () => {
    for (const [name, size] of [
      ['long hashed area', 10001],
      ['hashed area at the limit', 10000],
    ] as const) {
      // creation time (6 octets) and issuer fingerprint (23) are there already; then one notation
      // with a five-octet length (5), its type (1), flags and lengths (8), name and value.
      const body = notation('n@example.com', 'v'.repeat(size - 29 - 5 - 1 - 8 - 'n@example.com'.length), true);
      const long = Buffer.concat([Buffer.from([255]), Buffer.alloc(4), Buffer.from([20]), body]);
      long.writeUInt32BE(body.length + 1, 1);
      const armored = await hashed(long);
      expect((await parts(armored)).hashed.length).toBe(size);
      const oid = write(withSignature(raw, armored));
      const over = size > 10000;
      expect([name, gitLetter(oid)]).toEqual([name, over ? 'N' : 'G']);
      const { payload: data, signature } = commitSignature(
        oid,
        execFileSync('git', ['cat-file', 'commit', oid], { cwd: repo.dir, env: repo.env }),
      );
      const ours = await quick.verify(data, signature!);
      expect([name, ours.letter]).toEqual([name, over ? 'E' : 'G']);
      expect(await full.verify(data, signature!)).toEqual(ours);
      if (over) expect(ours.reason).toMatch(/over 10000 octets/);
    }
  });

  test('a tampered payload stays B with a critical subpacket gpg does not understand', async () => {
    const armored = await unhashed(sub(101, 'x', true));
    const v = await quick.verify(Buffer.concat([payload, Buffer.from('x')]), armored);
    expect(v.letter).toBe('B');
  });
});

describe('criticalProblem walks a subpacket area as gpg does', () => {
  const ok = Buffer.concat([sub(2, Buffer.alloc(4), true), sub(16, Buffer.alloc(8))]);
  test.each<[string, Buffer, RegExp | undefined]>([
    ['understood critical and unknown non-critical', Buffer.concat([ok, sub(101, 'x')]), undefined],
    ['unknown critical', sub(101, 'x', true), /critical subpacket 101 in the unhashed area/],
    ['a length past the end', Buffer.from([5, 16, 0]), /cannot be walked/],
    ['a two-octet length cut short', Buffer.from([0xc0]), /cannot be walked/],
    ['a five-octet length cut short', Buffer.from([0xff, 0, 0]), /cannot be walked/],
    ['a length octet and no type', Buffer.concat([ok, Buffer.from([0])]), /without a type octet/],
    // gpg skips a zero length octet and reads the next octet as a type: critical there is an overrun.
    ['a zero length before a critical type octet', Buffer.from([0, 0x90, 0]), /cannot be walked/],
    ['a zero length before a non-critical octet', Buffer.concat([Buffer.from([0]), ok]), undefined],
    [
      'a critical notation with a name past its end',
      sub(20, Buffer.from([0, 0, 0, 0, 0, 40, 0, 0, 0x61]), true),
      /critical subpacket 20/,
    ],
  ])('%s', (_, area, expected) => {
    const got = criticalProblem(Buffer.alloc(0), area);
    if (expected) expect(got).toMatch(expected);
    else expect(got).toBeUndefined();
    // The same rule holds in the hashed area.
    expect(criticalProblem(area, Buffer.alloc(0))?.replace('hashed', 'unhashed')).toEqual(got);
  });
});
