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
  // Red team 65: libcurl's own reading of the list. `*` alone only, not with blanks around it; an
  // address is compared as an address (a leading dot is no domain there); both passed before.
  { name: 'NO_PROXY=" * " (blanks around)', url: ip, env: () => ({ http_proxy: p(), NO_PROXY: ' * ' }), git: 'proxy' },
  {
    name: 'no_proxy=.127.0.0.1 (a leading dot before an address)',
    url: ip,
    env: () => ({ http_proxy: p(), no_proxy: '.127.0.0.1' }),
    git: 'proxy',
  },
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
