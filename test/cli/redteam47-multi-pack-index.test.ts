// Red team 47: the multi-pack index (objects/pack/multi-pack-index) is a second table from object id
// to pack offset beside the pack's .idx. git reads through it with core.multiPackIndex on (the
// default, and gitguard's shadow) and through the .idx with it off. A midx whose entry for a committed
// secret's blob pointed at a harmless blob's bytes (its checksum rewritten too) in a repository that
// sets core.multiPackIndex=false: git log -p, git fsck and a clone all showed (or served) the secret,
// gitguard's scan passed. Each midx git would load is now checked by git's own `multi-pack-index
// verify` and a disagreeing one refuses the repository (exit 2). Twins: the honest midx, read either
// way, still gets the secret found; a forged one in a repository that reads through it (fsck fails).
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTemp, makeRepo, tempDir, type TestRepo } from '../helpers/repo.js';
import { parseJson, resultOf, runMain, stderrLines } from '../helpers/cli.js';
import { madeOnce } from '../helpers/made-once.js';
import { TokenFactory } from '../helpers/secrets.js';

afterAll(cleanupTemp);

const token = new TokenFactory(4747).checksummed(`gh${'p'}_`);

/** Two commits, the second adding a token and a harmless file, packed and indexed by one midx. */
const template = madeOnce(() => {
  const r = makeRepo();
  r.commit('one', { 'README.md': '# demo\n' });
  r.commit('two', { 'cfg.txt': `token = "${token}"\n`, 'notes.txt': 'nothing secret here\n' });
  r.run(['repack', '-adq']);
  r.run(['multi-pack-index', 'write', '--no-progress']);
  return { r };
});
/** A copy of the template's repository. */
const fresh = (): TestRepo => template().r;

const midxFile = (r: TestRepo): string => join(r.dir, '.git/objects/pack/multi-pack-index');

/**
 * Points `victim`'s midx entry (OOFF: pack and offset per id, in OIDL's order) at `decoy`'s bytes and
 * rewrites the trailing checksum, as an attacker writing the file would (gitformat-pack, MIDX).
 */
function forgeMidx(r: TestRepo, victim: string, decoy: string): void {
  const d = readFileSync(midxFile(r));
  const chunk = (id: string): number => {
    for (let at = 12; at < 12 + 12 * (d[6]! + 1); at += 12)
      if (d.toString('latin1', at, at + 4) === id) return Number(d.readBigUInt64BE(at + 4));
    throw new Error(`no ${id} chunk`);
  };
  const count = d.readUInt32BE(chunk('OIDF') + 255 * 4);
  const oidl = chunk('OIDL');
  const ooff = chunk('OOFF');
  const index = (oid: string): number => {
    for (let i = 0; i < count; i++) if (d.toString('hex', oidl + 20 * i, oidl + 20 * (i + 1)) === oid) return i;
    throw new Error(`${oid} not in the midx`);
  };
  d.copy(d, ooff + 8 * index(victim), ooff + 8 * index(decoy), ooff + 8 * index(decoy) + 8);
  createHash('sha1')
    .update(d.subarray(0, d.length - 20))
    .digest()
    .copy(d, d.length - 20);
  writeFileSync(midxFile(r), d);
}

async function audit(r: TestRepo) {
  return runMain(
    ['audit', '-C', r.dir, '-r', 'secrets-not-in-history', '--format', 'json', '--no-ledger', '--no-cache'],
    {
      env: r.env,
    },
  );
}

const git = (r: TestRepo, args: string[]): { code: number; out: string } => {
  try {
    return { code: 0, out: r.run(args) };
  } catch (err) {
    return { code: (err as { status: number }).status, out: String((err as { stderr: unknown }).stderr) };
  }
};

test('twin: an honest midx, read through or around, and the token is found', async () => {
  const r = fresh();
  expect(git(r, ['multi-pack-index', 'verify', '--no-progress']).code).toBe(0);
  for (const on of ['true', 'false']) {
    r.config({ 'core.multiPackIndex': on });
    const res = await audit(r);
    expect(res.code).toBe(1);
    const result = resultOf(parseJson(res), 'secrets-not-in-history');
    expect(result.outcome).toBe('fail');
    expect(JSON.stringify(result.findings)).toContain('cfg.txt');
  }
});

test('a midx pointing the secret at a harmless blob, in a repository that reads around it: refused (before: pass)', async () => {
  const r = fresh();
  const secret = r.run(['rev-parse', 'HEAD:cfg.txt']);
  forgeMidx(r, secret, r.run(['rev-parse', 'HEAD:notes.txt']));
  r.config({ 'core.multiPackIndex': 'false' });
  // git's answer: the repository's own git, its fsck and a clone of it all have the token.
  expect(r.run(['log', '-p'])).toContain(token);
  expect(git(r, ['fsck', '--no-progress']).code).toBe(0);
  const clone = join(tempDir(), 'clone');
  r.run(['clone', '-q', `file://${r.dir}`, clone]);
  expect(r.run(['-C', clone, 'log', '-p'])).toContain(token);
  // Read through the midx (gitguard's shadow did), the secret's id gives the harmless text.
  expect(r.run(['-c', 'core.multiPackIndex=true', 'cat-file', 'blob', secret])).toBe('nothing secret here');
  expect(git(r, ['multi-pack-index', 'verify', '--no-progress']).out).toMatch(/incorrect object offset/);

  const res = await audit(r);
  expect(res.code).toBe(2);
  expect(res.stdout).toBe('');
  const lines = stderrLines(res);
  expect(lines).toHaveLength(1);
  expect(lines[0]).toContain(`the multi-pack index in ${join(r.dir, '.git/objects/pack')} disagrees with the packs`);
  expect(lines[0]).toContain('incorrect object offset');
  expect(lines[0]).toContain('git multi-pack-index write');
});

test('the same midx where git reads through it (the default): refused too, as git fsck fails it', async () => {
  const r = fresh();
  forgeMidx(r, r.run(['rev-parse', 'HEAD:cfg.txt']), r.run(['rev-parse', 'HEAD:notes.txt']));
  expect(r.run(['log', '-p'])).not.toContain(token);
  expect(git(r, ['fsck', '--no-progress']).code).not.toBe(0);
  const res = await audit(r);
  expect(res.code).toBe(2);
  expect(stderrLines(res)[0]).toContain('disagrees with the packs it indexes');
});

test('a midx in a store borrowed through alternates is checked the same way', async () => {
  const lender = fresh();
  forgeMidx(lender, lender.run(['rev-parse', 'HEAD:cfg.txt']), lender.run(['rev-parse', 'HEAD:notes.txt']));
  const borrower = makeRepo();
  writeFileSync(join(borrower.dir, '.git/objects/info/alternates'), `${join(lender.dir, '.git/objects')}\n`);
  borrower.run(['update-ref', 'refs/heads/main', lender.head()]);
  borrower.config({ 'core.multiPackIndex': 'false' });
  expect(borrower.run(['log', '-p'])).toContain(token);
  const res = await audit(borrower);
  expect(res.code).toBe(2);
  expect(stderrLines(res)[0]).toContain(`the multi-pack index in ${join(lender.dir, '.git/objects/pack')}`);
});
