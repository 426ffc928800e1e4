// Keys revoked as compromised. A commit is judged by its parents' policy, so a revocation that only
// later reaches the policy would leave every commit signed before it "authorized". Revocations are
// therefore monotonic: the ones collected here, once per run, void a key's signatures everywhere in
// scope, whichever policy judges the commit (the judge applies them: src/rules/lib/trust.ts).
// Sources:
//   - the policy at the tip (HEAD): keys and subkeys in its keys/ that carry a hard revocation
//     (compromised, or no reason), and its policy.yml revoked_keys;
//   - --revoked-keys files, for repositories without a policy (git's gpg.ssh.revocationFile).
// Verdicts in the verify cache are unchanged by all this: a revocation is applied on top of them.
import { ExpectedError } from '../errors.js';
import type { Policy } from '../domain/policy.js';
import type { HardRevocation } from '../domain/keys.js';
import { readKey } from './signatures/allowed-signers.js';
import type { VerifyCache } from './verify-cache.js';

import { CURRENT_POLICY, type RevokedKey } from '../domain/trust.js';

const MAX_TEXT = 200;

function hardReason(h: HardRevocation): string {
  const code =
    h.reason === undefined || h.reason === 0
      ? 'no reason given'
      : h.reason === 2
        ? 'key compromised'
        : `reason code ${h.reason}`;
  const text = h.text?.trim().replace(/\s+/g, ' ');
  const words = text ? `: "${text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 3)}...` : text}"` : '';
  const what = h.fingerprint === h.primary ? 'revocation certificate' : `subkey revocation (primary key ${h.primary})`;
  return `hard ${what} in keys/ (${code})${words}`;
}

/**
 * The revocations of the policy at the tip. The hard revocations of its keyring are remembered in
 * the verify cache under `contentId` (the policy's tree id, a content hash), so a warm run does not
 * examine the keyring again.
 */
export async function policyRevocations(
  policy: Policy,
  contentId: string | undefined,
  cache?: VerifyCache,
): Promise<RevokedKey[]> {
  const out: RevokedKey[] = policy.revokedKeys.map((e) => ({
    key: e.key,
    where: CURRENT_POLICY,
    reason: e.reason,
    ...(e.since !== undefined ? { since: e.since } : {}),
  }));
  let hard = contentId ? cache?.hardRevocations(contentId) : undefined;
  if (!hard) {
    hard = policy.keyring ? await policy.keyring.hardRevocations() : [];
    if (contentId) cache?.setHardRevocations(contentId, hard);
  }
  for (const h of hard) out.push({ key: h.fingerprint, where: CURRENT_POLICY, reason: hardReason(h) });
  return out;
}

const KRL_MAGIC = 'SSHKRL\n\0';
const MAX_FILE = 16 * 1024 * 1024;

/**
 * A revocation file as git's gpg.ssh.revocationFile takes it when it is not a binary KRL: SSH
 * public keys, one per line ("ssh-ed25519 AAAA... comment"), blank lines and # comments ignored.
 * gitguard also takes SSH fingerprints ("SHA256:...") and OpenPGP fingerprints (40 or 64 hex
 * digits, spaces allowed), which ssh-keygen skips. Unlike ssh-keygen, a line that is none of these
 * is an error naming the line: a line quietly ignored is a revocation quietly dropped.
 */
export function parseRevokedKeys(text: string, file: string): RevokedKey[] {
  const out: RevokedKey[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '').trim();
    if (line === '' || line.startsWith('#')) return;
    const where = `--revoked-keys ${file} (line ${i + 1})`;
    const reason = '';
    const ssh = readKey(line);
    if (ssh) {
      out.push({ key: ssh.key.fingerprint, where, reason });
      return;
    }
    if (/^SHA256:[A-Za-z0-9+/]{43}$/.test(line)) {
      out.push({ key: line, where, reason });
      return;
    }
    const hex = line.replace(/\s+/g, '');
    if (/^(?:[0-9a-fA-F]{40}|[0-9a-fA-F]{64})$/.test(hex)) {
      out.push({ key: hex.toUpperCase(), where, reason });
      return;
    }
    throw new ExpectedError(
      `${file}: line ${i + 1}: not an SSH public key, an SSH fingerprint (SHA256:...) or an OpenPGP fingerprint (40 or 64 hex digits)`,
      "list one revoked key per line, as git's gpg.ssh.revocationFile does",
    );
  });
  return out;
}

/** A --revoked-keys file's bytes (read by the caller), checked and parsed. */
export function revokedKeysFromFile(data: Buffer, file: string): RevokedKey[] {
  if (data.length > MAX_FILE)
    throw new ExpectedError(`${file}: larger than 16 MiB`, 'list only the revoked keys, one per line');
  if (data.subarray(0, KRL_MAGIC.length).toString('latin1') === KRL_MAGIC) {
    throw new ExpectedError(
      `${file}: a binary key revocation list (KRL), which gitguard cannot read`,
      'list the revoked public keys one per line instead (ssh-keygen -r accepts that too)',
    );
  }
  return parseRevokedKeys(data.toString('utf8'), file);
}

/** A past version of a revocation list (checkout-keys.ts versionsInScope): one that no longer reads revokes nothing. */
export function pastRevocations(data: Buffer, file: string): RevokedKey[] {
  try {
    return revokedKeysFromFile(data, file);
  } catch {
    return [];
  }
}

/** One map over all sources; a key revoked twice keeps the stricter revocation (no since, else the earlier). */
export function revocationMap(...lists: RevokedKey[][]): Map<string, RevokedKey> {
  const map = new Map<string, RevokedKey>();
  for (const r of lists.flat()) {
    const prev = map.get(r.key);
    const stricter = !prev || (prev.since !== undefined && (r.since === undefined || r.since < prev.since));
    if (stricter) map.set(r.key, r);
  }
  return map;
}
