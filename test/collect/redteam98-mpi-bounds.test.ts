// An OpenPGP signature MPI longer than gpg reads. gpg 2.2 refuses any MPI of more than 16384 bits
// (parse-packet.c mpi_read: "mpi too large"), so the packet is invalid and git shows no signature (N),
// while libgcrypt computes an RSA s mod n: s + k·n is good to gpg only while it still reads it. gitguard
// read s mod n at any length and said G (both its quick reader and openpgp.js's path): anyone could take
// a good RSA signature, pad it past 16384 bits with a multiple of n, and have gitguard vouch for a
// commit git shows as unsigned. Twins: the signature itself, and s moved to exactly 16384 bits (G to git).
import { cleanupTemp } from '../helpers/repo.js';
import { rsaPlus, withMpis } from '../helpers/openpgp-build.js';
import { keyringVerdicts, resignedCommit, rsaSigned, type ResignedCommit } from '../helpers/resigned-commit.js';

const NOW = 1_780_000_000;

afterAll(cleanupTemp);

describe('OpenPGP (gpg 2.2): an RSA s moved by a multiple of n past 16384 bits', () => {
  let made: ResignedCommit;
  const c: Record<string, string> = {};

  beforeAll(() => {
    made = resignedCommit(NOW);
    const { armored: byRob, modulus } = rsaSigned(made, NOW);
    const n = BigInt('0x' + modulus.toString('hex'));
    // s + k·n of exactly `bits` bits: the least k past 2^(bits-1), far below 2^bits.
    const ofBits = (bits: number): bigint => ((1n << BigInt(bits - 1)) + n - 1n) / n;
    c.same = made.withSignature('same', withMpis(byRob, rsaPlus(0n, modulus)));
    for (const bits of [16384, 16385, 20000])
      c[`bits${bits}`] = made.withSignature(`bits${bits}`, withMpis(byRob, rsaPlus(ofBits(bits), modulus)));
  }, 60_000);
  afterAll(() => made?.gpg.kill());

  const gitLetter = (oid: string): string =>
    made.r.run(['log', '--no-walk', '--format=%G?', oid], { env: { GG_GPG_ARGS: `--faked-system-time ${NOW}!` } });

  test.each([
    ['same', 'G', 'G'],
    ['bits16384', 'G', 'G'],
    // git: N (gpg reads no packet); gitguard refuses the block it cannot read as gpg does: E, never G.
    ['bits16385', 'N', 'E'],
    ['bits20000', 'N', 'E'],
  ])('%s: git says %s, gitguard %s on both of its paths', async (name, gitSays, letter) => {
    expect(gitLetter(c[name]!)).toBe(gitSays);
    for (const v of await keyringVerdicts(made, c[name]!, NOW)) {
      expect({ quick: v.quick, letter: v.letter }).toEqual({ quick: v.quick, letter });
      if (letter === 'E') expect(v.reason).toMatch(/MPI of \d+ bits/);
    }
  });
});
