// Red team 21: round 19 counts a tag's signature as made no earlier than the commit it tags, but only
// for the tags under refs/tags. A signed tag merged into the history (git merge --no-ff v2: the merge
// carries it in a "mergetag" header, which mergetags-valid judges) kept its own dates alone: the
// key Bob lost, revoked in revoked_keys `since` a date, signed a tag of a commit made today with the tag
// and its signature dated before `since`, and the merge passed mergetags-valid. Clean twin: the same
// tag of a commit made before `since` passes.
import { cleanupTemp, makeRepo, tempDir, type TestRepo } from '../helpers/repo.js';
import { makeGpg, type Gpg } from '../helpers/gpg.js';
import { commitAsPerson, configureSshSigning, makeSshKey, type SshTestKey } from '../helpers/ssh.js';
import { parseJson, resultOf, runMain } from '../helpers/cli.js';

const DAY = 86400;
const NOW = Math.floor(Date.now() / 1000);
const SINCE = NOW - 10 * DAY;
const BACKDATED = SINCE - 5 * DAY;

let gpg: Gpg;
let alice: SshTestKey;
let bob: string;
beforeAll(() => {
  gpg = makeGpg(tempDir('gg-rt21m-'));
  alice = makeSshKey(tempDir('gg-rt21n-'), 'ed25519', 'alice');
  bob = gpg.genKey('Bob <bob@example.com>', 'ed25519', { at: NOW - 60 * DAY });
  gpg.trust(bob);
});
afterAll(() => {
  gpg.kill();
  cleanupTemp();
});

/** Alice's policy (Bob a signer, his key revoked since SINCE), then a commit dated `dated` on a side
 *  branch, Bob's signed tag v2 of it (tag and signature at BACKDATED), and Alice's merge of v2. */
function mergeOfBobsTag(dated: number): TestRepo {
  const r = makeRepo();
  configureSshSigning(r, alice);
  const since = new Date(SINCE * 1000).toISOString().replace('.000Z', 'Z');
  const policy = `version: 1\nsigners:\n  - name: Alice\n    emails: [alice@example.com]\n  - name: Bob\n    emails: [bob@example.com]\nmaintainers: [Alice]\nrevoked_keys:\n  - key: ${bob}\n    reason: laptop stolen\n    since: ${since}\n`;
  commitAsPerson(
    r,
    alice,
    'alice@example.com',
    'policy',
    {
      '.gitguard/policy.yml': policy,
      '.gitguard/allowed_signers': `alice@example.com ${alice.pub}\n`,
      '.gitguard/keys/bob.asc': gpg.run(['--armor', '--export', bob]).toString(),
    },
    [`--date=@${NOW - 50 * DAY}`],
  );
  r.run(['checkout', '-q', '-b', 'side']);
  r.write({ 's.txt': 's\n' });
  const at = (t: number): string => `@${t} +0000`;
  r.addAllAndRun(['commit', '-q', '-S', '-m', 'side work'], {
    env: { GIT_COMMITTER_EMAIL: 'alice@example.com', GIT_AUTHOR_DATE: at(dated), GIT_COMMITTER_DATE: at(dated) },
  });
  const pgp = ['-c', `user.signingkey=${bob}`, '-c', `gpg.program=${gpg.wrapper}`, '-c', 'gpg.format=openpgp'];
  r.run([...pgp, 'tag', '-s', '-m', 'v2', 'v2'], {
    env: {
      GNUPGHOME: gpg.home,
      GG_GPG_ARGS: `--faked-system-time ${BACKDATED}!`,
      GIT_COMMITTER_NAME: 'Bob',
      GIT_COMMITTER_EMAIL: 'bob@example.com',
      GIT_COMMITTER_DATE: at(BACKDATED),
    },
  });
  r.run(['checkout', '-q', 'main']);
  r.run(['merge', '-q', '--no-ff', '-S', '-m', 'merge v2', 'v2'], {
    env: { GNUPGHOME: gpg.home, GIT_COMMITTER_EMAIL: 'alice@example.com', GIT_COMMITTER_DATE: at(NOW) },
  });
  expect(r.run(['cat-file', 'commit', 'HEAD'])).toMatch(/^mergetag object /m);
  return r;
}

async function mergetagsValid(r: TestRepo): Promise<{ code: number; outcome: string }> {
  const res = await runMain(['audit', '-C', r.dir, '--format', 'json', '--no-cache', '-r', 'mergetags-valid'], {
    env: r.env,
  });
  return { code: res.code, outcome: resultOf(parseJson(res), 'mergetags-valid').outcome };
}

test('the revoked key tags a commit made today, tag and signature dated before since; merged: fails (before: pass)', async () => {
  expect(await mergetagsValid(mergeOfBobsTag(NOW))).toEqual({ code: 1, outcome: 'fail' });
});

test('clean twin: the same tag of a commit made before since passes', async () => {
  expect(await mergetagsValid(mergeOfBobsTag(BACKDATED - DAY))).toEqual({ code: 0, outcome: 'pass' });
});
