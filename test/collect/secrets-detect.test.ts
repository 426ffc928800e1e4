// The secret detector on a corpus built at run time: every format it reports, and decoys (hashes,
// UUIDs, lockfile integrity lines, base64 images, placeholders, documented examples, tokens with a
// wrong checksum) that it must not. Precision and recall on this corpus are asserted to be 1.
import { SecretDetector, redactSecret, shannonEntropy } from '../../src/collect/secrets/detect.js';
import { shippedFormats } from '../../src/collect/secrets/secret-formats.js';
import { base62, crc32, tokenChecksumValid } from '../../src/collect/secrets/checksum.js';
import { unquotePath } from '../../src/collect/secrets/diff-lines.js';
import { TokenFactory, decoys, privateKeys } from '../helpers/secrets.js';
import { RE2JS } from 're2js';

const compiles = (source: string): boolean => {
  try {
    RE2JS.compile(source);
    return true;
  } catch {
    return false;
  }
};

const scanText = (d: SecretDetector, text: string) => {
  const lines = text.split('\n');
  return d.scan(
    lines,
    lines.map((_, i) => i + 1),
  );
};

describe('secret detector', () => {
  const f = new TokenFactory(42);
  const detector = new SecretDetector();

  test('finds every format, at its line, and prints it redacted', () => {
    for (const [kind, token] of Object.entries(f.all())) {
      const hits = scanText(detector, `first line\nconst value = "${token}";\n`);
      expect(hits.map((h) => [h.kind, h.line])).toEqual([[kind, 2]]);
      expect(hits[0]!.redacted).not.toContain(token.slice(4, 12));
      expect(hits[0]!.redacted).toBe(`${token.slice(0, 4)}…(${token.length} chars)`);
    }
  });

  test('an AWS key id and secret key are reported as a pair, at the secret; neither alone', () => {
    const { id, secret } = f.awsPair();
    const both = scanText(detector, `[default]\naws_access_key_id = ${id}\naws_secret_access_key = ${secret}\n`);
    expect(both.map((h) => [h.kind, h.line])).toEqual([['aws-access-key', 3]]);
    expect(JSON.stringify(both)).not.toContain(secret);
    expect(scanText(detector, `aws_access_key_id = ${id}\n`)).toEqual([]);
    // the CSV the AWS console offers for download: both on one line
    const csv = scanText(detector, `User name,Access key ID,Secret access key\ndeploy,${id},${secret}\n`);
    expect(csv.map((h) => [h.kind, h.line, h.redacted])).toEqual([
      ['aws-access-key', 2, `${secret.slice(0, 4)}…(40 chars)`],
    ]);
    expect(scanText(detector, `aws_secret_access_key = ${secret}\n`)).toEqual([]);
  });

  test('private key blocks: PEM (RSA, EC, PKCS#8), OpenSSH, PGP, and a JSON-escaped one', () => {
    const keys = privateKeys(f);
    for (const [name, pem] of Object.entries(keys)) {
      const hits = scanText(detector, `# ${name}\n${pem}`);
      expect([name, hits.map((h) => [h.kind, h.line])]).toEqual([name, [['private-key', 2]]]);
      expect(hits[0]!.redacted).toMatch(/PRIVATE KEY.*block …\(\d+ chars\)/);
    }
    const json = `{"type": "service_account", "private_key": ${JSON.stringify(keys.pkcs8)}}`;
    expect(scanText(detector, json).map((h) => h.kind)).toEqual(['private-key']);
    // a key pasted into source as concatenated string literals
    const java = keys
      .rsa!.trim()
      .split('\n')
      .map((l) => `    "${l}\\n" +`)
      .join('\n');
    expect(scanText(detector, `String KEY =\n${java}\n    "";`).map((h) => [h.kind, h.line])).toEqual([
      ['private-key', 2],
    ]);
  });

  test('URLs with a password; templated and placeholder passwords are not', () => {
    const pw = f.chars(18);
    const hits = scanText(detector, `url = https://deploy:${pw}@git.acme-corp.io/team/repo.git\n`);
    expect(hits.map((h) => h.kind)).toEqual(['url-password']);
    expect(hits[0]!.redacted).toBe(`${pw.slice(0, 4)}…(18 chars)`);
    // short passwords are not even partly shown
    expect(scanText(detector, 'redis://:hunter2x@cache:6379/0')[0]!.redacted).toBe('…(8 chars)');
  });

  test('precision and recall are 1 on the corpus (every token found, no decoy reported)', () => {
    const g = new TokenFactory(7);
    const positives: Array<readonly [string, string]> = [
      ...Object.entries(g.all()).map(([k, t]) => [k, `KEY=${t}`] as const),
      ...Object.entries(privateKeys(g)).map(([, pem]) => ['private-key', pem] as const),
    ];
    const aws = g.awsPair();
    positives.push(['aws-access-key', `AWS_ACCESS_KEY_ID=${aws.id}\nAWS_SECRET_ACCESS_KEY=${aws.secret}`]);
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (const [kind, text] of positives) {
      const kinds = scanText(detector, text).map((h) => h.kind);
      if (kinds.includes(kind)) tp += 1;
      else fn += 1;
      fp += kinds.filter((k) => k !== kind).length;
    }
    const decoyCorpus = decoys(g);
    const reported: string[] = [];
    for (const d of decoyCorpus) for (const h of scanText(detector, d)) reported.push(`${h.kind}: ${d.slice(0, 40)}`);
    // and all of them in one file, as a lockfile or a README would hold them
    for (const h of scanText(detector, decoyCorpus.join('\n'))) reported.push(`${h.kind} (together) line ${h.line}`);
    fp += reported.length;
    expect(reported).toEqual([]);
    expect({
      precision: tp / (tp + fp),
      recall: tp / (tp + fn),
      positives: positives.length,
      decoys: decoyCorpus.length,
    }).toEqual({ precision: 1, recall: 1, positives: 18, decoys: decoyCorpus.length });
  });

  test('the generic high-entropy detector runs only when asked', () => {
    const line = `client_secret: "${f.base64(40)}"`;
    expect(scanText(detector, line)).toEqual([]);
    expect(scanText(new SecretDetector({ entropy: true }), line).map((h) => h.kind)).toEqual(['generic-high-entropy']);
    expect(scanText(new SecretDetector({ entropy: true }), 'password: "correct-horse-battery"')).toEqual([]);
  });

  test('hostile input: long lines full of keywords are matched in linear time and find nothing', () => {
    const evil = `${'ghp_'.repeat(50_000)}${'a'.repeat(100_000)} ${'-----BEGIN '.repeat(5_000)} ${'https://a:'.repeat(20_000)}`;
    expect(scanText(detector, evil)).toEqual([]);
  });
});

