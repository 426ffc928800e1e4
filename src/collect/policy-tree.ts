// Reads the trust policy in a .gitguard tree object (policy.yml, allowed_signers, keys/): every file
// bounded before it is read, then parsed by parsePolicy. Also returns the raw key material, which the
// verification workers rebuild the key set from.
import type { Policy, SkippedPolicyEntry } from '../domain/policy.js';
import { POLICY_DIR } from '../domain/trust.js';
import { ObjectReader, ObjectTooLargeError, parseTree } from './objects.js';
import { parsePolicy, PolicyError, POLICY_LIMITS } from './policy.js';
import type { RawKeys } from './signatures/pool.js';
import { canonicalMode, LINK_MODE, SUBMODULE_MODE, TREE_MODE } from './tree-entry.js';

/** What a tree entry is, by its mode as git reads it (040000 and 0100644 are a folder and a file too). */
function entryKind(mode: string): SkippedPolicyEntry['kind'] {
  const m = canonicalMode(mode);
  if (m === LINK_MODE) return 'symbolic link';
  if (m === SUBMODULE_MODE || m === '') return 'submodule';
  if (m === TREE_MODE) return 'folder';
  return 'file';
}

export async function readPolicyTree(
  reader: ObjectReader,
  oidBytes: 20 | 32,
  treeOid: string,
  where: string,
): Promise<{ policy: Policy | undefined; raw: RawKeys } | undefined> {
  const label = `${POLICY_DIR} at ${where.slice(0, 12)}`;
  const tree = await reader.readNamed(treeOid, label);
  if (tree.type !== 'tree') return undefined;
  const entries = parseTree(tree.body, oidBytes);
  // Each file is bounded before it is read (cat-file's header gives the size), and keys/ as a whole.
  let keyBytes = 0;
  const blob = async (oid: string, name: string): Promise<Buffer> => {
    let o;
    try {
      o = await reader.readNamed(oid, `${POLICY_DIR}/${name} at ${where.slice(0, 12)}`, POLICY_LIMITS.policyBytes);
    } catch (err) {
      if (err instanceof ObjectTooLargeError)
        throw new PolicyError(`${label}: ${name} is larger than 1 MiB (${err.size} bytes)`);
      throw err;
    }
    if (o.type !== 'blob') throw new PolicyError(`${label}: ${name} is not a file`);
    return o.body;
  };
  const policyEntry = entries.find((e) => e.name === 'policy.yml');
  if (!policyEntry) return undefined;
  const signersEntry = entries.find((e) => e.name === 'allowed_signers');
  // A link's blob is its target's name, never the file: refused rather than parsed as the file.
  for (const e of [policyEntry, signersEntry]) {
    if (e && entryKind(e.mode) !== 'file')
      throw new PolicyError(
        `${label}: ${e.name} is a ${entryKind(e.mode)}, not a file: gitguard follows no links; commit the file itself`,
      );
  }
  const keysEntry = entries.find((e) => e.name === 'keys');
  const keys: { name: string; data: Uint8Array }[] = [];
  // Entries of keys/ that are not files: never read, never trusted, but reported.
  const skipped: SkippedPolicyEntry[] = [];
  if (keysEntry && entryKind(keysEntry.mode) !== 'folder')
    skipped.push({ path: 'keys', kind: entryKind(keysEntry.mode) });
  else if (keysEntry) {
    const kt = await reader.readNamed(keysEntry.oid, `${POLICY_DIR}/keys at ${where.slice(0, 12)}`);
    if (kt.type === 'tree') {
      const all = parseTree(kt.body, oidBytes);
      const files = all.filter((k) => entryKind(k.mode) === 'file');
      for (const k of all)
        if (entryKind(k.mode) !== 'file') skipped.push({ path: `keys/${k.name}`, kind: entryKind(k.mode) });
      if (files.length > POLICY_LIMITS.keyFiles)
        throw new PolicyError(`${label}: keys/ has more than ${POLICY_LIMITS.keyFiles} files`);
      for (const k of files) {
        const data = await blob(k.oid, `keys/${k.name}`);
        if ((keyBytes += data.length) > POLICY_LIMITS.keyBytesTotal)
          throw new PolicyError(
            `${label}: the key files add up to more than ${POLICY_LIMITS.keyBytesTotal / (1024 * 1024)} MiB`,
          );
        keys.push({ name: k.name, data });
      }
    }
  }
  const allowedSigners = signersEntry ? (await blob(signersEntry.oid, 'allowed_signers')).toString('utf8') : undefined;
  const policy = await parsePolicy({
    label,
    policyYml: (await blob(policyEntry.oid, 'policy.yml')).toString('utf8'),
    keys,
    allowedSigners,
  });
  if (policy && skipped.length) policy.skipped = skipped.slice(0, POLICY_LIMITS.keyFiles);
  const raw: RawKeys = {
    openpgp: keys.map((k) => ({ file: `keys/${k.name}`, data: k.data })),
    allowedSigners: allowedSigners === undefined ? [] : [{ file: 'allowed_signers', text: allowedSigners }],
  };
  return { policy, raw };
}
