import type { ConfigEntry } from '../domain/model.js';
import { effective } from '../domain/config.js';
import { usedUrls } from '../domain/remote-urls.js';
import { defineRepoRule } from './define.js';
import { configFinding } from './lib/config.js';
import { FindingList, notAvailable } from './lib/findings.js';
import { annexSshSettings } from './lib/tool-options.js';
import { reachesLoopbackDirectly } from './lib/loopback.js';
import { posix } from 'node:path';

const INSECURE = /^(http|git):\/\//i;

/** The proxy a Bitbucket Pipelines step runs beside the build: it adds the step's credentials and speaks HTTPS on. */
const PIPELINES_PROXY = /^http:\/\/(localhost|127\.0\.0\.1):29418\/?$/;

/**
 * The origin Bitbucket Pipelines' clone leaves (`git remote set-url origin $BITBUCKET_GIT_HTTP_ORIGIN`,
 * after `git config http.$BITBUCKET_GIT_HTTP_ORIGIN.proxy http://localhost:29418/`): git's plain HTTP
 * goes no further than the step's own proxy. Only in that step (its variable names the URL), and only
 * with that proxy set for it by the repository's config.
 */
function isPipelinesOrigin(e: ConfigEntry, config: readonly ConfigEntry[], origin: string | undefined): boolean {
  if (!origin || e.scope !== 'local' || !e.key.endsWith('.url') || e.value?.trim() !== origin) return false;
  const proxy = effective(config, `http.${origin}.proxy`);
  if (proxy?.scope !== 'local' || !PIPELINES_PROXY.test(proxy.value?.trim() ?? '')) return false;
  // That key is git's proxy for the URL only when nothing else can be: remote.<name>.proxy overrides
  // it, and git matches http.<url>.proxy keys to the URL as URLs (host case, :80, a trailing slash,
  // percent-encoding), the last of the best matches winning. Another key for the host (or a wildcard
  // one) is not read as git would, so the origin is then not taken as proxied.
  const remote = e.key.slice('remote.'.length, -'.url'.length);
  if (config.some((c) => c.key === `remote.${remote}.proxy`)) return false;
  // Nor when git fetches or pushes elsewhere: a url.<base>.insteadOf (pushInsteadOf) whose value is a
  // prefix of the origin rewrites it to a URL the proxy key does not match.
  if (config.some((c) => /^url\..+\.(?:push)?insteadof$/.test(c.key) && origin.startsWith(c.value ?? ''))) return false;
  // Nor when libcurl is told where a host:port is (http.curloptResolve, or http.<url>.curloptResolve
  // matched to the URL): git 2.39 with localhost:29418:<address> sent the origin's requests to that
  // address instead of the step's proxy. Any such key, whatever host it names, is not read here.
  if (config.some((c) => /^http\.(?:.+\.)?curloptresolve$/.test(c.key))) return false;
  const host = hostOf(origin);
  return !config.some((c) => {
    const m = /^http\.(.+)\.proxy$/.exec(c.key);
    if (!m || m[1] === origin) return false;
    const other = hostOf(m[1]!);
    return other === undefined || other === host || other.includes('*');
  });
}

/** A URL's host, lower-cased, without user or port (undefined when it is not scheme://host...). */
function hostOf(url: string): string | undefined {
  return /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/]*@)?(\[[^\]]*\]|[^/:?#]*)/i.exec(url)?.[1]?.toLowerCase();
}

/**
 * What git-annex's ssh options (per remote, or `annex.ssh-options` for every remote) do to ssh's check
 * of the server's host key, in words, or undefined where they leave it on: `StrictHostKeyChecking=no`
 * (`off`, `false`: `ssh -G` reads each as false) takes any key; a known-hosts file that is `/dev/null` holds none (so `accept-new` takes any), and
 * one in the work tree (a relative path: ssh runs in the repository's top) holds the repository's pick.
 */
