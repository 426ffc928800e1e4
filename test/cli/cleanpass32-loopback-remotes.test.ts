// Clean pass 32: remotes-use-secure-transport failed every http:// remote on this machine's loopback
// (a local Gitea on http://localhost:3000, a test server on 127.0.0.1), though git's clear text never
// leaves the machine when no proxy carries it. Each set-up below is judged against where real git
// (`git ls-remote origin`) connects: an origin server on 127.0.0.1 (and ::1), a proxy on 127.0.0.1, and
// another server on 127.0.0.2 standing for a host elsewhere. The rule passes exactly when git reached
// the origin itself; a proxy (config or environment, as git and libcurl read them) or a rewrite that
// sends git elsewhere still fails.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cleanupTemp, makeRepo } from '../helpers/repo.js';
import { gitAsync } from '../helpers/hook-bridge.js';
import { parseJson, resultOf, runMain } from '../helpers/cli.js';

const RULE = 'remotes-use-secure-transport';
type Where = 'origin' | 'proxy' | 'elsewhere';

// Which server saw a request for /c<n>/ (a proxy sees the absolute URL).
const seen = new Map<string, Where>();
const servers: Server[] = [];
function serve(where: Where, host: string, port = 0): Promise<number> {
  const s = createServer((req, res) => {
    const m = /\/(c\d+)\//.exec(req.url ?? '');
    if (m) seen.set(m[1]!, where);
    res.statusCode = 404;
    res.end();
  });
  servers.push(s);
  return new Promise((resolve, reject) => {
    s.once('error', reject);
    s.listen(port, host, () => resolve((s.address() as AddressInfo).port));
  });
}

let origin = 0;
let origin6 = 0;
let proxy = 0;
beforeAll(async () => {
  origin = await serve('origin', '127.0.0.1');
  await serve('elsewhere', '127.0.0.2', origin);
  // A machine without IPv6 on its loopback has no [::1] to reach: those set-ups are then not run.
  origin6 = await serve('origin', '::1').catch(() => 0);
  proxy = await serve('proxy', '127.0.0.1');
});
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  cleanupTemp();
});

const PROXY_VARS = ['http_proxy', 'HTTP_PROXY', 'all_proxy', 'ALL_PROXY', 'no_proxy', 'NO_PROXY', 'GIT_PROXY_COMMAND'];

interface SetUp {
  name: string;
  url: (n: string) => string;
  config?: () => Record<string, string>;
  env?: () => Record<string, string>;
  git: Where;
}

const local = (n: string): string => `http://localhost:${origin}/${n}/r.git`;
const ip = (n: string): string => `http://127.0.0.1:${origin}/${n}/r.git`;
const p = (): string => `http://127.0.0.1:${proxy}`;

const ip6 = (n: string): string => `http://[::1]:${origin6}/${n}/r.git`;
/** `url` through http_proxy, with NO_PROXY set to `list`. */
const behindNoProxy = (list: string, url: (n: string) => string, git: Where): SetUp => ({
  name: `${url('c').includes('[::1]') ? '[::1]' : 'http_proxy'} with NO_PROXY=${list}`,
  url,
  env: () => ({ http_proxy: p(), NO_PROXY: list }),
  git,
});

