// Red team 29: http.sslCAInfo / http.sslCAPath (also per URL) replace the CAs git trusts. One that is
// a file of the work tree (a relative path is read from the top of the work tree) is whatever was last
// checked out: whoever commits there picks which certificates the remote may present, and a network
// attacker holding that CA's key reads the credentials of every push. tls-verification-enabled only
// looked at http.sslVerify and passed. Checked with a real TLS server on 127.0.0.1: git 2.39 trusts a
// certificate signed by the work tree's CA (the HTTP request reaches the server) and refuses it
// without that setting; the rule now fails the first and passes a private CA kept outside the tree.
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { cleanupTemp, makeRepo, tempDir } from '../helpers/repo.js';
import { parseJson, resultOf, runMain } from '../helpers/cli.js';

afterAll(() => cleanupTemp());

let server: Server;
let url: string;
const asked: string[] = [];
let ca: string;

beforeAll(async () => {
  const d = tempDir();
  const ssl = (args: string[]) => execFileSync('openssl', args, { cwd: d, stdio: 'ignore' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  ssl(['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=picked-ca']);
  ssl(['req', ...ec, '-keyout', 'srv.key', '-out', 'srv.csr', '-subj', '/CN=127.0.0.1']);
  writeFileSync(join(d, 'ext'), 'subjectAltName=IP:127.0.0.1\n');
  ssl([
    'x509',
    '-req',
    '-in',
    'srv.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'srv.pem',
    '-days',
    '2',
    '-extfile',
    'ext',
  ]);
  ca = join(d, 'ca.pem');
  server = createServer({ key: readFileSync(join(d, 'srv.key')), cert: readFileSync(join(d, 'srv.pem')) }, (q, res) => {
    asked.push(q.url ?? '');
    res.writeHead(404).end();
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  url = `https://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/r.git`;
});
afterAll(() => new Promise<void>((done) => server.close(() => done())));

/** git ls-remote against the server (asynchronously: the server answers from this process), with no CA from the environment. */
async function lsRemote(dir: string, env: NodeJS.ProcessEnv): Promise<string> {
  const clean = { ...env };
  for (const k of ['GIT_SSL_CAINFO', 'GIT_SSL_CAPATH', 'CURL_CA_BUNDLE', 'SSL_CERT_FILE', 'SSL_CERT_DIR'])
    delete clean[k];
  try {
    await promisify(execFile)('git', ['ls-remote', url], { cwd: dir, env: clean, timeout: 60_000 });
    return '';
  } catch (err) {
    return String((err as { stderr?: string }).stderr ?? err);
  }
}

test('a CA in the work tree: git trusts the server it signed, and the rule fails (before: pass)', async () => {
  const r = makeRepo();
  r.commit('our CA', { 'certs/ca.pem': readFileSync(ca, 'utf8') }); // checked out with the other files
  mkdirSync(join(r.dir, 'certs', 'deep'));
  expect(await lsRemote(join(r.dir, 'certs', 'deep'), r.env)).toMatch(/certificate verification failed/);
  expect(asked).toEqual([]);
  for (const [key, value] of [
    ['http.sslCAInfo', 'certs/ca.pem'],
    [`http.${url.replace('/r.git', '/')}.sslCAPath`, join(r.dir, 'certs')],
  ] as const) {
    r.run(['config', key, value]);
    // git's answer: the server's certificate is taken, from a sub-folder too (the HTTP request reaches it).
    expect(await lsRemote(join(r.dir, 'certs', 'deep'), r.env)).toMatch(/not found/);
    expect(asked.pop()).toBe('/r.git/info/refs?service=git-upload-pack');
    const res = await runMain(
      ['audit', '-C', r.dir, '--no-cache', '--format', 'json', '-r', 'tls-verification-enabled'],
      { env: r.env },
    );
    const tls = resultOf(parseJson(res), 'tls-verification-enabled');
    expect({ code: res.code, outcome: tls.outcome }).toEqual({ code: 1, outcome: 'fail' });
    expect(tls.findings.map((f) => f.message).join('\n')).toContain(
      'is in the work tree, which every checkout may replace',
    );
    r.run(['config', '--unset', key]);
  }
});

test('twin: a private CA outside the work tree (the remediation git documents) passes', async () => {
  const r = makeRepo();
  r.commit('one', { 'a.txt': 'a\n' });
  r.run(['config', 'http.sslCAInfo', ca]);
  expect(await lsRemote(r.dir, r.env)).toMatch(/not found/);
  const res = await runMain(
    ['audit', '-C', r.dir, '--no-cache', '--format', 'json', '-r', 'tls-verification-enabled'],
    { env: r.env },
  );
  expect({ code: res.code, outcome: resultOf(parseJson(res), 'tls-verification-enabled').outcome }).toEqual({
    code: 0,
    outcome: 'pass',
  });
});
