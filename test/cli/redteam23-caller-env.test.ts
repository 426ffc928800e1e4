// Red-team round 23 (held): the caller's environment must not change what history git shows the
// audit. GIT_REPLACE_REF_BASE (replace refs under another prefix), GIT_GRAFT_FILE, GIT_SHALLOW_FILE,
// GIT_NAMESPACE, GIT_CONFIG_PARAMETERS / GIT_CONFIG_COUNT (core.useReplaceRefs back on),
// GIT_NO_REPLACE_OBJECTS=0 and GIT_INDEX_FILE set by a CI step or a hook: git itself, run under them,
// shows a signed replacement in the place of the unsigned tip; the audit judges the tip as it is.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { cleanupTemp, tempDir } from '../helpers/repo.js';
import { makeSshKey, type SshTestKey } from '../helpers/ssh.js';
import { sshSigningRepo } from '../helpers/signing-repo.js';
import { runMain } from '../helpers/cli.js';

let alice: SshTestKey;
beforeAll(() => {
  alice = makeSshKey(tempDir(), 'ed25519', 'alice');
});
afterAll(() => cleanupTemp());

test('replace refs under GIT_REPLACE_REF_BASE and every other history-changing GIT_* variable of the caller: the unsigned tip still fails', async () => {
  const r = sshSigningRepo(alice);
  const base = r.commit('signed base', { 'a.txt': 'a\n' });
  const unsigned = r.commit('unsigned tip', { 'a.txt': 'b\n' }, ['--no-gpg-sign']);
  // A signed commit standing in for the unsigned tip, under a prefix only GIT_REPLACE_REF_BASE names.
  r.run(['checkout', '-q', '--detach', base]);
  const stand = r.commit('signed stand-in', { 'a.txt': 'c\n' });
  r.run(['checkout', '-q', 'main']);
  r.run(['update-ref', `refs/evil/${unsigned}`, stand]);
  const grafts = join(tempDir(), 'grafts');
  writeFileSync(grafts, `${unsigned}\n`); // the tip grafted to no parent
  const env = {
    ...r.env,
    GIT_REPLACE_REF_BASE: 'refs/evil/',
    GIT_NO_REPLACE_OBJECTS: '0',
    GIT_GRAFT_FILE: grafts,
    GIT_SHALLOW_FILE: grafts,
    GIT_NAMESPACE: 'elsewhere',
    GIT_CONFIG_PARAMETERS: "'core.usereplacerefs'='true'",
    GIT_CONFIG_COUNT: '1',
    GIT_CONFIG_KEY_0: 'core.useReplaceRefs',
    GIT_CONFIG_VALUE_0: 'true',
    GIT_INDEX_FILE: join(tempDir(), 'index'),
  };
  // git under that environment shows the stand-in at HEAD
  const shown = execFileSync('git', ['log', '-1', '--format=%s', 'HEAD'], {
    cwd: r.dir,
    env: { ...env, GIT_NO_REPLACE_OBJECTS: undefined, GIT_GRAFT_FILE: undefined, GIT_SHALLOW_FILE: undefined },
    encoding: 'utf8',
  }).trim();
  expect(shown).toBe('signed stand-in');
  const res = await runMain(['audit', '-C', r.dir, '--no-cache', '--no-ledger', '-r', 'commits-signed'], { env });
  expect(res.code).toBe(1);
  expect(res.stdout).toContain(unsigned.slice(0, 12));
  const clean = await runMain(['audit', '-C', r.dir, '--no-cache', '--no-ledger', '-r', 'commits-signed'], {
    env: r.env,
  });
  expect(clean.code).toBe(1);
});
