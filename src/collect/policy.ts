// The trust policy: the versioned `.gitguard/` folder of an audited repository (policy.yml, keys/*,
// allowed_signers), parsed from raw file contents into a validated, typed object. Pure: the caller
// reads the files (out of a commit, or a folder) and hands them over.
//
// Everything here is attacker-controlled input. The parser is strict and bounded: sizes are capped,
// YAML tags are refused, aliases are limited (no "billion laughs"), unknown keys are errors, and every
// cross-reference (fingerprints, maintainers) must resolve. Each failure is one PolicyError whose
// message is one line naming the file and the offending field, e.g.
//   .gitguard/policy.yml at 1a2b3c4: signers[2].emails[0]: "bob" is not an e-mail address
import type { Policy } from '../domain/policy.js';
import { Ctx, fileLabel, POLICY_LIMITS, PolicyError, type PolicyFiles } from './policy-fields.js';
import { readYaml } from './policy-yaml.js';
import { validateStructure } from './policy-structure.js';
import { crossCheck, readAllowedSigners, readKeys } from './policy-keys.js';

export { PolicyError, POLICY_LIMITS, parsePolicyTime, type PolicyFiles } from './policy-fields.js';

// ---------------------------------------------------------------------------------------------
// API

/** Parses and validates a policy; undefined when there is no policy.yml. Throws PolicyError. */
export async function parsePolicy(files: PolicyFiles): Promise<Policy | undefined> {
  if (files.policyYml === undefined) return undefined;
  const ymlFile = fileLabel(files.label, 'policy.yml');
  const bytes = Buffer.byteLength(files.policyYml, 'utf8');
  if (bytes > POLICY_LIMITS.policyBytes) throw new PolicyError(`${ymlFile}: larger than 1 MiB (${bytes} bytes)`);
  const ctx = new Ctx(ymlFile);
  const draft = validateStructure(ctx, readYaml(await import('yaml'), files.policyYml, ymlFile));
  const keyring = await readKeys(files);
  const allowedSigners = readAllowedSigners(files);
  await crossCheck(ctx, draft, keyring, allowedSigners);
  return { version: 1, ...draft, keyring, allowedSigners, label: files.label };
}
