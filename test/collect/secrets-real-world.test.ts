// The secrets scan on real published content: files of the npm packages this project installs (a
// lockfile with integrity hashes, a README quoting a PGP key header, a minified bundle and its source
// map), and the lines a triage of ~560 MB of real packages and documentation found reported wrongly
// (pip's documentation, a CVS root, RFC 6749's example tokens in an OAuth library, npm's base64
// "not my real password"), each beside a twin of the same format in the same kind of file that must
// still fail. A private key inside an installed dependency tree (node_modules/, a virtualenv's
// lib/pythonX.Y/) is the package author's: reported as suppressed, never failing; the same key in the
// project's own files still fails.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTemp, makeRepo, type TestRepo } from '../helpers/repo.js';
import { ROOT, parseJson, resultOf, runMain, type JsonFinding } from '../helpers/cli.js';
import { TokenFactory, privateKeys } from '../helpers/secrets.js';

afterAll(cleanupTemp);

const f = new TokenFactory(1313);
const keys = privateKeys(f);
// Other keys for the twins: a file version scanned once is not scanned again.
const ownKeys = privateKeys(f);

// Real files, as npm installed them for this project (package-lock.json pins their versions).
const REAL = [
  'package-lock.json',
  'node_modules/openpgp/README.md',
  'node_modules/glob/dist/esm/index.min.js',
  'node_modules/path-scurry/node_modules/lru-cache/dist/esm/index.min.js.map',
];

// What the triage found reported wrongly, in the kind of file it was found in.
const CLEAN: Record<string, string> = {
  'docs/authentication.md': 'like:\n\n```\nhttps://user:he%2F%2Fo@pypi.company.com/simple\n```\n',
  'debian/copyright': 'and:\n\n  cvs://:pserver:anoncvs@sources.redhat.com:/cvs/src\n',
  'oauth/parameters.py':
    '        {\n            "access_token":"2YotnFZFEjr1zCsicMWpAA",\n            "refresh_token":"tGzv3JOkF0XG5Qx2TlKWIA",\n        }\n',
  'arborist/README.md': "  username: 'isaacs',\n  password: 'bm90IG15IHJlYWwgcGFzc3dvcmQ=',\n",
  'docker-compose.yml':
    'DATABASE_URL: postgres://postgres:postgres@db:5432/test\nAMQP_URL: amqp://guest:guest@rabbit:5672/\n',
  'ci/mirror.sh': 'curl -O ftp://anonymous:anonymous@ftp.gnu.org/gnu/hello/hello-2.12.tar.gz\n',
  'docs/clone.md': 'git clone https://git:PERSONAL_ACCESS_TOKEN@github.com/o/r.git\n',
  'web/node_modules/some-tls-lib/test/fixtures/server.key': keys.rsa!,
  '.venv/lib/python3.13/test/certdata/keycert.pem': keys.pkcs8!,
};

// The twins: the same formats, in the same kinds of files, with a value that is a credential.
const password = f.chars(14);
const TWINS: Record<string, [string, string]> = {
  'docs/deploy.md': [`https://deploy:${password}@pypi.company.com/simple\n`, 'url-password'],
  'debian/cvsroot': [`cvs://:pserver:anoncvs:${password}@sources.redhat.com:/cvs/src\n`, 'url-password'],
  'oauth/client.py': [`"access_token":"${f.chars(22)}",\n`, 'generic-high-entropy'],
  'npm/.npmrc.js': [
    `password: '${Buffer.from(`deploy:${f.chars(24)}`).toString('base64')}',\n`,
    'generic-high-entropy',
  ],
  'docs/clone-ci.md': [
    `git clone https://git:staple_${f.chars(8).toLowerCase()}_battery@github.com/o/r.git\n`,
    'url-password',
  ],
  'compose.prod.yml': [`AMQP_URL: amqp://guest:${password}@rabbit.internal:5672/\n`, 'url-password'],
  'package-lock.json.private': [
    `"resolved": "https://ci-bot:${password}@npm.internal.corp/x/-/x-1.0.0.tgz",\n`,
    'url-password',
  ],
  'test/fixtures/server.key': [ownKeys.rsa!, 'private-key'],
  'src/node_modules_like/key.pem': [ownKeys.pkcs8!, 'private-key'],
};

const audit = async (r: TestRepo) => {
  const res = await runMain(
    ['audit', '-C', r.dir, '-r', 'secrets-not-in-history', '--secrets-entropy', '--format', 'json', '--no-ledger'],
    { env: r.env },
  );
  const result = resultOf(parseJson(res), 'secrets-not-in-history');
  const findings = result.findings as Array<JsonFinding & { suppressed?: boolean; suppressedBy?: string }>;
  return { code: res.code, result, findings };
};

test('real package files and the triaged false findings pass; vendored keys are suppressed, not failing', async () => {
  const r = makeRepo();
  const real = Object.fromEntries(REAL.map((p) => [`vendor-copy/${p}`, readFileSync(join(ROOT, p), 'utf8')]));
  r.commit('real content', { ...real, ...CLEAN });
  const { code, result, findings } = await audit(r);
  expect(findings.filter((x) => !x.suppressed).map((x) => x.message)).toEqual([]);
  expect(result.outcome).toBe('pass');
  expect(code).toBe(0);
  expect(findings.map((x) => [x.file, (x.evidence as { kind: string }).kind, x.suppressedBy]).sort()).toEqual([
    [
      '.venv/lib/python3.13/test/certdata/keycert.pem',
      'private-key',
      'vendored dependency, published by its author: Python virtual environment (venv/lib/)',
    ],
    [
      'web/node_modules/some-tls-lib/test/fixtures/server.key',
      'private-key',
      'vendored dependency, published by its author: npm package (node_modules/)',
    ],
  ]);
  expect(result.note).toContain('2 in vendored dependencies');
  // an incremental re-audit joins the checkpoint's leaks to the new commit's: still marked
  r.commit('more', { 'docs/more.md': 'more\n' });
  const again = await audit(r);
  expect([again.code, again.findings.filter((x) => x.suppressedBy?.startsWith('vendored')).length]).toEqual([0, 2]);
  expect(again.result.note).toContain('2 in vendored dependencies');
});

test('the twins: a credential of the same format in the same kind of file still fails', async () => {
  const r = makeRepo();
  r.commit('clean', CLEAN);
  r.commit('leaks', Object.fromEntries(Object.entries(TWINS).map(([p, [text]]) => [p, text])));
  const { code, result, findings } = await audit(r);
  expect(code).toBe(1);
  expect(result.outcome).toBe('fail');
  const open = findings
    .filter((x) => !x.suppressed)
    .map((x) => [x.file, (x.evidence as { kind: string }).kind])
    .sort();
  expect(open).toEqual(
    Object.entries(TWINS)
      .map(([p, [, kind]]) => [p, kind])
      .sort(),
  );
  // never printed whole
  expect(JSON.stringify(result)).not.toContain(password);
});
