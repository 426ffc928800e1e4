// The differential against git itself for every key of test/helpers/command-keys.ts: the key is set in
// a real repository's own config; gitguard's rule is asked first (and must start nothing: the marker
// is still absent), then real git is made to use the key, and the marker file says whether git ran
// the command. A row that runs must fail the rule, and git must have run it; a row that does not must
// pass. The same key reaches the repository's config through include.path (relative, ~/), includeIf
// (gitdir, onbranch, hasconfig:remote.*.url) and config.worktree, and fails alike. An alias and a pager
// through each of those, and an onbranch include of another branch, are judged as git used them: git
// looks aliases up before it has set up the repository (without config.worktree or onbranch includes).
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { runAudit } from '../../src/engine/audit.js';
import { normaliseKey } from '../../src/domain/config.js';
import { COMMAND_KEYS, type CommandKeyRow } from '../helpers/command-keys.js';
import { madeOnce } from '../helpers/made-once.js';
import { cleanupTemp, makeRepo, type TestRepo } from '../helpers/repo.js';

afterAll(cleanupTemp);

// main: f=base then f=main; side: f=side (a conflict for merge drivers and tools).
const base = madeOnce(() => {
  const r = makeRepo();
  r.commit('base', { f: 'base\n' });
  r.run(['branch', 'side']);
  r.commit('main', { f: 'main\n' });
  r.run(['checkout', '-q', 'side']);
  r.commit('side', { f: 'side\n' });
  r.run(['checkout', '-q', 'main']);
  return { r };
});

const EXEC_PATH = spawnSync('git', ['--exec-path'], { encoding: 'utf8' }).stdout.trim();

interface Paths {
  M: string;
  P: string;
  T: string;
}

function pathsIn(r: TestRepo): Paths {
  const M = join(r.home, 'ran');
  const P = join(r.home, 'program');
  writeFileSync(P, `#!/bin/sh\ntouch '${M}'\nexit 1\n`);
  chmodSync(P, 0o755);
  return { M, P, T: relative(join(EXEC_PATH, 'mergetools'), P) };
}

const fill = (s: string, p: Paths): string => s.replaceAll('{M}', p.M).replaceAll('{P}', p.P).replaceAll('{T}', p.T);

/** Runs the row's git commands in the work tree (its own failures are expected: the marker decides). */
function gitUses(r: TestRepo, script: string): void {
  const env: NodeJS.ProcessEnv = { ...r.env, GIT_TERMINAL_PROMPT: '0', TERM: 'xterm' };
  for (const k of ['GIT_EDITOR', 'GIT_PAGER', 'GIT_ASKPASS', 'SSH_ASKPASS', 'GIT_SSH', 'GIT_SSH_COMMAND', 'DISPLAY'])
    delete env[k];
  spawnSync('sh', ['-c', script], { cwd: r.dir, env, stdio: 'ignore', timeout: 60_000 });
}

async function outcome(r: TestRepo, rule: string): Promise<{ outcome: string; keys: string[] }> {
  const report = await runAudit({ path: r.dir, rules: [rule], failOn: 'low', env: r.env, trust: { cache: false } });
  const result = report.results[0]!;
  return { outcome: result.outcome, keys: result.findings.map((f) => String(f.evidence?.key ?? '')) };
}

type Placement = (r: TestRepo, key: string, value: string) => void;

/** Writes the key into a file the repository's config includes, and returns that file's path. */
function included(r: TestRepo, file: string, key: string, value: string): void {
  r.run(['config', '-f', file, key, value]);
}

const PLACEMENTS: Record<string, Placement> = {
  local: (r, k, v) => r.run(['config', '--add', k, v]),
  'config.worktree': (r, k, v) => {
    r.run(['config', 'extensions.worktreeConfig', 'true']);
    r.run(['config', '--worktree', '--add', k, v]);
  },
  'include.path (relative)': (r, k, v) => {
    included(r, join(r.dir, '.git', 'more.inc'), k, v);
    r.run(['config', 'include.path', 'more.inc']);
  },
  'include.path (~/)': (r, k, v) => {
    included(r, join(r.home, 'more.inc'), k, v);
    r.run(['config', 'include.path', '~/more.inc']);
  },
  'includeIf gitdir': (r, k, v) => {
    included(r, join(r.dir, '.git', 'more.inc'), k, v);
    r.run(['config', `includeIf.gitdir:${r.dir}/.path`, 'more.inc']);
  },
  'includeIf onbranch': (r, k, v) => {
    included(r, join(r.dir, '.git', 'more.inc'), k, v);
    r.run(['config', 'includeIf.onbranch:main.path', 'more.inc']);
  },
  'includeIf hasconfig:remote.*.url': (r, k, v) => {
    included(r, join(r.dir, '.git', 'more.inc'), k, v);
    r.run(['config', 'remote.origin.url', 'https://example.com/team/r.git']);
    r.run(['config', 'includeIf.hasconfig:remote.*.url:https://example.com/**.path', 'more.inc']);
  },
};

