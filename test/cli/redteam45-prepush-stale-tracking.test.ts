// Red team 45: the pre-push walk takes what the remote has as accepted, read from refs/remotes/<remote>/*
// as of the last fetch, while git hands the hook each pushed ref's sha as it read it from the remote
// for this very push. When someone else rewound or deleted a branch since (a maintainer dropping
// Mallory's unsigned commit m0), the stale remote-tracking ref still held m0: a push that republished
// m0 under that branch was walked without it and passed. A remote-tracking ref that a pushed line shows
// stale now counts for nothing (the line's sha counts instead, when held), the commits only it held
// are checked, and the hook says the picture was stale, with the next step (git fetch).
// Clean twins: the same push after a fetch, and a stale ref whose branch the push fast-forwards
// from the remote's real tip, pass.
import { join } from 'node:path';
import { writeFileSync, readFileSync, chmodSync, mkdirSync } from 'node:fs';
import { cleanupTemp, tempDir, type TestRepo } from '../helpers/repo.js';
import { runMain } from '../helpers/cli.js';
import { staleTracking } from '../../src/domain/refspec.js';
import { commitAsPerson } from '../helpers/ssh.js';
import { pushedSigningRepo, Z } from '../helpers/pushed-repo.js';
import { tryGit } from '../helpers/signing-repo.js';

afterAll(() => cleanupTemp());

/** Mallory's m0 pushed as origin's branch `feature` and fetched; then a second clone (another
 *  maintainer) rewinds `feature` to `published` (or deletes it): our refs/remotes/origin/feature still holds m0. */
function setUp(change: 'rewind' | 'rewind-held' | 'delete') {
  const set = pushedSigningRepo();
  const { r, m0, published } = set;
  r.run(['push', '-q', 'origin', 'wip:refs/heads/feature']);
  r.run(['fetch', '-q', 'origin']);
  expect(r.run(['rev-parse', 'refs/remotes/origin/feature'])).toBe(m0);
  const remote = r.run(['remote', 'get-url', 'origin']);
  const other = join(tempDir(), 'other');
  r.run(['clone', '-q', remote, other]);
  // Rewound to `published`, or to a commit of theirs on it that this repository has not fetched.
  const redo = tryGit(r, ['commit-tree', '-m', 'redo', '-p', published, `${published}^{tree}`], other).stdout.trim();
  const now = { rewind: redo, 'rewind-held': published, delete: '' }[change];
  expect(tryGit(r, ['push', '-q', '-f', 'origin', `${now}:refs/heads/feature`], other).code).toBe(0);
  expect(r.run(['rev-parse', 'refs/remotes/origin/feature'])).toBe(m0); // stale: no fetch since
  return { ...set, now: now || Z };
}

/** The lines real git hands the pre-push hook for `git push <args>` (a hook that records them and refuses). */
function hookInput(r: TestRepo, args: string[]): string {
  return hookCall(r, args).input;
}

/** What real git hands the pre-push hook for `git push <args>`: its input and its URL argument. */
function hookCall(r: TestRepo, args: string[]): { input: string; url: string } {
  const hooks = tempDir();
  mkdirSync(hooks, { recursive: true });
  const log = join(hooks, 'input');
  writeFileSync(join(hooks, 'pre-push'), `#!/bin/sh\nprintf %s "$2" > '${log}.url'\ncat > '${log}'\nexit 1\n`);
  chmodSync(join(hooks, 'pre-push'), 0o755);
  tryGit(r, ['-c', `core.hooksPath=${hooks}`, 'push', ...args]);
  return { input: readFileSync(log, 'utf8'), url: readFileSync(`${log}.url`, 'utf8') };
}

test('a push republishing commits the remote dropped since the last fetch is judged as new', async () => {
  for (const change of ['rewind', 'delete'] as const) {
    const { r, alice, m0, now, prePush } = setUp(change);
    r.run(['checkout', '-q', 'wip']);
    const onTop = commitAsPerson(r, alice, 'alice@example.com', 'review fixes', { 'src/r.txt': 'r\n' });
    const input = hookInput(r, ['-f', 'origin', 'wip:feature']);
    // git read origin's feature for the push: their new commit (rewound) or nothing (deleted), not the stale m0.
    expect(input).toBe(`refs/heads/wip ${onTop} refs/heads/feature ${now}\n`);
    const res = await prePush(input);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`${m0.slice(0, 12)} no signature: "mallory work"`);
    expect(res.stderr).toContain(
      `gitguard pre-push: note: 1 remote-tracking ref(s) of origin are stale (refs/remotes/origin/feature records ${m0.slice(0, 12)}, the remote has ${change === 'rewind' ? now.slice(0, 12) : 'nothing'}): the commits only they held were checked as new, and the remote's other refs may have moved too; run git fetch origin and push again to judge the push against what it has now\n`,
    );
  }
});

