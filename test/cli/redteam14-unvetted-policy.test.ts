// Red team: a policy judges something only once its own change is authorized. Mallory (no signer)
// commits a policy naming herself (or goodlisting her commit) without a maintainer: policy-changes-
// authorized fails the run, but a run of one rule (or a gate reading one rule) must not pass on her
// policy's say-so either: her pre-root branch merged on top, her goodlisted unsigned commit.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupTemp, makeRepo, type TestRepo } from '../helpers/repo.js';
import { commitAsPerson, configureSshSigning, makeSshKey, type SshTestKey } from '../helpers/ssh.js';
import { runMain, parseJson, resultOf } from '../helpers/cli.js';

let alice: SshTestKey;
let mallory: SshTestKey;
beforeAll(() => {
  const keys = mkdtempSync(join(tmpdir(), 'gg-rt14-'));
  alice = makeSshKey(keys, 'ed25519', 'alice');
  mallory = makeSshKey(keys, 'ed25519', 'mallory');
});
afterAll(() => cleanupTemp());

const POLICY = (malloryToo: boolean, goodlist = ''): string =>
  `version: 1\nsigners:\n  - name: Alice\n    emails: [alice@example.com]\n${malloryToo ? '  - name: Mallory\n    emails: [mallory@example.com]\n' : ''}maintainers: [Alice]\n${goodlist ? `goodlist:\n  - commit: ${goodlist}\n    reason: reviewed\n` : ''}`;
const SIGNERS = (malloryToo: boolean): string =>
  `alice@example.com ${alice.pub}\n${malloryToo ? `mallory@example.com ${mallory.pub}\n` : ''}`;
const asMallory = (r: TestRepo, m: string, f: Record<string, string>, key: SshTestKey | undefined = mallory) =>
  commitAsPerson(r, key, 'mallory@example.com', m, f);
const asAlice = (r: TestRepo, m: string, f: Record<string, string>) =>
  commitAsPerson(r, alice, 'alice@example.com', m, f);

function rooted(): { r: TestRepo; preRoot: string } {
  const r = makeRepo();
  configureSshSigning(r, alice);
  const preRoot = commitAsPerson(r, undefined, 'alice@example.com', 'before the policy', { 'src/a.txt': 'a\n' });
  asAlice(r, 'gitguard init', { '.gitguard/policy.yml': POLICY(false), '.gitguard/allowed_signers': SIGNERS(false) });
  return { r, preRoot };
}

const mergeAs = (r: TestRepo, who: 'alice' | 'mallory', branch: string) =>
  r.run(
    [
      '-c',
      `user.signingkey=${(who === 'alice' ? alice : mallory).path}`,
      'merge',
      '-q',
      '-S',
      '--no-ff',
      '-m',
      `merge ${branch}`,
      branch,
    ],
    {
      env: {
        GIT_AUTHOR_NAME: who,
        GIT_AUTHOR_EMAIL: `${who}@example.com`,
        GIT_COMMITTER_NAME: who,
        GIT_COMMITTER_EMAIL: `${who}@example.com`,
      },
    },
  );

async function rule(r: TestRepo, id: string, commit: string): Promise<{ code: number; fails: boolean }> {
  const res = await runMain(['audit', '-C', r.dir, '--format', 'json', '--no-cache', '--rule', id], { env: r.env });
  const found = resultOf(parseJson(res), id).findings ?? [];
  return { code: res.code, fails: found.some((f) => JSON.stringify(f).includes(commit.slice(0, 12))) };
}

describe('a pre-root branch merged under an unauthorized policy', () => {
  function attack(): { r: TestRepo; side: string } {
    const { r, preRoot } = rooted();
    r.run(['checkout', '-q', '-b', 'side', preRoot]);
    const side = asMallory(r, 'work on side', { 'src/side.txt': 'x\n' });
    r.run(['checkout', '-q', 'main']);
    asMallory(r, 'policy: mallory signs', {
      '.gitguard/policy.yml': POLICY(true),
      '.gitguard/allowed_signers': SIGNERS(true),
    });
    return { r, side };
  }

  test('--rule signers-authorized alone fails her pre-root commit (HEAD is her merge)', async () => {
    const { r, side } = attack();
    mergeAs(r, 'mallory', 'side');
    expect(await rule(r, 'signers-authorized', side)).toEqual({ code: 1, fails: true });
  });

  test("HEAD back on Alice's policy, landed under hers: still fails", async () => {
    const { r, side } = attack();
    mergeAs(r, 'mallory', 'side');
    asMallory(r, 'policy back', { '.gitguard/policy.yml': POLICY(false), '.gitguard/allowed_signers': SIGNERS(false) });
    expect(await rule(r, 'signers-authorized', side)).toEqual({ code: 1, fails: true });
  });

  test("twin: Alice adds Mallory as a signer (authorized), then Mallory's pre-root branch lands: passes", async () => {
    const { r, preRoot } = rooted();
    r.run(['checkout', '-q', '-b', 'side', preRoot]);
    const side = asMallory(r, 'work on side', { 'src/side.txt': 'x\n' });
    r.run(['checkout', '-q', 'main']);
    asAlice(r, 'policy: mallory signs', {
      '.gitguard/policy.yml': POLICY(true),
      '.gitguard/allowed_signers': SIGNERS(true),
    });
    mergeAs(r, 'mallory', 'side');
    expect(await rule(r, 'signers-authorized', side)).toEqual({ code: 0, fails: false });
  });
});

describe("the tip's goodlist, from an unauthorized policy change", () => {
  test('her unsigned commit goodlisted by her own policy change fails commits-signed and signers-authorized', async () => {
    const { r } = rooted();
    const unsigned = asMallory(r, 'unsigned work', { 'src/m.txt': 'm\n' }, undefined);
    asMallory(r, 'goodlist it', { '.gitguard/policy.yml': POLICY(false, unsigned) }, undefined);
    expect(await rule(r, 'commits-signed', unsigned)).toEqual({ code: 1, fails: true });
    expect(await rule(r, 'signers-authorized', unsigned)).toEqual({ code: 1, fails: true });
  });

  test("twin: Alice's goodlist of the same commit passes both", async () => {
    const { r } = rooted();
    const unsigned = asMallory(r, 'unsigned work', { 'src/m.txt': 'm\n' }, undefined);
    asAlice(r, 'goodlist it', { '.gitguard/policy.yml': POLICY(false, unsigned) });
    expect(await rule(r, 'commits-signed', unsigned)).toEqual({ code: 0, fails: false });
    expect(await rule(r, 'signers-authorized', unsigned)).toEqual({ code: 0, fails: false });
  });
});
