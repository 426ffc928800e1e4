// The reference for a CI step that runs files of the checkout: the step's command run by bash -eo
// pipefail (GitHub's `shell: bash`) in a checkout of `files`, with an npx and a gitguard whose audit
// fails on PATH (npm puts node_modules/.bin first: the fake stands for it). Shared by the gate tests
// that compare ci-gate-kept with real bash, GNU make and npm.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const roots: string[] = [];

/** Removes the checkouts stepFails made (call in afterAll). */
export function cleanupSteps(): void {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
}

/** `files` written in a new folder under `root` (executable), with the failing tools; its folder and environment. */
export function failingToolsCheckout(
  root: string,
  files: Record<string, string>,
): { dir: string; env: Record<string, string> } {
  const dir = mkdtempSync(join(root, 'c-'));
  mkdirSync(join(dir, 'bin'));
  for (const tool of ['npx', 'gitguard']) {
    writeFileSync(join(dir, 'bin', tool), '#!/bin/sh\nexit 1\n');
    chmodSync(join(dir, 'bin', tool), 0o755);
  }
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, dirname(path)), { recursive: true });
    writeFileSync(join(dir, path), text, { mode: 0o755 });
  }
  return { dir, env: { PATH: `${join(dir, 'bin')}:${process.env.PATH ?? '/usr/bin:/bin'}`, HOME: dir } };
}

/** Whether the step `run` fails in a checkout of `files`; null where its tool is not installed. */
export function stepFails(run: string, files: Record<string, string>): boolean | null {
  if (!roots.length) roots.push(mkdtempSync(join(tmpdir(), 'gitguard-step-')));
  const { dir, env } = failingToolsCheckout(roots[0]!, files);
  const tool = run.split(' ')[0]!;
  if (!tool.includes('/') && spawnSync(tool, ['--version']).status !== 0) return null;
  const res = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', run], { cwd: dir, env });
  return res.status !== 0;
}
