// What `gitguard init` tells the user once the policy is written: what it read and proposed, and
// what to review before the commit that adds the policy (the trust root) is made.
import { join } from 'node:path';
import { POLICY_DIR } from '../domain/trust.js';
import { stripUnsafe } from '../domain/escape.js';
import { GITHUB_COMMITTER, type LegacyTag, type ProposedSigner } from './init-policy-file.js';

export interface InitOutcome {
  policyFile: string;
  dir: string;
  /** How many key files and SSH keys were written. */
  keyFiles: number;
  sshKeys: number;
  counts: { commits: number; authorized: number; unsigned: number; other: number };
  signers: ProposedSigner[];
  maintainer?: string;
  unvouched: Array<{ oid: string; status: string; subject: string }>;
  legacyTags: LegacyTag[];
  /** Signed commits GitHub made (committer GITHUB_COMMITTER), and the keys proposed for them. */
  byGithub: number;
  githubKeys: string[];
}

/** One printable line: no control characters, capped. */
export function cleanName(s: string): string {
  return stripUnsafe(s).trim().slice(0, 200);
}

/** `wrote`: the first line; `lines`: what was read and proposed; `review`: what the user must check. */
export function initSummary(o: InitOutcome): { wrote: string; lines: string[]; review: string[] } {
  const wrote = `wrote ${o.policyFile}, ${o.keyFiles} key file(s) in ${join(o.dir, 'keys')} and ${o.sshKeys} SSH key(s) in ${join(o.dir, 'allowed_signers')}`;
  const lines: string[] = [];
  const review: string[] = [];
  lines.push(
    `read ${o.counts.commits} commit(s) from HEAD: ${o.counts.authorized} with a good signature by a key you trust, ${o.counts.unsigned} unsigned, ${o.counts.other} signed by a key you do not have or that does not match the committer`,
  );
  for (const s of o.signers) {
    const keys = [...s.openpgp.map((k) => `openpgp ${k}`), ...s.ssh.map((k) => `ssh ${k}`)];
    lines.push(
      `signer ${s.name ?? s.emails[0]} <${s.emails.join(', ')}>: ${keys.join(', ') || 'keys found by e-mail'}${s.commits ? `, ${s.commits} signed commit(s)` : ''}${o.maintainer && s.emails.includes(o.maintainer) ? ' (maintainer)' : ''}`,
    );
  }
  if (!o.signers.length)
    review.push(
      'no signer was found: every signed commit after the trust root will be by an unknown signer until you add one',
    );
  lines.push(
    `trust root: the commit that adds ${POLICY_DIR}/ (trust_root is left unset); the ${o.counts.commits} commit(s) before it are out of scope`,
  );
  if (o.unvouched.length) {
    lines.push(
      `${o.unvouched.length} commit(s) could not be vouched for (no good signature by a key you trust, matching the committer):`,
    );
    for (const u of o.unvouched.slice(0, 20))
      lines.push(`  ${u.oid.slice(0, 12)} ${u.status} "${cleanName(u.subject).slice(0, 80)}"`);
    if (o.unvouched.length > 20)
      lines.push(
        `  ... and ${o.unvouched.length - 20} more (gitguard verify --allowed-signers FILE --keyring FILE lists them)`,
      );
  }
  if (o.legacyTags.length)
    review.push(
      `${o.legacyTags.length} unsigned annotated tag(s) already there (${o.legacyTags
        .slice(0, 5)
        .map((t) => t.ref.slice('refs/tags/'.length))
        .join(
          ', ',
        )}${o.legacyTags.length > 5 ? ', ...' : ''}) are goodlisted by tag object id: tags-signed judges every tag by the policy at the tip; sign new ones (git tag -s)`,
    );
  // GitHub's own commits (merge buttons, web editor, Dependabot): no person's key signed them.
  if (o.byGithub && o.githubKeys.length)
    review.push(
      `${o.byGithub} signed commit(s) were made by GitHub (committer ${GITHUB_COMMITTER}): proposed under forges:, signed on behalf of their authors, with the key your gpg keyring holds (${o.githubKeys.join(', ')}); GitHub has signed with two keys, both in https://github.com/web-flow.gpg: put that file in ${POLICY_DIR}/keys/ and name both`,
    );
  else if (o.byGithub)
    review.push(
      `${o.byGithub} signed commit(s) were made by GitHub (committer ${GITHUB_COMMITTER}: merge buttons, web editor, Dependabot): to accept the ones to come, save https://github.com/web-flow.gpg as ${POLICY_DIR}/keys/web-flow.gpg and add GitHub under forges: with both of its keys (the README shows it)`,
    );
  if (o.counts.other)
    review.push(
      `${o.counts.other} signed commit(s) were not proposed: their keys are not in your gpg keyring or allowed-signers file, or sign for someone else (gitguard verify --allowed-signers FILE --keyring FILE shows which)`,
    );
  review.push(
    `review ${POLICY_DIR}/ (signers, maintainers, keys), then commit it signed: git add ${POLICY_DIR} && git commit -S -m "Add gitguard trust policy"`,
  );
  review.push('then run: gitguard audit');
  return { wrote, lines, review };
}
