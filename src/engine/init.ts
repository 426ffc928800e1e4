// `gitguard init`: a first trust policy for the repository, proposed from its history. Signers are
// the committers whose commits carry good signatures by keys the user already trusts (their gpg
// keyring, their global gpg.ssh.allowedSignersFile, the signing key git uses in this repository),
// checked by gitguard's own verification engine; the user (user.email as git reads it here, from every
// config scope) becomes the maintainer. trust_root is left unset: the commit that adds the policy is
// the trust root, so verify and audit pass on the history the policy vouches for from there on.
// Nothing is committed: the user reviews the files and commits them.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { ExpectedError, fsReason } from '../errors.js';
import type { ConfigEntry } from '../domain/model.js';
import { collectConfig } from '../collect/config.js';
import { gpgExport } from '../collect/gpg.js';
import { parsePolicy, PolicyError } from '../collect/policy.js';
import { collectHistory } from '../collect/refs.js';
import { gitText } from '../collect/git.js';
import { discoverRepository } from '../collect/repository.js';
import { POLICY_DIR } from '../domain/trust.js';
import { parseAllowedSigners, readKey } from '../collect/signatures/allowed-signers.js';
import type { SshPublicKey } from '../domain/keys.js';
import { principalMatches } from '../domain/principals.js';
import { verifyCommits } from './verify.js';
import { agentKeys } from '../collect/ssh-agent.js';
import { assertNotLink, mkdirNoFollow, readBounded, writeFileSafe } from '../collect/safe-fs.js';
import { stripUnsafe } from '../domain/escape.js';

export interface InitRequest {
  path: string;
  force?: boolean;
  env?: NodeJS.ProcessEnv;
}

export interface ProposedSigner {
  name?: string;
  emails: string[];
  openpgp: string[];
  ssh: string[];
  commits: number;
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

/** The user's own allowed-signers file (gpg.ssh.allowedSignersFile). */
const USER_SIGNERS_MAX = 16 * 1024 * 1024;
const EMAIL_RE = /^[^\s,"'@\\]+@[^\s,"'@\\]+$/;
/** The committer of the commits GitHub makes and signs with its web-flow key. */
const GITHUB_COMMITTER = 'noreply@github.com';

/** A value as `git config --get` gives it in this repository: the last one over every scope. */
function effectiveValue(config: ConfigEntry[], key: string): string | undefined {
  let v: string | undefined;
  for (const e of config) if (e.key === key) v = e.value ?? 'true';
  return v;
}

/** The value from the user's own files only (global or system): for files that decide whom to trust. */
function userValue(config: ConfigEntry[], key: string): string | undefined {
  let v: string | undefined;
  for (const e of config)
    if (e.key === key && (e.scope === 'global' || e.scope === 'system') && e.value !== null) v = e.value;
  return v;
}

function expandPath(p: string, env: NodeJS.ProcessEnv, base?: string): string {
  if (p.startsWith('~/')) return join(env.HOME ?? homedir(), p.slice(2));
  return isAbsolute(p) ? p : resolve(base ?? env.HOME ?? homedir(), p);
}

/** Reads a small regular file (a public key), or says why not. */
function readSmallFile(file: string): string | { error: string } {
  try {
    return readBounded(file, 64 * 1024, { follow: true }).toString('utf8');
  } catch (err) {
    return { error: fsReason(err) };
  }
}

/**
 * The SSH public key git signs with here (gpg.format ssh): user.signingkey as a literal key
 * ("ssh-ed25519 AAAA...", optionally "key::"-prefixed) or a path to the public key (or to the private
 * key, whose ".pub" sits beside it). gpg.ssh.defaultKeyCommand is never run.
 */
function sshSigningKey(
  value: string,
  env: NodeJS.ProcessEnv,
  base: string,
): { line: string; key: SshPublicKey } | { error: string } {
  const literal = value.startsWith('key::') ? value.slice(5) : value;
  if (/^(ssh-|ecdsa-|sk-)/.test(literal)) {
    const k = readKey(literal.trim());
    return k ? { line: literal.trim(), key: k.key } : { error: `user.signingkey is not a readable SSH public key` };
  }
  const path = expandPath(value, env, base);
  for (const file of path.endsWith('.pub') ? [path] : [`${path}.pub`, path]) {
    const text = readSmallFile(file);
    if (typeof text !== 'string') continue;
    const first = text
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l && !l.startsWith('#'));
    const k = first ? readKey(first) : undefined;
    if (k) return { line: first!, key: k.key };
  }
  return { error: `no SSH public key found at ${path}${path.endsWith('.pub') ? '' : ' or ' + path + '.pub'}` };
}

/** One printable line: no control characters, capped. */
function cleanName(s: string): string {
  return stripUnsafe(s).trim().slice(0, 200);
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
        `    reason: ${q(`unsigned annotated tag ${t.ref}, already there when gitguard init proposed this policy on ${p.date}`)}`,
      );
  }
  out.push(...FORGE_PROPOSAL, '');
  return out.join('\n');
}

