// Red-team round 23: a packed-refs file that names a ref twice. `git for-each-ref` lists both lines;
// git's lookup of the name (rev-parse, log, checkout: a binary search of a file whose header claims
// `sorted`, or of the file git sorted itself) answers one of them. gitguard took the first listed as
// HEAD's tip and judged it, while git's HEAD is the other: a signed commit audited in the place of an
// unsigned one. Such a file is refused (exit 2), as git's answers about the ref disagree.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTemp, tempDir, type TestRepo } from '../helpers/repo.js';
import { makeSshKey, type SshTestKey } from '../helpers/ssh.js';
import { sshSigningRepo } from '../helpers/signing-repo.js';
import { runMain } from '../helpers/cli.js';

let alice: SshTestKey;
beforeAll(() => {
  alice = makeSshKey(tempDir(), 'ed25519', 'alice');
});
afterAll(() => cleanupTemp());

/** main's signed tip and an unsigned commit on top of it, both refs packed. */
function twoTips(): { r: TestRepo; signed: string; unsigned: string } {
  const r = sshSigningRepo(alice);
  const signed = r.commit('signed work', { 'a.txt': 'a\n' });
  const unsigned = r.commit('unsigned work', { 'a.txt': 'b\n' }, ['--no-gpg-sign']);
  r.run(['pack-refs', '--all']);
  return { r, signed, unsigned };
}

const audit = (r: TestRepo) =>
  runMain(['audit', '-C', r.dir, '--no-cache', '--no-ledger', '-r', 'commits-signed'], { env: r.env });

const packed = (r: TestRepo, header: string, lines: string[]): void =>
  writeFileSync(join(r.dir, '.git', 'packed-refs'), `${header}${lines.map((l) => `${l}\n`).join('')}`);

test.each([
  ['claiming sorted', '# pack-refs with: peeled fully-peeled sorted \n'],
  ['without a header (git sorts it itself)', ''],
])('refs/heads/main packed twice, %s: refused, not the first id judged', async (_, header) => {
  const { r, signed, unsigned } = twoTips();
  packed(r, header, [`${signed} refs/heads/main`, `${unsigned} refs/heads/main`]);
  // git's own answers: both listed, the second one looked up
  expect(r.run(['for-each-ref', '--format=%(objectname) %(refname)']).split('\n')).toEqual([
    `${signed} refs/heads/main`,
    `${unsigned} refs/heads/main`,
  ]);
  expect(r.run(['rev-parse', 'HEAD'])).toBe(unsigned);
  const res = await audit(r);
  expect(res.code).toBe(2);
  expect(res.stderr).toMatch(/lists refs\/heads\/main twice/);
  expect(res.stderr.trim().split('\n')).toHaveLength(1); // one line, with its next step
  expect(res.stderr).toMatch(/delete the wrong line from \.git\/packed-refs/);
});

test('a packed-refs out of the order it claims, beside a loose main: git lists main twice (loose and packed), refused', async () => {
  const { r, signed, unsigned } = twoTips();
  packed(r, '# pack-refs with: peeled fully-peeled sorted \n', [
    `${signed} refs/heads/zz`,
    `${signed} refs/heads/main`,
  ]);
  r.run(['update-ref', 'refs/heads/main', unsigned]); // a loose ref: what git's lookup answers
  expect(r.run(['for-each-ref', '--format=%(objectname) %(refname)', 'refs/heads/']).split('\n').sort()).toEqual(
    [`${signed} refs/heads/main`, `${unsigned} refs/heads/main`, `${signed} refs/heads/zz`].sort(),
  );
  expect(r.run(['rev-parse', 'HEAD'])).toBe(unsigned);
  const res = await audit(r);
  expect(res.code).toBe(2);
  expect(res.stderr).toMatch(/lists refs\/heads\/main twice/);
});

test('clean twin: the same refs as git pack-refs writes them: the unsigned tip fails, the signed one passes', async () => {
  const { r, signed } = twoTips();
  expect((await audit(r)).code).toBe(1);
  r.run(['update-ref', 'refs/heads/main', signed]);
  r.run(['pack-refs', '--all']);
  expect((await audit(r)).code).toBe(0);
});
