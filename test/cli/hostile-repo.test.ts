// A repository that tries to run code: every config key, driver, alias and hook git could execute
// while reading points at a script that leaves a marker file. Auditing it (text, json, --all, and on
// a terminal where pagers would start) must run none of them and must leave the repository exactly
// as it was. A control copy proves the traps are live: plain git commands do set them off.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { makeRepo, tempDir, cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { hasStackTrace, parseJson, resultOf, runMain, runCommand } from '../helpers/cli.js';
import { runCliBatchOnTty } from '../helpers/cli-batch.js';

afterAll(cleanupTemp);

// Every trap, by the name of the marker it leaves.
const TRAPS = [
  'core-fsmonitor',
  'core-pager',
  'core-sshcommand',
  'core-editor',
  'core-alternaterefscommand',
  'core-askpass',
  'pager-log',
  'pager-config',
  'pager-show',
  'pager-diff',
  'pager-status',
  'pager-for-each-ref',
  'pager-rev-list',
  'pager-cat-file',
  'gpg-program',
  'gpg-ssh-program',
  'gpg-x509-program',
  'gpg-openpgp-program',
  'diff-external',
  'diff-textconv',
  'filter-clean',
  'filter-smudge',
  'gpg-ssh-defaultkeycommand',
  'alias-log',
  'alias-st',
  'sequence-editor',
  'interactive-difffilter',
  'credential-helper',
  'uploadpack-packobjectshook',
  'remote-ext',
  'include-fsmonitor',
  'include-pager',
] as const;
const HOOKS = [
  'post-checkout',
  'pre-commit',
  'reference-transaction',
  'fsmonitor-watchman',
  'post-index-change',
  'pre-auto-gc',
  'post-rewrite',
  'pre-push',
  'commit-msg',
  'post-commit',
  'prepare-commit-msg',
] as const;

interface Trapped {
  root: string;
  bin: string;
  markers: string;
}

/** Marker files present (the traps that fired). */
const fired = (t: Trapped): string[] => (existsSync(t.markers) ? readdirSync(t.markers).sort() : []);

function script(path: string, marker: string, markers: string): void {
  // Leaves a marker, drains stdin (a pager or filter would be fed), succeeds quietly.
  writeFileSync(path, `#!/bin/sh\ntouch '${join(markers, marker)}'\ncat >/dev/null 2>&1\nexit 0\n`);
  chmodSync(path, 0o755);
}

