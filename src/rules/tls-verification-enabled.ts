import { posix } from 'node:path';
import { defineRepoRule } from './define.js';
import { configFinding } from './lib/config.js';
import { effective, inWorkTreeFiles, gitBool } from '../domain/config.js';
import { FindingList, notAvailable } from './lib/findings.js';

/** The URL a per-URL http.<url>.<name> key names, or every HTTPS remote for http.<name>. */
const urlOf = (key: string, name: string): string =>
  key === `http.${name}` ? 'every HTTPS remote' : key.slice('http.'.length, -(name.length + 1));

/**
 * Whether a CA file or folder git is given (git_config_pathname: `~` is HOME, `%(prefix)/` git's
 * own prefix, or the path after it where absolute: collect/config.ts `prefixed`) lies in the work tree: a relative path is read from the top of the work tree (git runs
 * its transport there; `..` may lead out of it), and what the work tree holds is whatever was last checked out, so whoever
 * commits there picks the certificates the remote may present. A path through /proc names the
 * process's own files: /proc/self/cwd is the top of the work tree, whoever cloned it wherever. `opens`:
 * where git opens it, `~` expanded and links resolved (collect/config.ts): HOME may hold the work tree.
 */
function inWorkTree(value: string, workTree: string | undefined, opens: string | undefined): boolean {
  const under = (path: string): boolean => inWorkTreeFiles(path, workTree);
  // Where git opens it, links resolved: `~/work/x/x/ca.pem` with HOME above the work tree, a link into it.
  if (opens !== undefined && (/^\/proc(\/|$)/.test(opens) || under(opens))) return true;
  if (value.startsWith('~') || value.startsWith('%(prefix)/')) return false;
  // A relative path from the top of the work tree: in it unless `..` leads out (a runner's
  // ../../_temp/ca.pem), read by its text as well as where it leads (a committed link on the way).
  if (!posix.isAbsolute(value)) {
    if (!workTree || opens === undefined) return true;
    const text = posix.join(posix.normalize(workTree), value);
    return under(text) || /^\/proc(\/|$)/.test(text);
  }
  if (/^\/proc(\/|$)/.test(posix.normalize(value))) return true;
  return under(value);
}

export default defineRepoRule({
  id: 'tls-verification-enabled',
  needs: ['config'],
  evaluate(facts, ctx) {
    if (!facts.config.ok) return notAvailable(facts.config.reason);
    const config = facts.config.value;
    const found = new FindingList(ctx.findingLimit);
    const keysNamed = (name: string): string[] => [
      ...new Set(config.map((e) => e.key).filter((k) => k.startsWith('http.') && k.endsWith(`.${name}`))),
    ];
    // http.sslVerify and every per-URL http.<url>.sslVerify: each key's last value decides.
    for (const key of keysNamed('sslverify')) {
      const e = effective(config, key)!;
      if (gitBool(e.value) === false)
        found.add(
          configFinding(
            e,
            `TLS certificate checking is off for ${urlOf(key, 'sslverify')}: ${key}=${e.value ?? ''} (${e.scope})`,
          ),
        );
    }
    // The CAs git trusts instead of the system's (http.sslCAInfo, http.sslCAPath, per URL too): one
    // in the work tree is the repository's pick (git 2.39 then took a server certificate its CA signed).
    // A bare repository has no work tree: nothing is checked out over its files.
    const names = facts.repository.bare ? [] : ['sslcainfo', 'sslcapath'];
    for (const name of names)
      for (const key of keysNamed(name)) {
        const e = effective(config, key)!;
        if (e.value && inWorkTree(e.value, facts.repository.workTree, e.opens))
          found.add(
            configFinding(
              e,
              `the CA git trusts for ${urlOf(key, name)} is in the work tree, which every checkout may replace: ${key}=${e.value} (${e.scope})`,
            ),
          );
      }
    return found.evaluation();
  },
});
