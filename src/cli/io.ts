// What a command may touch of its process: the output streams, stdin, the environment and where the
// gitguard program itself lives. Its own module so commands do not import the process shell that
// loads them; main(argv, io) may run many times in one process (the tests do), so nothing here is
// read from `process` except by processIo().
import { realpathSync } from 'node:fs';

export interface Io {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  env: NodeJS.ProcessEnv;
  isTTY: boolean;
  /** Whether stderr is a terminal (progress lines go there only then). */
  stderrIsTTY?: boolean;
  /** All of stdin as text (a hook's input); '' when stdin is a terminal. */
  stdin: () => Promise<string>;
  /** The node and script running gitguard, so an installed hook finds this very gitguard. */
  gitguard: () => { node: string; bin: string } | undefined;
}

function readProcessStdin(): Promise<string> {
  return new Promise((resolve, reject) => {
    if (process.stdin.isTTY) return resolve('');
    const chunks: Buffer[] = [];
    process.stdin.on('data', (c: Buffer) => chunks.push(c));
    process.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    process.stdin.on('error', reject);
  });
}

function processGitguard(): { node: string; bin: string } | undefined {
  try {
    const bin = process.argv[1] ? realpathSync.native(process.argv[1]) : undefined;
    return bin ? { node: process.execPath, bin } : undefined;
  } catch {
    return undefined;
  }
}

export const processIo = (): Io => ({
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  env: process.env,
  isTTY: Boolean(process.stdout.isTTY),
  stderrIsTTY: Boolean(process.stderr.isTTY),
  stdin: readProcessStdin,
  gitguard: processGitguard,
});
