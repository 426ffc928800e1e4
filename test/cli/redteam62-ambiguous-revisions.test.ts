// Red team 62: the revision a user names for --trust-root, --base or verify's range was resolved with
// `git rev-parse`, which takes a ref over an abbreviated commit id and refs/tags/x over
// refs/heads/x and refs/remotes/x. Bob (a signer, no maintainer), who may push a branch or a tag,
// names one after the abbreviated root (`--trust-root 1a2b3c4d5e`) or after the base a CI recipe
// gives (`--base origin/main`: his tag refs/tags/origin/main, fetched with the others), pointing at
// his own commit that makes him a maintainer: the audit then started from it, judged by its own
// policy, and passed. git warns "refname ... is ambiguous" on both; gitguard now refuses such a name
// (exit 2). Twins: the same names without Bob's ref, and a full commit id with a ref of that name
// beside it (git reads the object), work as before.
import { cleanupTemp, makeRepo, type TestRepo } from '../helpers/repo.js';
import { commitAsPerson } from '../helpers/ssh.js';
import { aliceAndBob } from '../helpers/team.js';
import { tryGit } from '../helpers/signing-repo.js';
import { parseJson, resultOf, runMain } from '../helpers/cli.js';

afterAll(cleanupTemp);

const RULES = 'policy-changes-authorized,signers-authorized';
const BOB_MAINTAINS =
  'version: 1\nsigners:\n  - name: Alice\n    emails: [alice@example.com]\n  - name: Bob\n    emails: [bob@example.com]\nmaintainers: [Alice, Bob]\n';

/** Alice's root and one more commit of hers (origin/main, as a CI clone has it), then Bob's policy change on `pr`, checked out. */
function setUp(): { r: TestRepo; root: string; main: string; bobs: string; more: () => string } {
  const { r, alice, bob } = aliceAndBob({});
  const root = r.head();
  const main = commitAsPerson(r, alice, 'alice@example.com', 'more work', { 'src/a.txt': 'a\n' });
  r.run(['update-ref', 'refs/remotes/origin/main', main]);
  r.run(['checkout', '-q', '-b', 'pr']);
  const bobs = commitAsPerson(r, bob, 'bob@example.com', 'Bob maintains', { '.gitguard/policy.yml': BOB_MAINTAINS });
  const more = () => commitAsPerson(r, bob, 'bob@example.com', 'more work', { 'src/b.txt': 'b\n' });
  return { r, root, main, bobs, more };
}

async function audit(r: TestRepo, args: string[]): Promise<{ code: number; outcome?: string; stderr: string }> {
  const res = await runMain(
    ['audit', '-C', r.dir, '--format', 'json', '--no-ledger', '--no-cache', '-r', RULES, ...args],
    {
      env: r.env,
    },
  );
  if (res.code === 2) return { code: 2, stderr: res.stderr.trim() };
  return { code: res.code, outcome: resultOf(parseJson(res), 'policy-changes-authorized').outcome, stderr: '' };
}

/** git's own reading of `name` and whether it warns that the name is ambiguous. */
function gitReads(r: TestRepo, name: string): { oid: string; ambiguous: boolean } {
  const res = tryGit(r, ['rev-parse', '--verify', `${name}^{commit}`]);
  return { oid: res.stdout.trim(), ambiguous: /refname '.*' is ambiguous/.test(res.stderr) };
}

test("--trust-root <abbreviation>: Bob's tag or branch of that name is refused, not taken as the root", async () => {
  const { r, root, bobs } = setUp();
  const short = root.slice(0, 10);
  // Twin first: the abbreviation alone names Alice's root, and Bob's change fails.
  expect(await audit(r, ['--trust-root', short])).toEqual({ code: 1, outcome: 'fail', stderr: '' });
  for (const ref of [`refs/tags/${short}`, `refs/heads/${short}`]) {
    r.run(['update-ref', ref, bobs]);
    expect(gitReads(r, short)).toEqual({ oid: bobs, ambiguous: true });
    const res = await audit(r, ['--trust-root', short]);
    expect([res.code, res.stderr]).toEqual([
      2,
      expect.stringContaining(`--trust-root "${short}": git finds "${short}" ambiguous`),
    ]);
    r.run(['update-ref', '-d', ref]);
  }
});

