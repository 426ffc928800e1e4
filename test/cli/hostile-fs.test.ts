// A repository whose files are traps for the process reading them: symlinks out of the work tree
// where gitguard writes (init's .gitguard/, its own .git/gitguard state), FIFOs that block open()
// forever, /dev/zero that never ends, a git that hangs. gitguard must finish, write nothing outside
// the repository, print none of a link target's bytes, and say in one line what it refused. Runs that
// could hang (FIFOs, devices) use the built code in a node process of their own with a hard time limit
// (runCliBatch: a killed run fails the test); the others run in-process (runMain), where a hang fails
// the test at jest's timeout.
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { makeRepo, tempDir, cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { madeOnce } from '../helpers/made-once.js';
import { maxObjectBytes } from '../../src/collect/objects.js';
import { hasStackTrace, parseJson, resultOf, runMain, stderrLines, type CliResult } from '../helpers/cli.js';
import { runCliBatch, type BatchRun } from '../helpers/cli-batch.js';

afterAll(cleanupTemp);

const SECRET = 'TOP-SECRET-BYTES-0123456789';
// A run that hangs is killed at this limit (code -1): the assertion is on the outcome, not the time.
const LIMIT = 60_000;

const withCommits = madeOnce(() => {
  const r = makeRepo();
  r.commit('one');
  r.commit('two');
  return { r };
});
/** A repository with two commits, a copy of its own for each caller. */
const repoWithCommits = (): TestRepo => withCommits().r;

/** A folder outside the repository holding one file with SECRET in it. */
function outside(): { dir: string; file: string } {
  const dir = tempDir('gitguard-outside-');
  const file = join(dir, 'victim.txt');
  writeFileSync(file, `${SECRET}\n`);
  return { dir, file };
}

function expectUntouched(o: { dir: string; file: string }): void {
  expect(readdirSync(o.dir)).toEqual(['victim.txt']);
  expect(readFileSync(o.file, 'utf8')).toBe(`${SECRET}\n`);
}

function expectFinished(res: CliResult): void {
  expect(res.code).not.toBe(-1); // not killed at LIMIT
  expect(hasStackTrace(res)).toBe(false);
  expect(res.stdout + res.stderr).not.toContain(SECRET.slice(0, 6)); // not even the first bytes
}

function expectRefused(res: CliResult, what: RegExp): void {
  expectFinished(res);
  expect(res.code).toBe(2);
  const lines = stderrLines(res);
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(what);
}

const mkfifo = (path: string): void => {
  execFileSync('mkfifo', [path]);
};

describe('gitguard init never writes through a symlink', () => {
  test('a committed .gitguard/allowed_signers -> file outside the work tree', async () => {
    const r = repoWithCommits();
    const o = outside();
    mkdirSync(join(r.dir, '.gitguard'));
    symlinkSync(o.file, join(r.dir, '.gitguard', 'allowed_signers'));
    r.commit('planted link', { 'x.txt': 'x\n' });
    const res = await runMain(['init', '-C', r.dir], { env: r.env });
    expectRefused(res, /allowed_signers.*symbolic link/);
    expectUntouched(o);
    expect(existsSync(join(r.dir, '.gitguard', 'policy.yml'))).toBe(false);
  });

  test('a committed .gitguard -> folder outside the work tree', async () => {
    const r = repoWithCommits();
    const o = outside();
    symlinkSync(o.dir, join(r.dir, '.gitguard'));
    const res = await runMain(['init', '-C', r.dir], { env: r.env });
    expectRefused(res, /\.gitguard.*symbolic link/);
    expectUntouched(o);
  });

  test('.gitguard/keys -> folder outside, with --force', async () => {
    const r = repoWithCommits();
    const o = outside();
    mkdirSync(join(r.dir, '.gitguard'));
    symlinkSync(o.dir, join(r.dir, '.gitguard', 'keys'));
    const res = await runMain(['init', '-C', r.dir, '--force'], { env: r.env });
    expectRefused(res, /keys.*symbolic link/);
    expectUntouched(o);
  });

  test('a clean clone still gets its policy', async () => {
    const r = repoWithCommits();
    const res = await runMain(['init', '-C', r.dir], { env: r.env });
    expectFinished(res);
    expect(res.code).toBe(0);
    expect(existsSync(join(r.dir, '.gitguard', 'policy.yml'))).toBe(true);
  });
});

describe('report and baseline files are never written through a committed symlink', () => {
  test('--output-sarif, -o and baseline write at a link out of the checkout: refused, target untouched', async () => {
    const r = repoWithCommits();
    const o = outside();
    symlinkSync(o.file, join(r.dir, 'gitguard.sarif'));
    symlinkSync(o.file, join(r.dir, 'report.txt'));
    symlinkSync(o.file, join(r.dir, 'baseline.json'));
    r.commit('ci files', { 'ci.txt': 'x\n' });
    for (const args of [
      ['audit', r.dir, '--no-cache', '--output-sarif', join(r.dir, 'gitguard.sarif')],
      ['audit', r.dir, '--no-cache', '-o', join(r.dir, 'report.txt')],
      ['baseline', 'write', join(r.dir, 'baseline.json'), r.dir],
    ]) {
      expectRefused(await runMain(args, { env: r.env }), /symbolic link/);
      expectUntouched(o);
    }
  });

  test('a device the user names (/dev/null, /dev/stdout) is still written to, not refused as a link', async () => {
    const r = repoWithCommits();
    const res = await runMain(['audit', r.dir, '--no-cache', '-t', 'history', '--format', 'json', '-o', '/dev/null'], {
      env: r.env,
    });
    expectFinished(res);
    expect(res.code).toBe(0);
    expect(res.stderr).toBe('');
  });
});

describe('.git/gitguard state is never followed out of the repository', () => {
  test('state folder -> outside: verify refuses in one line, writes nothing there', async () => {
    const r = repoWithCommits();
    const o = outside();
    symlinkSync(o.dir, join(r.dir, '.git', 'gitguard'));
    const res = await runMain(['verify', '-C', r.dir], { env: r.env });
    expectRefused(res, /gitguard.*symbolic link.*--no-cache/);
    expectUntouched(o);
    // --no-cache is the way round it, and still writes nothing there.
    const plain = await runMain(['verify', '-C', r.dir, '--no-cache'], { env: r.env });
    expectFinished(plain);
    expect(plain.code).toBe(1); // unsigned commits: a verdict, not a refusal
    expect(plain.stdout).toMatch(/ N .*unsigned/);
    expectUntouched(o);
  });

  test('state folder -> outside: ledger accept refuses, audit reports the ledger unreadable', async () => {
    const r = repoWithCommits();
    const o = outside();
    symlinkSync(o.dir, join(r.dir, '.git', 'gitguard'));
    const accept = await runMain(['ledger', 'accept', 'refs/heads/main', '-C', r.dir], { env: r.env });
    expectRefused(accept, /symbolic link/);
    const audit = await runMain(['audit', r.dir, '--no-cache', '--format', 'json'], { env: r.env });
    expectFinished(audit);
    expectUntouched(o);
  });

  test.each(['ledger.json', 'verify-cache.json'])(
    '%s -> a file outside: not read, not written, not printed',
    async (name) => {
      const r = repoWithCommits();
      const o = outside();
      mkdirSync(join(r.dir, '.git', 'gitguard'));
      symlinkSync(o.file, join(r.dir, '.git', 'gitguard', name));
      for (const args of [
        ['verify', '-C', r.dir],
        ['verify', '-C', r.dir, '--format', 'json'],
        ['audit', r.dir],
        ['audit', r.dir, '--format', 'json'],
        ['ledger', 'show', r.dir],
        ['ledger', 'show', r.dir, '--format', 'json'],
        ['ledger', 'accept', 'refs/heads/main', '-C', r.dir],
      ]) {
        const res = await runMain(args, { env: r.env });
        expectFinished(res);
        expectUntouched(o);
      }
      // The command that would write the file refuses, in one line, and leaves the link for a human to see.
      const writer =
        name === 'ledger.json' ? ['ledger', 'accept', 'refs/heads/main', '-C', r.dir] : ['verify', '-C', r.dir];
      expectRefused(await runMain(writer, { env: r.env }), /symbolic link/);
      expect(lstatSync(join(r.dir, '.git', 'gitguard', name)).isSymbolicLink()).toBe(true);
    },
  );
});

describe('FIFOs and devices in the repository do not hang or flood gitguard', () => {
  // Every run here is made up front, all in one node process of the built binary (runCliBatch) with
  // a hard time limit: one node start-up for nine runs. Each test then judges its own run.
  const FIFOS = [
    ['info/grafts', ['audit', '-t', 'history']],
    ['gitguard/ledger.json', ['audit']],
    ['gitguard/verify-cache.json', ['verify']],
    ['logs/refs/heads/main', ['audit']],
    ['shallow', ['verify', '--no-cache']],
    ['gitguard/ledger.lock', ['ledger', 'accept', 'refs/heads/main']],
  ] as const;
  const planned: Array<[string, BatchRun]> = [];
  const plan = (name: string, run: BatchRun): number => planned.push([name, run]);
  let results = new Map<string, CliResult>();

  beforeAll(() => {
    for (const [rel, args] of FIFOS) {
      const r = repoWithCommits();
      const path = join(r.dir, '.git', rel);
      mkdirSync(join(path, '..'), { recursive: true });
      rmSync(path, { force: true });
      mkfifo(path);
      // A git that opens the FIFO itself is stopped by the real watchdog (1 s here instead of minutes;
      // a git stopped early for any other reason ends the same way: exit 2, one line).
      plan(rel, {
        args: [...args, ...(args[0] === 'audit' ? [r.dir] : ['-C', r.dir])],
        env: { ...r.env, GITGUARD_TIMEOUT: '1' },
      });
    }
    const fifoGrafts = repoWithCommits();
    mkdirSync(join(fifoGrafts.dir, '.git', 'info'), { recursive: true });
    mkfifo(join(fifoGrafts.dir, '.git', 'info', 'grafts'));
    plan('grafts FIFO', { args: ['audit', fifoGrafts.dir, '-t', 'history', '--format', 'json'], env: fifoGrafts.env });
    const zero = repoWithCommits();
    mkdirSync(join(zero.dir, '.git', 'info'), { recursive: true });
    symlinkSync('/dev/zero', join(zero.dir, '.git', 'info', 'grafts'));
    plan('grafts /dev/zero', { args: ['audit', zero.dir, '-t', 'history', '--format', 'json'], env: zero.env });
    const alternates = repoWithCommits();
    mkfifo(join(alternates.dir, '.git', 'objects', 'info', 'alternates'));
    // No short GITGUARD_TIMEOUT: before, the run ended only when the watchdog stopped the blocked git.
    plan('alternates FIFO', { args: ['verify', '-C', alternates.dir, '--no-cache'], env: alternates.env });
    const out = runCliBatch(
      planned.map(([, run]) => run),
      { timeoutMs: LIMIT },
    );
    results = new Map(planned.map(([name], i) => [name, out[i]!]));
  }, 2 * LIMIT);

  test.each(FIFOS)('a FIFO at .git/%s', (rel) => {
    expectFinished(results.get(rel)!);
  });

  test('a FIFO at info/grafts is a failed grafts-absent, not a pass', () => {
    const res = results.get('grafts FIFO')!;
    expectFinished(res);
    const grafts = resultOf(parseJson(res), 'grafts-absent');
    expect(grafts.outcome).toBe('fail');
    expect(grafts.findings[0]!.message).toMatch(/not a regular file/);
  });

  test('info/grafts -> /dev/zero is reported, not read', () => {
    const res = results.get('grafts /dev/zero')!;
    expectFinished(res);
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/grafts file is present that gitguard will not read/);
  });

  test('a FIFO at objects/info/alternates, which git would block on: refused before git opens it, one line, exit 2', () => {
    const res = results.get('alternates FIFO')!;
    expectRefused(res, /objects\/info\/alternates is not a regular file \(a FIFO, device or socket\)/);
  });
});

