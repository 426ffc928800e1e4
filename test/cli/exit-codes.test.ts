// The built binary end to end: exit codes (0 pass, 1 a rule failed at or above --fail-on, 2 could
// not audit), the one-line error contract, the flags that pick rules and formats, and the kinds of
// repository gitguard must open (empty, bare, SHA-256, linked worktree, corrupt).
import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  constants,
  copyFileSync,
  existsSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { makeRepo, tempDir, cleanupTemp, type TestRepo } from '../helpers/repo.js';
import {
  ROOT,
  hasStackTrace,
  parseJson,
  resultOf,
  runCli,
  runMain,
  type CliResult,
  stderrLines,
  type JsonReport,
} from '../helpers/cli.js';

afterAll(cleanupTemp);

const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** A loose object's file (objects are loose here: gc.auto=0 and nothing packs). */
const looseObject = (repo: TestRepo, oid: string, gitDir = join(repo.dir, '.git')): string =>
  join(gitDir, 'objects', oid.slice(0, 2), oid.slice(2));

/** The one-line error contract for exit 2. */
function expectOneLineError(r: CliResult, startsWith: string | RegExp): string {
  expect(r.code).toBe(2);
  expect(hasStackTrace(r)).toBe(false);
  const lines = stderrLines(r);
  expect(lines).toHaveLength(1);
  if (typeof startsWith === 'string') expect(lines[0]!.startsWith(startsWith)).toBe(true);
  else expect(lines[0]).toMatch(startsWith);
  return lines[0]!;
}

interface RuleMetaJson {
  id: string;
  threat: string;
  severity: string;
  title: string;
  description: string;
  remediation: string[];
  references: string[];
}

// One repository of three unsigned commits serves every flag test; it is never modified.
let unsigned: TestRepo;
let unsignedIds: string[];
let rules: RuleMetaJson[];

beforeAll(async () => {
  unsigned = makeRepo();
  unsignedIds = [unsigned.commit('first'), unsigned.commit('second'), unsigned.commit('third')];
  const r = await runMain(['rules', '--format', 'json'], { env: unsigned.env });
  expect(r.code).toBe(0);
  rules = (JSON.parse(r.stdout) as { rules: RuleMetaJson[] }).rules;
});

describe('version, usage and errors', () => {
  test('--version prints the version from package.json and exits 0', () => {
    const r = runCli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(VERSION);
    expect(r.stderr).toBe('');
  });

  test('auditing a folder that is not a repository exits 2 with one line and no stack trace', () => {
    const dir = tempDir('gitguard-not-a-repo-');
    const r = runCli(['audit', dir], { env: unsigned.env });
    const line = expectOneLineError(r, 'gitguard: not a git repository');
    expect(line).toContain(dir);
    expect(r.stdout).toBe('');
  });

  test('auditing a path that does not exist exits 2 with one line', async () => {
    const missing = join(tempDir(), 'no', 'such', 'place');
    const r = await runMain(['audit', missing], { env: unsigned.env });
    const line = expectOneLineError(r, 'gitguard: ');
    expect(line).toContain(missing);
  });

  test('an unknown flag exits 2 with one line naming the flag', async () => {
    const r = await runMain(['audit', '--no-such-flag', unsigned.dir], { env: unsigned.env });
    const line = expectOneLineError(r, /unknown option/);
    expect(line).toContain('--no-such-flag');
  });

  test('an unknown rule exits 2 with one line naming the rule', async () => {
    const r = await runMain(['audit', unsigned.dir, '--rule', 'nope'], { env: unsigned.env });
    const line = expectOneLineError(r, 'gitguard: unknown rule');
    expect(line).toContain('nope');
  });

  test('an unknown format or threat exits 2 without a stack trace', async () => {
    for (const args of [
      ['--format', 'yaml'],
      ['--threat', 'aliens'],
      ['--fail-on', 'sometimes'],
    ]) {
      const r = await runMain(['audit', unsigned.dir, ...args], { env: unsigned.env });
      expect(r.code).toBe(2);
      expect(hasStackTrace(r)).toBe(false);
      expect(stderrLines(r).length).toBeGreaterThanOrEqual(1);
      expect(r.stdout).toBe('');
    }
  });
});

