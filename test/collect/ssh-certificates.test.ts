// Commits signed with OpenSSH user certificates (user.signingkey = the -cert.pub file that
// `ssh-keygen -s` issued), judged against allowed_signers `cert-authority` lines: for each case the
// letter we compute must be the letter `git log --format=%G?` prints with the same file (git 2.39 +
// OpenSSH 9.2 running ssh-keygen -Y find-principals / verify), and for G the same principal and key.
// The expected letters are the facts measured on git 2.39.5 + OpenSSH 9.2p1; if git's answer
// changes, the fact fails first.
import { join } from 'node:path';
import { parseSshPublicKey } from '../../src/collect/signatures/ssh-key.js';
import { cleanupTemp, makeRepo, type TestRepo } from '../helpers/repo.js';
import {
  catCommit,
  gitSignatureInfo,
  makeSshKey,
  signedCommit,
  spliceSignature,
  splitCommit,
  writeAllowedSigners,
  writeCommitObject,
  type SshTestKey,
  ourSshVerdict,
  expectSshVerdictAsGit,
} from '../helpers/ssh.js';
import { caLine, issueCert } from '../helpers/ssh-cert.js';

// Every commit is made at this time (2024-06-01T00:00:00Z); certificates are valid around it.
const AT = '2024-06-01T00:00:00Z';
const AT_SECONDS = Date.parse(AT) / 1000;
const YEAR = '20240101000000Z:20250101000000Z';

// name -> git's letter (measured).
const EXPECTED: Record<string, string> = {
  'certificate for alice, CA trusted for *@example.com': 'G',
  'certificate for alice, CA trusted for alice@example.com': 'G',
  'certificate valid for ever (no -V)': 'G',
  'certificate with several principals, one matched by the line': 'G',
  'certificate with critical options force-command and source-address': 'G',
  'certificate with no extensions (-O clear)': 'G',
  'RSA CA, rsa-sha2-512 over the certificate': 'G',
  'RSA CA, ssh-rsa (SHA-1) over the certificate': 'G',
  'ECDSA CA, ECDSA user key': 'G',
  'RSA user key certified by an Ed25519 CA': 'G',
  'certificate expired before the commit': 'U',
  'certificate not yet valid at the commit': 'U',
  'certificate valid_before equal to the commit time': 'U',
  'certificate valid_after equal to the commit time': 'G',
  'certificate for bob, CA trusted for alice only': 'U',
  'certificate by another CA': 'U',
  'host certificate': 'U',
  'certificate without principals': 'U',
  'the CA key signs directly, CA line only': 'U',
  'the CA key signs directly, CA also on a plain line': 'G',
  'certificate, plain line with the certified key only': 'U',
  'certificate, the certificate itself on a plain line': 'G',
  'CA line namespaces="file"': 'B',
  'CA line namespaces="git"': 'G',
  'CA line valid-before in the past': 'U',
  'CA line for another principal first, then a matching one': 'G',
  'CA line "!alice@example.com,*@example.com"': 'B',
  'CA line with a wildcard principal in the certificate': 'G',
  'certificate whose CA signature was altered': 'B',
  'tampered commit signed with a good certificate': 'B',
};

interface Case {
  oid: string;
  signers: string;
}

let repo: TestRepo;
const cases = new Map<string, Case>();
const keys = {} as Record<'ca' | 'ca2' | 'caRsa' | 'caEcdsa' | 'alice' | 'aliceEcdsa' | 'aliceRsa', SshTestKey>;
let goodCert: SshTestKey;

/** The armored signature with `from` replaced by `to` (same length) inside its binary blob. */
function alterSignature(armored: string, from: string, to: string): string {
  const body = armored.split('\n').filter((l) => l && !l.startsWith('-----'));
  const blob = Buffer.from(body.join(''), 'base64');
  const at = blob.indexOf(from);
  if (at === -1 || from.length !== to.length) throw new Error('nothing to alter');
  blob.write(to, at, 'latin1');
  const b64 = blob.toString('base64').match(/.{1,70}/g)!;
  return ['-----BEGIN SSH SIGNATURE-----', ...b64, '-----END SSH SIGNATURE-----', ''].join('\n');
}

