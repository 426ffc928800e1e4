import { redactUrl } from '../domain/escape.js';
import { defineRepoRule } from './define.js';
import { configFinding } from './lib/config.js';
import { FindingList, notAvailable } from './lib/findings.js';

// A token alone in the user part is as secret as a password (GitHub, GitLab, Bitbucket formats).
const TOKEN_USER = /^(gh[pousr]_|github_pat_|glpat-|x-access-token|x-token-auth|oauth2)/i;

/** Whether a URL carries a secret in its userinfo (up to the last "@" before the path, as redactUrl hides it). */
export function urlHasCredentials(url: string): boolean {
  const m = /^[a-z][a-z0-9+.-]*:\/\/([^/\s]*)@/i.exec(url.trim());
  if (!m) return false;
  const userinfo = m[1]!;
  const colon = userinfo.indexOf(':');
  if (colon !== -1) return userinfo.length > colon + 1;
  return TOKEN_USER.test(userinfo);
}

const URL_KEY = /^(remote\..+\.(url|pushurl)|url\..+\.(insteadof|pushinsteadof)|submodule\..+\.url)$/;

/**
 * The URL GitLab Runner writes into a job's checkout: `gitlab-ci-token:<the job's CI_JOB_TOKEN>@`, a
 * token that dies with the job (unless its FF_GIT_URLS_WITHOUT_TOKENS is on). Older runners put it in
 * the origin URL; since 17.x it is the base of a `url.<it>.insteadOf <the origin URL>` in the
 * .gitlab-runner.ext.conf the checkout's config includes. Only that job's own token matches, which
 * nobody could plant in advance.
 */
function isRunnerJobUrl(url: string, jobToken: string | undefined): boolean {
  if (!jobToken) return false;
  const m = /^https?:\/\/gitlab-ci-token:([^/@\s]*)@/i.exec(url.trim());
  return m?.[1] === jobToken;
}

export default defineRepoRule({
  id: 'remote-urls-without-credentials',
  needs: ['config'],
  evaluate(facts, ctx) {
    if (!facts.config.ok) return notAvailable(facts.config.reason);
    const found = new FindingList(ctx.findingLimit);
    let jobUrls = 0;
    let jobRewrites = 0;
    for (const e of facts.config.value) {
      if (!URL_KEY.test(e.key)) continue;
      // url.<base>.insteadOf carries a URL in the key itself as well as in the value.
      const base = e.key.startsWith('url.') ? e.key.slice(4, e.key.lastIndexOf('.')) : undefined;
      const jobUrl = e.key.startsWith('remote.')
        ? isRunnerJobUrl(e.value ?? '', facts.ciJobToken)
        : e.key.endsWith('.insteadof') && isRunnerJobUrl(base!, facts.ciJobToken) && !urlHasCredentials(e.value ?? '');
      if (e.scope === 'local' && jobUrl) {
        if (base) jobRewrites += 1;
        else jobUrls += 1;
        continue;
      }
      for (const candidate of [e.value ?? '', base ?? '']) {
        if (candidate && urlHasCredentials(candidate)) {
          const shown = redactUrl(candidate);
          found.add({
            ...configFinding(
              e,
              `credentials embedded in ${e.key.startsWith('url.') ? 'a URL rewrite' : 'a remote URL'}: ${shown} (${e.scope})`,
              e.value === null ? null : redactUrl(e.value),
            ),
            evidence: {
              key: base ? `url.${redactUrl(base)}.${e.key.slice(e.key.lastIndexOf('.') + 1)}` : e.key,
              value: e.value === null ? null : redactUrl(e.value),
              scope: e.scope,
              origin: e.origin,
            },
          });
          break;
        }
      }
    }
    const notes = [
      jobUrls &&
        `${jobUrls} remote URL(s) carry this GitLab CI job's own CI_JOB_TOKEN, written by the runner and valid only while the job runs: not reported`,
      jobRewrites &&
        `${jobRewrites} URL rewrite(s) (url.<base>.insteadOf, in the config GitLab Runner has the checkout include) carry this job's own CI_JOB_TOKEN, valid only while the job runs: not reported`,
    ].filter((n): n is string => !!n);
    return found.evaluation('fail', notes.length ? notes.join('; ') : undefined);
  },
});