/** Makes the trap scripts and plants the hostile config, attributes and hooks into `repoDir`. */
function plant(repoDir: string, root: string): Trapped {
  const t: Trapped = { root, bin: join(root, 'bin'), markers: join(root, 'markers') };
  mkdirSync(t.bin, { recursive: true });
  mkdirSync(t.markers, { recursive: true });
  writeFileSync(
    join(root, 'allowed_signers'),
    '* ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEzpBKDj2DUcPAbwdQWwBOm1ESNkcz1eT4cOuWT1l0jV\n',
  );
  for (const name of TRAPS) script(join(t.bin, name), name, t.markers);
  const cmd = (name: (typeof TRAPS)[number]): string => join(t.bin, name);
  const gitDir = join(repoDir, '.git');

  // Hooks both where core.hooksPath points and in .git/hooks.
  const hooksPath = join(root, 'hostile-hooks');
  mkdirSync(hooksPath, { recursive: true });
  for (const hook of HOOKS) {
    script(join(hooksPath, hook), `hookspath-${hook}`, t.markers);
    script(join(gitDir, 'hooks', hook), `hooks-${hook}`, t.markers);
  }

  // A second config file, included from .git/config, with more of the same.
  const included = join(gitDir, 'more.config');
  writeFileSync(
    included,
    [
      '[core]',
      `\tfsmonitor = ${cmd('include-fsmonitor')}`,
      `\tpager = ${cmd('include-pager')}`,
      `\taskPass = ${cmd('core-askpass')}`,
      '[pager]',
      `\tshow = ${cmd('pager-show')}`,
      `\tdiff = ${cmd('pager-diff')}`,
      `\tstatus = ${cmd('pager-status')}`,
      `\tfor-each-ref = ${cmd('pager-for-each-ref')}`,
      `\trev-list = ${cmd('pager-rev-list')}`,
      `\tcat-file = ${cmd('pager-cat-file')}`,
      '[gpg "x509"]',
      `\tprogram = ${cmd('gpg-x509-program')}`,
      '[gpg "openpgp"]',
      `\tprogram = ${cmd('gpg-openpgp-program')}`,
      '[sequence]',
      `\teditor = ${cmd('sequence-editor')}`,
      '[interactive]',
      `\tdiffFilter = ${cmd('interactive-difffilter')}`,
      '[credential]',
      `\thelper = !${cmd('credential-helper')}`,
      '[uploadpack]',
      `\tpackObjectsHook = ${cmd('uploadpack-packobjectshook')}`,
      '[gpg "ssh"]',
      `\tdefaultKeyCommand = ${cmd('gpg-ssh-defaultkeycommand')}`,
      '',
    ].join('\n'),
  );

  const config = readFileSync(join(gitDir, 'config'), 'utf8');
  writeFileSync(
    join(gitDir, 'config'),
    config +
      [
        '[core]',
        `\tfsmonitor = ${cmd('core-fsmonitor')}`,
        `\tpager = ${cmd('core-pager')}`,
        `\tsshCommand = ${cmd('core-sshcommand')}`,
        `\teditor = ${cmd('core-editor')}`,
        `\talternateRefsCommand = ${cmd('core-alternaterefscommand')}`,
        `\thooksPath = ${hooksPath}`,
        '[pager]',
        `\tlog = ${cmd('pager-log')}`,
        `\tconfig = ${cmd('pager-config')}`,
        '[gpg]',
        `\tprogram = ${cmd('gpg-program')}`,
        '\tformat = ssh',
        '[gpg "ssh"]',
        `\tprogram = ${cmd('gpg-ssh-program')}`,
        // Without an allowed-signers file git never starts gpg.ssh.program to verify.
        `\tallowedSignersFile = ${join(root, 'allowed_signers')}`,
        '[diff]',
        `\texternal = ${cmd('diff-external')}`,
        '[diff "tc"]',
        `\ttextconv = ${cmd('diff-textconv')}`,
        '[filter "x"]',
        `\tclean = ${cmd('filter-clean')}`,
        `\tsmudge = ${cmd('filter-smudge')}`,
        '\trequired = true',
        '[log]',
        '\tshowSignature = true',
        '[alias]',
        `\tst = !${cmd('alias-st')}`,
        `\tlg = !${cmd('alias-log')}`,
        '[protocol "ext"]',
        '\tallow = always',
        '[remote "origin"]',
        `\turl = ext::sh -c touch% ${join(t.markers, 'remote-ext')}`,
        '\tfetch = +refs/heads/*:refs/remotes/origin/*',
        '[include]',
        `\tpath = ${included}`,
        '',
      ].join('\n'),
  );
  mkdirSync(join(gitDir, 'info'), { recursive: true });
  writeFileSync(join(gitDir, 'info', 'attributes'), '* filter=x diff=tc\n');
  return t;
}

interface Entry {
  type: string;
  size: number;
  mtimeMs: number;
  mode: number;
}

/** Every file and folder under `dir` (work tree and .git) with type, size, mtime and mode. */
function snapshot(dir: string): Map<string, Entry> {
  const out = new Map<string, Entry>();
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const full = join(d, name);
      const rel = relative(dir, full);
      // gitguard may keep its own ledger/cache under .git/gitguard/ (DESIGN: the one allowed change).
      if (rel === join('.git', 'gitguard')) continue;
      const st = lstatSync(full);
      // Creating .git/gitguard/ (its walk checkpoint) touches the mtime of .git itself, and nothing else there.
      out.set(rel, {
        type: st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'link' : 'file',
        size: st.isDirectory() ? 0 : st.size,
        mtimeMs: rel === '.git' ? 0 : st.mtimeMs,
        mode: st.mode,
      });
      if (st.isDirectory()) walk(full);
    }
  };
  walk(dir);
  return out;
}

const sha256 = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

const hasScript = spawnSync('script', ['--version'], { stdio: 'ignore' }).status === 0;

