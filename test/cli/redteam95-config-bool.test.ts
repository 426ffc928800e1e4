// Red team 95: git reads a boolean setting as a word (true/yes/on, false/no/off, "") or else as an
// int the way strtoimax reads it in base 0 (config.c git_parse_maybe_bool_text, git_parse_int), so
// `http.sslVerify = 0x0`, `+0`, `00` or `0k` turn certificate checks off. gitguard's reading knew
// only decimal digits and trimmed the value: with `0x0` git fetched from a server no CA it trusts
// signed while tls-verification-enabled passed (so did ntfs-hfs-protection-enabled with
// `core.protectNTFS = 0x0`), and `core.fsmonitor = "on "` (which git runs as a command: no boolean
// has a blank) passed no-code-execution-in-local-config. Checked against git's own answers: `git
// config --type=bool` for every spelling, a real TLS server on 127.0.0.1, a real `git status`.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gitBool } from '../../src/domain/config.js';
import { cleanupTemp, makeRepo, tempDir, type TestRepo } from '../helpers/repo.js';
import { parseJson, resultOf, runMain } from '../helpers/cli.js';
import { lsRemote, startTlsServer, type TlsServer } from '../helpers/tls-server.js';

afterAll(() => cleanupTemp());

let server: TlsServer;
beforeAll(async () => {
  server = await startTlsServer();
});
afterAll(() => server.close());

/** git's own reading of `value` as a boolean (git -c x.y=value config --type=bool x.y); undefined where git refuses it. */
function gitsBool(value: string | null): boolean | undefined {
  try {
    const out = execFileSync('git', ['-c', value === null ? 'x.y' : `x.y=${value}`, 'config', '--type=bool', 'x.y'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      env: { PATH: process.env.PATH, HOME: tempDir(), GIT_CONFIG_NOSYSTEM: '1' },
    });
    return out.trim() === 'true';
  } catch {
    return undefined;
  }
}

const SPELLINGS: (string | null)[] = [
  null,
  ...['true', 'TRUE', 'yes', 'On', 'false', 'nO', 'off', '', '0', '1', '-1', '7'],
  // ints as strtoimax reads them: hex, octal, signs, leading C blanks, units
  ...['0x0', '0X0', '+0', '-0', '00', '0k', '0G', '0x0k', ' +0x0g', '\t0', '\v0', '\f1', '0x1', '+1', '1K', '010'],
  ...['2147483647', '2097151k', '-2147483647', '-2097151k', '0x7fffffff'],
  // what git refuses: blanks after, words with blanks, bad digits and units, past an int
  ...['true ', ' true', '\vtrue', 'false\t', '08', '0x', '0b1', '1 ', '- 0', '0kb', '1e3', '0.0', '1\u212a'],
  ...['2147483648', '2097152k', '-2147483648', '0xffffffff', '99999999999999999999999', 'constructor', '0constructor'],
];

test("gitBool reads every spelling as git's config --type=bool does", () => {
  const wrong = SPELLINGS.filter((v) => gitBool(v) !== gitsBool(v)).map(
    (v) => `${JSON.stringify(v)}: git ${gitsBool(v)}, gitguard ${gitBool(v)}`,
  );
  expect(wrong).toEqual([]);
  // the set above holds each of git's three answers
  expect(new Set(SPELLINGS.map(gitsBool))).toEqual(new Set([true, false, undefined]));
});

async function rule(r: TestRepo, id: string): Promise<{ outcome: string; said: string }> {
  const res = await runMain(['audit', '-C', r.dir, '--no-cache', '--no-ledger', '--format', 'json', '-r', id], {
    env: r.env,
  });
  const result = resultOf(parseJson(res), id);
  return { outcome: result.outcome, said: result.findings.map((f) => f.message).join('\n') };
}

test('http.sslVerify=0x0: git fetches from a server no CA it trusts signed, and the rule fails (before: pass)', async () => {
  const r = makeRepo();
  r.commit('first', { 'README.md': 'x\n' });
  for (const off of ['0x0', '+0', '00', '0k']) {
    r.run(['config', 'http.sslVerify', off]);
    expect(await lsRemote(server.url, r.dir, r.env)).toMatch(/not found/); // the request reached the server
    expect(server.asked.pop()).toBe('/r.git/info/refs?service=git-upload-pack');
    const got = await rule(r, 'tls-verification-enabled');
    expect(got.outcome).toBe('fail');
    expect(got.said).toContain(`TLS certificate checking is off for every HTTPS remote: http.sslverify=${off} (local)`);
  }
  // the honest twin: a true spelled as an int keeps the checks, as git does
  r.run(['config', 'http.sslVerify', '0x1']);
  expect(await lsRemote(server.url, r.dir, r.env)).toMatch(/certificate/);
  expect(server.asked).toEqual([]);
  expect(await rule(r, 'tls-verification-enabled')).toEqual({ outcome: 'pass', said: '' });
});

test('core.protectNTFS=0x0 is off as git reads it, and the rule fails (before: pass); 0x1 passes', async () => {
  const r = makeRepo();
  r.commit('first', { 'README.md': 'x\n' });
  r.run(['config', 'core.protectHFS', 'true']);
  r.run(['config', 'core.protectNTFS', '0x0']);
  expect(r.run(['config', '--type=bool', 'core.protectNTFS'])).toBe('false');
  const off = await rule(r, 'ntfs-hfs-protection-enabled');
  expect(off.outcome).toBe('fail');
  expect(off.said).toContain('core.protectNTFS is switched off (local)');
  r.run(['config', 'core.protectNTFS', '0x1']);
  expect(await rule(r, 'ntfs-hfs-protection-enabled')).toEqual({ outcome: 'pass', said: '' });
});

test('core.fsmonitor="on ": git runs it as a command (no boolean has a blank), and the rule fails (before: pass)', async () => {
  const r = makeRepo();
  r.commit('first', { 'README.md': 'x\n' });
  // A program named `on` where git looks (PATH): git's shell runs `on` for the value `on `.
  const bin = tempDir();
  const marker = join(bin, 'ran');
  writeFileSync(join(bin, 'on'), `#!/bin/sh\necho "$@" >> '${marker}'\n`);
  chmodSync(join(bin, 'on'), 0o755);
  const env = { ...r.env, PATH: `${bin}:${r.env.PATH ?? process.env.PATH}` };
  r.run(['config', 'core.fsmonitor', 'on ']);
  r.run(['status', '--porcelain'], { env });
  expect(existsSync(marker)).toBe(true);
  expect(readFileSync(marker, 'utf8')).toMatch(/^2 /); // fsmonitor's hook protocol: version 2, then a token
  const got = await rule(r, 'no-code-execution-in-local-config');
  expect(got.outcome).toBe('fail');
  expect(got.said).toContain('core.fsmonitor=on ');
  // the honest twins: a boolean, in any spelling git takes, runs nothing (0x0 was called a command)
  for (const value of ['on', 'false', '0x0']) {
    r.run(['config', 'core.fsmonitor', value]);
    expect(await rule(r, 'no-code-execution-in-local-config')).toEqual({ outcome: 'pass', said: '' });
  }
});
