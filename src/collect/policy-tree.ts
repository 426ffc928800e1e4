// Reads the trust policy in a .gitguard tree object (policy.yml, allowed_signers, keys/): every file
// bounded before it is read, then parsed by parsePolicy. Also returns the raw key material, which the
// verification workers rebuild the key set from.
import type { Policy } from '../domain/policy.js';
import { POLICY_DIR } from '../domain/trust.js';
import { MissingObjectError, ObjectReader, ObjectTooLargeError, parseTree } from './objects.js';
import { parsePolicy, PolicyError, POLICY_LIMITS } from './policy.js';
import type { RawKeys } from './signatures/pool.js';

export async function readPolicyTree(
  reader: ObjectReader,
  oidBytes: 20 | 32,
  treeOid: string,
  where: string,
): Promise<{ policy: Policy | undefined; raw: RawKeys } | undefined> {
  const label = `${POLICY_DIR} at ${where.slice(0, 12)}`;
  const tree = await reader.read(treeOid);
  if (!tree) throw new MissingObjectError(treeOid, label);
  if (tree.type !== 'tree') return undefined;
  const entries = parseTree(tree.body, oidBytes);
  // Each file is bounded before it is read (cat-file's header gives the size), and keys/ as a whole.
  let keyBytes = 0;
  const blob = async (oid: string, name: string): Promise<Buffer> => {
    let o;
    try {
      o = await reader.read(oid, POLICY_LIMITS.policyBytes);
    } catch (err) {
      if (err instanceof ObjectTooLargeError)
        throw new PolicyError(`${label}: ${name} is larger than 1 MiB (${err.size} bytes)`);
      throw err;
    }
    if (!o) throw new MissingObjectError(oid, `${label}: ${name}`);
    if (o.type !== 'blob') throw new PolicyError(`${label}: ${name} is not a file`);
    return o.body;
  };
  const policyEntry = entries.find((e) => e.name === 'policy.yml');
  if (!policyEntry) return undefined;
  const signersEntry = entries.find((e) => e.name === 'allowed_signers');
  const keysEntry = entries.find((e) => e.name === 'keys');
  const keys: { name: string; data: Uint8Array }[] = [];
  if (keysEntry) {
    const kt = await reader.read(keysEntry.oid);
    if (!kt) throw new MissingObjectError(keysEntry.oid, `${label}: keys/`);
    if (kt.type === 'tree') {
      const files = parseTree(kt.body, oidBytes).filter((k) => k.mode.startsWith('10'));
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
  const raw: RawKeys = {
    openpgp: keys.map((k) => ({ file: `keys/${k.name}`, data: k.data })),
    allowedSigners: allowedSigners === undefined ? [] : [{ file: 'allowed_signers', text: allowedSigners }],
  };
  return { policy, raw };
}
