// Credentials built at run time from their published formats, with a seeded generator, so no
// token-shaped string is ever committed to this repository (push protection and scanners would
// rightly flag it) and every run builds the same ones. Checksummed formats get a real CRC32.
import { generateKeyPairSync } from 'node:crypto';
import { base62, crc32 } from '../../src/collect/secrets/checksum.js';
import type { SecretsFacts } from '../../src/domain/content.js';

/** A secrets scan's facts with nothing scanned and nothing found, with `over` on top. */
export const emptySecretsFacts = (over: Partial<SecretsFacts> = {}): SecretsFacts => ({
  commits: 0,
  scanned: 0,
  skipped: { binary: 0, oversized: 0, repeated: 0 },
  maxBlobBytes: 8 * 1024 * 1024,
  entropy: false,
  leaks: [],
  more: 0,
  ...over,
});

export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const UPPER32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const B64 = `${ALNUM}+/`;

export class TokenFactory {
  private readonly next: () => number;
  constructor(seed = 1) {
    this.next = rng(seed);
  }
  chars(n: number, alphabet = ALNUM): string {
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[Math.floor(this.next() * alphabet.length)];
    return s;
  }
  digits(n: number): string {
    return this.chars(n, '0123456789');
  }
  /** prefix + 30 random + 6 base62 CRC32 of the random part (GitHub's and npm's format). */
  checksummed(prefix: string): string {
    const body = this.chars(30);
    return `${prefix}${body}${base62(crc32(body))}`;
  }
  /** The same shape with a wrong checksum. */
  badChecksum(prefix: string): string {
    const t = this.checksummed(prefix);
    const last = t.at(-1) === 'A' ? 'B' : 'A';
    return t.slice(0, -1) + last;
  }
  /** A token of every kind the rule reports, keyed by the kind it must be reported as. */
  all(): Record<string, string> {
    const gh = (p: string): string => this.checksummed(`gh${p}_`);
    return {
      'github-pat': gh('p'),
      'github-oauth': gh('o'),
      'github-app-token': gh('s'),
      'github-refresh-token': gh('r'),
      'github-fine-grained-pat': `github_pat_${this.chars(22)}_${this.chars(59)}`,
      'gitlab-pat': `glpat-${this.chars(20)}`,
      'slack-bot-token': `xoxb-${this.digits(12)}-${this.digits(12)}-${this.chars(24)}`,
      'slack-webhook-url': `https://hooks.slack.com/services/T${this.chars(8)}/B${this.chars(8)}/${this.chars(24)}`,
      'stripe-access-token': `sk_${'live'}_${this.chars(24)}`,
      'gcp-api-key': `AIza${this.chars(35)}`,
      'npm-access-token': this.checksummed('npm_'),
      'pypi-upload-token': `pypi-AgEIcHlwaS5vcmc${this.chars(70)}`,
    };
  }
  awsPair(): { id: string; secret: string } {
    return { id: `AKIA${this.chars(16, UPPER32)}`, secret: this.chars(40, B64) };
  }
  base64(n: number): string {
    return this.chars(n, B64);
  }
}

const header = (kind: string): string => `-----BEGIN ${kind}PRIVATE KEY-----`;
const footer = (kind: string): string => `-----END ${kind}PRIVATE KEY-----`;

/** Real private keys in PEM (RSA PKCS#1, EC SEC1, PKCS#8), and OpenSSH/PGP-shaped blocks. */
export function privateKeys(f: TokenFactory): Record<string, string> {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 })
    .privateKey.export({ type: 'pkcs1', format: 'pem' })
    .toString();
  const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
    .privateKey.export({ type: 'sec1', format: 'pem' })
    .toString();
  const ed = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const lines = (n: number): string => Array.from({ length: n }, () => f.base64(70)).join('\n');
  return {
    rsa,
    ec,
    pkcs8: ed,
    openssh: `${header('OPENSSH ')}\n${lines(6)}\n${footer('OPENSSH ')}\n`,
    pgp: `-----BEGIN PGP ${'PRIVATE KEY'} BLOCK-----\n\n${lines(8)}\n=${f.base64(4)}\n-----END PGP ${'PRIVATE KEY'} BLOCK-----\n`,
  };
}

/** Things that look like secrets and are not: none of them may be reported. */
export function decoys(f: TokenFactory): string[] {
  const hex = (n: number): string => f.chars(n, '0123456789abcdef');
  return [
    `commit ${hex(40)}`,
    `tree ${hex(64)}`,
    `id: ${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`,
    `      "integrity": "sha512-${f.base64(86)}==",`,
    `      "resolved": "https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz",`,
    `<img src="data:image/png;base64,${f.base64(600)}">`,
    `token = "gh${'p'}_${'x'.repeat(36)}"`,
    `GITHUB_TOKEN=your_token_here`,
    `export GITHUB_TOKEN=gh${'p'}_your_token_here_xxxxxxxxxxxxxxxxxxxxx`,
    `token: ${f.badChecksum('gh' + 'p_')}`,
    `//registry.npmjs.org/:_authToken=${f.badChecksum('np' + 'm_')}`,
    `aws_access_key_id = AKIA${'IOSFODNN7EXAMPLE'}`,
    `aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCY${'EXAMPLEKEY'}`,
    `aws_access_key_id = AKIA${f.chars(16, UPPER32)}`, // an id alone is not a credential
    `sk_${'test'}_${f.chars(24)}`,
    `DATABASE_URL=postgres://app:\${DB_PASSWORD}@db:5432/app`,
    `url: https://user:password@example.com/`,
    `mysql://root:<password>@localhost/db`,
    `git clone https://github.com/owner/repo.git`,
    `ssh://git@github.com/owner/repo.git`,
    `${header('RSA ')}\n...\n${footer('RSA ')}`,
    `const KEY_HEADER = '${header('')}';`,
    // a header in code or a regular expression, followed by more code: no key material
    `regex = '''-----BEGIN[ A-Z0-9_-]{0,100}${'PRIVATE KEY'}(?: BLOCK)?-----[\\s\\S-]{64,}?KEY(?: BLOCK)?-----'''\nkeywords = ["-----begin"]\ndescription = "Identified a Private Key, which may compromise cryptographic security and sensitive data encryption in the deployment"`,
    `if (text.startsWith("${header('RSA ')}")) {\n  return parsePkcs1(text.slice(HEADER_LENGTH).replaceAll("\\n", "").trim(), options.strictMode === true);\n}`,
    `api_key = "${'0'.repeat(32)}"`,
    `secret: ${'abcdef0123456789'.repeat(3)}`,
    `glpat-${'x'.repeat(20)}`,
    `AIza${'SyAnLA7NfeLquW1tJFpx_eQCxoX-oo6YyIs'}`,
  ];
}
