// The per-user secret that authenticates gitguard's state files inside a repository (the verify
// cache, the walk checkpoint). A repository can be hostile and ship a forged .git/gitguard/, so what
// gitguard trusts from there carries an HMAC under a key kept outside every repository.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, type Stats } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { readBoundedIfExists } from './safe-fs.js';
import { writeFileSafe } from './safe-write.js';
import { insideAuditedRepository } from './audited-folders.js';
import { userHome } from './user-home.js';

/**
 * A relative XDG_CACHE_HOME or HOME names no place (the XDG spec: ignore it); taken as given it would
 * be a folder of whatever repository gitguard runs in, which could ship the secret. An absolute one
 * inside the audited repository (its work tree or git dir) is skipped too: the repository could
 * ship the secret there, or read it back. Undefined when every candidate is inside it.
 */
function secretFile(env: NodeJS.ProcessEnv): string | undefined {
  const absolute = (p: string | undefined): string | undefined => (p && isAbsolute(p) ? p : undefined);
  const home = absolute(env.HOME) ?? absolute(userHome({}));
  const bases = [absolute(env.XDG_CACHE_HOME), home && join(home, '.cache')];
  const base = bases.find((b) => b !== undefined && !insideAuditedRepository(b));
  return base && join(base, 'gitguard', 'cache-secret');
}

/** Owned by this user (where the platform has owners) and, for `mask`, no such permission bits for others. */
function exclusive(st: Stats, mask: number): boolean {
  const uid = process.getuid?.();
  return (uid === undefined || st.uid === uid) && (st.mode & mask) === 0;
}

/**
 * The secret (made on first use); undefined when no existing, writable home can keep one, or when its folder
 * is not this user's alone (another user could read or swap the secret, then forge sealed state):
 * run without state. A secret file that others could have read or planted (a link, another
 * owner, group or world permissions) is replaced by a new one.
 */
export function userSecret(env: NodeJS.ProcessEnv): Buffer | undefined {
  const file = secretFile(env);
  // The cache folder is made in a home that exists, never the home itself: a runner's or a service
  // user's HOME that names no folder (nobody's /nonexistent) is not created, as root could.
  if (!file || !existsSync(dirname(dirname(dirname(file))))) return undefined;
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    const folder = lstatSync(dirname(file));
    if (!folder.isDirectory() || !exclusive(folder, 0o022)) return undefined;
    const st = lstatSync(file, { throwIfNoEntry: false });
    if (st?.isFile() && exclusive(st, 0o077)) {
      const old = readBoundedIfExists(file, 4096);
      if (old && old.length >= 32) return old;
    }
    const s = randomBytes(32);
    writeFileSafe(file, s, { mode: 0o600, refuseLink: false });
    return s;
  } catch {
    return undefined;
  }
}

/** The MAC of one state file's body, bound to the file's format version. */
function stateMac(secret: Buffer, version: string, body: string): Buffer {
  return createHmac('sha256', secret).update(version).update('\0').update(body).digest();
}

/** A state file as written: the MAC in hex on the first line, then the body. */
export function sealState(secret: Buffer, version: string, body: string): string {
  return `${stateMac(secret, version, body).toString('hex')}\n${body}`;
}

/** The body of a sealed state file, or undefined when it does not authenticate (forged, damaged). */
export function openSealed(secret: Buffer, version: string, text: string): string | undefined {
  const nl = text.indexOf('\n');
  if (nl === -1) return undefined;
  const given = Buffer.from(text.slice(0, nl), 'hex');
  const body = text.slice(nl + 1);
  const want = stateMac(secret, version, body);
  return given.length === want.length && timingSafeEqual(given, want) ? body : undefined;
}
