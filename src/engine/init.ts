// `gitguard init`: a first trust policy for the repository, proposed from its history. Signers are
// the committers whose commits carry good signatures by keys the user already trusts (their gpg
// keyring, their global gpg.ssh.allowedSignersFile), checked by gitguard's own verification engine;
// the user (global user.email) becomes the maintainer; the trust root is today's HEAD. Nothing is
// committed: the user reviews the files and commits them.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { ExpectedError } from '../errors.js';
import type { ConfigEntry } from '../model.js';
import { collectConfig } from '../collect/config.js';
import { gpgExport } from '../collect/gpg.js';
import { parsePolicy, PolicyError } from '../collect/policy.js';
import { collectHistory } from '../collect/refs.js';
import { discoverRepository } from '../collect/repository.js';
import { POLICY_DIR } from '../collect/trust.js';
import { parseAllowedSigners, principalMatches, type SshPublicKey } from '../collect/signatures/allowed-signers.js';
import { verifyCommits } from './verify.js';
import { assertNotLink, mkdirNoFollow, readBounded, writeFileSafe } from '../collect/safe-fs.js';
import { stripUnsafe } from '../report/escape.js';

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
  trustRoot?: string;
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
  commits: number;
}

/** The user's own allowed-signers file (gpg.ssh.allowedSignersFile). */
const USER_SIGNERS_MAX = 16 * 1024 * 1024;
const EMAIL_RE = /^[^\s,"'@\\]+@[^\s,"'@\\]+$/;

function globalValue(config: ConfigEntry[], key: string): string | undefined {
  let v: string | undefined;
  for (const e of config) if (e.key === key && e.scope === 'global' && e.value !== null) v = e.value;
  return v;
}

function expandPath(p: string, env: NodeJS.ProcessEnv): string {
  if (p.startsWith('~/')) return join(env.HOME ?? homedir(), p.slice(2));
  return isAbsolute(p) ? p : resolve(env.HOME ?? homedir(), p);
}

/** One printable line: no control characters, capped. */
function cleanName(s: string): string {
  return stripUnsafe(s).trim().slice(0, 200);
}

const q = (s: string): string => JSON.stringify(s);
const yamlList = (xs: string[]): string => `[${xs.map(q).join(', ')}]`;

export function renderPolicy(p: { trustRoot?: string; signers: ProposedSigner[]; maintainers: string[]; date: string }): string {
  const out = [
    `# gitguard trust policy, proposed by \`gitguard init\` on ${p.date}.`,
    '# Review every signer and key before you commit this folder (docs/policy.md explains each field);',
    '# the commit that adds it is trusted by this policy itself, so sign it yourself.',
    'version: 1',
    'identity: committer',
    'require_signatures: true',
  ];
  if (p.trustRoot) out.push('# History before this commit (HEAD when the policy was written) is out of scope.', `trust_root: ${q(p.trustRoot)}`);
  if (!p.signers.length) out.push('signers: []');
  else {
    out.push('signers:');
    for (const s of p.signers) {
      out.push(`  # ${s.commits} signed commit(s) in the history`);
      out.push(s.name ? `  - name: ${q(s.name)}\n    emails: ${yamlList(s.emails)}` : `  - emails: ${yamlList(s.emails)}`);
      if (s.openpgp.length) out.push(`    openpgp: ${yamlList(s.openpgp)}`);
      if (s.ssh.length) out.push(`    ssh: ${yamlList(s.ssh)}`);
    }
  }
  out.push(`maintainers: ${yamlList(p.maintainers)}`, '');
  return out.join('\n');
}

export async function initPolicy(req: InitRequest): Promise<InitResult> {
  const env = req.env ?? process.env;
  const repo = await discoverRepository(req.path);
  if (!repo.workTree) throw new ExpectedError(`${repo.path} has no work tree`, 'run gitguard init in a clone with a work tree; the policy is committed like any other file');
  const dir = join(repo.workTree, POLICY_DIR);
  const policyFile = join(dir, 'policy.yml');
  if (existsSync(policyFile) && !req.force) throw new ExpectedError(`${policyFile} already exists`, 'review or edit it, or overwrite it with gitguard init --force');

  const config = await collectConfig(repo, env);
  const userEmail = globalValue(config, 'user.email')?.trim().toLowerCase();
  const userName = globalValue(config, 'user.name');
  const signersFile = globalValue(config, 'gpg.ssh.allowedsignersfile');
  const lines: string[] = [];
  const review: string[] = [];

  // The user's SSH keys: their global allowed-signers file, read as data.
  const sshKeys = new Map<string, SshPublicKey>();
  const sshEntries: Array<{ principals: string[]; key: SshPublicKey }> = [];
  let sshFile: string | undefined;
  if (signersFile) {
    sshFile = expandPath(signersFile, env);
    try {
      for (const e of parseAllowedSigners(readBounded(sshFile, USER_SIGNERS_MAX, { follow: true }).toString('utf8'), sshFile, { onInvalid: () => undefined })) {
        if (e.certAuthority) continue;
        sshKeys.set(e.key.fingerprint, e.key);
        sshEntries.push({ principals: e.principals, key: e.key });
      }
    } catch (err) {
      review.push(`could not read your gpg.ssh.allowedSignersFile ${sshFile}: ${(err as Error).message}`);
      sshFile = undefined;
    }
  }

  const history = await collectHistory(repo);
  const head = history.head.oid;
  const tmp = mkdtempSync(join(tmpdir(), 'gitguard-init-'));
  const drafts: Draft[] = [];
  const counts = { commits: 0, authorized: 0, unsigned: 0, other: 0 };
  const pgpKnown = new Map<string, string>(); // fingerprint -> armored export
  try {
    // Pass 1: who committed (and, with SSH keys, who signed); pass 2 adds the gpg keys of those committers.
    const emails = new Map<string, string>();
    const walk = async (keyrings: string[]): Promise<Array<{ email: string; name: string; status: string; format: string; signer?: string }>> => {
      const out: Array<{ email: string; name: string; status: string; format: string; signer?: string }> = [];
      if (!head) return out;
      for await (const batch of verifyCommits({
        path: repo.path,
        trust: { keyrings, allowedSigners: sshFile ? [sshFile] : [], cache: false, env },
      })) {
        for (const { commit, judgement } of batch) {
          const email = commit.committer.email.toLowerCase();
          if (!emails.has(email)) emails.set(email, commit.committer.name);
          out.push({ email, name: commit.committer.name, status: judgement.status, format: judgement.verdict.format, ...(judgement.verdict.signer ? { signer: judgement.verdict.signer } : {}) });
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
      if (r.status !== 'authorized' || !r.signer || !EMAIL_RE.test(r.email) || (r.format !== 'ssh' && r.format !== 'openpgp')) {
        if (r.status !== 'unsigned') counts.other += 1;
        continue;
      }
      if (r.format === 'ssh' && !sshKeys.has(r.signer)) continue;
      counts.authorized += 1;
      const byEmail = drafts.find((d) => d.emails.has(r.email));
      const byKey = drafts.find((d) => d.openpgp.has(r.signer!) || d.ssh.has(r.signer!));
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
        byEmail.commits += byKey.commits;
        drafts.splice(drafts.indexOf(byKey), 1);
      }
      d.emails.add(r.email);
      d.name = cleanName(r.name) || d.name;
      d.commits += 1;
      if (r.format === 'ssh') d.ssh.set(r.signer, sshKeys.get(r.signer)!);
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

  // The user: a maintainer. If they signed nothing in the history, they are added with the keys their
  // gpg and allowed-signers file hold for their e-mail.
  let userDraft = userEmail ? drafts.find((d) => d.emails.has(userEmail)) : undefined;
  const extraKeys: Array<{ file: string; armored: string }> = [];
  if (userEmail && !userDraft && EMAIL_RE.test(userEmail)) {
    userDraft = { emails: new Set([userEmail]), openpgp: new Set(), ssh: new Map(), commits: 0, ...(userName ? { name: cleanName(userName) } : {}) };
    for (const e of sshEntries) {
      const taken = drafts.some((d) => d.ssh.has(e.key.fingerprint));
      if (!taken && principalMatches(userEmail, e.principals)) userDraft.ssh.set(e.key.fingerprint, e.key);
    }
    const ex = await gpgExport(userEmail, env);
    if (ex.armored) extraKeys.push({ file: `${userEmail.replace(/[^a-z0-9._@-]/g, '_')}.asc`, armored: ex.armored });
    drafts.push(userDraft);
    if (!userDraft.ssh.size && !ex.armored) review.push(`no key was found for you (${userEmail}): add yours to ${POLICY_DIR}/keys/ or ${POLICY_DIR}/allowed_signers before you sign the commit that adds the policy`);
    else review.push(`you (${userEmail}) have no signed commit in the history: check the key(s) gitguard found for your e-mail`);
  }
  if (!userEmail) review.push('user.email is not set in your global git config: nobody was made a maintainer; add one to maintainers: before you commit the policy');

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
  const policyYml = renderPolicy({ ...(head ? { trustRoot: head } : {}), signers, maintainers: maintainer ? [maintainer] : [], date });
  const signerLines = drafts.flatMap((d) => [...d.ssh.values()].map((k) => `${[...d.emails].join(',')} namespaces="git" ${k.type} ${Buffer.from(k.canonical).toString('base64')}`));
  const allowedSigners = `# SSH keys of the signers in policy.yml (git's gpg.ssh.allowedSignersFile format), written by gitguard init\n${signerLines.map((l) => `${l}\n`).join('')}`;
  const keyFiles = [...[...pgpKnown].map(([fpr, armored]) => ({ file: `${fpr}.asc`, armored })), ...extraKeys];

  // The policy must be one gitguard itself accepts before anything is written.
  try {
    const parsed = await parsePolicy({ label: `${POLICY_DIR}/policy.yml (proposed)`, policyYml, keys: keyFiles.map((k) => ({ name: k.file, data: Buffer.from(k.armored) })), allowedSigners });
    if (!parsed) throw new PolicyError('the proposed policy is empty');
  } catch (err) {
    throw new ExpectedError(`the proposed policy does not pass gitguard's own checks: ${(err as Error).message}`, 'write .gitguard/policy.yml by hand (docs/policy.md)');
  }

  // A clone may carry .gitguard/ (or files in it) as symlinks out of the work tree: nothing is written
  // through a link, and every check is made before the first write.
  const root = repo.workTree;
  const keysDir = join(dir, 'keys');
  const writes = [...keyFiles.map((k) => ({ file: join(keysDir, k.file), data: k.armored })), { file: join(dir, 'allowed_signers'), data: allowedSigners }, { file: policyFile, data: policyYml }];
  mkdirNoFollow(root, keysDir);
  if (!req.force) for (const w of writes) assertNotLink(w.file);
  else for (const w of writes.slice(-2)) assertNotLink(w.file);
  if (req.force && existsSync(keysDir)) {
    rmSync(keysDir, { recursive: true, force: true });
    lines.push(`removed the old ${POLICY_DIR}/keys/ (--force)`);
    mkdirNoFollow(root, keysDir);
  }
  for (const w of writes) writeFileSafe(w.file, w.data, { root });

  lines.unshift(`wrote ${policyFile}, ${keyFiles.length} key file(s) in ${join(dir, 'keys')} and ${signerLines.length} SSH key(s) in ${join(dir, 'allowed_signers')}`);
  lines.push(`read ${counts.commits} commit(s) from HEAD: ${counts.authorized} with a good signature by a key you trust, ${counts.unsigned} unsigned, ${counts.other} signed by a key you do not have or that does not match the committer`);
  for (const s of signers) {
    const keys = [...s.openpgp.map((k) => `openpgp ${k}`), ...s.ssh.map((k) => `ssh ${k}`)];
    lines.push(`signer ${s.name ?? s.emails[0]} <${s.emails.join(', ')}>: ${keys.join(', ') || 'keys found by e-mail'}${s.commits ? `, ${s.commits} signed commit(s)` : ''}${maintainer && s.emails.includes(maintainer) ? ' (maintainer)' : ''}`);
  }
  if (!signers.length) review.push('no signer was found: every signed commit after the trust root will be by an unknown signer until you add one');
  if (head) lines.push(`trust root: ${head} (HEAD); history before it is not audited`);
  else review.push('the repository has no commits yet: no trust root was set');
  if (counts.other) review.push(`${counts.other} signed commit(s) were not proposed: their keys are not in your gpg keyring or allowed-signers file, or sign for someone else (gitguard verify --allowed-signers FILE --keyring FILE shows which)`);
  review.push(`review ${POLICY_DIR}/ (signers, maintainers, keys), then commit it signed: git add ${POLICY_DIR} && git commit -S -m "Add gitguard trust policy"`);
  review.push('then run: gitguard audit');
  return { dir, ...(head ? { trustRoot: head } : {}), signers, ...(maintainer ? { maintainer } : {}), lines: [...lines, ...review.map((r) => `review: ${r}`)] };
}
