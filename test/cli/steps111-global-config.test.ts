// steps111: an earlier CI step writes git's global or system configuration (`git config --global`,
// ~/.gitconfig, $XDG_CONFIG_HOME/git/config, /etc/gitconfig) before the gate: a fsmonitor or
// signature program that runs (or vouches) for git, an alias, a hooks folder. gitguard's children
// read none of them (collect/child-env.ts: GIT_CONFIG_GLOBAL=/dev/null, GIT_CONFIG_NOSYSTEM, a
// neutral HOME), so no rule is needed: the reference is real git, which runs the planted program
// with the same environment, while the audit still fails the unsigned commit and runs nothing.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runMain } from '../helpers/cli.js';
import { cleanupTemp } from '../helpers/repo.js';
import { commitAsPerson, sharedSshKey } from '../helpers/ssh.js';
import { aliceSigns, expectGateOutcome } from '../helpers/team.js';

afterAll(cleanupTemp);

describe("an earlier step's global and system git configuration", () => {
  const { r, alice, keys } = aliceSigns();
  const marker = join(r.home, 'ran');
  const evil = join(r.home, 'evil.sh');
  const system = join(r.home, 'etc-gitconfig');
  // The gate's environment after the step: git's own global and system files, as on a runner.
  const env: NodeJS.ProcessEnv = { ...r.env, GIT_CONFIG_SYSTEM: system };
  delete env.GIT_CONFIG_NOSYSTEM;
  delete env.GIT_CONFIG_GLOBAL;

  beforeAll(() => {
    commitAsPerson(r, alice, 'alice@example.com', 'signed', { 'a.txt': '1\n' });
    commitAsPerson(r, undefined, 'alice@example.com', 'unsigned: the attack', { 'a.txt': '2\n' });
    // Signed by a key the allowed signers do not list, claiming Alice: a program that vouched would pass it.
    commitAsPerson(r, sharedSshKey('mallory'), 'alice@example.com', 'forged', { 'a.txt': '3\n' });
    // A fsmonitor or signature program that marks that it ran, and (as gpg.ssh.program) verifies nothing.
    writeFileSync(evil, `#!/bin/sh\ntouch '${marker}'\necho 'Good "git" signature for alice@example.com'\nexit 0\n`);
    chmodSync(evil, 0o755);
    mkdirSync(join(r.home, 'hooks'), { recursive: true });
    // The step, as a CI job runs it: `git config --global`, and the XDG and system files written.
    const step = [
      `git config --global core.fsmonitor '${evil}'`,
      `git config --global core.hooksPath '${join(r.home, 'hooks')}'`,
      `git config --global alias.lg '!${evil}'`,
      `git config --global gpg.ssh.program '${evil}'`,
      `mkdir -p "$XDG_CONFIG_HOME/git" && git config --file "$XDG_CONFIG_HOME/git/config" core.fsmonitor '${evil}'`,
      `git config --file '${system}' core.fsmonitor '${evil}'`,
      `git config --file '${system}' gpg.program '${evil}'`,
    ].join('\n');
    const res = spawnSync('bash', ['-eo', 'pipefail', '-c', step], { cwd: r.dir, env, encoding: 'utf8' });
    expect(res.status).toBe(0);
  });

  test('real git runs the planted fsmonitor program', () => {
    rmSync(marker, { force: true });
    spawnSync('git', ['status', '--porcelain'], { cwd: r.dir, env });
    expect(existsSync(marker)).toBe(true);
  });

  test('the audit still fails the unsigned and the forged commit and runs none of it', async () => {
    rmSync(marker, { force: true });
    const res = await runMain(
      ['audit', '-C', r.dir, '--no-ledger', '--allowed-signers', keys, '-r', 'commits-signed,signers-authorized'],
      {
        env,
      },
    );
    expect([res.code, res.stdout]).toEqual([1, expect.stringMatching(/FAIL\s+commits-signed/)]);
    expect(res.stdout).toMatch(/FAIL\s+signers-authorized/);
    expect(existsSync(marker)).toBe(false);
  });

  test('ci-gate-kept keeps a gate after a step that sets global git configuration', () =>
    expectGateOutcome(
      {
        '.github/workflows/ci.yml':
          'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npx gitguard audit\n',
      },
      {
        '.github/workflows/ci.yml':
          'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: git config --global core.fsmonitor ./x.sh && git config --global alias.lg "!./x.sh"\n      - run: npx gitguard audit\n',
      },
      true,
    ));
});
