// npm run bench -- signed [--commits N] [--kind ssh-ed25519|pgp-rsa2048|pgp-ed25519] [--runs R]:
// a cold `gitguard verify` (no verify cache) of signed linear histories of N commits (default
// 100,000) against the signatures' cryptography alone: node:crypto checking exactly the same
// signatures with the same keys, on as many worker threads as gitguard's verification pool uses.
// The budget is 1.5x. git's own `verify-commit` on a sample is printed for reference, and checks
// that the in-process signers (sshsig with node:crypto, OpenPGP with pgp-sign.mjs) wrote what git
// and gpg/ssh-keygen accept.
//
// Keys and repositories are made once and kept in BENCH_SIGNED_DIR (default /tmp/gitguard-signed):
// signing 100,000 commits with RSA-2048 takes minutes.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import * as openpgp from 'openpgp';
import { IDENTITY, makeGpgKey, makeSshKey } from './keys.mjs';
import { runTimed } from './proc.mjs';

const KINDS = ['ssh-ed25519', 'pgp-rsa2048', 'pgp-ed25519'];
const BUDGET = 1.5;
const SAMPLE = 24;
/** When the OpenPGP keys are dated; the histories start a day later, a minute per commit. */
const KEYS_CREATED = 1_600_000_000;
const HAVE_TIME = existsSync('/usr/bin/time');
const GEN_WORKER = new URL('./gen-worker.mjs', import.meta.url);
const CRYPTO_WORKER = new URL('./crypto-worker.mjs', import.meta.url);

function parseArgs(argv) {
  const out = { commits: 100_000, kinds: [], runs: Math.max(1, Number(process.env.BENCH_RUNS ?? 3)) };
  for (let i = 0; i < argv.length; i += 1) {
    const a = argv[i];
    if (a === '--commits') out.commits = Number(argv[++i]);
    else if (a === '--kind') out.kinds.push(...String(argv[++i]).split(','));
    else if (a === '--runs') out.runs = Number(argv[++i]);
    else throw new Error(`unknown argument "${a}" (--commits N, --kind ${KINDS.join('|')}, --runs R)`);
  }
  if (!Number.isInteger(out.commits) || out.commits < 1) throw new Error('--commits takes a positive integer');
  if (!Number.isInteger(out.runs) || out.runs < 1) throw new Error('--runs takes a positive integer');
  if (!out.kinds.length) out.kinds = [...KINDS];
  const bad = out.kinds.find((k) => !KINDS.includes(k));
  if (bad) throw new Error(`unknown --kind "${bad}" (${KINDS.join(', ')})`);
  return out;
}

/** The keys, made once per folder: ssh-keygen's and gpg's own, exported for gitguard and the signers. */
function ensureKeys(dir) {
  const file = join(dir, 'keys.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'));
  // New keys make every stored repository worthless.
  rmSync(dir, { recursive: true, force: true });
  const kdir = join(dir, 'keys');
  mkdirSync(kdir, { recursive: true });
  const ssh = makeSshKey(kdir);
  // Dated before the histories: each signature carries its commit's time.
  const rsa = makeGpgKey(join(kdir, 'gr'), join(kdir, 'vr'), 'rsa2048', kdir, KEYS_CREATED);
  const ed = makeGpgKey(join(kdir, 'ge'), join(kdir, 've'), 'ed25519', kdir, KEYS_CREATED);
  rsa.verify.kill();
  ed.verify.kill();
  const b64 = (b) => Buffer.from(b).toString('base64');
  const keys = {
    'ssh-ed25519': {
      seed: b64(ssh.seed),
      pub: b64(ssh.pub),
      publicBlob: b64(ssh.publicBlob),
      allowedSigners: ssh.allowedSigners,
    },
    'pgp-rsa2048': { fpr: rsa.fpr, secretArmored: rsa.secretArmored, keyring: rsa.keyring, home: rsa.verify.home },
    'pgp-ed25519': { fpr: ed.fpr, secretArmored: ed.secretArmored, keyring: ed.keyring, home: ed.verify.home },
  };
  writeFileSync(file, JSON.stringify(keys));
  return keys;
}

function generate(kind, key, repoDir, commits, env) {
  const startTime = KEYS_CREATED + 86_400;
  const workerKey =
    kind === 'ssh-ed25519'
      ? {
          seed: Buffer.from(key.seed, 'base64'),
          pub: Buffer.from(key.pub, 'base64'),
          publicBlob: Buffer.from(key.publicBlob, 'base64'),
        }
      : { secretArmored: key.secretArmored };
  return new Promise((resolve, reject) => {
    const w = new Worker(GEN_WORKER, {
      workerData: {
        kind: kind === 'ssh-ed25519' ? 'ssh' : 'openpgp',
        nodeSigner: true,
        repoDir,
        commits,
        startTime,
        identity: IDENTITY,
        key: workerKey,
        gitEnv: env,
      },
    });
    w.once('message', resolve);
    w.once('error', reject);
    w.once('exit', (code) => code !== 0 && reject(new Error(`generator for ${kind} exited with ${code}`)));
  });
}

