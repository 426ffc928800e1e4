// npm run bench -- scan-options [--commits N] [--only linear|merges] [--range N] [--rounds R]: what git
// itself costs, in CPU seconds, for each way the secrets scan and the walk could read a range of the
// sorted history, on the histories `npm run bench -- scale` keeps (made here if missing). Each
// candidate is one git process over the same range (default the 50,000 commits in the middle of the
// list, as one chunk of the audit), run once per round, rounds interleaved (a shared machine's load
// moves between rounds, and every candidate sees it); the median is printed. gitguard's shadow config
// (pack window caps) is not applied: these are git's defaults, the same for every candidate.
// The candidates answer Design's questions: which options make the scan's `log -p` cheaper without
// losing a line (renames, diff algorithm, no patches at all plus a read of each new and old blob,
// `--numstat` to spot binaries first, `diff-tree` instead of `log`), and, on the history with merges,
// whether the walk's own `diff-tree` over a range's commits is cheaper split: the range's merges
// diffed by `diff-tree` alone, its other commits tapped from a scan `log` of their own with `--raw -t`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureRepo } from './scale.mjs';

function parseArgs(argv) {
  const out = { commits: 200_000, kinds: ['linear', 'merges'], range: 50_000, rounds: 3 };
  for (let i = 0; i < argv.length; i += 1) {
    const a = argv[i];
    if (a === '--commits') out.commits = Number(argv[++i]);
    else if (a === '--only') out.kinds = argv[++i].split(',');
    else if (a === '--range') out.range = Number(argv[++i]);
    else if (a === '--rounds') out.rounds = Number(argv[++i]);
    else throw new Error(`unknown argument "${a}" (--commits N, --only linear,merges, --range N, --rounds R)`);
  }
  for (const k of ['commits', 'range', 'rounds'])
    if (!Number.isInteger(out[k]) || out[k] < 1) throw new Error(`--${k} takes a positive integer`);
  if (out.kinds.some((k) => !['linear', 'merges'].includes(k))) throw new Error('--only takes linear and/or merges');
  return out;
}

