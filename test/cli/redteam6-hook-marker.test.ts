// Red-team round 6: gitguard's hook marker is the sha256 of the hook without it, which anyone can
// compute: a pre-push hook that runs nothing, with a marker computed over it, passed
// gitguard-hook-installed as "gitguard's hook, unmodified". Only the script `hook install` writes is.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { makeRepo, cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { runMain, parseJson, resultOf } from '../helpers/cli.js';

afterAll(cleanupTemp);

const RULE = 'gitguard-hook-installed';

async function outcome(r: TestRepo): Promise<string> {
  const res = await runMain(['audit', '-C', r.dir, '--format', 'json', '--no-cache', '-r', RULE], { env: r.env });
  expect(res.code).not.toBe(2);
  return resultOf(parseJson(res), RULE).outcome;
}

test('a hook that runs nothing, with a marker computed over it, fails', async () => {
  const r = makeRepo();
  r.commit('a', { 'a.txt': 'a\n' });
  const rest = '#!/bin/sh\n# Installed by `gitguard hook install`\nexit 0\n';
  const mark = `# gitguard-hook v1 sha256=${createHash('sha256').update(rest).digest('hex')}`;
  const hooks = join(r.dir, '.git', 'hooks');
  mkdirSync(hooks, { recursive: true });
  writeFileSync(join(hooks, 'pre-push'), rest.replace('\n', `\n${mark}\n`));
  chmodSync(join(hooks, 'pre-push'), 0o755);
  expect(await outcome(r)).toBe('fail');
});

test('twin: the hook `gitguard hook install` writes passes', async () => {
  const r = makeRepo();
  r.commit('a', { 'a.txt': 'a\n' });
  const res = await runMain(['hook', 'install', '-C', r.dir], { env: r.env });
  expect(res.code).toBe(0);
  expect(await outcome(r)).toBe('pass');
});
