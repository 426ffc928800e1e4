#!/usr/bin/env node
// npm run bench: signature verification speed, gitguard against git's own.
// npm run bench -- secrets: the secrets scan against `git log -p -U0 --all` (bench-lib/secrets.mjs;
// BENCH_REPO=path to measure a real repository instead of a synthetic one).
// npm run bench -- scale [--commits N] [--only linear|merges] [--rule ID]: a full audit of large
// unsigned histories against `git rev-list --format=raw HEAD` (bench-lib/scale.mjs).
// npm run bench -- scan-options [--commits N] [--only linear|merges] [--range N] [--rounds R]: git's own CPU
// for each candidate way of reading the scan's and the walk's diffs (bench-lib/scan-options.mjs).
// npm run bench -- signed [--commits N] [--kind K] [--runs R]: a cold `gitguard verify` of signed
// histories of 100,000 commits against node:crypto checking the same signatures (bench-lib/signed.mjs).
//
// 1. Makes real keys (ssh-keygen ed25519; gpg rsa2048 and ed25519) in a throwaway folder under /tmp.
// 2. Builds three repositories of BENCH_COMMITS (default 5000) signed commits each, signing in
//    process (sshsig with node:crypto, OpenPGP with openpgp.js) and writing one pack per repository
//    (see scripts/bench-lib/). One worker thread per repository.
// 3. Times `git log --format=%G? main` (git runs ssh-keygen / gpg once or twice per commit) and
//    `gitguard verify` cold and warm, plus one `gitguard audit --format json`, and prints the ratios.
//
// Environment: BENCH_COMMITS=N (commits per repository), BENCH_KEEP=1 (keep the temp folder),
// BENCH_ONLY=ssh-ed25519,openpgp-ed25519 (a subset of the repositories), BENCH_GITGUARD=path (another
// gitguard entry script, run with node; default bin/gitguard.js).
// Exit code 0 unless the benchmark itself breaks (key generation, a sanity check, git not seeing
// G on every commit, gitguard crashing). A gitguard that has no `verify` command yet is reported,
// not an error.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, platform, release } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import * as openpgp from 'openpgp';
import { IDENTITY, makeGpgKey, makeSshKey } from './bench-lib/keys.mjs';
import { sshsigEd25519 } from './bench-lib/objects.mjs';
import { runTimed, versionLine } from './bench-lib/proc.mjs';
import { benchSecrets } from './bench-lib/secrets.mjs';
import { benchScale } from './bench-lib/scale.mjs';
import { benchScanOptions } from './bench-lib/scan-options.mjs';
import { benchSigned } from './bench-lib/signed.mjs';

// `npm run bench -- secrets`: the secrets scan against git log -p (scripts/bench-lib/secrets.mjs).
const MODE = process.argv[2] ?? 'signatures';
if (!['signatures', 'secrets', 'scale', 'scan-options', 'signed'].includes(MODE)) {
  console.error(`unknown bench mode "${MODE}" (signatures, secrets, scale, scan-options, signed)`);
  process.exit(2);
}

const COMMITS = Number(process.env.BENCH_COMMITS ?? 5000);
if (!Number.isInteger(COMMITS) || COMMITS < 1) {
  console.error(`BENCH_COMMITS must be a positive integer, got ${process.env.BENCH_COMMITS}`);
  process.exit(2);
}
const KEEP = process.env.BENCH_KEEP === '1';
const ONLY = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',').map((s) => s.trim())) : null;
/** How many times each gitguard phase is timed (the median is reported). */
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));
const GITGUARD = process.env.BENCH_GITGUARD ?? fileURLToPath(new URL('../bin/gitguard.js', import.meta.url));
const WORKER = new URL('./bench-lib/gen-worker.mjs', import.meta.url);

/** Speed-up targets, git seconds / gitguard seconds. */
const TARGETS = { cold: { ssh: 40, openpgp: 20 }, warm: 100 };

// git and gitguard see no user or system configuration, and no GIT_* variables from outside.
const baseEnv = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', LC_ALL: 'C' };
for (const k of Object.keys(baseEnv)) {
  if (
    /^GIT_(DIR|WORK_TREE|INDEX_FILE|OBJECT_DIRECTORY|ALTERNATE_OBJECT_DIRECTORIES|NAMESPACE|COMMON_DIR|CEILING_DIRECTORIES)$/.test(
      k,
    )
  ) {
    delete baseEnv[k];
  }
}
delete baseEnv.GNUPGHOME;