describe('kinds of repository', () => {
  test('an empty repository (no commits) gets a report in which commits-signed is not applicable', async () => {
    const empty = makeRepo();
    const r = await runMain(['audit', empty.dir, '--format', 'json'], { env: empty.env });
    expect(hasStackTrace(r)).toBe(false);
    const report = parseJson(r);
    expect(report.scope.commits).toBe(0);
    expect(report.repository.head.oid).toBeUndefined();
    expect(report.repository.head.ref).toBe('refs/heads/main');
    expect(resultOf(report, 'commits-signed').outcome).toBe('not-applicable');
    for (const id of [
      'replace-refs-absent',
      'grafts-absent',
      'history-complete',
      'remote-urls-without-credentials',
      'tls-verification-enabled',
    ]) {
      expect([id, resultOf(report, id).outcome]).toEqual([id, 'pass']);
    }
    // The pinned global config does not set transfer.fsckObjects: missing hardening is a warning.
    expect(resultOf(report, 'fsck-objects-enabled').outcome).toBe('warn');
    // Nothing about the repository itself fails; client rules judge this machine's git, so the exit
    // code is whatever the rules say: 1 exactly when some rule failed (at the default --fail-on low).
    const repoResults = report.results.filter((x) => x.meta.threat !== 'client');
    expect(repoResults.filter((x) => x.outcome === 'fail' || x.outcome === 'error')).toEqual([]);
    const expected = report.results.some((x) => x.outcome === 'fail') ? 1 : 0;
    expect(r.code).toBe(expected);
    expect(report.exitCode).toBe(expected);
    const text = await runMain(['audit', empty.dir], { env: empty.env });
    expect(text.code).toBe(expected);
    expect(text.stdout).toMatch(/n\/a\s+commits-signed/);
    expect(text.stdout).toContain('0 commit(s)');
  });

  test('a bare repository with commits is audited and reported as bare', async () => {
    const src = makeRepo();
    const ids = [src.commit('one'), src.commit('two')];
    const bare = join(tempDir(), 'mirror.git');
    execFileSync('git', ['clone', '-q', '--bare', src.dir, bare], { env: src.env, stdio: 'pipe' });
    const r = await runMain(['audit', bare, '--format', 'json'], { env: src.env });
    expect(r.code).toBe(1);
    const report = parseJson(r);
    expect(report.repository.bare).toBe(true);
    expect(report.repository.head).toEqual({ ref: 'refs/heads/main', oid: ids[1] });
    expect(report.scope.commits).toBe(2);
    expect(
      resultOf(report, 'commits-signed')
        .findings.map((f) => f.commit)
        .sort(),
    ).toEqual([...ids].sort());
  });

  test('a SHA-256 repository is audited with full-length object ids', async () => {
    const repo = makeRepo({ objectFormat: 'sha256' });
    const ids = [repo.commit('one'), repo.commit('two'), repo.commit('three')];
    expect(ids[0]).toHaveLength(64);
    const r = await runMain(['audit', repo.dir, '--format', 'json'], { env: repo.env });
    const report = parseJson(r);
    expect(report.repository.objectFormat).toBe('sha256');
    expect(report.scope.commits).toBe(3);
    expect(report.repository.head.oid).toBe(ids[2]);
    const signed = resultOf(report, 'commits-signed');
    expect(signed.outcome).toBe('fail');
    expect(signed.findings.map((f) => f.commit).sort()).toEqual([...ids].sort());
    expect(r.code).toBe(1);
  });

  test("a linked worktree is audited at the worktree's own HEAD", async () => {
    const repo = makeRepo();
    const base = repo.commit('base on main');
    const wt = join(tempDir(), 'wt');
    repo.run(['worktree', 'add', '-q', '-b', 'feature', wt]);
    const inWt = (args: string[]): string =>
      execFileSync('git', args, { cwd: wt, env: repo.env, stdio: 'pipe' }).toString().trim();
    writeFileSync(join(wt, 'f.txt'), 'feature\n');
    inWt(['add', 'f.txt']);
    inWt(['commit', '-q', '-m', 'work on feature']);
    const featureHead = inWt(['rev-parse', 'HEAD']);
    repo.commit('later on main'); // main moves on; the worktree must not see it

    const r = await runMain(['audit', wt, '--format', 'json'], { env: repo.env });
    const report = parseJson(r);
    expect(report.repository.head).toEqual({ ref: 'refs/heads/feature', oid: featureHead });
    expect(report.repository.bare).toBe(false);
    expect(report.scope.commits).toBe(2);
    expect(
      resultOf(report, 'commits-signed')
        .findings.map((f) => f.commit)
        .sort(),
    ).toEqual([base, featureHead].sort());
    expect(r.code).toBe(1);
  });
});

