// The scan reads what each commit adds (git log -p -U0) and knows a private key block by its header
// line. A key pasted under a header an earlier commit added, or a header wrapped around base64 an
// earlier commit added, showed it no header or no body: the audit passed while `openssl pkey` read a
// real key from the file. Now the file version is read again and each key block holding an added line
// is read whole, at the commit that changed it (key-bodies.ts). Keys are made here by openssl; the
// published one is xmlsec's (test/fixtures/published-keys). The twins: the published key re-wrapped
// under its unchanged header, a certificate renewed under its unchanged header, a placeholder edited.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTemp, makeRepo, tempDir, type TestRepo } from '../helpers/repo.js';
import { ROOT, parseJson, resultOf, runMain, type JsonFinding } from '../helpers/cli.js';

afterAll(cleanupTemp);

const HEAD = '-----BEGIN RSA PRIVATE KEY-----';
const FOOT = '-----END RSA PRIVATE KEY-----';
const PUBLISHED = readFileSync(join(ROOT, 'test/fixtures/published-keys/xmlsec-rsakey.pem'), 'utf8');
const body = (pem: string) => pem.split('\n').filter((l) => l && !l.startsWith('-----'));
const dir = tempDir('gitguard-key-edits-');
const openssl = (args: string[]) => execFileSync('openssl', args, { encoding: 'utf8', stdio: 'pipe' }).trim();
openssl(['genrsa', '-traditional', '-out', join(dir, 'real.pem'), '1024']);
openssl(['req', '-x509', '-key', join(dir, 'real.pem'), '-subj', '/CN=a', '-days', '1', '-out', join(dir, 'a.crt')]);
openssl(['req', '-x509', '-key', join(dir, 'real.pem'), '-subj', '/CN=b', '-days', '1', '-out', join(dir, 'b.crt')]);
const REAL = readFileSync(join(dir, 'real.pem'), 'utf8');
const yaml = (lines: string[]) => `key: |\n${[HEAD, ...lines, FOOT].map((l) => `  ${l}\n`).join('')}`;

const audit = async (r: TestRepo) => {
  const res = await runMain(['audit', '-C', r.dir, '-r', 'secrets-not-in-history', '--format', 'json', '--no-ledger'], {
    env: r.env,
  });
  const result = resultOf(parseJson(res), 'secrets-not-in-history');
  return { code: res.code, result, findings: result.findings as Array<JsonFinding & { suppressed?: boolean }> };
};
/** openssl's reading of the file at the tip: the key's modulus. */
const modulus = (file: string) => openssl(['rsa', '-noout', '-modulus', '-in', file]);

test('a key pasted into an earlier block, or wrapped in a header later, fails at the commit that did it', async () => {
  const r = makeRepo();
  r.commit('templates and data', {
    'deploy.yml': yaml(['paste the deploy key here']),
    'certs/key.pem': PUBLISHED,
    'data/blob.txt': `${body(REAL).join('\n')}\n`,
    'data/split.pem': `${body(REAL).join('\n')}\n`,
  });
  const second = r.commit('the keys', {
    'deploy.yml': yaml(body(REAL)),
    'certs/key.pem': [HEAD, ...body(REAL), FOOT, ''].join('\n'),
    'data/blob.txt': [HEAD, ...body(REAL), FOOT, 'data', ''].join('\n'),
    // a header above the earlier lines, the published key's lines below them: two hunks, one block
    'data/split.pem': [HEAD, ...body(REAL), ...body(PUBLISHED), FOOT, ''].join('\n'),
  });
  // what openssl reads from each file at the tip: the real key, not the published one
  const real = modulus(join(dir, 'real.pem'));
  execFileSync('sh', ['-c', `sed 's/^  //' deploy.yml | tail -n +2 > ${join(dir, 'deploy.pem')}`], { cwd: r.dir });
  for (const f of [join(dir, 'deploy.pem'), join(r.dir, 'certs/key.pem'), join(r.dir, 'data/blob.txt')])
    expect(modulus(f)).toBe(real);
  const { code, result, findings } = await audit(r);
  expect([result.outcome, code]).toEqual(['fail', 1]);
  const failing = findings.filter((x) => !x.suppressed);
  expect(failing.map((x) => [x.file, x.commit, /:(\d+): /.exec(x.message)?.[1]]).sort()).toEqual([
    ['certs/key.pem', second, '1'],
    ['data/blob.txt', second, '1'],
    ['data/split.pem', second, '1'],
    ['deploy.yml', second, '2'],
  ]);
});

test('the twins: the published key re-wrapped, a certificate renewed, a placeholder edited, all under unchanged headers, pass', async () => {
  const r = makeRepo();
  const wrap = (width: number) => [
    HEAD,
    ...Buffer.from(body(PUBLISHED).join(''), 'base64')
      .toString('base64')
      .match(new RegExp(`.{1,${width}}`, 'g'))!,
    FOOT,
    '',
  ];
  r.commit('fixtures', {
    'certs/key.pem': wrap(64).join('\n'),
    'certs/server.crt': readFileSync(join(dir, 'a.crt'), 'utf8'),
    'deploy.yml': yaml(['paste the deploy key here']),
  });
  r.commit('re-wrapped, renewed, edited', {
    'certs/key.pem': wrap(76).join('\n'),
    'certs/server.crt': readFileSync(join(dir, 'b.crt'), 'utf8'),
    'deploy.yml': yaml(['paste the deploy key here, from the vault']),
  });
  const { code, result, findings } = await audit(r);
  expect(findings.filter((x) => !x.suppressed).map((x) => x.message)).toEqual([]);
  expect([result.outcome, code]).toEqual(['pass', 0]);
  expect(findings.map((x) => [x.file, x.suppressed])).toEqual([
    ['certs/key.pem', true],
    ['certs/key.pem', true],
  ]);
});
