#!/usr/bin/env node
// npm run check:package: the package as a user gets it. Packs the tarball (prepack cleans dist/, prepare
// rebuilds it), installs it globally into an empty temp prefix with an empty npm cache (dependencies come
// from the registry, dev dependencies are absent), then runs the installed gitguard: --version, the rule
// list (rules/*.json found from the installed location) and an audit of a fresh repository.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const work = mkdtempSync(join(tmpdir(), 'gitguard-pack-'));
const run = (cmd, args, opts = {}) =>
  execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], ...opts });
const fail = (msg) => {
  console.error(`check:package: ${msg} (files kept in ${work})`);
  process.exit(1);
};

try {
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const [{ filename }] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], { cwd: root }));
  const prefix = join(work, 'prefix');
  const env = { ...process.env, npm_config_cache: join(work, 'cache'), npm_config_update_notifier: 'false' };
  run('npm', ['install', '--global', '--prefix', prefix, '--no-audit', '--no-fund', join(work, filename)], { env });
  const gitguard = join(prefix, 'bin', 'gitguard');

  const got = run(gitguard, ['--version']).trim();
  if (got !== version) fail(`gitguard --version says ${JSON.stringify(got)}, package.json ${version}`);
  // The installed gitguard lists the rules this checkout's build lists (npm pack built dist/ here), each
  // from its rules/<id>.json in the package: which files of rules/ are rules is the catalog's to say
  // (it also holds vulnerability and secret-format data), not this script's.
  const ids = (bin) => JSON.parse(run(bin[0], [...bin.slice(1), 'rules', '--format', 'json'])).rules.map((r) => r.id);
  const installed = ids([gitguard]);
  const built = ids([process.execPath, join(root, 'bin', 'gitguard.js')]);
  if (installed.join() !== built.join())
    fail(`the installed gitguard lists ${installed.length} rules, this checkout's build ${built.length}`);
  const shipped = new Set(
    JSON.parse(run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root }))[0].files.map(
      (f) => f.path,
    ),
  );
  const unshipped = installed.filter((id) => !shipped.has(`rules/${id}.json`));
  if (unshipped.length) fail(`rules listed but not in the package: ${unshipped.join(', ')}`);

  const repo = join(work, 'repo');
  run('git', ['init', '-q', '-b', 'main', repo]);
  run('git', [
    '-C',
    repo,
    '-c',
    'user.name=Smoke',
    '-c',
    'user.email=smoke@example.com',
    'commit',
    '-q',
    '--allow-empty',
    '-m',
    'first',
  ]);
  let report;
  try {
    report = run(gitguard, ['audit', repo, '--format', 'json']);
  } catch (e) {
    if (e.status !== 1) throw e; // 1: some rule failed (an unsigned commit), the audit itself ran
    report = e.stdout;
  }
  const errors = JSON.parse(report)
    .results.filter((r) => r.outcome === 'error')
    .map((r) => r.meta.id);
  if (errors.length) fail(`the installed audit errored in ${errors.join(', ')}`);
  console.log(
    `check:package: ${filename} installs into a clean prefix; gitguard ${got}, ${installed.length} rules, audit ran`,
  );
  rmSync(work, { recursive: true, force: true });
} catch (e) {
  fail(e.message.split('\n')[0]);
}
