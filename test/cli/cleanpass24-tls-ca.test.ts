// Clean pass 24: tls-verification-enabled on the CA set-ups people have. A relative http.sslCAInfo is
// opened from the top of the work tree (git runs its transport there), and every relative path was
// taken as the work tree's: a runner's `../../_temp/ca.pem` (the CA written beside the checkout, as
// GitHub's runner does with its temp folder) failed though it lies outside. A relative path is now
// judged by its text from the top and by where it leads; one in the work tree (`certs/ca.pem`, or out
// and back in) still fails. The other set-ups (the system bundle, a CA in HOME with HOME elsewhere, a
// corporate http.<url>.sslCAInfo, a work tree under HOME with the CA outside it) pass as they are.
import { cpSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { cleanupTemp, makeRepo, type TestRepo } from '../helpers/repo.js';
import { parseJson, resultOf, runMain } from '../helpers/cli.js';
import { lsRemote, startTlsServer, type TlsServer } from '../helpers/tls-server.js';

afterAll(() => cleanupTemp());

const RULE = 'tls-verification-enabled';
let server: TlsServer;
let r: TestRepo;
let runner: NodeJS.ProcessEnv;
beforeAll(async () => {
  server = await startTlsServer();
  r = makeRepo();
  r.commit('our CA', { 'certs/ca.pem': readFileSync(server.ca, 'utf8') });
  // A runner: HOME holds the work tree and, beside it, the _temp folder the CA is written to.
  runner = { ...r.env, HOME: dirname(r.dir) };
  mkdirSync(join(dirname(r.dir), '_temp'));
  cpSync(server.ca, join(dirname(r.dir), '_temp', 'ca.pem'));
  mkdirSync(join(r.home, '.local', 'share'), { recursive: true });
  cpSync(server.ca, join(r.home, '.local', 'share', 'ca.pem'));
});
afterAll(() => server.close());

/** git's answer (ls-remote from the work tree) and the rule's, with `key`=`value` in the local config. */
async function withCa(value: string, env: NodeJS.ProcessEnv, key = 'http.sslCAInfo'): Promise<string> {
  r.run(['config', key, value]);
  try {
    const git = (await lsRemote(server.url, r.dir, env)).includes('not found') ? 'trusted' : 'refused';
    server.asked.length = 0;
    const res = await runMain(['audit', '-C', r.dir, '--no-cache', '--format', 'json', '-r', RULE], { env });
    return `${git} ${res.code} ${resultOf(parseJson(res), RULE).outcome}`;
  } finally {
    r.run(['config', '--unset', key]);
  }
}

test("a relative CA leading out of the work tree (a runner's ../_temp/ca.pem) passes (before: fail)", async () => {
  expect(await withCa('../_temp/ca.pem', runner)).toBe('trusted 0 pass');
});

test('twins: a relative CA in the work tree, or out and back into it, still fails', async () => {
  expect(await withCa('certs/ca.pem', runner)).toBe('trusted 1 fail');
  expect(await withCa(`../${basename(r.dir)}/certs/ca.pem`, runner)).toBe('trusted 1 fail');
  expect(await withCa('./certs/../certs/ca.pem', runner)).toBe('trusted 1 fail');
});

test('the CA set-ups people have pass', async () => {
  // ~/.local/share with HOME not holding the work tree; the same for one corporate host only.
  expect(await withCa('~/.local/share/ca.pem', r.env)).toBe('trusted 0 pass');
  expect(await withCa('~/.local/share/ca.pem', r.env, `http.${server.url}.sslCAInfo`)).toBe('trusted 0 pass');
  // A work tree under HOME (a CI runner), the CA outside it, by ~/ and by its absolute path.
  expect(await withCa('~/_temp/ca.pem', runner)).toBe('trusted 0 pass');
  expect(await withCa(join(dirname(r.dir), '_temp', 'ca.pem'), runner)).toBe('trusted 0 pass');
  // The system's bundle (it does not hold the test's CA: git refuses the server, the rule passes).
  expect(await withCa('/etc/ssl/certs/ca-certificates.crt', r.env)).toBe('refused 0 pass');
});
