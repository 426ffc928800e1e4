// A private key that every copy of a public project carries (xmlsec's examples/rsakey.pem, as Debian
// installs it) is no secret: the scan knows it by the SHA-256 of its decoded key material
// (rules/secret-formats.json publishedKeys), so the file itself, the same key re-wrapped with CRLF
// endings, and the same key quoted in a JSON string all pass, suppressed with the project named.
// The twins in the same place fail: a key generated here, and the fixture with one byte changed.
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTemp, makeRepo, tempDir, type TestRepo } from '../helpers/repo.js';
import { ROOT, parseJson, resultOf, runMain, type JsonFinding } from '../helpers/cli.js';

afterAll(cleanupTemp);

const FIXTURE = readFileSync(join(ROOT, 'test/fixtures/published-keys/xmlsec-rsakey.pem'), 'utf8');
const HEAD = '-----BEGIN RSA PRIVATE KEY-----';
const FOOT = '-----END RSA PRIVATE KEY-----';
const der = Buffer.from(
  FIXTURE.split('\n')
    .filter((l) => l && !l.startsWith('-----'))
    .join(''),
  'base64',
);

/** DER as a PEM block wrapped at `width`, lines joined by `eol`. */
function pem(bytes: Buffer, width: number, eol = '\n'): string {
  const lines = bytes.toString('base64').match(new RegExp(`.{1,${width}}`, 'g'))!;
  return [HEAD, ...lines, FOOT, ''].join(eol);
}
// At 44 columns one line of this key starts with `+`: base64, not a code operator.
const REWRAPPED = pem(der, 44, '\r\n');
const JSON_FILE = `${JSON.stringify({ type: 'service_account', private_key: pem(der, 64) }, null, 2)}\n`;

const audit = async (r: TestRepo) => {
  const res = await runMain(['audit', '-C', r.dir, '-r', 'secrets-not-in-history', '--format', 'json', '--no-ledger'], {
    env: r.env,
  });
  const result = resultOf(parseJson(res), 'secrets-not-in-history');
  const findings = result.findings as Array<JsonFinding & { suppressed?: boolean; suppressedBy?: string }>;
  return { code: res.code, result, findings };
};

/** openssl's reading of an RSA key: its modulus. */
function modulus(r: TestRepo, path: string): string {
  return execFileSync('openssl', ['rsa', '-noout', '-modulus', '-in', join(r.dir, path)], { encoding: 'utf8' }).trim();
}

test('a published test key passes, as shipped, re-wrapped with CRLF, and quoted in JSON', async () => {
  const r = makeRepo();
  r.commit('fixtures', {
    'xmlsec/examples/rsakey.pem': FIXTURE,
    'certs/rewrapped.pem': REWRAPPED,
    'config/service-account.json': JSON_FILE,
  });
  expect(REWRAPPED.split('\r\n').some((l) => l.startsWith('+'))).toBe(true);
  // openssl reads the same key from the re-wrapped file
  expect(modulus(r, 'certs/rewrapped.pem')).toBe(modulus(r, 'xmlsec/examples/rsakey.pem'));
  const { code, result, findings } = await audit(r);
  expect(findings.filter((x) => !x.suppressed).map((x) => x.message)).toEqual([]);
  expect([result.outcome, code]).toEqual(['pass', 0]);
  expect(findings.map((x) => [x.file, x.suppressedBy]).sort()).toEqual(
    ['certs/rewrapped.pem', 'config/service-account.json', 'xmlsec/examples/rsakey.pem'].map((p) => [
      p,
      'published test key, in every copy of xmlsec examples/rsakey.pem',
    ]),
  );
  expect(result.note).toContain('3 published test key(s)');
  // a re-audit joins the checkpoint's leaks to the new commit's: still known
  r.commit('more', { 'docs/more.md': 'more\n' });
  const again = await audit(r);
  expect([again.code, again.findings.filter((x) => x.suppressedBy?.startsWith('published')).length]).toEqual([0, 3]);
});

test('the twins: a key generated here, and the fixture with one byte changed, fail in the same place', async () => {
  const fresh = generateKeyPairSync('rsa', { modulusLength: 512 })
    .privateKey.export({ type: 'pkcs1', format: 'pem' })
    .toString();
  const changed = Buffer.from(der);
  changed[100] = changed[100]! ^ 1;
  for (const text of [fresh, pem(changed, 64)]) {
    const r = makeRepo();
    r.commit('fixtures', { 'xmlsec/examples/rsakey.pem': text });
    const { code, result, findings } = await audit(r);
    expect([result.outcome, code]).toEqual(['fail', 1]);
    expect(findings.map((x) => [x.file, x.suppressed ?? false])).toEqual([['xmlsec/examples/rsakey.pem', false]]);
  }
});

