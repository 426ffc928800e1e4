// What a test run makes many times over and that need not differ between test files (throwaway SSH
// keys): made once per run, by whichever worker asks first, in the folder jest.config.js gives the run
// (GITGUARD_TEST_RUN_CACHE, removed when the run ends), and shared by every worker. A run without that
// folder (a helper used outside jest) makes each anew.
import { existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A folder holding what `make` put into it: made once per run for `slot` (a file name), or anew outside a run. */
export function runCached(slot: string, make: (dir: string) => void): string {
  const root = process.env.GITGUARD_TEST_RUN_CACHE;
  if (!root || !existsSync(root)) {
    const dir = mkdtempSync(join(tmpdir(), 'gitguard-made-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    make(dir);
    return dir;
  }
  const dir = join(root, encodeURIComponent(slot));
  if (existsSync(dir)) return dir;
  // Made aside and renamed into place whole: a worker sees the slot complete or not at all.
  const making = mkdtempSync(join(root, '.making-'));
  make(making);
  try {
    renameSync(making, dir);
  } catch (err) {
    // Another worker made the same slot meanwhile: theirs is used, ours dropped.
    if (!existsSync(dir)) throw err;
    rmSync(making, { recursive: true, force: true });
  }
  return dir;
}