const setUps: SetUp[] = [
  { name: 'a local Gitea on http://localhost, no proxy', url: local, git: 'origin' },
  {
    name: 'a test server on 127.0.0.1 with a user in the URL',
    url: (n) => `http://git@127.0.0.1:${origin}/${n}/r.git`,
    git: 'origin',
  },
  { name: '[::1], no proxy', url: (n) => `http://[::1]:${origin6}/${n}/r.git`, git: 'origin' },
  {
    name: 'HTTP_PROXY only (git and libcurl read http_proxy alone for http://)',
    url: ip,
    env: () => ({ HTTP_PROXY: p() }),
    git: 'origin',
  },
  {
    name: 'http_proxy with NO_PROXY naming the host',
    url: ip,
    env: () => ({ http_proxy: p(), NO_PROXY: 'example.com, 127.0.0.1' }),
    git: 'origin',
  },
  { name: 'http_proxy with NO_PROXY=*', url: ip, env: () => ({ http_proxy: p(), NO_PROXY: '*' }), git: 'origin' },
  {
    name: 'http_proxy with no_proxy=.localhost',
    url: local,
    env: () => ({ http_proxy: p(), no_proxy: '.localhost' }),
    git: 'origin',
  },
  {
    name: 'http.proxy with NO_PROXY naming the host',
    url: ip,
    config: () => ({ 'http.proxy': p() }),
    env: () => ({ NO_PROXY: '127.0.0.1' }),
    git: 'origin',
  },
  {
    name: 'an empty http.proxy over http_proxy',
    url: ip,
    config: () => ({ 'http.proxy': '' }),
    env: () => ({ http_proxy: p() }),
    git: 'origin',
  },
  {
    name: 'an empty remote.origin.proxy over http_proxy',
    url: ip,
    config: () => ({ 'remote.origin.proxy': '' }),
    env: () => ({ http_proxy: p() }),
    git: 'origin',
  },
  {
    name: 'NO_PROXY with blanks and tabs around the host',
    url: ip,
    env: () => ({ http_proxy: p(), NO_PROXY: 'example.com,\t127.0.0.1 ,' }),
    git: 'origin',
  },
  { name: 'ALL_PROXY with all_proxy empty', url: ip, env: () => ({ ALL_PROXY: p(), all_proxy: '' }), git: 'origin' },
  // libcurl 7.88's reading of the no_proxy list (lib/noproxy.c): CIDR ranges for an IPv4 host, entries
  // split at blanks too, a trailing dot ignored (clean pass 33: each failed before).
  ...[
    '127.0.0.0/8',
    '127.0.0.2/30',
    '127.0.0.1/32',
    '127.0.0.0/08',
    'example.com 127.0.0.0/8',
    '10.0.0.0/8,,127.0.0.0/8',
  ].map((list) => behindNoProxy(list, ip, 'origin')),
  behindNoProxy('localhost.', local, 'origin'),
  {
    name: 'http.proxy with NO_PROXY=127.0.0.0/8 (git hands it to libcurl)',
    url: ip,
    config: () => ({ 'http.proxy': p() }),
    env: () => ({ NO_PROXY: '127.0.0.0/8' }),
    git: 'origin',
  },
  // The twins: git hands the request to a proxy or another host.
  { name: 'http_proxy', url: local, env: () => ({ http_proxy: p() }), git: 'proxy' },
  { name: 'ALL_PROXY', url: ip, env: () => ({ ALL_PROXY: p() }), git: 'proxy' },
  { name: 'http.proxy', url: ip, config: () => ({ 'http.proxy': p() }), git: 'proxy' },
  {
    name: 'http.<url>.proxy',
    url: ip,
    config: () => ({ [`http.http://127.0.0.1:${origin}/.proxy`]: p() }),
    git: 'proxy',
  },
  { name: 'remote.origin.proxy', url: ip, config: () => ({ 'remote.origin.proxy': p() }), git: 'proxy' },
  {
    name: 'no_proxy empty over NO_PROXY',
    url: ip,
    env: () => ({ http_proxy: p(), NO_PROXY: '127.0.0.1', no_proxy: '' }),
    git: 'proxy',
  },
  {
    name: 'NO_PROXY with * in a list',
    url: ip,
    env: () => ({ http_proxy: p(), NO_PROXY: 'localhost,*' }),
    git: 'proxy',
  },
  {
    name: 'NO_PROXY naming 127.0.0.1 for localhost',
    url: local,
    env: () => ({ http_proxy: p(), NO_PROXY: '127.0.0.1' }),
    git: 'proxy',
  },
  {
    name: 'NO_PROXY=[::1] (libcurl compares ::1)',
    url: (n) => `http://[::1]:${origin6}/${n}/r.git`,
    env: () => ({ http_proxy: p(), NO_PROXY: '[::1]' }),
    git: 'proxy',
  },
  // The twins of the no_proxy list: ranges that leave the host out, or that libcurl 7.88 does not read
  // as ranges (an IPv6 host is compared as a name), a dot before an address, `*` with blanks around it.
  ...[
    '10.0.0.0/8',
    '127.0.0.2/31',
    '127.0.0.0/33',
    '127.0.0.0/0',
    '127.0.0.0/-1',
    '.127.0.0.1',
    '127.0.0.1.',
    ' * ',
  ].map((list) => behindNoProxy(list, ip, 'proxy')),
  // libcurl 7.88 compares [::1] with each entry as the name ::1
  ...['::1/128', '::/127', '0:0:0:0:0:0:0:1'].map((list) => behindNoProxy(list, ip6, 'proxy')),
  behindNoProxy('::1.', ip6, 'origin'),
  // Red team 65: libcurl skips blanks only, so a line feed keeps the address from matching.
  {
    name: 'no_proxy with a line feed before the address (libcurl skips blanks only)',
    url: ip,
    env: () => ({ http_proxy: p(), no_proxy: 'example.com,\n127.0.0.1' }),
    git: 'proxy',
  },
  {
    name: 'http.curloptResolve pointing localhost elsewhere',
    url: local,
    config: () => ({ 'http.curloptResolve': `localhost:${origin}:127.0.0.2` }),
    git: 'elsewhere',
  },
  {
    name: 'url.<base>.insteadOf rewriting it',
    url: local,
    config: () => ({ [`url.http://127.0.0.2:${origin}/.insteadOf`]: `http://localhost:${origin}/` }),
    git: 'elsewhere',
  },
];

test.each(setUps.map((s, i) => [s.name, s, `c${i}`] as const))('%s', async (_name, s, n) => {
  if (!origin6 && s.url('c').includes('[::1]')) return;
  const r = makeRepo();
  r.config({ 'remote.origin.url': s.url(n), ...(s.config?.() ?? {}) });
  const env: NodeJS.ProcessEnv = { ...r.env };
  for (const k of PROXY_VARS) delete env[k];
  Object.assign(env, s.env?.() ?? {});
  // The reference: where git itself sends the request (the servers answer 404, so ls-remote fails).
  await gitAsync({ ...r, env }, ['ls-remote', 'origin']);
  expect(seen.get(n)).toBe(s.git);
  const res = await runMain(['audit', '-C', r.dir, '--format', 'json', '--no-ledger', '-r', RULE], { env });
  expect(resultOf(parseJson(res), RULE).outcome).toBe(s.git === 'origin' ? 'pass' : 'fail');
});
