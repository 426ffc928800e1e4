// Two ways to run gitguard against the real repositories the tests make:
// - runMain: main(argv, io) in this process, with stdout, stderr, stdin and the environment given
//   through Io: what almost every CLI test uses (no node start-up and module load per run). In the e2e
//   project that main is dist/'s, brought up to date before the run and loaded once per jest worker
//   (test/helpers/e2e-environment.mjs); elsewhere src/'s, loaded by the test file.
// - runCli: the BUILT binary (bin/gitguard.js -> dist/) the way a user or CI runs it, a separate node
//   process: for what only a process has (exit status, EPIPE, signals, a terminal, a hang that must
//   be killed, worker threads from dist/). Build first (`npm run build`; `npm test` does it before jest).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Io } from '../../src/cli/io.js';
import type { main as Main } from '../../src/cli/main.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = join(ROOT, 'bin', 'gitguard.js');

export interface CliResult {
  /** Exit status; -1 when the process was killed (timeout, signal). */
  code: number;
  stdout: string;
  stderr: string;
  /** stdout as bytes, for assertions about exactly what reached the terminal. */
  stdoutBytes: Buffer;
}

export interface CliOptions {
  cwd?: string;
  /** The environment (usually a test repo's pinned env); NO_COLOR is always set on top. */
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

export interface MainOptions {
  /** The working directory during the run (default: the repository root, as for runCli). */
  cwd?: string;
  /** The environment (usually a test repo's pinned env); NO_COLOR is always set on top. */
  env?: NodeJS.ProcessEnv;
  /** stdin (a hook's input); empty by default, as runCli's closed stdin. */
  input?: string;
  /** What a hook installed by this run starts (default: node and the built binary; see hook-bridge.ts). */
  gitguard?: { node: string; bin: string };
}

// Runs share the process's working directory, so they take turns.
let turn: Promise<unknown> = Promise.resolve();

/**
 * `gitguard ...args` as main(argv, io) in this process: the exit code main returns, and what it wrote
 * through io, byte for byte. Like runCli, never throws on a non-zero exit.
 */
export function runMain(args: string[], opts: MainOptions = {}): Promise<CliResult> {
  const run = turn.then(async () => {
    // The e2e project's environment shares one main per worker (built, loaded once: e2e-environment.mjs).
    const shared = (globalThis as { __gitguardSharedMain?: () => Promise<typeof Main> }).__gitguardSharedMain;
    const main = shared ? await shared() : (await import('../../src/cli/main.js')).main;
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const io: Io = {
      stdout: (s) => out.push(Buffer.from(s, 'utf8')),
      stderr: (s) => err.push(Buffer.from(s, 'utf8')),
      env: { ...(opts.env ?? process.env), NO_COLOR: '1' },
      isTTY: false,
      stderrIsTTY: false,
      stdin: async () => opts.input ?? '',
      gitguard: () => opts.gitguard ?? { node: process.execPath, bin: BIN },
    };
    const before = process.cwd();
    process.chdir(opts.cwd ?? ROOT);
    try {
      const code = await main([process.execPath, BIN, ...args], io);
      const stdoutBytes = Buffer.concat(out);
      return { code, stdout: stdoutBytes.toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), stdoutBytes };
    } finally {
      process.chdir(before);
    }
  });
  turn = run.catch(() => undefined);
  return run;
}

function assertBuilt(): void {
  if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) {
    throw new Error('dist/ is missing: build first with `npx tsc -p tsconfig.build.json` (npm test does it)');
  }
}

/** `node bin/gitguard.js ...args` with the given cwd and env; never throws on a non-zero exit. */
export function runCli(args: string[], opts: CliOptions = {}): CliResult {
  assertBuilt();
  return runCommand(process.execPath, [BIN, ...args], opts);
}

