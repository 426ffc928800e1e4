// The policy.yml text `gitguard init` proposes: data in, YAML out, every value quoted, so nothing
// from the history (names, e-mails, ref names) can change its structure, a ref name's invisible and
// reversing characters written as visible escapes (a reason must be one plain line); and the allowed_signers beside it.
import type { SshPublicKey } from '../domain/keys.js';
import { escapeText } from '../domain/escape.js';
/** The committer of the commits GitHub makes and signs with its web-flow key. */
export const GITHUB_COMMITTER = 'noreply@github.com';

export interface ProposedSigner {
  name?: string;
  emails: string[];
  openpgp: string[];
  ssh: string[];
  commits: number;
}

export interface LegacyTag {
  ref: string;
  /** The tag object's id (the goodlist names it like a commit). */
  oid: string;
}

const q = (s: string): string => JSON.stringify(s);
const yamlList = (xs: string[]): string => `[${xs.map(q).join(', ')}]`;

/** What `audit --forge` requires of GitHub/GitLab (docs/policy.md#forge): the defaults, written out to edit. */
const FORGE_PROPOSAL = [
  '# What `gitguard audit --forge` requires of the forge (GitHub/GitLab branch protection and rulesets).',
  '# List the status checks that must pass before merging, e.g. [build, gitguard].',
  'forge:',
  '  min_approvals: 1',
  '  required_status_checks: []',
];

export function renderPolicy(p: {
  trustRoot?: string;
  signers: ProposedSigner[];
  maintainers: string[];
  date: string;
  legacyTags?: LegacyTag[];
  forges?: Array<{ name: string; committer: string; openpgp: string[] }>;
}): string {
  const out = [
    `# gitguard trust policy, proposed by \`gitguard init\` on ${p.date}.`,
    '# Review every signer and key before you commit this folder (docs/policy.md explains each field);',
    '# the commit that adds it is the trust root, trusted by this policy itself, so sign it yourself.',
    '# trust_root is unset on purpose: the first commit carrying this file on the first-parent chain',
    '# is the trust root, and the history before it is out of scope.',
    'version: 1',
    'identity: committer',
    'require_signatures: true',
  ];
  if (p.trustRoot) out.push('# History before this commit is out of scope.', `trust_root: ${q(p.trustRoot)}`);
  if (!p.signers.length) out.push('signers: []');
  else {
    out.push('signers:');
    for (const s of p.signers) {
      out.push(`  # ${s.commits} signed commit(s) in the history`);
      out.push(
        s.name ? `  - name: ${q(s.name)}\n    emails: ${yamlList(s.emails)}` : `  - emails: ${yamlList(s.emails)}`,
      );
      if (s.openpgp.length) out.push(`    openpgp: ${yamlList(s.openpgp)}`);
      if (s.ssh.length) out.push(`    ssh: ${yamlList(s.ssh)}`);
    }
  }
  out.push(`maintainers: ${yamlList(p.maintainers)}`);
  if (p.forges?.length) {
    out.push(
      '# Commits the forge makes and signs (merge buttons, web editor): signed on behalf of their authors.',
      'forges:',
    );
    for (const f of p.forges)
      out.push(`  - name: ${q(f.name)}`, `    committer: ${q(f.committer)}`, `    openpgp: ${yamlList(f.openpgp)}`);
  }
  if (p.legacyTags?.length) {
    out.push(
      '# Annotated tags that were already there, unsigned: tags-signed judges every tag by the policy at',
      '# the tip, so these are accepted by their tag object id; a new unsigned tag still fails.',
      'goodlist:',
    );
    for (const t of p.legacyTags)
      out.push(
        `  - commit: ${q(t.oid)}`,
        `    reason: ${q(`unsigned annotated tag ${escapeText(t.ref)}, already there when gitguard init proposed this policy on ${p.date}`)}`,
      );
  }
  out.push(...FORGE_PROPOSAL, '');
  return out.join('\n');
}

/** The allowed_signers file for the proposed signers: their plain SSH keys, and the CAs their certificates came from. */
export function renderAllowedSigners(
  signers: ReadonlyArray<{ emails: Iterable<string>; ssh: Map<string, SshPublicKey>; cas?: Map<string, SshPublicKey> }>,
): { signerLines: string[]; allowedSigners: string } {
  const b64 = (k: SshPublicKey): string => `${k.type} ${Buffer.from(k.canonical).toString('base64')}`;
  const signerLines = signers.flatMap((d) => {
    const emails = [...d.emails].join(',');
    return [
      ...[...d.ssh.values()].map((k) => `${emails} namespaces="git" ${b64(k)}`),
      // Each CA speaks only for the e-mails of the signer its certificates signed for.
      ...[...(d.cas?.values() ?? [])].map((k) => `${emails} cert-authority,namespaces="git" ${b64(k)}`),
    ];
  });
  const allowedSigners = `# SSH keys of the signers in policy.yml (git's gpg.ssh.allowedSignersFile format), written by gitguard init\n${signerLines.map((l) => `${l}\n`).join('')}`;
  return { signerLines, allowedSigners };
}