test("--base origin/main: Bob's tag origin/main (or main) is refused; the full ref name and a full id still work", async () => {
  const { r, main, bobs, more } = setUp();
  more(); // the push after Bob's change: before, --base at his change left only this one to judge, and it passed
  expect(await audit(r, ['--base', 'origin/main'])).toEqual({ code: 1, outcome: 'fail', stderr: '' });
  r.run(['tag', 'origin/main', bobs]);
  expect(gitReads(r, 'origin/main')).toEqual({ oid: bobs, ambiguous: true });
  const res = await audit(r, ['--base', 'origin/main']);
  expect([res.code, res.stderr]).toEqual([
    2,
    expect.stringContaining('--base "origin/main": git finds "origin/main" ambiguous'),
  ]);
  // The full ref name is not ambiguous: Bob's change is judged and fails.
  expect(await audit(r, ['--base', 'refs/remotes/origin/main'])).toEqual({ code: 1, outcome: 'fail', stderr: '' });
  // A full commit id with a branch of that name beside it: git reads the object (and warns); so do we.
  r.run(['update-ref', `refs/heads/${main}`, bobs]);
  expect(gitReads(r, main)).toEqual({ oid: main, ambiguous: true });
  expect(await audit(r, ['--base', main])).toEqual({ code: 1, outcome: 'fail', stderr: '' });
});

test("verify <range>: a range through Bob's ambiguous name is refused; the twin range is read", async () => {
  const { r, bobs } = setUp();
  const verify = (range: string) => runMain(['verify', '-C', r.dir, '--no-cache', range], { env: r.env });
  const honest = await verify('origin/main..pr');
  expect([honest.code, honest.stdout]).toEqual([1, expect.stringContaining(bobs)]);
  r.run(['tag', 'pr', 'origin/main']);
  const res = await verify('origin/main..pr');
  expect([res.code, res.stderr]).toEqual([2, expect.stringContaining('git finds "pr" ambiguous')]);
  // git warns of each name: a full id first (warned of, read as the object) does not hide the second.
  const main = r.run(['rev-parse', 'origin/main']);
  r.run(['update-ref', `refs/heads/${main}`, main]);
  const both = await verify(`${main}..pr`);
  expect([both.code, both.stderr]).toEqual([2, expect.stringContaining('git finds "pr" ambiguous')]);
});

test('SHA-256: 40 hex digits abbreviate an id, so a ref of that name is refused; the full 64 are read', async () => {
  const r = makeRepo({ objectFormat: 'sha256' });
  const first = r.commit('first', { 'a.txt': 'a\n' });
  const second = r.commit('second', { 'b.txt': 'b\n' });
  const forty = first.slice(0, 40);
  r.run(['update-ref', `refs/heads/${forty}`, second]);
  r.run(['update-ref', `refs/heads/${first}`, second]);
  expect([gitReads(r, forty), gitReads(r, first)]).toEqual([
    { oid: second, ambiguous: true },
    { oid: first, ambiguous: true },
  ]);
  const verify = (root: string) => runMain(['verify', '-C', r.dir, '--no-cache', '--trust-root', root], { env: r.env });
  const refused = await verify(forty);
  expect([refused.code, refused.stderr]).toEqual([2, expect.stringContaining(`git finds "${forty}" ambiguous`)]);
  const read = await verify(first);
  expect(read.stdout).toContain(first);
});

test("git's message search (:/text, rev^{/text}) is refused: Bob's newest commit with those words is what git takes", async () => {
  const { r, root, bobs } = setUp();
  // git's own reading: the newest matching commit on any ref, Bob's.
  // (`:/text^{commit}` would search for that whole text: the names are read as given.)
  const reads = (name: string) => tryGit(r, ['rev-parse', '--verify', name]).stdout.trim();
  expect([reads(':/maintains'), reads('pr^{/maintains}')]).toEqual([bobs, bobs]);
  for (const args of [
    ['--trust-root', ':/maintains'],
    ['--base', 'pr^{/maintains}'],
    ['--base', '^:/maintains'],
  ]) {
    const res = await audit(r, args);
    expect([res.code, res.stderr]).toEqual([2, expect.stringContaining('searches commit messages')]);
  }
  const range = await runMain(['verify', '-C', r.dir, '--no-cache', 'origin/main..:/maintains'], { env: r.env });
  expect([range.code, range.stderr]).toEqual([2, expect.stringContaining('searches commit messages')]);
  // Twin: the same commits named by id and ref are read (Bob's change judged, and it fails).
  expect(await audit(r, ['--trust-root', root.slice(0, 12)])).toEqual({ code: 1, outcome: 'fail', stderr: '' });
  expect(await audit(r, ['--base', 'origin/main'])).toEqual({ code: 1, outcome: 'fail', stderr: '' });
});