/** Runs any command the same way (used to wrap the binary in `script` for a terminal). */
export function runCommand(command: string, args: string[], opts: CliOptions = {}): CliResult {
  const res = spawnSync(command, args, {
    cwd: opts.cwd ?? ROOT,
    env: { ...(opts.env ?? process.env), NO_COLOR: '1' },
    timeout: opts.timeoutMs ?? 60_000,
    maxBuffer: 64 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (res.error && (res.error as NodeJS.ErrnoException).code !== 'ETIMEDOUT') throw res.error;
  const stdoutBytes = res.stdout ?? Buffer.alloc(0);
  return {
    code: res.status ?? -1,
    stdout: stdoutBytes.toString('utf8'),
    stderr: (res.stderr ?? Buffer.alloc(0)).toString('utf8'),
    stdoutBytes,
  };
}

/** stderr split into non-empty lines. */
export function stderrLines(r: CliResult): string[] {
  return r.stderr.split('\n').filter((l) => l.length > 0);
}

/** Whether any output looks like a JavaScript stack trace. */
export function hasStackTrace(r: CliResult): boolean {
  return /^\s{4}at /m.test(r.stderr) || /^\s{4}at /m.test(r.stdout);
}

/** The parts of the --format json report (schemaVersion 1) the CLI tests read. */
export interface JsonFinding {
  message: string;
  commit?: string;
  ref?: string;
  file?: string;
  evidence?: Record<string, string | number | boolean | null>;
}
export interface JsonResult {
  outcome: string;
  severity: string;
  findings: JsonFinding[];
  findingCount: number;
  note?: string;
  /** What the rule found settled (a client rule: CVEs the distribution fixed). */
  resolved?: JsonFinding[];
  meta: { id: string; threat: string; severity: string; title: string };
}
export interface JsonReport {
  schemaVersion: number;
  tool: { name: string; version: string };
  repository: {
    path: string;
    gitDir: string;
    bare: boolean;
    shallow: boolean;
    objectFormat: string;
    head: { ref?: string; oid?: string };
  };
  scope: { description: string; commits: number };
  failOn: string;
  results: JsonResult[];
  summary: Record<string, number>;
  exitCode: number;
  ledger?: { updated: boolean; reason?: string; cause?: string; file?: string; refs?: number };
}

/** The result of one rule in a parsed report (throws when the rule is not in it). */
export function resultOf(report: JsonReport, id: string): JsonResult {
  const r = report.results.find((x) => x.meta.id === id);
  if (!r) throw new Error(`rule ${id} is not in the report (has: ${report.results.map((x) => x.meta.id).join(', ')})`);
  return r;
}

/** Parses a --format json report (throws with the raw output when it is not JSON). */
export function parseJson<T = JsonReport>(r: CliResult): T {
  try {
    return JSON.parse(r.stdout) as T;
  } catch {
    throw new Error(`not JSON (exit ${r.code}):\n${r.stdout}\n--- stderr ---\n${r.stderr}`);
  }
}

/** The rules the history files ask about together (the remote record, the ledger, signatures). */
export const HISTORY_RULES = [
  'protected-refs-not-rewritten',
  'protected-refs-present',
  'tags-not-moved',
  'reflog-no-forced-updates',
  'commits-signed',
];

/**
 * `gitguard audit -C dir --format json --no-cache -r <rules>` in-process: its exit code and parsed
 * report. `stopOnError`: an exit 2 throws with its stderr (a set-up gone wrong, not an answer).
 */
export async function auditRules(
  dir: string,
  env: NodeJS.ProcessEnv,
  rules: readonly string[],
  stopOnError = false,
): Promise<{ code: number; report: JsonReport }> {
  const res = await runMain(['audit', '-C', dir, '--format', 'json', '--no-cache', '-r', rules.join(',')], { env });
  if (stopOnError && res.code === 2) throw new Error(res.stderr);
  return { code: res.code, report: parseJson(res) };
}

/**
 * `gitguard audit -C dir ...flags ...scope --format json --no-cache` in-process (scope: `-r rule`, or
 * another choice of rules such as `--threat impersonation`): its exit code, and for each finding of
 * `rule` the commit it names ('' for none) and its message. The key-file tests' audit.
 */
export async function ruleFindings(
  { dir, env }: { dir: string; env: NodeJS.ProcessEnv },
  rule: string,
  flags: readonly string[],
  scope: readonly string[] = ['-r', rule],
): Promise<{ code: number; failed: string[]; why: string[] }> {
  const res = await runMain(['audit', '-C', dir, ...flags, ...scope, '--format', 'json', '--no-cache'], { env });
  const findings = resultOf(parseJson(res), rule).findings;
  return { code: res.code, failed: findings.map((f) => f.commit ?? ''), why: findings.map((f) => f.message) };
}

/** One commit's row of `gitguard verify --format json`. */
export interface VerifyRow {
  commit: string;
  letter: string;
  status: string;
  detail: string;
  /** The user ID gpg names as the signer (git's %GS), for OpenPGP. */
  signerUserId?: string | null;
}

/** `gitguard verify -C dir --format json --no-cache --keyring <keyring>` in-process: its rows by commit id. */
export async function verifyRows(
  dir: string,
  env: NodeJS.ProcessEnv,
  keyring: string,
): Promise<Map<string, VerifyRow>> {
  const res = await runMain(['verify', '-C', dir, '--format', 'json', '--no-cache', '--keyring', keyring], { env });
  return new Map(parseJson<{ commits: VerifyRow[] }>(res).commits.map((x) => [x.commit, x]));
}

/** A git (for `--git`) in `home` that logs each command line to `log`, then runs the real one. */
export function loggingGit(home: string): { git: string; log: string } {
  const git = join(home, 'logging-git');
  const log = join(home, 'git.log');
  const real = execFileSync('sh', ['-c', 'command -v git']).toString().trim();
  writeFileSync(git, `#!/bin/sh\necho "$*" >> '${log}'\nexec ${real} "$@"\n`, { mode: 0o755 });
  return { git, log };
}
