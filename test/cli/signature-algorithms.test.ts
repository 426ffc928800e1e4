// signature-algorithms-strong with real gpg and ssh-keygen: a SHA-1 digest and an RSA-1024 key
// fail, SHA-256/Ed25519 pass; SSH ssh-rsa (SHA-1) signatures fail, Ed25519 ones pass.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeRepo, cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { parseJson, resultOf, runMain } from '../helpers/cli.js';
import { makeGpg, type Gpg, type GpgAlgo } from '../helpers/gpg.js';
import { fixtureKey } from '../helpers/gpg-key-fixture.js';
import {
  catCommit,
  craftKey,
  craftSshSignature,
  makeSshKey,
  signedCommit,
  spliceSignature,
  writeAllowedSigners,
  writeCommitObject,
} from '../helpers/ssh.js';

afterAll(cleanupTemp);

/** When the fixture RSA keys were made (2024-01-01). */
const KEYS_AT = 1704067200;
const RULE = ['--rule', 'signature-algorithms-strong', '--no-ledger', '--no-cache', '--format', 'json'];
type F = { message: string; commit?: string; evidence?: Record<string, unknown> };

describe('signature-algorithms-strong (OpenPGP, real gpg)', () => {
  let gpg: Gpg;
  beforeAll(async () => {
    gpg = makeGpg(mkdtempSync(join(tmpdir(), 'gg-')));
  });
  afterAll(() => gpg.kill());

  const signWith = (r: TestRepo, fpr: string, message: string, gpgArgs = ''): string => {
    r.run(
      [
        '-c',
        `gpg.program=${gpg.wrapper}`,
        '-c',
        `user.signingkey=${fpr}`,
        'commit',
        '-q',
        '--allow-empty',
        '-S',
        '-m',
        message,
      ],
      { env: { GNUPGHOME: gpg.home, GG_GPG_ARGS: gpgArgs } },
    );
    return r.head();
  };
  // RSA keys are real gpg keys made once (gpg spends about a second of CPU on each RSA-2048 key) and
  // imported (gpg-key-fixture.ts): these tests sign with them, they do not test making them.
  const rsaKey = (name: string, uid: string, algo: GpgAlgo = 'rsa2048'): string =>
    fixtureKey(gpg, { name: `sigalg-${name}`, uid, algo, at: KEYS_AT });
  const audit = async (r: TestRepo, keyring: string) => {
    const out = await runMain(['audit', r.dir, ...RULE, '--keyring', keyring], { env: r.env });
    return { code: out.code, res: resultOf(parseJson(out), 'signature-algorithms-strong') };
  };

  test('SHA-256 (RSA-2048) and Ed25519 signatures pass', async () => {
    const r = makeRepo();
    const ed = gpg.genKey('Ed Example <ed@example.com>', 'ed25519');
    const rsa = rsaKey('rsa-example', 'Rsa Example <rsa@example.com>');
    signWith(r, ed, 'ed25519');
    signWith(r, rsa, 'rsa sha256', '--digest-algo SHA256');
    const keyring = join(r.home, 'keys.asc');
    writeFileSync(keyring, gpg.exportPublic(ed, rsa));
    expect(r.run(['log', '-1', '--format=%GG'], { env: { GNUPGHOME: gpg.home } })).toMatch(/SHA256|using RSA/);
    const { code, res } = await audit(r, keyring);
    expect([code, res.outcome, res.note]).toEqual([0, 'pass', '2 signature(s) checked']);
  });

  test('a SHA-1 digest and an RSA-1024 key fail, naming the commit', async () => {
    const r = makeRepo();
    const rsa = rsaKey('old-digest', 'Old Digest <old@example.com>');
    const small = rsaKey('small-key', 'Small Key <small@example.com>', 'rsa1024' as GpgAlgo);
    const sha1 = signWith(r, rsa, 'sha1 digest', '--digest-algo SHA1');
    const rsa1024 = signWith(r, small, 'rsa-1024 key', '--digest-algo SHA256');
    // gpg really made what the test says
    const packets = gpg
      .run(['--list-packets'], {
        input: Buffer.from(
          r
            .run(['cat-file', 'commit', sha1])
            .split('gpgsig ')[1]!
            .split('\n')
            .map((l) => l.replace(/^ /, ''))
            .join('\n'),
        ),
      })
      .toString();
    expect(packets).toMatch(/digest algo 2\b/); // 2 = SHA-1
    const keyring = join(r.home, 'keys.asc');
    writeFileSync(keyring, gpg.exportPublic(rsa, small));
    const { code, res } = await audit(r, keyring);
    expect(code).toBe(1);
    expect(res.outcome).toBe('fail');
    const byCommit = new Map((res.findings as F[]).map((f) => [f.commit, f]));
    expect(byCommit.get(sha1)!.message).toMatch(/SHA-1 digest/);
    expect(byCommit.get(sha1)!.evidence).toMatchObject({ digest: 'sha1', keyBits: 2048 });
    expect(byCommit.get(rsa1024)!.message).toMatch(/RSA-1024 key \(under 2048 bits\)/);
    expect(byCommit.get(rsa1024)!.evidence).toMatchObject({ digest: 'sha256', keyBits: 1024 });
    // Without the keys, the signatures' own headers still give the digest and the RSA size.
    const bare = await runMain(['audit', r.dir, ...RULE], { env: r.env });
    const res2 = resultOf(parseJson(bare), 'signature-algorithms-strong');
    expect(bare.code).toBe(1);
    expect((res2.findings as F[]).map((f) => [f.commit, f.evidence?.digest, f.evidence?.keyBits])).toEqual([
      [sha1, 'sha1', 2048],
      [rsa1024, 'sha256', 1024],
    ]);
  });

  test('without keys, SHA-256 and Ed25519 signatures still pass', async () => {
    const r = makeRepo();
    signWith(r, gpg.genKey('Ed Two <ed2@example.com>', 'ed25519'), 'ed25519');
    signWith(r, rsaKey('rsa-two', 'Rsa Two <rsa2@example.com>'), 'rsa', '--digest-algo SHA256');
    const out = await runMain(['audit', r.dir, ...RULE], { env: r.env });
    const res = resultOf(parseJson(out), 'signature-algorithms-strong');
    expect([out.code, res.outcome, res.note]).toEqual([0, 'pass', '2 signature(s) checked']);
  });

  test('a trusted key in the policy whose self-signatures use SHA-1 fails', async () => {
    const r = makeRepo();
    const fresh = gpg.genKey('Fresh Key <fresh@example.com>', 'ed25519');
    const fpr = gpg.genKey('Legacy Key <legacy@example.com>', 'ed25519');
    // re-issue the self-signature with SHA-1, as old gpg versions did
    gpg.run(['--cert-digest-algo', 'SHA1', '--quick-set-expire', fpr, '5y']);
    r.write({
      '.gitguard/policy.yml':
        'version: 1\nsigners:\n  - name: legacy\n    emails: [legacy@example.com]\n  - name: fresh\n    emails: [fresh@example.com]\nmaintainers: [legacy]\n',
    });
    mkdirSync(join(r.dir, '.gitguard', 'keys'), { recursive: true });
    writeFileSync(join(r.dir, '.gitguard', 'keys', 'legacy.asc'), gpg.exportPublic(fpr));
    writeFileSync(join(r.dir, '.gitguard', 'keys', 'fresh.asc'), gpg.exportPublic(fresh));
    r.commit('policy and key');
    const out = await runMain(['audit', r.dir, ...RULE], { env: r.env });
    const res = resultOf(parseJson(out), 'signature-algorithms-strong');
    expect(res.outcome).toBe('fail');
    expect((res.findings as F[]).map((f) => f.message)).toEqual([
      expect.stringMatching(
        new RegExp(`trusted OpenPGP key ${fpr} in the policy at HEAD: its self-signatures use SHA-1`),
      ),
    ]);
  });
});