beforeAll(() => {
  repo = makeRepo();
  const dir = repo.home;
  keys.ca = makeSshKey(dir, 'ed25519', 'ca');
  keys.ca2 = makeSshKey(dir, 'ed25519', 'ca2');
  keys.caRsa = makeSshKey(dir, 'rsa', 'ca-rsa');
  keys.caEcdsa = makeSshKey(dir, 'ecdsa-256', 'ca-ecdsa');
  keys.alice = makeSshKey(dir, 'ed25519', 'alice');
  keys.aliceEcdsa = makeSshKey(dir, 'ecdsa-384', 'alice-ecdsa');
  keys.aliceRsa = makeSshKey(dir, 'rsa', 'alice-rsa');
  const cert = (ca: SshTestKey, opts: Parameters<typeof issueCert>[3], user = keys.alice): SshTestKey =>
    issueCert(ca, user, dir, opts);
  let n = 0;
  const file = (lines: string[]): string => writeAllowedSigners(join(dir, `allowed-${++n}`), lines);
  const trustAll = file([caLine('*@example.com', keys.ca)]);
  const add = (name: string, key: SshTestKey, signers: string): void => {
    if (!(name in EXPECTED)) throw new Error(`no expected letter for ${name}`);
    cases.set(name, { oid: signedCommit(repo, key, name, { date: AT }), signers });
  };

  goodCert = cert(keys.ca, { principals: ['alice@example.com'], validity: YEAR });
  add('certificate for alice, CA trusted for *@example.com', goodCert, trustAll);
  add(
    'certificate for alice, CA trusted for alice@example.com',
    goodCert,
    file([caLine('alice@example.com', keys.ca)]),
  );
  add('certificate valid for ever (no -V)', cert(keys.ca, { principals: ['alice@example.com'] }), trustAll);
  add(
    'certificate with several principals, one matched by the line',
    cert(keys.ca, { principals: ['alice', 'alice@corp.example', 'alice@example.com'], validity: YEAR }),
    trustAll,
  );
  add(
    'certificate with critical options force-command and source-address',
    cert(keys.ca, {
      principals: ['alice@example.com'],
      validity: YEAR,
      options: ['force-command=/bin/false', 'source-address=10.0.0.0/8'],
    }),
    trustAll,
  );
  add(
    'certificate with no extensions (-O clear)',
    cert(keys.ca, { principals: ['alice@example.com'], options: ['clear'] }),
    trustAll,
  );
  add(
    'RSA CA, rsa-sha2-512 over the certificate',
    cert(keys.caRsa, { principals: ['alice@example.com'], caSignatureAlgorithm: 'rsa-sha2-512' }),
    file([caLine('*@example.com', keys.caRsa)]),
  );
  add(
    'RSA CA, ssh-rsa (SHA-1) over the certificate',
    cert(keys.caRsa, { principals: ['alice@example.com'], caSignatureAlgorithm: 'ssh-rsa' }),
    file([caLine('*@example.com', keys.caRsa)]),
  );
  add(
    'ECDSA CA, ECDSA user key',
    cert(keys.caEcdsa, { principals: ['alice@example.com'] }, keys.aliceEcdsa),
    file([caLine('*@example.com', keys.caEcdsa)]),
  );
  add(
    'RSA user key certified by an Ed25519 CA',
    cert(keys.ca, { principals: ['alice@example.com'] }, keys.aliceRsa),
    trustAll,
  );
  add(
    'certificate expired before the commit',
    cert(keys.ca, { principals: ['alice@example.com'], validity: '20230101000000Z:20240101000000Z' }),
    trustAll,
  );
  add(
    'certificate not yet valid at the commit',
    cert(keys.ca, { principals: ['alice@example.com'], validity: '20240602000000Z:20250101000000Z' }),
    trustAll,
  );
  add(
    'certificate valid_before equal to the commit time',
    cert(keys.ca, { principals: ['alice@example.com'], validity: '20240101000000Z:20240601000000Z' }),
    trustAll,
  );
  add(
    'certificate valid_after equal to the commit time',
    cert(keys.ca, { principals: ['alice@example.com'], validity: '20240601000000Z:20240602000000Z' }),
    trustAll,
  );
  add(
    'certificate for bob, CA trusted for alice only',
    cert(keys.ca, { principals: ['bob@example.com'], validity: YEAR }),
    file([caLine('alice@example.com', keys.ca)]),
  );
  add('certificate by another CA', cert(keys.ca2, { principals: ['alice@example.com'] }), trustAll);
  add('host certificate', cert(keys.ca, { principals: ['alice@example.com'], host: true }), trustAll);
  add('certificate without principals', cert(keys.ca, { principals: [] }), trustAll);
  add('the CA key signs directly, CA line only', keys.ca, trustAll);
  add(
    'the CA key signs directly, CA also on a plain line',
    keys.ca,
    file([caLine('*@example.com', keys.ca), `ca@example.com ${keys.ca.pub}`]),
  );
  add('certificate, plain line with the certified key only', goodCert, file([`alice@example.com ${keys.alice.pub}`]));
  add('certificate, the certificate itself on a plain line', goodCert, file([`alice@example.com ${goodCert.pub}`]));
  add('CA line namespaces="file"', goodCert, file([caLine('*@example.com', keys.ca, ['namespaces="file"'])]));
  add('CA line namespaces="git"', goodCert, file([caLine('*@example.com', keys.ca, ['namespaces="git"'])]));
  add(
    'CA line valid-before in the past',
    goodCert,
    file([caLine('*@example.com', keys.ca, ['valid-before="20240101"'])]),
  );
  add(
    'CA line for another principal first, then a matching one',
    goodCert,
    file([caLine('bob@example.com', keys.ca), caLine('alice@example.com', keys.ca)]),
  );
  add(
    'CA line "!alice@example.com,*@example.com"',
    goodCert,
    file([caLine('"!alice@example.com,*@example.com"', keys.ca)]),
  );
  add(
    'CA line with a wildcard principal in the certificate',
    cert(keys.ca, { principals: ['*@example.com'] }),
    file([caLine('*', keys.ca)]),
  );

  // Forged: the certificate's principal changed after the CA signed it, the signature spliced back.
  const good = splitCommit(catCommit(repo, cases.get('certificate for alice, CA trusted for *@example.com')!.oid));
  const forged = alterSignature(good.signature, 'alice@example.com', 'alicE@example.com');
  cases.set('certificate whose CA signature was altered', {
    oid: writeCommitObject(repo, spliceSignature(good.payload, forged)),
    signers: file([caLine('*', keys.ca)]),
  });
  const tampered = Buffer.from(good.raw.toString('latin1').replace(/\n\n/, '\n\nforged '), 'latin1');
  cases.set('tampered commit signed with a good certificate', {
    oid: writeCommitObject(repo, tampered),
    signers: trustAll,
  });
}, 180_000);

