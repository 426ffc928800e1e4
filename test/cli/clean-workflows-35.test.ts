// Clean workflows 35: pre-push with HEAD on an unpushed branch, to a remote git never named a HEAD for.
// Since round 27 a push is judged with HEAD's policy only when HEAD is published or pushed, else with
// the remote's own at refs/remotes/<remote>/HEAD, else the defaults. git 2.39 writes that ref only on
// clone: a repository made with `git init`, `git remote add upstream ...`, `git push -u upstream main`
// has none. Alice, its maintainer, on her unpushed feature branch, moving the floating tag v1 (her
// signed tag, forward, as protected.floating_tags allows) with `git push -f upstream v1`, was refused
// ("moving protected tag refs/tags/v1": the defaults protect every tag). The remote's own policy is now
// also the one all its tracked branches carry (one .gitguard tree at every tip).
// Twins: a lightweight move is still refused; a remote whose branches disagree (Mallory's branch with
// her own policy, goodlisting her unsigned commit) names none, so her commit pushed from there is
// refused as before (the defaults and the pushed tip's policy), and so is the tag move.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupTemp, tempDir } from '../helpers/repo.js';
import { commitAsPerson, makeSshKey, type SshTestKey } from '../helpers/ssh.js';
import { ALICE_POLICY, sshSigningRepo } from '../helpers/signing-repo.js';
import { runMain } from '../helpers/cli.js';

let alice: SshTestKey;
beforeAll(() => {
  alice = makeSshKey(mkdtempSync(join(tmpdir(), 'gg-cw35-')), 'ed25519', 'alice');
});
afterAll(() => cleanupTemp());

const Z = '0'.repeat(40);
const POLICY = `${ALICE_POLICY}protected:\n  refs: [refs/heads/main, refs/tags/*]\n  floating_tags: [refs/tags/v?]\n`;

test("a floating tag pushed from an unpushed branch, to a remote without <remote>/HEAD: the remote's policy", async () => {
  const r = sshSigningRepo(alice);
  r.run(['config', 'user.email', 'alice@example.com']);
  const asAlice = (m: string, f: Record<string, string>) => commitAsPerson(r, alice, 'alice@example.com', m, f);
  asAlice('policy: v1 floats', { '.gitguard/policy.yml': POLICY });
  const remote = join(tempDir(), 'remote.git');
  r.run(['init', '-q', '--bare', remote]);
  r.run(['remote', 'add', 'upstream', remote]);
  r.run(['tag', '-s', '-m', 'v1', 'v1']);
  r.run(['push', '-q', '-u', 'upstream', 'main', 'v1']);
  expect(r.run(['for-each-ref', '--format=%(refname)', 'refs/remotes'])).toBe('refs/remotes/upstream/main');
  const old = r.run(['rev-parse', 'v1']);
  asAlice('fix', { 'src/b.txt': 'b\n' });
  r.run(['push', '-q', 'upstream', 'main']);
  r.run(['tag', '-f', '-s', '-m', 'v1', 'v1']);
  const moved = r.run(['rev-parse', 'v1']);
  r.run(['checkout', '-q', '-b', 'feature']);
  asAlice('wip', { 'src/c.txt': 'c\n' });
  const prePush = async (input: string) => {
    const res = await runMain(['hook', 'run', 'pre-push', 'upstream', remote, '-C', r.dir], { env: r.env, input });
    return { code: res.code, stderr: res.stderr };
  };
  const tagMove = `refs/tags/v1 ${moved} refs/tags/v1 ${old}\n`;
  // The tag's commit is upstream/main's tip: the push publishes no commit the remote lacks (git's
  // answer below), so none is walked (secrets64: every remote-tracking tip is excluded).
  expect(r.run(['rev-list', moved, '--not', '--remotes=upstream'])).toBe('');
  expect(await prePush(tagMove)).toEqual({
    code: 0,
    stderr: 'gitguard pre-push: 0 new commit(s) checked, 0 rule(s) failed\n',
  });

  // Twin: a lightweight move of v1 is no release.
  r.run(['-c', 'tag.gpgSign=false', 'tag', '-f', 'v1', 'main']);
  const light = await prePush(`refs/tags/v1 ${r.run(['rev-parse', 'main'])} refs/tags/v1 ${old}\n`);
  expect(light.stderr).toMatch(/refused: moving protected tag refs\/tags\/v1 .*lightweight/);
  expect(light.code).toBe(1);

  // Twin: Mallory's branch on the remote carries her own policy (goodlisting her unsigned commit, no
  // floating tags): the branches disagree, the remote names no policy, her commit is refused.
  const published = r.run(['rev-parse', 'main']);
  r.run(['checkout', '-q', '-b', 'wip', published]);
  const m0 = commitAsPerson(r, undefined, 'mallory@example.com', 'mallory work', { 'src/x.txt': 'x\n' });
  r.run(['checkout', '-q', '-b', 'mallory', published]);
  commitAsPerson(r, undefined, 'mallory@example.com', 'policy: tidy', {
    '.gitguard/policy.yml': `${ALICE_POLICY}goodlist:\n  - commit: ${m0}\n    reason: reviewed\nprotected:\n  refs: [refs/heads/nothing]\n  floating_tags: [refs/tags/*]\n`,
  });
  r.run(['push', '-q', '--no-verify', 'upstream', 'mallory']);
  r.run(['checkout', '-q', 'feature']);
  const goodlisted = await prePush(`refs/heads/wip ${m0} refs/heads/wip ${Z}\n`);
  expect(goodlisted.stderr).toContain(`${m0.slice(0, 12)} no signature: "mallory work"`);
  expect(goodlisted.code).toBe(1);
  const again = await prePush(tagMove);
  expect(again.stderr).toContain('refused: moving protected tag refs/tags/v1');
  expect(again.stderr).toContain(
    '  note: the default protections applied: HEAD is neither on upstream nor pushed, and upstream names no policy (no refs/remotes/upstream/HEAD, or its tracked branches carry different ones); name its default branch with: git remote set-head upstream <branch>\n',
  );
  expect(again.code).toBe(1);
  // Naming the remote's default branch names its policy again.
  r.run(['remote', 'set-head', 'upstream', 'main']);
  expect((await prePush(tagMove)).code).toBe(0);
});
