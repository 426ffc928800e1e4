// `gitguard init`: a first trust policy for the repository, proposed from its history. Signers are
// the committers whose commits carry good signatures by keys the user already trusts (their gpg
// keyring, their global gpg.ssh.allowedSignersFile, the signing key git uses in this repository),
// checked by gitguard's own verification engine; the user (user.email as git reads it here, from every
// config scope) becomes the maintainer. trust_root is left unset: the commit that adds the policy is
// the trust root, so verify and audit pass on the history the policy vouches for from there on.
// Nothing is committed: the user reviews the files and commits them.
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempFolder } from '../collect/child-env.js';
import { ExpectedError } from '../errors.js';
import { GITHUB_COMMITTER, renderAllowedSigners, renderPolicy, type ProposedSigner } from './init-policy-file.js';
import { cleanName, initSummary } from './init-summary.js';
import { collectConfig } from '../collect/config.js';
import { gpgExport } from '../collect/gpg.js';
import { parsePolicy, PolicyError } from '../collect/policy.js';
import { collectHistory, unsignedAnnotatedTags } from '../collect/refs.js';
import { discoverRepository } from '../collect/repository.js';
import { POLICY_DIR } from '../domain/trust.js';
import type { SshPublicKey } from '../domain/keys.js';
import { principalMatches } from '../domain/principals.js';
import { verifyCommits } from './verify.js';
import { EMAIL_RE, userSigning } from './init-user-keys.js';
import { assertNotLink, mkdirNoFollow } from '../collect/safe-fs.js';
import { writeFileSafe } from '../collect/safe-write.js';

export interface InitRequest {
  path: string;
  force?: boolean;
  env?: NodeJS.ProcessEnv;
}

export interface InitResult {
  dir: string;
  signers: ProposedSigner[];
  maintainer?: string;
  /** What was done, then what to review. */
  lines: string[];
}

interface Draft {
  name?: string;
  emails: Set<string>;
  openpgp: Set<string>;
  ssh: Map<string, SshPublicKey>;
  /** SSH CAs whose certificates signed this signer's commits (proposed as cert-authority lines). */
  cas?: Map<string, SshPublicKey>;
  commits: number;
}

