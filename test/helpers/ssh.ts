// SSH signing for tests: throwaway keys made by the real ssh-keygen, allowed-signers files, repos
// that sign with gpg.format=ssh, git's own verdict (%G?) to compare against, and small tools to
// take a commit object apart and put a forged one back.
import { execFileSync } from 'node:child_process';
import { createHash, generateKeyPairSync, sign as cryptoSign } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestRepo } from './repo.js';
import { parseAllowedSigners } from '../../src/collect/signatures/allowed-signers.js';
import { verifySshSignature } from '../../src/collect/signatures/sshsig.js';
import { commitArgs, type SeriesCommit } from './commit-series.js';
import { runCached } from './run-cache.js';

export type SshKeyType = 'ed25519' | 'ecdsa-256' | 'ecdsa-384' | 'ecdsa-521' | 'rsa';

export interface SshTestKey {
  type: SshKeyType;
  /** Private key file (OpenSSH format, no passphrase). */
  path: string;
  /** The public key line: "<type> <base64> <comment>". */
  pub: string;
  /** "SHA256:..." as ssh-keygen -l prints it. */
  fingerprint: string;
}

const KEYGEN_ARGS: Record<SshKeyType, string[]> = {
  ed25519: ['-t', 'ed25519'],
  'ecdsa-256': ['-t', 'ecdsa', '-b', '256'],
  'ecdsa-384': ['-t', 'ecdsa', '-b', '384'],
  'ecdsa-521': ['-t', 'ecdsa', '-b', '521'],
  rsa: ['-t', 'rsa', '-b', '2048'],
};

function sshKeygen(args: string[], input?: string | Buffer): string {
  return execFileSync('ssh-keygen', args, { input, stdio: ['pipe', 'pipe', 'pipe'] }).toString();
}

/** How many keys of each type and name this test file has made (jest loads this module once per file). */
const madeInFile = new Map<string, number>();

/**
 * A key made by ssh-keygen, put into `dir` as `key-<name>` (and `.pub`). Every key a test file makes
 * is a different key, as if each were made anew, but the run makes each only once: a file's n-th
 * key of a type and name is the same key in every file (run-cache.ts), so one ssh-keygen serves the
 * many files whose tests need an "alice" and never one alice that differs from another file's.
 */
export function makeSshKey(dir: string, type: SshKeyType, name: string = type): SshTestKey {
  const path = join(dir, `key-${name}`);
  const slot = `${type} ${name}`;
  const nth = (madeInFile.get(slot) ?? 0) + 1;
  madeInFile.set(slot, nth);
  const made = runCached(`ssh-key ${slot} ${nth}`, (d) =>
    sshKeygen(['-q', ...KEYGEN_ARGS[type], '-N', '', '-C', name, '-f', join(d, 'key')]),
  );
  copyFileSync(join(made, 'key'), path);
  chmodSync(path, 0o600); // ssh-keygen refuses a private key others can read
  copyFileSync(join(made, 'key.pub'), `${path}.pub`);
  return keyAt(path, type);
}

/**
 * The run's one key of `type` named `name`, the same for every test and file that asks (made once per
 * run, read in place: never change its files): for tests that each need an "alice" of their own making
 * and never compare two. A key a test needs to differ from another is makeSshKey's.
 */
export function sharedSshKey(name: string, type: SshKeyType = 'ed25519'): SshTestKey {
  const made = runCached(`shared ssh-key ${type} ${name}`, (d) =>
    sshKeygen(['-q', ...KEYGEN_ARGS[type], '-N', '', '-C', name, '-f', join(d, 'key')]),
  );
  return keyAt(join(made, 'key'), type);
}

