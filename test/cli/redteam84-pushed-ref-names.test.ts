// Red team 84: the server's pre-receive hook reads the pushed refs from git's stdin, where
// receive-pack passes any name that fits its 65,520-byte packet and any number of them. The
// repository's own refs stop a run past 16,383 characters (V8 hashes a longer name by its length
// alone: every Map keyed by name turns quadratic) and past GITGUARD_MAX_REFS (ref-list.ts); a push
// was taken whole whatever it named. Real git push into a bare repository with gitguard's hook
// installed; the client holds its long tags in packed-refs (a loose ref's name is a path).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTemp, makeRepo, type TestRepo } from '../helpers/repo.js';
import { hookedServer, pushOrigin as push, stopHookBridge } from '../helpers/hook-bridge.js';

afterAll(async () => {
  await stopHookBridge();
  cleanupTemp();
});

/** A client of a hooked server holding `names` as tags of its one commit (packed-refs). */
async function clientWithTags(names: string[]): Promise<{ server: TestRepo; client: TestRepo }> {
  const server = await hookedServer();
  const client = makeRepo();
  client.run(['remote', 'add', 'origin', server.dir]);
  const oid = client.commit('one');
  writeFileSync(
    join(client.dir, '.git', 'packed-refs'),
    `# pack-refs with: peeled fully-peeled sorted \n${names.map((n) => `${oid} ${n}\n`).join('')}`,
  );
  expect(client.run(['for-each-ref', '--format=%(refname)', 'refs/tags/']).split('\n')).toEqual(names);
  return { server, client };
}

const tag = (length: number, tail = ''): string => `refs/tags/${'t'.repeat(length - 10 - tail.length)}${tail}`;
const refused = /gitguard: push rejected: cannot check it: (.*)/;

test('a pushed tag of 16,384 characters is refused by the hook, naming the bound', async () => {
  const { server, client } = await clientWithTags([tag(16_384)]);
  const res = await push(client, ['refs/tags/*']);
  expect([res.ok, refused.exec(res.stderr)?.[1]]).toEqual([
    false,
    expect.stringMatching(/^a pushed ref has a name over 16,383 characters \(refs\/tags\/t+/),
  ]);
  expect(server.run(['for-each-ref', 'refs/tags/'])).toBe('');
});

test('twin: a pushed tag of 16,383 characters passes the hook, where git cannot write it as a file', async () => {
  const { client } = await clientWithTags([tag(16_383)]);
  const res = await push(client, ['refs/tags/*']);
  // receive-pack's own refusal after the hook: the loose ref's path is past PATH_MAX.
  expect([res.ok, refused.test(res.stderr), /cannot lock ref[^]*\(failed to update ref\)/.test(res.stderr)]).toEqual([
    false,
    false,
    true,
  ]);
});

test('twin: a pushed tag of 3,813 characters (folders of 100) is accepted and stored', async () => {
  const name = `refs/tags/${`${'x'.repeat(99)}/`.repeat(38)}end`;
  expect(name.length).toBe(3_813);
  const { server, client } = await clientWithTags([name]);
  expect(await push(client, ['refs/tags/*'])).toEqual({ ok: true, stderr: '' });
  expect(server.run(['for-each-ref', '--format=%(refname)', 'refs/tags/'])).toBe(name);
});

test('more pushed refs than GITGUARD_MAX_REFS refuse the push; as many as it pass', async () => {
  const names = ['refs/tags/a', 'refs/tags/b', 'refs/tags/c', 'refs/tags/d'];
  const over = await clientWithTags(names);
  over.client.env.GITGUARD_MAX_REFS = '3';
  const res = await push(over.client, ['refs/tags/*']);
  expect([res.ok, refused.exec(res.stderr)?.[1]]).toEqual([
    false,
    expect.stringMatching(/^the push names more than 3 refs \(GITGUARD_MAX_REFS\); /),
  ]);
  expect(over.server.run(['for-each-ref', 'refs/tags/'])).toBe('');

  const at = await clientWithTags(names.slice(0, 3));
  at.client.env.GITGUARD_MAX_REFS = '3';
  expect(await push(at.client, ['refs/tags/*'])).toEqual({ ok: true, stderr: '' });
  expect(at.server.run(['for-each-ref', '--format=%(refname)', 'refs/tags/']).split('\n')).toEqual(names.slice(0, 3));
});
