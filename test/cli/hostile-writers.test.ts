// Red-team round 4: the commands that write (hook install/uninstall) and gitguard's own state outside
// every repository (the per-user secret that seals .git/gitguard/), in a hostile set-up. Nothing may
// be written outside the repository through a path or link the repository planted, and a secret
// another user could read or plant must never seal state (here: the ledger's trust root).
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupTemp, makeRepo, tempDir, type TestRepo } from '../helpers/repo.js';
import { madeOnce } from '../helpers/made-once.js';
import { makeSshKey, signedCommit, type SshTestKey } from '../helpers/ssh.js';
import { runMain, type CliResult } from '../helpers/cli.js';
import { checkHookMarker } from '../../src/collect/hook-marker.js';
import { sealState } from '../../src/collect/state-secret.js';

afterAll(cleanupTemp);

const hook = (r: TestRepo, verb: 'install' | 'uninstall', env = r.env): Promise<CliResult> =>
  runMain(['hook', verb, '-C', r.dir], { env });

function refusedInOneLine(res: CliResult): void {
  expect(res.code).toBe(2);
  expect(res.stderr.trim().split('\n')).toHaveLength(1);
  expect(res.stderr).toMatch(/^gitguard: the hooks folder .* leads outside the repository.*; (make|point) /);
}