/** CPU seconds (user + system) of one git process reading `input` on stdin, its output discarded. */
function cpuOf(dir, args, input, env, timeFile) {
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S', '-o', timeFile, 'git', '-C', dir, ...args], {
    env,
    input: readFileSync(input),
    stdio: ['pipe', 'ignore', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')} exited ${r.status}: ${r.stderr.toString().slice(0, 300)}`);
  const [user, sys] = readFileSync(timeFile, 'utf8').trim().split('\n').at(-1).split(' ').map(Number);
  return user + sys;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function benchScanOptions(argv, { baseEnv }) {
  const opts = parseArgs(argv);
  // The scan's and the walk's own arguments, from the build (`npm run bench` builds first).
  const { logArgs } = await import('../../dist/collect/secrets/scan.js');
  const { DEFAULT_PROTECTED_PATHS } = await import('../../dist/domain/policy.js');
  const { POLICY_DIR } = await import('../../dist/domain/trust.js');
  const root = process.env.BENCH_SCALE_DIR ?? '/tmp/gitguard-scale';
  // git's own diff costs: no flush per commit into the pipe, as gitguard runs them (git-reading.ts).
  const env = { ...baseEnv, GIT_FLUSH: '0' };
  const work = mkdtempSync('/tmp/gb-scan-options-');
  const file = (name, text) => (writeFileSync(join(work, name), text), join(work, name));
  const maxBlob = 8 * 1024 * 1024;
  // The walk's watched paths as literal pathspecs, the defaults' folders without their `/**`.
  const watched = [POLICY_DIR, ...DEFAULT_PROTECTED_PATHS.map((p) => p.replace(/\/\*\*$/, ''))].filter(
    (p, i, all) => !/[*?[]/.test(p) && all.indexOf(p) === i,
  );
  // As path-changes.ts runs it.
  const diffTree = ['--literal-pathspecs', 'diff-tree', '--stdin', '-r', '-t', '--root', '--always', '-z'];
  const walkDiffTree = [...diffTree, '--no-renames', '--diff-merges=first-parent', '--', ...watched];
  const scanLog = logArgs(maxBlob);
  const scanLogRaw = logArgs(maxBlob, false, true);
  const withOption = (args, ...extra) => [...args.slice(0, -1), ...extra, args.at(-1)];
  // The same command as diff-tree (which walks nothing: no --no-walk, no --max-parents).
  const asDiffTree = (args) => {
    const at = args.indexOf('log');
    const rest = args
      .slice(at + 1)
      .filter((a) => a !== '--stdin' && a !== '--no-walk=unsorted' && !a.startsWith('--max-parents'));
    return [...args.slice(0, at), 'diff-tree', '--stdin', ...rest];
  };
  try {
    for (const kind of opts.kinds) {
      const dir = join(root, `${kind}-${opts.commits}`);
      ensureRepo(dir, opts.commits, kind, baseEnv);
      const sorted = spawnSync('git', ['-C', dir, 'rev-list', '--parents', '--topo-order', '--reverse', 'HEAD'], {
        env,
        encoding: 'latin1',
        maxBuffer: 1 << 30,
      }).stdout.split('\n');
      sorted.pop();
      const from = Math.max(0, Math.floor((sorted.length - opts.range) / 2));
      const lines = sorted.slice(from, from + opts.range);
      const merges = lines.filter((l) => l.split(' ').length > 2);
      const others = lines.filter((l) => l.split(' ').length <= 2);
      const ids = (ls) => `${ls.map((l) => l.split(' ', 1)[0]).join('\n')}\n`;
      const list = file('list', `${lines.join('\n')}\n`);
      const listIds = file('ids', ids(lines));
      // Each blob the range's commits put or replace, once (zero ids: no blob).
      const raw = spawnSync(
        'git',
        ['-C', dir, 'log', '--raw', '--no-abbrev', '--no-walk=unsorted', '--format=', '--stdin'],
        {
          env,
          input: readFileSync(listIds),
          encoding: 'latin1',
          maxBuffer: 1 << 30,
        },
      ).stdout;
      const blobs = new Set();
      for (const rec of raw.split('\n'))
        if (rec.startsWith(':')) for (const id of rec.split(' ').slice(2, 4)) if (!/^0+$/.test(id)) blobs.add(id);
      const candidates = [
        ["the scan's `log -p` (as gitguard runs it)", scanLog, listIds],
        ['the same, with `--raw -t` (the tap)', scanLogRaw, listIds],
        ['`--no-renames`', withOption(scanLog, '--no-renames'), listIds],
        ['`--diff-algorithm=minimal`', withOption(scanLog, '--diff-algorithm=minimal'), listIds],
        ['`--diff-algorithm=histogram`', withOption(scanLog, '--diff-algorithm=histogram'), listIds],
        [
          'no patches: `--raw -t`, the same format',
          scanLogRaw.filter((a) => !['-p', '-U0', '--cc'].includes(a)),
          listIds,
        ],
        [
          '`cat-file --batch` of each new and old blob once',
          ['cat-file', '--batch', '--buffer'],
          file('blobs', `${[...blobs].join('\n')}\n`),
        ],
        [
          '`log --numstat` (binaries first)',
          ['log', '--numstat', '--no-renames', '--no-walk=unsorted', '--format=%H', '--stdin'],
          listIds,
        ],
        ["`diff-tree -p --stdin` with the scan's options", asDiffTree(scanLog), listIds],
        ['the commits alone (`log --format=%H`)', ['log', '--no-walk=unsorted', '--format=%H', '--stdin'], listIds],
      ];
      if (merges.length)
        candidates.push(
          ["the walk's `diff-tree`, every commit", walkDiffTree, list],
          ["the walk's `diff-tree`, the merges alone", walkDiffTree, file('merges', `${merges.join('\n')}\n`)],
          ["the scan's `log -p`, the merges alone", scanLog, file('merge-ids', ids(merges))],
          ["the scan's `log -p --raw -t`, the other commits alone", scanLogRaw, file('other-ids', ids(others))],
        );
      const times = candidates.map(() => []);
      for (let round = 0; round < opts.rounds; round += 1)
        for (const [i, [, args, input]] of candidates.entries())
          times[i].push(cpuOf(dir, args, input, env, join(work, 'time')));
      console.log(
        `\n${kind}, ${lines.length.toLocaleString('en-US')} commits (${merges.length.toLocaleString('en-US')} merges) of ${opts.commits.toLocaleString('en-US')}, ${blobs.size.toLocaleString('en-US')} blobs; git CPU seconds, median of ${opts.rounds} (all runs):\n`,
      );
      console.log('| candidate | CPU s | runs |\n|---|---|---|');
      for (const [i, [name]] of candidates.entries())
        console.log(`| ${name} | ${median(times[i]).toFixed(2)} | ${times[i].map((t) => t.toFixed(2)).join(' / ')} |`);
      if (merges.length) {
        const at = (name) => median(times[candidates.findIndex(([n]) => n === name)]);
        const now = at("the scan's `log -p` (as gitguard runs it)") + at("the walk's `diff-tree`, every commit");
        const split =
          at("the scan's `log -p`, the merges alone") +
          at("the scan's `log -p --raw -t`, the other commits alone") +
          at("the walk's `diff-tree`, the merges alone");
        console.log(
          `\nmerges: the scan's log and the walk's diff-tree now ${now.toFixed(2)} s; split ${split.toFixed(2)} s`,
        );
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
