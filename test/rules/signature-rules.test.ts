// Pass/fail tables for the signature rules over hand-built trust facts: one policy with alice (a
// maintainer) and bob, and verdicts as the verifiers would give them.
import signaturesValid from '../../src/rules/signatures-valid.js';
import signersAuthorized from '../../src/rules/signers-authorized.js';
import signingKeysValid from '../../src/rules/signing-keys-valid.js';
import signerMatchesCommitter from '../../src/rules/signer-matches-committer.js';
import signersNotRetired from '../../src/rules/signers-not-retired.js';
import policyChangesAuthorized from '../../src/rules/policy-changes-authorized.js';
import { as, commit, evaluate, factsWith, good, policyWith, runTable, sshSigner, trusted } from '../helpers/facts.js';
import { judge } from '../../src/domain/judgement.js';
import type { RevokedKey } from '../../src/domain/trust.js';
import type { Verdict } from '../../src/domain/signature.js';

const alice = sshSigner('alice', 'alice@example.com');
const bob = sshSigner('bob', 'bob@example.com');
const carol = sshSigner('carol', 'carol@example.com', { retired: { at: 1_650_000_000 } });
const policy = policyWith({ signers: [alice, bob, carol], maintainers: ['alice'] });
const byAlice = { committer: as('Alice', 'alice@example.com'), author: as('Alice', 'alice@example.com') };
const byBob = { committer: as('Bob', 'bob@example.com'), author: as('Bob', 'bob@example.com') };
/** alice's commit dated `time` (a signature counts as made at the later of its own time and this). */
const aliceAt = (time: number) => ({
  committer: { ...as('Alice', 'alice@example.com'), time },
  author: as('Alice', 'alice@example.com'),
});

describe('signatures-valid', () => {
  runTable(signaturesValid, [
    { name: 'passes on good signatures', commits: [trusted(good('alice'), policy, byAlice)], outcome: 'pass' },
    {
      name: 'fails on a bad signature (content changed after signing)',
      commits: [
        trusted({ letter: 'B', format: 'ssh', identities: [], reason: 'the content does not match' }, policy, byAlice),
      ],
      outcome: 'fail',
      mentions: ['bad signature (B)'],
    },
    {
      name: 'fails on a signature that cannot be checked (X.509)',
      commits: [
        trusted({ letter: 'E', format: 'x509', identities: [], reason: 'X.509 not supported' }, policy, byAlice),
      ],
      outcome: 'fail',
      mentions: ['cannot be checked'],
    },
    {
      name: 'is not applicable without a policy or keys',
      commits: [
        Object.assign(commit(), {
          trust: { mode: 'none' as const, verifications: [], policyChanged: false, trustRoot: false },
        }),
      ],
      outcome: 'not-applicable',
    },
  ]);
});

describe('signers-authorized', () => {
  runTable(signersAuthorized, [
    {
      name: 'passes when the key belongs to a signer of the parent policy',
      commits: [trusted(good('bob'), policy, byBob)],
      outcome: 'pass',
    },
    {
      name: 'fails on a good signature by a key no signer owns',
      commits: [trusted(good('mallory'), policy, byBob)],
      outcome: 'fail',
      mentions: ['belongs to no signer'],
    },
    {
      name: 'fails on a key missing from the allowed signers (U)',
      commits: [trusted({ letter: 'U', format: 'ssh', signer: 'SHA256:zzz', identities: [] }, policy, byBob)],
      outcome: 'fail',
      mentions: ['is not trusted'],
    },
    {
      name: 'passes a goodlisted commit, an audited exception',
      commits: [
        trusted(
          good('mallory'),
          policyWith({
            signers: [alice],
            goodlist: [{ commit: '00000000000000000000000000000000000000ff', reason: 'imported' }],
          }),
          { ...byBob, oid: '00000000000000000000000000000000000000ff' },
        ),
      ],
      outcome: 'pass',
    },
    {
      name: 'fails a commit that no policy may judge (an orphan in a governed history), even with a good signature',
      commits: [
        Object.assign(commit(byBob), {
          trust: {
            mode: 'no-policy' as const,
            noPolicy: 'it does not descend from the trust root 0123456789ab',
            verifications: [{ verdict: good('mallory') }],
            policyChanged: false,
            trustRoot: false,
            changedPaths: [],
            ciGateRemoved: false,
          },
        }),
      ],
      outcome: 'fail',
      mentions: ['no policy judges it', 'does not descend from the trust root'],
    },
  ]);
});

