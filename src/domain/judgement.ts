// The judgement of one commit's signature against the policies that may authorize it: shared by
// every signature rule and by `gitguard verify`, so they can never disagree. Pure.
import type { Verdict } from './signature.js';
import {
  forgeFor,
  isMaintainer,
  signersForOpenPgp,
  signersForSsh,
  type Forge,
  type Policy,
  type Signer,
} from './policy.js';
import { foldEmail } from './principals.js';
import { revocationFor, type RevokedKey, type TrustedCommit, type Verification } from './trust.js';

export type TrustStatus =
  | 'authorized' // good signature by a signer the policy (or the user's keys) vouches for, matching identity
  | 'forge' // signed by an opted-in forge key on behalf of the author
  | 'goodlisted' // an audited exception in the policy's goodlist
  | 'unsigned'
  | 'bad' // the signature does not match the content
  | 'cannot-check' // unsupported or unreadable signature
  | 'unknown-signer' // good signature, or unknown key, not vouched for by the policy
  | 'key-invalid' // expired/revoked key or expired signature, judged at signing time; or a key revoked at the tip
  | 'retired' // signer retired in the policy before this signature
  | 'impersonation' // good signature by a known signer whose identity is not the committer's (author's)
  | 'no-policy' // the history is governed by a policy, but none may judge this commit (see CommitTrust.noPolicy)
  | 'unjudged'; // no policy and no user keys: nothing to check against

export interface Judgement {
  status: TrustStatus;
  detail: string;
  verdict: Verdict;
  policy?: Policy;
  signer?: Signer;
  forge?: Forge;
}

// Every status, best first: a commit is judged by the parent policy that thinks best of it
// (`verify --help` lists them all; a test keeps it so).
export const TRUST_STATUSES: readonly TrustStatus[] = [
  'authorized',
  'goodlisted',
  'forge',
  'impersonation',
  'retired',
  'key-invalid',
  'unknown-signer',
  'cannot-check',
  'bad',
  'unsigned',
  'no-policy',
  'unjudged',
];

/** How messages name the policy that judged: the commit it was read from (the parent), not where it was first loaded. */
function policyName(ver: Verification): string {
  return ver.from ? `.gitguard at ${ver.from.slice(0, 12)}` : (ver.policy?.label ?? 'the supplied keys');
}

/** How messages name the policy a judgement of the commit was made under. */
export function judgedUnder(commit: TrustedCommit, j: Judgement): string {
  const ver = j.policy ? commit.trust.verifications.find((v) => v.policy === j.policy) : commit.trust.verifications[0];
  return ver && (j.policy ?? ver.policy) ? policyName(ver) : 'the trust policy';
}

/**
 * When a signature counts as made: the latest of its own creation time (OpenPGP; SSH signatures carry
 * none), the commit's committer date (a tag's tagger date) and the earliest it can have been made
 * (madeAfter: its parents' committer dates; for a tag, the tagged commit's). All are the signer's to
 * write; commit-dates-plausible only warns about a committer date before its parent's, and holds the
 * signature's time and a tag's date to nothing: a signature dated back before a retirement, a key's
 * expiry or a revocation's `since`, on a commit made on (or a tag of) a commit dated after it, counts
 * as made when that commit was. A later time only voids more (expiry, `since`, retirement).
 */
function signingTime(commit: TrustedCommit, v: Verdict): number {
  return Math.max(v.signedAt ?? commit.committer.time, commit.committer.time, commit.trust.madeAfter ?? 0);
}

/**
 * Why an SSH key listed at the commit's own date is no signer's at its signing time: a line's
 * valid-before passed between the two, the signing time being a parent's later committer date (two
 * machines' clocks apart, or a commit dated back). Undefined where that is not so.
 */
function lapsedBy(commit: TrustedCommit, v: Verdict, policy: Policy, where: string): string | undefined {
  const [at, own] = [signingTime(commit, v), commit.committer.time];
  if (v.format !== 'ssh' || at <= own) return undefined;
  if (!signersForSsh(policy, v.signer ?? '', v.identities, own, v.byCertAuthority && v.certAuthority).length)
    return undefined;
  const iso = (t: number): string => new Date(t * 1000).toISOString().replace('.000Z', 'Z');
  return `key ${v.signer ?? ''} in ${where}: its valid-before passed by ${iso(at)}, when a parent was committed (the commit is dated ${iso(own)})`;
}

