// An Ed25519 signature's S read as the programs git runs read it. node:crypto (OpenSSL) refuses an S
// at or above the group order L; OpenSSH 9.2's own Ed25519 refuses only an S of 2^253 or more, and
// gpg 2.2 (libgcrypt) any S of 32 octets: both compute with S mod L. So S + L, made from a good
// signature by anyone, is G to git, and gitguard said B (a false failure on an honest key's commits
// once someone rewrote them). Each case here is a real signature (ssh-keygen's, gpg's) or a crafted
// one (a security key's, which ssh-keygen cannot make without one) with S moved, judged by git with
// the same allowed signers or key beside gitguard. Twins: S itself, S + 2L for SSH (top bits set:
// OpenSSH refuses), S + 16L for gpg (33 octets: "Bad MPI value", E), a zero r or s, a changed R.
import { join } from 'node:path';
import { cleanupTemp, makeRepo, type TestRepo } from '../helpers/repo.js';
import { rsaPlus, withMpis } from '../helpers/openpgp-build.js';
import { keyringVerdicts, resignedCommit, rsaSigned, type ResignedCommit } from '../helpers/resigned-commit.js';
import { caLine, issueCert } from '../helpers/ssh-cert.js';
import {
  catCommit,
  craftKey,
  craftSshSignature,
  expectSshVerdictAsGit,
  makeSshKey,
  signedCommit,
  spliceSignature,
  splitCommit,
  writeAllowedSigners,
  writeCommitObject,
  type CraftedKey,
} from '../helpers/ssh.js';

const L = (1n << 252n) + 27742317777372353535851937790883648493n;
const NOW = 1_780_000_000;

afterAll(cleanupTemp);

/** A little-endian scalar of `width` octets. */
const le = (n: bigint, width: number): Buffer => Buffer.from(n.toString(16).padStart(width * 2, '0'), 'hex').reverse();
const fromLe = (b: Uint8Array): bigint => BigInt('0x' + (Buffer.from(b).reverse().toString('hex') || '0'));

/** `blob` with the 32-octet little-endian S ending at `end` moved by k·L (it must still fit). */
function movedS(blob: Buffer, end: number, k: bigint): Buffer {
  const out = Buffer.from(blob);
  const s = fromLe(out.subarray(end - 32, end)) + k * L;
  if (s >= 1n << 256n) throw new Error('S + kL does not fit in 32 octets');
  le(s, 32).copy(out, end - 32);
  return out;
}

// ---------------------------------------------------------------------------------------------
// SSH: git + ssh-keygen against verifySshSignature with the same allowed signers

const SSH_BEGIN = '-----BEGIN SSH SIGNATURE-----';
const SSH_END = '-----END SSH SIGNATURE-----';
const sshBlob = (armored: string): Buffer =>
  Buffer.from(armored.slice(armored.indexOf('\n'), armored.indexOf(SSH_END)).replace(/\s/g, ''), 'base64');
const sshArmor = (blob: Buffer): string =>
  `${SSH_BEGIN}\n${blob.toString('base64').replace(/.{70}/g, '$&\n').replace(/\n$/, '')}\n${SSH_END}\n`;

describe('SSH: an Ed25519 S above L', () => {
  let repo: TestRepo;
  let plainSigners: string;
  let caSigners: string;
  let skSigners: string;
  const c: Record<string, string> = {};
  /** The commits S, S + L and S + 2L make, under those names. */
  const moved = (names: string[], make: (k: bigint) => string): void =>
    names.forEach((name, k) => (c[name] = make(BigInt(k))));

  beforeAll(() => {
    repo = makeRepo();
    const dir = repo.home;
    const alice = makeSshKey(dir, 'ed25519', 'alice');
    const ca = makeSshKey(dir, 'ed25519', 'ca');
    plainSigners = writeAllowedSigners(join(dir, 'plain'), [`alice@example.com ${alice.pub}`]);
    caSigners = writeAllowedSigners(join(dir, 'ca'), [caLine('alice@example.com', ca)]);
    const opts = { committerEmail: 'alice@example.com' };
    // ssh-keygen's own signature: S is the last 32 octets of the sshsig blob.
    const real = splitCommit(catCommit(repo, signedCommit(repo, alice, 'by alice', opts)));
    const real_ = (k: bigint): string => {
      const blob = sshBlob(real.signature);
      return writeCommitObject(repo, spliceSignature(real.payload, sshArmor(movedS(blob, blob.length, k))));
    };
    moved(['same', 'plusL', 'plus2L'], real_);

    // A certificate ssh-keygen -s issued: its CA's S ends the certificate, which the sshsig blob
    // holds after its magic and version (the signature does not cover it: only the CA's does).
    const cert = issueCert(ca, alice, dir, { principals: ['alice@example.com'] });
    const byCert = splitCommit(catCommit(repo, signedCommit(repo, cert, 'by alice, certified', opts)));
    const cert_ = (k: bigint): string => {
      const blob = sshBlob(byCert.signature);
      const end = 10 + 4 + blob.readUInt32BE(10);
      return writeCommitObject(repo, spliceSignature(byCert.payload, sshArmor(movedS(blob, end, k))));
    };
    moved(['certSame', 'certPlusL', 'certPlus2L'], cert_);

    // A security key's signature (string type, string R||S, byte flags, uint32 counter).
    const sk = craftKey('sk-ed25519');
    skSigners = writeAllowedSigners(join(dir, 'sk'), [`alice@example.com ${sk.pub}`]);
    const unsigned = catCommit(repo, signedCommit(repo, undefined, 'to sign with a security key', opts));
    const sk_ = (k: bigint): string => {
      const moved: CraftedKey = {
        ...sk,
        sign: (d) => {
          const blob = sk.sign(d);
          return movedS(blob, blob.length - 5, k);
        },
      };
      return writeCommitObject(repo, spliceSignature(unsigned, craftSshSignature(moved, unsigned)));
    };
    moved(['skSame', 'skPlusL', 'skPlus2L'], sk_);
  });

  test.each([
    ['same', 'G'],
    ['plusL', 'G'],
    ['plus2L', 'B'],
  ])("ssh-keygen's signature, S moved (%s): git says %s, and so does gitguard", (name, letter) => {
    expectSshVerdictAsGit(repo, c[name]!, plainSigners, letter);
  });

  test.each([
    ['certSame', 'G'],
    ['certPlusL', 'G'],
  ])("a certificate whose CA's S is moved (%s): git says %s, and so does gitguard", (name, letter) => {
    expectSshVerdictAsGit(repo, c[name]!, caSigners, letter);
  });

  test("a certificate whose CA's S has its top bits set: not G, as git", () => {
    // ssh-keygen cannot read the certificate: git and gitguard both say B.
    expectSshVerdictAsGit(repo, c.certPlus2L!, caSigners, 'B');
  });

  test.each([
    ['skSame', 'G'],
    ['skPlusL', 'G'],
    ['skPlus2L', 'B'],
  ])("a security key's signature, S moved (%s): git says %s, and so does gitguard", (name, letter) => {
    expectSshVerdictAsGit(repo, c[name]!, skSigners, letter);
  });
});