/** The key whose private half is at `path` (its public half beside it, `.pub`). */
function keyAt(path: string, type: SshKeyType): SshTestKey {
  const pub = readFileSync(`${path}.pub`, 'utf8').trim();
  // As `ssh-keygen -l -E sha256` prints it (helpers/ssh.test.ts compares), without a second process.
  const blob = Buffer.from(pub.split(' ')[1]!, 'base64');
  const fingerprint = `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
  return { type, path, pub, fingerprint };
}

/** One allowed-signers line naming `email` for `key` (its type and base64, no comment). */
export function signerLine(email: string, key: SshTestKey): string {
  return `${email} ${key.pub.split(' ').slice(0, 2).join(' ')}\n`;
}

/** Writes an allowed-signers file from lines and returns its path. */
export function writeAllowedSigners(path: string, lines: string[]): string {
  writeFileSync(path, lines.map((l) => `${l}\n`).join(''));
  return path;
}

/** Signs `data` with ssh-keygen -Y sign in `namespace`; returns the armored signature. */
export function sshSign(
  key: SshTestKey | string,
  data: string | Buffer,
  namespace = 'git',
  extra: string[] = [],
): string {
  const path = typeof key === 'string' ? key : key.path;
  return sshKeygen(['-Y', 'sign', '-n', namespace, '-f', path, ...extra], data);
}

/** Sets the repository up to sign commits with `key` in the sshsig format. */
export function configureSshSigning(repo: TestRepo, key: SshTestKey, allowedSigners?: string): void {
  repo.config({ 'gpg.format': 'ssh', 'user.signingkey': key.path });
  if (allowedSigners) repo.run(['config', 'gpg.ssh.allowedSignersFile', allowedSigners]);
}

/**
 * Commits `files` (written and staged) as the person at `email`, author and committer named by the
 * address's local part, signed by `key` (unsigned without one); `args` go to git commit; author and
 * committer dated `at` (unix seconds) when given. Its id.
 */
export function commitAsPerson(
  r: TestRepo,
  key: SshTestKey | undefined,
  email: string,
  message: string,
  files: Record<string, string>,
  args: string[] = [],
  at?: number,
): string {
  r.write(files);
  const name = email.split('@')[0]!;
  r.addAllAndRun(
    [
      ...(key ? ['-c', `user.signingkey=${key.path}`] : []),
      'commit',
      '-q',
      key ? '-S' : '--no-gpg-sign',
      ...args,
      '-m',
      message,
    ],
    {
      env: {
        GIT_AUTHOR_NAME: name,
        GIT_AUTHOR_EMAIL: email,
        GIT_COMMITTER_NAME: name,
        GIT_COMMITTER_EMAIL: email,
        ...(at !== undefined ? { GIT_AUTHOR_DATE: `@${at} +0000`, GIT_COMMITTER_DATE: `@${at} +0000` } : {}),
      },
    },
  );
  return r.head();
}

let tick = 1000;

/** One commit for commitSeries (empty, staged files aside) signed by `key`, at 2024-01-01 + n minutes, optionally as someone else. */
export function sshCommit(
  key: SshTestKey | undefined,
  message: string,
  opts: { committerEmail?: string; date?: string } = {},
): SeriesCommit {
  tick += 1;
  const date = opts.date ?? new Date(Date.UTC(2024, 0, 1) + tick * 60_000).toISOString();
  const env: Record<string, string> = { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date };
  if (opts.committerEmail) env.GIT_COMMITTER_EMAIL = opts.committerEmail;
  return { message, signWith: key?.path, env, gitArgs: ['-c', 'gpg.format=ssh'] };
}

/** Commits (allowing empty) signed by `key`, at 2024-01-01 + n minutes, optionally as someone else. */
export function signedCommit(
  repo: TestRepo,
  key: SshTestKey | undefined,
  message: string,
  opts: { committerEmail?: string; date?: string } = {},
): string {
  const c = sshCommit(key, message, opts);
  repo.run(commitArgs(c), { env: c.env });
  return repo.head();
}

// git writes the signed payload to ssh-keygen's stdin without ignoring SIGPIPE (it does for gpg), and
// ssh-keygen exits without reading it when it rejects a signature (malformed, revoked key...): when
// ssh-keygen wins that race, git dies of SIGPIPE (exit 141) instead of printing its letter. git's
// ssh-keygen is therefore run through a wrapper that keeps reading what ssh-keygen left unread once it
// has ended: same arguments, same bytes, same answer, and nothing left for git to die on. The shell's
// own `read` looks for leftovers (no program when ssh-keygen read everything, as it does whenever it
// judges a signature); only a real leftover starts cat (the suite runs this wrapper thousands of times).
const DRAIN_SCRIPT = `#!/bin/sh
ssh-keygen "$@"
rc=$?
if IFS= read -r _; then cat >/dev/null; fi
exit $rc
`;
let drainDir: string | undefined;

/** The wrapper's path (one per test process, removed when it exits). */
export function sshKeygenThatReadsStdin(): string {
  if (!drainDir || !existsSync(join(drainDir, 'ssh-keygen'))) {
    drainDir = mkdtempSync(join(tmpdir(), 'gitguard-test-ssh-'));
    writeFileSync(join(drainDir, 'ssh-keygen'), DRAIN_SCRIPT, { mode: 0o755 });
    const dir = drainDir;
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return join(drainDir, 'ssh-keygen');
}

/** `-c` options for git to check SSH signatures against `allowedSigners` (and optionally a revocation file). */
export function gitSshVerifyArgs(allowedSigners: string, revocationFile?: string): string[] {
  return [
    '-c',
    'gpg.format=ssh',
    '-c',
    `gpg.ssh.program=${sshKeygenThatReadsStdin()}`,
    '-c',
    `gpg.ssh.allowedSignersFile=${allowedSigners}`,
    ...(revocationFile ? ['-c', `gpg.ssh.revocationFile=${revocationFile}`] : []),
  ];
}

/** git's own letter for a commit, trusting `allowedSigners` (git runs ssh-keygen itself). */
export function gitLetter(repo: TestRepo, oid: string, allowedSigners: string): string {
  return repo.run([...gitSshVerifyArgs(allowedSigners), 'log', '-1', '--format=%G?', oid]);
}

/** `git log --format=%G?|%GS|%GK` for a commit, for richer comparisons. */
export function gitSignatureInfo(
  repo: TestRepo,
  oid: string,
  allowedSigners: string,
): { letter: string; signer: string; key: string } {
  const out = repo.run([...gitSshVerifyArgs(allowedSigners), 'log', '-1', '--format=%G?%x00%GS%x00%GK', oid]);
  const [letter = '', signer = '', key = ''] = out.split('\0');
  return { letter, signer, key };
}

export interface SplitCommit {
  raw: Buffer;
  /** The commit with its gpgsig / gpgsig-sha256 header lines removed: what was signed. */
  payload: Buffer;
  /** The gpgsig value, continuation lines' leading space stripped, ending in "\n"; '' if none. */
  signature: string;
  /** Committer time, unix seconds. */
  committerTime: number;
  committerEmail: string;
}

/** Raw commit object bytes. */
export function catCommit(repo: TestRepo, oid: string): Buffer {
  return execFileSync('git', ['cat-file', 'commit', oid], { cwd: repo.dir, env: repo.env, maxBuffer: 64 << 20 });
}

/** Takes a raw commit object apart into signed payload and signature. */
export function splitCommit(raw: Buffer): SplitCommit {
  const text = raw.toString('latin1'); // byte-preserving
  const headerEnd = text.indexOf('\n\n');
  const head = headerEnd === -1 ? text : text.slice(0, headerEnd + 1);
  const tail = headerEnd === -1 ? '' : text.slice(headerEnd + 1);
  const lines = head.split('\n');
  lines.pop(); // after the last "\n"
  const kept: string[] = [];
  const sig: string[] = [];
  let inSig = false;
  let committerTime = 0;
  let committerEmail = '';
  for (const line of lines) {
    if (line.startsWith(' ')) {
      if (inSig) sig.push(line.slice(1));
      else kept.push(line);
      continue;
    }
    inSig = false;
    if (line.startsWith('gpgsig ') || line.startsWith('gpgsig-sha256 ')) {
      inSig = line.startsWith('gpgsig ') && sig.length === 0;
      if (inSig) sig.push(line.slice('gpgsig '.length));
      continue;
    }
    const m = /^committer .*<([^>]*)> (\d+) [+-]\d{4}$/.exec(line);
    if (m) {
      committerEmail = m[1]!;
      committerTime = Number(m[2]);
    }
    kept.push(line);
  }
  const payload = Buffer.from(kept.map((l) => `${l}\n`).join('') + tail, 'latin1');
  return {
    raw,
    payload,
    signature: sig.length ? sig.map((l) => `${l}\n`).join('') : '',
    committerTime,
    committerEmail,
  };
}

/** Puts `armored` into `payload` (an unsigned commit object) as its gpgsig header. */
export function spliceSignature(payload: Buffer, armored: string): Buffer {
  const text = payload.toString('latin1');
  const headerEnd = text.indexOf('\n\n');
  const lines = armored.replace(/\n$/, '').split('\n');
  const header = `gpgsig ${lines[0]}\n${lines
    .slice(1)
    .map((l) => ` ${l}\n`)
    .join('')}`;
  return Buffer.from(text.slice(0, headerEnd + 1) + header + text.slice(headerEnd + 1), 'latin1');
}

/** Stores a (possibly forged) commit object as is and returns its id. */
export function writeCommitObject(repo: TestRepo, raw: Buffer): string {
  return repo.run(['hash-object', '-t', 'commit', '-w', '--literally', '--stdin'], { input: raw });
}

// ---------------------------------------------------------------------------------------------
// Hand-made signatures, for what ssh-keygen will not produce (rsa-sha2-256, SHA-1 "ssh-rsa",
// security keys, odd reserved fields). Built with node:crypto, judged by git + ssh-keygen.

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}
export function sshString(b: Buffer | string): Buffer {
  const bytes = typeof b === 'string' ? Buffer.from(b) : b;
  return Buffer.concat([u32(bytes.length), bytes]);
}
export function sshMpint(mag: Buffer): Buffer {
  let i = 0;
  while (i < mag.length && mag[i] === 0) i++;
  const m = mag.subarray(i);
  return sshString(m.length && m[0]! & 0x80 ? Buffer.concat([Buffer.of(0), m]) : m);
}

export interface CraftedKey {
  /** SSH public key blob. */
  blob: Buffer;
  /** "<type> <base64>", for an allowed-signers line. */
  pub: string;
  /** Makes the SSH signature blob (string type, string sig, ...) over `data`. */
  sign(data: Buffer): Buffer;
}

export type CraftedKind = 'ed25519' | 'rsa-sha2-256' | 'rsa-sha2-512' | 'ssh-rsa-sha1' | 'sk-ed25519' | 'sk-ecdsa';

export function craftKey(kind: CraftedKind): CraftedKey {
  const sha256 = (b: Buffer | string): Buffer => createHash('sha256').update(b).digest();
  const app = 'ssh:';
  const skSigned = (data: Buffer, flags: number, counter: number): Buffer =>
    Buffer.concat([sha256(app), Buffer.of(flags), u32(counter), sha256(data)]);
  const make = (type: string, blob: Buffer, sign: (d: Buffer) => Buffer): CraftedKey => ({
    blob,
    pub: `${type} ${blob.toString('base64')}`,
    sign,
  });
  switch (kind) {
    case 'ed25519':
    case 'sk-ed25519': {
      const { publicKey, privateKey } = generateKeyPairSync('ed25519');
      const pk = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
      if (kind === 'ed25519') {
        return make('ssh-ed25519', Buffer.concat([sshString('ssh-ed25519'), sshString(pk)]), (d) =>
          Buffer.concat([sshString('ssh-ed25519'), sshString(cryptoSign(null, d, privateKey))]),
        );
      }
      const type = 'sk-ssh-ed25519@openssh.com';
      return make(type, Buffer.concat([sshString(type), sshString(pk), sshString(app)]), (d) =>
        Buffer.concat([
          sshString(type),
          sshString(cryptoSign(null, skSigned(d, 1, 7), privateKey)),
          Buffer.of(1),
          u32(7),
        ]),
      );
    }
    case 'sk-ecdsa': {
      const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const jwk = publicKey.export({ format: 'jwk' });
      const point = Buffer.concat([Buffer.of(4), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]);
      const type = 'sk-ecdsa-sha2-nistp256@openssh.com';
      const blob = Buffer.concat([sshString(type), sshString('nistp256'), sshString(point), sshString(app)]);
      return make(type, blob, (d) => {
        const rs = cryptoSign('sha256', skSigned(d, 1, 9), { key: privateKey, dsaEncoding: 'ieee-p1363' });
        const inner = Buffer.concat([sshMpint(rs.subarray(0, 32)), sshMpint(rs.subarray(32))]);
        return Buffer.concat([sshString(type), sshString(inner), Buffer.of(1), u32(9)]);
      });
    }
    default: {
      const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const jwk = publicKey.export({ format: 'jwk' });
      const blob = Buffer.concat([
        sshString('ssh-rsa'),
        sshMpint(Buffer.from(jwk.e!, 'base64url')),
        sshMpint(Buffer.from(jwk.n!, 'base64url')),
      ]);
      const [sigType, hash] =
        kind === 'rsa-sha2-256'
          ? ['rsa-sha2-256', 'sha256']
          : kind === 'rsa-sha2-512'
            ? ['rsa-sha2-512', 'sha512']
            : ['ssh-rsa', 'sha1'];
      return make('ssh-rsa', blob, (d) =>
        Buffer.concat([sshString(sigType), sshString(cryptoSign(hash, d, privateKey))]),
      );
    }
  }
}

/** An armored sshsig over `payload` by a crafted key (PROTOCOL.sshsig), with knobs to bend it. */
export function craftSshSignature(
  key: CraftedKey,
  payload: Buffer,
  opts: { namespace?: string; hashAlg?: 'sha256' | 'sha512'; reserved?: Buffer; version?: number } = {},
): string {
  const namespace = opts.namespace ?? 'git';
  const hashAlg = opts.hashAlg ?? 'sha512';
  const reserved = opts.reserved ?? Buffer.alloc(0);
  const h = createHash(hashAlg).update(payload).digest();
  // What OpenSSH verifies against always has an empty reserved field.
  const toSign = Buffer.concat([
    Buffer.from('SSHSIG'),
    sshString(namespace),
    sshString(''),
    sshString(hashAlg),
    sshString(h),
  ]);
  const blob = Buffer.concat([
    Buffer.from('SSHSIG'),
    u32(opts.version ?? 1),
    sshString(key.blob),
    sshString(namespace),
    sshString(reserved),
    sshString(hashAlg),
    sshString(key.sign(toSign)),
  ]);
  const b64 = blob.toString('base64').replace(/.{70}/g, '$&\n').replace(/\n$/, '');
  return `-----BEGIN SSH SIGNATURE-----\n${b64}\n-----END SSH SIGNATURE-----\n`;
}

/** gitguard's verdict on a commit's SSH signature under an allowed-signers file, at the committer
 *  time and for the committer's e-mail, as git asks ssh-keygen: what the differential tests compare
 *  with gitSignatureInfo. */
export function ourSshVerdict(repo: TestRepo, oid: string, signersFile: string): ReturnType<typeof verifySshSignature> {
  const split = splitCommit(catCommit(repo, oid));
  const signers = parseAllowedSigners(readFileSync(signersFile, 'utf8'), signersFile, { onInvalid: () => undefined });
  return verifySshSignature(split.payload, split.signature, signers, {
    at: split.committerTime,
    identity: split.committerEmail,
  });
}

/** The differential check on one commit: git and gitguard both give `expected`, and on a good
 *  signature the same key and principal; a verdict that is not G says why. */
export function expectSshVerdictAsGit(repo: TestRepo, oid: string, signersFile: string, expected: string): void {
  const git = gitSignatureInfo(repo, oid, signersFile);
  const v = ourSshVerdict(repo, oid, signersFile);
  expect({ git: git.letter, ours: v.letter }).toEqual({ git: expected, ours: expected });
  if (git.letter === 'G' || git.letter === 'U') expect(v.signer).toBe(git.key);
  if (git.letter === 'G') expect(v.identities).toContain(git.signer);
  if (v.letter !== 'G') expect(v.reason).toBeTruthy();
}
