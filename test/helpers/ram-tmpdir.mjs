// Where the tests' temp folders go. They make thousands of repositories, keys and homes, and on an
// ext4 disk each new inode costs the kernel a scan for recently deleted ones (find_inode_bit), which
// a run's own churn keeps long: the same two CLI test files took 20 CPU-s with /tmp on disk and
// 15 on tmpfs, and half the wall time. So a run that was given no TMPDIR gets one folder of its
// own in /dev/shm when that is RAM-backed with room to spare, and removes it at exit, with whatever
// a test left behind. jest.config.js calls this before jest starts its workers, which inherit it.
// useRunCache gives the run a folder for what its workers make once and share (test/helpers/run-cache.ts).
import { mkdtempSync, readdirSync, rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const RAM = '/dev/shm';
const TMPFS_MAGIC = 0x01021994;
const MIN_FREE = 2 * 1024 ** 3;
const PREFIX = 'gitguard-jest-';

const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
};

/** Sets TMPDIR to a fresh folder in /dev/shm (removed at exit); leaves a TMPDIR already set alone. */
export function useRamTmpdir() {
  if (process.env.TMPDIR || process.platform !== 'linux') return;
  try {
    const fs = statfsSync(RAM);
    if (fs.type !== TMPFS_MAGIC || fs.bavail * fs.bsize < MIN_FREE) return;
    // Folders of runs that were killed before their exit handler ran (the pid is in the name).
    for (const name of readdirSync(RAM)) {
      const pid = Number(new RegExp(`^${PREFIX}(\\d+)-`).exec(name)?.[1]);
      if (pid && !alive(pid)) rmSync(join(RAM, name), { recursive: true, force: true });
    }
    const dir = mkdtempSync(join(RAM, `${PREFIX}${process.pid}-`));
    process.env.TMPDIR = dir;
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  } catch {
    // no usable /dev/shm: the system's temp folder, as before
  }
}

/** Sets GITGUARD_TEST_RUN_CACHE to a fresh folder of this run's (removed at exit); one already set stays. */
export function useRunCache() {
  if (process.env.GITGUARD_TEST_RUN_CACHE) return;
  const dir = mkdtempSync(join(tmpdir(), 'gitguard-run-cache-'));
  process.env.GITGUARD_TEST_RUN_CACHE = dir;
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
}
