// Finding 7: what a policy's keys/ may make gitguard parse and verify is bounded (user IDs,
// subkeys, self-signatures per key; files and bytes per policy), and each distinct key is parsed
// and verified once per run however many files, names or policy versions list it. Keys are real,
// made and self-certified by openpgp.js.
import * as openpgp from 'openpgp';
import { parsePolicy, PolicyError, POLICY_LIMITS } from '../../src/collect/policy.js';
import { keyringWork } from '../../src/collect/signatures/openpgp-keyfile.js';

async function keyWithUserIds(n: number, tag: string): Promise<{ armored: string; fingerprint: string }> {
  const userIDs = Array.from({ length: n }, (_, i) => ({ name: `${tag} ${i}`, email: `${tag}${i}@example.com` }));
  const { publicKey } = await openpgp.generateKey({ type: 'ecc', curve: 'ed25519Legacy', userIDs, format: 'object' });
  return { armored: publicKey.armor(), fingerprint: publicKey.getFingerprint().toUpperCase() };
}

const yml = (email: string, version: string): string =>
  `version: 1\n# ${version}\nsigners:\n  - name: S\n    emails: [${email}]\nmaintainers: [S]\n`;

test(`a key with more than ${POLICY_LIMITS.userIdsPerKey} user IDs is refused, with the reason, before its signatures are checked`, async () => {
  const big = await keyWithUserIds(POLICY_LIMITS.userIdsPerKey + 1, 'big');
  const keys = Array.from({ length: 4 }, (_, i) => ({ name: `k${i}.asc`, data: Buffer.from(big.armored) }));
  const err = await parsePolicy({
    label: '.gitguard at 0123456789ab',
    policyYml: yml('big0@example.com', 'v1'),
    keys,
    allowedSigners: undefined,
  }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(PolicyError);
  expect((err as Error).message).toMatch(
    new RegExp(
      `keys/k0\\.asc at 0123456789ab \\(and 3 more file\\(s\\) with this key\\): key ${big.fingerprint} has ${POLICY_LIMITS.userIdsPerKey + 1} user IDs, more than the limit of ${POLICY_LIMITS.userIdsPerKey}`,
    ),
  );
}, 60_000);

test('a key at the limit is accepted, and parsed and built once for 16 files and 3 policy versions', async () => {
  const ok = await keyWithUserIds(POLICY_LIMITS.userIdsPerKey, 'ok');
  const keys = Array.from({ length: 16 }, (_, i) => ({ name: `k${i}.asc`, data: Buffer.from(ok.armored) }));
  const before = { ...keyringWork };
  for (const v of ['v1', 'v2', 'v3']) {
    const p = await parsePolicy({
      label: `.gitguard at ${v}`,
      policyYml: yml('ok0@example.com', v),
      keys,
      allowedSigners: undefined,
    });
    expect(p?.keyring.size).toBe(1);
    expect(await p!.keyring.identities(ok.fingerprint)).toHaveLength(POLICY_LIMITS.userIdsPerKey);
  }
  expect(keyringWork.filesParsed - before.filesParsed).toBe(1);
  expect(keyringWork.keysBuilt - before.keysBuilt).toBe(1);
}, 60_000);

test('files differing only in armour still share one key, and its packets are not multiplied', async () => {
  const k = await keyWithUserIds(3, 'arm');
  const variants = [
    k.armored,
    k.armored.replace('\n\n', '\nComment: one\n\n'),
    k.armored.replace('\n\n', '\nComment: two\n\n'),
  ];
  const before = { ...keyringWork };
  const p = await parsePolicy({
    label: '.gitguard',
    policyYml: yml('arm0@example.com', 'x'),
    keys: variants.map((d, i) => ({ name: `a${i}.asc`, data: Buffer.from(d) })),
    allowedSigners: undefined,
  });
  expect(p?.keyring.size).toBe(1);
  expect(await p!.keyring.identities(k.fingerprint)).toEqual([
    'arm0@example.com',
    'arm1@example.com',
    'arm2@example.com',
  ]);
  expect(keyringWork.filesParsed - before.filesParsed).toBe(3); // three distinct files
  expect(keyringWork.keysBuilt - before.keysBuilt).toBe(1); // one key
}, 60_000);