function hostKeysUnchecked(value: string, workTree: string | undefined): string | undefined {
  const set = annexSshSettings(value);
  const strict = set.get('stricthostkeychecking')?.toLowerCase();
  if (strict === 'no' || strict === 'off' || strict === 'false')
    return `StrictHostKeyChecking=${set.get('stricthostkeychecking')!}`;
  for (const [k, name] of [
    ['userknownhostsfile', 'UserKnownHostsFile'],
    ['globalknownhostsfile', 'GlobalKnownHostsFile'],
  ] as const) {
    const f = set.get(k);
    if (f === undefined || f.toLowerCase() === 'none') continue;
    // A relative path is read from where ssh runs (the repository's top); `~` and `%d` are the user's
    // home (ssh -G expands `~/` from the passwd entry). Only an absolute path is placed against the
    // work tree: posix.relative would resolve `~/.ssh/kh` against gitguard's own working directory.
    const inTree =
      !/^[/~%]/.test(f) ||
      (f.startsWith('/') && !!workTree && !posix.relative(workTree, posix.normalize(f)).startsWith('..'));
    if (f === '/dev/null' || inTree) return `${name}=${f}`;
  }
  return undefined;
}

// remote.<name>.url / pushurl over http:// or git:// carry history (and, for http, credentials) in
// the clear, and anyone on the path can substitute what is fetched.
export default defineRepoRule({
  id: 'remotes-use-secure-transport',
  needs: ['config'],
  evaluate(facts, ctx) {
    if (!facts.config.ok) return notAvailable(facts.config.reason);
    const found = new FindingList(ctx.findingLimit);
    let proxied = 0;
    let local = 0;
    // The URLs git uses: a git:// URL that url.https://.insteadOf git:// rewrites is never fetched
    // in the clear, and an https:// one that a rewrite sends to http:// is. Each entry judged once.
    const judged = new Set<ConfigEntry>();
    for (const { remote: name, entry: e, url, use } of usedUrls(facts.config.value)) {
      if (judged.has(e) || !INSECURE.test(url.trim())) continue;
      judged.add(e);
      const rewritten = url !== e.value;
      if (!rewritten && isPipelinesOrigin(e, facts.config.value, facts.ciProxiedOrigin)) {
        proxied += 1;
        continue;
      }
      // A server on this machine's loopback (a local Gitea, a test server), reached with no proxy:
      // the clear text never leaves the machine.
      if (!rewritten && reachesLoopbackDirectly(url.trim(), name, facts.config.value, facts.proxyEnv ?? {})) {
        local += 1;
        continue;
      }
      const as = rewritten ? `, which git ${use === 'push' ? 'pushes to' : 'fetches from'} as ${url}` : '';
      found.add(
        configFinding(e, `remote "${name}" uses an unencrypted transport: ${e.key}=${e.value!}${as} (${e.scope})`),
      );
    }
    // git-annex's own ssh to a remote (annexed content, git-annex-shell) with host-key checking off:
    // encrypted, but anyone on the path may pose as the server, as over git://.
    const annexKeys = [
      ...new Set(
        facts.config.value
          .map((e) => e.key)
          .filter((k) => k === 'annex.ssh-options' || /^remote\..+\.annex-ssh-options$/.test(k)),
      ),
    ];
    for (const key of annexKeys) {
      const e = effective(facts.config.value, key)!;
      const off = e.value ? hostKeysUnchecked(e.value, facts.repository.workTree) : undefined;
      if (!off) continue;
      const who =
        key === 'annex.ssh-options'
          ? 'every git-annex remote'
          : `remote "${key.slice('remote.'.length, -'.annex-ssh-options'.length)}"`;
      found.add(
        configFinding(
          e,
          `git-annex reaches ${who} over ssh without checking its host key (${off}): ${key}=${e.value!} (${e.scope})`,
        ),
      );
    }
    const notes = [
      proxied
        ? `${proxied} remote URL(s) are this Bitbucket Pipelines step's own origin (BITBUCKET_GIT_HTTP_ORIGIN), reached through the step's proxy on localhost:29418: not reported`
        : '',
      local
        ? `${local} remote URL(s) name this machine's loopback (localhost, 127.x.x.x, [::1]) and no proxy carries them: not reported`
        : '',
    ].filter(Boolean);
    return found.evaluation('fail', notes.length ? notes.join('; ') : undefined);
  },
});
