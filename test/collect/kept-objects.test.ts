// The object reader reads an object by id from git once per run and keeps it (collect/kept-objects.ts):
// each `<commit>:<path>` read the commit and its root tree again, ~185 of an audit's ~200 cat-file
// reads on a small repository. What it keeps must answer as git would: an object over a later ask's
// limit is still refused, one git did not have is asked again, and what is kept stays bounded.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { createShadow } from '../../src/collect/git.js';
import { KeptObjects } from '../../src/collect/kept-objects.js';
import { ObjectReader, ObjectTooLargeError } from '../../src/collect/objects.js';
import { cleanupTemp, makeRepo, type TestRepo } from '../helpers/repo.js';

afterAll(() => cleanupTemp());

/** A reader over `r` (a shadow of its objects, as an audit reads them), closed after `body`. */
async function withReader<T>(r: TestRepo, body: (reader: ObjectReader) => Promise<T>): Promise<T> {
  const shadow = createShadow(join(r.dir, '.git'), 'sha1');
  const reader = new ObjectReader(shadow);
  try {
    return await body(reader);
  } finally {
    reader.close();
    shadow.dispose();
  }
}

/** Removes a loose object's file: git no longer has it. */
const unlinkObject = (r: TestRepo, oid: string): void =>
  rmSync(join(r.dir, '.git/objects', oid.slice(0, 2), oid.slice(2)));

test('`<commit>:<path>` read many times asks git for the commit and its trees once: they answer after git lost them', async () => {
  const r = makeRepo();
  const commit = r.commit('one', { '.github/workflows/ci.yml': 'on: push\n', 'README.md': 'hi\n' });
  const tree = r.run(['rev-parse', `${commit}^{tree}`]);
  const sub = r.run(['rev-parse', `${commit}:.github`]);
  const git = r.run(['cat-file', '-p', `${commit}:.github/workflows/ci.yml`]);
  await withReader(r, async (reader) => {
    for (let i = 0; i < 20; i++) await reader.read(`${commit}:README.md`);
    expect((await reader.read(`${commit}:.github/workflows/ci.yml`))?.body.toString()).toBe(`${git}\n`);
    for (const oid of [commit, tree, sub]) unlinkObject(r, oid);
    const again = await reader.read(`${commit}:.github/workflows/ci.yml`);
    expect(again?.body.toString()).toBe(`${git}\n`);
  });
  // Twin: a reader of its own reads git's objects, which are gone now.
  await withReader(r, async (reader) => {
    await expect(reader.read(`${commit}:README.md`)).resolves.toBeNull();
  });
});

test('an object kept from a read with a larger limit is still refused over a smaller one, as git answers it', async () => {
  const r = makeRepo();
  const commit = r.commit('one', { 'big.txt': 'x'.repeat(1000) });
  const big = r.run(['rev-parse', `${commit}:big.txt`]);
  await withReader(r, async (reader) => {
    expect((await reader.read(big))?.body.length).toBe(1000);
    await expect(reader.read(big, 100)).rejects.toBeInstanceOf(ObjectTooLargeError);
    expect((await reader.read(big, 1000))?.body.length).toBe(1000);
  });
});

test('an id git did not have is asked again: the object written since is read', async () => {
  const r = makeRepo();
  r.commit('one', { 'a.txt': 'a\n' });
  const oid = r.run(['hash-object', '--stdin'], { input: 'later\n' });
  await withReader(r, async (reader) => {
    expect(await reader.read(oid)).toBeNull();
    r.run(['hash-object', '-w', '--stdin'], { input: 'later\n' });
    expect((await reader.read(oid))?.body.toString()).toBe('later\n');
  });
});

test('what is kept stays within its bound, the oldest dropped first; a failed read is not kept', async () => {
  const kept = new KeptObjects<{ body: Buffer }>(15, 25);
  const asked: string[] = [];
  const ask = (id: string, size: number) => () => {
    asked.push(id);
    return Promise.resolve({ body: Buffer.alloc(size) });
  };
  for (const id of ['a', 'b', 'c']) await kept.read(id, 100, ask(id, 10)); // c pushes a out
  await kept.read('c', 100, ask('c', 10));
  await kept.read('b', 100, ask('b', 10));
  await kept.read('a', 100, ask('a', 10));
  await kept.read('big', 100, ask('big', 20)); // over 15: never kept
  await kept.read('big', 100, ask('big', 20));
  let fails = 0;
  const failing = () => (fails++ ? Promise.resolve({ body: Buffer.alloc(1) }) : Promise.reject(new Error('x')));
  await expect(kept.read('f', 100, failing)).rejects.toThrow('x');
  await expect(kept.read('f', 100, failing)).resolves.toEqual({ body: Buffer.alloc(1) });
  expect(asked).toEqual(['a', 'b', 'c', 'a', 'big', 'big']);
});
