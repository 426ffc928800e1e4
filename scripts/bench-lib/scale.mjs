// npm run bench -- scale [--commits N] [--rule ID ...] [--breakdown] [--changed-paths]: a full `gitguard audit` of large
// unsigned histories (linear, and merge-heavy: every third commit a merge) against the time git takes
// to read them (`git rev-list --format=raw HEAD`), with node's peak RSS and the cost of a second run.
// --only policy: a linear history whose second commit adds a policy (make-history.mjs --policy): the
// walk's list then starts after the first commit and the secrets scan's does not.
// --breakdown: one more cold run, its git through a `--git` wrapper that records each git process's
// CPU time and peak RSS (/usr/bin/time), summed per pass of the audit (the sort, the scan's `log -p`,
// the watched paths' `diff-tree`, the walk's `cat-file`, the rest).
// --changed-paths: the same histories with the commit-graph `git commit-graph write --reachable
// --changed-paths` writes (a copy of each, its files hard links), whose filters gitguard checks.
// Repositories are made once by make-history.mjs and kept in BENCH_SCALE_DIR (default
// /tmp/gitguard-scale), since a million commits take minutes to write.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MAKE_HISTORY = fileURLToPath(new URL('../make-history.mjs', import.meta.url));
const HAVE_TIME = existsSync('/usr/bin/time');

function parseArgs(argv) {
  const out = { commits: 1_000_000, rules: [], kinds: ['linear', 'merges'], breakdown: false, changedPaths: false };
  for (let i = 0; i < argv.length; i += 1) {
    const a = argv[i];
    if (a === '--commits') out.commits = Number(argv[++i]);
    else if (a === '--rule') out.rules.push(argv[++i]);
    else if (a === '--only') out.kinds = argv[++i].split(',');
    else if (a === '--breakdown') out.breakdown = true;
    else if (a === '--changed-paths') out.changedPaths = true;
    else
      throw new Error(
        `unknown argument "${a}" (--commits N, --rule ID, --only linear,merges,policy, --breakdown, --changed-paths)`,
      );
  }
  if (!Number.isInteger(out.commits) || out.commits < 1) throw new Error('--commits takes a positive integer');
  if (out.kinds.some((k) => !['linear', 'merges', 'policy'].includes(k)))
    throw new Error('--only takes linear, merges and/or policy');
  if (out.breakdown && !HAVE_TIME) throw new Error('--breakdown needs /usr/bin/time');
  return out;
}

/**
 * A `git` for gitguard's --git that runs the real one under /usr/bin/time, appending one line per
 * process to `log`: user and system CPU seconds, peak RSS in KB, then its arguments. Both paths are
 * written into the script, since gitguard runs git with an environment of its own.
 */
function gitWrapper(dir) {
  const which = spawnSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).stdout.trim();
  if (!which.startsWith('/')) throw new Error('--breakdown: no git on PATH');
  const script = join(dir, 'git');
  const log = join(dir, 'git-processes.log');
  const q = (s) => `'${s.replace(/'/g, `'\\''`)}'`;
  writeFileSync(script, `#!/bin/sh\nexec /usr/bin/time -a -o ${q(log)} -f '%U %S %M %C' ${q(which)} "$@"\n`);
  chmodSync(script, 0o755);
  return { script, log };
}

/** The audit's passes, told apart by their arguments. */
const PASSES = [
  ['sort', (a) => a.includes(' rev-list ') && a.includes('--topo-order')],
  ['log -p', (a) => / log .*-p /.test(a)],
  ['diff-tree', (a) => a.includes(' diff-tree ')],
  ['cat-file', (a) => a.includes(' cat-file ')],
  ['other', () => true],
];

/** Per pass: processes, CPU seconds (user + system) and the largest peak RSS in MB. */
function readBreakdown(log) {
  const sums = new Map(PASSES.map(([name]) => [name, { n: 0, cpu: 0, peakMB: 0 }]));
  const text = existsSync(log) ? readFileSync(log, 'utf8') : '';
  for (const line of text.split('\n')) {
    const m = /^([\d.]+) ([\d.]+) (\d+) (.*)$/.exec(line);
    if (!m) continue;
    const args = ` ${m[4]} `;
    const s = sums.get(PASSES.find(([, test]) => test(args))[0]);
    s.n += 1;
    s.cpu += Number(m[1]) + Number(m[2]);
    s.peakMB = Math.max(s.peakMB, Math.round(Number(m[3]) / 1024));
  }
  return sums;
}

