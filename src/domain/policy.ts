// The trust policy as the rules and the judgement see it: its types, defaults and the pure queries
// over it (who is a maintainer, which signers own a key, which forge made a signature). Parsing and
// validation of the `.gitguard/` folder live in collect/policy.ts.
import type { Severity } from './severity.js';
import type { AllowedSigner, Keyring } from './keys.js';
import { entryOptionsAdmit, foldEmail, keySpeaksFor } from './principals.js';
import { CI_PROTECTED_PATTERNS } from './ci-systems.js';

export interface Signer {
  /** Display name (defaults to the first e-mail). */
  name: string;
  /** Lower-cased; the identities this signer may commit/author as. */
  emails: string[];
  /** Primary key fingerprints, upper-case hex (40 or 64). Empty: keys in keys/ whose user-ID e-mails
   *  include one of `emails` (and that no signer or forge names explicitly). */
  openpgp: string[];
  /** SSH key fingerprints "SHA256:...". Empty: allowed_signers entries whose principals match one of
   *  `emails` (and whose key no signer or forge names explicitly). */
  ssh: string[];
  /** Signatures made at/after `at` (unix seconds) are by a retired signer. */
  retired?: { at: number };
}

/** A hosting platform's merge/squash button key, opted into explicitly. */
export interface Forge {
  name: string;
  /** Only commits whose committer is one of these (lower-cased). */
  committerEmails: string[];
  /** Primary fingerprints of the platform key(s), upper-case; each is in keys/. */
  openpgp: string[];
  /** SSH fingerprints; each is in allowed_signers. */
  ssh: string[];
}

export interface Policy {
  version: 1;
  identity: 'committer' | 'author' | 'both';
  requireSignatures: boolean;
  /** Full hex commit id, lower-case. */
  trustRoot?: string;
  signers: Signer[];
  /** Lower-cased e-mails or signer names as written; resolve with isMaintainer(). */
  maintainers: string[];
  forges: Forge[];
  /** Full commit ids (lower-case), each with a non-empty reason. */
  goodlist: { commit: string; reason: string }[];
  /** Rule id -> severity override (the caller checks the ids exist). */
  severity: Record<string, Severity>;
  /** Globs. `paths` always includes ".gitguard/**". `floatingTags`: tags a maintainer's signed tag may move forward (`v1`). */
  protected: { refs: string[]; paths: string[]; floatingTags?: string[] };
  /** client.min_versions: the lowest version of each client tool the audit accepts, as written. */
  client?: { minVersions: Partial<Record<ClientMinTool, string>> };
  /** revoked_keys: keys whose signatures no longer count (all of them, or from `since` on). */
  revokedKeys: RevokedKeyEntry[];
  /** secrets: committed credentials the policy excuses (known fixtures, revoked tokens), and whether
   *  the generic high-entropy detector runs. */
  secrets?: SecretsPolicy;
  /** forge: what the forge rules require of the forge (see policy-forge.ts); absent in hand-made policies. */
  forge?: ForgePolicy;
  keyring: Keyring;
  allowedSigners: AllowedSigner[];
  label: string;
  /** Entries of keys/ that are not files (or keys itself when it is not a folder): never read. */
  skipped?: SkippedPolicyEntry[];
}

/** A path under .gitguard/ the policy reader skipped, relative to .gitguard/. */
export interface SkippedPolicyEntry {
  path: string;
  kind: 'symbolic link' | 'submodule' | 'folder' | 'file';
}

/** A revoked_keys entry: a key whose signatures are void, whichever policy judges them. */
export interface RevokedKeyEntry {
  /** OpenPGP fingerprint (upper-case hex; a primary key or a subkey) or SSH "SHA256:..." fingerprint. */
  key: string;
  reason: string;
  /** Unix seconds: only signatures made at/after this moment are void. Absent: every signature. */
  since?: number;
}

export const DEFAULT_PROTECTED_PATHS = [
  '.gitguard/**',
  'CODEOWNERS',
  '.github/CODEOWNERS',
  'docs/CODEOWNERS',
  // Every CI system's configuration (domain/ci-systems.ts): gutting any CI needs a maintainer.
  ...CI_PROTECTED_PATTERNS,
  '.githooks/**',
  '.gitattributes',
];
/** Empty = "the default branch and all tags", decided by the caller. */
export const DEFAULT_PROTECTED_REFS: string[] = [];

export interface SecretsPolicy {
  /** Path globs (`*` within a segment, `**` across) whose findings are excused. */
  allow: Array<{ path: string; reason?: string } | { fingerprint: string; reason: string }>;
  entropy: boolean;
}

/** The tools client.min_versions may name. */
export const CLIENT_MIN_TOOLS = ['git', 'gpg', 'ssh', 'git-lfs'] as const;
export type ClientMinTool = (typeof CLIENT_MIN_TOOLS)[number];

/** The policy's optional `forge:` section: what the forge rules require of the forge's branch protection. */
export interface ForgePolicy {
  /** forge-reviews-required: approvals at least this (default 1). */
  minApprovals: number;
  /** forge-status-checks-required: these check names must be required (default none beyond "some"). */
  requiredStatusChecks: string[];
  /** forge-signed-commits-required applies (default: the policy's require_signatures). */
  requireSignatures: boolean;
}