describe('signing-keys-valid', () => {
  runTable(signingKeysValid, [
    {
      name: 'passes a key that expired after it signed',
      commits: [trusted(good('alice', { letter: 'Y', signedAt: 100, keyExpiresAt: 200 }), policy, aliceAt(100))],
      outcome: 'pass',
    },
    {
      name: 'fails a signature dated before the expiry on a commit dated after it',
      commits: [trusted(good('alice', { letter: 'Y', signedAt: 100, keyExpiresAt: 200 }), policy, aliceAt(300))],
      outcome: 'fail',
      mentions: ['already expired'],
    },
    {
      name: 'fails a signature made after the key expired',
      commits: [trusted(good('alice', { letter: 'Y', signedAt: 300, keyExpiresAt: 200 }), policy, byAlice)],
      outcome: 'fail',
      mentions: ['already expired'],
    },
    {
      name: 'passes a key soft-revoked (superseded) after it signed',
      commits: [
        trusted(
          good('alice', { letter: 'R', signedAt: 100, revokedAt: 200, hardRevoked: false }),
          policy,
          aliceAt(100),
        ),
      ],
      outcome: 'pass',
    },
    {
      name: 'fails every signature of a key revoked as compromised',
      commits: [
        trusted(good('alice', { letter: 'R', signedAt: 100, revokedAt: 200, hardRevoked: true }), policy, byAlice),
      ],
      outcome: 'fail',
      mentions: ['compromised'],
    },
    {
      name: 'fails an expired signature',
      commits: [trusted(good('alice', { letter: 'X' }), policy, byAlice)],
      outcome: 'fail',
      mentions: ['signature has expired'],
    },
  ]);
});

describe('signer-matches-committer', () => {
  runTable(signerMatchesCommitter, [
    {
      name: 'passes when the signer is the committer',
      commits: [trusted(good('alice'), policy, byAlice)],
      outcome: 'pass',
    },
    {
      name: "fails when alice's good signature is on a commit whose committer is mallory",
      commits: [
        trusted(good('alice'), policy, {
          committer: as('Mallory', 'mallory@example.com'),
          author: as('Mallory', 'mallory@example.com'),
        }),
      ],
      outcome: 'fail',
      mentions: ['signed by alice, but the committer is mallory@example.com'],
    },
    {
      name: 'checks the author too when the policy says identity: both',
      commits: [
        trusted(good('alice'), policyWith({ signers: [alice, bob], identity: 'both' }), {
          committer: as('Alice', 'alice@example.com'),
          author: as('Bob', 'bob@example.com'),
        }),
      ],
      outcome: 'fail',
      mentions: ['author is bob@example.com'],
    },
    {
      // The verifier lists the committer first when a line lets the key sign as him (keySpeaksFor).
      name: "without a policy, matches the committer against the key's principals",
      commits: [trusted(good('k', { identities: ['bob@example.com', '*@example.com'] }), undefined, byBob)],
      outcome: 'pass',
    },
    {
      // `*,!bob@example.com` prints `*` and `!bob@example.com`: names, never patterns, here.
      name: 'without a policy, a printed principal pattern does not cover the committer',
      commits: [trusted(good('k', { identities: ['*', '!bob@example.com'] }), undefined, byBob)],
      outcome: 'fail',
    },
    {
      name: 'without a policy, fails when the principals do not cover the committer',
      commits: [trusted(good('k', { identities: ['alice@example.com'] }), undefined, byBob)],
      outcome: 'fail',
    },
    {
      name: 'without a policy, an OpenPGP user ID is an address, never a pattern',
      commits: [trusted(good('k', { format: 'openpgp', identities: ['*@example.com'] }), undefined, byBob)],
      outcome: 'fail',
      mentions: ['speaks for *@example.com'],
    },
    {
      name: 'without a policy, an OpenPGP user ID matches the committer regardless of case',
      commits: [
        trusted(good('k', { format: 'openpgp', identities: ['bob@example.com'] }), undefined, {
          committer: as('Bob', 'Bob@Example.COM'),
        }),
      ],
      outcome: 'pass',
    },
  ]);
});

describe('signers-not-retired', () => {
  runTable(signersNotRetired, [
    {
      name: 'passes a signature made before the retirement',
      commits: [
        trusted(good('carol', { signedAt: 1_600_000_000 }), policy, {
          committer: { ...as('Carol', 'carol@example.com'), time: 1_600_000_000 },
        }),
      ],
      outcome: 'pass',
    },
    {
      name: 'fails a signature dated before the retirement on a commit dated after it',
      commits: [
        trusted(good('carol', { signedAt: 1_600_000_000 }), policy, { committer: as('Carol', 'carol@example.com') }),
      ],
      outcome: 'fail',
    },
    {
      name: 'fails a signature made after the retirement',
      commits: [
        trusted(good('carol', { signedAt: 1_700_000_000 }), policy, { committer: as('Carol', 'carol@example.com') }),
      ],
      outcome: 'fail',
      mentions: ['carol was retired on 2022-04-15'],
    },
  ]);
});

