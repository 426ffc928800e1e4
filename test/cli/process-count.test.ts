// How many programs one audit starts: each is a fork of the caller (a pre-push hook's node, or a
// jest worker of hundreds of MB), so a question asked twice in one run is paid on every push.
// Counted with a git wrapper on PATH (or --git) that logs each call, then runs the real git.
import { execFileSync } from 'node:child_process';
import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTemp, makeRepo, tempDir, type TestRepo } from '../helpers/repo.js';
import { runMain } from '../helpers/cli.js';

afterAll(cleanupTemp);

let repo: TestRepo;
let realGit: string;
beforeAll(() => {
  repo = makeRepo();
  for (const n of [1, 2, 3]) repo.commit(`c${n}`, { [`f${n}`]: `${n}\n` });
  realGit = execFileSync('sh', ['-c', 'command -v git'], { env: repo.env, encoding: 'utf8' }).trim();
});

/** A `git` in a folder of its own that logs each call (arguments joined by \x1f, one call a line). */
function loggingGit(note = 'a'): { dir: string; bin: string; calls(): string[][]; write(note: string): void } {
  const dir = tempDir('gitguard-count-');
  const bin = join(dir, 'git');
  const log = join(dir, 'calls');
  const write = (n: string): void => {
    writeFileSync(
      bin,
      `#!/bin/sh\n# ${n}\nprintf '%s\\037' "$@" >> '${log}'\necho >> '${log}'\nexec '${realGit}' "$@"\n`,
    );
    chmodSync(bin, 0o755);
  };
  write(note);
  const calls = (): string[][] => {
    let text = '';
    try {
      text = readFileSync(log, 'utf8');
    } catch {
      return [];
    }
    rmSync(log);
    return text
      .split('\n')
      .filter((l) => l)
      .map((l) => l.split('\x1f').slice(0, -1));
  };
  return { dir, bin, calls, write };
}

const versionQueries = (calls: string[][]): number =>
  calls.filter((c) => c.filter((a) => !['--no-pager'].includes(a)).join(' ') === '--version').length;

describe('git --version', () => {
  test('asked once per git file and process: the git check and the client probe share it; a git rewritten in place is asked again', async () => {
    const git = loggingGit();
    const env = { ...repo.env, PATH: `${git.dir}:${repo.env.PATH ?? ''}` };
    const audit = () => runMain(['audit', '-C', repo.dir, '--no-ledger', '--format', 'json'], { env });
    const first = await audit();
    expect(first.code).toBeLessThan(2);
    // The client section names the wrapper: it is the git that was judged.
    expect(first.stdout).toContain(git.bin);
    expect(versionQueries(git.calls())).toBe(1);
    await audit();
    expect(versionQueries(git.calls())).toBe(0);
    git.write('b'); // same size, new content
    await audit();
    expect(versionQueries(git.calls())).toBe(1);
  });

  test('with --git the same', async () => {
    const git = loggingGit();
    const r = await runMain(['audit', '-C', repo.dir, '--no-ledger', '--git', git.bin], { env: repo.env });
    expect(r.code).toBeLessThan(2);
    expect(versionQueries(git.calls())).toBe(1);
  });

  test('a git that hangs on --version is stopped (GITGUARD_TIMEOUT), and asked again by the next run', async () => {
    const git = loggingGit();
    const hang = join(git.dir, 'hang');
    writeFileSync(hang, `#!/bin/sh\nprintf '%s\\n' "$*" >> '${git.dir}/hung'\nexec sleep 30\n`);
    chmodSync(hang, 0o755);
    const env = { ...repo.env, GITGUARD_TIMEOUT: '1' };
    for (const round of [1, 2]) {
      const r = await runMain(['audit', '-C', repo.dir, '--no-ledger', '--git', hang], { env });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(
        /^gitguard: git at .* did not run: it did not finish within 1 s \(GITGUARD_TIMEOUT\); pass --git PATH/,
      );
      expect(readFileSync(join(git.dir, 'hung'), 'utf8').split('\n').filter(Boolean)).toHaveLength(round);
    }
  });

  test('a git that prints no version is still refused after another git was checked', async () => {
    const git = loggingGit();
    git.write('x');
    writeFileSync(git.bin, `#!/bin/sh\necho hello\n`);
    const r = await runMain(['audit', '-C', repo.dir, '--no-ledger', '--git', git.bin], { env: repo.env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^gitguard: git at .* did not run: it printed "hello", not a git version; /);
  });
});

describe('one run asks git each question once', () => {
  // Calls that read their question on stdin repeat their arguments with other input.
  const onStdin = (c: string[]): boolean => c.includes('--stdin') || c.some((a) => a.startsWith('--batch'));
  const repeats = (calls: string[][]): string[] => {
    const seen = new Set<string>();
    const twice: string[] = [];
    for (const c of calls.filter((x) => !onStdin(x))) {
      const key = c.join(' ');
      if (seen.has(key)) twice.push(key);
      seen.add(key);
    }
    return twice;
  };

  test("a tip whose policy names a later trust_root: the root search (for the tip's check and the default) runs once", async () => {
    const r = makeRepo();
    const policy = 'version: 1\nsigners:\n  - name: alice\n    emails: [alice@example.com]\nmaintainers: [alice]\n';
    r.commit('policy', { '.gitguard/policy.yml': policy });
    const later = r.commit('work', { 'a.txt': 'a\n' });
    r.commit('move the root', { '.gitguard/policy.yml': `${policy}trust_root: "${later}"\n` });
    const git = loggingGit();
    const env = { ...r.env, PATH: `${git.dir}:${r.env.PATH ?? ''}` };
    for (const args of [
      ['audit', '-C', r.dir, '--no-ledger', '--format', 'json'],
      ['verify', '-C', r.dir, '--no-cache'],
    ]) {
      const res = await runMain(args, { env });
      expect(res.code).toBeLessThan(2);
      const calls = git.calls();
      expect(calls.filter((c) => c.includes('--first-parent') && c.includes('.gitguard/policy.yml'))).toHaveLength(1);
      expect(repeats(calls)).toEqual([]);
      // The history is sorted once, whether the secrets scan is still running or done when the walk asks.
      expect(calls.filter((c) => c.includes('--topo-order'))).toHaveLength(1);
    }
  });
});
