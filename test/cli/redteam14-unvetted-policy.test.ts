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

const POLICY = (malloryToo: boolean, ...goodlist: string[]): string =>
  `version: 1\nsigners:\n  - name: Alice\n    emails: [alice@example.com]\n${malloryToo ? '  - name: Mallory\n    emails: [mallory@example.com]\n' : ''}maintainers: [Alice]\n${goodlist.length ? `goodlist:\n${goodlist.map((c) => `  - commit: ${c}\n    reason: reviewed\n`).join('')}` : ''}`;
const SIGNERS = (malloryToo: boolean): string =>
  `alice@example.com ${alice.pub}\n${malloryToo ? `mallory@example.com ${mallory.pub}\n` : ''}`;
const asMallory = (r: TestRepo, m: string, f: Record<string, string>, key: SshTestKey | null = mallory) =>
  commitAsPerson(r, key ?? undefined, 'mallory@example.com', m, f);
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

test('a signed tag merged on her pre-root branch is not checked with her policy keys (mergetags-valid)', async () => {
  const { r, preRoot } = rooted();
  r.run(['checkout', '-q', '-b', 'side', preRoot]);
  asMallory(r, 'work on side', { 'src/side.txt': 'x\n' });
  r.run(['checkout', '-q', '-b', 'topic', preRoot]);
  asMallory(r, 'tagged work', { 'src/t.txt': 't\n' });
  const env = { GIT_COMMITTER_NAME: 'mallory', GIT_COMMITTER_EMAIL: 'mallory@example.com' };
  r.run(['-c', `user.signingkey=${mallory.path}`, 'tag', '-s', '-m', 't1', 't1'], { env });
  r.run(['checkout', '-q', 'side']);
  mergeAs(r, 'mallory', 't1');
  const merge = r.head();
  r.run(['checkout', '-q', 'main']);
  asMallory(r, 'policy: mallory signs', {
    '.gitguard/policy.yml': POLICY(true),
    '.gitguard/allowed_signers': SIGNERS(true),
  });
  mergeAs(r, 'mallory', 'side');
  // Signed by a key the judging policies do not know: no failure (upstream tags pass), but never
  // counted as a tag by an authorized signer, as her policy's keys would have it.
  const res = await runMain(['audit', '-C', r.dir, '--format', 'json', '--no-cache', '--rule', 'mergetags-valid'], {
    env: r.env,
  });
  expect(resultOf(parseJson(res), 'mergetags-valid').note).toContain('0 by authorized signers, 1 not vouched for');
  expect(r.run(['cat-file', '-p', merge])).toContain('mergetag object');
});

describe("the tip's goodlist, from an unauthorized policy change", () => {
  /** Mallory's unsigned commit and one signed with her key (no signer), both goodlisted by `by`. */
  function goodlisted(by: 'alice' | 'mallory'): { r: TestRepo; unsigned: string; signed: string } {
    const { r } = rooted();
    const unsigned = asMallory(r, 'unsigned work', { 'src/m.txt': 'm\n' }, null);
    const signed = asMallory(r, 'signed work', { 'src/n.txt': 'n\n' });
    const policy = { '.gitguard/policy.yml': POLICY(false, unsigned, signed) };
    if (by === 'alice') asAlice(r, 'goodlist them', policy);
    else asMallory(r, 'goodlist them', policy);
    return { r, unsigned, signed };
  }

  test('her commits goodlisted by her own policy change fail commits-signed and signers-authorized', async () => {
    const { r, unsigned, signed } = goodlisted('mallory');
    expect(await rule(r, 'commits-signed', unsigned)).toEqual({ code: 1, fails: true });
    expect(await rule(r, 'signers-authorized', signed)).toEqual({ code: 1, fails: true });
  });

  test("twin: Alice's goodlist of the same commits passes both", async () => {
    const { r, unsigned, signed } = goodlisted('alice');
    expect(await rule(r, 'commits-signed', unsigned)).toEqual({ code: 0, fails: false });
    expect(await rule(r, 'signers-authorized', signed)).toEqual({ code: 0, fails: false });
  });

  test('her takeover goodlisted by her next commit (Mallory a maintainer in it) fails, whatever rule runs', async () => {
    const { r } = rooted();
    const takeover = asMallory(r, 'take over', {
      '.gitguard/policy.yml': POLICY(true).replace('maintainers: [Alice]', 'maintainers: [Alice, Mallory]'),
      '.gitguard/allowed_signers': SIGNERS(true),
    });
    asMallory(r, 'goodlist it', {
      '.gitguard/policy.yml': POLICY(true, takeover).replace('maintainers: [Alice]', 'maintainers: [Alice, Mallory]'),
    });
    expect(await rule(r, 'signers-authorized', takeover)).toEqual({ code: 1, fails: true });
    expect(await rule(r, 'policy-changes-authorized', takeover)).toEqual({ code: 1, fails: true });
  });
});

describe('the same attack through the hooks', () => {
  /** A bare server whose main is at the trust root, holding Mallory's merge on no ref (as a push's quarantine does). */
  function served(): { r: TestRepo; server: string; root: string; merged: string; side: string } {
    const { r, preRoot } = rooted();
    const root = r.head();
    r.run(['checkout', '-q', '-b', 'side', preRoot]);
    const side = asMallory(r, 'work on side', { 'src/side.txt': 'x\n' });
    r.run(['checkout', '-q', 'main']);
    const server = join(mkdtempSync(join(tmpdir(), 'gg-rt14-srv-')), 'server.git');
    r.run(['init', '-q', '--bare', server]);
    r.run(['push', '-q', server, 'main']);
    asMallory(r, 'policy: mallory signs', {
      '.gitguard/policy.yml': POLICY(true),
      '.gitguard/allowed_signers': SIGNERS(true),
    });
    mergeAs(r, 'mallory', 'side');
    const merged = r.head();
    r.run(['push', '-q', server, `${merged}:refs/incoming/main`]);
    r.run(['push', '-q', server, ':refs/incoming/main']); // its objects stay, on no ref
    r.run(['--git-dir', server, 'symbolic-ref', 'HEAD', 'refs/heads/main']);
    return { r, server, root, merged, side };
  }

  test('pre-receive refuses her push of main (the server judges her pre-root commit by its own policy)', async () => {
    const { r, server, root, merged, side } = served();
    const res = await runMain(['hook', 'run', 'pre-receive'], {
      cwd: server,
      env: r.env,
      input: `${root} ${merged} refs/heads/main\n`,
    });
    expect(res.code).not.toBe(0);
    expect(res.stderr).toContain(side.slice(0, 12));
  });

  test('pre-push refuses it too', async () => {
    const { r, server, root, merged, side } = served();
    const res = await runMain(['hook', 'run', 'pre-push', 'origin', `file://${server}`], {
      cwd: r.dir,
      env: r.env,
      input: `refs/heads/main ${merged} refs/heads/main ${root}\n`,
    });
    expect(res.code).not.toBe(0);
    expect(res.stderr).toContain(side.slice(0, 12));
  });
});
