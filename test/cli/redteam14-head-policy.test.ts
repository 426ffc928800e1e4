// Red team: what the policy at HEAD allows (the paths it protects, its severity overrides, the tags
// it judges, the secrets it excuses) counts only when that policy's change had a maintainer. Mallory,
// a signer but no maintainer, changes the policy in the same breath as what it would excuse; a run of
// one rule (or a gate reading one rule) must not pass on her policy's say-so. Twins: Alice's change.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupTemp, makeRepo, type TestRepo } from '../helpers/repo.js';
import { commitAsPerson, configureSshSigning, makeSshKey, type SshTestKey } from '../helpers/ssh.js';
import { runMain, parseJson, resultOf } from '../helpers/cli.js';
import { TokenFactory } from '../helpers/secrets.js';

let alice: SshTestKey;
let mallory: SshTestKey;
beforeAll(() => {
  const keys = mkdtempSync(join(tmpdir(), 'gg-rt14h-'));
  alice = makeSshKey(keys, 'ed25519', 'alice');
  mallory = makeSshKey(keys, 'ed25519', 'mallory');
});
afterAll(() => cleanupTemp());

const SIGNERS = (): string => `alice@example.com ${alice.pub}\nmallory@example.com ${mallory.pub}\n`;
const POLICY = (extra = '', paths = '[.gitguard/**, src/secure/**]'): string =>
  `version: 1\nsigners:\n  - name: Alice\n    emails: [alice@example.com]\n  - name: Mallory\n    emails: [mallory@example.com]\nmaintainers: [Alice]\nprotected:\n  paths: ${paths}\n${extra}`;
const as = (who: 'alice' | 'mallory', r: TestRepo, m: string, f: Record<string, string>) =>
  commitAsPerson(r, who === 'alice' ? alice : mallory, `${who}@example.com`, m, f);

function rooted(): TestRepo {
  const r = makeRepo();
  configureSshSigning(r, alice);
  as('alice', r, 'gitguard init', { '.gitguard/policy.yml': POLICY(), '.gitguard/allowed_signers': SIGNERS() });
  return r;
}

async function audit(r: TestRepo, args: string[]): Promise<{ code: number; outcome: string; findings: number }> {
  const res = await runMain(['audit', '-C', r.dir, '--format', 'json', '--no-cache', ...args], { env: r.env });
  const id = args[args.indexOf('--rule') + 1]!;
  const x = resultOf(parseJson(res), id);
  return { code: res.code, outcome: x.outcome, findings: (x.findings ?? []).length };
}

describe.each(['mallory', 'alice'] as const)('the policy at HEAD changed by %s', (who) => {
  const forged = who === 'mallory';

  test('stops protecting src/secure, which Mallory then edits', async () => {
    const r = rooted();
    as(who, r, 'unprotect', { '.gitguard/policy.yml': POLICY('', '[.gitguard/**]') });
    as('mallory', r, 'edit', { 'src/secure/key.txt': 'mine\n' });
    const v = await audit(r, ['--rule', 'protected-paths-changed-by-maintainers']);
    expect([v.code, v.outcome]).toEqual(forged ? [1, 'fail'] : [0, 'pass']);
  });

  test('lowers signers-authorized to low, then an unknown key signs (--fail-on high)', async () => {
    const r = rooted();
    as(who, r, 'lower', { '.gitguard/policy.yml': POLICY('severity:\n  signers-authorized: low\n') });
    const stranger = makeSshKey(mkdtempSync(join(tmpdir(), 'gg-rt14s-')), 'ed25519', 'stranger');
    commitAsPerson(r, stranger, 'mallory@example.com', 'impersonated', { 'src/x.txt': 'x\n' });
    const v = await audit(r, ['--rule', 'signers-authorized', '--fail-on', 'high']);
    // Alice's lowering is hers to make: the failure is then below --fail-on.
    expect([v.code, v.outcome]).toEqual([forged ? 1 : 0, 'fail']);
  });

  test("excuses Mallory's committed token (secrets.allow)", async () => {
    const r = rooted();
    const token = new TokenFactory(14).checksummed(`gh${'p'}_`);
    as('mallory', r, 'leak', { 'config/deploy.env': `GITHUB_TOKEN=${token}\n` });
    as(who, r, 'allow', {
      '.gitguard/policy.yml': POLICY('secrets:\n  allow:\n    - path: config/**\n      reason: test keys\n'),
    });
    const v = await audit(r, ['--rule', 'secrets-not-in-history']);
    expect([v.code, v.outcome]).toEqual(forged ? [1, 'fail'] : [0, 'pass']);
  });
});

test("a tag Mallory signs, judged by HEAD's policy that she made a maintainer's in it: tags-signed fails", async () => {
  const r = rooted();
  const stranger = makeSshKey(mkdtempSync(join(tmpdir(), 'gg-rt14t-')), 'ed25519', 'stranger');
  as('mallory', r, 'trust my other key', {
    '.gitguard/allowed_signers': `${SIGNERS()}mallory@example.com ${stranger.pub}\n`,
  });
  r.run(['-c', `user.signingkey=${stranger.path}`, 'tag', '-s', '-m', 'v1', 'v1'], {
    env: { GIT_COMMITTER_NAME: 'mallory', GIT_COMMITTER_EMAIL: 'mallory@example.com' },
  });
  const v = await audit(r, ['--rule', 'tags-signed']);
  expect([v.code, v.outcome]).toEqual([1, 'fail']);
});
