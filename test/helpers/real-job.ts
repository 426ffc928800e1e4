// The reference for a job whose earlier steps may change what its gitguard step runs: the steps run
// in order by real bash as GitHub's runner runs `shell: bash` (`bash --noprofile --norc -eo pipefail
// {0}`), each with a fresh $GITHUB_ENV and $GITHUB_PATH file read after it as the runner documents
// ("workflow commands": `NAME=value` and `NAME<<DELIMITER` lines set the variable for the steps
// after it, each $GITHUB_PATH line is put first on PATH), a step's `env:` over the job's. The
// checkout is a real repository whose HEAD is an unsigned commit on a signed one, with a `gitguard`
// and an `npx` (node scripts, so NODE_OPTIONS reaches them) that fail unless git verifies HEAD's
// signature (`%G?` = G): a step that moved the checkout to the signed commit passes them, as a real
// audit of that commit would.
import { spawnSync, execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface JobStep {
  run: string;
  env?: Record<string, string>;
  /** The step's folder (`working-directory:`); `~/x`: x in the job's HOME (where its npx and gitguard are). */
  dir?: string;
}

const roots: string[] = [];

/** Removes the checkouts jobPasses made (call in afterAll). */
export function cleanupJobs(): void {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
}

const TOOL = `#!/usr/bin/env node
const { execFileSync } = require('node:child_process');
let g = '';
try { g = execFileSync('git', ['log', '-1', '--format=%G?'], { encoding: 'utf8' }).trim(); } catch {}
process.exit(g === 'G' ? 0 : 1);
`;

/** A checkout of `files` (executable) in a repository: a signed commit, then an unsigned one at HEAD. */
function checkout(files: Record<string, string>): { dir: string; env: Record<string, string> } {
  if (!roots.length) roots.push(mkdtempSync(join(tmpdir(), 'gitguard-job-')));
  // The runner's layout: the workspace next to its temp folder (`work/<repo>`, `work/_temp`), HOME beside.
  const job = mkdtempSync(join(roots[0]!, 'j-'));
  const [dir, home, temp] = ['work', 'home', '_temp'].map((d) => join(job, d)) as [string, string, string];
  const tools = join(home, 'bin');
  for (const d of [dir, tools, join(temp, '_runner_file_commands')]) mkdirSync(d, { recursive: true });
  for (const t of ['npx', 'gitguard']) {
    writeFileSync(join(tools, t), TOOL);
    chmodSync(join(tools, t), 0o755);
  }
  const env = {
    PATH: `${tools}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    HOME: home,
    RUNNER_TEMP: temp,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'A',
    GIT_AUTHOR_EMAIL: 'a@example.com',
    GIT_COMMITTER_NAME: 'A',
    GIT_COMMITTER_EMAIL: 'a@example.com',
  };
  const git = (...args: string[]): string => execFileSync('git', args, { cwd: dir, env, encoding: 'utf8' });
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(home, 'key')]);
  writeFileSync(join(home, 'signers'), `a@example.com ${readFileSync(join(home, 'key.pub'), 'utf8')}`);
  git('init', '-q', '-b', 'main');
  for (const [k, v] of Object.entries({
    'gpg.format': 'ssh',
    'user.signingkey': join(home, 'key'),
    'gpg.ssh.allowedSignersFile': join(home, 'signers'),
  }))
    git('config', k, v);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, dirname(path)), { recursive: true });
    writeFileSync(join(dir, path), text, { mode: 0o755 });
  }
  git('add', '-A');
  git('commit', '-q', '-S', '--allow-empty', '-m', 'signed');
  git('commit', '-q', '--no-gpg-sign', '--allow-empty', '-m', 'unsigned');
  return { dir, env };
}

/** The variables a $GITHUB_ENV file sets, as the runner reads it. */
function envFile(text: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i]!;
    const multi = /^([^=<]+)<<(.+)$/.exec(line);
    if (multi) {
      const value: string[] = [];
      for (i += 1; i < lines.length && lines[i] !== multi[2]; i += 1) value.push(lines[i]!);
      out.push([multi[1]!, value.join('\n')]);
    } else if (line.includes('=')) out.push([line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]);
  }
  return out;
}

/** Whether every step of the job succeeds (the gate, its last step, passed) in a checkout of `files`. */
export function jobPasses(steps: readonly JobStep[], files: Record<string, string> = {}, jobEnv = {}): boolean {
  const { dir, env: base } = checkout(files);
  const env: Record<string, string> = { ...base, GITHUB_WORKSPACE: dir, ...jobEnv };
  const paths: string[] = [];
  for (const [k, step] of steps.entries()) {
    // As the runner names them: $RUNNER_TEMP/_runner_file_commands/set_env_<id>, add_path_<id>.
    const id = `${k}-${Math.random().toString(36).slice(2)}`;
    const commands = join(base.RUNNER_TEMP!, '_runner_file_commands');
    const [envPath, pathPath, script] = [`set_env_${id}`, `add_path_${id}`, `../${id}.sh`].map((f) =>
      join(commands, f),
    ) as [string, string, string];
    writeFileSync(envPath, '');
    writeFileSync(pathPath, '');
    writeFileSync(script, step.run);
    const stepEnv: Record<string, string> = { ...env, GITHUB_ENV: envPath, GITHUB_PATH: pathPath, ...step.env };
    if (!step.env?.PATH) stepEnv.PATH = [...paths, env.PATH].join(':');
    const cwd = step.dir === undefined ? dir : step.dir.replace(/^~(?=\/)/, base.HOME ?? '~');
    const res = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], { cwd, env: stepEnv });
    if (res.status !== 0) return false;
    for (const [name, value] of envFile(readFileSync(envPath, 'utf8'))) env[name] = value;
    for (const p of readFileSync(pathPath, 'utf8').split('\n').filter(Boolean)) paths.unshift(p);
    rmSync(envPath);
    rmSync(pathPath);
  }
  return true;
}
