// Red team 60: git reads some settings from environment variables, after its config and over it
// (http.c http_init, transport.c is_transport_allowed), and a CI sets them for every git of a job:
// GIT_SSL_NO_VERIFY (set at all) turns certificate checks off, GIT_SSL_CAINFO/GIT_SSL_CAPATH name
// the CAs, GIT_ALLOW_PROTOCOL allows exactly the protocols it lists. The config rules judged only
// config: with GIT_SSL_NO_VERIFY=1 git fetched from a server whose certificate no CA signed while
// tls-verification-enabled passed (GIT_CONFIG_PARAMETERS with http.sslVerify=false failed it), and
// GIT_ALLOW_PROTOCOL=ext ran an ext:: command protocols-restricted never saw. Checked against git's
// own answers: a real TLS server on 127.0.0.1, a real ext:: URL.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { cleanupTemp, makeRepo, type TestRepo } from '../helpers/repo.js';
import { parseJson, resultOf, runMain } from '../helpers/cli.js';
import { startTlsServer, type TlsServer } from '../helpers/tls-server.js';

afterAll(() => cleanupTemp());

let server: TlsServer;
beforeAll(async () => {
  server = await startTlsServer();
});
afterAll(() => server.close());

/** What the environment variables below reach, and nothing else of the test runner's. */
const CLEAN = ['GIT_SSL_NO_VERIFY', 'GIT_SSL_CAINFO', 'GIT_SSL_CAPATH', 'GIT_ALLOW_PROTOCOL', 'CURL_CA_BUNDLE'];
const envOf = (r: TestRepo, extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv => {
  const env = { ...r.env };
  for (const k of [...CLEAN, 'SSL_CERT_FILE', 'SSL_CERT_DIR']) delete env[k];
  return { ...env, ...extra };
};

/** git's own answer: `git ls-remote url` in the work tree, '' or its error. */
async function lsRemote(r: TestRepo, url: string, extra: NodeJS.ProcessEnv): Promise<string> {
  try {
    await promisify(execFile)('git', ['ls-remote', url], { cwd: r.dir, env: envOf(r, extra), timeout: 60_000 });
    return '';
  } catch (err) {
    return String((err as { stderr?: string }).stderr ?? err);
  }
}

async function rule(
  r: TestRepo,
  id: string,
  extra: NodeJS.ProcessEnv,
): Promise<{ code: number; outcome: string; said: string }> {
  const res = await runMain(['audit', '-C', r.dir, '--no-cache', '--no-ledger', '--format', 'json', '-r', id], {
    env: envOf(r, extra),
  });
  const result = resultOf(parseJson(res), id);
  return { code: res.code, outcome: result.outcome, said: result.findings.map((f) => f.message).join('\n') };
}

function repo(): TestRepo {
  const r = makeRepo();
  r.commit('our CA', { 'certs/ca.pem': readFileSync(server.ca, 'utf8') });
  return r;
}

describe('TLS settings from the environment', () => {
  test('GIT_SSL_NO_VERIFY: git fetches from a server no CA it trusts signed, and the rule fails (before: pass)', async () => {
    const r = repo();
    expect(await lsRemote(r, server.url, {})).toMatch(/certificate/);
    for (const value of ['1', 'false', '']) {
      // git tests only that the variable is set: "false" and "" turn the checks off too.
      expect(await lsRemote(r, server.url, { GIT_SSL_NO_VERIFY: value })).toMatch(/not found/);
      expect(server.asked.pop()).toBe('/r.git/info/refs?service=git-upload-pack');
      const got = await rule(r, 'tls-verification-enabled', { GIT_SSL_NO_VERIFY: value });
      expect([got.code, got.outcome]).toEqual([1, 'fail']);
      expect(got.said).toContain(
        'TLS certificate checking is off for every HTTPS remote: http.sslverify=false (command)',
      );
    }
  });

  test('GIT_SSL_CAINFO / GIT_SSL_CAPATH naming the work tree: git trusts its CA, and the rule fails (before: pass)', async () => {
    const r = repo();
    for (const extra of [{ GIT_SSL_CAINFO: 'certs/ca.pem' }, { GIT_SSL_CAPATH: join(r.dir, 'certs') }]) {
      expect(await lsRemote(r, server.url, extra)).toMatch(/not found/);
      expect(server.asked.pop()).toBe('/r.git/info/refs?service=git-upload-pack');
      const got = await rule(r, 'tls-verification-enabled', extra);
      expect([got.code, got.outcome]).toEqual([1, 'fail']);
      expect(got.said).toContain('is in the work tree, which every checkout may replace');
    }
  });

  test('twin: no such variable, or GIT_SSL_CAINFO naming a private CA outside the work tree, passes', async () => {
    const r = repo();
    expect(await lsRemote(r, server.url, { GIT_SSL_CAINFO: server.ca })).toMatch(/not found/);
    for (const extra of [{}, { GIT_SSL_CAINFO: server.ca }])
      expect(await rule(r, 'tls-verification-enabled', extra)).toEqual({ code: 0, outcome: 'pass', said: '' });
  });
});

describe('GIT_ALLOW_PROTOCOL', () => {
  const extUrl = (marker: string): string => `ext::sh -c touch% ${marker}`;

  test('listing ext: git runs an ext:: command over protocol.ext.allow=never, and the rule fails (before: pass)', async () => {
    const r = repo();
    r.run(['config', 'protocol.ext.allow', 'never']);
    const marker = join(r.dir, '.git', 'ran');
    expect(await lsRemote(r, extUrl(marker), {})).toMatch(/transport 'ext' not allowed/);
    expect(existsSync(marker)).toBe(false);
    await lsRemote(r, extUrl(marker), { GIT_ALLOW_PROTOCOL: 'https:ext' });
    expect(existsSync(marker)).toBe(true); // git's answer: the command ran
    const got = await rule(r, 'protocols-restricted', { GIT_ALLOW_PROTOCOL: 'https:ext' });
    expect([got.code, got.outcome]).toEqual([1, 'fail']);
    expect(got.said).toContain('protocol.ext.allow=always (command): ext:: URLs');
    expect(got.said).toContain('next: unset GIT_ALLOW_PROTOCOL');
  });

  test('twin: a list without ext refuses ext:: over protocol.ext.allow=always, and the rule passes (before: fail)', async () => {
    const r = repo();
    r.run(['config', 'protocol.ext.allow', 'always']);
    const marker = join(r.dir, '.git', 'ran');
    expect(await lsRemote(r, extUrl(marker), { GIT_ALLOW_PROTOCOL: 'https:ssh' })).toMatch(
      /transport 'ext' not allowed/,
    );
    expect(existsSync(marker)).toBe(false);
    expect((await rule(r, 'protocols-restricted', { GIT_ALLOW_PROTOCOL: 'https:ssh' })).outcome).toBe('pass');
    expect((await rule(r, 'protocols-restricted', {})).outcome).toBe('fail'); // the config alone: git runs it
  });
});
