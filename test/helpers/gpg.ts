// Real gpg for tests: a throw-away GNUPGHOME (short path: gpg-agent's socket path is limited to
// ~100 characters), keys made with --quick-gen-key in any past time via --faked-system-time, and a
// wrapper script for git's gpg.program so a test can sign "in the past" (GG_GPG_ARGS).
// Only tests use gpg; the product never does.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCommitObject } from '../../src/collect/commit-object.js';

export type GpgAlgo =
  'rsa2048' | 'ed25519' | 'nistp256' | 'secp256k1' | 'brainpoolP256r1' | 'brainpoolP384r1' | 'brainpoolP512r1';

/** RFC 4880 reason codes for key revocation. */
export const REVOKE = { noReason: 0, superseded: 1, compromised: 2, retired: 3 } as const;

export interface Gpg {
  /** The GNUPGHOME. */
  home: string;
  env: NodeJS.ProcessEnv;
  /** Runs gpg (batch, loopback pinentry, empty passphrase) and returns stdout. */
  run(args: string[], opts?: { input?: string | Buffer; at?: number }): Buffer;
  /** Makes a key; returns its primary fingerprint. `at` = creation time (unix seconds). */
  genKey(uid: string, algo: GpgAlgo, opts?: { usage?: string; expire?: string; at?: number }): string;
  /** Adds a subkey; returns its fingerprint. */
  addSubkey(primary: string, algo: GpgAlgo, opts?: { usage?: string; expire?: string; at?: number }): string;
  /** Sets a new expiry on the primary key (a new self-signature, made at `at`). */
  setExpire(primary: string, expire: string, at?: number): void;
  /** Revokes a key with a revocation certificate (--gen-revoke) and imports it. */
  revoke(primary: string, reason: number, text?: string, at?: number): Buffer;
  /** gpg driven through its prompts (--command-fd 0, not --batch: --gen-revoke, --desig-revoke, --edit-key refuse batch mode). */
  interactive(args: string[], input: string, at?: number): Buffer;
  exportPublic(...fprs: string[]): Buffer;
  deleteKey(primary: string): void;
  /** Gives the keys ultimate ownertrust (what git needs to print G rather than U). */
  trust(...fprs: string[]): void;
  /** A script to use as git's gpg.program: runs gpg with $GG_GPG_ARGS prepended. */
  wrapper: string;
  /** Stops this home's gpg-agent. */
  kill(): void;
}

export function makeGpg(home: string, baseEnv: NodeJS.ProcessEnv = process.env): Gpg {
  mkdirSync(home, { recursive: true, mode: 0o700 });
  chmodSync(home, 0o700);
  if (home.length > 80) throw new Error(`GNUPGHOME too long for gpg-agent sockets: ${home}`);
  const env: NodeJS.ProcessEnv = { ...baseEnv, GNUPGHOME: home, LC_ALL: 'C' };
  const wrapper = join(home, 'gpgw');
  writeFileSync(wrapper, '#!/bin/sh\n# GG_GPG_ARGS is split on spaces on purpose\nexec gpg $GG_GPG_ARGS "$@"\n');
  chmodSync(wrapper, 0o755);

  const run = (args: string[], opts: { input?: string | Buffer; at?: number } = {}): Buffer =>
    execFileSync(
      'gpg',
      [
        '--batch',
        '--no-tty',
        '--pinentry-mode',
        'loopback',
        '--passphrase',
        '',
        ...(opts.at !== undefined ? ['--faked-system-time', `${opts.at}!`] : []),
        ...args,
      ],
      { env, input: opts.input, stdio: ['pipe', 'pipe', 'pipe'] },
    );

  // The new key's fingerprint from gpg's status line (one gpg, not a listing before and after).
  const created = (status: Buffer): string => {
    const fpr = /^\[GNUPG:\] KEY_CREATED [PSB] ([0-9A-F]{40,64})$/m.exec(status.toString())?.[1];
    if (!fpr) throw new Error(`gpg made no key: ${status.toString().slice(0, 200)}`);
    return fpr;
  };

  const gpg: Gpg = {
    home,
    env,
    wrapper,
    run,
    genKey(uid, algo, opts = {}) {
      return created(
        run(['--status-fd', '1', '--quick-gen-key', uid, algo, opts.usage ?? 'sign', opts.expire ?? 'never'], {
          at: opts.at,
        }),
      );
    },
    addSubkey(primary, algo, opts = {}) {
      return created(
        run(['--status-fd', '1', '--quick-add-key', primary, algo, opts.usage ?? 'sign', opts.expire ?? 'never'], {
          at: opts.at,
        }),
      );
    },
    setExpire(primary, expire, at) {
      run(['--quick-set-expire', primary, expire], { at });
    },
    revoke(primary, reason, text = 'test revocation', at) {
      // gpg's menu: 0 no reason, 1 compromised, 2 superseded, 3 no longer used.
      const menu = { 0: '0', 1: '2', 2: '1', 3: '3' }[reason] ?? '0';
      // confirm, reason, one line of text, end of text, "is this okay", empty passphrase
      const cert = gpg.interactive(['--armor', '--gen-revoke', primary], `y\n${menu}\n${text}\n\ny\n\n`, at);
      run(['--import'], { input: cert });
      return cert;
    },
    interactive(args, input, at) {
      return execFileSync(
        'gpg',
        [
          '--no-tty',
          '--pinentry-mode',
          'loopback',
          '--passphrase',
          '',
          '--command-fd',
          '0',
          '--status-fd',
          '2',
          ...(at !== undefined ? ['--faked-system-time', `${at}!`] : []),
          ...args,
        ],
        { env, input, stdio: ['pipe', 'pipe', 'pipe'] },
      );
    },
    exportPublic(...fprs) {
      return run(['--export', ...fprs]);
    },
    deleteKey(primary) {
      run(['--yes', '--delete-secret-and-public-key', primary]);
    },
    trust(...fprs) {
      run(['--import-ownertrust'], { input: fprs.map((f) => `${f}:6:\n`).join('') });
    },
    kill() {
      try {
        execFileSync('gpgconf', ['--kill', 'gpg-agent'], { env, stdio: 'pipe' });
      } catch {
        /* no agent running */
      }
    },
  };
  return gpg;
}

/** Payload and OpenPGP signature of a raw commit object, as git hands them to gpg. */
export function commitSignature(oid: string, raw: Buffer): { payload: Buffer; signature?: string } {
  const c = parseCommitObject(oid, raw);
  const sig = c.signatures.find((s) => s.header === (oid.length === 64 ? 'gpgsig-sha256' : 'gpgsig'));
  return { payload: c.payload, signature: sig?.armored };
}

/**
 * An empty commit in `repo` (whose gpg.program is `gpg.wrapper`) signed by `key` at unix time `at`,
 * committed as `email`: its id.
 */
export function signedCommitAt(
  repo: { run(args: string[], opts?: { env?: NodeJS.ProcessEnv }): string; head(): string },
  gpg: Gpg,
  message: string,
  key: string,
  email: string,
  at: number,
): string {
  repo.run(['-c', `user.signingkey=${key}`, 'commit', '-q', '--allow-empty', '-S', '-m', message], {
    env: {
      GNUPGHOME: gpg.home,
      GG_GPG_ARGS: `--faked-system-time ${at}!`,
      GIT_COMMITTER_EMAIL: email,
      GIT_AUTHOR_EMAIL: email,
    },
  });
  return repo.head();
}
