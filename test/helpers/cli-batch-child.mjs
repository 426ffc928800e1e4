// The child process of cli-batch.ts: runs each run through the built main(argv, io) in turn.
// argv: bin/gitguard.js [RUNS END]. Without RUNS the runs come as JSON on stdin, and each run's output
// is held and printed as one JSON line when it ends. With RUNS (a JSON file: on a terminal, stdin is
// the terminal) each run writes to the process's own streams, as bin/gitguard.js does, and a line
// "END <exit code>" follows it.
import { readFileSync } from 'node:fs';
import { main } from '../../dist/cli/main.js';

const [bin, runsFile, end] = process.argv.slice(2);
let text = '';
if (runsFile) text = readFileSync(runsFile, 'utf8');
else for await (const c of process.stdin) text += c;

for (const run of JSON.parse(text)) {
  // The run's environment is also the process's, as it is for `node bin/gitguard.js`.
  for (const k of Object.keys(process.env)) delete process.env[k];
  Object.assign(process.env, run.env);
  process.chdir(run.cwd);
  const argv = [process.execPath, bin, ...run.args];
  if (runsFile) {
    const code = await main(argv);
    process.stdout.write(`\n${end} ${code}\n`);
    continue;
  }
  const out = [];
  const err = [];
  const code = await main(argv, {
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