// ---------------------------------------------------------------------------------------------
// OpenPGP: git + gpg 2.2 against the keyring, on its quick path and openpgp.js's

/** EdDSA's s (MPI octets, little-endian S) moved by k·L, written back on `width` octets. */
const sPlus =
  (k: bigint, width = 32) =>
  ([r, s]: Buffer[]): Buffer[] => {
    const padded = Buffer.concat([Buffer.alloc(32 - s!.length), s!]);
    return [r!, le(fromLe(padded) + k * L, width)];
  };

describe('OpenPGP (gpg 2.2): an EdDSA S above L, an RSA s above n', () => {
  let made: ResignedCommit;
  const c: Record<string, string> = {};

  beforeAll(() => {
    made = resignedCommit(NOW);
    const variant = (name: string, f: (mpis: Buffer[]) => Buffer[], armored = made.armored): void => {
      c[name] = made.withSignature(name, withMpis(armored, f));
    };
    variant('same', sPlus(0n));
    variant('plusL', sPlus(1n));
    variant('plus8L', sPlus(8n));
    // S + 16L on 33 octets, but S + 17L where S + 16L's first octet (written little-endian, read as an MPI)
    // is 0: the MPI would drop it and be 32 octets, which gpg reads (B, by luck 1 in 256). L's low
    // octet is 0xed, so one more L makes it non-zero, and S + 17L < 2^257 still takes 33 octets.
    variant('plus16L', (mpis) => {
      const s = fromLe(Buffer.concat([Buffer.alloc(32 - mpis[1]!.length), mpis[1]!]));
      return sPlus((s + 16n * L) % 256n === 0n ? 17n : 16n, 33)(mpis);
    });
    variant('zeroS', ([r]) => [r!, Buffer.alloc(0)]);
    variant('zeroR', ([, s]) => [Buffer.alloc(0), s!]);
    // R changed (one bit of its last octet): bad whatever S is.
    variant('otherR', ([r, s]) => sPlus(1n)([Buffer.concat([r!.subarray(0, -1), Buffer.of(r!.at(-1)! ^ 1)]), s!]));

    // An RSA key of the same keyring signs the same commit: gpg's own detached signature over its payload.
    const { armored: byRob, modulus } = rsaSigned(made, NOW);
    variant('rsaSame', rsaPlus(0n, modulus), byRob);
    variant('rsaPlusN', rsaPlus(1n, modulus), byRob);
    variant('rsaPlus3N', rsaPlus(3n, modulus), byRob);
    variant(
      'rsaOff',
      ([s]) => rsaPlus(1n, modulus)([Buffer.concat([s!.subarray(0, -1), Buffer.of(s!.at(-1)! ^ 1)])]),
      byRob,
    );
  }, 60_000);
  afterAll(() => made?.gpg.kill());

  const gitLetter = (oid: string): string =>
    made.r.run(['log', '--no-walk', '--format=%G?%x00%GK', oid], {
      env: { GG_GPG_ARGS: `--faked-system-time ${NOW}!` },
    });

  test.each([
    ['same', 'G'],
    ['plusL', 'G'],
    ['plus8L', 'G'],
    ['plus16L', 'E'],
    ['zeroS', 'E'],
    ['zeroR', 'E'],
    ['otherR', 'B'],
    ['rsaSame', 'G'],
    ['rsaPlusN', 'G'],
    ['rsaPlus3N', 'G'],
    ['rsaOff', 'B'],
  ])('%s: git says %s, and so does gitguard on both of its paths, naming the same key', async (name, letter) => {
    const [gitSays, gitKey] = gitLetter(c[name]!).split('\0');
    expect(gitSays).toBe(letter);
    for (const v of await keyringVerdicts(made, c[name]!, NOW)) {
      expect({ quick: v.quick, letter: v.letter }).toEqual({ quick: v.quick, letter });
      expect(v.signingKey?.endsWith(gitKey!)).toBe(true);
    }
  });
});
