// What git hands to the signing program when it checks a signature: the payload on its stdin and the
// signature in the file it names, caught by a stand-in for gpg, gpgsm and ssh-keygen that answers
// "good" and signs its answer with the call's number (`%GS` for commits, `git verify-tag --format`'s
// order for tags). The object differential (differential.ts) compares them with what gitguard verifies.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestRepo } from './repo.js';

export interface SignedBytes {
  payload: Buffer;
  signature: Buffer;
}

/** What git checked in each object: the bytes it verified, 'none' (no program run), 'dies' (git stops). */
export type GitSigned = SignedBytes | 'none' | 'dies';

// Calls are numbered in a file (git runs them one after another). ssh-keygen is asked twice per
// signature: find-principals (no payload; it names the principal after the call to come) and verify.
const STAND_IN = `#!/bin/sh
d=$GG_CAPTURE
n=$(cat "$d/next" 2>/dev/null || echo 0)
mode=gpg; sig=; prev=
for a in "$@"; do
  case "$prev" in --verify|-s) sig=$a;; esac
  case "$a" in find-principals) mode=find;; verify|check-novalidate) [ $mode = gpg ] && mode=ssh;; esac
  prev=$a
done
if [ $mode = find ]; then echo "p$n"; exit 0; fi
cat "$sig" > "$d/$n.sig"; cat > "$d/$n.payload"; echo $((n + 1)) > "$d/next"
if [ $mode = ssh ]; then echo "Good \\"git\\" signature for p$n with ED25519 key SHA256:x"; exit 0; fi
printf '[GNUPG:] NEWSIG\\n[GNUPG:] GOODSIG 0123456789ABCDEF p%s\\n[GNUPG:] TRUST_ULTIMATE 0 pgp\\n' "$n"
`;

/** git's signed bytes for each commit or tag id (tags need no ref: verify-tag takes ids). */
export function gitSignedBytes(repo: TestRepo, ids: string[], kind: 'commit' | 'tag', scratch: string): GitSigned[] {
  const { capture, config, fresh } = standIn(scratch);
  const ask = (batch: string[]): GitSigned[] => {
    if (!batch.length) return [];
    fresh();
    const res = spawnSync(
      'git',
      [
        ...config,
        '-c',
        'gpg.ssh.allowedSignersFile=/dev/null',
        ...(kind === 'commit'
          ? ['log', '--no-walk=unsorted', '--stdin', '--format=%H %GS']
          : ['verify-tag', '--format=%(objectname)', ...batch]),
      ],
      {
        cwd: repo.dir,
        env: { ...repo.env, GG_CAPTURE: capture },
        input: kind === 'commit' ? batch.join('\n') + '\n' : '',
        maxBuffer: 1 << 28,
      },
    );
    const read = (n: string): SignedBytes => readCall(capture, n);
    const lines = res.stdout.toString().split('\n').filter(Boolean);
    // A commit whose signature names no format git knows makes git die ("bad/incompatible signature").
    // A tag git dies on (exit 128) stops the tags after it too: each batch that died is halved.
    const died =
      kind === 'commit' ? res.status !== 0 || lines.length !== batch.length : res.status === 128 || res.signal !== null;
    if (!died) {
      if (kind === 'commit')
        return lines.map((l) => {
          const n = /^\S+ p(\d+)$/.exec(l)?.[1];
          return n === undefined ? 'none' : read(n);
        });
      // verify-tag prints each tag it found good (every one the stand-in was asked about), in order.
      const calls = Number(readFileSync(join(capture, 'next'), { flag: 'a+' }).toString() || 0);
      if (calls !== lines.length) throw new Error(`verify-tag: ${calls} checks, ${lines.length} tags found good`);
      const good = new Map(lines.map((id, i) => [id, read(String(i))]));
      return batch.map((id) => good.get(id) ?? 'none');
    }
    if (batch.length === 1) return ['dies'];
    const half = batch.length >> 1;
    return [...ask(batch.slice(0, half)), ...ask(batch.slice(half))];
  };
  return ask(ids);
}

/** The stand-in installed in `scratch`: git's `-c` options naming it, and `fresh()` to empty its capture. */
function standIn(scratch: string): { capture: string; config: string[]; fresh: () => void } {
  mkdirSync(scratch, { recursive: true });
  const program = join(scratch, 'stand-in.sh');
  writeFileSync(program, STAND_IN);
  chmodSync(program, 0o755);
  const capture = join(scratch, 'capture');
  return {
    capture,
    config: ['gpg.program', 'gpg.x509.program', 'gpg.ssh.program'].flatMap((k) => ['-c', `${k}=${program}`]),
    fresh: () => {
      rmSync(capture, { recursive: true, force: true });
      mkdirSync(capture);
    },
  };
}

const readCall = (capture: string, n: string | number): SignedBytes => ({
  payload: readFileSync(join(capture, `${n}.payload`)),
  signature: readFileSync(join(capture, `${n}.sig`)),
});

/**
 * What git hands the signing program for the signed tags embedded in `commit` (its mergetag headers),
 * in order, as `git log --show-signature` checks them (log-tree.c show_one_mergetag, after the
 * commit's own signature: `ownSignature` says whether git checks one first).
 */
export function gitMergetagSignedBytes(
  repo: TestRepo,
  commit: string,
  ownSignature: boolean,
  scratch: string,
): SignedBytes[] {
  const { capture, config, fresh } = standIn(scratch);
  fresh();
  spawnSync(
    'git',
    [...config, '-c', 'gpg.ssh.allowedSignersFile=/dev/null', 'log', '-1', '--show-signature', '--format=%H', commit],
    {
      cwd: repo.dir,
      env: { ...repo.env, GG_CAPTURE: capture },
    },
  );
  const calls = Number(readFileSync(join(capture, 'next'), { flag: 'a+' }).toString() || 0);
  return Array.from({ length: Math.max(0, calls - (ownSignature ? 1 : 0)) }, (_, i) =>
    readCall(capture, i + (ownSignature ? 1 : 0)),
  );
}
