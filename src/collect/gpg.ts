// The user's own gpg, asked for public keys as data (`gpg --export`), for `gitguard init`. Which gpg
// runs is never taken from the audited repository (its gpg.program is ignored): it is `gpg` on PATH,
// with the user's GNUPGHOME and HOME, in batch mode so it never prompts.
import { spawn } from 'node:child_process';
import { absolutePath, childTimeoutMs, tracked, OWN_GROUP } from './child-env.js';
import { runEnv } from './run-context.js';

export interface GpgExport {
  /** ASCII-armored public keys; undefined when gpg knows no key for the query. */
  armored?: string;
  /** Why nothing could be asked (gpg missing, failed); undefined when gpg answered. */
  unavailable?: string;
}

export function gpgExport(query: string, env: NodeJS.ProcessEnv = runEnv(), timeoutMs = 30_000): Promise<GpgExport> {
  return new Promise((resolve) => {
    const childEnv: NodeJS.ProcessEnv = { PATH: absolutePath(env.PATH ?? runEnv().PATH), LC_ALL: 'C' };
    for (const k of ['HOME', 'GNUPGHOME']) if (env[k] !== undefined) childEnv[k] = env[k];
    let child;
    try {
      child = tracked(
        spawn('gpg', ['--batch', '--no-tty', '--quiet', '--armor', '--export', '--', query], {
          env: childEnv,
          stdio: ['ignore', 'pipe', 'pipe'],
          shell: false,
          ...OWN_GROUP,
        }),
      );
    } catch (err) {
      resolve({ unavailable: `cannot run gpg: ${(err as Error).message}` });
      return;
    }
    const out: Buffer[] = [];
    const timer = setTimeout(() => child.kill('SIGKILL'), childTimeoutMs(timeoutMs));
    let size = 0;
    child.stdout.on('data', (c: Buffer) => {
      // A keyring export is kilobytes; a gpg that never stops printing is stopped.
      if ((size += c.length) > 64 * 1024 * 1024) child.kill('SIGKILL');
      else out.push(c);
    });
    child.stderr.on('data', () => undefined);
    child.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({
        unavailable: e.code === 'ENOENT' ? 'gpg is not installed (not on PATH)' : `cannot run gpg: ${e.message}`,
      });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const text = Buffer.concat(out).toString('utf8');
      if (code !== 0 && !text) return resolve({ unavailable: `gpg --export failed (exit ${code})` });
      resolve(text.includes('-----BEGIN PGP PUBLIC KEY BLOCK-----') ? { armored: text } : {});
    });
  });
}