describe('a repository whose config, attributes and hooks try to run code', () => {
  let repo: TestRepo;
  let traps: Trapped;
  let control: { dir: string; traps: Trapped };
  let signedIds: string[];
  let allIds: string[];
  let headId: string;
  let before: Map<string, Entry>;
  let indexBefore: string;

  beforeAll(async () => {
    repo = makeRepo();
    const key = join(repo.home, 'id_ed25519');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'alice@example.com', '-f', key], {
      stdio: 'pipe',
    });
    const sign = ['-c', 'gpg.format=ssh', '-c', `user.signingkey=${key}`];
    // History made before the traps exist: .gitattributes names the filter/diff drivers, some
    // commits are SSH-signed, a side branch and a tag give --all more to walk.
    repo.write({ '.gitattributes': '* filter=x diff=tc\n', 'README.md': 'hello\n' });
    repo.run(['add', '-A']);
    repo.run([...sign, 'commit', '-q', '-S', '-m', 'signed: initial']);
    const first = repo.head();
    repo.write({ 'src.txt': 'one\n' });
    repo.run(['add', '-A']);
    repo.run([...sign, 'commit', '-q', '-S', '-m', 'signed: add src']);
    const second = repo.head();
    const third = repo.commit('unsigned: change src', { 'src.txt': 'two\n' });
    repo.run(['branch', 'side']);
    repo.run(['checkout', '-q', 'side']);
    const side = repo.commit('unsigned: side work', { 'side.txt': 'side\n' });
    repo.run(['checkout', '-q', 'main']);
    repo.run(['tag', '-a', '-m', 'release', 'v1', second]);
    signedIds = [first, second];
    allIds = [first, second, third, side];
    headId = third;
    expect(repo.run(['cat-file', 'commit', first])).toContain('-----BEGIN SSH SIGNATURE-----');

    // The control copy is taken before planting, then gets its own scripts and markers.
    const controlRoot = tempDir('gitguard-control-');
    const controlDir = join(controlRoot, 'repo');
    cpSync(repo.dir, controlDir, { recursive: true });
    control = { dir: controlDir, traps: plant(controlDir, controlRoot) };

    // From here on no git runs in `repo` except gitguard: our own git would set the traps off.
    traps = plant(repo.dir, tempDir('gitguard-traps-'));
    before = snapshot(repo.dir);
    indexBefore = sha256(join(repo.dir, '.git', 'index'));
  });

  const expectUntouched = (): void => {
    expect(fired(traps)).toEqual([]);
    const after = snapshot(repo.dir);
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    for (const [path, entry] of before) expect([path, after.get(path)]).toEqual([path, entry]);
    expect(sha256(join(repo.dir, '.git', 'index'))).toBe(indexBefore);
  };

  test('the traps are live: plain git commands in the control copy set them off', async () => {
    const git = (args: string[]): void => {
      spawnSync('git', args, { cwd: control.dir, env: repo.env, stdio: 'ignore', timeout: 30_000 });
    };
    git(['status']);
    git(['log', '-3']);
    git(['diff', 'HEAD~2']);
    git(['st']);
    const hit = fired(control.traps);
    // fsmonitor (via include.path, which wins), signature checking, external diff, alias, filter.
    expect(hit).toEqual(expect.arrayContaining(['include-fsmonitor', 'gpg-ssh-program', 'diff-external', 'alias-st']));
    expect(hit.some((m) => m.startsWith('filter-'))).toBe(true);
    if (hasScript) {
      // On a terminal git starts the pager the repository names.
      runCommand('script', ['-qec', 'git log -1', '/dev/null'], {
        cwd: control.dir,
        env: { ...repo.env, SHELL: '/bin/sh' },
        timeoutMs: 30_000,
      });
      expect(fired(control.traps)).toContain('pager-log');
    }
  });

  test('a text audit runs none of the traps and reports the history it read', async () => {
    const r = await runMain(['audit', repo.dir], { cwd: repo.dir, env: repo.env });
    expect(hasStackTrace(r)).toBe(false);
    expect(r.code).toBe(1); // the unsigned commit
    expect(r.stdout).toMatch(/FAIL\s+commits-signed/);
    expect(r.stdout).toContain(headId.slice(0, 12));
    expectUntouched();
  });

  test('a json audit runs none of the traps and judges the raw commits', async () => {
    const r = await runMain(['audit', '--format', 'json'], { cwd: repo.dir, env: repo.env });
    const report = parseJson(r);
    expect(report.scope.commits).toBe(3);
    expect(report.repository.head.oid).toBe(headId);
    const unsigned = resultOf(report, 'commits-signed').findings.map((f) => f.commit);
    expect(unsigned).toEqual([headId]);
    for (const id of signedIds) expect(unsigned).not.toContain(id);
    expectUntouched();
  });

  test('an audit of every ref (--all) runs none of the traps', async () => {
    for (const format of ['text', 'json']) {
      const r = await runMain(['audit', repo.dir, '--all', '--format', format], { cwd: repo.dir, env: repo.env });
      expect(hasStackTrace(r)).toBe(false);
      expect(r.code).toBe(1);
      if (format === 'json') {
        const report = parseJson(r);
        expect(report.scope.commits).toBe(allIds.length);
        expect(
          resultOf(report, 'commits-signed')
            .findings.map((f) => f.commit)
            .sort(),
        ).toEqual(allIds.filter((id) => !signedIds.includes(id)).sort());
      }
    }
    expectUntouched();
  });

  test('the rules listing and a protections-only audit run none of the traps', async () => {
    expect((await runMain(['rules'], { cwd: repo.dir, env: repo.env })).code).toBe(0);
    const r = await runMain(['audit', '--threat', 'protections', '--format', 'json'], { cwd: repo.dir, env: repo.env });
    expect(hasStackTrace(r)).toBe(false);
    expect(parseJson(r).results.length).toBeGreaterThan(0);
    expectUntouched();
  });

  (hasScript ? test : test.skip)('an audit on a terminal, where a pager would start, runs none of the traps', () => {
    // The three runs in one node process of the built code, on one terminal (runCliBatchOnTty).
    const runs = [
      { args: ['audit'], colour: true },
      { args: ['audit', '--all'] },
      { args: ['audit', '--format', 'json'] },
    ].map((run) => ({ ...run, cwd: repo.dir, env: repo.env }));
    for (const r of runCliBatchOnTty(runs)) {
      expect(r.onTty).toBe(true);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain('commits-signed');
      expect(r.stdout).not.toMatch(/^\s{4}at /m);
    }
    expectUntouched();
  });
});