/** git's arguments and environment to check this kind's signatures, and gitguard's key option. */
function keyOptions(kind, key, env) {
  if (kind === 'ssh-ed25519') {
    return {
      gitArgs: ['-c', `gpg.ssh.allowedSignersFile=${key.allowedSigners}`],
      gitEnv: env,
      gitguardArgs: ['--allowed-signers', key.allowedSigners],
    };
  }
  return { gitArgs: [], gitEnv: { ...env, GNUPGHOME: key.home }, gitguardArgs: ['--keyring', key.keyring] };
}

/** Every commit of main, oldest first, as { oid, payload, armored } (read with git cat-file). */
function readCommits(repo, env) {
  const oids = execFileSync('git', ['-C', repo, 'rev-list', '--reverse', 'main'], { env, maxBuffer: 1 << 30 })
    .toString()
    .trim()
    .split('\n');
  const out = spawnSync('git', ['-C', repo, 'cat-file', '--batch'], {
    env,
    input: `${oids.join('\n')}\n`,
    maxBuffer: 2 ** 31,
  });
  if (out.status !== 0) throw new Error(`git cat-file failed: ${out.stderr}`);
  const buf = out.stdout;
  const commits = [];
  let p = 0;
  for (const oid of oids) {
    const nl = buf.indexOf(10, p);
    const size = Number(buf.toString('latin1', p, nl).split(' ')[2]);
    const text = buf.toString('latin1', nl + 1, nl + 1 + size);
    p = nl + 1 + size + 1;
    // The generator writes gpgsig right after committer: the header and its continuation lines.
    const start = text.indexOf('\ngpgsig ') + 1;
    let end = text.indexOf('\n', start);
    while (text[end + 1] === ' ') end = text.indexOf('\n', end + 1);
    const armored = `${text
      .slice(start + 7, end)
      .split('\n ')
      .join('\n')}\n`;
    commits.push({ oid, payload: Buffer.from(text.slice(0, start) + text.slice(end + 1), 'latin1'), armored });
  }
  return commits;
}

function dearmor(armored) {
  const lines = armored.trim().split('\n');
  const body = lines.slice(1, -1).filter((l) => l && !l.startsWith('='));
  return Buffer.from(body.join(''), 'base64');
}

/** What node:crypto needs per signature, decoded here so that it is not timed. */
function cryptoTask(kind, c) {
  const b = dearmor(c.armored);
  if (kind === 'ssh-ed25519') {
    // SSHSIG, version, then strings: public key, namespace, reserved, hash, signature blob.
    let p = 10;
    const str = () => {
      const n = b.readUInt32BE(p);
      const s = b.subarray(p + 4, p + 4 + n);
      p += 4 + n;
      return s;
    };
    for (let i = 0; i < 4; i += 1) str();
    const blob = str();
    const sig = blob.subarray(4 + blob.readUInt32BE(0) + 4); // after string "ssh-ed25519" and the length
    return { payload: c.payload, sig };
  }
  // A v4 signature packet with a new-format header (pgp-sign.mjs writes one).
  let p = 1;
  const l0 = b[p++];
  if (l0 >= 192 && l0 < 224) p += 1;
  else if (l0 === 255) p += 4;
  const start = p;
  const hashAlgo = b[p + 3];
  const hashedEnd = p + 6 + b.readUInt16BE(p + 4);
  const hashed = b.subarray(start, hashedEnd);
  const trailer = Buffer.concat([hashed, Buffer.from([4, 0xff]), Buffer.alloc(4)]);
  trailer.writeUInt32BE(hashed.length, trailer.length - 4);
  p = hashedEnd + 2 + b.readUInt16BE(hashedEnd) + 2;
  const mpi = () => {
    const bits = b.readUInt16BE(p);
    const m = b.subarray(p + 2, p + 2 + Math.ceil(bits / 8));
    p += 2 + m.length;
    return m;
  };
  const hash = { 8: 'sha256', 10: 'sha512' }[hashAlgo];
  if (kind === 'pgp-rsa2048') {
    const s = mpi();
    return { payload: c.payload, trailer, hash, sig: Buffer.concat([Buffer.alloc(256 - s.length), s]) };
  }
  const pad = (m) => Buffer.concat([Buffer.alloc(32 - m.length), m]);
  const r = pad(mpi());
  return { payload: c.payload, trailer, hash, sig: Buffer.concat([r, pad(mpi())]) };
}

