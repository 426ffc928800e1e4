// Red team 59: an `includeIf "onbranch:<b>"` in the repository's own config (local, a file it
// includes, a linked worktree's config.worktree) for a branch no worktree has checked out. git lists
// the directive but not the file, so the config rules passed; a plain `git checkout <b>` makes git
// read the file and run the command it sets (the marker proves it). The same for `gitdir:` (the
// repository moved where the pattern matches) and `hasconfig:remote.*.url:` (after `git remote add`).
// Now each such file is read as git reads it where its condition holds, whatever holds here. Twins:
// the same includes setting keys that run nothing, and a file git already takes in (judged once).
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { runAudit } from '../../src/engine/audit.js';
import { cleanupTemp, makeRepo, type TestRepo } from '../helpers/repo.js';

afterAll(cleanupTemp);

const RULES = ['no-code-execution-in-local-config', 'signing-programs-not-overridden-locally'];

interface Judged {
  outcome: string;
  keys: string[];
  messages: string[];
}

async function judge(r: TestRepo, dir = r.dir): Promise<Record<string, Judged>> {
  const report = await runAudit({ path: dir, rules: RULES, failOn: 'low', env: r.env, trust: { cache: false } });
  return Object.fromEntries(
    report.results.map((x) => [
      x.meta.id,
      {
        outcome: x.outcome,
        keys: x.findings.map((f) => String(f.evidence?.key ?? '')),
        messages: x.findings.map((f) => f.message),
      },
    ]),
  );
}

/** A repository on main with a branch `other` (and `feature/x`) that no worktree has checked out. */
function repo(): TestRepo {
  const r = makeRepo();
  r.commit('base', { f: 'base\n' });
  r.run(['branch', 'other']);
  r.run(['branch', 'feature/x']);
  return r;
}

/** Whether `git checkout <branch>` then `git status` in `dir` ran the fsmonitor command (it writes the marker). */
function checkoutRuns(r: TestRepo, branch: string, marker: string, dir = r.dir): boolean {
  spawnSync('git', ['checkout', '-q', branch], { cwd: dir, env: r.env, stdio: 'ignore', timeout: 60_000 });
  spawnSync('git', ['status'], { cwd: dir, env: r.env, stdio: 'ignore', timeout: 60_000 });
  return existsSync(marker);
}

const fsmonitor = (marker: string): string => `[core]\n\tfsmonitor = touch '${marker}'; false\n`;

/** `.git/<file>` setting core.fsmonitor to a command that writes a marker, taken in by `includeIf "<condition>"`. */
function planted(r: TestRepo, file: string, condition: string): string {
  const marker = join(r.home, 'ran');
  writeFileSync(join(r.dir, '.git', file), fsmonitor(marker));
  r.run(['config', `includeIf.${condition}.path`, file]);
  return marker;
}

test('an onbranch include of a branch nobody has checked out: fails (before: passed); git runs it after checkout', async () => {
  const r = repo();
  const marker = planted(r, 'other.inc', 'onbranch:other');
  const judged = await judge(r);
  expect(judged['no-code-execution-in-local-config']!.outcome).toBe('fail');
  expect(judged['no-code-execution-in-local-config']!.keys).toEqual(['core.fsmonitor']);
  const message = judged['no-code-execution-in-local-config']!.messages[0]!;
  expect(message).toContain('includeIf "onbranch:other"');
  // The next step names the file: run as printed, it removes the key and the rule passes.
  const step = /then: git config --file (\S+) --unset-all core\.fsmonitor$/.exec(message);
  expect(step).not.toBeNull();
  r.run(['config', '--file', step![1]!.replace(/^'|'$/g, ''), 'core.fsmonitor', 'false']);
  expect((await judge(r))['no-code-execution-in-local-config']!.outcome).toBe('pass');
  writeFileSync(join(r.dir, '.git', 'other.inc'), fsmonitor(marker));
  expect(checkoutRuns(r, 'main', marker)).toBe(false);
  expect(checkoutRuns(r, 'other', marker)).toBe(true);
});

