// A checkout written as plain files for a reference run of a CI step's command by the real shell,
// make or npm: `npx` and `gitguard` on PATH first, each failing as an audit that finds something does.
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

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
