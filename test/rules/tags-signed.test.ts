import rule from '../../src/rules/tags-signed.js';
import { parseTagObject } from '../../src/collect/tag-object.js';
import { available } from '../../src/domain/model.js';
import type { TrustedTag } from '../../src/domain/trust.js';
import { as, factsWith, good, policyWith, runTable, sshSigner, trusted } from '../helpers/facts.js';

const alice = sshSigner('alice', 'alice@example.com');
const policy = policyWith({ signers: [alice], maintainers: ['alice'] });
const tag = (name: string, judged: ReturnType<typeof trusted>, signed = true): TrustedTag => ({
  ref: `refs/tags/${name}`,
  tag: {
    oid: judged.oid,
    object: 'c'.repeat(40),
    type: 'commit',
    name,
    message: 'release\n',
    payload: Buffer.from(''),
    hashOk: true,
    ...(signed ? { signature: 'x' } : {}),
  },
  judged,
});
const withTags = (...tags: TrustedTag[]) => factsWith({ tags: available(tags) });
const byAlice = { committer: as('Alice', 'alice@example.com'), author: as('Alice', 'alice@example.com') };

describe('tags-signed', () => {
  runTable(rule, [
    {
      name: 'passes a tag signed by an authorized signer who is the tagger',
      facts: withTags(tag('v1', trusted(good('alice'), policy, byAlice))),
      outcome: 'pass',
    },
    {
      name: 'fails a good signed tag published under a ref name other than the one it was signed for',
      facts: withTags({ ...tag('v1.0', trusted(good('alice'), policy, byAlice)), ref: 'refs/tags/v2.0' }),
      outcome: 'fail',
      mentions: ['refs/tags/v2.0: the signed tag names itself "v1.0", not "v2.0"'],
    },
    {
      name: 'fails an unsigned annotated tag',
      facts: withTags(tag('v2', trusted({ letter: 'N', format: 'none', identities: [] }, policy, byAlice), false)),
      outcome: 'fail',
      mentions: ['refs/tags/v2: annotated tag is not signed'],
    },
    {
      name: 'fails a tag signed by a key the policy does not know',
      facts: withTags(tag('v3', trusted(good('mallory'), policy, byAlice))),
      outcome: 'fail',
      mentions: ['unknown-signer'],
    },
    {
      name: "fails alice's signature on a tag whose tagger is mallory",
      facts: withTags(
        tag(
          'v4',
          trusted(good('alice'), policy, {
            committer: as('M', 'mallory@example.com'),
            author: as('M', 'mallory@example.com'),
          }),
        ),
      ),
      outcome: 'fail',
      mentions: ['impersonation'],
    },
    {
      name: 'fails a tag signed by a key the policy at the tip revokes as compromised',
      facts: withTags(
        tag(
          'v5',
          trusted(
            good('alice'),
            policyWith({ signers: [alice], revokedKeys: [{ key: 'SHA256:alice', reason: 'leaked' }] }),
            byAlice,
          ),
        ),
      ),
      outcome: 'fail',
      mentions: [
        'refs/tags/v5: key-invalid (R): key SHA256:alice was revoked as compromised in .gitguard at test: leaked',
      ],
    },
    { name: 'is not applicable without annotated tags', facts: withTags(), outcome: 'not-applicable' },
  ]);
});

describe('parseTagObject', () => {
  test('splits the signature block off the message and keeps what it signs', () => {
    const raw = Buffer.from(
      'object ' +
        'a'.repeat(40) +
        '\ntype commit\ntag v1\ntagger A <a@x> 1700000000 +0000\n\nrelease v1\n-----BEGIN SSH SIGNATURE-----\nAAAA\n-----END SSH SIGNATURE-----\n',
    );
    const t = parseTagObject('b'.repeat(40), raw);
    expect(t).toMatchObject({
      name: 'v1',
      type: 'commit',
      message: 'release v1\n',
      tagger: { email: 'a@x', time: 1700000000 },
    });
    expect(t.signature).toBe('-----BEGIN SSH SIGNATURE-----\nAAAA\n-----END SSH SIGNATURE-----\n');
    expect(t.payload.toString()).toBe(raw.toString().slice(0, raw.toString().indexOf('-----BEGIN')));
  });
  test('an unsigned tag signs nothing and keeps its whole message', () => {
    const t = parseTagObject(
      'b'.repeat(40),
      Buffer.from(
        'object x\ntype commit\ntag v0\ntagger A <a@x> 1 +0000\n\nmessage mentions -----BEGIN PGP SIGNATURE----- inline\n',
      ),
    );
    expect(t.signature).toBeUndefined();
    expect(t.message).toBe('message mentions -----BEGIN PGP SIGNATURE----- inline\n');
  });
});
