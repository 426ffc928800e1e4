// The one stable identity of a finding, shared by SARIF (partialFingerprints, so GitHub code
// scanning does not duplicate alerts) and baselines (so a finding recorded today is recognised
// tomorrow). It hashes the rule id and what the finding is ABOUT — the commit, the ref, the file
// (relative to the repository root when inside it) and a few identifying evidence fields (config
// key and scope, CVE id, graft line, replaced object, a committed secret's commit:path:kind:line) — never the message, whose wording may change.
import { createHash } from 'node:crypto';
import { isAbsolute, relative, sep } from 'node:path';
import type { Finding } from '../domain/model.js';

/** The key SARIF's partialFingerprints and baseline files use; bump the version if the identity changes. */
export const FINGERPRINT_KEY = 'gitguard/v1';

/** Evidence fields that identify a finding (values that describe it, such as `value` or `subject`, do not). */
const IDENTITY_EVIDENCE = ['key', 'scope', 'id', 'graft', 'replaced', 'fingerprint'] as const;

/** Where relative paths are measured from: the work tree, else the repository path (bare). */
export interface RepositoryRoot {
  path: string;
  workTree?: string;
}

export function repositoryRoot(repo: RepositoryRoot): string {
  return repo.workTree ?? repo.path;
}

/** A file's path relative to the repository root (with "/"), or undefined when it lies outside. */
export function relativeToRoot(file: string, root: string): string | undefined {
  if (!isAbsolute(file)) return file.split(sep).join('/');
  const rel = relative(root, file);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return undefined;
  return rel.split(sep).join('/');
}

/** The parts of a finding that make up its identity, in a fixed order. */
function findingIdentity(finding: Finding, repo: RepositoryRoot): string[] {
  const parts: string[] = [];
  if (finding.commit) parts.push(`commit=${finding.commit}`);
  if (finding.ref) parts.push(`ref=${finding.ref}`);
  if (finding.file) parts.push(`file=${relativeToRoot(finding.file, repositoryRoot(repo)) ?? finding.file}`);
  for (const k of IDENTITY_EVIDENCE) {
    const v = finding.evidence?.[k];
    if (v !== undefined && v !== null) parts.push(`${k}=${String(v)}`);
  }
  return parts;
}

/** sha256 over the rule id and the finding's identity, hex. */
export function fingerprint(ruleId: string, finding: Finding, repo: RepositoryRoot): string {
  const h = createHash('sha256');
  h.update(`${FINGERPRINT_KEY}\0${ruleId}`);
  for (const p of findingIdentity(finding, repo)) h.update(`\0${p}`);
  return h.digest('hex');
}
