// Red-team round 10: a `--git` wrapper's own children outlived it. The time limit (or gitguard's
// SIGTERM) killed the wrapper alone: the `sleep` (or git) it had started ran on, and one that held
// gitguard's pipe open made the run wait on it for good. Every child is the leader of its own
// process group now, and the group is what is killed, also once the child has exited.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTemp, makeRepo, tempDir, type TestRepo } from '../helpers/repo.js';
import { BIN, runMain } from '../helpers/cli.js';

afterAll(cleanupTemp);

/** Whether a process runs (a zombie nobody reaped, in a container without init, does not). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Polls `test()` every 20 ms for at most `ms`; its last answer. */
async function within(ms: number, test: () => boolean): Promise<boolean> {
  const end = Date.now() + ms;
  while (!test() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  return test();
}

/** A git wrapper that, for the walk's rev-list, runs `script` (with $MARK the file for a pid), else git. */
function wrapper(script: string): { git: string; mark: string } {
  const dir = tempDir();
  const mark = join(dir, 'pid');
  const git = join(dir, 'git');
  writeFileSync(
    git,
    `#!/bin/sh\nMARK='${mark}'\ncase "$*" in *rev-list*--topo-order*) ${script};; esac\nexec git "$@"\n`,
  );
  chmodSync(git, 0o755);
  return { git, mark };
}

const pidIn = (mark: string): number => Number(readFileSync(mark, 'utf8'));

function repoWithCommit(): TestRepo {
  const r = makeRepo();
  r.commit('one', { f: '1\n' });
  return r;
}

test('the time limit kills the wrapper and the sleep it started (exit 2)', async () => {
  const r = repoWithCommit();
  const { git, mark } = wrapper(`sleep 1000 & echo $! > "$MARK"; wait; exit 0`);
  const res = await runMain(['audit', '-C', r.dir, '--no-ledger', '--no-cache', '--git', git], {
    env: { ...r.env, GITGUARD_TIMEOUT: '1' },
  });
  expect([res.code, res.stderr]).toEqual([2, expect.stringContaining('GITGUARD_TIMEOUT')]);
  const sleeper = pidIn(mark);
  expect(await within(10_000, () => !alive(sleeper))).toBe(true); // before: it slept on
});

test('a wrapper that leaves a child holding the pipe open: the run ends when git does, the child is killed', async () => {
  const r = repoWithCommit();
  // The sleep inherits stdout: before, gitguard waited for it to close the pipe (for ever: the
  // watchdog spares a child that has exited).
  const { git, mark } = wrapper(`sleep 1000 & echo $! > "$MARK"`);
  const res = await runMain(['audit', '-C', r.dir, '--no-ledger', '--no-cache', '--git', git, '-t', 'history'], {
    env: { ...r.env, GITGUARD_TIMEOUT: '30' },
  });
  expect(res.code).toBe(0);
  const sleeper = pidIn(mark);
  expect(await within(10_000, () => !alive(sleeper))).toBe(true);
}, 20_000);

test('SIGTERM to gitguard kills a wrapper that ignores SIGTERM and the child it started (exit 143)', async () => {
  const r = repoWithCommit();
  const { git, mark } = wrapper(`trap '' TERM; sleep 1000 & echo $! > "$MARK"; echo $$ >> "$MARK.wrapper"; wait`);
  const child = spawn(process.execPath, [BIN, 'audit', r.dir, '--no-cache', '--no-ledger', '--git', git], {
    env: { ...r.env, NO_COLOR: '1' },
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  const ended = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
  expect(
    await within(20_000, () => existsSync(`${mark}.wrapper`) && readFileSync(`${mark}.wrapper`, 'utf8').endsWith('\n')),
  ).toBe(true);
  const [sleeper, shell] = [pidIn(mark), Number(readFileSync(`${mark}.wrapper`, 'utf8'))];
  child.kill('SIGTERM');
  expect(await ended).toBe(143);
  expect(await within(10_000, () => !alive(sleeper) && !alive(shell))).toBe(true);
}, 40_000);