/** Was the key good when it signed (at `at`)? Expiry and soft revocation after signing do not void a signature. */
function validAtSigning(v: Verdict, at: number): { ok: boolean; why?: string } {
  switch (v.letter) {
    case 'G':
    case 'U':
      // An SSH certificate expired by then: valid at the committer date, which was dated back.
      if (v.certValidBefore !== undefined && at >= v.certValidBefore)
        return { ok: false, why: 'signed with an SSH certificate that had already expired' };
      return { ok: true };
    case 'Y':
      if (v.keyExpiresAt !== undefined && at < v.keyExpiresAt) return { ok: true };
      return { ok: false, why: 'signed with a key that had already expired' };
    case 'R':
      if (v.hardRevoked)
        return {
          ok: false,
          why: 'the key was revoked as compromised (or with no reason): none of its signatures count',
        };
      if (v.revokedAt !== undefined && at < v.revokedAt) return { ok: true };
      return { ok: false, why: 'signed after the key was revoked' };
    case 'X':
      return { ok: false, why: 'the signature has expired' };
    default:
      return { ok: false, why: v.reason ?? `letter ${v.letter}` };
  }
}

// Letters of a signature that verified (whatever the key's state): only those can be voided by a
// revocation. An unknown key (E) or a bad signature (B) is judged as such.
const VERIFIED = new Set(['G', 'U', 'X', 'Y', 'R']);

/** The revocation voiding this signature: the tip's or --revoked-keys' first, then the judging policy's own. */
function revokedFor(
  commit: TrustedCommit,
  v: Verdict,
  policy: Policy | undefined,
  where: string,
): RevokedKey | undefined {
  if (!commit.trust.revoked && !policy?.revokedKeys?.length) return undefined;
  if (!VERIFIED.has(v.letter)) return undefined;
  const keys = [v.signer, v.signingKey, v.certAuthority];
  const at = signingTime(commit, v);
  const r = revocationFor(commit.trust.revoked, keys, at);
  if (r || !policy?.revokedKeys?.length) return r;
  const own = policy.revokedKeys.find((e) => keys.includes(e.key) && (e.since === undefined || at >= e.since));
  return own && { key: own.key, where, reason: own.reason, ...(own.since !== undefined ? { since: own.since } : {}) };
}

function revokedDetail(r: RevokedKey): string {
  const since =
    r.since !== undefined
      ? ` for signatures from ${new Date(r.since * 1000).toISOString().replace('.000Z', 'Z')} on`
      : '';
  return `key ${r.key} was revoked as compromised in ${r.where}${since}${r.reason ? `: ${r.reason}` : ''}`;
}

function requiredIdentities(commit: TrustedCommit, policy: Policy | undefined): Array<[string, string]> {
  const mode = policy?.identity ?? 'committer';
  const out: Array<[string, string]> = [];
  if (mode === 'committer' || mode === 'both') out.push(['committer', foldEmail(commit.committer.email)]);
  if (mode === 'author' || mode === 'both') out.push(['author', foldEmail(commit.author.email)]);
  return out;
}

/**
 * A judgement with no signer or forge, its keys in the order judgeOne always gave them. Built as an
 * object literal: judgeOne runs once per commit walked for each rule that judges it (seven times a
 * commit on a history with a policy), and the `{ ...base, status, detail }` it was built with went
 * through V8's slow path for a spread followed by more keys, ~1 µs a call.
 */
function judged(verdict: Verdict, policy: Policy | undefined, status: TrustStatus, detail: string): Judgement {
  return policy ? { verdict, policy, status, detail } : { verdict, status, detail };
}

