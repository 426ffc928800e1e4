// git's letter for a cryptographically good OpenPGP signature: the key's own facts (usable,
// created before the signature, expiry, revocation) judged the way gpg orders its checks, at the
// keyring's clock ("now", as gpg does), with the facts kept so a policy can judge the signing time.
import type * as openpgp from 'openpgp';
import type { OpenPgpVerdict } from '../../domain/signature.js';
import type { Entry } from './openpgp-key-facts.js';
import { type AnyKeyPacket, type Revocation, seconds } from './openpgp-packets.js';

/**
 * A good signature `r` by `kp` (`sub` of `entry`, or its primary): the key's facts, then git's
 * letter. `primaryRevocation`: the primary key's, by itself or a designated revoker (the keyring's to
 * say). `critical`: why gpg calls it bad anyway (after the key and time checks, as gpg orders them).
 */
export async function judgeGood(
  r: OpenPgpVerdict,
  entry: Entry,
  sub: openpgp.Subkey | undefined,
  kp: AnyKeyPacket,
  now: () => Date,
  primaryRevocation: Revocation | undefined,
  critical?: string,
): Promise<OpenPgpVerdict> {
  const t = seconds(now());
  const pf = await entry.facts(t);
  const sf = sub ? await entry.subkeyFacts(sub) : undefined;
  r.identities = pf.identities;
  if (pf.changesAt !== undefined) r.keyFactsChangeAt = pf.changesAt;
  const unusable = sf ? (sf.unusable ?? pf.unusable) : (pf.unusable ?? pf.cannotSign);
  if (unusable) return { ...r, reason: unusable };
  if (sf?.bindingExpiresAt !== undefined) {
    if (t >= sf.bindingExpiresAt)
      return { ...r, reason: "the subkey's latest binding signature has expired (gpg ignores it: no valid binding)" };
    r.bindingExpiresAt = sf.bindingExpiresAt;
  }
  if (r.signedAt !== undefined && r.signedAt < seconds(kp.created)) {
    return { ...r, reason: 'the key is newer than the signature (a time conflict gpg refuses to check)' };
  }
  // gpg refuses every signature by a key dated after its clock (check_signature_metadata_validity),
  // the self-signatures of a primary from the future included.
  const born = Math.max(seconds(entry.key.keyPacket.created), seconds(kp.created));
  if (born > t) {
    return {
      ...r,
      keyFactsChangeAt: born,
      reason: 'the key is dated in the future (a time conflict gpg refuses to check)',
    };
  }
  if (critical) return { ...r, letter: 'B', reason: `bad signature: ${critical}` };
  const exp = [pf.expiresAt, sf?.expiresAt].filter((x): x is number => x !== undefined);
  if (exp.length) r.keyExpiresAt = Math.min(...exp);
  const revs = [primaryRevocation, sf?.revocation].filter((x): x is Revocation => x !== undefined);
  const rev = revs.find((x) => x.hard) ?? revs.sort((a, b) => a.at - b.at)[0];
  if (rev) {
    r.revokedAt = rev.at;
    if (rev.reason !== undefined) r.revocationReason = rev.reason;
    r.hardRevoked = rev.hard;
  }
  // git prints gpg's signer (%GS) for these letters, which all come from a GOODSIG-like status line.
  if (pf.signerUserId !== undefined) r.signerUserId = pf.signerUserId;
  if (r.signatureExpiresAt !== undefined && t >= r.signatureExpiresAt)
    return { ...r, letter: 'X', reason: 'the signature has expired' };
  if (r.keyExpiresAt !== undefined && t >= r.keyExpiresAt) return { ...r, letter: 'Y', reason: 'the key has expired' };
  if (rev)
    return {
      ...r,
      letter: 'R',
      reason: rev.hard ? 'the key is revoked (compromised or no reason given)' : 'the key is revoked',
    };
  return { ...r, letter: 'G' };
}