describe('replace refs and grafts', () => {
  test('replace-refs-absent and grafts-absent fail and name the commits, and the walk reads the real history', async () => {
    const repo = makeRepo();
    const key = join(repo.home, 'id_ed25519');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'alice@example.com', '-f', key], {
      stdio: 'pipe',
    });
    const base = repo.commit('unsigned base');
    repo.write({ 'a.txt': 'signed change\n' });
    repo.run(['add', '-A']);
    repo.run(['-c', 'gpg.format=ssh', '-c', `user.signingkey=${key}`, 'commit', '-q', '-S', '-m', 'signed tip']);
    const signed = repo.head();
    // An unsigned decoy on a throw-away branch, put in place of the signed tip by a replace ref.
    repo.run(['checkout', '-q', '--orphan', 'decoy']);
    const decoy = repo.commit('DECOY unsigned replacement', { 'decoy.txt': 'x\n' });
    repo.run(['checkout', '-q', '-f', 'main']);
    repo.run(['branch', '-q', '-D', 'decoy']);
    repo.run(['replace', signed, decoy]);
    expect(repo.run(['log', '-1', '--format=%s'])).toBe('DECOY unsigned replacement'); // git itself is fooled
    // A graft that cuts the history below the signed tip.
    writeFileSync(join(repo.dir, '.git', 'info', 'grafts'), `${signed}\n`);

    for (const extra of [[], ['--all']]) {
      const r = await runMain(['audit', repo.dir, '--format', 'json', ...extra], { env: repo.env });
      expect(r.code).toBe(1);
      const report = parseJson(r);
      const replace = resultOf(report, 'replace-refs-absent');
      expect(replace.outcome).toBe('fail');
      expect(replace.findings).toHaveLength(1);
      expect(replace.findings[0]!.commit).toBe(signed);
      expect(replace.findings[0]!.message).toContain(decoy);
      const grafts = resultOf(report, 'grafts-absent');
      expect(grafts.outcome).toBe('fail');
      expect(grafts.findings.map((f) => f.commit)).toEqual([signed]);
      // Neither the replacement nor the graft changed what was judged: both real commits, the real tip.
      expect(report.scope.commits).toBe(2);
      expect(report.repository.head.oid).toBe(signed);
      const unsigned = resultOf(report, 'commits-signed').findings;
      expect(unsigned.map((f) => f.commit)).toEqual([base]);
      expect(JSON.stringify(unsigned)).not.toContain('DECOY');
    }

    const text = await runMain(['audit', repo.dir], { env: repo.env });
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/FAIL\s+replace-refs-absent/);
    expect(text.stdout).toMatch(/FAIL\s+grafts-absent/);
    expect(text.stdout).toContain(signed.slice(0, 12));
  });
});
