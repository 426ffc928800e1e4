// One real gpg-signed commit (Ed Edwards' ed25519 key, signed twenty days ago) and a way to write
// copies of it whose signature block is replaced: for tests that compare git's letter (%G?, which
// asks gpg) with gitguard's on signatures edited after gpg made them.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeRepo, type TestRepo } from './repo.js';
import { makeGpg, commitSignature, type Gpg } from './gpg.js';
import { loadKeyring } from '../../src/collect/signatures/openpgp.js';
import type { OpenPgpVerdict } from '../../src/domain/signature.js';

export interface ResignedCommit {
  r: TestRepo;
  gpg: Gpg;
  /** The signed commit. */
  good: string;
  /** Its armored signature, as gpg made it. */
  armored: string;
  /** A file holding the signer's public key (for --keyring). */
  keyring: string;
  /** Writes the commit again with `armoredBlock` as its gpgsig and points refs/heads/<name> at it. */
  withSignature(name: string, armoredBlock: string): string;
}

export function resignedCommit(now = Math.floor(Date.now() / 1000)): ResignedCommit {
  const r = makeRepo();
  const gpg = makeGpg(r.env.GNUPGHOME!, r.env);
  r.run(['config', 'gpg.program', gpg.wrapper]);
  const ed = gpg.genKey('Ed Edwards <ed@example.com>', 'ed25519', { at: now - 30 * 86400 });
  gpg.trust(ed);
  r.run(['-c', `user.signingkey=${ed}`, 'commit', '-q', '--allow-empty', '-S', '-m', 'signed'], {
    env: {
      GG_GPG_ARGS: `--faked-system-time ${now - 20 * 86400}!`,
      GIT_COMMITTER_EMAIL: 'ed@example.com',
      GIT_AUTHOR_EMAIL: 'ed@example.com',
    },
  });
  const good = r.head();
  const raw = execFileSync('git', ['cat-file', 'commit', good], { cwd: r.dir, env: r.env }).toString();
  const keyring = join(r.home, 'ed.asc');
  writeFileSync(keyring, gpg.exportPublic(ed));
  return {
    r,
    gpg,
    good,
    armored: commitSignature(good, Buffer.from(raw)).signature!,
    keyring,
    withSignature(name, armoredBlock) {
      const header = 'gpgsig ' + armoredBlock.trimEnd().split('\n').join('\n ') + '\n';
      const oid = r.run(['hash-object', '-t', 'commit', '-w', '--stdin'], {
        input: raw.replace(/^gpgsig [^\n]*\n(?: [^\n]*\n)*/m, header),
      });
      r.run(['update-ref', `refs/heads/${name}`, oid]);
      return oid;
    },
  };
}

/**
 * Rob's RSA-2048 key, made thirty days before `now` in the same keyring and trusted, signs the same
 * commit's payload (gpg's own detached signature, twenty days before): the armored signature and the
 * key's modulus n (its first packet, old format: version, creation time, algorithm, then the MPI n).
 */
export function rsaSigned(made: ResignedCommit, now: number): { armored: string; modulus: Buffer } {
  const rob = made.gpg.genKey('Rob <rob@example.com>', 'rsa2048', { at: now - 30 * 86400 });
  made.gpg.trust(rob);
  const raw = execFileSync('git', ['cat-file', 'commit', made.good], { cwd: made.r.dir, env: made.r.env });
  const payload = commitSignature(made.good, raw).payload;
  const armored = made.gpg
    .run(['--detach-sign', '--armor', '-u', rob], { input: payload, at: now - 20 * 86400 })
    .toString();
  const body = made.gpg.exportPublic(rob).subarray(3);
  return { armored, modulus: body.subarray(8, 8 + Math.ceil(body.readUInt16BE(6) / 8)) };
}

/** gitguard's verdicts on commit `oid` of `made` with the keyring's keys at `now`, on its quick reader and on openpgp.js's path. */
export async function keyringVerdicts(
  made: ResignedCommit,
  oid: string,
  now: number,
): Promise<Array<{ quick: boolean } & OpenPgpVerdict>> {
  const raw = execFileSync('git', ['cat-file', 'commit', oid], { cwd: made.r.dir, env: made.r.env });
  const { payload, signature } = commitSignature(oid, raw);
  const keys = [{ data: made.gpg.exportPublic(), file: made.keyring }];
  const out: Array<{ quick: boolean } & OpenPgpVerdict> = [];
  for (const quick of [true, false]) {
    const keyring = await loadKeyring(keys, { now: () => new Date(now * 1000), quick });
    out.push({ quick, ...(await keyring.verify(payload, signature!)) });
  }
  return out;
}