export async function initPolicy(req: InitRequest): Promise<InitResult> {
  const env = req.env ?? process.env;
  const repo = await discoverRepository(req.path);
  if (!repo.workTree)
    throw new ExpectedError(
      `${repo.path} has no work tree`,
      'run gitguard init in a clone with a work tree; the policy is committed like any other file',
    );
  const dir = join(repo.workTree, POLICY_DIR);
  const policyFile = join(dir, 'policy.yml');
  if (existsSync(policyFile) && !req.force)
    throw new ExpectedError(
      `${policyFile} already exists`,
      'review or edit it, or overwrite it with gitguard init --force',
    );

  // Who the user is, the keys they already trust and the one they sign with.
  const lines: string[] = [];
  const review: string[] = [];
  const config = await collectConfig(repo, env);
  const { userEmail, userName, signingKey, format, sshKeys, caKeys, sshEntries, sshFile, ownSshLine, ownCa } =
    await userSigning(config, env, repo.workTree, review);

  const history = await collectHistory(repo);
  const head = history.head.oid;
  const tmp = tempFolder('gitguard-init-');
  const drafts: Draft[] = [];
  const counts = { commits: 0, authorized: 0, unsigned: 0, other: 0 };
  let byGithub = 0; // signed commits GitHub made (committer GITHUB_COMMITTER)
  const unvouched: Array<{ oid: string; status: string; subject: string }> = [];
  const pgpKnown = new Map<string, string>(); // fingerprint -> armored export
  try {
    // Pass 1: who committed (and, with SSH keys, who signed); pass 2 adds the gpg keys of those committers.
    const emails = new Map<string, string>();
    const sshFiles = sshFile ? [sshFile] : [];
    if (ownSshLine) {
      const own = join(tmp, 'own_allowed_signers');
      writeFileSync(own, `${ownSshLine}\n`);
      sshFiles.push(own);
    }
    type Seen = {
      oid: string;
      subject: string;
      email: string;
      name: string;
      status: string;
      format: string;
      signer?: string;
      certAuthority?: string;
    };
    const walk = async (keyrings: string[]): Promise<Seen[]> => {
      const out: Seen[] = [];
      if (!head) return out;
      for await (const batch of verifyCommits({
        path: repo.path,
        trust: { keyrings, allowedSigners: sshFiles, cache: false, env },
      })) {
        for (const { commit, judgement } of batch) {
          const email = commit.committer.email.toLowerCase();
          if (!emails.has(email)) emails.set(email, commit.committer.name);
          out.push({
            oid: commit.oid,
            subject: commit.subject,
            email,
            name: commit.committer.name,
            status: judgement.status,
            format: judgement.verdict.format,
            ...(judgement.verdict.signer ? { signer: judgement.verdict.signer } : {}),
            ...(judgement.verdict.byCertAuthority && judgement.verdict.certAuthority
              ? { certAuthority: judgement.verdict.certAuthority }
              : {}),
          });
        }
      }
      return out;
    };
    let results = await walk([]);
    const keyrings: string[] = [];
    let gpgNote: string | undefined;
    for (const email of [...emails.keys()].slice(0, 200)) {
      if (!EMAIL_RE.test(email)) continue;
      const ex = await gpgExport(email, env);
      if (ex.unavailable) {
        gpgNote = ex.unavailable;
        break;
      }
      if (ex.armored) {
        const f = join(tmp, `k${keyrings.length}.asc`);
        writeFileSync(f, ex.armored);
        keyrings.push(f);
      }
    }
    if (gpgNote) review.push(`OpenPGP keys were not looked up: ${gpgNote}`);
    if (keyrings.length) results = await walk(keyrings);

    for (const r of results) {
      counts.commits += 1;
      if (r.status === 'unsigned') counts.unsigned += 1;
      if (r.email === GITHUB_COMMITTER && r.status !== 'unsigned') byGithub += 1;
      if (
        r.status !== 'authorized' ||
        !r.signer ||
        !EMAIL_RE.test(r.email) ||
        (r.format !== 'ssh' && r.format !== 'openpgp') ||
        (r.format === 'ssh' && (r.certAuthority ? !caKeys.has(r.certAuthority) : !sshKeys.has(r.signer)))
      ) {
        if (r.status !== 'unsigned') counts.other += 1;
        unvouched.push({ oid: r.oid, status: r.status, subject: r.subject });
        continue;
      }
      counts.authorized += 1;
      const byEmail = drafts.find((d) => d.emails.has(r.email));
      // A certificate's key changes with every certificate: only the e-mail groups its commits.
      const byKey = r.certAuthority ? undefined : drafts.find((d) => d.openpgp.has(r.signer!) || d.ssh.has(r.signer!));
      let d = byEmail ?? byKey;
      if (!d) {
        d = { emails: new Set([r.email]), openpgp: new Set(), ssh: new Map(), commits: 0 };
        drafts.push(d);
      }
      if (byEmail && byKey && byEmail !== byKey) {
        // One key used for two e-mails (or one e-mail with two keys): one signer.
        for (const e of byKey.emails) byEmail.emails.add(e);
        for (const k of byKey.openpgp) byEmail.openpgp.add(k);
        for (const [k, v] of byKey.ssh) byEmail.ssh.set(k, v);
        for (const [k, v] of byKey.cas ?? []) (byEmail.cas ??= new Map()).set(k, v);
        byEmail.commits += byKey.commits;
        drafts.splice(drafts.indexOf(byKey), 1);
      }
      d.emails.add(r.email);
      d.name = cleanName(r.name) || d.name;
      d.commits += 1;
      if (r.certAuthority) (d.cas ??= new Map()).set(r.certAuthority, caKeys.get(r.certAuthority)!);
      else if (r.format === 'ssh') d.ssh.set(r.signer, sshKeys.get(r.signer)!);
      else d.openpgp.add(r.signer);
    }

    // The OpenPGP keys of the proposed signers, exported by fingerprint (exactly that key).
    for (const d of drafts) {
      for (const fpr of [...d.openpgp]) {
        const ex = await gpgExport(fpr, env);
        if (ex.armored) pgpKnown.set(fpr, ex.armored);
        else d.openpgp.delete(fpr);
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }

  // GitHub's own commits, signed with a key the user's keyring holds: that key is GitHub's (a forge),
  // never a person's, so it is proposed under forges:, not as a signer (docs/policy.md#forges).
  const githubDraft = drafts.find((d) => d.emails.has(GITHUB_COMMITTER));
  const githubKeys = githubDraft ? [...githubDraft.openpgp] : [];
  if (githubDraft) drafts.splice(drafts.indexOf(githubDraft), 1);

  // The user: a maintainer. If they signed nothing in the history, they are added with the keys their
  // gpg and allowed-signers file hold for their e-mail.
  let userDraft = userEmail ? drafts.find((d) => d.emails.has(userEmail)) : undefined;
  const extraKeys: Array<{ file: string; armored: string }> = [];
  if (userEmail && !userDraft && EMAIL_RE.test(userEmail)) {
    userDraft = {
      emails: new Set([userEmail]),
      openpgp: new Set(),
      ssh: new Map(),
      ...(ownCa ? { cas: new Map([[ownCa.fingerprint, ownCa]]) } : {}),
      commits: 0,
      ...(userName ? { name: cleanName(userName) } : {}),
    };
    for (const e of sshEntries) {
      const taken = drafts.some((d) => d.ssh.has(e.key.fingerprint));
      if (!taken && principalMatches(userEmail, e.principals)) userDraft.ssh.set(e.key.fingerprint, e.key);
    }
    const ex = await gpgExport(format === 'openpgp' && signingKey ? signingKey : userEmail, env);
    if (ex.armored) extraKeys.push({ file: `${userEmail.replace(/[^a-z0-9._@-]/g, '_')}.asc`, armored: ex.armored });
    drafts.push(userDraft);
    if (!userDraft.ssh.size && !userDraft.cas && !ex.armored)
      review.push(
        `no key was found for you (${userEmail}): add yours to ${POLICY_DIR}/keys/ or ${POLICY_DIR}/allowed_signers before you sign the commit that adds the policy`,
      );
    else
      review.push(
        `you (${userEmail}) have no signed commit in the history: check the key(s) gitguard found for your e-mail`,
      );
  }
  if (!userEmail)
    review.push(
      'user.email is not set (git config user.email): nobody was made a maintainer; add one to maintainers: before you commit the policy',
    );

  // Names must be unique and may not be another signer's e-mail; when they clash, the e-mail is used.
  const seen = new Set<string>();
  const allEmails = new Set(drafts.flatMap((d) => [...d.emails]));
  for (const d of drafts) {
    const n = d.name?.toLowerCase();
    if (!d.name || seen.has(n!) || allEmails.has(n!)) delete d.name;
    else seen.add(n!);
  }
  const signers: ProposedSigner[] = drafts.map((d) => ({
    ...(d.name ? { name: d.name } : {}),
    emails: [...d.emails],
    openpgp: [...d.openpgp],
    ssh: [...d.ssh.keys()],
    commits: d.commits,
  }));
  const maintainer = userDraft ? userEmail : undefined;
  const date = new Date().toISOString().slice(0, 10);
  const legacyTags = await unsignedAnnotatedTags(repo.commonDir);
  const policyYml = renderPolicy({
    signers,
    maintainers: maintainer ? [maintainer] : [],
    date,
    legacyTags,
    ...(githubKeys.length ? { forges: [{ name: 'GitHub', committer: GITHUB_COMMITTER, openpgp: githubKeys }] } : {}),
  });
  const { signerLines, allowedSigners } = renderAllowedSigners(drafts);
  const keyFiles = [...[...pgpKnown].map(([fpr, armored]) => ({ file: `${fpr}.asc`, armored })), ...extraKeys];

  // The policy must be one gitguard itself accepts before anything is written.
  try {
    const parsed = await parsePolicy({
      label: `${POLICY_DIR}/policy.yml (proposed)`,
      policyYml,
      keys: keyFiles.map((k) => ({ name: k.file, data: Buffer.from(k.armored) })),
      allowedSigners,
    });
    if (!parsed) throw new PolicyError('the proposed policy is empty');
  } catch (err) {
    throw new ExpectedError(
      `the proposed policy does not pass gitguard's own checks: ${(err as Error).message}`,
      'write .gitguard/policy.yml by hand (docs/policy.md)',
    );
  }

  // A clone may carry .gitguard/ (or files in it) as symlinks out of the work tree: nothing is written
  // through a link, and every check is made before the first write.
  const root = repo.workTree;
  const keysDir = join(dir, 'keys');
  const writes = [
    ...keyFiles.map((k) => ({ file: join(keysDir, k.file), data: k.armored })),
    { file: join(dir, 'allowed_signers'), data: allowedSigners },
    { file: policyFile, data: policyYml },
  ];
  mkdirNoFollow(root, keysDir);
  if (!req.force) for (const w of writes) assertNotLink(w.file);
  else for (const w of writes.slice(-2)) assertNotLink(w.file);
  if (req.force && existsSync(keysDir)) {
    rmSync(keysDir, { recursive: true, force: true });
    lines.push(`removed the old ${POLICY_DIR}/keys/ (--force)`);
    mkdirNoFollow(root, keysDir);
  }
  for (const w of writes) writeFileSafe(w.file, w.data, { root });

  const summary = initSummary({
    policyFile,
    dir,
    keyFiles: keyFiles.length,
    sshKeys: signerLines.length,
    counts,
    signers,
    ...(maintainer ? { maintainer } : {}),
    unvouched,
    legacyTags,
    byGithub,
    githubKeys,
  });
  return {
    dir,
    signers,
    ...(maintainer ? { maintainer } : {}),
    lines: [summary.wrote, ...lines, ...summary.lines, ...[...review, ...summary.review].map((r) => `review: ${r}`)],
  };
}
