// Red team 21: round 19 counts a tag's signature as made no earlier than the commit it tags, read
// only when the tag names a commit. A tag may name another tag (git tag -s v1 inner: "a nested tag"),
// which names the commit; `git describe`, `git checkout v1` and every release tool peel it to that
// commit. Bob, retired, signed a nested tag of a commit made today, his tag, the inner one and his
// signature all dated before his retirement: the commit's date was never read, and tags-signed passed.
// Clean twin: the same nested tag of a commit made before his retirement passes.
import { cleanupTemp, makeRepo, tempDir, type TestRepo } from '../helpers/repo.js';
import { makeGpg, type Gpg } from '../helpers/gpg.js';
import { commitAsPerson, configureSshSigning, makeSshKey, type SshTestKey } from '../helpers/ssh.js';
import { parseJson, resultOf, runMain } from '../helpers/cli.js';

const DAY = 86400;
const NOW = Math.floor(Date.now() / 1000);
const RETIRED_ON = NOW - 10 * DAY;
const BACKDATED = RETIRED_ON - 5 * DAY;
const day = (t: number): string => new Date(t * 1000).toISOString().slice(0, 10);

let gpg: Gpg;
let alice: SshTestKey;
let bob: string;
beforeAll(() => {
  gpg = makeGpg(tempDir('gg-rt21t-'));
  alice = makeSshKey(tempDir('gg-rt21s-'), 'ed25519', 'alice');
  bob = gpg.genKey('Bob <bob@example.com>', 'ed25519', { at: NOW - 60 * DAY });
  gpg.trust(bob);
});
afterAll(() => {
  gpg.kill();
  cleanupTemp();
});

/** Alice's policy with Bob retired, committed 50 days ago. */
function repo(): TestRepo {
  const r = makeRepo();
  configureSshSigning(r, alice);
  const policy = `version: 1\nsigners:\n  - name: Alice\n    emails: [alice@example.com]\n  - name: Bob\n    emails: [bob@example.com]\n    retired: ${day(RETIRED_ON)}\nmaintainers: [Alice]\n`;
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
  return r;
}

/** An unsigned annotated tag `inner` on HEAD, then Bob's signed tag v1 of it; `inner`'s ref deleted
 *  (v1 alone is published). Every date and the signature's at BACKDATED. */
function bobTagsNested(r: TestRepo): void {
  const env = {
    GNUPGHOME: gpg.home,
    GG_GPG_ARGS: `--faked-system-time ${BACKDATED}!`,
    GIT_COMMITTER_NAME: 'Bob',
    GIT_COMMITTER_EMAIL: 'bob@example.com',
    GIT_COMMITTER_DATE: `@${BACKDATED} +0000`,
  };
  r.run(['tag', '-a', '--no-sign', '-m', 'inner', 'inner'], { env });
  const pgp = ['-c', `user.signingkey=${bob}`, '-c', `gpg.program=${gpg.wrapper}`, '-c', 'gpg.format=openpgp'];
  r.run([...pgp, 'tag', '-s', '-m', 'release', 'v1', 'inner'], { env });
  r.run(['tag', '-d', 'inner']);
  expect(r.run(['cat-file', '-p', 'v1'])).toMatch(/^type tag$/m);
}

async function tagsSigned(r: TestRepo): Promise<{ code: number; outcome: string }> {
  const res = await runMain(['audit', '-C', r.dir, '--format', 'json', '--no-cache', '-r', 'tags-signed'], {
    env: r.env,
  });
  return { code: res.code, outcome: resultOf(parseJson(res), 'tags-signed').outcome };
}

test('Bob, retired, signs a nested tag of a commit made today, all dated before: fails (before: pass)', async () => {
  const r = repo();
  r.write({ 'c.txt': 'c\n' });
  r.addAllAndRun(['commit', '-q', '-S', '-m', 'today'], {
    env: { GIT_COMMITTER_EMAIL: 'alice@example.com', GIT_COMMITTER_DATE: `@${NOW} +0000` },
  });
  bobTagsNested(r);
  expect(await tagsSigned(r)).toEqual({ code: 1, outcome: 'fail' });
});

test('clean twin: his nested tag of a commit made before his retirement passes', async () => {
  const r = repo();
  bobTagsNested(r);
  expect(await tagsSigned(r)).toEqual({ code: 0, outcome: 'pass' });
});
