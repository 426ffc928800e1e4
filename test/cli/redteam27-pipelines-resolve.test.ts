// Red team 27: remotes-use-secure-transport's Bitbucket Pipelines exemption (an http:// origin behind
// the step's proxy on localhost:29418) held with http.curloptResolve=localhost:29418:<address> (or
// http.<url>.curloptResolve): git 2.39's `git ls-remote origin` then sent its request for
// http://bitbucket.org/acme/widgets/info/refs to a server listening on 127.0.0.2:29418, not to the
// proxy (checked with a node HTTP server there; without the key nothing reached it). Clean twin: the
// step's own set-up still passes.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTemp, makeRepo } from '../helpers/repo.js';
import { parseJson, resultOf, runMain } from '../helpers/cli.js';

afterAll(() => cleanupTemp());

const ORIGIN = 'http://bitbucket.org/acme/widgets';
const r = makeRepo();
r.commit('first', { 'README.md': 'x\n' });
r.config({
  [`http.${ORIGIN}.proxy`]: 'http://localhost:29418/',
  'remote.origin.url': ORIGIN,
  'remote.origin.fetch': '+refs/heads/*:refs/remotes/origin/*',
});
const file = join(r.dir, '.git', 'config');
const original = readFileSync(file);
const env = { ...r.env, BITBUCKET_BUILD_NUMBER: '42', BITBUCKET_GIT_HTTP_ORIGIN: ORIGIN };

async function outcome(settings: Record<string, string>): Promise<string> {
  writeFileSync(file, original);
  r.config(settings);
  const rule = 'remotes-use-secure-transport';
  const res = await runMain(['audit', '-C', r.dir, '--format', 'json', '--no-ledger', '-r', rule], { env });
  return resultOf(parseJson(res), rule).outcome;
}

test.each([
  ['http.curloptResolve', 'localhost:29418:127.0.0.2'],
  ['http.http://bitbucket.org/.curloptResolve', 'localhost:29418:203.0.113.9'],
])('%s=%s sends git elsewhere: the origin fails', async (key, value) => {
  expect(await outcome({ [key]: value })).toBe('fail');
});

test("clean twin: the step's own set-up passes", async () => {
  expect(await outcome({})).toBe('pass');
});
