// Red team 34: tls-verification-enabled read `~/...` as outside the work tree and an absolute path by
// its text. On a CI runner HOME holds the work tree (HOME=/home/runner, the checkout in
// /home/runner/work/x/x), so http.sslCAInfo=~/work/x/x/certs/ca.pem is a committed CA; so is a path
// through a symbolic link that leads into the work tree. git 2.39 took the server certificate the
// committed CA signed (a real TLS server on 127.0.0.1: the request reached it) and the rule passed.
// The config collector now gives the path git opens, `~` expanded and links resolved.
// Twins: a CA in HOME outside the work tree, and a link leading outside it, pass.
import { cpSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { cleanupTemp, makeRepo, type TestRepo } from '../helpers/repo.js';
import { parseJson, resultOf, runMain } from '../helpers/cli.js';
import { lsRemote, startTlsServer, type TlsServer } from '../helpers/tls-server.js';

afterAll(() => cleanupTemp());

let server: TlsServer;
let r: TestRepo;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  server = await startTlsServer();
  r = makeRepo();
  r.commit('our CA', { 'certs/ca.pem': readFileSync(server.ca, 'utf8') });
  // HOME is the folder holding the work tree, as on a runner.
  env = { ...r.env, HOME: dirname(r.dir) };
  const outside = join(dirname(r.dir), 'etc');
  mkdirSync(outside);
  cpSync(server.ca, join(outside, 'ca.pem'));
  symlinkSync(join(r.dir, 'certs'), join(outside, 'into-tree'));
  symlinkSync(outside, join(dirname(r.dir), 'ssl'));
});
afterAll(() => server.close());

/** tls-verification-enabled with http.sslCAInfo=`value`: git's answer (ls-remote) and the rule's. */
async function withCa(value: string): Promise<{ git: string; code: number; outcome: string }> {
  r.run(['config', 'http.sslCAInfo', value]);
  const git = (await lsRemote(server.url, r.dir, env)).includes('not found') ? 'trusted' : 'refused';
  server.asked.length = 0;
  const res = await runMain(
    ['audit', '-C', r.dir, '--no-cache', '--format', 'json', '-r', 'tls-verification-enabled'],
    {
      env,
    },
  );
  r.run(['config', '--unset', 'http.sslCAInfo']);
  return { git, code: res.code, outcome: resultOf(parseJson(res), 'tls-verification-enabled').outcome };
}

test('~/ leading into the work tree (HOME holds it): git trusts the committed CA, the rule fails (before: pass)', async () => {
  expect(await withCa(`~/${basename(r.dir)}/certs/ca.pem`)).toEqual({ git: 'trusted', code: 1, outcome: 'fail' });
});

test('a path through a symbolic link into the work tree: fails (before: pass)', async () => {
  const link = join(dirname(r.dir), 'etc', 'into-tree', 'ca.pem');
  expect(await withCa(link)).toEqual({ git: 'trusted', code: 1, outcome: 'fail' });
  expect(await withCa('~/etc/into-tree/ca.pem')).toEqual({ git: 'trusted', code: 1, outcome: 'fail' });
});

test('twins: a CA in HOME outside the work tree, through a link leading outside: pass', async () => {
  expect(await withCa('~/etc/ca.pem')).toEqual({ git: 'trusted', code: 0, outcome: 'pass' });
  expect(await withCa(join(dirname(r.dir), 'ssl', 'ca.pem'))).toEqual({ git: 'trusted', code: 0, outcome: 'pass' });
});