describe('policy-changes-authorized', () => {
  runTable(policyChangesAuthorized, [
    {
      name: 'passes a policy change signed by a maintainer of the parent policy',
      commits: [trusted(good('alice'), policy, byAlice, { policyChanged: true })],
      outcome: 'pass',
    },
    {
      name: 'fails a policy change signed by a signer who is not a maintainer',
      commits: [trusted(good('bob'), policy, byBob, { policyChanged: true })],
      outcome: 'fail',
      mentions: ['bob is not a maintainer'],
    },
    {
      name: 'fails a policy change by an unknown key',
      commits: [trusted(good('mallory'), policy, byBob, { policyChanged: true })],
      outcome: 'fail',
    },
    {
      name: 'accepts the trust root, which introduces the policy',
      commits: [trusted(good('bob'), policy, byBob, { policyChanged: true, trustRoot: true })],
      outcome: 'pass',
    },
    {
      name: 'passes when no commit changes the policy',
      commits: [trusted(good('bob'), policy, byBob)],
      outcome: 'pass',
    },
  ]);
});

describe('forge merge buttons', () => {
  const forgePolicy = policyWith({
    signers: [alice],
    maintainers: ['alice'],
    forges: [{ name: 'GitHub', committerEmails: ['noreply@github.com'], openpgp: [], ssh: ['SHA256:webflow'] }],
  });
  const byForge = { committer: as('GitHub', 'noreply@github.com'), author: as('Alice', 'alice@example.com') };
  runTable(signersAuthorized, [
    {
      name: 'accepts a commit the opted-in forge key signed as the committer GitHub',
      commits: [trusted(good('webflow'), forgePolicy, byForge)],
      outcome: 'pass',
    },
    {
      name: 'does not accept the forge key on a commit whose committer is someone else',
      commits: [trusted(good('webflow'), forgePolicy, byAlice)],
      outcome: 'fail',
    },
  ]);
  test("reports such a commit as signed by the forge on behalf of its author, never as the author's own signature", () => {
    const j = judge(trusted(good('webflow'), forgePolicy, byForge));
    expect(j.status).toBe('forge');
    expect(j.detail).toBe('signed by the forge GitHub on behalf of Alice <alice@example.com>');
    expect(j.signer).toBeUndefined();
  });
});

