// Red team 47: one object id in two packs with different bytes (git never checks a pack entry's hash
// when it reads one). git picks the pack in its own order: the repository's own packs first, then
// those of the stores it borrows from (objects/info/alternates), newest first (packfile.c sort_pack).
// gitguard's shadow borrowed the repository's store through alternates too, so none of its packs was
// local there and the newest pack won: a borrowed store with a newer pack holding a harmless text
// under the id of a committed token's blob passed the secrets scan, while git log -p, git show and a
// clone of the repository all gave the token. The repository's own packs are now local in the shadow
// too. Twins: an honest borrowed store (the token found), and a forged blob only the borrowed store
// holds, which git in the repository reads too (gitguard's answer is git's).
import { execFileSync } from 'node:child_process';
import { readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTemp, makeRepo, tempDir, type TestRepo } from '../helpers/repo.js';
import { parseJson, resultOf, runMain } from '../helpers/cli.js';
import { TokenFactory } from '../helpers/secrets.js';
import { forgedStore, refusedForCopies } from '../helpers/forged-pack.js';

afterAll(cleanupTemp);

const token = new TokenFactory(4748).checksummed(`gh${'p'}_`);
const HARMLESS = 'nothing secret here, honestly\n';

function repoWithToken(): { r: TestRepo; secret: string } {
  const r = makeRepo();
  r.commit('one', { 'README.md': '# demo\n' });
  r.commit('two', { 'cfg.txt': `token = "${token}"\n`, 'notes.txt': 'notes\n' });
  return { r, secret: r.run(['rev-parse', 'HEAD:cfg.txt']) };
}

const packsOf = (objects: string): string[] =>
  readdirSync(join(objects, 'pack'))
    .filter((n) => n.endsWith('.pack') || n.endsWith('.idx'))
    .map((n) => join(objects, 'pack', n));

/** Sets the times git orders packs by (no clock, no waiting): `year` for every pack of `objects`. */
function packTimes(objects: string, year: number): void {
  const t = new Date(`${year}-01-01T00:00:00Z`);
  for (const f of packsOf(objects)) utimesSync(f, t, t);
}

/**
 * A bare store holding every object of `r`'s HEAD as one pack, `forged` (when given) with the
 * harmless text under its id (a loose file rewritten, then packed by git, which does not re-hash).
 */
function store(r: TestRepo, forged?: string): string {
  const { dir } = forgedStore(r, forged ? { id: forged, text: HARMLESS } : undefined);
  execFileSync('git', [`--git-dir=${dir}`, 'prune-packed'], { env: r.env });
  return join(dir, 'objects');
}

function borrow(r: TestRepo, objects: string, ownYear: number, borrowedYear: number): void {
  writeFileSync(join(r.dir, '.git/objects/info/alternates'), `${objects}\n`);
  packTimes(join(r.dir, '.git/objects'), ownYear);
  packTimes(objects, borrowedYear);
}

async function scan(r: TestRepo): Promise<{ outcome: string; findings: string }> {
  const res = await runMain(
    ['audit', '-C', r.dir, '-r', 'secrets-not-in-history', '--format', 'json', '--no-ledger', '--no-cache'],
    {
      env: r.env,
    },
  );
  const result = resultOf(parseJson(res), 'secrets-not-in-history');
  return { outcome: result.outcome, findings: JSON.stringify(result.findings ?? []) };
}

test("a borrowed store's newer pack with other bytes under the token's id: git reads the repository's own pack, and so does gitguard (before: pass)", async () => {
  const { r, secret } = repoWithToken();
  r.run(['repack', '-adq']);
  borrow(r, store(r, secret), 2020, 2030);
  // git's answers in the repository: its own pack's bytes, everywhere.
  expect(r.run(['show', 'HEAD:cfg.txt'])).toContain(token);
  expect(r.run(['log', '-p'])).toContain(token);
  const clone = join(tempDir(), 'clone');
  r.run(['clone', '-q', `file://${r.dir}`, clone]);
  expect(r.run(['-C', clone, 'show', 'HEAD:cfg.txt'])).toContain(token);
  // What a store whose packs are all borrowed reads (gitguard's shadow before): the newest pack's.
  const borrower = join(tempDir(), 'borrower.git');
  r.run(['init', '-q', '--bare', borrower]);
  writeFileSync(join(borrower, 'objects/info/alternates'), `${join(r.dir, '.git/objects')}\n`);
  expect(r.run([`--git-dir=${borrower}`, 'cat-file', 'blob', secret])).toBe(HARMLESS.trim());

  // Since red team 58: refused, the id having two copies with other bytes.
  await refusedForCopies(r, secret, '-r', 'secrets-not-in-history', '--no-cache');
});

test('twin: an honest borrowed store (a --reference clone): the token is found', async () => {
  const { r } = repoWithToken();
  r.run(['repack', '-adq']);
  borrow(r, store(r), 2020, 2030);
  const o = await scan(r);
  expect(o.outcome).toBe('fail');
  expect(o.findings).toContain('cfg.txt');
});

test("twin: the forged blob only in the borrowed store: git in the repository reads it too, and gitguard's answer is git's", async () => {
  const { r, secret } = repoWithToken();
  const objects = store(r, secret);
  r.run(['repack', '-adq']);
  // The repository keeps every object but the token's blob (a repack without it, then the store's).
  const keep = r
    .run(['rev-list', '--objects', 'HEAD'])
    .split('\n')
    .filter((l) => !l.startsWith(secret))
    .join('\n');
  for (const f of packsOf(join(r.dir, '.git/objects'))) execFileSync('rm', ['-f', f]);
  execFileSync('git', ['-C', r.dir, 'unpack-objects', '-q'], {
    env: r.env,
    input: execFileSync('git', [`--git-dir=${join(objects, '..')}`, 'pack-objects', '--stdout', '-q'], {
      env: r.env,
      input: `${keep}\n`,
    }),
  });
  writeFileSync(join(r.dir, '.git/objects/info/alternates'), `${objects}\n`);
  r.run(['repack', '-adq', '-l']);
  borrow(r, objects, 2030, 2020);
  expect(r.run(['show', 'HEAD:cfg.txt'])).toBe(HARMLESS.trim());
  expect((await scan(r)).outcome).toBe('pass');
});
