// Red team 30: gpg.ssh.defaultKeyCommand `ssh-add -L` passes in the repository's config, read as the
// words git splits it into. git splits at its own whitespace (space, tab, LF, CR) and no other: with
// "ssh-add<VT>-L" or "ssh-add<FF>-L", git 2.39 runs one program of that whole name, found on PATH (a
// committed file of that name where PATH holds '.' or an empty entry), but gitguard read JavaScript's
// \s there (\v, \f, NBSP...) and passed it as the user's own ssh-add.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTemp } from '../helpers/repo.js';
import { configRuleRepo } from '../helpers/config-rule.js';

afterAll(() => cleanupTemp());

const RULE = 'signing-programs-not-overridden-locally';
const { r, outcome } = configRuleRepo(RULE);

test('git runs "ssh-add<VT>-L" as one program, and the rule fails it (before: pass)', async () => {
  // git's answer: a program of that whole name on PATH is what runs.
  const bin = join(r.home, 'bin');
  mkdirSync(bin, { recursive: true });
  const ran = join(r.home, 'ran');
  writeFileSync(join(bin, 'ssh-add\v-L'), `#!/bin/sh\necho ran > '${ran}'\n`);
  chmodSync(join(bin, 'ssh-add\v-L'), 0o755);
  r.config({ 'gpg.format': 'ssh', 'gpg.ssh.defaultKeyCommand': 'ssh-add\v-L' });
  try {
    execFileSync('git', ['commit', '-q', '-S', '--allow-empty', '-m', 'x'], {
      cwd: r.dir,
      env: { ...r.env, PATH: `${bin}:${process.env.PATH ?? ''}` },
      stdio: 'pipe',
    });
  } catch {
    // No key listed: git stops after running it.
  }
  expect(readFileSync(ran, 'utf8')).toBe('ran\n');
  for (const value of ['ssh-add\v-L', 'ssh-add\f-L', 'ssh-add\u00a0-L', '\u00a0ssh-add -L'])
    expect((await outcome({ 'gpg.ssh.defaultKeyCommand': value })).outcome).toBe('fail');
});

test('twin: the words git splits at (space, tab) pass', async () => {
  for (const value of ['ssh-add -L', 'ssh-add\t-L', ' ssh-add  -L\t'])
    expect((await outcome({ 'gpg.ssh.defaultKeyCommand': value })).outcome).toBe('pass');
});