describe('token checksums', () => {
  test('the last six characters are the base62 CRC32 of the random part', () => {
    const f = new TokenFactory(3);
    const body = f.chars(30);
    const token = `gh${'p'}_${body}${base62(crc32(body))}`;
    expect(tokenChecksumValid(token)).toBe(true);
    expect(tokenChecksumValid(f.badChecksum(`gh${'p'}_`))).toBe(false);
    expect(crc32('123456789')).toBe(0xcbf43926); // the CRC-32 check value
    expect(base62(0)).toBe('000000');
    expect(base62(61)).toBe('00000z');
  });
});

describe('helpers', () => {
  test('redaction keeps at most the first four characters and the length', () => {
    expect(redactSecret('abcdefghijklmnopqrstuvwxyz')).toBe('abcd…(26 chars)');
    expect(redactSecret('short')).toBe('…(5 chars)');
  });
  test('entropy', () => {
    expect(shannonEntropy('aaaa')).toBe(0);
    expect(shannonEntropy('abcd')).toBe(2);
  });
  test('quoted paths', () => {
    expect(unquotePath('"b/sp ace \\303\\251.txt"\t')).toBe('b/sp ace é.txt');
    expect(unquotePath('b/plain.txt')).toBe('b/plain.txt');
  });
  // The detector compiles an expression only when a line first needs it: a bad one must show here.
  test('every shipped expression and allow-list entry compiles in RE2', () => {
    for (const f of shippedFormats().formats)
      for (const source of [f.regex, ...(f.allow ?? [])]) expect([f.id, compiles(source)]).toEqual([f.id, true]);
  });
  test('the shipped formats record their source, version and licence', () => {
    const s = shippedFormats().source;
    expect(s.project).toBe('gitleaks');
    expect(s.licence).toMatch(/^MIT/);
    expect(s.version).toMatch(/v8\.\d+/);
  });
});

describe('private key bodies', () => {
  test("an Ed25519 key whose one base64 line ends in '+' is still a key (the '+' is base64, not code)", () => {
    // PKCS#8 for Ed25519: a fixed DER prefix and a 32-byte seed; a last byte of 0x3e ends the base64 in '+'.
    const seed = Buffer.from(Array.from({ length: 32 }, (_, i) => (i * 37 + 11) & 0xff));
    seed[31] = 0x3e;
    const der = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]);
    const body = der.toString('base64');
    expect(body.endsWith('+')).toBe(true);
    const pem = `-----BEGIN ${'PRIVATE KEY'}-----\n${body}\n-----END ${'PRIVATE KEY'}-----\n`;
    expect(scanText(new SecretDetector(), pem).map((h) => h.kind)).toEqual(['private-key']);
    // and pasted as a string concatenation, the '+' operator after the quote is still code
    const java = `String k =\n  "-----BEGIN ${'PRIVATE KEY'}-----\\n" +\n  "${body}\\n" +\n  "-----END ${'PRIVATE KEY'}-----\\n";`;
    expect(scanText(new SecretDetector(), java).map((h) => h.kind)).toEqual(['private-key']);
  });
});
