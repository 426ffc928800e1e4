// In-process verification of git's OpenPGP commit/tag signatures with openpgp.js — never gpg, never
// `git verify-commit` (those run whatever program the audited repository names).
//
// What the letter means (measured against git 2.39 + gpg 2.2, see test/collect/openpgp.test.ts):
// git's %G? letter comes from gpg's status line, and gpg judges key expiry and revocation at the
// time of VERIFICATION ("now"), not at the time of signing. So a signature made while the key was
// valid, by a key that has expired since, is Y in git (gpg's EXPKEYSIG), and one by a key revoked
// since, for whatever reason, is R (REVKEYSIG). We return git's letter so users can compare, and
// expose the facts (signedAt, keyExpiresAt, revokedAt, hardRevoked, signatureExpiresAt) so the
// policy layer can judge a signature at its own creation time: a Y whose signedAt < keyExpiresAt,
// or an R that is a soft revocation with signedAt < revokedAt, was good when it was made.
//
// Like gpg: a signature older than its key is E (gpg's "time conflict"); one dated in the future is
// still G (gpg only warns) — signedAt shows it; a wrong two-byte digest prefix is ignored.
// Deliberate differences from gpg, each said in `reason`:
// - every key in the keyring is trusted by whoever built the keyring, so there is no U (git's
//   "good signature, untrusted key" depends on gpg's trust database);
// - a signature block that cannot be parsed is E here (git prints N: gpg emits no status line);
// - a signature by an algorithm this build cannot check is E (secp256k1 and brainpool ECDSA are
//   checked by node:crypto, over the hashes gpg 2.2 uses).
import * as openpgp from 'openpgp';
import { BAD_MPI, fastVerify } from './openpgp-fast.js';
import { quickVerifier } from './openpgp-quick.js';
import { readSignatureBlock } from './openpgp-block.js';
import { judgeGood } from './openpgp-judge.js';
import { designatedRevocation } from './openpgp-revokers.js';
import { firstSubkeyCopies, rehomeSelfSignatures } from './openpgp-rehome.js';
import { importLocalSignatures } from './openpgp-local-sigs.js';
import type { HardRevocation, Keyring } from '../../domain/keys.js';
import type { OpenPgpVerdict } from '../../domain/signature.js';
import { Entry, keyMemos, parsedFiles, remember, sha256 } from './openpgp-key-facts.js';
import {
  checkLimits,
  keyringWork,
  mergeKeyBlocks,
  packetId,
  parseKeyFile,
  type KeyLimits,
  type KeySource,
} from './openpgp-keyfile.js';
import {
  type AnyKeyPacket,
  type Revocation,
  SIGNING_ALGOS,
  UNSUPPORTED_CURVES,
  checkSig,
  curveOf,
  enumName,
  fpr,
  keyAlgorithmFacts,
  message,
  seconds,
} from './openpgp-packets.js';

const { enums } = openpgp;

export interface KeyringOptions {
  /** The clock used for git's "expired"/"revoked" letters; defaults to the real time. */
  now?: () => Date;
  /** Per-key bounds on what gets parsed and verified (a policy's keys/); a key over one is refused. */
  limits?: KeyLimits;
  /** false: every signature takes openpgp.js's path (the differential test compares the two). */
  quick?: boolean;
  /** Verify the self-signatures each key stands on, for keys()' selfSignatureHashes (a policy's keys/). */
  selfSignatureHashes?: boolean;
}

/** What each keyring was built from: its sources and options, and each primary key with its files. */
const builtFrom = new WeakMap<
  Keyring,
  { sources: KeySource[]; options: KeyringOptions; keys: Map<string, { key: openpgp.PublicKey; files: string[] }> }
>();

/**
 * `trusted` plus the signing subkeys that `carried` (a commit's own key files) binds to primary keys
 * `trusted` already holds, for a signature by a subkey added in the same commit (a key rotation).
 * Only new subkeys come over, with their bindings and revocations, and the primary's revocations:
 * the primary itself, its user IDs and expiry stay `trusted`'s. Each lent subkey is then judged like
 * any other (a valid binding by that primary, the back-signature, its times and revocations).
 * undefined when `carried` lends no subkey.
 */