describe('gitguard hook install writes nothing outside the repository through what the repository names', () => {
  test('.git/hooks a link to a folder elsewhere: refused, nothing written there (before: the hook was written there)', async () => {
    const r = makeRepo();
    const elsewhere = tempDir();
    rmSync(join(r.dir, '.git', 'hooks'), { recursive: true });
    symlinkSync(elsewhere, join(r.dir, '.git', 'hooks'));
    refusedInOneLine(await hook(r, 'install'));
    expect(readdirSync(elsewhere)).toEqual([]);
  });

  test('core.hooksPath in the repository config: outside, or inside through a planted link, or dangling: refused (install and uninstall)', async () => {
    const r = makeRepo();
    const elsewhere = tempDir();
    writeFileSync(join(elsewhere, 'pre-push'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    r.run(['config', 'core.hooksPath', elsewhere]);
    refusedInOneLine(await hook(r, 'install'));
    refusedInOneLine(await hook(r, 'uninstall'));
    symlinkSync(elsewhere, join(r.dir, 'tools'));
    r.run(['config', 'core.hooksPath', 'tools/hooks']);
    refusedInOneLine(await hook(r, 'install'));
    r.run(['config', 'core.hooksPath', '../outside-hooks']);
    refusedInOneLine(await hook(r, 'install'));
    symlinkSync(join(elsewhere, 'nowhere'), join(r.dir, 'dangling'));
    r.run(['config', 'core.hooksPath', 'dangling/hooks']);
    refusedInOneLine(await hook(r, 'install'));
    expect(readdirSync(elsewhere)).toEqual(['pre-push']);
    expect(readFileSync(join(elsewhere, 'pre-push'), 'utf8')).toBe('#!/bin/sh\nexit 0\n');
  });

  test('still installed: .git/hooks a link inside the work tree, and a shared folder the user’s own global config names', async () => {
    const r = makeRepo();
    mkdirSync(join(r.dir, 'githooks'));
    rmSync(join(r.dir, '.git', 'hooks'), { recursive: true });
    symlinkSync('../githooks', join(r.dir, '.git', 'hooks'));
    expect((await hook(r, 'install')).code).toBe(0);
    expect(checkHookMarker(readFileSync(join(r.dir, 'githooks', 'pre-push'), 'utf8'))).toBe('valid');
    const shared = tempDir();
    const mine = makeRepo();
    const res = await hook(mine, 'install', {
      ...mine.env,
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: 'core.hooksPath',
      GIT_CONFIG_VALUE_0: shared,
    });
    expect(res.code).toBe(0);
    expect(checkHookMarker(readFileSync(join(shared, 'pre-push'), 'utf8'))).toBe('valid');
  });
});

describe('the per-user secret that seals state in .git/gitguard', () => {
  let alice: SshTestKey;
  let mallory: SshTestKey;
  beforeAll(() => {
    const dir = mkdtempSync(join(tmpdir(), 'gg-writers-'));
    alice = makeSshKey(dir, 'ed25519', 'alice');
    mallory = makeSshKey(dir, 'ed25519', 'mallory');
  });
  const policyOf = (who: string): string =>
    `version: 1\nsigners:\n  - name: ${who}\n    emails: ["${who}@example.com"]\nmaintainers: [${who}]\n`;

  /** alice's policy, then mallory's commit that puts her own policy in; the ledger mallory ships names it as the trust root (a copy each call). */
  const takenOver = madeOnce((): { r: TestRepo; takeover: string } => {
    const r = makeRepo();
    r.write({
      '.gitguard/policy.yml': policyOf('alice'),
      '.gitguard/allowed_signers': `alice@example.com ${alice.pub}\n`,
    });
    r.run(['add', '-A']);
    signedCommit(r, alice, 'policy', { committerEmail: 'alice@example.com' });
    r.write({
      '.gitguard/policy.yml': policyOf('mallory'),
      '.gitguard/allowed_signers': `mallory@example.com ${mallory.pub}\n`,
    });
    r.run(['add', '-A']);
    const takeover = signedCommit(r, mallory, 'takeover', { committerEmail: 'mallory@example.com' });
    signedCommit(r, mallory, 'more', { committerEmail: 'mallory@example.com' });
    return { r, takeover };
  });

  /** The ledger mallory ships, its trust root sealed with a secret she knows (as the ledger seals it). */
  function shipLedger(r: TestRepo, takeover: string, known: Buffer): void {
    const gitDir = realpathSync(join(r.dir, '.git'));
    const seal = sealState(known, 'gitguard-ledger-trust-root-1', `${gitDir}\0${takeover}`).split('\n', 1)[0];
    mkdirSync(join(gitDir, 'gitguard'));
    writeFileSync(
      join(gitDir, 'gitguard', 'ledger.json'),
      JSON.stringify({ schemaVersion: 1, trustRoot: takeover, trustRootSeal: seal, refs: {}, accepted: [] }),
    );
  }

  const known = Buffer.alloc(32, 7); // mallory's bytes
  const verify = (r: TestRepo, cache: string) =>
    runMain(['verify', '-C', r.dir, '--no-cache'], { env: { ...r.env, XDG_CACHE_HOME: cache } });

  test.each([
    [
      'a link planted at the secret, to a file mallory wrote',
      (cache: string) => {
        mkdirSync(join(cache, 'gitguard'), { mode: 0o700 });
        writeFileSync(join(cache, 'mallory-secret'), known, { mode: 0o644 });
        symlinkSync(join(cache, 'mallory-secret'), join(cache, 'gitguard', 'cache-secret'));
      },
    ],
    [
      'a secret others can read',
      (cache: string) => {
        mkdirSync(join(cache, 'gitguard'), { mode: 0o700 });
        writeFileSync(join(cache, 'gitguard', 'cache-secret'), known, { mode: 0o644 });
        chmodSync(join(cache, 'gitguard', 'cache-secret'), 0o644);
      },
    ],
    [
      'a secret folder others can write to',
      (cache: string) => {
        mkdirSync(join(cache, 'gitguard'));
        chmodSync(join(cache, 'gitguard'), 0o777);
        writeFileSync(join(cache, 'gitguard', 'cache-secret'), known, { mode: 0o600 });
      },
    ],
  ])("%s does not seal mallory's trust root (before: verify exit 0, mallory authorized)", async (_name, plant) => {
    const { r, takeover } = takenOver();
    const cache = tempDir();
    plant(cache);
    shipLedger(r, takeover, known);
    const res = await verify(r, cache);
    expect(res.stdout).not.toMatch(/authorized:mallory/);
    expect(res.code).toBe(1);
  });

  test("a relative XDG_CACHE_HOME is not a folder of the repository gitguard runs in (before: the shipped secret sealed mallory's root)", async () => {
    const { r, takeover } = takenOver();
    mkdirSync(join(r.dir, '.cache', 'gitguard'), { recursive: true, mode: 0o700 });
    writeFileSync(join(r.dir, '.cache', 'gitguard', 'cache-secret'), known, { mode: 0o600 });
    shipLedger(r, takeover, known);
    const res = await runMain(['verify', '--no-cache'], { env: { ...r.env, XDG_CACHE_HOME: '.cache' }, cwd: r.dir });
    expect(res.stdout).not.toMatch(/authorized:mallory/);
    expect(res.code).toBe(1);
  });

  test('a secret of this user alone still seals: the same ledger, sealed with it, is used', async () => {
    const { r, takeover } = takenOver();
    const cache = tempDir();
    mkdirSync(join(cache, 'gitguard'), { mode: 0o700 });
    writeFileSync(join(cache, 'gitguard', 'cache-secret'), known, { mode: 0o600 });
    shipLedger(r, takeover, known);
    const res = await verify(r, cache);
    expect(res.stdout).toMatch(/authorized:mallory/);
    expect(res.code).toBe(0);
  });
});

describe('a git committed in the audited work tree is never the git gitguard runs', () => {
  /** A work tree carrying `git` scripts that leave a mark when run, where a relative PATH entry or --git would find them. */
  function trapped(): { r: TestRepo; mark: string } {
    const r = makeRepo();
    const mark = join(r.home, 'trap-ran');
    const trap = `#!/bin/sh\necho ran >> '${mark}'\nexec git "$@"\n`;
    r.write({ 'node_modules/.bin/git': trap, git: trap, 'tools/git': trap });
    for (const f of ['node_modules/.bin/git', 'git', 'tools/git']) chmodSync(join(r.dir, f), 0o755);
    r.run(['add', '-A']);
    r.run(['commit', '-q', '-m', 'tools']);
    return { r, mark };
  }

  test('PATH with relative entries (node_modules/.bin, ., an empty one) before the real git: audit and verify run none (before: the trap ran)', async () => {
    const { r, mark } = trapped();
    const cwd = tempDir(); // the user's shell is elsewhere: its own lookup would find nothing there
    for (const path of [`node_modules/.bin:${process.env.PATH}`, `.:${process.env.PATH}`, `:${process.env.PATH}`]) {
      const env = { ...r.env, PATH: path };
      expect((await runMain(['audit', r.dir, '-t', 'history', '--no-ledger'], { env, cwd })).code).toBe(0);
      expect((await runMain(['verify', '-C', r.dir, '--no-cache'], { env, cwd })).code).toBe(1);
    }
    expect(existsSync(mark)).toBe(false);
  });

  test('--git with a relative path is the file where the user typed it, not the one in the work tree', async () => {
    const { r, mark } = trapped();
    const cwd = tempDir();
    mkdirSync(join(cwd, 'tools'));
    writeFileSync(join(cwd, 'tools', 'git'), '#!/bin/sh\nexec git "$@"\n', { mode: 0o755 });
    const res = await runMain(['audit', r.dir, '-t', 'history', '--no-ledger', '--git', 'tools/git'], {
      env: r.env,
      cwd,
    });
    expect(res.code).toBe(0);
    expect(existsSync(mark)).toBe(false);
  });
});

describe('reports and baselines named inside the audited repository stay in it', () => {
  test('a committed folder link on the way (results -> elsewhere): refused, nothing written there (before: written there)', async () => {
    const r = makeRepo();
    const elsewhere = tempDir();
    symlinkSync(elsewhere, join(r.dir, 'results'));
    r.run(['add', '-A']);
    r.run(['commit', '-q', '-m', 'ci results folder']);
    for (const [args, cwd] of [
      [['audit', '-t', 'history', '--no-ledger', '--output-sarif', 'results/gitguard.sarif'], r.dir],
      [['audit', r.dir, '-t', 'history', '--no-ledger', '-o', join(r.dir, 'results', 'report.txt')], undefined],
      [['baseline', 'write', 'results/baseline.json', '-t', 'history'], r.dir],
    ] as const) {
      const res = await runMain([...args], { env: r.env, ...(cwd ? { cwd } : {}) });
      expect(res.code).toBe(2);
      expect(res.stderr.trim().split('\n')).toHaveLength(1);
      expect(res.stderr).toMatch(/its folder leads outside .* \(through a symbolic link\)/);
    }
    expect(readdirSync(elsewhere)).toEqual([]);
    // A folder of the repository itself, and a file outside it, are written as before.
    mkdirSync(join(r.dir, 'reports'));
    const own = await runMain(['audit', '-t', 'history', '--no-ledger', '--output-sarif', 'reports/gitguard.sarif'], {
      env: r.env,
      cwd: r.dir,
    });
    expect(own.code).toBe(0);
    const out = join(tempDir(), 'report.txt');
    expect((await runMain(['audit', r.dir, '-t', 'history', '--no-ledger', '-o', out], { env: r.env })).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('history');
  });
});
