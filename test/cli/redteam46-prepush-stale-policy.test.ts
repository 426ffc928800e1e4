// Red team 46: a push whose HEAD is neither on the remote nor pushed is judged with the remote's own
// policy, read at refs/remotes/<remote>/HEAD (or the one every tracked branch carries). Round 45 made
// a remote-tracking ref that a pushed line shows stale count for nothing as published history, but the
// remote's policy was still read at it. Mallory's policy change m1 (goodlisting her unsigned m0,
// protecting no ref) reached origin's main and was fetched; a maintainer, in a second clone, put main
// back to the last good commit. Mallory, HEAD on m1, pushes m0 as a new branch beside a signed commit
// on the real main: git hands the hook main's real sha, refs/remotes/origin/main still records m1, and
// m1's goodlist passed m0. The remote's policy is now read where the lines say its refs are (a stale
// branch at the line's sha when this repository holds it, else not at all).
// Clean twins: the same push without m0 passes with a stale ref; after a fetch, m0 fails as before.
import { join } from 'node:path';
import { writeFileSync, readFileSync, chmodSync, mkdirSync } from 'node:fs';
import { cleanupTemp, tempDir, type TestRepo } from '../helpers/repo.js';
import { commitAsPerson } from '../helpers/ssh.js';
import { pushedSigningRepo, Z } from '../helpers/pushed-repo.js';
import { tryGit } from '../helpers/signing-repo.js';

afterAll(() => cleanupTemp());

/** What real git hands the pre-push hook for `git push <args>` (a hook that records it and refuses). */
function hookInput(r: TestRepo, args: string[]): string {
  const hooks = tempDir();
  mkdirSync(hooks, { recursive: true });
  const log = join(hooks, 'input');
  writeFileSync(join(hooks, 'pre-push'), `#!/bin/sh\ncat > '${log}'\nexit 1\n`);
  chmodSync(join(hooks, 'pre-push'), 0o755);
  tryGit(r, ['-c', `core.hooksPath=${hooks}`, 'push', ...args]);
  return readFileSync(log, 'utf8');
}

/** m1 pushed to origin's main and fetched, origin/HEAD naming main; a second clone puts main back to `published`. */
function setUp(withHead: boolean) {
  const set = pushedSigningRepo();
  const { r, m1, published, alice } = set;
  r.run(['push', '-q', 'origin', 'pr:main']);
  r.run(['fetch', '-q', 'origin']);
  if (withHead) r.run(['remote', 'set-head', 'origin', 'main']);
  const other = join(tempDir(), 'other');
  r.run(['clone', '-q', r.run(['remote', 'get-url', 'origin']), other]);
  expect(tryGit(r, ['push', '-q', '-f', 'origin', `${published}:refs/heads/main`], other).code).toBe(0);
  expect(r.run(['rev-parse', 'refs/remotes/origin/main'])).toBe(m1); // stale: no fetch since
  r.run(['checkout', '-q', '-b', 'next', published]);
  const signed = commitAsPerson(r, alice, 'alice@example.com', 'next', { 'src/n.txt': 'n\n' });
  r.run(['checkout', '-q', 'pr']); // HEAD on m1: neither on the remote nor pushed
  return { ...set, signed };
}

describe.each([
  ['refs/remotes/origin/HEAD naming main', true],
  ['no refs/remotes/origin/HEAD (the policy every tracked branch carries)', false],
])('%s', (_, withHead) => {
  test("Mallory's unsigned m0 pushed beside a signed commit on the real main fails (before: passed, goodlisted by the stale main's policy)", async () => {
    const { r, m0, published, signed, prePush } = setUp(withHead);
    const input = hookInput(r, ['origin', 'wip:feature', 'next:main']);
    expect(input).toBe(
      `refs/heads/next ${signed} refs/heads/main ${published}\nrefs/heads/wip ${m0} refs/heads/feature ${Z}\n`,
    );
    const res = await prePush(input);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`${m0.slice(0, 12)} no signature: "mallory work"`);
    expect(res.stderr).toContain('gitguard pre-push: note: 1 remote-tracking ref(s) of origin are stale');
  });

  test('clean twins: the signed commit alone passes with the stale ref; after a fetch m0 fails, the signed commit passes', async () => {
    const { r, m0, published, signed, prePush } = setUp(withHead);
    const alone = await prePush(`refs/heads/next ${signed} refs/heads/main ${published}\n`);
    expect(alone.code).toBe(0);
    expect(alone.stderr).toContain('gitguard pre-push: 1 new commit(s) checked, 0 rule(s) failed\n');
    r.run(['fetch', '-q', 'origin']);
    expect(r.run(['rev-parse', 'refs/remotes/origin/main'])).toBe(published);
    expect((await prePush(`refs/heads/wip ${m0} refs/heads/feature ${Z}\n`)).code).toBe(1);
    expect(await prePush(`refs/heads/next ${signed} refs/heads/main ${published}\n`)).toEqual({
      code: 0,
      stderr: 'gitguard pre-push: 1 new commit(s) checked, 0 rule(s) failed\n',
    });
  });
});