describe('signature-algorithms-strong (SSH)', () => {
  test('an Ed25519 signature passes, an ssh-rsa (SHA-1) one fails', async () => {
    const r = makeRepo();
    const ed = makeSshKey(r.home, 'ed25519', 'ed');
    const good = signedCommit(r, ed, 'ed25519');
    const unsigned = signedCommit(r, undefined, 'to be signed by hand');
    const legacy = craftKey('ssh-rsa-sha1');
    const payload = catCommit(r, unsigned);
    const bad = writeCommitObject(r, spliceSignature(payload, craftSshSignature(legacy, payload)));
    r.run(['update-ref', 'HEAD', bad]);
    const signers = writeAllowedSigners(join(r.home, 'allowed'), [
      `alice@example.com ${ed.pub}`,
      `alice@example.com ${legacy.pub}`,
    ]);
    const out = await runMain(['audit', r.dir, ...RULE, '--allowed-signers', signers], { env: r.env });
    const res = resultOf(parseJson(out), 'signature-algorithms-strong');
    expect(out.code).toBe(1);
    expect((res.findings as F[]).map((f) => [f.commit, f.evidence?.sshSignatureAlgorithm])).toEqual([[bad, 'ssh-rsa']]);
    expect((res.findings as F[])[0]!.message).toMatch(/ssh-rsa signature algorithm \(RSA over SHA-1\)/);
    expect(res.note).toMatch(/^2 signature\(s\) checked/);
    expect(good).toHaveLength(40);
  });
});