afterAll(() => cleanupTemp());

const ours = (c: Case): ReturnType<typeof ourSshVerdict> => ourSshVerdict(repo, c.oid, c.signers);

describe('certificate signatures: verifySshSignature agrees with git %G?', () => {
  test.each(Object.keys(EXPECTED))('%s', (name) => {
    const c = cases.get(name)!;
    expect(splitCommit(catCommit(repo, c.oid)).committerTime).toBe(AT_SECONDS);
    expectSshVerdictAsGit(repo, c.oid, c.signers, EXPECTED[name]!);
  });
});

describe('certificate details', () => {
  test('a good certificate signature names the certified key, its CA and the certificate principal', () => {
    const v = ours(cases.get('certificate for alice, CA trusted for *@example.com')!);
    expect(v).toMatchObject({
      letter: 'G',
      signer: keys.alice.fingerprint,
      certAuthority: keys.ca.fingerprint,
      identities: ['alice@example.com'],
      keyAlgorithm: 'ssh-ed25519',
      certSignatureAlgorithm: 'ssh-ed25519',
      certAuthorityAlgorithm: 'ssh-ed25519',
    });
    expect(ours(cases.get('certificate for alice, CA trusted for *@example.com')!).byCertAuthority).toBe(true);
    // The certificate itself on a plain line is a key like any other: its principals are the line's.
    const plain = ours(cases.get('certificate, the certificate itself on a plain line')!);
    expect(plain).toMatchObject({ letter: 'G', certAuthority: keys.ca.fingerprint, identities: ['alice@example.com'] });
    expect(plain.byCertAuthority).toBeUndefined();
    expect(ours(cases.get('RSA CA, ssh-rsa (SHA-1) over the certificate')!)).toMatchObject({
      letter: 'G',
      certSignatureAlgorithm: 'ssh-rsa',
      certAuthorityAlgorithm: 'ssh-rsa',
      certAuthorityBits: 2048,
    });
  });

  test('refusals say why: expired, not a user certificate, CA not trusted', () => {
    expect(ours(cases.get('certificate expired before the commit')!).reason).toMatch(/has expired at the commit time/);
    expect(ours(cases.get('host certificate')!).reason).toMatch(/not a user certificate/);
    expect(ours(cases.get('certificate by another CA')!).reason).toMatch(/the CA is not a cert-authority/);
  });

  test('a certificate is parsed like ssh-keygen -L shows it; one whose CA signature fails is refused', () => {
    const blob = Buffer.from(goodCert.pub.split(' ')[1]!, 'base64');
    const key = parseSshPublicKey(blob);
    expect(key.fingerprint).toBe(keys.alice.fingerprint); // ssh-keygen -l: the certified key
    expect(key.cert).toMatchObject({
      plainType: 'ssh-ed25519',
      certType: 1,
      principals: ['alice@example.com'],
      validAfter: BigInt(Date.parse('2024-01-01T00:00:00Z') / 1000),
      validBefore: BigInt(Date.parse('2025-01-01T00:00:00Z') / 1000),
    });
    expect(key.cert!.signatureKey.fingerprint).toBe(keys.ca.fingerprint);
    const altered = Buffer.from(blob);
    altered.write('alicE', altered.indexOf('alice@example.com'), 'latin1');
    expect(() => parseSshPublicKey(altered)).toThrow(/certificate signature does not verify/);
  });
});

