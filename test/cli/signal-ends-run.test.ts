// A signal that ends gitguard (a CI job's timeout sends SIGTERM, Ctrl-C SIGINT) ends the git it
// started and removes its temp folders (red-team round 7; before: git ran on without it, and the
// shadow, walk and secrets folders stayed in TMPDIR). The built binary, since only a process has signals.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTemp, makeRepo, tempDir } from '../helpers/repo.js';
import { BIN } from '../helpers/cli.js';

afterAll(cleanupTemp);

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Resolves once `test()` holds, checking every 50 ms. */
async function until(test: () => boolean): Promise<void> {
  while (!test()) await new Promise((r) => setTimeout(r, 50));
}

test.each(['SIGTERM', 'SIGINT'] as const)(
  '%s while git walks the history: git is killed, the temp folders are gone, one line, exit 128+n',
  async (signal) => {
    const repo = makeRepo();
    repo.commit('one');
    const dir = tempDir();
    // A git that answers everything but the walk, which it never finishes: it writes its pid first.
    const marker = join(dir, 'walking');
    const git = join(dir, 'git');
    writeFileSync(
      git,
      `#!/bin/sh\ncase "$*" in *rev-list*--topo-order*) echo $$ > '${marker}'; exec sleep 600;; esac\nexec git "$@"\n`,
    );
    chmodSync(git, 0o755);
    const tmp = tempDir();
    const child = spawn(process.execPath, [BIN, 'audit', repo.dir, '--no-cache', '--no-ledger', '--git', git], {
      env: { ...repo.env, TMPDIR: tmp, NO_COLOR: '1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const ended = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    await until(() => existsSync(marker) && readFileSync(marker, 'utf8').endsWith('\n'));
    const walker = Number(readFileSync(marker, 'utf8'));
    expect(alive(walker)).toBe(true);
    child.kill(signal);
    expect(await ended).toBe(signal === 'SIGTERM' ? 143 : 130);
    expect(stderr).toBe(`gitguard: stopped by ${signal} before the audit ended; run it again\n`);
    await until(() => !alive(walker)); // before: it slept on for ten minutes (the test timed out)
    expect(readdirSync(tmp)).toEqual([]);
  },
);