test('a glob pattern, a directive in an included file, a nested onbranch and gpg.program: each fails', async () => {
  const r = repo();
  const marker = join(r.home, 'ran');
  const git = join(r.dir, '.git');
  // feature/** from a file the local config includes (its last line, so git returns to .git/config).
  writeFileSync(
    join(git, 'team.inc'),
    '[user]\n\tname = Team\n[includeIf "onbranch:feature/**"]\n\tpath = feature.inc\n',
  );
  writeFileSync(join(git, 'feature.inc'), '[include]\n\tpath = deeper/more.inc\n');
  mkdirSync(join(git, 'deeper'));
  // Relative to the file holding the directive, as git resolves it.
  writeFileSync(
    join(git, 'deeper', 'more.inc'),
    fsmonitor(marker) + '[includeIf "onbranch:feature/x"]\n\tpath = sign.inc\n',
  );
  writeFileSync(join(git, 'deeper', 'sign.inc'), `[gpg]\n\tprogram = ${join(r.dir, 'evil')}\n`);
  r.run(['config', 'include.path', 'team.inc']);
  r.run(['config', 'core.autocrlf', 'false']);
  const judged = await judge(r);
  expect(judged['no-code-execution-in-local-config']!.keys).toEqual(['core.fsmonitor']);
  expect(judged['signing-programs-not-overridden-locally']!.keys).toEqual(['gpg.program']);
  expect(judged['signing-programs-not-overridden-locally']!.messages[0]).toContain('onbranch:feature/x');
  // git's own answer on that branch: it reads both.
  r.run(['checkout', '-q', 'feature/x']);
  expect(r.run(['config', 'gpg.program']).trim()).toBe(join(r.dir, 'evil'));
  r.run(['checkout', '-q', 'main']);
  expect(checkoutRuns(r, 'feature/x', marker)).toBe(true);
});

test("a linked worktree's config.worktree with an onbranch include of a branch nobody has: fails", async () => {
  const r = repo();
  const marker = join(r.home, 'ran');
  const wt = join(r.home, 'wt');
  r.run(['worktree', 'add', '-q', wt, 'feature/x']);
  r.run(['config', 'extensions.worktreeConfig', 'true']);
  writeFileSync(join(r.home, 'wt.inc'), fsmonitor(marker));
  spawnSync('git', ['config', '--worktree', 'includeIf.onbranch:other.path', join(r.home, 'wt.inc')], {
    cwd: wt,
    env: r.env,
  });
  const judged = await judge(r);
  expect(judged['no-code-execution-in-local-config']).toMatchObject({ outcome: 'fail', keys: ['core.fsmonitor'] });
  expect(checkoutRuns(r, 'main', marker, wt)).toBe(false); // main is out in the main worktree: refused
  expect(checkoutRuns(r, 'other', marker, wt)).toBe(true);
});

test('gitdir: and hasconfig:remote.*.url: includes that do not hold here: fail; git runs them once moved, once the remote is added', async () => {
  const r = repo();
  const marker = planted(r, 'evil.inc', 'gitdir:**/moved/**');
  const judged = await judge(r);
  expect(judged['no-code-execution-in-local-config']).toMatchObject({ outcome: 'fail', keys: ['core.fsmonitor'] });
  expect(judged['no-code-execution-in-local-config']!.messages[0]).toContain('includeIf "gitdir:**/moved/**"');
  spawnSync('git', ['status'], { cwd: r.dir, env: r.env, stdio: 'ignore' });
  expect(existsSync(marker)).toBe(false);
  // The same files moved where the pattern matches: git reads it there.
  mkdirSync(join(r.home, 'moved'));
  const moved = join(r.home, 'moved', 'r');
  renameSync(r.dir, moved);
  spawnSync('git', ['status'], { cwd: moved, env: r.env, stdio: 'ignore' });
  expect(existsSync(marker)).toBe(true);

  const h = repo();
  const ran = planted(h, 'evil.inc', 'hasconfig:remote.*.url:https://example.com/**');
  expect((await judge(h))['no-code-execution-in-local-config']).toMatchObject({
    outcome: 'fail',
    keys: ['core.fsmonitor'],
  });
  spawnSync('git', ['status'], { cwd: h.dir, env: h.env, stdio: 'ignore' });
  expect(existsSync(ran)).toBe(false);
  h.run(['remote', 'add', 'upstream', 'https://example.com/team/r.git']);
  spawnSync('git', ['status'], { cwd: h.dir, env: h.env, stdio: 'ignore' });
  expect(existsSync(ran)).toBe(true);
});