function judgeOne(commit: TrustedCommit, ver: Verification): Judgement {
  const { verdict: v, policy } = ver;
  // The goodlist names an id: bytes swapped in under it (they do not hash to it) are not what was checked.
  const listed = commit.hashOk ? policy?.goodlist.find((g) => g.commit === commit.oid) : undefined;
  if (listed) return judged(v, policy, 'goodlisted', `goodlisted: ${listed.reason}`);
  const tipListed = commit.hashOk ? commit.trust.tipGoodlist?.get(commit.oid) : undefined;
  if (tipListed !== undefined) return judged(v, policy, 'goodlisted', `goodlisted by the current policy: ${tipListed}`);
  if (v.letter === 'N') return judged(v, policy, 'unsigned', 'no signature');
  if (v.letter === 'B') return judged(v, policy, 'bad', v.reason ?? 'bad signature');
  if (v.letter === 'E' && !v.missingKey)
    return judged(v, policy, 'cannot-check', v.reason ?? 'cannot check the signature');
  const revoked = revokedFor(commit, v, policy, policyName(ver));
  if (revoked) {
    // git's letter for a revoked key: R (as gpg says REVKEYSIG once it knows the revocation).
    const detail = revokedDetail(revoked);
    return judged(
      { ...v, letter: 'R', ...(revoked.since === undefined ? { hardRevoked: true } : {}), reason: detail },
      policy,
      'key-invalid',
      detail,
    );
  }
  if (v.letter === 'E' || v.letter === 'U') {
    if (policy) {
      const forge = v.signer
        ? forgeFor(policy, commit.committer.email, v.format === 'ssh' ? 'ssh' : 'openpgp', v.signer)
        : undefined;
      if (forge && v.letter === 'U')
        return {
          verdict: v,
          policy,
          status: 'forge',
          forge,
          detail: `signed by the forge ${forge.name} on behalf of ${commit.author.email}`,
        };
    }
    // A certificate: why its CA's line did not take it (expired, another CA...) says more than its key.
    const what =
      v.certAuthority && v.reason
        ? `${v.reason.replace(/^signing /, '')}, not trusted`
        : `key ${v.signingKey ?? v.signer ?? '(unknown)'} is not trusted`;
    return judged(v, policy, 'unknown-signer', `${what}${policy ? ` by ${policyName(ver)}` : ''}`);
  }
  const valid = validAtSigning(v, signingTime(commit, v));
  if (!valid.ok) return judged(v, policy, 'key-invalid', valid.why!);

  const fpr = v.signer ?? '';
  if (policy) {
    // The SSH verifier checked the lines' validity windows at the committer time (git's -Overify-time);
    // a valid-before passed by then is checked here at the signing time too (a line that expired between).
    const owners =
      v.format === 'ssh'
        ? signersForSsh(policy, fpr, v.identities, signingTime(commit, v), v.byCertAuthority && v.certAuthority)
        : signersForOpenPgp(policy, fpr, v.identities);
    if (owners.length === 0) {
      const forge = forgeFor(policy, commit.committer.email, v.format === 'ssh' ? 'ssh' : 'openpgp', fpr);
      if (forge)
        return {
          verdict: v,
          policy,
          status: 'forge',
          forge,
          detail: `signed by the forge ${forge.name} on behalf of ${commit.author.name} <${commit.author.email}>`,
        };
      const whose = v.byCertAuthority
        ? `the certificate by CA ${v.certAuthority} is for no signer's e-mail (its principals are compared as addresses)`
        : `key ${fpr} belongs to no signer`;
      const detail = lapsedBy(commit, v, policy, policyName(ver)) ?? `${whose} of ${policyName(ver)}`;
      return judged(v, policy, 'unknown-signer', detail);
    }
    const needed = requiredIdentities(commit, policy);
    const signer = owners.find((s) => needed.every(([, email]) => s.emails.includes(email)));
    if (!signer) {
      const who = owners.map((s) => s.name).join(', ');
      const wrong = needed.filter(([, email]) => !owners.some((s) => s.emails.includes(email)));
      return {
        verdict: v,
        policy,
        signer: owners[0],
        status: 'impersonation',
        detail: `signed by ${who}, but the ${wrong.map(([role, email]) => `${role} is ${email}`).join(' and ')}`,
      };
    }
    if (signer.retired && signingTime(commit, v) >= signer.retired.at) {
      return {
        verdict: v,
        policy,
        signer,
        status: 'retired',
        detail: `${signer.name} was retired${signer.retired.at ? ` on ${new Date(signer.retired.at * 1000).toISOString().slice(0, 10)}` : ''}`,
      };
    }
    return {
      verdict: v,
      policy,
      signer,
      status: 'authorized',
      detail: `${signer.name}${isMaintainer(policy, signer) ? ' (maintainer)' : ''}`,
    };
  }
  // User-supplied keys: a key vouches for the e-mails of its user IDs (OpenPGP) or its principals (SSH),
  // each taken as an address, never as a pattern: a key whose user ID reads "*" must not speak for
  // everybody, nor the `*` that `*,!alice@example.com` prints. The SSH verifier lists the committer
  // first when the allowed-signers lines let the key sign as her (keySpeaksFor, negations included).
  const needed = requiredIdentities(commit, undefined);
  const wrong = needed.filter(([, email]) => !v.identities.some((id) => email === foldEmail(id)));
  if (wrong.length)
    return judged(
      v,
      policy,
      'impersonation',
      `key ${fpr} speaks for ${v.identities.join(', ') || 'nobody'}, but the ${wrong.map(([r, e]) => `${r} is ${e}`).join(' and ')}`,
    );
  return judged(v, policy, 'authorized', v.identities[0] ?? fpr);
}