/** More placements, for the alias and the pager: git reads none, or reads the key past an onbranch include. */
const MORE_PLACEMENTS: Record<string, Placement> = {
  'includeIf onbranch (another branch)': (r, k, v) => {
    included(r, join(r.dir, '.git', 'more.inc'), k, v);
    r.run(['config', 'includeIf.onbranch:side.path', 'more.inc']);
  },
  'local, after an onbranch include': (r, k, v) => {
    included(r, join(r.dir, '.git', 'other.inc'), 'core.abbrev', '12');
    r.run(['config', 'includeIf.onbranch:main.path', 'other.inc']);
    r.run(['config', '--add', k, v]);
  },
  'include.path within an onbranch include': (r, k, v) => {
    included(r, join(r.dir, '.git', 'inner.inc'), k, v);
    included(r, join(r.dir, '.git', 'more.inc'), 'include.path', 'inner.inc');
    r.run(['config', 'includeIf.onbranch:main.path', 'more.inc']);
  },
};

/** The row set by `place`, used by real git; the rule must fail exactly when git ran it, and `gitRuns` says whether it did. */
async function judgedAsGitUsed(row: CommandKeyRow, place: Placement, gitRuns: boolean): Promise<void> {
  const { r } = base();
  const p = pathsIn(r);
  place(r, row.key, fill(row.value, p));
  const judged = await outcome(r, row.rule);
  gitUses(r, fill(row.git!, p));
  expect({ gitRan: existsSync(p.M), outcome: judged.outcome }).toEqual({
    gitRan: gitRuns,
    outcome: gitRuns ? 'fail' : 'pass',
  });
}

async function check(row: CommandKeyRow, place: Placement): Promise<void> {
  const { r } = base();
  const p = pathsIn(r);
  for (const [k, v] of Object.entries(row.also ?? {})) r.run(['config', k, fill(v, p)]);
  place(r, row.key, fill(row.value, p));
  if (row.files) r.write(row.files);
  const judged = await outcome(r, row.rule);
  expect(existsSync(p.M)).toBe(false); // gitguard itself started nothing
  if (row.git) gitUses(r, fill(row.git, p));
  expect({ gitRan: existsSync(p.M), outcome: judged.outcome }).toEqual({
    gitRan: row.git ? row.runs : false,
    outcome: row.runs ? 'fail' : 'pass',
  });
  if (row.runs) expect(judged.keys).toContain(normaliseKey(row.key));
}

describe('git 2.39 config keys that run a command, set in the repository (real git proves each)', () => {
  test.each(COMMAND_KEYS.map((row) => [`${row.key}=${row.value}`, row] as const))('%s', async (_name, row) => {
    await check(row, PLACEMENTS.local!);
  });
});

describe('the same key through every way git reads the repository config', () => {
  // Not an alias: git reads aliases before it has found the repository (read_early_config), without
  // config.worktree or includeIf onbranch; a credential helper is read once it has.
  const helper = COMMAND_KEYS.find((row) => row.key === 'credential.helper' && row.runs)!;
  test.each(Object.keys(PLACEMENTS).filter((p) => p !== 'local'))('%s', async (placement) => {
    await check(helper, PLACEMENTS[placement]!);
  });
});

describe('an alias and a pager through each placement, judged as git used them', () => {
  const alias = COMMAND_KEYS.find((row) => row.key === 'alias.hi')!;
  const pager = COMMAND_KEYS.find((row) => row.key === 'pager.log' && row.runs)!;
  const all = { ...PLACEMENTS, ...MORE_PLACEMENTS };
  // git's early read (aliases) has no repository set up: no config.worktree, no branch to match.
  const early = (p: string): boolean => !/onbranch|worktree/.test(p) || p.startsWith('local, after');
  test.each(Object.keys(all))('alias: %s', async (placement) => {
    await judgedAsGitUsed(alias, all[placement]!, early(placement));
  });
  const elsewhere = 'includeIf onbranch (another branch)';
  test.each(Object.keys(all).filter((p) => p !== elsewhere))('pager: %s', async (placement) => {
    await judgedAsGitUsed(pager, all[placement]!, true);
  });
  // Not run on this branch, but once `git checkout side` is: judged whatever branch is out (redteam59).
  test(`pager: ${elsewhere}`, async () => {
    const { r } = base();
    const p = pathsIn(r);
    all[elsewhere]!(r, pager.key, fill(pager.value, p));
    const judged = await outcome(r, pager.rule);
    gitUses(r, fill(pager.git!, p));
    const before = existsSync(p.M);
    r.run(['checkout', '-q', 'side']);
    gitUses(r, fill(pager.git!, p));
    expect({ before, after: existsSync(p.M), outcome: judged.outcome }).toEqual({
      before: false,
      after: true,
      outcome: 'fail',
    });
  });
});