test('twins: onbranch includes setting keys that run nothing pass; a file taken in on the branch that is out is judged once', async () => {
  const r = repo();
  const git = join(r.dir, '.git');
  writeFileSync(
    join(git, 'other.inc'),
    '[user]\n\temail = other@example.com\n[core]\n\tfsmonitor = false\n\tautocrlf = input\n',
  );
  writeFileSync(join(git, 'feature.inc'), '[pager]\n\tlog = less -R\n[gpg]\n\tprogram = gpg2\n');
  r.run(['config', 'includeIf.onbranch:other.path', 'other.inc']);
  r.run(['config', 'includeIf.onbranch:feature/**.path', 'feature.inc']);
  // A missing file: git ignores it. A gitdir: include of the user's e-mail for another folder.
  r.run(['config', 'includeIf.onbranch:gone.path', 'gone.inc']);
  writeFileSync(join(git, 'work.inc'), '[user]\n\temail = me@work.example\n');
  r.run(['config', 'includeIf.gitdir:~/work/**.path', 'work.inc']);
  const judged = await judge(r);
  expect(judged['no-code-execution-in-local-config']!.outcome).toBe('pass');
  expect(judged['signing-programs-not-overridden-locally']!.outcome).toBe('pass');
  // On the branch that is out, git takes the file in: one finding, from git's own listing.
  writeFileSync(join(git, 'main.inc'), `[core]\n\tpager = sh -c 'touch x'\n`);
  r.run(['config', 'includeIf.onbranch:main.path', 'main.inc']);
  expect((await judge(r))['no-code-execution-in-local-config']).toMatchObject({
    outcome: 'fail',
    keys: ['core.pager'],
  });
});

test('core.hooksPath=/dev/null in an onbranch include: hooks-not-disabled fails (before: passed); git runs no hook after checkout', async () => {
  const r = repo();
  const marker = join(r.home, 'hook-ran');
  writeFileSync(join(r.dir, '.git', 'hooks', 'pre-commit'), `#!/bin/sh\ntouch '${marker}'\n`, { mode: 0o755 });
  writeFileSync(join(r.dir, '.git', 'other.inc'), '[core]\n\thooksPath = /dev/null\n');
  r.run(['config', 'includeIf.onbranch:other.path', 'other.inc']);
  const rule = async (): Promise<string> =>
    (await runAudit({ path: r.dir, rules: ['hooks-not-disabled'], failOn: 'low', env: r.env, trust: { cache: false } }))
      .results[0]!.outcome;
  expect(await rule()).toBe('fail');
  // git's answer: the hook runs on main, not once other is checked out.
  const commit = (): boolean => {
    rmSync(marker, { force: true });
    spawnSync('git', ['commit', '-q', '--allow-empty', '-m', 'x'], { cwd: r.dir, env: r.env, stdio: 'ignore' });
    return existsSync(marker);
  };
  expect(commit()).toBe(true);
  r.run(['checkout', '-q', 'other']);
  expect(commit()).toBe(false);
  // Twin: a team's hooks folder there is that branch's choice, not hooks switched off.
  r.run(['checkout', '-q', 'main']);
  writeFileSync(join(r.dir, '.git', 'other.inc'), '[core]\n\thooksPath = .githooks\n');
  expect(await rule()).toBe('pass');
});