const tmp = mkdtempSync('/tmp/gb-'); // short: GNUPGHOMEs live inside and gpg-agent sockets are length-limited
const gpgHomes = [];
let cleaned = false;
function cleanup() {
  if (cleaned) return;
  cleaned = true;
  for (const h of gpgHomes) h.kill();
  if (KEEP) console.log(`\nBENCH_KEEP=1: kept ${tmp}`);
  else rmSync(tmp, { recursive: true, force: true });
}
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    cleanup();
    process.exit(130);
  });
}

const log = (...a) => console.log(...a);
const secs = (ms) => (ms / 1000).toFixed(2);

class BenchError extends Error {}
const check = (ok, message) => {
  if (!ok) throw new BenchError(message);
};

async function main() {
  const machine = {
    os: `${platform()} ${release()}`,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    node: process.version,
    git: versionLine('git', ['--version']),
    gpg: versionLine('gpg', ['--version']),
    ssh: versionLine('ssh', ['-V']),
    openpgpjs: openpgp.config.versionString,
  };
  log(`gitguard signature benchmark: ${COMMITS} commits per repository, temp folder ${tmp}`);
  log(`machine: ${machine.cpus} × ${machine.cpuModel}, ${machine.os}`);
  log(`         node ${machine.node}; ${machine.git}; ${machine.gpg}; ${machine.ssh}; ${machine.openpgpjs}`);

  // ---- keys ----------------------------------------------------------------------------------
  const tKeys = performance.now();
  const ssh = makeSshKey(tmp);
  const rsa = makeGpgKey(join(tmp, 'kr'), join(tmp, 'vr'), 'rsa2048', tmp);
  gpgHomes.push(rsa.gen, rsa.verify);
  const ed = makeGpgKey(join(tmp, 'ke'), join(tmp, 've'), 'ed25519', tmp);
  gpgHomes.push(ed.gen, ed.verify);
  const keysMs = performance.now() - tKeys;
  log(`keys: ssh-keygen ed25519, gpg rsa2048 ${rsa.fpr}, gpg ed25519 ${ed.fpr} (${secs(keysMs)} s)`);

  // ---- sanity: our signers produce what the real tools accept --------------------------------
  const probe = Buffer.from(`tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\nauthor probe\n\nprobe ${Date.now()}\n`);
  const probeFile = join(tmp, 'probe');
  writeFileSync(probeFile, probe);
  {
    const sigFile = join(tmp, 'probe.sshsig');
    writeFileSync(sigFile, sshsigEd25519(probe, ssh.publicBlob, ssh.privateKey));
    execFileSync('ssh-keygen', ['-Y', 'check-novalidate', '-n', 'git', '-s', sigFile], { input: probe, stdio: 'pipe' });
    const sigFile2 = join(tmp, 'probe.sshsig.verify');
    writeFileSync(sigFile2, sshsigEd25519(probe, ssh.publicBlob, ssh.privateKey));
    execFileSync(
      'ssh-keygen',
      ['-Y', 'verify', '-n', 'git', '-f', ssh.allowedSigners, '-I', IDENTITY.email, '-s', sigFile2],
      { input: probe, stdio: 'pipe' },
    );
  }
  for (const k of [rsa, ed]) {
    const signingKeys = await openpgp.readPrivateKey({ armoredKey: k.secretArmored });
    const sig = await openpgp.sign({
      message: await openpgp.createMessage({ binary: probe }),
      signingKeys,
      detached: true,
      format: 'armored',
    });
    const sigFile = join(tmp, `probe-${k.fpr.slice(-8)}.asc`);
    writeFileSync(sigFile, sig);
    const status = k.verify.run(['--status-fd', '1', '--verify', sigFile, probeFile]).toString();
    check(
      /\[GNUPG:\] GOODSIG /.test(status) && /\[GNUPG:\] TRUST_ULTIMATE/.test(status),
      `gpg does not accept an openpgp.js signature by ${k.fpr}:\n${status}`,
    );
  }
  log('sanity: ssh-keygen -Y check-novalidate/verify and gpg --verify accept signatures made in process');

  // ---- repositories ----------------------------------------------------------------------------
  const startTime = Math.floor(Date.now() / 1000) - COMMITS * 60 - 3600;
  let repos = [
    { name: 'ssh-ed25519', kind: 'ssh', key: { seed: ssh.seed, pub: ssh.pub, publicBlob: ssh.publicBlob } },
    { name: 'openpgp-rsa2048', kind: 'openpgp', key: { secretArmored: rsa.secretArmored }, gpg: rsa },
    { name: 'openpgp-ed25519', kind: 'openpgp', key: { secretArmored: ed.secretArmored }, gpg: ed },
  ];
  if (ONLY) repos = repos.filter((r) => ONLY.has(r.name));
  check(repos.length > 0, `BENCH_ONLY names no repository (ssh-ed25519, openpgp-rsa2048, openpgp-ed25519)`);
  for (const r of repos) {
    r.dir = join(tmp, r.name);
    if (r.kind === 'ssh') {
      r.gitArgs = ['-c', `gpg.ssh.allowedSignersFile=${ssh.allowedSigners}`];
      r.gitEnv = baseEnv;
      r.gitguardArgs = ['--allowed-signers', ssh.allowedSigners];
    } else {
      r.gitArgs = [];
      r.gitEnv = { ...baseEnv, GNUPGHOME: r.gpg.verify.home };
      r.gitguardArgs = ['--keyring', r.gpg.keyring];
    }
  }

  const tGen = performance.now();
  const built = await Promise.all(
    repos.map(
      (r) =>
        new Promise((resolve, reject) => {
          const w = new Worker(WORKER, {
            workerData: {
              kind: r.kind,
              repoDir: r.dir,
              commits: COMMITS,
              startTime,
              identity: IDENTITY,
              key: r.key,
              gitEnv: baseEnv,
            },
          });
          w.once('message', resolve);
          w.once('error', reject);
          w.once('exit', (code) => code !== 0 && reject(new BenchError(`generator for ${r.name} exited with ${code}`)));
        }),
    ),
  );
  const genMs = performance.now() - tGen;
  repos.forEach((r, i) => Object.assign(r, { gen: built[i] }));
  log(
    `generation: ${repos.length} × ${COMMITS} commits in ${secs(genMs)} s wall (${repos.length} worker threads on ${machine.cpus} CPUs)`,
  );
  for (const r of repos) {
    const g = r.gen;
    log(
      `  ${r.name.padEnd(16)} sign ${secs(g.signMs)} s (${(g.signMs / COMMITS).toFixed(3)} ms/commit), build ${secs(g.buildMs)} s, ` +
        `pack+index ${secs(g.writeMs)} s, ${(g.packBytes / 1e6).toFixed(1)} MB, tip ${g.tip.slice(0, 12)}`,
    );
  }

  // ---- sanity: git agrees on the first and last commit -----------------------------------------
  for (const r of repos) {
    const git = (args) =>
      execFileSync('git', ['-C', r.dir, ...r.gitArgs, ...args], { env: r.gitEnv, stdio: 'pipe' })
        .toString()
        .trim();
    check(git(['rev-list', '--count', 'main']) === String(COMMITS), `${r.name}: main does not have ${COMMITS} commits`);
    for (const oid of [r.gen.root.oid, r.gen.tip]) {
      const letter = git(['log', '-1', '--format=%G?', oid]);
      check(letter === 'G', `${r.name}: git says ${letter} for ${oid}, not G — the generator is wrong`);
    }
    if (r.kind === 'ssh') {
      const sigFile = join(tmp, 'root.sshsig');
      writeFileSync(sigFile, r.gen.root.signature);
      execFileSync('ssh-keygen', ['-Y', 'check-novalidate', '-n', 'git', '-s', sigFile], {
        input: Buffer.from(r.gen.root.payload),
        stdio: 'pipe',
      });
    }
  }
  log('sanity: git log -1 --format=%G? prints G for the root and the tip of each repository');

  // ---- timing -------------------------------------------------------------------------------------
  let gitguardVerify = 'unknown'; // 'available' | 'missing' | 'unknown'
  let gitguardMissingReason = '';
  const errors = [];
  log(
    `\ntiming, one repository at a time: git starts ssh-keygen (twice) or gpg for every commit, so git is the slow part`,
  );
  for (const r of repos) {
    log(`\n[${r.name}]`);
    const gitRun = await runTimed('git', ['-C', r.dir, ...r.gitArgs, 'log', '--format=%G?', 'main'], { env: r.gitEnv });
    check(gitRun.code === 0, `${r.name}: git log failed (${gitRun.code}): ${gitRun.stderr}`);
    const letters = gitRun.stdout.split('\n').filter(Boolean);
    const gitG = letters.filter((l) => l === 'G').length;
    r.git = { seconds: gitRun.seconds, G: gitG, lines: letters.length };
    log(
      `  git log --format=%G?        ${gitRun.seconds.toFixed(3)} s  (${gitG}/${letters.length} G, ${((gitRun.seconds / COMMITS) * 1000).toFixed(2)} ms/commit)`,
    );
    check(gitG === COMMITS, `${r.name}: git printed G for ${gitG} of ${COMMITS} commits — the generator is wrong`);

    r.gitguard = {};
    if (gitguardVerify !== 'missing') {
      rmSync(join(r.dir, '.git', 'gitguard'), { recursive: true, force: true });
      for (const phase of ['cold', 'warm']) {
        const args = [GITGUARD, 'verify', '-C', r.dir, ...r.gitguardArgs];
        // gitguard's runs are short and this machine is noisy: time RUNS of each phase and keep the
        // median (a cold run starts without the cache each time).
        const runs = [];
        for (let i = 0; i < RUNS; i += 1) {
          if (phase === 'cold') rmSync(join(r.dir, '.git', 'gitguard'), { recursive: true, force: true });
          runs.push(await runTimed(process.execPath, args, { env: baseEnv }));
          if (runs[runs.length - 1].code > 1) break;
        }
        const run =
          runs.find((x) => x.code > 1) ?? [...runs].sort((a, b) => a.seconds - b.seconds)[Math.floor(runs.length / 2)];
        if (run.code !== 0 && /error: (unknown command|unknown option|too many arguments)/i.test(run.stderr)) {
          gitguardVerify = 'missing';
          gitguardMissingReason = run.stderr.trim().split('\n')[0];
          log(`  gitguard verify not available yet (${gitguardMissingReason})`);
          break;
        }
        const lines = run.stdout.split('\n').filter((l) => l.trim());
        const G = lines.filter((l) => l.split(/\s+/)[1] === 'G').length;
        const res = { seconds: run.seconds, code: run.code, G, lines: lines.length };
        r.gitguard[phase] = res;
        if (run.code !== 0 && run.code !== 1) {
          res.error = run.stderr.trim().split('\n').slice(0, 3).join(' | ');
          errors.push(`${r.name}: gitguard verify (${phase}) exited ${run.code}: ${res.error}`);
          log(`  gitguard verify ${phase.padEnd(11)} FAILED exit ${run.code}: ${res.error}`);
          break;
        }
        gitguardVerify = 'available';
        log(
          `  gitguard verify ${phase.padEnd(11)} ${run.seconds.toFixed(3)} s median of ${runs.length} (${runs.map((x) => x.seconds.toFixed(2)).join(', ')})  (${G}/${lines.length} G, exit ${run.code}, ` +
            `${(r.git.seconds / run.seconds).toFixed(1)}× git)`,
        );
        if (G !== COMMITS) {
          const odd = lines.find((l) => l.split(/\s+/)[1] !== 'G');
          log(
            `    note: gitguard printed G for ${G} of ${COMMITS} commits; first other line: ${odd ?? '(none: too few lines)'}`,
          );
        }
      }
    } else {
      log('  gitguard verify not available yet');
    }

    const audit = await runTimed(process.execPath, [GITGUARD, 'audit', r.dir, '--format', 'json'], { env: baseEnv });
    r.audit = { seconds: audit.seconds, code: audit.code };
    if (audit.code !== 0 && audit.code !== 1) {
      r.audit.error = audit.stderr.trim().split('\n').slice(0, 3).join(' | ');
      errors.push(`${r.name}: gitguard audit exited ${audit.code}: ${r.audit.error}`);
    } else {
      try {
        JSON.parse(audit.stdout);
      } catch {
        r.audit.error = 'output is not JSON';
        errors.push(`${r.name}: gitguard audit --format json did not print JSON`);
      }
    }
    log(
      `  gitguard audit --format json ${audit.seconds.toFixed(3)} s  (exit ${audit.code}${r.audit.error ? `, ${r.audit.error}` : ''})`,
    );
  }

  // ---- report -------------------------------------------------------------------------------------
  const fmt = (n, d = 2) => (n === undefined ? '-' : n.toFixed(d));
  const ratio = (a, b) => (a !== undefined && b ? a / b : undefined);
  const mark = (v, target) => (v === undefined ? '' : v >= target ? ' ok' : ' MISS');
  const header = [
    'repository',
    'commits',
    'git s',
    'cold s',
    'warm s',
    'git/cold',
    'target',
    'git/warm',
    'target',
    'G git',
    'G cold',
    'G warm',
    'audit s',
  ];
  const rows = repos.map((r) => {
    const cold = r.gitguard.cold?.error ? undefined : r.gitguard.cold?.seconds;
    const warm = r.gitguard.warm?.error ? undefined : r.gitguard.warm?.seconds;
    const rc = ratio(r.git.seconds, cold);
    const rw = ratio(r.git.seconds, warm);
    const tc = TARGETS.cold[r.kind];
    Object.assign(r, { ratioCold: rc, ratioWarm: rw, targetCold: tc, targetWarm: TARGETS.warm });
    const na = gitguardVerify === 'missing' ? 'n/a' : '-';
    return [
      r.name,
      String(COMMITS),
      fmt(r.git.seconds, 3),
      cold === undefined ? na : fmt(cold, 3),
      warm === undefined ? na : fmt(warm, 3),
      rc === undefined ? na : `${fmt(rc, 1)}×`,
      `≥${tc}×${mark(rc, tc)}`,
      rw === undefined ? na : `${fmt(rw, 1)}×`,
      `≥${TARGETS.warm}×${mark(rw, TARGETS.warm)}`,
      String(r.git.G),
      r.gitguard.cold ? String(r.gitguard.cold.G) : na,
      r.gitguard.warm ? String(r.gitguard.warm.G) : na,
      fmt(r.audit.seconds, 3),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  log('');
  log(line(header));
  log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) log(line(row));
  log('');
  log(
    `targets: cold ≥ ${TARGETS.cold.ssh}× git for SSH, ≥ ${TARGETS.cold.openpgp}× for OpenPGP; warm ≥ ${TARGETS.warm}×`,
  );
  if (gitguardVerify === 'missing')
    log(`gitguard verify not available yet (${gitguardMissingReason}); git timings only`);
  log(`machine: ${machine.cpus} CPUs, node ${machine.node}, ${machine.git}, ${machine.gpg}, ${machine.ssh}`);
  log(`generation: ${secs(genMs)} s for ${repos.length} × ${COMMITS} commits (keys ${secs(keysMs)} s)`);

  const json = {
    commits: COMMITS,
    machine,
    keysSeconds: keysMs / 1000,
    generationSeconds: genMs / 1000,
    gitguardVerify,
    targets: TARGETS,
    repositories: repos.map((r) => ({
      name: r.name,
      kind: r.kind,
      commits: COMMITS,
      generation: {
        signSeconds: r.gen.signMs / 1000,
        buildSeconds: r.gen.buildMs / 1000,
        writeSeconds: r.gen.writeMs / 1000,
        packBytes: r.gen.packBytes,
      },
      git: r.git,
      gitguardCold: r.gitguard.cold ?? null,
      gitguardWarm: r.gitguard.warm ?? null,
      audit: r.audit,
      ratioCold: r.ratioCold ?? null,
      ratioWarm: r.ratioWarm ?? null,
      targetCold: r.targetCold,
      targetWarm: r.targetWarm,
    })),
    errors,
  };
  log(`BENCH_JSON ${JSON.stringify(json)}`);
  if (errors.length) {
    for (const e of errors) console.error(`error: ${e}`);
    return 1;
  }
  return 0;
}

let code = 1;
try {
  if (MODE === 'scale') code = await benchScale(process.argv.slice(3), { gitguard: GITGUARD, baseEnv }).then(() => 0);
  else if (MODE === 'scan-options') code = await benchScanOptions(process.argv.slice(3), { baseEnv }).then(() => 0);
  else if (MODE === 'signed') code = await benchSigned(process.argv.slice(3), { gitguard: GITGUARD, baseEnv, log });
  else
    code =
      MODE === 'secrets'
        ? await benchSecrets({ tmp, baseEnv, gitguard: GITGUARD, runs: RUNS, commits: COMMITS, log })
        : await main();
} catch (e) {
  console.error(`bench failed: ${e instanceof BenchError ? e.message : (e?.stack ?? e)}`);
  if (e?.stderr) console.error(String(e.stderr));
  code = 1;
} finally {
  cleanup();
}
process.exit(code);
