// Red team 22: remotes-use-secure-transport accepts a Bitbucket Pipelines step's http:// origin when
// the local config sends it through the step's proxy (http.<origin>.proxy=http://localhost:29418/),
// read as that one key. git picks the proxy otherwise (git 2.39, `git fetch origin` of
// http://bitbucket.org/team/repo.git, the proxy's "Failed to connect to localhost port 29418" against
// the direct "Could not resolve host: bitbucket.org"): remote.origin.proxy overrides it (an empty
// value: no proxy), and among http.<url>.proxy keys matching the URL as well (the host in another
// case, :80, a trailing slash, a percent-encoded path) the last wins; each went direct, in the clear,
// and gitguard still credited the proxy. A url.<base>.insteadOf (pushInsteadOf) naming a prefix of it
// sends git's fetches (pushes) to the rewritten URL, which the proxy key does not match: git fetched
// http://evil.example/acme/widgets directly, and url-rewrites-keep-tls passed (no TLS was lost). Clean twin: the step's own set-up, and a proxy for another
// host beside it, pass.
import { cleanupTemp, makeRepo, type TestRepo } from '../helpers/repo.js';
import { parseJson, resultOf, runMain } from '../helpers/cli.js';

afterAll(() => cleanupTemp());

const ORIGIN = 'http://bitbucket.org/acme/widgets';

function pipelinesRepo(extra: Record<string, string>): TestRepo {
  const r = makeRepo();
  r.commit('first', { 'README.md': 'x\n' });
  r.config({
    [`http.${ORIGIN}.proxy`]: 'http://localhost:29418/',
    'remote.origin.url': ORIGIN,
    'remote.origin.fetch': '+refs/heads/*:refs/remotes/origin/*',
    ...extra,
  });
  return r;
}

async function outcome(r: TestRepo): Promise<string> {
  const env = { ...r.env, BITBUCKET_BUILD_NUMBER: '42', BITBUCKET_GIT_HTTP_ORIGIN: ORIGIN };
  const res = await runMain(
    ['audit', '-C', r.dir, '--format', 'json', '--no-ledger', '-r', 'remotes-use-secure-transport'],
    { env },
  );
  return resultOf(parseJson(res), 'remotes-use-secure-transport').outcome;
}

test.each([
  ['remote.origin.proxy empty (no proxy)', { 'remote.origin.proxy': '' }],
  ['remote.origin.proxy another proxy', { 'remote.origin.proxy': 'http://proxy.evil.example:3128' }],
  ['a later key for the host in another case', { 'http.http://BitBucket.org/acme/widgets.proxy': '' }],
  ['a later key with the default port', { 'http.http://bitbucket.org:80/acme/widgets.proxy': '' }],
  ['a later key with a trailing slash', { 'http.http://bitbucket.org/acme/widgets/.proxy': '' }],
  ['a later key with a percent-encoded path', { 'http.http://bitbucket.org/acme/%77idgets.proxy': '' }],
  [
    'url.<base>.insteadOf rewriting it to another http host',
    { 'url.http://evil.example/.insteadOf': 'http://bitbucket.org/' },
  ],
  ['an empty url.<base>.insteadOf (git rewrites every URL)', { 'url.http://evil.example/.insteadOf': '' }],
  [
    'url.<base>.pushInsteadOf rewriting its pushes',
    { 'url.http://evil.example/.pushInsteadOf': 'http://bitbucket.org/acme' },
  ],
  // Red team 27: libcurl told where localhost:29418 is: git 2.39 sent the origin's requests for
  // http://bitbucket.org/acme/widgets/info/refs to a server on 127.0.0.2:29418, not to the proxy.
  ['http.curloptResolve for the proxy', { 'http.curloptResolve': 'localhost:29418:127.0.0.2' }],
  [
    'http.<url>.curloptResolve for the proxy',
    { 'http.http://bitbucket.org/.curloptResolve': 'localhost:29418:203.0.113.9' },
  ],
])("%s: git does not use the step's proxy, the origin fails", async (_name, extra) => {
  expect(await outcome(pipelinesRepo(extra))).toBe('fail');
});

test("clean twin: the step's own set-up, and a proxy for another host beside it, pass", async () => {
  expect(await outcome(pipelinesRepo({}))).toBe('pass');
  expect(await outcome(pipelinesRepo({ 'http.https://registry.example.com/.proxy': 'http://proxy:3128' }))).toBe(
    'pass',
  );
});
