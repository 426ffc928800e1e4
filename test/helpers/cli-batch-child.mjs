// The child process of cli-batch.ts: reads the runs (JSON) from stdin, runs each through the built
// main(argv, io) in turn, and prints one JSON line per run as it ends. argv[2]: bin/gitguard.js.
import { main } from '../../dist/cli/main.js';

const bin = process.argv[2];
const chunks = [];
for await (const c of process.stdin) chunks.push(c);
const runs = JSON.parse(Buffer.concat(chunks).toString('utf8'));

for (const run of runs) {
  // The run's environment is also the process's, as it is for `node bin/gitguard.js`.
  for (const k of Object.keys(process.env)) delete process.env[k];
  Object.assign(process.env, run.env);
  process.chdir(run.cwd);
  const out = [];
  const err = [];
  const code = await main([process.execPath, bin, ...run.args], {
    stdout: (s) => out.push(Buffer.from(s, 'utf8')),
    stderr: (s) => err.push(Buffer.from(s, 'utf8')),
    env: run.env,
    isTTY: false,
    stderrIsTTY: false,
    stdin: async () => '',
    gitguard: () => ({ node: process.execPath, bin }),
  });
  const line = { code, stdout: Buffer.concat(out).toString('base64'), stderr: Buffer.concat(err).toString('utf8') };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}