describe('rule selection, thresholds and formats', () => {
  test('a repository of unsigned commits exits 1 and commits-signed lists every commit id', async () => {
    const r = runCli(['audit', unsigned.dir, '--format', 'json'], { env: unsigned.env });
    expect(r.code).toBe(1);
    const report = parseJson(r);
    const signed = resultOf(report, 'commits-signed');
    expect(signed.outcome).toBe('fail');
    expect(signed.severity).toBe('high');
    expect(signed.findingCount).toBe(3);
    expect(signed.findings.map((f) => f.commit).sort()).toEqual([...unsignedIds].sort());

    // The exit status of the built binary is proven above; the text report, in this process.
    const text = await runMain(['audit', unsigned.dir], { env: unsigned.env });
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/FAIL\s+commits-signed/);
    for (const id of unsignedIds) expect(text.stdout).toContain(id.slice(0, 12));
  });

  test('--rule runs just the rules named, repeated or comma-separated', async () => {
    const wanted = ['fsck-objects-enabled', 'tls-verification-enabled'];
    for (const args of [
      ['--rule', wanted[0]!, '--rule', wanted[1]!],
      ['--rule', wanted.join(',')],
    ]) {
      const r = await runMain(['audit', unsigned.dir, '--format', 'json', ...args], { env: unsigned.env });
      const report = parseJson(r);
      expect(report.results.map((x) => x.meta.id).sort()).toEqual(wanted);
      // Neither is a commit rule: no history walk happened.
      expect(report.scope.commits).toBe(0);
      expect(r.code).toBe(0);
    }
  });

  test('--threat history runs only the history rules', async () => {
    const r = await runMain(['audit', unsigned.dir, '--format', 'json', '--threat', 'history'], { env: unsigned.env });
    const report = parseJson(r);
    const expected = rules
      .filter((m) => m.threat === 'history')
      .map((m) => m.id)
      .sort();
    expect(expected.length).toBeGreaterThan(0);
    expect(report.results.map((x) => x.meta.id).sort()).toEqual(expected);
    expect(report.results.every((x) => x.meta.threat === 'history')).toBe(true);
    expect(r.code).toBe(0);
  });

  test('--fail-on critical lets a failed high-severity rule exit 0', async () => {
    const r = await runMain(['audit', unsigned.dir, '--format', 'json', '--fail-on', 'critical'], {
      env: unsigned.env,
    });
    const report = parseJson(r);
    const signed = resultOf(report, 'commits-signed');
    expect([signed.outcome, signed.severity]).toEqual(['fail', 'high']);
    expect(report.failOn).toBe('critical');
    // Only a critical failure could fail this run (none of this repository's rules is one; a client
    // rule judging this machine's git might be).
    const expected = report.results.some((x) => x.outcome === 'fail' && x.severity === 'critical') ? 1 : 0;
    expect(
      report.results.filter((x) => x.meta.threat !== 'client' && x.outcome === 'fail' && x.severity === 'critical'),
    ).toEqual([]);
    expect(report.exitCode).toBe(expected);
    expect(r.code).toBe(expected);
    // Just the unsigned-commit rule: exit 0 at --fail-on critical, exit 1 at its own severity.
    expect(
      (
        await runMain(['audit', unsigned.dir, '--rule', 'commits-signed', '--fail-on', 'critical'], {
          env: unsigned.env,
        })
      ).code,
    ).toBe(0);
    expect(
      (await runMain(['audit', unsigned.dir, '--rule', 'commits-signed', '--fail-on', 'high'], { env: unsigned.env }))
        .code,
    ).toBe(1);
  });

  test('--output writes the report to the file and nothing to stdout', async () => {
    const out = join(tempDir(), 'report.txt');
    const r = await runMain(['audit', unsigned.dir, '--output', out], { env: unsigned.env });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(existsSync(out)).toBe(true);
    const text = readFileSync(out, 'utf8');
    expect(text).toMatch(/FAIL\s+commits-signed/);
    expect(text).not.toMatch(/\u001b/);

    const jsonOut = join(tempDir(), 'report.json');
    const j = await runMain(['audit', unsigned.dir, '-f', 'json', '-o', jsonOut], { env: unsigned.env });
    expect(j.stdout).toBe('');
    expect((JSON.parse(readFileSync(jsonOut, 'utf8')) as JsonReport).schemaVersion).toBe(1);
  });

  test('--output into a folder that does not exist exits 2 with one line', async () => {
    const out = join(tempDir(), 'missing-dir', 'report.txt');
    const r = await runMain(['audit', unsigned.dir, '--output', out], { env: unsigned.env });
    const line = expectOneLineError(r, 'gitguard: ');
    expect(line).toContain(out);
  });

  test('--format json is schemaVersion 1 with one result per selected rule', async () => {
    const r = await runMain(['audit', unsigned.dir, '--format', 'json'], { env: unsigned.env });
    const report = parseJson(r);
    expect(report.schemaVersion).toBe(1);
    expect(report.tool).toEqual({ name: 'gitguard', version: VERSION });
    expect(report.results.map((x) => x.meta.id).sort()).toEqual(rules.map((m) => m.id).sort());
    const outcomes = ['pass', 'fail', 'warn', 'not-applicable', 'not-available', 'error'];
    const severities = ['info', 'low', 'medium', 'high', 'critical'];
    for (const res of report.results) {
      expect(outcomes).toContain(res.outcome);
      expect(severities).toContain(res.severity);
      expect(Array.isArray(res.findings)).toBe(true);
      expect(typeof res.findingCount).toBe('number');
      expect(res.findingCount).toBeGreaterThanOrEqual(res.findings.length);
    }
    expect(report.exitCode).toBe(r.code);
    const total = Object.values(report.summary).reduce((a, b) => a + b, 0);
    expect(total).toBe(report.results.length);
  });

  test('gitguard rules --format json lists every rule with its metadata', async () => {
    expect(rules.length).toBeGreaterThan(0);
    for (const m of rules) {
      expect(m).toEqual(
        expect.objectContaining({
          id: expect.stringMatching(/^[a-z0-9-]+$/),
          threat: expect.stringMatching(/^(impersonation|history|protections|client)$/),
          severity: expect.stringMatching(/^(info|low|medium|high|critical)$/),
          title: expect.any(String),
          description: expect.any(String),
          remediation: expect.any(Array),
          references: expect.any(Array),
        }),
      );
      expect(m.title.length).toBeGreaterThan(0);
      expect(m.description.length).toBeGreaterThan(0);
    }
    expect(new Set(rules.map((m) => m.id)).size).toBe(rules.length);
    expect(rules.map((m) => m.id)).toContain('commits-signed');
  });
});

