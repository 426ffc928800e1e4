// The pre-push lines as git really writes them (captured from a real push by a hook), fed to the
// check (red-team round 2): git names the local side by the expression the user pushed, which may
// hold spaces ("HEAD@{1 minute ago}"), so only the last three fields have a fixed shape.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { prePushCheck } from '../../src/engine/prepush.js';
import { makeRepo, cleanupTemp, tempDir } from '../helpers/repo.js';

afterAll(cleanupTemp);

test('a local side with spaces, as git writes it, is read; a malformed line is still refused', async () => {
  const repo = makeRepo();
  repo.commit('a');
  repo.commit('b');
  const bare = join(tempDir(), 'remote.git');
  repo.run(['init', '-q', '--bare', bare]);
  repo.run(['remote', 'add', 'origin', bare]);
  const captured = join(repo.home, 'pre-push.in');
  writeFileSync(join(repo.dir, '.git', 'hooks', 'pre-push'), `#!/bin/sh\ncat > '${captured}'\n`, { mode: 0o755 });
  repo.run(['push', '-q', 'origin', 'HEAD@{0 seconds ago}:refs/heads/topic']);
  const input = readFileSync(captured, 'utf8');
  expect(input).toMatch(/^HEAD@\{0 seconds ago\} [0-9a-f]{40} refs\/heads\/topic 0{40}\n$/);
  const check = (text: string) =>
    prePushCheck({ path: repo.dir, remote: 'origin', url: bare, input: text, env: repo.env, trust: { cache: false } });
  const r = await check(input);
  expect(r.lines.join('\n')).toContain('new commit(s) checked');
  await expect(check(input.replace(/ refs\/heads\/topic /, ' refs/heads/a b '))).rejects.toThrow(
    'pre-push input line 1 is not',
  );
  await expect(check('refs/heads/main deadbeef refs/heads/main 0\n')).rejects.toThrow('pre-push input line 1 is not');
});
