// The user ID gpg 2.2 names as a signature's signer, which git prints as %GS: the key's primary user
// ID as gpg picks it (getkey.c merge_selfsigs_main), else the first one with "[uncertain] " before it
// (mainproc.c check_sig_and_print, under any trust model but "always").
import type * as openpgp from 'openpgp';

export interface UidState {
  /** The user ID's text. */
  text: string;
  /** Its newest valid self-certification while the user ID is live: neither revoked nor expired (that
   *  certification's own expiration) at the clock. */
  cert?: openpgp.SignaturePacket;
}

const created = (s: openpgp.SignaturePacket): number => s.created?.getTime() ?? 0;

/** gpg's cmp_user_ids for two textual user IDs: the longer, then the greater bytes. */
function cmpUserIds(a: string, b: string): number {
  const [x, y] = [Buffer.from(a), Buffer.from(b)];
  return x.length - y.length || Buffer.compare(x, y);
}

/**
 * The signer gpg names, from `uids` in the key's order (those gpg's import keeps: each with a valid
 * self-signature, a revocation's too). Of the live ones, the newest certified with the primary-user-ID
 * flag, else the newest certified; a tie goes to the greater by cmp_user_ids. None live: the first
 * user ID, uncertain.
 */
export function signerUserId(uids: UidState[]): string | undefined {
  let best: { text: string; cert: openpgp.SignaturePacket } | undefined;
  const rank = (s: openpgp.SignaturePacket): number => (s.isPrimaryUserID ? 1 : 0);
  for (const { text, cert } of uids) {
    if (!cert) continue;
    if (
      !best ||
      rank(cert) > rank(best.cert) ||
      (rank(cert) === rank(best.cert) &&
        (created(cert) > created(best.cert) ||
          (created(cert) === created(best.cert) && cmpUserIds(text, best.text) > 0)))
    )
      best = { text, cert };
  }
  if (best) return best.text;
  return uids[0] ? `[uncertain] ${uids[0].text}` : undefined;
}
