import rule from '../../src/rules/mergetags-valid.js';
import { embeddedTags } from '../../src/collect/mergetags.js';
import type { MergetagTrust } from '../../src/domain/trust.js';
import { parseTagObject } from '../../src/collect/tag-object.js';
import { judgeMergetags } from '../../src/rules/lib/mergetags.js';
import type { Verdict } from '../../src/domain/signature.js';
import type { Policy } from '../../src/domain/policy.js';
import { as, evaluate, factsWith, good, policyWith, runTable, sshSigner, trusted } from '../helpers/facts.js';

const alice = sshSigner('alice', 'alice@example.com');
const policy = policyWith({ signers: [alice], maintainers: ['alice'] });
const upstream = 'b'.repeat(40);
const unsigned: Verdict = { letter: 'N', format: 'none', identities: [] };

/** An embedded tag of `upstream` (the merge's second parent), tagged by `tagger`, with `verdict`. */
const mergetag = (
  name: string,
  verdict: Verdict,
  over: Partial<MergetagTrust> = {},
  pol: Policy | undefined = policy,
): MergetagTrust => ({
  index: 0,
  oid: 'e'.repeat(40),
  name,
  tagger: as('Alice', 'alice@example.com'),
  object: upstream,
  parent: 2,
  signed: verdict.letter !== 'N',
  verifications: [{ ...(pol ? { policy: pol } : {}), verdict }],
  ...over,
});

/** A good merge commit by alice that embeds `tags`. */
const merge = (tags: MergetagTrust[], pol: Policy | undefined = policy, mode?: 'none') =>
  trusted(
    good('alice'),
    pol,
    { parents: ['a'.repeat(40), upstream], subject: 'Merge tag', committer: as('Alice', 'alice@example.com') },
    { mergetags: tags, ...(mode ? { mode } : {}) },
  );
const plain = () => trusted(good('alice'), policy, { committer: as('Alice', 'alice@example.com') });

describe('mergetags-valid', () => {
  runTable(rule, [
    {
      name: 'passes a merged tag signed by an authorized signer who is the tagger',
      commits: [plain(), merge([mergetag('v1.0', good('alice'))])],
      outcome: 'pass',
    },
    { name: 'passes a merged tag that is not signed', commits: [merge([mergetag('v1.1', unsigned)])], outcome: 'pass' },
    {
      name: 'passes a merged tag signed by a key the policy does not know (an upstream key)',
      commits: [
        merge([
          mergetag('v1.2', {
            letter: 'E',
            format: 'openpgp',
            identities: [],
            signingKey: 'ABCD',
            reason: 'no key ABCD in the keyring',
            missingKey: true,
          }),
        ]),
      ],
      outcome: 'pass',
    },
    {
      name: 'passes an SSH-signed merged tag whose key is not in the allowed signers (U)',
      commits: [merge([mergetag('v1.3', good('upstream', { letter: 'U' }))])],
      outcome: 'pass',
    },
    {
      name: 'passes an X.509-signed merged tag, which nothing here can check',
      commits: [merge([mergetag('v1.4', { letter: 'E', format: 'x509', identities: [], reason: 'X.509' })])],
      outcome: 'pass',
    },
    {
      name: 'passes a key that expired after it signed the tag',
      commits: [
        merge([
          mergetag('v1.5', good('alice', { letter: 'Y', signedAt: 100, keyExpiresAt: 200 }), {
            tagger: { ...as('Alice', 'alice@example.com'), time: 100 },
          }),
        ]),
      ],
      outcome: 'pass',
    },
    {
      name: 'passes a merge whose bad merged tag a maintainer goodlisted by the merge id',
      commits: [goodlistedMerge()],
      outcome: 'pass',
    },
    {
      name: 'fails a merged tag signed by a key revoked as compromised at the tip',
      commits: [
        trusted(
          good('alice'),
          policy,
          { parents: ['a'.repeat(40), upstream], committer: as('Alice', 'alice@example.com') },
          {
            mergetags: [mergetag('v2.0', good('mallory-held'))],
            revoked: new Map([
              [
                'SHA256:mallory-held',
                { key: 'SHA256:mallory-held', where: 'the current policy', reason: 'key leaked' },
              ],
            ]),
          },
        ),
      ],
      outcome: 'fail',
      mentions: ['key leaked'],
    },
    {
      name: 'is not applicable when no commit in scope has a mergetag',
      commits: [plain(), plain()],
      outcome: 'not-applicable',
    },
    { name: 'is not applicable without commits', commits: [], outcome: 'not-applicable' },
    {
      name: 'fails a merged tag whose content does not match its signature (B)',
      commits: [
        plain(),
        merge([mergetag('v2.0', good('alice', { letter: 'B', reason: 'signature does not verify' }))]),
      ],
      outcome: 'fail',
      mentions: ["merged tag 'v2.0': bad signature (B): signature does not verify"],
      findings: 1,
    },
    {
      name: 'fails a bad merged tag even when another parent policy does not know the key',
      commits: [
        merge([
          mergetag('v2.1', unsigned, {
            verifications: [
              {
                policy,
                verdict: {
                  letter: 'E',
                  format: 'openpgp',
                  identities: [],
                  reason: 'no key X in the keyring',
                  missingKey: true,
                },
              },
              {
                policy: policyWith({ signers: [alice], label: 'other' }),
                verdict: { letter: 'B', format: 'openpgp', identities: [], reason: 'bad signature' },
              },
            ],
          }),
        ]),
      ],
      outcome: 'fail',
      mentions: ['bad signature (B)'],
    },
    {
      name: 'fails a tampered SSH-signed merged tag even with no policy and no keys',
      commits: [
        merge(
          [mergetag('v2.2', good('x', { letter: 'B', reason: 'signature does not verify' }), {}, undefined)],
          undefined,
          'none',
        ),
      ],
      outcome: 'fail',
      mentions: ["merged tag 'v2.2': bad signature"],
    },
    {
      name: 'fails a merged tag signed after its key expired',
      commits: [
        merge([mergetag('v3.0', good('alice', { letter: 'Y', format: 'openpgp', signedAt: 300, keyExpiresAt: 200 }))]),
      ],
      outcome: 'fail',
      mentions: ['key invalid at signing (Y): signed with a key that had already expired'],
    },
    {
      name: 'fails a merged tag signed by a key revoked as compromised',
      commits: [merge([mergetag('v3.1', good('alice', { letter: 'R', format: 'openpgp', hardRevoked: true }))])],
      outcome: 'fail',
      mentions: ['key invalid at signing (R)'],
    },
    {
      name: 'fails a merged tag whose signature has expired',
      commits: [merge([mergetag('v3.2', good('alice', { letter: 'X', format: 'openpgp' }))])],
      outcome: 'fail',
      mentions: ['the signature has expired'],
    },
    {
      name: 'fails a merged tag whose signature block cannot be read',
      commits: [
        merge([
          mergetag('v4.0', { letter: 'E', format: 'openpgp', identities: [], reason: 'unreadable signature packet' }),
        ]),
      ],
      outcome: 'fail',
      mentions: ['signature cannot be checked (E): unreadable signature packet'],
    },
    {
      name: 'fails an embedded tag that is not a well-formed tag',
      commits: [merge([mergetag('', good('alice'), { malformed: 'no "tag" line' })])],
      outcome: 'fail',
      mentions: ['malformed embedded tag: no "tag" line'],
    },
    {
      name: 'fails only the bad one of two tags merged in one octopus merge',
      commits: [
        merge([mergetag('v5.0', good('alice')), mergetag('v5.1', good('alice', { letter: 'B' }), { index: 1 })]),
      ],
      outcome: 'fail',
      mentions: ["merged tag 'v5.1'"],
      findings: 1,
    },
  ]);

  test('counts tags it cannot vouch for in the note of a passing result', () => {
    const ev = evaluate(rule, factsWith(), [
      merge([
        mergetag('v1.0', good('alice')),
        mergetag('up-1', good('bob', { letter: 'U' })),
        mergetag('v0', unsigned, { parent: 0 }),
      ]),
    ]);
    expect(ev.outcome).toBe('pass');
    expect(ev.note).toBe(
      "1 merge(s) embed tags: 1 by authorized signers, 1 not vouched for by the policy or keys (up-1), 1 unsigned, 1 naming none of the merge's parents",
    );
  });

  test('judges the tagger, not the merge committer, as the identity a signature must match', () => {
    const [j] = judgeMergetags(
      merge([mergetag('v6', good('alice'), { tagger: as('Mallory', 'mallory@example.com') })]),
    );
    expect(j!.judgement.status).toBe('impersonation');
    // A key the policy knows, speaking for another tagger: a problem, as tags-signed says of the tag (round 149).
    expect(j!.problem).toMatch(/^impersonation \(G\): /);
  });
});