test('the published keys data: every digest is a SHA-256, named once, with its project and source', () => {
  const data = JSON.parse(readFileSync(join(ROOT, 'rules/secret-formats.json'), 'utf8')) as {
    publishedKeys: { keys: Array<Record<string, string>> };
  };
  const keys = data.publishedKeys.keys;
  expect(keys.length).toBeGreaterThan(0);
  for (const k of keys) {
    expect(k.sha256).toMatch(/^[0-9a-f]{64}$/);
    for (const field of ['project', 'path', 'url', 'readFrom']) expect(k[field]).toBeTruthy();
  }
  expect(new Set(keys.map((k) => k.sha256)).size).toBe(keys.length);
});

// CPython's test suite ships its TLS test keys (Lib/test/certdata/, Lib/test/ in older releases), and
// projects that carry the standard library's tests (interpreters, backports) commit them as they are.
const CPYTHON = {
  'Lib/test/certdata/keycert.pem': 'cpython-3.13-keycert.pem',
  'Lib/test/certdata/keycert.passwd.pem': 'cpython-3.13-keycert.passwd.pem',
  'Lib/test/keycert.pem': 'cpython-3.10-keycert.pem',
};
const cpythonFile = (name: string) => readFileSync(join(ROOT, 'test/fixtures/published-keys', name), 'utf8');

test("CPython's test keys pass as CPython ships them, the encrypted one too", async () => {
  const r = makeRepo();
  r.commit(
    'the standard library tests',
    Object.fromEntries(Object.entries(CPYTHON).map(([p, f]) => [p, cpythonFile(f)])),
  );
  // openssl reads each as a private key (the encrypted one with CPython's test password)
  for (const p of Object.keys(CPYTHON))
    execFileSync('openssl', ['pkey', '-noout', '-passin', 'pass:somepass', '-in', join(r.dir, p)]);
  const { code, result, findings } = await audit(r);
  expect(findings.filter((x) => !x.suppressed).map((x) => x.message)).toEqual([]);
  expect([result.outcome, code]).toEqual(['pass', 0]);
  expect(findings.map((x) => [x.file, x.suppressedBy?.split(' (')[0]]).sort()).toEqual([
    [
      'Lib/test/certdata/keycert.passwd.pem',
      'published test key, in every copy of CPython Lib/test/certdata/keycert.passwd.pem',
    ],
    ['Lib/test/certdata/keycert.pem', 'published test key, in every copy of CPython Lib/test/certdata/keycert.pem'],
    ['Lib/test/keycert.pem', 'published test key, in every copy of CPython Lib/test/certdata/keycert.pem'],
  ]);
});

test("the twins: keys generated here in CPython's files, beside CPython's certificate, fail", async () => {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
  const certificate = (f: string) => cpythonFile(f).slice(cpythonFile(f).indexOf('-----BEGIN CERTIFICATE-----'));
  const r = makeRepo();
  r.commit('the standard library tests, keys swapped', {
    'Lib/test/certdata/keycert.pem':
      privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() + certificate('cpython-3.13-keycert.pem'),
    'Lib/test/certdata/keycert.passwd.pem':
      privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'somepass' }).toString() +
      certificate('cpython-3.13-keycert.passwd.pem'),
  });
  const { code, result, findings } = await audit(r);
  expect([result.outcome, code]).toEqual(['fail', 1]);
  expect(findings.map((x) => [x.file, x.suppressed ?? false]).sort()).toEqual([
    ['Lib/test/certdata/keycert.passwd.pem', false],
    ['Lib/test/certdata/keycert.pem', false],
  ]);
});

// Go's crypto/tls ExampleX509KeyPair quotes its key in a raw string; programs copy the example.
const GO_KEY = readFileSync(join(ROOT, 'test/fixtures/published-keys/go-example-key.pem'), 'utf8');
const goExample = (key: string) =>
  `package main\n\nimport "crypto/tls"\n\nfunc pair() (tls.Certificate, error) {\n\tkeyPem := []byte(\`${key.trimEnd()}\`)\n\treturn tls.X509KeyPair(certPem, keyPem)\n}\n`;

