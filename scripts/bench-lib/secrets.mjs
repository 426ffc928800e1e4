// npm run bench -- secrets: the secrets scan against `git log -p -U0 --all` on the same repository
// (the issue's budget: at most 2x). The repository is BENCH_REPO (any real one, read only), or a
// synthetic one of BENCH_COMMITS commits: 200 source-like files, each commit rewriting 20 lines in
// three of them, with lockfile integrity lines, base64 blobs and, every 500 commits, a GitHub
// token built at run time (checksummed) so the scan has something to find.
import { execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { runTimed } from './proc.mjs';
import { base62, crc32 } from '../../dist/collect/secrets/checksum.js';

function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const B64 = `${ALNUM}+/`;
const WORDS = [
  'config',
  'token',
  'secret',
  'value',
  'result',
  'https://example.com/api',
  'user',
  'password_hash',
  'key',
  'data',
  'items',
  'count',
];

async function makeRepo(dir, commits, env) {
  execFileSync('git', ['init', '-q', '-b', 'main', dir], { env });
  const r = rng(2026);
  const pick = (n) => Math.floor(r() * n);
  const chars = (n, alphabet = ALNUM) => Array.from({ length: n }, () => alphabet[pick(alphabet.length)]).join('');
  const line = (i) => {
    switch (pick(8)) {
      case 0:
        return `    "integrity": "sha512-${chars(86, B64)}==",`;
      case 1:
        return `const img${i} = "data:image/png;base64,${chars(120, B64)}";`;
      case 2:
        return `// ${WORDS[pick(WORDS.length)]} ${chars(8)} handles ${WORDS[pick(WORDS.length)]} for ${i}`;
      case 3:
        return `  id: "${chars(8, '0123456789abcdef')}-${chars(4, '0123456789abcdef')}-4${chars(3, '0123456789abcdef')}-a${chars(3, '0123456789abcdef')}-${chars(12, '0123456789abcdef')}",`;
      default:
        return `  const ${WORDS[pick(WORDS.length)].replace(/\W/g, '')}${i} = compute(${pick(1000)}, "${chars(12)}", ${WORDS[pick(WORDS.length)].includes('/') ? '"https://example.com"' : 'null'});`;
    }
  };
  const files = Array.from({ length: 200 }, (_, f) => Array.from({ length: 100 }, (_, i) => line(f * 100 + i)));
  let planted = 0;
  const fi = spawn('git', ['fast-import', '--quiet'], { cwd: dir, env, stdio: ['pipe', 'inherit', 'inherit'] });
  const done = new Promise((resolve, reject) =>
    fi.on('close', (c) => (c === 0 ? resolve() : reject(new Error(`fast-import exited ${c}`)))),
  );
  for (let c = 0; c < commits; c++) {
    const t = 1_600_000_000 + c * 60;
    const msg = `change ${c}\n`;
    let chunk = `commit refs/heads/main\nmark :${c + 1}\nauthor Dev <dev@example.com> ${t} +0000\ncommitter Dev <dev@example.com> ${t} +0000\ndata ${Buffer.byteLength(msg)}\n${msg}${c ? `from :${c}\n` : ''}`;
    const touched = c === 0 ? files.map((_, i) => i) : [pick(200), pick(200), pick(200)];
    for (const f of new Set(touched)) {
      if (c) for (let k = 0; k < 20; k++) files[f][pick(100)] = line(c * 1000 + k);
      if (c && c % 500 === 0 && f === touched[0]) {
        const body = chars(30);
        files[f][pick(100)] = `const GITHUB_TOKEN = "gh${'p'}_${body}${base62(crc32(body))}";`;
        planted += 1;
      }
      const content = `${files[f].join('\n')}\n`;
      chunk += `M 100644 inline src/file${f}.js\ndata ${Buffer.byteLength(content)}\n${content}\n`;
    }
    if (!fi.stdin.write(chunk)) await new Promise((res) => fi.stdin.once('drain', res));
  }
  fi.stdin.end();
  await done;
  return planted;
}

/** git's side: its output read through a pipe and counted, not kept (keeping 60 MiB as a string
 *  would bill node's copying to git). */
function timeGitLog(repo, env) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn('git', ['-C', repo, 'log', '-p', '-U0', '--all'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let bytes = 0;
    const err = [];
    child.stdout.on('data', (c) => (bytes += c.length));
    child.stderr.on('data', (c) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve({ seconds: Number(process.hrtime.bigint() - start) / 1e9, bytes })
        : reject(new Error(`git log failed: ${Buffer.concat(err)}`)),
    );
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function benchSecrets({ tmp, baseEnv, gitguard, runs, commits, log }) {
  let repo = process.env.BENCH_REPO;
  let planted;
  if (!repo) {
    repo = join(tmp, 'secrets-repo');
    const t0 = Date.now();
    planted = await makeRepo(repo, commits, baseEnv);
    log(`built ${repo}: ${commits} commits, ${planted} token(s) planted (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  }
  const gitTimes = [];
  const ggTimes = [];
  let bytes = 0;
  let result;
  // Warm the page cache once so neither side pays for the first read.
  await timeGitLog(repo, baseEnv);
  for (let i = 0; i < runs; i++) {
    const g = await timeGitLog(repo, baseEnv);
    bytes = g.bytes;
    gitTimes.push(g.seconds);
    const a = await runTimed(
      'node',
      [
        gitguard,
        'audit',
        repo,
        '--rule',
        'secrets-not-in-history',
        '--all',
        '--no-ledger',
        '--no-cache',
        '--format',
        'json',
        '--max-findings',
        '1000',
      ],
      { env: baseEnv },
    );
    if (a.code !== 0 && a.code !== 1) throw new Error(`gitguard failed (exit ${a.code}): ${a.stderr}`);
    ggTimes.push(a.seconds);
    result = JSON.parse(a.stdout).results[0];
  }
  const git = median(gitTimes);
  const gg = median(ggTimes);
  log(`git log -p -U0 --all: ${git.toFixed(2)} s (${(bytes / 1024 / 1024).toFixed(1)} MiB of diff)`);
  log(
    `gitguard audit --rule secrets-not-in-history --all: ${gg.toFixed(2)} s (${result.outcome}, ${result.findingCount} finding(s); ${result.note})`,
  );
  log(`ratio gitguard / git: ${(gg / git).toFixed(2)} (target <= 2.00)`);
  if (planted !== undefined && result.findingCount !== planted)
    throw new Error(`expected ${planted} planted token(s) to be found, got ${result.findingCount}`);
  log(
    `BENCH_JSON ${JSON.stringify({ mode: 'secrets', repo: process.env.BENCH_REPO ?? 'synthetic', commits: process.env.BENCH_REPO ? undefined : commits, gitSeconds: git, gitguardSeconds: gg, ratio: gg / git, diffBytes: bytes, findings: result.findingCount })}`,
  );
  return gg / git <= 2 ? 0 : 1;
}
