// Installed client versions. Programs come from PATH (or --git), never from the audited repository,
// and run in a neutral folder with the hardened environment.
import { spawn } from 'node:child_process';
import type { ToolVersion } from '../model.js';
import { getGitBinary, hardenedEnv } from './git.js';

function firstOutputLine(program: string, args: string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    let out = '';
    let child;
    try {
      child = spawn(program, args, { env: hardenedEnv(), stdio: ['ignore', 'pipe', 'pipe'], shell: false, windowsHide: true });
    } catch {
      resolve(undefined);
      return;
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    // ssh -V prints on stderr.
    child.stdout!.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.stderr!.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.on('error', () => {
      clearTimeout(timer);
      resolve(undefined);
    });
    child.on('close', () => {
      clearTimeout(timer);
      const line = out.split('\n').find((l) => l.trim());
      resolve(line?.trim());
    });
  });
}

export async function collectClient(): Promise<ToolVersion[]> {
  const probes: Array<[ToolVersion['tool'], string, string[]]> = [
    ['git', getGitBinary(), ['--version']],
    ['gpg', 'gpg', ['--version']],
    ['ssh', 'ssh', ['-V']],
  ];
  const found = await Promise.all(probes.map(async ([tool, program, args]) => ({ tool, program, raw: await firstOutputLine(program, args) })));
  return found.filter((f): f is ToolVersion => f.raw !== undefined);
}
