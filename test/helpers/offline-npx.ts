// npm's own npx, offline, as a job's gate step (real-job.ts JobStep), with a folder `made` holding
// node_modules/.bin/gitguard (a script that exits 0) and `tgz`, an archive of that node_modules: a
// step that puts it where npx looks makes the gate pass the unsigned HEAD the job's gitguard fails.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { JobStep } from './real-job.js';

export interface OfflineNpx {
  made: string;
  tgz: string;
  gate: JobStep;
  /** Removes its folder (call in afterAll). */
  cleanup: () => void;
}

export function offlineNpx(prefix: string): OfflineNpx {
  const npx = join(dirname(process.execPath), 'npx');
  const root = mkdtempSync(join(tmpdir(), prefix));
  const made = join(root, 'made');
  mkdirSync(join(made, 'node_modules/.bin'), { recursive: true });
  writeFileSync(join(made, 'node_modules/.bin/gitguard'), '#!/bin/sh\nexit 0\n');
  chmodSync(join(made, 'node_modules/.bin/gitguard'), 0o755);
  const tgz = join(root, 'x.tgz');
  execFileSync('tar', ['-czf', tgz, '-C', made, 'node_modules']);
  const env = { PATH: `${dirname(process.execPath)}:/usr/bin:/bin`, npm_config_cache: join(root, 'cache') };
  const gate = { run: `"${npx}" --offline gitguard audit`, env };
  return { made, tgz, gate, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}
