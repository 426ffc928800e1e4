// What the repository's remote configuration says about its remote-tracking refs as a record of
// what was published: git updates one on a push only through a fetch refspec that stores there.
import type { RepositoryInfo } from '../domain/model.js';
import { runGit } from './git.js';
import { gitBool } from '../domain/config.js';

export interface RemoteRecordConfig {
  /** A configured remote keeps no record under refs/remotes/ of what it was pushed: no fetch
   *  refspec, a mirror, a refspec storing elsewhere (refs/pub/*: no reflog there, not read here), or
   *  refspecs that leave branches out (`clone --single-branch`): a push to a branch no refspec
   *  tracks updates no remote-tracking ref. */
  untracked: boolean;
  /** git logs every update of a remote-tracking ref (core.logAllRefUpdates not false: a work tree's default). */
  logged: boolean;
}

/** What the remote configuration says of refs/remotes/ as a record of what was published (one git). */
export async function remoteRecordConfig(repo: RepositoryInfo): Promise<RemoteRecordConfig> {
  const r = await runGit(
    ['config', '-z', '--get-regexp', '^(remote\\..+\\.(url|pushurl|fetch|mirror)|core\\.logallrefupdates)$'],
    {
      gitDir: repo.gitDir,
      okCodes: [1],
      timeoutMs: 30_000,
    },
  );
  let logged = true;
  // fetch: every refspec stores under refs/remotes/ (and there is one); all: one tracks every branch.
  const remotes = new Map<string, { fetch: boolean; all: boolean; mirror: boolean; specs: number }>();
  for (const item of r.stdout.toString('utf8').split('\0')) {
    const nl = item.indexOf('\n');
    const key = nl < 0 ? item : item.slice(0, nl);
    // A bare key (no "=") is true; an empty value is false, as git reads booleans (`0x0` too).
    const isFalse = gitBool(nl >= 0 ? item.slice(nl + 1) : null) === false;
    if (key === 'core.logallrefupdates') {
      logged = !isFalse;
      continue;
    }
    const m = /^remote\.(.+)\.(url|pushurl|fetch|mirror)$/s.exec(key);
    if (!m) continue;
    const e = remotes.get(m[1]!) ?? { fetch: true, all: false, mirror: false, specs: 0 };
    if (m[2] === 'fetch') {
      e.specs += 1;
      const spec = item.slice(nl + 1).trim();
      const to = spec.includes(':') ? spec.slice(spec.indexOf(':') + 1) : '';
      // A negative refspec (^refs/heads/x) narrows fetches only: a push still updates refs/remotes/.
      if (!spec.startsWith('^')) e.fetch &&= to.startsWith('refs/remotes/');
      e.all ||= /^\+?refs\/heads\/\*:refs\/remotes\/.+\/\*$/s.test(spec);
    }
    if (m[2] === 'mirror' && !isFalse) e.mirror = true;
    remotes.set(m[1]!, e);
  }
  return { untracked: [...remotes.values()].some((e) => !e.specs || !e.fetch || !e.all || e.mirror), logged };
}
