// The user's home: HOME, else the password database's entry. A user with neither (a container run
// as `--user 12345` with no passwd entry and HOME unset) has none: node's os.homedir() throws there,
// which stopped every run as an internal error; callers treat no home as no files of the user's.
// And git's `~` in a path value (core.hooksPath, include.path, http.sslCAInfo...), expanded in one place.
import { homedir } from 'node:os';
import { readBounded } from './safe-fs.js';

export function userHome(env: NodeJS.ProcessEnv): string | undefined {
  if (env.HOME !== undefined) return env.HOME;
  try {
    return homedir();
  } catch {
    return undefined;
  }
}

/** The home folder of `user` from /etc/passwd (git's getpwnam), or undefined. */
function homeOf(user: string): string | undefined {
  try {
    const passwd = readBounded('/etc/passwd', 4 * 1024 * 1024, { truncate: true }).toString('utf8');
    for (const line of passwd.split('\n')) {
      const f = line.split(':');
      if (f[0] === user && f.length >= 7) return f[5];
    }
  } catch {
    // no passwd file: the user is unknown
  }
  return undefined;
}

/**
 * A path value as git's interpolate_path expands it: `~` and `~/x` from the user's home, `~user` and
 * `~user/x` from that user's (the text after the name appended as written), anything else as it is;
 * undefined where git cannot expand it (an unknown user, no home) and refuses the value. Every reader
 * of such a value goes through here: an include at `~user/x` was read by git and skipped by gitguard.
 */
export function interpolatePath(value: string, env: NodeJS.ProcessEnv): string | undefined {
  if (!value.startsWith('~')) return value;
  const slash = value.indexOf('/');
  const user = value.slice(1, slash === -1 ? undefined : slash);
  // git reads HOME alone for `~` (no password-database fallback).
  const home = user === '' ? env.HOME : homeOf(user);
  return home === undefined ? undefined : home + (slash === -1 ? '' : value.slice(slash));
}