function goodlistedMerge() {
  const pol = policyWith({ signers: [alice], maintainers: ['alice'], goodlist: [] });
  const m = merge([mergetag('v7', good('alice', { letter: 'B' }), {}, pol)], pol);
  pol.goodlist.push({ commit: m.oid, reason: 'reviewed' });
  return m;
}

describe('embedded tag objects', () => {
  const tag =
    'object ' +
    upstream +
    '\ntype commit\ntag v1\ntagger A <a@x> 1700000000 +0000\n\nrelease \xe9\n-----BEGIN PGP SIGNATURE-----\n\niQ==\n-----END PGP SIGNATURE-----\n';
  const commitWith = (...tags: string[]) =>
    Buffer.concat([
      Buffer.from(
        `tree ${'f'.repeat(40)}\nparent ${'a'.repeat(40)}\nparent ${upstream}\nauthor A <a@x> 1 +0000\ncommitter A <a@x> 1 +0000\n`,
      ),
      ...tags.map((t) => Buffer.from(`mergetag ${t.replace(/\n$/, '').replace(/\n/g, '\n ')}\n`, 'latin1')),
      Buffer.from('\nMerge tag v1\n\n# not a header\nmergetag object x\n'),
    ]);

  test('are the header values unfolded byte for byte, even when they are not UTF-8', () => {
    const tags = embeddedTags(commitWith(tag, tag.replace('v1', 'v2')));
    expect(tags.map((t) => t.toString('latin1'))).toEqual([tag, tag.replace('v1', 'v2')]);
    expect(tags[0]![tag.indexOf('\xe9')]).toBe(0xe9);
  });

  test('are not looked for in the commit message', () => {
    expect(embeddedTags(commitWith())).toEqual([]);
  });

  test('are malformed when the object, type or tag line is missing, as git judges them', () => {
    const malformation = (body: Buffer, hex: number): string | undefined =>
      parseTagObject('0'.repeat(hex), body).malformed;
    expect(malformation(Buffer.from(tag, 'latin1'), 40)).toBeUndefined();
    expect(malformation(Buffer.from(tag.replace('object ', 'objekt '), 'latin1'), 40)).toContain('object');
    expect(malformation(Buffer.from(tag.replace('type commit', 'type nonsense'), 'latin1'), 40)).toContain('type');
    expect(malformation(Buffer.from(tag.replace('tag v1\n', ''), 'latin1'), 40)).toContain('tag');
    expect(malformation(Buffer.from(`object ${upstream}\ntype commit\ntag v1`), 40)).toContain('tag');
  });
});