async function publicJwk(kind, key) {
  if (kind === 'ssh-ed25519')
    return { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(key.pub, 'base64').toString('base64url') };
  const pk = (await openpgp.readKey({ armoredKey: readFileSync(key.keyring, 'utf8') })).keyPacket.publicParams;
  if (kind === 'pgp-rsa2048')
    return { kty: 'RSA', n: Buffer.from(pk.n).toString('base64url'), e: Buffer.from(pk.e).toString('base64url') };
  return { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(pk.Q.subarray(1)).toString('base64url') };
}

/**
 * The crypto-only time: `threads` workers, each with an equal share of the decoded signatures,
 * started together; wall milliseconds from the start until the last one is done.
 */
async function cryptoOnly(kind, jwk, tasks, threads) {
  const per = Math.ceil(tasks.length / threads);
  const workers = [];
  for (let i = 0; i < threads; i += 1) {
    const w = new Worker(CRYPTO_WORKER, { workerData: { kind, jwk, tasks: tasks.slice(i * per, (i + 1) * per) } });
    await new Promise((resolve, reject) => {
      w.once('message', resolve);
      w.once('error', reject);
    });
    workers.push(w);
  }
  const cpu = process.cpuUsage();
  const start = performance.now();
  const results = await Promise.all(
    workers.map(
      (w) =>
        new Promise((resolve, reject) => {
          w.once('message', resolve);
          w.once('error', reject);
          w.postMessage('go');
        }),
    ),
  );
  const ms = performance.now() - start;
  const used = process.cpuUsage(cpu);
  await Promise.all(workers.map((w) => w.terminate()));
  const good = results.reduce((n, r) => n + r.good, 0);
  if (good !== tasks.length)
    throw new Error(
      `${kind}: node:crypto verified ${good} of ${tasks.length} signatures: the bench decodes them wrong`,
    );
  return { ms, threadMs: results.reduce((n, r) => n + r.ms, 0), cpuMs: (used.user + used.system) / 1000 };
}

