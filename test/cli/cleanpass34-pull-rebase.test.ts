// Clean pass 34: `git pull --rebase` of a local commit on main in a fresh clone, after an audit
// recorded it. The first fetch since the clone starts the remote-tracking reflog from the cloned value,
// which is what a pushed commit, force-pushed away and its reflog expired, leaves too
// (redteam17-remote-record.test.ts): whether the rebased commit was pushed in between is not known,
// so protected-refs-not-rewritten still fails (critical). It failed saying only that the commit
// vanished; it now says no remote-tracking ref has it, that their record starts later, and how to
// accept a rewrite of commits never pushed (gitguard ledger accept refs/heads/main), after which the
// audit passes. Twins: the same after the clone's first fetch passes (the record is whole), and a
// commit pushed then reset away fails without the hint (a remote-tracking ref has it).
import { execFileSync } from 'node:child_process';
import { cleanupTemp, tempDir } from '../helpers/repo.js';
import { makeSshKey, type SshTestKey } from '../helpers/ssh.js';
import { signingClone } from '../helpers/signing-repo.js';
import { auditRules, HISTORY_RULES, resultOf, runMain } from '../helpers/cli.js';

let alice: SshTestKey;
beforeAll(() => {
  alice = makeSshKey(tempDir(), 'ed25519', 'alice');
});
afterAll(() => cleanupTemp());

// Reflog entries take the committer date: what happens after the audit is dated after it.
const LATER = { GIT_COMMITTER_DATE: '2035-01-01T00:00:00Z' };

/** Alice's history on a bare upstream, her work tree cloned from it, and someone moving main there. */
function cloned() {
  const c = signingClone(alice, (r) => r.commit('work', { 'src/a.txt': 'a\n' }));
  let moves = 0;
  const upstreamMoves = (): void => {
    moves += 1;
    c.r.commit(`upstream moves ${moves}`, { [`src/b${moves}.txt`]: 'b\n' });
    execFileSync('git', ['push', '-q', c.upstream, 'HEAD:refs/heads/main'], { cwd: c.r.dir, env: c.r.env });
  };
  return { ...c, upstreamMoves };
}

async function rewritten(c: ReturnType<typeof cloned>) {
  const { code, report } = await auditRules(c.dir, c.r.env, HISTORY_RULES, true);
  const result = resultOf(report, 'protected-refs-not-rewritten');
  return { code, outcome: result.outcome, findings: result.findings.map((f) => f.message) };
}

test('a local commit audited, then git pull --rebase over a moved upstream: fails saying how to accept it; accepted, passes', async () => {
  const c = cloned();
  c.git(['commit', '-q', '--allow-empty', '-m', 'local work']);
  expect((await rewritten(c)).code).toBe(0);
  c.upstreamMoves();
  c.git(['pull', '-q', '--rebase'], LATER);
  // git: the recorded commit is on no remote-tracking ref
  expect(c.git(['branch', '-r', '--contains', 'HEAD@{1}'])).toBe('');
  const got = await rewritten(c);
  expect(got).toMatchObject({ code: 1, outcome: 'fail' });
  expect(got.findings).toEqual([
    expect.stringMatching(
      /"local work" by .*\(no remote-tracking ref has them; their record starts later: never pushed\? gitguard ledger accept refs\/heads\/main\)$/,
    ),
  ]);
  const accepted = await runMain(['ledger', 'accept', '-C', c.dir, 'refs/heads/main'], { env: c.r.env });
  expect(accepted.code).toBe(0);
  expect(await rewritten(c)).toMatchObject({ code: 0, outcome: 'pass' });
});

test('twin: after a first fetch since the clone, a local commit audited and pulled --rebase passes (the record is whole)', async () => {
  const c = cloned();
  c.upstreamMoves();
  c.git(['pull', '-q', '--rebase']);
  c.git(['commit', '-q', '--allow-empty', '-m', 'local work']);
  expect((await rewritten(c)).code).toBe(0);
  c.upstreamMoves();
  c.git(['pull', '-q', '--rebase'], LATER);
  expect(await rewritten(c)).toMatchObject({ code: 0, outcome: 'pass' });
});

test('twin: a commit pushed, then reset away: fails without the hint (a remote-tracking ref has it)', async () => {
  const c = cloned();
  c.git(['commit', '-q', '--allow-empty', '-m', 'published']);
  expect((await rewritten(c)).code).toBe(0);
  c.git(['push', '-q', 'origin', 'main'], LATER);
  c.git(['reset', '-q', '--hard', 'HEAD~1'], LATER);
  const got = await rewritten(c);
  expect(got).toMatchObject({ code: 1, outcome: 'fail' });
  expect(got.findings).toEqual([expect.stringMatching(/vanished: [0-9a-f]{12} "published" by [^(]*$/)]);
});