/**
 * Runs a command with its output discarded; wall seconds, its stderr, and (with /usr/bin/time) the
 * peak RSS of the largest process of its tree in MB: rusage of waited-for children is their maximum.
 */
function timed(cmd, args, env) {
  return new Promise((resolve, reject) => {
    const argv = HAVE_TIME ? ['/usr/bin/time', ['-f', 'GITGUARD_BENCH_MAXRSS %M %U %S', cmd, ...args]] : [cmd, args];
    const start = process.hrtime.bigint();
    const child = spawn(argv[0], argv[1], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    const err = [];
    child.stderr.on('data', (c) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      const stderr = Buffer.concat(err).toString();
      const tree = /GITGUARD_BENCH_MAXRSS (\d+) ([\d.]+) ([\d.]+)/.exec(stderr);
      const node = /gitguard: peak RSS (\d+) MB(?:, CPU ([\d.]+) s)?/.exec(stderr);
      resolve({
        code,
        seconds,
        stderr,
        treeMB: tree ? Math.round(Number(tree[1]) / 1024) : undefined,
        // CPU seconds of the whole tree (user + system): on a shared machine the steadier figure.
        cpu: tree ? Number(tree[2]) + Number(tree[3]) : undefined,
        nodeMB: node ? Number(node[1]) : undefined,
        nodeCpu: node?.[2] !== undefined ? Number(node[2]) : undefined,
      });
    });
  });
}

/** The history of `commits` commits of `kind` in `dir`, made once (bench-lib/scan-options.mjs uses it too). */
export function ensureRepo(dir, commits, kind, env) {
  const done = join(dir, '.git', 'gitguard-bench-complete');
  if (existsSync(done)) return false;
  rmSync(dir, { recursive: true, force: true });
  console.error(`making ${dir} (${commits} commits, ${kind})...`);
  const r = spawnSync(
    process.execPath,
    [MAKE_HISTORY, dir, String(commits), ...(kind === 'merges' ? ['--merges'] : kind === 'policy' ? ['--policy'] : [])],
    { env, stdio: 'inherit' },
  );
  if (r.status !== 0) throw new Error(`make-history.mjs failed for ${dir}`);
  writeFileSync(done, '');
  return true;
}

