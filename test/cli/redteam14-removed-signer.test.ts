// Red team: Bob, a signer of the root's policy, is removed after the root; his branch forked before the
// root is merged after the removal. On a fresh clone (no ledger) it passes: held, by design. Git
// cannot tell when a commit was made, so his pre-root commit is the same as one on a branch forked
// after the root but before his removal, which his removal never reaches either (a commit is judged
// by its parents' policy). What takes his trust away everywhere is a revocation at the tip.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupTemp, makeRepo, type TestRepo } from '../helpers/repo.js';
import { commitAsPerson, configureSshSigning, makeSshKey, type SshTestKey } from '../helpers/ssh.js';
import { runMain, parseJson, resultOf } from '../helpers/cli.js';

let alice: SshTestKey;
let bob: SshTestKey;
beforeAll(() => {
  const keys = mkdtempSync(join(tmpdir(), 'gg-rt14r-'));
  alice = makeSshKey(keys, 'ed25519', 'alice');
  bob = makeSshKey(keys, 'ed25519', 'bob');
});
afterAll(() => cleanupTemp());

const POLICY = (bobToo: boolean, revoke = ''): string =>
  `version: 1\nsigners:\n  - name: Alice\n    emails: [alice@example.com]\n${bobToo ? '  - name: Bob\n    emails: [bob@example.com]\n' : ''}maintainers: [Alice]\n${revoke ? `revoked_keys:\n  - key: "${revoke}"\n    reason: laptop stolen\n` : ''}`;
const SIGNERS = (bobToo: boolean): string =>
  `alice@example.com ${alice.pub}\n${bobToo ? `bob@example.com ${bob.pub}\n` : ''}`;
const asAlice = (r: TestRepo, m: string, f: Record<string, string>) =>
  commitAsPerson(r, alice, 'alice@example.com', m, f);

/** Bob's commit on a branch forked at `from`; Alice removes Bob (and revokes his key when asked), then merges it. */
function scenario(fork: 'pre-root' | 'post-root', revoke: boolean): { r: TestRepo; his: string } {
  const r = makeRepo();
  configureSshSigning(r, alice);
  const preRoot = commitAsPerson(r, undefined, 'alice@example.com', 'before the policy', { 'a.txt': 'a\n' });
  asAlice(r, 'gitguard init', { '.gitguard/policy.yml': POLICY(true), '.gitguard/allowed_signers': SIGNERS(true) });
  r.run(['checkout', '-q', '-b', 'bob', fork === 'pre-root' ? preRoot : 'main']);
  const his = commitAsPerson(r, bob, 'bob@example.com', 'bob works', { 'b.txt': 'b\n' });
  r.run(['checkout', '-q', 'main']);
  asAlice(r, 'remove bob', {
    '.gitguard/policy.yml': POLICY(false, revoke ? bob.fingerprint : ''),
    '.gitguard/allowed_signers': SIGNERS(false),
  });
  r.run(['merge', '-q', '--no-ff', '-S', '-m', 'merge bob', 'bob'], {
    env: { GIT_COMMITTER_NAME: 'alice', GIT_COMMITTER_EMAIL: 'alice@example.com' },
  });
  return { r, his };
}

async function verdict(r: TestRepo, his: string): Promise<{ code: number; hisFails: boolean }> {
  const res = await runMain(
    [
      'audit',
      '-C',
      r.dir,
      '--format',
      'json',
      '--no-cache',
      '--rule',
      'signers-authorized',
      '--rule',
      'signing-keys-valid',
    ],
    {
      env: r.env,
    },
  );
  const report = parseJson(res);
  const found = ['signers-authorized', 'signing-keys-valid'].flatMap((id) => resultOf(report, id).findings ?? []);
  return { code: res.code, hisFails: found.some((f) => f.commit === his) };
}

test.each(['pre-root', 'post-root'] as const)(
  'held, by design: his %s branch merged after his removal passes (removal is not revocation)',
  async (fork) => {
    const { r, his } = scenario(fork, false);
    expect(await verdict(r, his)).toEqual({ code: 0, hisFails: false });
  },
);

test.each(['pre-root', 'post-root'] as const)(
  'his key revoked at the tip: his %s commit fails wherever it came from',
  async (fork) => {
    const { r, his } = scenario(fork, true);
    expect(await verdict(r, his)).toEqual({ code: 1, hisFails: true });
  },
);
