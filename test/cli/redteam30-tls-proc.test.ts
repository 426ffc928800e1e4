// Red team 30: tls-verification-enabled fails a CA git trusts that is a file of the work tree, but
// read an absolute path as outside it unless it started with the work tree's own path. git runs its
// transport at the top of the work tree, so /proc/self/cwd/<file> (Linux: the process's own working
// folder) is a file of the work tree under another name, and needs no knowledge of where the user
// cloned: git 2.39 took the server certificate the committed CA signed, and the rule passed.
import { readFileSync } from 'node:fs';
import { cleanupTemp, makeRepo } from '../helpers/repo.js';
import { parseJson, resultOf, runMain } from '../helpers/cli.js';
import { lsRemote, startTlsServer, type TlsServer } from '../helpers/tls-server.js';

afterAll(() => cleanupTemp());

let server: TlsServer;
beforeAll(async () => {
  server = await startTlsServer();
});
afterAll(() => server.close());

async function tls(dir: string, env: NodeJS.ProcessEnv): Promise<{ code: number; outcome: string }> {
  const res = await runMain(['audit', '-C', dir, '--no-cache', '--format', 'json', '-r', 'tls-verification-enabled'], {
    env,
  });
  return { code: res.code, outcome: resultOf(parseJson(res), 'tls-verification-enabled').outcome };
}

test("a CA named through /proc/self/cwd is the work tree's: git trusts it, and the rule fails (before: pass)", async () => {
  const r = makeRepo();
  r.commit('our CA', { 'certs/ca.pem': readFileSync(server.ca, 'utf8') });
  for (const [key, value] of [
    ['http.sslCAInfo', '/proc/self/cwd/certs/ca.pem'],
    ['http.sslCAInfo', '//proc/thread-self/cwd/certs/../certs/ca.pem'],
    [`http.${server.url.replace('/r.git', '/')}.sslCAPath`, '/proc/self/cwd/certs'],
  ] as const) {
    r.run(['config', key, value]);
    if (!key.endsWith('sslCAPath')) {
      // git's answer: the server's certificate is taken (the request reaches the server).
      expect(await lsRemote(server.url, r.dir, r.env)).toMatch(/not found/);
      expect(server.asked.pop()).toBe('/r.git/info/refs?service=git-upload-pack');
    }
    expect(await tls(r.dir, r.env)).toEqual({ code: 1, outcome: 'fail' });
    r.run(['config', '--unset', key]);
  }
  // Without it, git refuses the certificate.
  expect(await lsRemote(server.url, r.dir, r.env)).toMatch(/certificate verification failed/);
});

test('twin: the same CA kept outside the work tree passes', async () => {
  const r = makeRepo();
  r.commit('one', { 'a.txt': 'a\n' });
  r.run(['config', 'http.sslCAInfo', server.ca]);
  expect(await lsRemote(server.url, r.dir, r.env)).toMatch(/not found/);
  expect(await tls(r.dir, r.env)).toEqual({ code: 0, outcome: 'pass' });
});