/** `git verify-commit` on a spread of commits (the root and the tip included); all must be good. */
function gitSample(repo, commits, opts) {
  const picks = [
    ...new Set(Array.from({ length: SAMPLE }, (_, i) => Math.round((i * (commits.length - 1)) / (SAMPLE - 1)))),
  ].map((i) => commits[i].oid);
  const start = performance.now();
  for (const oid of picks) {
    const r = spawnSync('git', ['-C', repo, ...opts.gitArgs, 'verify-commit', oid], {
      env: opts.gitEnv,
      encoding: 'utf8',
    });
    if (r.status !== 0)
      throw new Error(`git verify-commit ${oid} failed in ${repo}: ${(r.stderr || '').trim().split('\n').pop()}`);
  }
  return { commits: picks.length, ms: performance.now() - start };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function benchSigned(argv, { gitguard, baseEnv, log = console.log }) {
  const args = parseArgs(argv);
  const dir = process.env.BENCH_SIGNED_DIR ?? '/tmp/gitguard-signed';
  const { poolSize } = await import('../../dist/collect/signatures/pool.js');
  const threads = poolSize();
  log(
    `gitguard signed-history benchmark: ${args.commits} commits, ${args.runs} run(s) each, in ${dir}; gitguard verifies on ${threads || 1} thread(s)`,
  );
  const keys = ensureKeys(dir);

  const repos = args.kinds.map((kind) => ({ kind, key: keys[kind], dir: join(dir, `${kind}-${args.commits}`) }));
  const missing = repos.filter((r) => !existsSync(join(r.dir, '.git', 'gitguard-bench-complete')));
  if (missing.length) {
    const t = performance.now();
    log(`making ${missing.map((r) => r.kind).join(', ')} (${args.commits} commits each, kept for the next run)...`);
    await Promise.all(
      missing.map(async (r) => {
        rmSync(r.dir, { recursive: true, force: true });
        const g = await generate(r.kind, r.key, r.dir, args.commits, baseEnv);
        writeFileSync(join(r.dir, '.git', 'gitguard-bench-complete'), JSON.stringify({ tip: g.tip }));
        log(`  ${r.kind.padEnd(12)} signed in ${(g.signMs / 1000).toFixed(1)} s, ${(g.packBytes / 1e6).toFixed(1)} MB`);
      }),
    );
    log(`made in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }

  const rows = [];
  for (const r of repos) {
    const opts = keyOptions(r.kind, r.key, baseEnv);
    const commits = readCommits(r.dir, baseEnv);
    if (commits.length !== args.commits)
      throw new Error(`${r.dir}: main has ${commits.length} commits, not ${args.commits}; remove it to rebuild`);
    const git = gitSample(r.dir, commits, opts);
    const tasks = commits.map((c) => cryptoTask(r.kind, c));
    const jwk = await publicJwk(r.kind, r.key);
    log(
      `\n[${r.kind}] git verify-commit accepts ${git.commits} sampled commits (${(git.ms / git.commits).toFixed(1)} ms/commit)`,
    );
    const crypto = [];
    const cold = [];
    for (let i = 0; i < args.runs; i += 1) {
      // Alternated, so that load on this shared machine hits both alike.
      crypto.push(await cryptoOnly(r.kind, jwk, tasks, threads || 1));
      rmSync(join(r.dir, '.git', 'gitguard'), { recursive: true, force: true });
      const argv = [process.execPath, gitguard, 'verify', '-C', r.dir, ...opts.gitguardArgs];
      const run = await runTimed(
        HAVE_TIME ? '/usr/bin/time' : argv[0],
        HAVE_TIME ? ['-f', 'GITGUARD_BENCH_CPU %U %S', ...argv] : argv.slice(1),
        { env: baseEnv },
      );
      const cpuLine = /GITGUARD_BENCH_CPU ([\d.]+) ([\d.]+)/.exec(run.stderr);
      run.cpuMs = cpuLine ? (Number(cpuLine[1]) + Number(cpuLine[2])) * 1000 : undefined;
      const lines = run.stdout.split('\n').filter(Boolean);
      const good = lines.filter((l) => l.split(' ')[1] === 'G').length;
      if (run.code !== 0 || good !== args.commits) {
        throw new Error(
          `${r.kind}: gitguard verify exited ${run.code} with ${good} of ${args.commits} G: ${run.stderr.trim().split('\n')[0] ?? ''} ${lines.find((l) => l.split(' ')[1] !== 'G') ?? ''}`,
        );
      }
      cold.push({ ms: run.seconds * 1000, cpuMs: run.cpuMs });
      const c = crypto[i];
      log(
        `  run ${i + 1}: crypto only ${(c.ms / 1000).toFixed(2)} s wall, ${(c.cpuMs / 1000).toFixed(2)} s CPU (${((c.threadMs * 1000) / args.commits).toFixed(1)} us/signature on one thread); ` +
          `gitguard verify cold ${run.seconds.toFixed(2)} s wall${run.cpuMs === undefined ? '' : `, ${(run.cpuMs / 1000).toFixed(2)} s CPU`}`,
      );
    }
    const cryptoMs = median(crypto.map((c) => c.ms));
    const coldMs = median(cold.map((c) => c.ms));
    const cryptoCpu = median(crypto.map((c) => c.cpuMs));
    const coldCpu = cold[0].cpuMs === undefined ? undefined : median(cold.map((c) => c.cpuMs));
    rows.push({
      kind: r.kind,
      commits: args.commits,
      cryptoSeconds: cryptoMs / 1000,
      cryptoUsPerSignature: (median(crypto.map((c) => c.threadMs)) * 1000) / args.commits,
      coldSeconds: coldMs / 1000,
      coldUsPerCommit: (coldMs * 1000) / args.commits,
      ratio: coldMs / cryptoMs,
      cryptoCpuSeconds: cryptoCpu / 1000,
      coldCpuSeconds: coldCpu === undefined ? null : coldCpu / 1000,
      cpuRatio: coldCpu === undefined ? null : coldCpu / cryptoCpu,
      gitMsPerCommit: git.ms / git.commits,
    });
  }

  const header = [
    'history',
    'commits',
    'crypto only s',
    'us/sig (1 thread)',
    'gitguard cold s',
    'us/commit',
    'ratio',
    'budget',
    'CPU s crypto / gitguard',
    'CPU ratio',
    'git verify-commit ms/commit',
  ];
  const cells = rows.map((x) => [
    x.kind,
    String(x.commits),
    x.cryptoSeconds.toFixed(2),
    x.cryptoUsPerSignature.toFixed(1),
    x.coldSeconds.toFixed(2),
    x.coldUsPerCommit.toFixed(1),
    x.ratio.toFixed(2),
    `≤${BUDGET} ${x.ratio <= BUDGET ? 'ok' : 'MISS'}`,
    x.coldCpuSeconds === null ? '-' : `${x.cryptoCpuSeconds.toFixed(2)} / ${x.coldCpuSeconds.toFixed(2)}`,
    x.cpuRatio === null ? '-' : x.cpuRatio.toFixed(2),
    x.gitMsPerCommit.toFixed(1),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c) => c.map((v, i) => (i === 0 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join('  ');
  log('');
  log(line(header));
  log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const c of cells) log(line(c));
  log(
    `\ncrypto only: node:crypto over the same signatures and keys on ${threads || 1} worker thread(s) (gitguard's pool size), medians of ${args.runs}`,
  );
  log(
    'ratio: wall times (the budget); CPU ratio: CPU seconds of gitguard and its git children against those of the crypto, steadier on a busy machine',
  );
  log(`BENCH_JSON ${JSON.stringify({ mode: 'signed', threads, rows })}`);
  return 0;
}