/** The commit's judgement: the best over the policies of its parents. */
export function judge(commit: TrustedCommit): Judgement {
  let best: Judgement | undefined;
  if (commit.trust.mode === 'no-policy') {
    const verdict = commit.trust.verifications[0]?.verdict ?? { letter: 'N', format: 'none', identities: [] };
    const tipListed = commit.hashOk ? commit.trust.tipGoodlist?.get(commit.oid) : undefined;
    if (tipListed !== undefined)
      return { status: 'goodlisted', detail: `goodlisted by the current policy: ${tipListed}`, verdict };
    return {
      status: 'no-policy',
      detail: `not authorized: no policy judges it: ${commit.trust.noPolicy ?? 'no parent carries a policy that descends from the trust root'}`,
      verdict,
    };
  }
  for (const ver of commit.trust.verifications) {
    const j =
      commit.trust.mode === 'none' && ver.verdict.letter !== 'N'
        ? { status: 'unjudged' as const, detail: 'no policy and no keys to check against', verdict: ver.verdict }
        : judgeOne(commit, ver);
    if (!best || TRUST_STATUSES.indexOf(j.status) < TRUST_STATUSES.indexOf(best.status)) best = j;
  }
  return (
    best ?? { status: 'unjudged', detail: 'no verification', verdict: { letter: 'N', format: 'none', identities: [] } }
  );
}

/**
 * Who fails to vouch for a change the commit makes (to the policy, a protected path, the CI gate):
 * undefined when a maintainer signed it, of EVERY policy that judges it and for which `matters`
 * (a path may be protected by one parent's policy and not another's). Each parent's policy governs
 * what the commit changes in that parent's line: a merge whose sides carry different policies
 * (an old branch whose policy still names a maintainer the other side has since removed) is not
 * vouched for by whichever side thinks best of its signer. Otherwise the judgement of the first
 * policy that does not vouch (the best one when no policy judges the commit at all).
 */
export function unvouchedChange(
  commit: TrustedCommit,
  matters: (p: Policy) => boolean = () => true,
): Judgement | undefined {
  const best = judge(commit);
  if (best.status === 'goodlisted') return undefined;
  if (commit.trust.mode !== 'policy' || !commit.trust.verifications.some((v) => v.policy)) return best;
  for (const ver of commit.trust.verifications) {
    if (!ver.policy || !matters(ver.policy)) continue;
    const j = judgeOne(commit, ver);
    if (j.status !== 'authorized' || !j.signer || !isMaintainer(ver.policy, j.signer)) return j;
  }
  return undefined;
}

/** Whether a commit that changed the policy was signed by a maintainer of its parents' policies. */
export function policyChangeAuthorized(commit: TrustedCommit): boolean {
  if (!commit.trust.policyChanged || commit.trust.trustRoot) return true;
  return unvouchedChange(commit) === undefined;
}
