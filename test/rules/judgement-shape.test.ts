// Every judgement judge() gives, key by key and in order: judgeOne builds them as object literals
// (a spread of a shared base cost ~1 µs a call, a fifth of node's time on a history with a policy),
// so each status is pinned here with the keys the spread gave it: the policy only when one judged,
// the signer or forge only where the status names one.
import { judge } from '../../src/domain/judgement.js';
import type { Verdict } from '../../src/domain/signature.js';
import type { RevokedKey } from '../../src/domain/trust.js';
import { as, good, policyWith, sshSigner, trusted } from '../helpers/facts.js';

const alice = sshSigner('alice', 'alice@example.com');
const carol = sshSigner('carol', 'carol@example.com', { retired: { at: 1_650_000_000 } });
const policy = policyWith({
  signers: [alice, carol],
  maintainers: ['alice'],
  forges: [{ name: 'GitHub', committerEmails: ['noreply@github.com'], openpgp: [], ssh: ['SHA256:webflow'] }],
  goodlist: [{ commit: 'e'.repeat(40), reason: 'reviewed' }],
});
const by = (name: string, email: string) => ({ committer: as(name, email), author: as(name, email) });
const byAlice = by('Alice', 'alice@example.com');
const keys = (v: Verdict) => ({ letter: v.letter, format: v.format, signer: v.signer, identities: v.identities });

describe('judgements under a policy', () => {
  const cases: Array<[string, ReturnType<typeof trusted>, string, string[]]> = [
    ['unsigned', trusted({ letter: 'N', format: 'none', identities: [] }, policy, byAlice), 'unsigned', []],
    ['bad', trusted({ letter: 'B', format: 'ssh', identities: [], reason: 'no match' }, policy, byAlice), 'bad', []],
    [
      'cannot-check',
      trusted({ letter: 'E', format: 'x509', identities: [], reason: 'X.509' }, policy, byAlice),
      'cannot-check',
      [],
    ],
    ['goodlisted', trusted(good('bob'), policy, { ...byAlice, oid: 'e'.repeat(40) }), 'goodlisted', []],
    ['unknown key', trusted(good('bob', { letter: 'U' }), policy, byAlice), 'unknown-signer', []],
    ['a key of no signer', trusted(good('bob'), policy, byAlice), 'unknown-signer', []],
    ['expired key', trusted(good('alice', { letter: 'X' }), policy, byAlice), 'key-invalid', []],
    [
      'revoked at the tip',
      trusted(good('alice'), policy, byAlice, {
        revoked: new Map<string, RevokedKey>([['SHA256:alice', { key: 'SHA256:alice', where: 'the tip', reason: '' }]]),
      }),
      'key-invalid',
      [],
    ],
    ['forge', trusted(good('webflow'), policy, by('GitHub', 'noreply@github.com')), 'forge', ['forge']],
    ['impersonation', trusted(good('alice'), policy, by('Bob', 'bob@example.com')), 'impersonation', ['signer']],
    ['retired', trusted(good('carol'), policy, by('Carol', 'carol@example.com')), 'retired', ['signer']],
    ['authorized', trusted(good('alice'), policy, byAlice), 'authorized', ['signer']],
  ];
  test.each(cases)('%s: verdict, policy, then its own keys', (_name, commit, status, extra) => {
    const j = judge(commit);
    expect(j.status).toBe(status);
    const order = extra[0] === 'signer' ? ['verdict', 'policy', 'signer', 'status', 'detail'] : undefined;
    expect(Object.keys(j)).toEqual(order ?? ['verdict', 'policy', 'status', ...extra, 'detail']);
    expect(j.policy).toBe(policy);
    expect(typeof j.detail).toBe('string');
    if (status !== 'key-invalid' || j.verdict.letter !== 'R')
      expect(j.verdict).toBe(commit.trust.verifications[0]!.verdict);
  });

  test('a revoked key: a verdict of its own with the letter R, the one under the policy left as it was', () => {
    const c = trusted(good('alice'), policy, byAlice, {
      revoked: new Map<string, RevokedKey>([['SHA256:alice', { key: 'SHA256:alice', where: 'the tip', reason: '' }]]),
    });
    const j = judge(c);
    expect([j.verdict.letter, j.verdict.hardRevoked, j.verdict.reason]).toEqual(['R', true, j.detail]);
    expect(keys(j.verdict)).toEqual({ ...keys(c.trust.verifications[0]!.verdict), letter: 'R' });
    expect(c.trust.verifications[0]!.verdict.letter).toBe('G');
  });
});

describe('judgements by the user keys (no policy)', () => {
  test.each([
    ['unsigned', { letter: 'N', format: 'none', identities: [] } as Verdict, byAlice, 'unsigned'],
    ['authorized', good('alice', { identities: ['alice@example.com'] }), byAlice, 'authorized'],
    [
      'impersonation',
      good('alice', { identities: ['alice@example.com'] }),
      by('Bob', 'bob@example.com'),
      'impersonation',
    ],
  ])('%s: no policy key at all', (_name, verdict, who, status) => {
    const j = judge(trusted(verdict, undefined, who));
    expect(j.status).toBe(status);
    expect(Object.keys(j)).toEqual(['verdict', 'status', 'detail']);
    expect('policy' in j).toBe(false);
  });
});