describe('objects too large to hold are refused before they are read', () => {
  // The cap is proven on a 5 MiB message under a 4 MiB cap (GITGUARD_MAX_OBJECT_BYTES, the knob users
  // have): the same refusal, before the message is read, as a 110 MiB message under the default 64 MiB,
  // which cost 3 CPU-s to write and read; the default itself is asserted beside it.
  test('a commit message over the cap: refused with the limit and how to lift it; read in full when lifted', async () => {
    expect(maxObjectBytes({})).toBe(64 * 1024 * 1024);
    const r = repoWithCommits();
    const tree = r.run(['rev-parse', 'HEAD^{tree}']);
    const parent = r.head();
    const message = Buffer.alloc(5 * 1024 * 1024, 'a');
    message[message.length - 1] = 10;
    const head = Buffer.from(
      `tree ${tree}\nparent ${parent}\nauthor A <a@example.com> 1700000000 +0000\ncommitter A <a@example.com> 1700000000 +0000\n\n`,
    );
    const oid = r.run(['hash-object', '-t', 'commit', '-w', '--stdin'], { input: Buffer.concat([head, message]) });
    r.run(['update-ref', 'refs/heads/main', oid]);
    const capped = { ...r.env, GITGUARD_MAX_OBJECT_BYTES: String(4 * 1024 * 1024) };
    const res = await runMain(['verify', '-C', r.dir, '--no-cache'], { env: capped });
    expectRefused(res, new RegExp(`commit ${oid} is 5 MiB, over gitguard's limit of 4 MiB.*GITGUARD_MAX_OBJECT_BYTES`));
    // Under the default cap (no variable), as when lifted: read in full and judged (unsigned), not refused.
    for (const env of [r.env, { ...r.env, GITGUARD_MAX_OBJECT_BYTES: String(8 * 1024 * 1024) }]) {
      const lifted = await runMain(['verify', '-C', r.dir, '--no-cache', '--format', 'json'], { env });
      expectFinished(lifted);
      expect(lifted.code).toBe(1);
      expect(lifted.stdout).toContain(oid);
    }
  });

  test('an oversized policy.yml is refused by its size', async () => {
    const r = repoWithCommits();
    r.commit('policy', { '.gitguard/policy.yml': `# ${'x'.repeat(3 * 1024 * 1024)}\nversion: 1\n` });
    const res = await runMain(['verify', '-C', r.dir, '--no-cache'], { env: r.env });
    expectRefused(res, /policy\.yml is larger than 1 MiB \(\d+ bytes\)/);
  });
});