export async function withBoundSubkeys(trusted: Keyring, carried: Keyring): Promise<Keyring | undefined> {
  const t = builtFrom.get(trusted);
  const c = builtFrom.get(carried);
  if (!t || !c || t === c) return undefined;
  const lent: KeySource[] = [];
  for (const [id, { key, files }] of c.keys) {
    const held = t.keys.get(id)?.key; // the same fingerprint: the same primary key material
    if (!held) continue;
    const heldSubs = new Set(held.subkeys.map((s) => fpr(s.keyPacket)));
    const subs = key.subkeys.filter((s) => !heldSubs.has(fpr(s.keyPacket)));
    if (!subs.length) continue;
    const list = new openpgp.PacketList<openpgp.AnyPacket>();
    list.push(held.keyPacket, ...key.revocationSignatures);
    for (const s of subs) list.push(s.keyPacket, ...s.bindingSignatures, ...s.revocationSignatures);
    lent.push({ file: files[0]!, data: list.write() });
  }
  if (!lent.length) return undefined;
  try {
    return await loadKeyring([...t.sources, ...lent], t.options);
  } catch {
    return undefined; // over the trusted keyring's limits: nothing is lent
  }
}

export async function loadKeyring(sources: KeySource[], options: KeyringOptions = {}): Promise<Keyring> {
  // Gather every key block per fingerprint first, so a key found in several files (or as both a
  // secret and a public block) becomes one key with all its signatures.
  const byFpr = new Map<string, { lists: openpgp.PacketList<openpgp.AnyPacket>[]; files: string[] }>();
  for (const src of sources) {
    let lists: openpgp.PacketList<openpgp.AnyPacket>[];
    try {
      const h = sha256(src.data);
      const parsed = parsedFiles.get(h) ?? remember(parsedFiles, h, parseKeyFile(src));
      try {
        lists = await parsed;
      } catch (e) {
        parsedFiles.delete(h);
        throw e;
      }
      for (const l of lists) {
        // gpg 2.2 imports no key that is not version 4 (an RFC 9580 v6 one): it signs nothing in git's keyring.
        if ((l[0] as AnyKeyPacket).version !== 4) continue;
        const id = fpr(l[0] as AnyKeyPacket);
        const g = byFpr.get(id) ?? { lists: [], files: [] };
        g.lists.push(l);
        if (!g.files.includes(src.file)) g.files.push(src.file);
        byFpr.set(id, g);
      }
    } catch (e) {
      throw new Error(`${src.file}: not a readable OpenPGP key file (${message(e)})`);
    }
  }

  const entries: Entry[] = [];
  const built = new Map<string, { key: openpgp.PublicKey; files: string[] }>();
  // key id (16 hex) and fingerprint -> candidates (a primary key, or a subkey of one)
  const index = new Map<string, { entry: Entry; sub?: openpgp.Subkey }[]>();
  const add = (id: string, v: { entry: Entry; sub?: openpgp.Subkey }): void => {
    const list = index.get(id) ?? [];
    list.push(v);
    index.set(id, list);
  };
  for (const [id, g] of byFpr) {
    // One copy of each packet: the same key listed in 16 files must not become 16 times the work.
    const { merged, digest, blocksOf } = mergeKeyBlocks(g.lists);
    if (options.limits) {
      try {
        checkLimits([...merged], options.limits);
      } catch (e) {
        throw new Error(
          `${g.files[0]}${g.files.length > 1 ? ` (and ${g.files.length - 1} more file(s) with this key)` : ''}: ${message(e)}`,
        );
      }
    }
    const memoId = digest;
    let memo = keyMemos.get(memoId);
    if (!memo) {
      let key: openpgp.PublicKey;
      let homed: openpgp.AnyPacket[];
      let keptByLocal: Set<object>;
      try {
        // Each self-signature after the user ID or subkey it is over, as gpg's import puts it.
        homed = await rehomeSelfSignatures([...merged]);
        const list = new openpgp.PacketList<openpgp.AnyPacket>();
        list.push(...homed);
        key = new openpgp.PublicKey(list);
        await firstSubkeyCopies(key);
        keptByLocal = await importLocalSignatures(key, packetId, blocksOf);
        keyringWork.keysBuilt += 1;
      } catch (e) {
        throw new Error(`${g.files.join(', ')}: not a readable OpenPGP key file (${message(e)})`);
      }
      memo = remember(keyMemos, memoId, {
        key,
        order: new Map(homed.map((p, i) => [p, i])),
        subs: new Map(),
        keptByLocal,
      });
    }
    const key = memo.key;
    built.set(id, { key, files: g.files });
    const entry = new Entry(memo, g.files);
    entries.push(entry);
    add(id, { entry });
    add(key.getKeyID().toHex().toUpperCase(), { entry });
    for (const sub of key.subkeys) {
      add(fpr(sub.keyPacket), { entry, sub });
      add(sub.getKeyID().toHex().toUpperCase(), { entry, sub });
    }
  }
  const now = options.now ?? (() => new Date());
  // A primary key's revocation: its own, else (as gpg) one by a revoker it names whose key is here too.
  const primaryRevocations = new Map<Entry, Promise<Revocation | undefined>>();
  const primaryRevocation = (e: Entry): Promise<Revocation | undefined> => {
    let p = primaryRevocations.get(e);
    if (!p) {
      p = e.revocation().then((r) => r ?? designatedRevocation(e.key, (id) => built.get(id)?.key.keyPacket));
      primaryRevocations.set(e, p);
    }
    return p;
  };
  const selfSigs = options.selfSignatureHashes
    ? await Promise.all(entries.map((e) => e.selfSignatureHashes()))
    : undefined;

  const quickVerify = quickVerifier(index, now, primaryRevocation);

  async function verify(payload: Uint8Array, armoredSig: string): Promise<OpenPgpVerdict> {
    const quick = options.quick === false ? undefined : await quickVerify(payload, armoredSig);
    if (quick) return quick;
    const base: OpenPgpVerdict = { letter: 'E', format: 'openpgp', identities: [] };
    const block = await readSignatureBlock(armoredSig);
    if ('reason' in block) return { ...base, reason: block.reason };
    const { sig, issuer, critical } = block;
    // The signer's key as gpg finds it: by the hashed issuer fingerprint, else by the issuer key id.
    const issuerFpr = issuer.fingerprint;
    const v: OpenPgpVerdict = { ...base, signingKey: issuerFpr ?? issuer.keyId ?? '0000000000000000' };
    if (sig.created) v.signedAt = seconds(sig.created);
    v.hashAlgorithm = enumName(enums.hash, sig.hashAlgorithm).toLowerCase();
    v.keyAlgorithm = enumName(enums.publicKey, sig.publicKeyAlgorithm);
    const sigExp = sig.getExpirationTime();
    if (sigExp instanceof Date) v.signatureExpiresAt = seconds(sigExp);
    if (sig.signatureType !== enums.signature.binary && sig.signatureType !== enums.signature.text) {
      return { ...v, reason: `not a document signature (type 0x${sig.signatureType?.toString(16)})` };
    }
    const byFpr = issuerFpr
      ? index.get(issuerFpr)?.filter((c) => fpr(c.sub?.keyPacket ?? c.entry.key.keyPacket) === issuerFpr)
      : undefined;
    const candidates = byFpr?.length ? byFpr : issuer.keyId ? index.get(issuer.keyId) : undefined;
    if (!candidates) return { ...v, reason: `no key ${v.signingKey} in the keyring` };

    const literal = new openpgp.LiteralDataPacket();
    (literal as unknown as { setBytes(b: Uint8Array, f: openpgp.enums.literal): void }).setBytes(
      payload,
      enums.literal.binary,
    );
    let lastReason = '';
    let bad: OpenPgpVerdict | undefined;
    for (const { entry, sub } of candidates) {
      const kp: AnyKeyPacket = sub?.keyPacket ?? entry.key.keyPacket;
      const r: OpenPgpVerdict = {
        ...v,
        signer: fpr(entry.key.keyPacket),
        signingKey: fpr(kp),
        ...keyAlgorithmFacts(kp),
      };
      if (!SIGNING_ALGOS.has(kp.algorithm) || kp.algorithm !== sig.publicKeyAlgorithm) {
        lastReason = `key ${r.signingKey} cannot have made this signature (algorithm ${enumName(enums.publicKey, sig.publicKeyAlgorithm)})`;
        continue;
      }
      // Of several keys holding the signing key, one gpg's import left out is not in git's keyring:
      // gpg finds the key in the next one (a subkey two keys claim, one of them without a valid user ID).
      if (candidates.length > 1) {
        const pf = await entry.facts(seconds(now()));
        const left = pf.notImported ?? (sub ? (await entry.subkeyFacts(sub)).notImported : undefined);
        if (left) {
          lastReason = `key ${r.signingKey} is in no key gpg imports (${sub && !pf.notImported ? 'no valid binding' : 'no valid user ID'})`;
          continue;
        }
      }
      // Curves openpgp.js cannot check (secp256k1, brainpool) only node:crypto's path takes.
      const curve = curveOf(kp);
      const unchecked = curve && UNSUPPORTED_CURVES.has(curve) ? curve : undefined;
      try {
        const fast = await fastVerify(sig, kp, sig.signatureType, literal, true);
        if (fast === false) throw new Error('Signature verification failed');
        if (fast === undefined && unchecked)
          return { ...r, reason: `signatures on curve ${unchecked} cannot be checked by this build` };
        if (fast === undefined) await checkSig(sig, kp, sig.signatureType, literal, true);
      } catch (e) {
        const m = message(e);
        if (/^Insecure/.test(m) || m === BAD_MPI) return { ...r, reason: `cannot be checked: ${m}` };
        bad = {
          ...r,
          letter: 'B',
          reason: `bad signature: ${m === 'Signed digest did not match' || m === 'Signature verification failed' ? 'the content does not match the signature' : m}`,
        };
        continue;
      }
      return judgeGood(r, entry, sub, kp, now, await primaryRevocation(entry), critical);
    }
    if (bad) return bad;
    return { ...v, reason: lastReason || `no usable key ${v.signingKey} in the keyring` };
  }

  const keyring: Keyring = {
    size: entries.length,
    keys: () =>
      entries.map((e, i) => ({
        fingerprint: fpr(e.key.keyPacket),
        subkeys: e.key.subkeys.map((s) => fpr(s.keyPacket)),
        files: [...e.files],
        ...(() => {
          const a = keyAlgorithmFacts(e.key.keyPacket);
          return {
            ...(a.keyAlgorithm ? { algorithm: a.keyAlgorithm } : {}),
            ...(a.keyBits ? { bits: a.keyBits } : {}),
          };
        })(),
        ...(selfSigs ? { selfSignatureHashes: selfSigs[i]! } : {}),
      })),
    async hardRevocations() {
      const out: HardRevocation[] = [];
      const add = (fingerprint: string, primary: string, r: Revocation | undefined): void => {
        if (!r?.hard) return;
        const h: HardRevocation = { fingerprint, primary };
        if (r.reason !== undefined) h.reason = r.reason;
        if (r.text !== undefined) h.text = r.text;
        out.push(h);
      };
      for (const e of entries) {
        const primary = fpr(e.key.keyPacket);
        if (e.key.revocationSignatures.length) add(primary, primary, await primaryRevocation(e));
        for (const sub of e.key.subkeys) {
          if (sub.revocationSignatures.length) add(fpr(sub.keyPacket), primary, (await e.subkeyFacts(sub)).revocation);
        }
      }
      return out;
    },
    async identities(id: string) {
      const c = index.get(id.toUpperCase())?.[0];
      return c ? (await c.entry.facts(seconds(now()))).identities : [];
    },
    verify: async (payload, armoredSig) => {
      try {
        return await verify(payload, armoredSig);
      } catch (e) {
        return { letter: 'E', format: 'openpgp', identities: [], reason: `cannot be checked: ${message(e)}` };
      }
    },
  };
  builtFrom.set(keyring, { sources, options, keys: built });
  return keyring;
}
