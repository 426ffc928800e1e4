// refs/stash and refs/notes/* as git makes them, in both object formats: which tips --all walks.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { splitMetadataRefs } from '../../src/collect/metadata-refs.js';
import { cleanupTemp, makeRepo, type TestRepo } from '../helpers/repo.js';

afterAll(cleanupTemp);

/** Every ref as for-each-ref lists it (name, id, type). */
const refsOf = (r: TestRepo) =>
  r
    .run(['for-each-ref', '--format=%(refname) %(objectname) %(objecttype)'])
    .split('\n')
    .map((l) => l.split(' '))
    .map(([name, oid, type]) => ({ name: name!, oid: oid!, type: type! }));

describe.each(['sha1', 'sha256'] as const)('%s', (objectFormat) => {
  const hex = objectFormat === 'sha256' ? 64 : 40;
  function annotated(): TestRepo {
    const r = makeRepo({ objectFormat });
    r.commit('one', { 'a.txt': '1\n' });
    r.commit('two', { 'a.txt': '2\n' });
    r.run(['notes', 'add', '-m', 'first', 'HEAD~1']);
    r.run(['notes', 'add', '-m', 'second', 'HEAD']);
    return r;
  }

  test('notes alone are left out; a stash is walked from the commit it was made on', async () => {
    const r = annotated();
    r.write({ 'a.txt': 'wip\n', 'new.txt': 'untracked\n' });
    r.run(['stash', '-q', '-u']);
    const split = await splitMetadataRefs(`${r.dir}/.git`, refsOf(r), hex);
    expect(split.tips).toEqual([r.head()]);
    expect(split.leftOut).toMatch(/refs\/stash .*1 notes ref/);
  });

  test('more than 256 notes (git fans them out into ab/cdef... folders) are still notes alone', async () => {
    const r = makeRepo({ objectFormat });
    r.commit('one', { 'a.txt': '1\n' });
    const blobs = r
      .run(['hash-object', '-w', '--stdin-paths'], {
        input: Array.from({ length: 300 }, (_, i) => {
          r.write({ [`b${i}.txt`]: `${i}\n` });
          return `b${i}.txt`;
        }).join('\n'),
      })
      .split('\n');
    r.run(['notes', 'add', '-m', 'on the commit', 'HEAD']);
    // The note copied onto each blob by one git (`notes copy --stdin`), in two commits: the first
    // tree git keeps flat, the second git fans out (301 gits before, one `notes add` per note).
    const copy = (oids: string[]): string =>
      r.run(['notes', 'copy', '--stdin'], { input: oids.map((b) => `HEAD ${b}\n`).join('') });
    copy(blobs.slice(0, 40));
    expect(r.run(['ls-tree', '--name-only', 'refs/notes/commits']).split('\n')).toHaveLength(41);
    copy(blobs.slice(40));
    expect(r.run(['ls-tree', '--name-only', 'refs/notes/commits']).split('\n')[0]).toMatch(/^[0-9a-f]{2}$/);
    const split = await splitMetadataRefs(`${r.dir}/.git`, refsOf(r), hex);
    expect(split.tips).toEqual([r.head()]);
  }, 120_000);

  test('a path a note cannot have (too short for this format, a link) makes the notes ref a branch', async () => {
    for (const entry of ['100644 blob BLOB\tabcdef', '120000 blob BLOB\tNOTEPATH']) {
      const r = annotated();
      const blob = r.run(['hash-object', '-w', '--stdin'], { input: 'x\n' });
      const line = entry.replace('BLOB', blob).replace('NOTEPATH', r.head());
      const tree = r.run(['mktree'], { input: `${line}\n` });
      const bad = r.run(['commit-tree', '-p', 'refs/notes/commits', '-m', 'odd note', tree]);
      r.run(['update-ref', 'refs/notes/commits', bad]);
      const split = await splitMetadataRefs(`${r.dir}/.git`, refsOf(r), hex);
      expect(split.tips).toContain(bad);
      expect(split.leftOut).toBe('');
    }
  });

  test('a notes history git cannot read (a tree gone from the object store) is walked, not vouched for', async () => {
    const r = annotated();
    const tree = r.run(['rev-parse', 'refs/notes/commits~1^{tree}']);
    rmSync(join(r.dir, '.git', 'objects', tree.slice(0, 2), tree.slice(2)));
    const notes = r.run(['rev-parse', 'refs/notes/commits']);
    const split = await splitMetadataRefs(`${r.dir}/.git`, refsOf(r), hex);
    expect(split.tips).toContain(notes);
  });
});