test("Go's crypto/tls example key passes, in a Go raw string and as its testdata file; a fresh key in the same place fails", async () => {
  const r = makeRepo();
  r.commit('tls example', { 'server/pair_test.go': goExample(GO_KEY), 'testdata/example-key.pem': GO_KEY });
  const { code, result, findings } = await audit(r);
  expect([result.outcome, code]).toEqual(['pass', 0]);
  expect(findings.map((x) => [x.file, x.suppressedBy?.split(' (')[0]]).sort()).toEqual([
    ['server/pair_test.go', 'published test key, in every copy of Go src/crypto/tls/example_test.go'],
    ['testdata/example-key.pem', 'published test key, in every copy of Go src/crypto/tls/example_test.go'],
  ]);
  const fresh = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    .privateKey.export({ type: 'sec1', format: 'pem' })
    .toString();
  const twin = makeRepo();
  twin.commit('tls example', { 'server/pair_test.go': goExample(fresh) });
  const again = await audit(twin);
  expect([again.result.outcome, again.code]).toEqual(['fail', 1]);
  expect(again.findings.map((x) => [x.file, x.suppressed ?? false])).toEqual([['server/pair_test.go', false]]);
});

// Test keys Debian ships in its packages of Tornado, Twisted, golang.org/x/crypto and OpenSSL's demos,
// at the paths the projects keep them (projects vendor those test trees, or copy a key file from them),
// and the example keys of aiohttp, Net::SSLeay, httpclient and IO::Socket::SSL, copied elsewhere.
const SHIPPED = {
  'tornado/test/test.key': ['tornado-test.key', 'Tornado'],
  'src/twisted/test/server.pem': ['twisted-server.pem', 'Twisted'],
  'demos/cms/signer.pem': ['openssl-demos-cms-signer.pem', 'OpenSSL'],
  'ssh/testdata/keys.go': ['x-crypto-ssh-testdata-keys.go', 'golang.org/x/crypto'],
  'examples/server.key': ['aiohttp-examples-server.key', 'aiohttp'],
  'perl/server_key.pem': ['net-ssleay-examples-server_key.pem', 'Net::SSLeay'],
  'ruby/ssl/0key.pem': ['httpclient-examples-0key.pem', 'httpclient'],
  'perl/simulate_proxy.pl': ['io-socket-ssl-simulate_proxy.pl', 'IO::Socket::SSL'],
  'jwt/test/sample_key': ['golang-jwt-sample_key', 'golang-jwt/jwt (also dgrijalva/jwt-go, its predecessor)'],
} as const;
const shipped = (name: string) => readFileSync(join(ROOT, 'test/fixtures/published-keys', name), 'utf8');

test('the test and example keys of Tornado, Twisted, golang.org/x/crypto, OpenSSL, aiohttp... pass as Debian ships them', async () => {
  const r = makeRepo();
  r.commit('vendored test trees', Object.fromEntries(Object.entries(SHIPPED).map(([p, [f]]) => [p, shipped(f)])));
  const { code, result, findings } = await audit(r);
  expect(findings.filter((x) => !x.suppressed).map((x) => x.message)).toEqual([]);
  expect([result.outcome, code]).toEqual(['pass', 0]);
  // every key block of keys.go (PKCS#1, PKCS#8, SEC1, OpenSSH, encrypted ones) is known by its digest
  const count = (p: string) => findings.filter((x) => x.file === p).length;
  expect(Object.keys(SHIPPED).map(count)).toEqual([1, 1, 1, 18, 1, 1, 1, 1, 1]);
  for (const x of findings) {
    const project = SHIPPED[x.file as keyof typeof SHIPPED][1];
    expect([x.file, x.suppressedBy?.startsWith(`published test key, in every copy of ${project} `)]).toEqual([
      x.file,
      true,
    ]);
  }
});

test('the twin: a key ssh-keygen makes here, in place of one of keys.go, fails there alone', async () => {
  const r = makeRepo();
  const dir = tempDir('gitguard-fresh-key-');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'k')]);
  const fresh = readFileSync(join(dir, 'k'), 'utf8').trimEnd();
  const original = shipped('x-crypto-ssh-testdata-keys.go');
  const start = original.indexOf('-----BEGIN OPENSSH PRIVATE KEY-----');
  const end = original.indexOf('-----END OPENSSH PRIVATE KEY-----', start) + '-----END OPENSSH PRIVATE KEY-----'.length;
  const swapped = original.slice(0, start) + fresh + original.slice(end);
  r.commit('keys.go with a fresh key', { 'ssh/testdata/keys.go': swapped });
  const { code, result, findings } = await audit(r);
  expect([result.outcome, code]).toEqual(['fail', 1]);
  const line = original.slice(0, start).split('\n').length;
  expect(findings.filter((x) => !x.suppressed).map((x) => [x.file, /keys\.go:(\d+):/.exec(x.message)?.[1]])).toEqual([
    ['ssh/testdata/keys.go', String(line)],
  ]);
  expect(findings.filter((x) => x.suppressed)).toHaveLength(17);
});