describe('keys revoked at the tip or by --revoked-keys', () => {
  const revoked = (key: string, over: Partial<RevokedKey> = {}): Map<string, RevokedKey> =>
    new Map([[key, { key, where: 'the current policy', reason: 'laptop stolen', ...over }]]);
  const atTip = (r: Map<string, RevokedKey>) => ({ revoked: r });
  const pgp = (over: Partial<Verdict> = {}): Verdict => ({
    letter: 'G',
    format: 'openpgp',
    signer: 'A'.repeat(40),
    signingKey: 'B'.repeat(40),
    identities: ['alice@example.com'],
    signedAt: 1_700_000_000,
    ...over,
  });
  runTable(signingKeysValid, [
    {
      name: "passes alice's commits when the tip revokes only another key",
      commits: [trusted(good('alice'), policy, byAlice, atTip(revoked('SHA256:mallory')))],
      outcome: 'pass',
    },
    {
      name: "fails alice's commit judged by an older policy once the tip revokes her key",
      commits: [trusted(good('alice'), policy, byAlice, atTip(revoked('SHA256:alice')))],
      outcome: 'fail',
      mentions: [
        'key SHA256:alice was revoked as compromised in the current policy: laptop stolen (R, key SHA256:alice)',
      ],
    },
    {
      name: "passes a signature made before the revocation's since",
      commits: [
        trusted(
          good('alice', { signedAt: 1_600_000_000 }),
          policy,
          aliceAt(1_600_000_000),
          atTip(revoked('SHA256:alice', { since: 1_650_000_000 })),
        ),
      ],
      outcome: 'pass',
    },
    {
      name: "fails a signature made at or after the revocation's since",
      commits: [
        trusted(
          good('alice', { signedAt: 1_650_000_000 }),
          policy,
          byAlice,
          atTip(revoked('SHA256:alice', { since: 1_650_000_000 })),
        ),
      ],
      outcome: 'fail',
      mentions: ['for signatures from 2022-04-15T05:20:00Z on'],
    },
    {
      name: 'judges an SSH signature, which carries no time, by its committer date',
      commits: [
        trusted(
          good('alice', { signedAt: undefined }),
          policy,
          { ...byAlice, committer: { ...byAlice.committer, time: 1_700_000_000 } },
          atTip(revoked('SHA256:alice', { since: 1_700_000_001 })),
        ),
      ],
      outcome: 'pass',
    },
    {
      name: 'fails a signature by a revoked OpenPGP subkey',
      commits: [trusted(pgp(), policy, byAlice, atTip(revoked('B'.repeat(40))))],
      outcome: 'fail',
      mentions: [`key ${'B'.repeat(40)} was revoked`],
    },
    {
      name: 'fails every subkey signature of a revoked OpenPGP primary key',
      commits: [trusted(pgp(), policy, byAlice, atTip(revoked('A'.repeat(40))))],
      outcome: 'fail',
      mentions: [`key ${'A'.repeat(40)} was revoked`],
    },
    {
      name: "fails a signature revoked by the judging policy's own revoked_keys",
      commits: [
        trusted(
          good('alice'),
          policyWith({ signers: [alice], revokedKeys: [{ key: 'SHA256:alice', reason: 'leaked' }] }),
          byAlice,
        ),
      ],
      outcome: 'fail',
      mentions: ['key SHA256:alice was revoked as compromised in .gitguard at test: leaked'],
    },
    {
      name: 'passes when the judging policy revokes the key only from a later since',
      commits: [
        trusted(
          good('alice'),
          policyWith({
            signers: [alice],
            revokedKeys: [{ key: 'SHA256:alice', reason: 'leaked', since: 1_800_000_000 }],
          }),
          byAlice,
        ),
      ],
      outcome: 'pass',
    },
    {
      name: 'fails a key listed in a --revoked-keys file without a policy',
      commits: [
        trusted(
          good('k', { identities: ['*@example.com'] }),
          undefined,
          byBob,
          atTip(revoked('SHA256:k', { where: '--revoked-keys rk (line 2)', reason: '' })),
        ),
      ],
      outcome: 'fail',
      mentions: ['key SHA256:k was revoked as compromised in --revoked-keys rk (line 2) (R'],
    },
  ]);

  test('a revoked key is reported with the letter R, whatever the letter under the judging policy', () => {
    for (const letter of ['G', 'U', 'Y', 'X'] as const) {
      const j = judge(trusted(good('alice', { letter }), policy, byAlice, atTip(revoked('SHA256:alice'))));
      expect([letter, j.status, j.verdict.letter, j.verdict.hardRevoked]).toEqual([letter, 'key-invalid', 'R', true]);
    }
  });

  test('a bad signature or an unknown key by a revoked key is judged as such, not as a revocation', () => {
    expect(
      judge(
        trusted(
          { letter: 'B', format: 'ssh', signer: 'SHA256:alice', identities: [], reason: 'signature does not verify' },
          policy,
          byAlice,
          atTip(revoked('SHA256:alice')),
        ),
      ).status,
    ).toBe('bad');
    expect(
      judge(
        trusted(
          pgp({ letter: 'E', missingKey: true, signer: undefined, reason: 'no key' }),
          policy,
          byAlice,
          atTip(revoked('B'.repeat(40))),
        ),
      ).status,
    ).toBe('unknown-signer');
  });

  test('a goodlisted commit stays accepted: the goodlist accepts a commit whatever its signature', () => {
    const p = policyWith({
      signers: [alice],
      goodlist: [{ commit: '00000000000000000000000000000000000000fe', reason: 'reviewed' }],
    });
    expect(
      judge(
        trusted(
          good('alice'),
          p,
          { ...byAlice, oid: '00000000000000000000000000000000000000fe' },
          atTip(revoked('SHA256:alice')),
        ),
      ).status,
    ).toBe('goodlisted');
  });

  test('the goodlist does not cover bytes swapped in under a goodlisted id (they do not hash to it)', () => {
    const oid = '00000000000000000000000000000000000000fd';
    const p = policyWith({ signers: [alice], goodlist: [{ commit: oid, reason: 'reviewed' }] });
    const unsigned: Verdict = { letter: 'N', format: 'none', identities: [] };
    expect(judge(trusted(unsigned, p, { ...byAlice, oid })).status).toBe('goodlisted');
    expect(judge(trusted(unsigned, p, { ...byAlice, oid, hashOk: false })).status).toBe('unsigned');
    const tip = { tipGoodlist: new Map([[oid, 'reviewed']]) };
    expect(judge(trusted(unsigned, policy, { ...byAlice, oid, hashOk: false }, tip)).status).toBe('unsigned');
  });

  test('signers-authorized does not report a revoked key twice', () => {
    expect(
      evaluate(signersAuthorized, factsWith(), [
        trusted(good('alice'), policy, byAlice, atTip(revoked('SHA256:alice'))),
      ]).outcome,
    ).toBe('pass');
  });
});