/** A copy of `dir` (hard links) with a commit-graph of changed-path filters, made once. */
function withChangedPaths(dir, env) {
  const copy = `${dir}-changed-paths`;
  const done = join(copy, '.git', 'gitguard-bench-changed-paths'); // cp copies the base's own mark
  if (existsSync(done)) return copy;
  rmSync(copy, { recursive: true, force: true });
  console.error(`making ${copy} (commit-graph write --reachable --changed-paths)...`);
  for (const [cmd, args] of [
    ['cp', ['-al', dir, copy]],
    ['git', ['-C', copy, 'commit-graph', 'write', '--reachable', '--changed-paths']],
  ]) {
    const r = spawnSync(cmd, args, { env, stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`${cmd} failed for ${copy}`);
  }
  writeFileSync(done, '');
  return copy;
}

export async function benchScale(argv, { gitguard, baseEnv }) {
  const opts = parseArgs(argv);
  const root = process.env.BENCH_SCALE_DIR ?? '/tmp/gitguard-scale';
  mkdirSync(root, { recursive: true });
  // gitguard's cache secret lives here, not in the user's home.
  const env = { ...baseEnv, XDG_CACHE_HOME: join(root, 'cache-home'), GITGUARD_REPORT_RSS: '1' };
  const ruleArgs = opts.rules.flatMap((r) => ['--rule', r]);
  const rows = [];
  for (const kind of opts.kinds) {
    let dir = join(root, `${kind}-${opts.commits}`);
    ensureRepo(dir, opts.commits, kind, env);
    if (opts.changedPaths) dir = withChangedPaths(dir, env);
    // A first run starts without gitguard's ledger and verdict cache.
    rmSync(join(dir, '.git', 'gitguard'), { recursive: true, force: true });
    const revList = await timed('git', ['-C', dir, 'rev-list', '--format=raw', 'HEAD'], env);
    if (revList.code !== 0) throw new Error(`git rev-list failed: ${revList.stderr.trim()}`);
    const audit = ['audit', '-C', dir, '--no-color', '-q', ...ruleArgs];
    const first = await timed(process.execPath, [gitguard, ...audit], env);
    const second = await timed(process.execPath, [gitguard, ...audit], env);
    // A third run, cold again, through the wrapper (another --git is another client: the second
    // run above would not reuse a checkpoint the wrapped run left).
    let breakdown;
    if (opts.breakdown) {
      const wrapDir = mkdtempSync(join(root, 'git-wrapper-'));
      try {
        const wrapper = gitWrapper(wrapDir);
        rmSync(join(dir, '.git', 'gitguard'), { recursive: true, force: true });
        const run = await timed(process.execPath, [gitguard, ...audit, '--git', wrapper.script], env);
        breakdown = { run, passes: readBreakdown(wrapper.log) };
      } finally {
        rmSync(wrapDir, { recursive: true, force: true });
      }
    }
    for (const r of [first, second]) {
      if (r.code !== 0 && r.code !== 1)
        throw new Error(`gitguard audit exited ${r.code}: ${r.stderr.trim().split('\n')[0]}`);
    }
    rows.push({
      kind: opts.changedPaths ? `${kind}, changed-path filters` : kind,
      commits: opts.commits,
      revList,
      first,
      second,
      breakdown,
    });
  }
  const mb = (v) => (v === undefined ? '?' : `${v} MB`);
  console.log(
    `\nscale: gitguard audit${ruleArgs.length ? ` ${ruleArgs.join(' ')}` : ' (default rules)'} vs git rev-list --format=raw HEAD (budget: ratio <= 3, node peak <= 300 MB, second run <= 10%)\n`,
  );
  const cpu = (r) =>
    r.first.cpu === undefined || !r.revList.cpu
      ? '?'
      : `${r.first.cpu.toFixed(1)} s (${(r.first.cpu / r.revList.cpu).toFixed(1)})`;
  console.log(
    '| history | commits | rev-list s | gitguard s | ratio | CPU, all processes (ratio) | node CPU | node peak RSS | largest process (git) | 2nd run s | 2nd / 1st |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(
      `| ${r.kind} | ${r.commits.toLocaleString('en-US')} | ${r.revList.seconds.toFixed(2)} | ${r.first.seconds.toFixed(2)} | ${(r.first.seconds / r.revList.seconds).toFixed(1)} | ${cpu(r)} | ${r.first.nodeCpu === undefined ? '?' : `${r.first.nodeCpu.toFixed(1)} s`} | ${mb(r.first.nodeMB)} | ${mb(r.first.treeMB)} | ${r.second.seconds.toFixed(2)} | ${((100 * r.second.seconds) / r.first.seconds).toFixed(0)}% |`,
    );
  }
  if (!opts.breakdown) return;
  console.log(
    '\nA third cold run, its git through a --git wrapper: CPU seconds (user + system), largest peak RSS and processes per pass:\n',
  );
  console.log(`| history | commits | wall | CPU, all processes | node | ${PASSES.map(([n]) => n).join(' | ')} |`);
  console.log(`|---|---|---|---|---|${PASSES.map(() => '---|').join('')}`);
  for (const r of rows) {
    const { run, passes } = r.breakdown;
    const cells = PASSES.map(([name]) => {
      const s = passes.get(name);
      return s.n ? `${s.cpu.toFixed(1)} s, ${s.peakMB} MB (${s.n})` : '-';
    });
    console.log(
      `| ${r.kind} | ${r.commits.toLocaleString('en-US')} | ${run.seconds.toFixed(2)} s | ${run.cpu === undefined ? '?' : `${run.cpu.toFixed(1)} s`} | ${run.nodeCpu === undefined ? '?' : `${run.nodeCpu.toFixed(1)} s`} | ${cells.join(' | ')} |`,
    );
  }
}
