// Clean workflows 30: a packed-refs that names a ref twice with the same id. Red team 23 stops the
// run (exit 2) on a ref `git for-each-ref` lists twice, as git's lookup of it and its listing can
// disagree. With the same id on both lines they cannot: rev-parse, log and for-each-ref all give that
// one commit, and git before 2.15 read such a file by dropping the repeated line with a warning
// ("Duplicated ref"), dying only when the ids differed. A tool or a hand merge that repeats a line
// stopped every audit (before: exit 2 "lists refs/heads/main twice"); it is now read as one ref.
// Twins: two different ids, or a repeated line followed by a third with another id, still stop it.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTemp, copyRepo, tempDir, type TestRepo } from '../helpers/repo.js';
import { makeSshKey } from '../helpers/ssh.js';
import { sshSigningRepo } from '../helpers/signing-repo.js';
import { runMain } from '../helpers/cli.js';

const HEADER = '# pack-refs with: peeled fully-peeled sorted \n';

let template: TestRepo;
let signed: string; // main's signed tip
let unsigned: string; // an unsigned commit on top of it (refs/heads/wip)
let tag: string; // the annotated, signed tag v1.0 on `signed`
beforeAll(() => {
  const alice = makeSshKey(tempDir(), 'ed25519', 'alice');
  template = sshSigningRepo(alice);
  signed = template.commit('signed work', { 'a.txt': 'a\n' });
  template.run(['tag', '-s', '-m', 'v1.0', 'v1.0']);
  tag = template.run(['rev-parse', 'refs/tags/v1.0']);
  template.run(['checkout', '-q', '-b', 'wip']);
  unsigned = template.commit('unsigned work', { 'a.txt': 'b\n' }, ['--no-gpg-sign']);
  template.run(['checkout', '-q', 'main']);
  template.run(['branch', '-D', 'wip']);
  template.run(['pack-refs', '--all']);
});
afterAll(() => cleanupTemp());

const audit = (r: TestRepo, ...extra: string[]) =>
  runMain(['audit', '-C', r.dir, '--no-cache', '--no-ledger', '-r', 'commits-signed,tags-signed', ...extra], {
    env: r.env,
  });

const packed = (r: TestRepo, lines: string[], header = HEADER): void =>
  writeFileSync(join(r.dir, '.git', 'packed-refs'), `${header}${lines.map((l) => `${l}\n`).join('')}`);

const listing = (r: TestRepo): string[] =>
  r.run(['for-each-ref', '--format=%(objectname) %(refname)']).split('\n').filter(Boolean);

test.each([
  ['claiming sorted', HEADER],
  ['without a header (git sorts it itself)', ''],
])(
  'main and a tag each packed twice with the same id, %s: one ref each, audited (before: exit 2)',
  async (_, header) => {
    const r = copyRepo(template);
    packed(
      r,
      [
        `${signed} refs/heads/main`,
        `${signed} refs/heads/main`,
        `${tag} refs/tags/v1.0`,
        `^${signed}`,
        `${tag} refs/tags/v1.0`,
        `^${signed}`,
      ],
      header,
    );
    // git's own answers: both lines listed, one id looked up
    expect(listing(r)).toEqual([
      `${signed} refs/heads/main`,
      `${signed} refs/heads/main`,
      `${tag} refs/tags/v1.0`,
      `${tag} refs/tags/v1.0`,
    ]);
    expect(r.run(['rev-parse', 'HEAD', 'v1.0^{}'])).toBe(`${signed}\n${signed}`);
    const res = await audit(r, '--all');
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/pass +commits-signed/);
    expect(res.stdout).toMatch(/pass +tags-signed/);
  },
);

test('a loose main beside a packed-refs naming it out of its claimed order, the same id: one ref, audited (before: exit 2)', async () => {
  const r = copyRepo(template);
  packed(r, [`${signed} refs/heads/zz`, `${signed} refs/heads/main`]);
  writeFileSync(join(r.dir, '.git', 'refs', 'heads', 'main'), `${signed}\n`); // loose, the same id (update-ref writes nothing for an unchanged value)
  expect(listing(r).filter((l) => l.endsWith(' refs/heads/main'))).toEqual([
    `${signed} refs/heads/main`,
    `${signed} refs/heads/main`,
  ]);
  const res = await audit(r, '--all');
  expect(res.code).toBe(0);
});

describe('twins: two ids for one name still stop the run', () => {
  test.each([
    ['two lines, two ids', () => [`${signed} refs/heads/main`, `${unsigned} refs/heads/main`]],
    [
      'a repeated line, then a third with another id',
      () => [`${signed} refs/heads/main`, `${signed} refs/heads/main`, `${unsigned} refs/heads/main`],
    ],
    [
      'the unsigned id first, the signed one repeated',
      () => [`${unsigned} refs/heads/main`, `${signed} refs/heads/main`, `${signed} refs/heads/main`],
    ],
  ])('%s: exit 2, one line', async (_, lines) => {
    const r = copyRepo(template);
    packed(r, lines());
    const res = await audit(r);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/lists refs\/heads\/main twice, with two ids/);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
  });

  test('a loose main with another id beside an out-of-order packed main: exit 2', async () => {
    const r = copyRepo(template);
    packed(r, [`${signed} refs/heads/zz`, `${signed} refs/heads/main`]);
    r.run(['update-ref', 'refs/heads/main', unsigned]);
    expect(r.run(['rev-parse', 'HEAD'])).toBe(unsigned);
    expect((await audit(r)).code).toBe(2);
  });
});
