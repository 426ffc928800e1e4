// A maintainer's OpenPGP key shaped as real ones are (compare the Bitcoin Core builders' keys in
// test/fixtures/openpgp): a certify-only primary, 31 user IDs added over time and a photo ID, a
// signing subkey that expires, and a second signing subkey added while the first is still valid. Real
// gpg signs every commit at its own time; git's %G? on the same commits is the reference: each
// signature gpg calls good (G) or good by a key that expired since (Y) passes, and the policy's key file
// gains the new subkey in a commit signed with it. Twin: the expired subkey on a commit dated after its
// expiry (its signature back-dated) fails.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeGpg, type Gpg } from '../helpers/gpg.js';
import { commitSeries, type SeriesCommit } from '../helpers/commit-series.js';
import { cleanupTemp, copyRepo, makeRepo, type TestRepo } from '../helpers/repo.js';
import { parseJson, runMain } from '../helpers/cli.js';

const at = (iso: string): number => Math.floor(Date.parse(iso) / 1000);
// The smallest baseline JPEG (JFIF, 1x1): what gpg's addphoto reads.
const JPEG = Buffer.from(
  'FFD8FFE000104A46494600010101004800480000FFDB004300030202020202030202020303030304060404040404080606050609080A0A090809090A0C0F0C0A0B0E0B09090D110D0E0F101011100A0C12131210130F101010FFC9000B080001000101011100FFCC000600101005FFDA0008010100003F00D2CF20FFD9',
  'hex',
);

let gpg: Gpg;
let repo: TestRepo;
let primary: string;
let subA: string;

// Dana signs with `key` (a subkey, forced with "!") at `iso`, gpg's clock set to `signedAt` (default: the same).
const dana = (
  message: string,
  key: string,
  iso: string,
  files?: Record<string, string>,
  signedAt = iso,
): SeriesCommit => ({
  message,
  signWith: `${key}!`,
  ...(files ? { files } : {}),
  gitArgs: ['-c', 'gpg.format=openpgp', '-c', `gpg.program=${gpg.wrapper}`],
  env: {
    GNUPGHOME: gpg.home,
    GG_GPG_ARGS: `--faked-system-time ${at(signedAt)}!`,
    GIT_AUTHOR_NAME: 'Dana Example',
    GIT_AUTHOR_EMAIL: 'dana@example.org',
    GIT_COMMITTER_NAME: 'Dana Example',
    GIT_COMMITTER_EMAIL: 'dana@example.org',
    GIT_AUTHOR_DATE: `${iso}`,
    GIT_COMMITTER_DATE: `${iso}`,
  },
});

beforeAll(() => {
  gpg = makeGpg(mkdtempSync(join(tmpdir(), 'gg-c31k-')));
  const t0 = at('2024-01-01T00:00:00Z');
  primary = gpg.genKey('Dana Example <dana@example.org>', 'ed25519', { usage: 'cert', at: t0 });
  for (let i = 1; i <= 30; i += 1)
    gpg.run(['--quick-add-uid', primary, `Dana Example <dana+${i}@example.org>`], { at: t0 + 60 * i });
  const photo = join(gpg.home, 'dana.jpg');
  writeFileSync(photo, JPEG);
  gpg.interactive(['--edit-key', primary], `addphoto\n${photo}\ny\nsave\n`, t0 + 3600);
  gpg.run(['--quick-set-primary-uid', primary, 'Dana Example <dana@example.org>'], { at: t0 + 7200 });
  subA = gpg.addSubkey(primary, 'ed25519', { usage: 'sign', expire: '2024-06-01', at: t0 + 10800 });
  const keyFile = (): string => gpg.run(['--armor', '--export', primary]).toString();

  repo = makeRepo();
  commitSeries(repo, [
    dana('policy', subA, '2024-03-01T10:00:00Z', {
      '.gitguard/policy.yml': `version: 1\nsigners:\n  - name: Dana\n    emails: [dana@example.org]\n    openpgp: ["${primary}"]\nmaintainers: [Dana]\n`,
      '.gitguard/keys/dana.asc': keyFile(),
      'SECURITY.md': 'Report vulnerabilities to security@example.org.\n',
    }),
    dana('a', subA, '2024-03-02T10:00:00Z', { 'a.txt': 'a\n' }),
  ]);
  const subB = gpg.addSubkey(primary, 'ed25519', { usage: 'sign', at: at('2024-05-15T09:00:00Z') });
  commitSeries(repo, [
    dana('keys: a new signing subkey', subB, '2024-05-15T10:00:00Z', { '.gitguard/keys/dana.asc': keyFile() }),
    dana('b, with the first subkey before it expires', subA, '2024-05-20T10:00:00Z', { 'b.txt': 'b\n' }),
    dana('c', subB, '2024-07-01T10:00:00Z', { 'c.txt': 'c\n' }),
    dana('d', subB, '2026-11-01T10:00:00Z', { 'd.txt': 'd\n' }),
  ]);
});
afterAll(() => {
  gpg.kill();
  cleanupTemp();
});

const gitSays = (r: TestRepo): string[] =>
  execFileSync('git', ['log', '--format=%G? %s'], { cwd: r.dir, env: { ...r.env, GNUPGHOME: gpg.home } })
    .toString()
    .trim()
    .split('\n');

const failed = async (r: TestRepo): Promise<Array<[string, string]>> => {
  const res = await runMain(['audit', '-C', r.dir, '-t', 'impersonation,history', '--format', 'json'], {
    env: r.env,
  });
  return parseJson(res)
    .results.filter((x) => x.outcome === 'fail')
    .map((x) => [x.meta.id, JSON.stringify(x.findings)]);
};

test('every commit passes where gpg calls its signature good, then or now (%G? G or Y)', async () => {
  const keys = gpg.run(['--with-colons', '--list-keys', primary]).toString();
  expect(keys.match(/^uid:/gm)).toHaveLength(31);
  expect(keys.match(/^uat:/gm)).toHaveLength(1);
  expect(gitSays(repo)).toEqual([
    'G d',
    'G c',
    'Y b, with the first subkey before it expires',
    'G keys: a new signing subkey',
    'Y a',
    'Y policy',
  ]);
  expect(await failed(repo)).toEqual([]);
});

test('twin: the expired subkey signing a commit dated after its expiry (the signature back-dated) fails', async () => {
  const twin = copyRepo(repo);
  commitSeries(twin, [dana('late', subA, '2024-07-02T10:00:00Z', { 'e.txt': 'e\n' }, '2024-05-31T10:00:00Z')]);
  expect(gitSays(twin)[0]).toBe('Y late');
  const late = twin.head();
  const bad = await failed(twin);
  expect(bad.map(([id]) => id)).toContain('signing-keys-valid');
  expect(bad.find(([id]) => id === 'signing-keys-valid')?.[1]).toContain(late);
});