/** Primary fingerprint of a key (given by primary or subkey fingerprint) in the keyring. */
interface KeyIndex {
  primaryOf: Map<string, string>;
}

const keyIndexes = new WeakMap<Keyring, KeyIndex>();
function keyIndex(keyring: Keyring): KeyIndex {
  let ix = keyIndexes.get(keyring);
  if (!ix) {
    ix = { primaryOf: new Map() };
    for (const k of keyring.keys()) {
      ix.primaryOf.set(k.fingerprint, k.fingerprint);
      for (const s of k.subkeys) if (!ix.primaryOf.has(s)) ix.primaryOf.set(s, k.fingerprint);
    }
    keyIndexes.set(keyring, ix);
  }
  return ix;
}

const normPgp = (f: string): string => f.replace(/\s+/g, '').toUpperCase();

/** Whether `signer` is a maintainer of `policy`, by name or by any of its e-mails. */
export function isMaintainer(policy: Policy, signer: Signer): boolean {
  const emails = signer.emails.map(foldEmail);
  return policy.maintainers.some((m) => m === signer.name || emails.includes(foldEmail(m)));
}

/**
 * The signers who own an OpenPGP key of this policy: those naming it under openpgp:, else (when no
 * signer or forge names it) those with no openpgp: list one of whose e-mails is among the key's
 * user-ID e-mails. A subkey fingerprint is taken as its primary key. [] for a key not in keys/.
 */
export function signersForOpenPgp(policy: Policy, primaryFingerprint: string, keyIdentities: string[]): Signer[] {
  const given = normPgp(primaryFingerprint);
  const fpr = keyIndex(policy.keyring).primaryOf.get(given) ?? given;
  const named = policy.signers.filter((s) => s.openpgp.includes(fpr));
  if (named.length) return named;
  if (policy.forges.some((f) => f.openpgp.includes(fpr))) return [];
  if (!keyIndex(policy.keyring).primaryOf.has(fpr)) return [];
  const ids = new Set(keyIdentities.map(foldEmail));
  return policy.signers.filter((s) => s.openpgp.length === 0 && s.emails.some((e) => ids.has(e)));
}

/**
 * The signers who own an SSH key of this policy: those naming it under ssh: (unless every line of the
 * key has ended by `at`), else (when no signer
 * or forge names it) those with no ssh: list one of whose e-mails the key may sign as at `at`
 * (keySpeaksFor: `ssh-keygen -Y verify -I <e-mail>`, a line's whole principal list with its
 * negations, namespaces and validity window). [] for a key not in allowed_signers, or when the
 * signature was checked for no principal. A signature by a certificate of `certAuthority` (a
 * cert-authority entry) belongs to the signers whose e-mail is one of its verified principals,
 * whatever keys they name.
 */
export function signersForSsh(
  policy: Policy,
  sshFingerprint: string,
  principals: string[],
  at: number,
  certAuthority?: string | false,
): Signer[] {
  // A certificate speaks for the principals it was verified for (its own, which a cert-authority
  // line admitted): the signer one of whose e-mails is such a principal, compared as an address.
  if (certAuthority) {
    const names = new Set(principals.map(foldEmail));
    const trusted = policy.allowedSigners.some(
      (e) => e.certAuthority && e.key.fingerprint === certAuthority && entryOptionsAdmit(e, at, 'git'),
    );
    return trusted ? policy.signers.filter((s) => s.emails.some((m) => names.has(m))) : [];
  }
  const fpr = sshFingerprint.trim();
  // The key's own lines, once (a policy may list hundreds of keys, and this runs for every commit).
  const lines = policy.allowedSigners.filter((e) => !e.certAuthority && e.key.fingerprint === fpr);
  const named = policy.signers.filter((s) => s.ssh.includes(fpr));
  // A key named by fingerprint is its signers', unless each of its lines has ended by `at` (valid-before).
  if (named.length) return lines.length && !lines.some((e) => entryOptionsAdmit(e, at, 'git')) ? [] : named;
  if (policy.forges.some((f) => f.ssh.includes(fpr))) return [];
  if (!principals.length) return [];
  if (!lines.length) return [];
  return policy.signers.filter((s) => s.ssh.length === 0 && s.emails.some((m) => keySpeaksFor(lines, fpr, m, at)));
}

/** The forge whose key made a signature on a commit it committed, if the policy opts into one. */
export function forgeFor(
  policy: Policy,
  committerEmail: string,
  format: 'openpgp' | 'ssh',
  keyFingerprint: string,
): Forge | undefined {
  const committer = foldEmail(committerEmail.trim());
  let fpr = keyFingerprint.trim();
  if (format === 'openpgp') {
    fpr = normPgp(fpr);
    fpr = keyIndex(policy.keyring).primaryOf.get(fpr) ?? fpr;
  }
  return policy.forges.find(
    (f) => f.committerEmails.includes(committer) && (format === 'openpgp' ? f.openpgp : f.ssh).includes(fpr),
  );
}