export interface LegacyTag {
  ref: string;
  /** The tag object's id (the goodlist names it like a commit). */
  oid: string;
}

/** Annotated tags without a signature, as git's own for-each-ref reads them (one process). */
async function unsignedAnnotatedTags(gitDir: string): Promise<LegacyTag[]> {
  const out = await gitText(
    [
      'for-each-ref',
      '--format=%(objecttype) %(objectname) %(if)%(contents:signature)%(then)signed%(else)unsigned%(end) %(refname)',
      'refs/tags/',
    ],
    { gitDir, timeoutMs: 60_000 },
  );
  const tags: LegacyTag[] = [];
  for (const line of out.split('\n')) {
    const m = /^tag ([0-9a-f]{40,64}) unsigned (refs\/tags\/\S+)$/.exec(line);
    if (m) tags.push({ oid: m[1]!, ref: m[2]! });
  }
  return tags;
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

  // Who the user is and which key they sign with, as git reads it in this repository (every scope).
  const config = await collectConfig(repo, env);
  const userEmail = effectiveValue(config, 'user.email')?.trim().toLowerCase();
  const userName = effectiveValue(config, 'user.name');
  const signingKey = effectiveValue(config, 'user.signingkey')?.trim();
  const format = (effectiveValue(config, 'gpg.format') ?? 'openpgp').trim().toLowerCase();
  // Whom the user already trusts: only their own files decide that, never the repository's config.
  const signersFile = userValue(config, 'gpg.ssh.allowedsignersfile');
  const lines: string[] = [];
  const review: string[] = [];

  // The user's SSH keys: their global allowed-signers file, read as data.
  const sshKeys = new Map<string, SshPublicKey>();
  // The SSH CAs the user trusts (cert-authority lines), by fingerprint: their certificates' signers.
  const caKeys = new Map<string, SshPublicKey>();
  const sshEntries: Array<{ principals: string[]; key: SshPublicKey }> = [];
  let sshFile: string | undefined;
  if (signersFile) {
    sshFile = expandPath(signersFile, env);
    try {
      for (const e of parseAllowedSigners(
        readBounded(sshFile, USER_SIGNERS_MAX, { follow: true }).toString('utf8'),
        sshFile,
        { onInvalid: () => undefined },
      )) {
        if (e.certAuthority) {
          caKeys.set(e.key.fingerprint, e.key);
          continue;
        }
        sshKeys.set(e.key.fingerprint, e.key);
        sshEntries.push({ principals: e.principals, key: e.key });
      }
    } catch (err) {
      review.push(`could not read your gpg.ssh.allowedSignersFile ${sshFile}: ${(err as Error).message}`);
      sshFile = undefined;
    }
  }

  // git's documented defaultKeyCommand, `ssh-add -L` (in the user's own config): git then signs with
  // the agent's first key, which the agent's socket gives without running anything.
  let sshKeyValue = signingKey;
  if (
    format === 'ssh' &&
    !signingKey &&
    userValue(config, 'gpg.ssh.defaultkeycommand')?.trim().replace(/\s+/g, ' ') === 'ssh-add -L' &&
    env.SSH_AUTH_SOCK
  ) {
    sshKeyValue = (await agentKeys(env.SSH_AUTH_SOCK))[0];
    if (sshKeyValue)
      review.push(
        'your SSH signing key was taken from your ssh-agent (its first key, as gpg.ssh.defaultKeyCommand "ssh-add -L" gives git): check it is the one you sign with',
      );
  }

  // The user's own SSH signing key vouches for the commits it signed as the user.
  let ownSshLine: string | undefined;
  let ownCa: SshPublicKey | undefined;
  if (format === 'ssh' && sshKeyValue) {
    const k = sshSigningKey(sshKeyValue, env, repo.workTree);
    if ('error' in k) review.push(`your SSH signing key (user.signingkey) could not be read: ${k.error}`);
    else if (k.key.cert) {
      // A certificate: what vouches for it is its CA, for the user's e-mail (the next one is signed by
      // the same CA, with another key).
      const ca = k.key.cert.signatureKey;
      caKeys.set(ca.fingerprint, ca);
      ownCa = ca;
      if (userEmail && EMAIL_RE.test(userEmail))
        ownSshLine = `${userEmail} cert-authority,namespaces="git" ${ca.type} ${Buffer.from(ca.canonical).toString('base64')}`;
      review.push(
        `your SSH signing key is a certificate issued by the CA ${ca.fingerprint}: the proposed allowed_signers trusts that CA for your e-mail; check it is your organisation's CA`,
      );
    } else {
      if (userEmail && EMAIL_RE.test(userEmail)) ownSshLine = `${userEmail} namespaces="git" ${k.line}`;
      if (!sshKeys.has(k.key.fingerprint)) {
        sshKeys.set(k.key.fingerprint, k.key);
        if (userEmail) sshEntries.push({ principals: [userEmail], key: k.key });
      }
    }
  } else if (format === 'ssh' && effectiveValue(config, 'gpg.ssh.defaultkeycommand')) {
    review.push(
      'user.signingkey is not set and gpg.ssh.defaultKeyCommand was not run (gitguard runs no configured command; only "ssh-add -L" in your own config is read, from your ssh-agent): set user.signingkey to your public key file',
    );
  }

  const history = await collectHistory(repo);
  const head = history.head.oid;
  const tmp = mkdtempSync(join(tmpdir(), 'gitguard-init-'));
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
  const signerLines = drafts.flatMap((d) => [
    ...[...d.ssh.values()].map(
      (k) => `${[...d.emails].join(',')} namespaces="git" ${k.type} ${Buffer.from(k.canonical).toString('base64')}`,
    ),
    // Each CA speaks only for the e-mails of the signer its certificates signed for.
    ...[...(d.cas?.values() ?? [])].map(
      (k) =>
        `${[...d.emails].join(',')} cert-authority,namespaces="git" ${k.type} ${Buffer.from(k.canonical).toString('base64')}`,
    ),
  ]);
  const allowedSigners = `# SSH keys of the signers in policy.yml (git's gpg.ssh.allowedSignersFile format), written by gitguard init\n${signerLines.map((l) => `${l}\n`).join('')}`;
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

  lines.unshift(
    `wrote ${policyFile}, ${keyFiles.length} key file(s) in ${join(dir, 'keys')} and ${signerLines.length} SSH key(s) in ${join(dir, 'allowed_signers')}`,
  );
  lines.push(
    `read ${counts.commits} commit(s) from HEAD: ${counts.authorized} with a good signature by a key you trust, ${counts.unsigned} unsigned, ${counts.other} signed by a key you do not have or that does not match the committer`,
  );
  for (const s of signers) {
    const keys = [...s.openpgp.map((k) => `openpgp ${k}`), ...s.ssh.map((k) => `ssh ${k}`)];
    lines.push(
      `signer ${s.name ?? s.emails[0]} <${s.emails.join(', ')}>: ${keys.join(', ') || 'keys found by e-mail'}${s.commits ? `, ${s.commits} signed commit(s)` : ''}${maintainer && s.emails.includes(maintainer) ? ' (maintainer)' : ''}`,
    );
  }
  if (!signers.length)
    review.push(
      'no signer was found: every signed commit after the trust root will be by an unknown signer until you add one',
    );
  lines.push(
    `trust root: the commit that adds ${POLICY_DIR}/ (trust_root is left unset); the ${counts.commits} commit(s) before it are out of scope`,
  );
  if (unvouched.length) {
    lines.push(
      `${unvouched.length} commit(s) could not be vouched for (no good signature by a key you trust, matching the committer):`,
    );
    for (const u of unvouched.slice(0, 20))
      lines.push(`  ${u.oid.slice(0, 12)} ${u.status} "${cleanName(u.subject).slice(0, 80)}"`);
    if (unvouched.length > 20)
      lines.push(
        `  ... and ${unvouched.length - 20} more (gitguard verify --allowed-signers FILE --keyring FILE lists them)`,
      );
  }
  if (legacyTags.length)
    review.push(
      `${legacyTags.length} unsigned annotated tag(s) already there (${legacyTags
        .slice(0, 5)
        .map((t) => t.ref.slice('refs/tags/'.length))
        .join(
          ', ',
        )}${legacyTags.length > 5 ? ', ...' : ''}) are goodlisted by tag object id: tags-signed judges every tag by the policy at the tip; sign new ones (git tag -s)`,
    );
  // GitHub's own commits (merge buttons, web editor, Dependabot): no person's key signed them.
  if (byGithub && githubKeys.length)
    review.push(
      `${byGithub} signed commit(s) were made by GitHub (committer ${GITHUB_COMMITTER}): proposed under forges:, signed on behalf of their authors, with the key your gpg keyring holds (${githubKeys.join(', ')}); GitHub has signed with two keys, both in https://github.com/web-flow.gpg: put that file in ${POLICY_DIR}/keys/ and name both`,
    );
  else if (byGithub)
    review.push(
      `${byGithub} signed commit(s) were made by GitHub (committer ${GITHUB_COMMITTER}: merge buttons, web editor, Dependabot): to accept the ones to come, save https://github.com/web-flow.gpg as ${POLICY_DIR}/keys/web-flow.gpg and add GitHub under forges: with both of its keys (the README shows it)`,
    );
  if (counts.other)
    review.push(
      `${counts.other} signed commit(s) were not proposed: their keys are not in your gpg keyring or allowed-signers file, or sign for someone else (gitguard verify --allowed-signers FILE --keyring FILE shows which)`,
    );
  review.push(
    `review ${POLICY_DIR}/ (signers, maintainers, keys), then commit it signed: git add ${POLICY_DIR} && git commit -S -m "Add gitguard trust policy"`,
  );
  review.push('then run: gitguard audit');
  return {
    dir,
    signers,
    ...(maintainer ? { maintainer } : {}),
    lines: [...lines, ...review.map((r) => `review: ${r}`)],
  };
}