describe('random certificates and allowed_signers files (fixed seed): the same letter as git', () => {
  // Certificates with random principals, types and validity windows around the commit, against
  // files of random plain and cert-authority lines (principal patterns, namespaces, validity).
  // 20 cases reach every verdict and every refusal reason the first 40 do (the letters B, G, U and
  // the six reasons for U, asserted below); GITGUARD_CERT_CASES runs more of the same sequence.
  const SEED = 20261205;
  const N = Number(process.env.GITGUARD_CERT_CASES ?? 20);
  let state = SEED;
  const rand = (n: number): number => {
    // mulberry32
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) % n;
  };
  const pick = <T>(xs: readonly T[]): T => xs[rand(xs.length)]!;
  const PRINCIPALS = [
    ['alice@example.com'],
    ['bob@example.com'],
    ['alice@example.com', 'bob@example.com'],
    ['*@example.com'],
    [],
  ];
  const WINDOWS = [
    undefined,
    YEAR,
    '20230101000000Z:20240101000000Z',
    '20240601000000Z:20240602000000Z',
    '20240101000000Z:20240601000000Z',
    '20240601000001Z:20250101000000Z',
  ];
  const PATTERNS = [
    '*',
    '*@example.com',
    'alice@example.com',
    'bob@example.com',
    '"!alice@example.com,*"',
    'alice@example.com,bob@example.com',
  ];
  const OPTIONS = [
    [],
    [],
    ['namespaces="git"'],
    ['namespaces="file"'],
    ['valid-before="20240101"'],
    ['valid-after="20240101"'],
  ];
  const generated: Array<{ name: string; c: Case }> = [];

  beforeAll(() => {
    const dir = repo.home;
    for (let i = 0; i < N; i += 1) {
      const ca = pick([keys.ca, keys.ca, keys.ca2]);
      const user = pick([keys.alice, keys.aliceEcdsa]);
      const certKey = issueCert(ca, user, dir, {
        principals: pick(PRINCIPALS),
        ...(pick([false, false, false, true]) ? { host: true } : {}),
        ...((w) => (w ? { validity: w } : {}))(pick(WINDOWS)),
      });
      const lines = Array.from({ length: 1 + rand(3) }, () => {
        const kind = rand(4);
        if (kind === 0)
          return `${pick(PATTERNS)} ${[...pick(OPTIONS), ''].join(',').replace(/,$/, ' ').trimStart()}${user.pub}`;
        return caLine(pick(PATTERNS), pick([keys.ca, keys.ca, keys.ca2]), pick(OPTIONS));
      });
      const signers = writeAllowedSigners(join(dir, `random-${i}`), lines);
      const committer = pick(['alice@example.com', 'bob@example.com']);
      generated.push({
        name: `#${i}: ${lines.join(' | ').replace(/AAAA\S+/g, '…')}`,
        c: { oid: signedCommit(repo, certKey, `random ${i}`, { date: AT, committerEmail: committer }), signers },
      });
    }
  }, 180_000);

  test('every case', () => {
    const letters: Record<string, number> = {};
    const unknownBecause = new Set<string>();
    for (const { name, c } of generated) {
      const git = gitSignatureInfo(repo, c.oid, c.signers);
      const v = ours(c);
      expect({ name, letter: v.letter }).toEqual({ name, letter: git.letter });
      if (git.letter === 'G') {
        expect(v.signer).toBe(git.key);
        expect(v.identities).toContain(git.signer);
      }
      letters[git.letter] = (letters[git.letter] ?? 0) + 1;
      if (v.letter === 'U') unknownBecause.add(String(v.reason).replace(/^.* by CA \S+ /, ''));
    }
    // The seed reaches every answer git gives for certificates, and every reason a certificate is U.
    expect(Object.keys(letters).sort()).toEqual(['B', 'G', 'U']);
    expect(unknownBecause.size).toBe(6);
  });
});
