// `verify --format json` and `ledger show --format json` print identities and ref names taken from
// the repository: like the audit reports they must carry no raw C1 control (U+009B is a one-byte
// CSI on many terminals) nor bidi override, and still parse back to the same strings.
import { makeRepo, cleanupTemp } from '../helpers/repo.js';
import { runMain } from '../helpers/cli.js';

afterAll(cleanupTemp);

const CSI = '\u009b';
const RLO = '\u202e';
const RAW = /[\u0080-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/u;

test('verify --format json escapes controls in identities', async () => {
  const r = makeRepo();
  r.commit('hostile identity', { 'a.txt': 'a\n' }, []);
  const name = `Mallory${CSI}31m ${RLO}moc.elpmaxe`;
  const email = `mallory${CSI}2J${RLO}@example.com`;
  r.run(['commit', '-q', '--allow-empty', '-m', `subject ${RLO}x`], {
    env: { GIT_COMMITTER_NAME: name, GIT_AUTHOR_NAME: name, GIT_COMMITTER_EMAIL: email, GIT_AUTHOR_EMAIL: email },
  });
  const res = await runMain(['verify', '-C', r.dir, '--no-cache', '--format', 'json'], { env: r.env });
  expect(res.code).toBe(1); // unsigned
  expect(res.stdoutBytes.toString('utf8')).not.toMatch(RAW);
  expect(res.stdout).toContain('\\u009b');
  const parsed = JSON.parse(res.stdout) as { commits: unknown[] };
  expect(JSON.stringify(parsed)).toContain(CSI); // the data is unchanged, only its spelling
});

test('ledger show --format json escapes controls in ref names', async () => {
  const r = makeRepo();
  r.commit('one');
  const tag = `v1${RLO}gnp.exe`;
  r.run(['tag', tag]);
  const accept = await runMain(['ledger', 'accept', `refs/tags/${tag}`, '-C', r.dir, '--reason', `ok ${CSI}2J`], {
    env: r.env,
  });
  expect(accept.stderr).toBe('');
  expect(accept.code).toBe(0);
  const res = await runMain(['ledger', 'show', r.dir, '--format', 'json'], { env: r.env });
  expect(res.code).toBe(0);
  expect(res.stdout).not.toMatch(RAW);
  expect(res.stdout).toContain('\\u202e');
  expect(JSON.stringify(JSON.parse(res.stdout))).toContain(RLO);
});
