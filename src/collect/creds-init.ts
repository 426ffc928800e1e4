// Tekton's creds-init: in each step of a TaskRun, Tekton turns the basic-auth Secrets annotated
// tekton.dev/git-* into a `.gitconfig` (`[credential] helper = store` and a username per URL) and a
// `.git-credentials`, in the step's own /tekton/creds (an emptyDir of that step), and its entrypoint
// copies both into $HOME (older releases wrote them straight into /tekton/home, the TaskRun's home
// volume). The password is the Secret Kubernetes mounts into the pod anyway, and the home is
// thrown away with the pod: such a store helper is no developer's ~/.git-credentials. Recognised by
// where (a global config file whose bytes are those of the file creds-init wrote in a Tekton
// folder) and what (creds-init's exact shape), nothing the audited repository can write.
import { resolve } from 'node:path';
import type { ConfigEntry } from '../domain/model.js';
import { originFile } from '../domain/config.js';
import { readBoundedIfExists } from './safe-fs.js';

/** Where creds-init leaves its .gitconfig in a Tekton step. */
export const CREDS_INIT_DIRS: readonly string[] = ['/tekton/creds', '/tekton/home'];

const MAX_BYTES = 64 * 1024;

/** creds-init's .gitconfig, byte for byte: the store helper, then one username per URL. */
const CREDS_INIT_SHAPE = /^\[credential\]\n\thelper = store\n(?:\[credential "[^"\n]*"\]\n\tusername = [^\n]*\n)*$/;

function read(path: string): string | undefined {
  try {
    return readBoundedIfExists(path, MAX_BYTES)?.toString('utf8');
  } catch {
    return undefined; // a link, a FIFO, unreadable: not creds-init's
  }
}

/** Marks the global entries read from a copy of what Tekton's creds-init wrote (ConfigEntry.credsInit). */
export function markCredsInit(entries: ConfigEntry[], cwd: string, dirs = CREDS_INIT_DIRS): ConfigEntry[] {
  const written = new Set(
    dirs.map((d) => read(`${d}/.gitconfig`)).filter((t): t is string => !!t && CREDS_INIT_SHAPE.test(t)),
  );
  if (!written.size) return entries;
  const same = new Map<string, boolean>();
  return entries.map((e) => {
    const file = e.scope === 'global' ? originFile(e.origin) : undefined;
    if (!file) return e;
    if (!same.has(file)) same.set(file, written.has(read(resolve(cwd, file)) ?? ''));
    return same.get(file) ? { ...e, credsInit: true } : e;
  });
}