describe('corrupt repositories', () => {
  /** A repo of three unsigned commits; returns it and the ids oldest first. */
  function threeCommits(): { repo: TestRepo; ids: string[] } {
    const repo = makeRepo();
    const ids = [repo.commit('one'), repo.commit('two'), repo.commit('three')];
    return { repo, ids };
  }

  test("a commit object missing from HEAD's history exits 2 with one line saying the history could not be read", async () => {
    const { repo, ids } = threeCommits();
    rmSync(looseObject(repo, ids[1]!));
    const r = await runMain(['audit', repo.dir], { env: repo.env });
    const line = expectOneLineError(r, 'gitguard: ');
    expect(line).toMatch(/cannot read the history|could not be read/i);
    expect(r.stdout).toBe('');
  });

  test('a truncated commit object exits 2 with one line saying the history could not be read', async () => {
    const { repo, ids } = threeCommits();
    const file = looseObject(repo, ids[0]!);
    chmodSync(file, 0o644);
    writeFileSync(file, '');
    const r = await runMain(['audit', repo.dir, '--format', 'json'], { env: repo.env });
    const line = expectOneLineError(r, 'gitguard: ');
    expect(line).toMatch(/cannot read the history|could not be read/i);
    expect(r.stdout).toBe('');
  });

  // Regression: git < 2.46 ignores GIT_ADVICE, so with GIT_GRAFT_FILE=/dev/null every git call
  // printed the graftFileDeprecated hint first, and the error line showed that hint instead of why.
  test('the error line for a broken history says which object is missing or corrupt, not a git hint', async () => {
    for (const damage of ['delete', 'truncate'] as const) {
      const { repo, ids } = threeCommits();
      const victim = ids[1]!;
      const file = looseObject(repo, victim);
      if (damage === 'delete') rmSync(file);
      else {
        chmodSync(file, 0o644);
        writeFileSync(file, '');
      }
      const line = expectOneLineError(await runMain(['audit', repo.dir], { env: repo.env }), 'gitguard: ');
      expect(line).not.toMatch(/hint:/);
      expect(line).toMatch(new RegExp(`${victim.slice(0, 7)}|missing|corrupt|could not read|empty`, 'i'));
    }
  });

  // git does not re-hash a loose object when it reads it. Here the file of an unsigned commit holds a
  // signed commit instead: believed, the unsigned commit would vanish from commits-signed.
  test('a loose object whose content does not hash to its name is reported, not believed', async () => {
    const repo = makeRepo();
    const keyPath = join(repo.home, 'signing-key');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'test', '-f', keyPath], { stdio: 'pipe' });
    const first = repo.commit('first, unsigned');
    const second = repo.commit('second, unsigned');
    // A signed commit on a throw-away branch, whose bytes will be planted under `first`'s name.
    repo.run(['checkout', '-q', '--orphan', 'donor']);
    repo.run([
      '-c',
      'gpg.format=ssh',
      '-c',
      `user.signingkey=${keyPath}`,
      'commit',
      '-q',
      '--allow-empty',
      '-S',
      '-m',
      'substitute, signed',
    ]);
    const donor = repo.head();
    repo.run(['checkout', '-q', 'main']);
    repo.run(['branch', '-q', '-D', 'donor']);
    const target = looseObject(repo, first);
    chmodSync(target, 0o644);
    copyFileSync(looseObject(repo, donor), target);

    const r = await runMain(['audit', repo.dir, '--format', 'json'], { env: repo.env });
    expect(hasStackTrace(r)).toBe(false);
    if (r.code === 2) {
      // Refusing to audit is sensible if the line names the object.
      expect(stderrLines(r)).toHaveLength(1);
      expect(r.stderr).toContain(first.slice(0, 7));
      return;
    }
    // Otherwise a failed rule must name `first` as an object that is not what it claims to be.
    const report = parseJson(r);
    const flagged = report.results
      .filter((x) => x.outcome === 'fail')
      .flatMap((x) => x.findings.map((f) => ({ rule: x.meta.id, severity: x.severity, ...f })))
      .filter((f) => f.commit === first && /hash|alter|corrupt|mismatch|forged/i.test(f.message));
    expect(flagged.length).toBeGreaterThan(0);
    expect(['high', 'critical']).toContain(flagged[0]!.severity);
    expect(r.code).toBe(1);
    // The commit that was not touched is still judged on its own bytes.
    expect(resultOf(report, 'commits-signed').findings.map((f) => f.commit)).toContain(second);
  });
});

describe('a reader that closes the pipe early', () => {
  // A FIFO whose reading end is closed before gitguard starts: every write gets EPIPE, as with
  // `gitguard audit --help | head -1` when head has already exited. Deterministic, unlike a real head.
  test('ends the run with its own exit code and no crash or stack trace', async () => {
    const dir = tempDir();
    const fifo = join(dir, 'out');
    execFileSync('mkfifo', [fifo]);
    const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    const writer = openSync(fifo, constants.O_WRONLY);
    closeSync(reader);
    const res = spawnSync(process.execPath, [join(ROOT, 'bin', 'gitguard.js'), 'rules', '--format', 'json'], {
      stdio: ['ignore', writer, 'pipe'],
      encoding: 'utf8',
    });
    closeSync(writer);
    expect(res.status).toBe(0);
    expect(res.stderr).not.toMatch(/EPIPE|Error|\n\s+at /);
  });
});
