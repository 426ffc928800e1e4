// Red team 29: http.sslCAInfo / http.sslCAPath (also per URL) replace the CAs git trusts. One that is
// a file of the work tree (a relative path is read from the top of the work tree) is whatever was last
// checked out: whoever commits there picks which certificates the remote may present, and a network
// attacker holding that CA's key reads the credentials of every push. tls-verification-enabled only
// looked at http.sslVerify and passed. Checked with a real TLS server on 127.0.0.1: git 2.39 trusts a
// certificate signed by the work tree's CA (the HTTP request reaches the server) and refuses it
// without that setting; the rule now fails the first and passes a private CA kept outside the tree.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTemp, makeRepo } from '../helpers/repo.js';
import { parseJson, resultOf, runMain } from '../helpers/cli.js';
import { lsRemote as lsRemoteAt, startTlsServer, type TlsServer } from '../helpers/tls-server.js';

afterAll(() => cleanupTemp());

let server: TlsServer;
let url: string;
let asked: string[];
let ca: string;

beforeAll(async () => {
  server = await startTlsServer();
  ({ url, asked, ca } = server);
});
afterAll(() => server.close());

const lsRemote = (dir: string, env: NodeJS.ProcessEnv): Promise<string> => lsRemoteAt(url, dir, env);

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

// Red team 48: `%(prefix)/` followed by an absolute path is that path to git (2.35+ interpolate_path):
// the rule took any `%(prefix)/` value for git's install folder and passed a CA of the work tree.
test('http.sslCAInfo=%(prefix)/<the work tree>/ca.pem: git trusts it, the rule fails; twin outside passes', async () => {
  const r = makeRepo();
  r.commit('our CA', { 'certs/ca.pem': readFileSync(ca, 'utf8') });
  const audit = async (): Promise<string> => {
    const res = await runMain(
      ['audit', '-C', r.dir, '--no-cache', '--format', 'json', '-r', 'tls-verification-enabled'],
      { env: r.env },
    );
    return `${res.code} ${resultOf(parseJson(res), 'tls-verification-enabled').outcome}`;
  };
  r.run(['config', 'http.sslCAInfo', `%(prefix)/${join(r.dir, 'certs', 'ca.pem')}`]);
  expect(await lsRemote(r.dir, r.env)).toMatch(/not found/);
  expect(asked.pop()).toBe('/r.git/info/refs?service=git-upload-pack');
  expect(await audit()).toBe('1 fail');
  r.run(['config', 'http.sslCAInfo', `%(prefix)/${ca}`]);
  expect(await lsRemote(r.dir, r.env)).toMatch(/not found/);
  expect(await audit()).toBe('0 pass');
});
