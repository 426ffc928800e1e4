// A published test key is suppressed by the digest of its key bytes (rules/secret-formats.json
// publishedKeys). A real key must not ride on it: a block is taken for a published key only when it
// holds that key and nothing else. Each attack puts a fresh key (openssl genrsa, here) in the same
// PEM block as xmlsec's published key; before, the digest matched and the audit passed. The worst,
// encryption headers before the published lines and the real key's ciphertext after a blank line,
// is read by `openssl pkey` as the real key; the others are refused by openssl but leave the real
// key's base64 in the text for anyone to decode. The twins, published keys as shipped (one of them
// encrypted, with its Proc-Type and DEK-Info headers), still pass.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTemp, makeRepo, tempDir, type TestRepo } from '../helpers/repo.js';
import { ROOT, parseJson, resultOf, runMain, type JsonFinding } from '../helpers/cli.js';

afterAll(cleanupTemp);

const fixture = (name: string) => readFileSync(join(ROOT, 'test/fixtures/published-keys', name), 'utf8');
const PUBLISHED = fixture('xmlsec-rsakey.pem');
const HEAD = '-----BEGIN RSA PRIVATE KEY-----';
const FOOT = '-----END RSA PRIVATE KEY-----';
const body = (pem: string) => pem.split('\n').filter((l) => l && !l.startsWith('-----') && !l.includes(': '));
const headers = (pem: string) => pem.split('\n').filter((l) => l.includes(': '));

const dir = tempDir('gitguard-rider-keys-');
const openssl = (args: string[]) => execFileSync('openssl', args, { encoding: 'utf8', stdio: 'pipe' }).trim();
openssl(['genrsa', '-traditional', '-out', join(dir, 'real.pem'), '1024']);
openssl([
  'rsa',
  '-in',
  join(dir, 'real.pem'),
  '-traditional',
  '-aes128',
  '-passout',
  'pass:rider',
  '-out',
  join(dir, 'enc.pem'),
]);
const REAL = readFileSync(join(dir, 'real.pem'), 'utf8');
const ENCRYPTED = readFileSync(join(dir, 'enc.pem'), 'utf8');
const modulus = (file: string, pass = 'rider') =>
  openssl(['rsa', '-noout', '-modulus', '-passin', `pass:${pass}`, '-in', file]);

const block = (...lines: string[]) => [HEAD, ...lines, FOOT, ''].join('\n');
// xmlsec's key base64 ends in "=": Node's decoder stops there, so what followed was never hashed
const RIDERS: Record<string, string> = {
  'behind-dek-info.pem': block(...headers(ENCRYPTED), ...body(PUBLISHED), '', ...body(ENCRYPTED)),
  'after-padding.pem': block(...body(PUBLISHED), ...body(REAL)),
  'after-blank-lines.pem': block(...body(PUBLISHED), ...Array<string>(400).fill(''), ...body(REAL)),
  'in-a-header.pem': block(...body(PUBLISHED), `Comment: ${body(REAL).join('')}`),
  'after-a-line-the-scan-stops-at.pem': block(...body(PUBLISHED), '#', ...body(REAL)),
};

const audit = async (r: TestRepo) => {
  const res = await runMain(['audit', '-C', r.dir, '-r', 'secrets-not-in-history', '--format', 'json', '--no-ledger'], {
    env: r.env,
  });
  const result = resultOf(parseJson(res), 'secrets-not-in-history');
  return { code: res.code, result, findings: result.findings as Array<JsonFinding & { suppressed?: boolean }> };
};

test('openssl reads the real key, not the published one, from a block that holds both', () => {
  const file = join(dir, 'behind-dek-info.pem');
  writeFileSync(file, RIDERS['behind-dek-info.pem']!);
  expect(modulus(file)).toBe(modulus(join(dir, 'real.pem')));
  writeFileSync(join(dir, 'published.pem'), PUBLISHED);
  expect(modulus(file)).not.toBe(modulus(join(dir, 'published.pem')));
  // the others openssl refuses, but the real key's base64 is there whole: decoded alone, it is the key
  const tail = RIDERS['after-padding.pem']!.split('\n').filter((l) => body(REAL).includes(l));
  writeFileSync(join(dir, 'tail.pem'), block(...tail));
  expect(modulus(join(dir, 'tail.pem'))).toBe(modulus(join(dir, 'real.pem')));
});

test('a real key in the same block as a published key fails, each way of joining them', async () => {
  const r = makeRepo();
  r.commit('keys', Object.fromEntries(Object.entries(RIDERS).map(([p, text]) => [`certs/${p}`, text])));
  const { code, result, findings } = await audit(r);
  expect([result.outcome, code]).toEqual(['fail', 1]);
  expect(findings.map((x) => [x.file, x.suppressed ?? false]).sort()).toEqual(
    Object.keys(RIDERS)
      .map((p) => [`certs/${p}`, false])
      .sort(),
  );
});

test('the twins: published keys as shipped, an encrypted one with its headers, still pass', async () => {
  const r = makeRepo();
  r.commit('keys', {
    'xmlsec/examples/rsakey.pem': PUBLISHED,
    'ruby/ssl/0key.pem': fixture('httpclient-examples-0key.pem'),
    'ssh/testdata/keys.go': fixture('x-crypto-ssh-testdata-keys.go'),
  });
  const { code, result, findings } = await audit(r);
  expect(findings.filter((x) => !x.suppressed).map((x) => x.message)).toEqual([]);
  expect([result.outcome, code, findings.length]).toEqual(['pass', 0, 20]);
});
