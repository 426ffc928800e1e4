// commitSeries makes the commits `git commit -S` makes one at a time: the same bytes for SSH
// signatures (Ed25519 signatures are deterministic, sshsig carries no time), signatures gpg and git
// call good for OpenPGP, files staged at their turn.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commitArgs, commitSeries, type SeriesCommit } from './commit-series.js';
import { makeGpg } from './gpg.js';
import { cleanupTemp, makeRepo, type TestRepo } from './repo.js';
import { gitLetter, makeSshKey, writeAllowedSigners } from './ssh.js';

afterAll(cleanupTemp);

const at = (n: number): Record<string, string> => {
  const date = new Date(Date.UTC(2024, 0, 1) + n * 60_000).toISOString();
  return { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date };
};

/** The same commits, one `git add` + `git commit` each. */
function oneByOne(r: TestRepo, commits: SeriesCommit[]): string[] {
  return commits.map((c) => {
    if (c.files) r.write(c.files);
    r.run(['add', '-A']);
    r.run(commitArgs(c), { env: c.env });
    return r.head();
  });
}

test('SSH-signed, unsigned, with files and odd messages: the same commit ids as git commit one at a time', () => {
  const a = makeRepo();
  const b = makeRepo();
  const key = makeSshKey(a.home, 'ed25519', 'alice');
  const ssh = ['-c', 'gpg.format=ssh'];
  const commits: SeriesCommit[] = [
    { message: 'first', signWith: key.path, gitArgs: ssh, env: at(1), files: { 'a.txt': 'a\n', 'd/b.txt': 'b\n' } },
    { message: 'it\'s $HOME `x` "q" \\ \n second line', signWith: key.path, gitArgs: ssh, env: at(2) },
    { message: 'unsigned', env: { ...at(3), GIT_COMMITTER_EMAIL: 'bob@example.com' } },
    { message: 'last', signWith: key.path, gitArgs: ssh, env: at(4), files: { 'a.txt': 'changed\n' } },
  ];
  const ids = commitSeries(a, commits);
  expect(ids).toHaveLength(4);
  expect(ids).toEqual(oneByOne(b, commits));
  expect(a.run(['rev-list', '--reverse', 'HEAD']).split('\n')).toEqual(ids);
  const signers = writeAllowedSigners(join(a.home, 'as'), [`alice@example.com ${key.pub}`]);
  expect(ids.map((id) => gitLetter(a, id, signers))).toEqual(['G', 'G', 'N', 'G']);
  expect(a.run(['show', `${ids[3]}:a.txt`])).toBe('changed');
  expect(a.run(['show', `${ids[3]}:d/b.txt`])).toBe('b');
});

test('gpg-signed: git verify-commit and %G? call every commit good', () => {
  const r = makeRepo();
  const gpg = makeGpg(mkdtempSync(join(tmpdir(), 'gg-series-')));
  try {
    const fpr = gpg.genKey('Alice Example <alice@example.com>', 'ed25519');
    gpg.trust(fpr);
    const ids = commitSeries(
      r,
      Array.from({ length: 3 }, (_, i) => ({ message: `work ${i}`, signWith: fpr, env: at(i) })),
      { GNUPGHOME: gpg.home },
    );
    const env = { GNUPGHOME: gpg.home };
    expect(r.run(['log', '--format=%G? %GF', 'HEAD'], { env }).split('\n')).toEqual(ids.map(() => `G ${fpr}`));
    for (const id of ids) r.run(['verify-commit', id], { env });
  } finally {
    gpg.kill();
  }
});

test('a git that fails stops the series with its error', () => {
  const r = makeRepo();
  expect(() =>
    commitSeries(r, [{ message: 'x', signWith: join(r.home, 'no-such-key'), gitArgs: ['-c', 'gpg.format=ssh'] }]),
  ).toThrow(/no-such-key/);
});
