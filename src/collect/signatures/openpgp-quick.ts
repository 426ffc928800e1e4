// The common OpenPGP case without openpgp.js's reader (openpgp-sig.ts): one candidate key, whose
// arithmetic node:crypto checks, and a good signature, judged once per key, hash and clock second.
// undefined for anything else, which openpgp.ts's verify() then judges in full, so this path only
// ever gives the verdict verify() would.
import * as openpgp from 'openpgp';
import { verifyParams } from './openpgp-fast.js';
import { readQuickSignature } from './openpgp-sig.js';
import { judgeGood } from './openpgp-judge.js';
import type { OpenPgpVerdict } from '../../domain/signature.js';
import type { Entry } from './openpgp-key-facts.js';
import { keyringWork } from './openpgp-keyfile.js';
import {
  type AnyKeyPacket,
  type Revocation,
  SIGNING_ALGOS,
  enumName,
  fpr,
  keyAlgorithmFacts,
  seconds,
} from './openpgp-packets.js';

const { enums } = openpgp;

/** A key the keyring's index gives for an issuer: a primary key, or one of its subkeys. */
export interface Candidate {
  entry: Entry;
  sub?: openpgp.Subkey;
}

/** RFC 4880 5.2.4: a v4 signature's hash ends with the version, 0xff and the hashed part's length. */
function v4Trailer(hashedLength: number): Buffer {
  const t = Buffer.alloc(6);
  t[0] = 4;
  t[1] = 0xff;
  t.writeUInt32BE(hashedLength, 2);
  return t;
}

/** `v` (a verdict with a signing time) for a signature made at `signedAt`: the same fields in the same order. */
function withSignedAt(v: OpenPgpVerdict, signedAt: number): OpenPgpVerdict {
  const from = v as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k in from) out[k] = k === 'signedAt' ? signedAt : from[k];
  return out as unknown as OpenPgpVerdict;
}

/**
 * The common case without openpgp.js's reader (openpgp-sig.ts): one candidate key, whose
 * arithmetic node:crypto checks, and a good signature. undefined for anything else, which
 * verify() then judges in full, so this path only ever gives the verdict verify() would.
 */
export function quickVerifier(
  index: ReadonlyMap<string, readonly Candidate[]>,
  now: () => Date,
  primaryRevocation: (e: Entry) => Promise<Revocation | undefined>,
): (payload: Uint8Array, armoredSig: string) => Promise<OpenPgpVerdict | undefined> {
  const judged = new Map<object, { t: number; byHash: Map<number, OpenPgpVerdict> }>();
  return async (payload, armoredSig) => {
    const q = readQuickSignature(armoredSig);
    if (!q) return undefined;
    const candidates = index
      .get(q.issuerFingerprint)
      ?.filter((c) => fpr(c.sub?.keyPacket ?? c.entry.key.keyPacket) === q.issuerFingerprint);
    if (candidates?.length !== 1) return undefined;
    const { entry, sub } = candidates[0]!;
    const kp: AnyKeyPacket = sub?.keyPacket ?? entry.key.keyPacket;
    if (!SIGNING_ALGOS.has(kp.algorithm) || (kp.algorithm as number) !== q.publicKeyAlgorithm) return undefined;
    const [first, second] = q.mpis;
    const params = q.mpis.length === 1 ? { s: first } : { r: first, s: second };
    let good: boolean | undefined;
    try {
      good = verifyParams(kp, q.hashAlgorithm, [payload, q.hashed, v4Trailer(q.hashed.length)], params);
    } catch {
      // one gpg cannot check: verify() judges it, naming its key
    }
    if (good !== true) return undefined;
    // A key's judgement at one clock second is the same for every good signature it made with one
    // hash but for the signing time, which judgeGood reads only against the key's creation: judged
    // once per second and copied (primaryAt's facts per signature cost more than the arithmetic).
    const at = now();
    const t = seconds(at);
    let memo = judged.get(candidates[0]!);
    if (memo?.t !== t) judged.set(candidates[0]!, (memo = { t, byHash: new Map() }));
    const same = q.created >= seconds(kp.created) ? memo.byHash.get(q.hashAlgorithm) : undefined;
    if (same) return withSignedAt(same, q.created);
    // The fields in verify()'s order, so that both paths give the same object.
    const v: OpenPgpVerdict = { letter: 'E', format: 'openpgp', identities: [], signingKey: q.issuerFingerprint };
    v.signedAt = q.created;
    v.hashAlgorithm = enumName(enums.hash, q.hashAlgorithm).toLowerCase();
    v.keyAlgorithm = enumName(enums.publicKey, q.publicKeyAlgorithm);
    keyringWork.goodJudged += 1;
    const verdict = await judgeGood(
      { ...v, signer: fpr(entry.key.keyPacket), signingKey: fpr(kp), ...keyAlgorithmFacts(kp) },
      entry,
      sub,
      kp,
      () => at,
      await primaryRevocation(entry),
    );
    if (q.created < seconds(kp.created)) return verdict;
    memo.byHash.set(q.hashAlgorithm, verdict);
    return withSignedAt(verdict, q.created);
  };
}
