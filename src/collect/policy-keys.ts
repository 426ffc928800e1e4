// The policy's keys (keys/*, allowed_signers) read within their limits, and every reference between
// policy.yml and them resolved: fingerprints named, keys owned by one signer, maintainers known.
import type { Keyring } from '../domain/keys.js';
import { loadKeyring } from './signatures/keyring.js';
import { AllowedSignersError, parseAllowedSigners } from './signatures/allowed-signers.js';
import type { AllowedSigner } from '../domain/keys.js';
import { principalMatches } from '../domain/principals.js';
import {
  Ctx,
  MiB,
  POLICY_LIMITS,
  PolicyError,
  type PolicyFiles,
  bare,
  fileLabel,
  oneLine,
  show,
} from './policy-fields.js';
import type { Draft } from './policy-structure.js';

// ---------------------------------------------------------------------------------------------
// Keys

export async function readKeys(files: PolicyFiles): Promise<Keyring> {
  if (files.keys.length > POLICY_LIMITS.keyFiles) {
    throw new PolicyError(`${fileLabel(files.label, 'keys/')}: more than ${POLICY_LIMITS.keyFiles} files`);
  }
  let total = 0;
  const sources = files.keys.map((k) => {
    const file = fileLabel(files.label, `keys/${bare(k.name)}`);
    if (k.data.length > POLICY_LIMITS.keyFileBytes)
      throw new PolicyError(`${file}: larger than 1 MiB (${k.data.length} bytes)`);
    total += k.data.length;
    return { file, data: k.data };
  });
  if (total > POLICY_LIMITS.keyBytesTotal) {
    throw new PolicyError(
      `${fileLabel(files.label, 'keys/')}: the key files add up to more than ${POLICY_LIMITS.keyBytesTotal / MiB} MiB`,
    );
  }
  try {
    return await loadKeyring(sources, {
      limits: {
        userIds: POLICY_LIMITS.userIdsPerKey,
        subkeys: POLICY_LIMITS.subkeysPerKey,
        selfSignatures: POLICY_LIMITS.selfSignaturesPerKey,
      },
      selfSignatureHashes: true,
    });
  } catch (e) {
    // loadKeyring names the file(s) first: "<file>: not a readable OpenPGP key file (...)".
    throw new PolicyError(oneLine(e));
  }
}

export function readAllowedSigners(files: PolicyFiles): AllowedSigner[] {
  if (files.allowedSigners === undefined) return [];
  const file = fileLabel(files.label, 'allowed_signers');
  const bytes = Buffer.byteLength(files.allowedSigners, 'utf8');
  if (bytes > POLICY_LIMITS.allowedSignersBytes) throw new PolicyError(`${file}: larger than 1 MiB (${bytes} bytes)`);
  try {
    return parseAllowedSigners(files.allowedSigners, file);
  } catch (e) {
    if (e instanceof AllowedSignersError) throw new PolicyError(`${file}: line ${e.line}: ${oneLine(e.detail)}`);
    throw new PolicyError(`${file}: ${oneLine(e)}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Cross-references

export async function crossCheck(ctx: Ctx, d: Draft, keyring: Keyring, allowed: AllowedSigner[]): Promise<void> {
  const keys = keyring.keys();
  const primaries = new Map(keys.map((k) => [k.fingerprint, k]));
  const subOf = new Map<string, string>();
  for (const k of keys) for (const s of k.subkeys) subOf.set(s, k.fingerprint);
  const sshFprs = new Set(allowed.filter((e) => !e.certAuthority).map((e) => e.key.fingerprint));
  const caFprs = new Set(allowed.filter((e) => e.certAuthority).map((e) => e.key.fingerprint));

  const pinnedPgp = new Map<string, string>(); // fingerprint -> who
  const pinnedSsh = new Map<string, string>();
  const checkPgp = (f: string, path: string, who: string): void => {
    if (!primaries.has(f)) {
      const primary = subOf.get(f);
      if (primary) ctx.fail(path, `${f} is a subkey of ${primary}; name the primary key`);
      ctx.fail(path, `key ${f} is not in keys/`);
    }
    const prev = pinnedPgp.get(f);
    if (prev) ctx.fail(path, `key ${f} is already named by ${prev}`);
    pinnedPgp.set(f, who);
  };
  const checkSsh = (f: string, path: string, who: string): void => {
    if (!sshFprs.has(f)) {
      ctx.fail(
        path,
        caFprs.has(f)
          ? `key ${f} is a cert-authority in allowed_signers: its certificates belong to the signer whose e-mail is their principal; name only personal keys here`
          : allowed.length
            ? `key ${f} is not in allowed_signers`
            : `key ${f} is not in allowed_signers (there is none, or it lists no key)`,
      );
    }
    const prev = pinnedSsh.get(f);
    if (prev) ctx.fail(path, `key ${f} is already named by ${prev}`);
    pinnedSsh.set(f, who);
  };
  d.signers.forEach((s, i) => {
    const who = `signers[${i}] (${show(s.name)})`;
    s.openpgp.forEach((f, j) => checkPgp(f, `signers[${i}].openpgp[${j}]`, who));
    s.ssh.forEach((f, j) => checkSsh(f, `signers[${i}].ssh[${j}]`, who));
  });
  d.forges.forEach((g, i) => {
    const who = `forges[${i}] (${show(g.name)})`;
    g.openpgp.forEach((f, j) => checkPgp(f, `forges[${i}].openpgp[${j}]`, who));
    g.ssh.forEach((f, j) => checkSsh(f, `forges[${i}].ssh[${j}]`, who));
  });

  // Implicit ownership must be unambiguous: a key nobody names may belong to one signer at most.
  const implicitPgp = d.signers.filter((s) => s.openpgp.length === 0);
  if (implicitPgp.length) {
    for (const k of keys) {
      if (pinnedPgp.has(k.fingerprint)) continue;
      const ids = await keyring.identities(k.fingerprint);
      const owners = implicitPgp.filter((s) => s.emails.some((e) => ids.includes(e)));
      if (owners.length > 1) {
        throw new PolicyError(
          `${k.files.join(', ')}: key ${k.fingerprint} has user IDs of several signers (${owners.map((s) => show(s.name)).join(', ')}); name it under openpgp: of the one it belongs to`,
        );
      }
    }
  }
  const implicitSsh = d.signers.filter((s) => s.ssh.length === 0);
  if (implicitSsh.length) {
    for (const e of allowed) {
      if (e.certAuthority || pinnedSsh.has(e.key.fingerprint)) continue;
      const owners = implicitSsh.filter((s) => s.emails.some((m) => principalMatches(m, e.principalList)));
      if (owners.length > 1) {
        throw new PolicyError(
          `${e.file}: line ${e.line}: key ${e.key.fingerprint} matches the e-mails of several signers (${owners.map((s) => show(s.name)).join(', ')}); name it under ssh: of the one it belongs to`,
        );
      }
    }
  }
}