test('clean twins: the same push after a fetch, and a fast-forward from the real tip past a stale ref, pass', async () => {
  const { r, alice, published, prePush } = setUp('rewind-held');
  // A fast-forward of origin's real feature (`published`, held here) while refs/remotes/origin/feature is stale.
  r.run(['checkout', '-q', '-b', 'next', published]);
  const signed = commitAsPerson(r, alice, 'alice@example.com', 'next', { 'src/n.txt': 'n\n' });
  const input = hookInput(r, ['origin', 'next:feature']);
  expect(input).toBe(`refs/heads/next ${signed} refs/heads/feature ${published}\n`);
  const res = await prePush(input);
  expect(res.code).toBe(0);
  expect(res.stderr).toContain('gitguard pre-push: 1 new commit(s) checked, 0 rule(s) failed\n');
  expect(res.stderr).toContain('gitguard pre-push: note: 1 remote-tracking ref(s) of origin are stale');
  // After a fetch the picture is current: no note.
  r.run(['fetch', '-q', '--prune', 'origin']);
  expect(r.run(['rev-parse', 'refs/remotes/origin/feature'])).toBe(published);
  expect(await prePush(hookInput(r, ['origin', 'next:feature']))).toEqual({
    code: 0,
    stderr: 'gitguard pre-push: 1 new commit(s) checked, 0 rule(s) failed\n',
  });
});

test('clean twin: fetched from upstream, pushed to a fork (a pushurl): the lines tell of the fork, not of upstream', async () => {
  const { r, alice, m0, published } = pushedSigningRepo();
  r.run(['push', '-q', 'origin', 'wip:refs/heads/feature']);
  r.run(['fetch', '-q', 'origin']);
  const fork = join(tempDir(), 'fork.git');
  r.run(['init', '-q', '--bare', fork]);
  r.run(['push', '-q', fork, `${published}:refs/heads/main`]);
  r.run(['config', 'remote.origin.pushurl', fork]);
  // Upstream's feature (m0, published there) pushed to the fork with a signed commit on it: the fork lacks feature.
  r.run(['checkout', '-q', 'wip']);
  const onTop = commitAsPerson(r, alice, 'alice@example.com', 'on feature', { 'src/f.txt': 'f\n' });
  const { input, url } = hookCall(r, ['origin', 'wip:feature']);
  expect([input, url]).toEqual([`refs/heads/wip ${onTop} refs/heads/feature ${Z}\n`, fork]);
  expect(r.run(['rev-parse', 'refs/remotes/origin/feature'])).toBe(m0);
  const res = await runMain(['hook', 'run', 'pre-push', 'origin', url, '-C', r.dir], { env: r.env, input });
  expect([res.code, res.stderr]).toEqual([0, 'gitguard pre-push: 1 new commit(s) checked, 0 rule(s) failed\n']);
});

test('staleTracking reads each tracking ref back through the remote its refspecs (pure)', () => {
  const [a, b] = ['a'.repeat(40), 'b'.repeat(40)];
  const fetch = new Map([
    ['origin', ['+refs/heads/*:refs/remotes/origin/*', 'refs/heads/main:refs/remotes/origin/trunk']],
    ['fork', ['+refs/heads/*:refs/remotes/fork/*']],
  ]);
  const tracking = ['origin/x', 'origin/y', 'origin/z', 'origin/trunk', 'fork/x'].map((n) => ({
    name: `refs/remotes/${n}`,
    oid: a,
  }));
  const lines = [
    { remoteRef: 'refs/heads/x', remoteSha: b }, // moved
    { remoteRef: 'refs/heads/y', remoteSha: a }, // as fetched
    { remoteRef: 'refs/heads/main', remoteSha: Z }, // deleted: origin/trunk records it
    { remoteRef: 'refs/tags/z', remoteSha: b }, // not what refs/remotes/origin/z records
  ];
  expect(staleTracking(fetch, 'origin', tracking, lines)).toEqual([
    { name: 'refs/remotes/origin/x', was: a, has: b },
    { name: 'refs/remotes/origin/trunk', was: a, has: Z },
  ]);
});
