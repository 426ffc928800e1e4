// Real repositories in temp folders, made by real git with every setting pinned, so that a
// developer's own ~/.gitconfig (signing, hooks, default branch, identity) can never change a result.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, lstatSync, mkdtempSync, mkdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import type { SimpleGit } from 'simple-git';
import { runCached } from './run-cache.js';

// simple-git is loaded on first use of `repo.git`: most test files never use it, and each file
// would otherwise load its own copy (~35 ms and ~11 MB a file, in a worker every git forks).
const require = createRequire(import.meta.url);
const simpleGit = (): typeof import('simple-git').simpleGit =>
  (require('simple-git') as typeof import('simple-git')).simpleGit;

export interface TestRepo {
  /** The work tree (or the git dir of a bare repository). */
  dir: string;
  /** The temp HOME holding the pinned global config; also a scratch area for keys. */
  home: string;
  /** Environment every git call in this repo uses; pass it to gitguard too. */
  env: NodeJS.ProcessEnv;
  /** simple-git bound to this repo and environment, for readable test set-up. */
  git: SimpleGit;
  /** Run git synchronously in the repo and return trimmed stdout. */
  run(args: string[], opts?: { input?: string | Buffer; env?: NodeJS.ProcessEnv }): string;
  /** `git add -A`, then git with `args` (a commit, mostly): one process started from the test, not two. */
  addAllAndRun(args: string[], opts?: { input?: string | Buffer; env?: NodeJS.ProcessEnv }): string;
  /** Write files (relative path -> content), creating folders. */
  write(files: Record<string, string>): void;
  /** Write files, stage everything and commit; returns the new commit id. */
  commit(message: string, files?: Record<string, string>, extraArgs?: string[]): string;
  /** HEAD's commit id (`git rev-parse HEAD`). */
  head(): string;
  /** Sets keys in the repository's own config file, byte for byte as `git config <key> <value>` one
   *  after the other would (a new section is appended as git appends it, without starting a git). */
  config(settings: Record<string, string>): void;
  cleanup(): void;
}

export interface MakeRepoOptions {
  bare?: boolean;
  objectFormat?: 'sha1' | 'sha256';
  /** Extra lines for the pinned global config (e.g. signing settings). */
  globalConfig?: string;
}

const tempRoots: string[] = [];

export function tempDir(prefix = 'gitguard-test-', base = tmpdir()): string {
  const d = mkdtempSync(join(base, prefix));
  tempRoots.push(d);
  return d;
}

/** git's environment for a commit by `email` (author and committer, named by its local part) at `iso`. */
export function personEnv(email: string, iso: string): NodeJS.ProcessEnv {
  const name = email.split('@')[0]!;
  return {
    GIT_AUTHOR_DATE: iso,
    GIT_COMMITTER_DATE: iso,
    GIT_AUTHOR_NAME: name,
    GIT_AUTHOR_EMAIL: email,
    GIT_COMMITTER_NAME: name,
    GIT_COMMITTER_EMAIL: email,
  };
}

export function pinnedEnv(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    // No git/gpg settings and no editor or pager from the developer's (or npm's) environment.
    if (!k.startsWith('GIT_') && !k.startsWith('GNUPG') && !['EDITOR', 'VISUAL', 'PAGER', 'LESS'].includes(k))
      env[k] = v;
  }
  return {
    ...env,
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    GIT_CONFIG_GLOBAL: join(home, '.gitconfig'),
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'Alice Example',
    GIT_AUTHOR_EMAIL: 'alice@example.com',
    GIT_COMMITTER_NAME: 'Alice Example',
    GIT_COMMITTER_EMAIL: 'alice@example.com',
    GIT_AUTHOR_DATE: '2024-01-01T00:00:00Z',
    GIT_COMMITTER_DATE: '2024-01-01T00:00:00Z',
    GNUPGHOME: join(home, '.gnupg'),
    NO_COLOR: '1',
  };
}

// gc.auto=0 leaves every repository as the test made it; receive.autogc=false also spares each push the
// `git gc --auto` that receive-pack would start only to find gc.auto=0 (one git process per push).
const PINNED_GLOBAL = `[init]
\tdefaultBranch = main
[commit]
\tgpgSign = false
[tag]
\tgpgSign = false
[gc]
\tauto = 0
[receive]
\tautogc = false
[maintenance]
\tauto = false
[core]
\thooksPath = 
[advice]
\tdetachedHead = false
`;

// git init's template without the fourteen sample hooks and the description: a repository's folders
// (hooks/, info/, branches/) as git makes them, and a third of the files to write and delete, which
// made up most of the system time of a test's `git init` (12 ms -> 1 ms).
let template: string | undefined;
function initTemplate(): string {
  if (!template || !existsSync(join(template, 'info', 'exclude'))) {
    template = tempDir('gitguard-template-');
    for (const d of ['branches', 'hooks', 'info']) mkdirSync(join(template, d));
    writeFileSync(join(template, 'info', 'exclude'), '# git ls-files --others --exclude-from=.git/info/exclude\n');
  }
  return template;
}

/** git's arguments for the `git init` of a repository at `dir` as makeRepo makes it. */
export function gitInitArgs(dir: string, opts: MakeRepoOptions = {}): string[] {
  const args = ['init', '-q', '-b', 'main', `--template=${initTemplate()}`];
  if (opts.bare) args.push('--bare');
  if (opts.objectFormat) args.push(`--object-format=${opts.objectFormat}`);
  return [...args, dir];
}

export function makeRepo(opts: MakeRepoOptions = {}): TestRepo {
  const root = tempDir();
  const home = join(root, 'home');
  const dir = join(root, opts.bare ? 'repo.git' : 'repo');
  mkdirSync(home, { recursive: true });
  mkdirSync(join(home, '.gnupg'), { recursive: true, mode: 0o700 });
  const global = PINNED_GLOBAL.replace('\thooksPath = \n', '') + (opts.globalConfig ?? '');
  writeFileSync(join(home, '.gitconfig'), global);
  const env = pinnedEnv(home);
  // What git init makes depends only on these (its options and the global config it reads; nothing of
  // the path): made by git once per run and copied into place (repo.test.ts compares with git init's).
  const slot = `git-init ${opts.bare ? 'bare' : 'work'} ${opts.objectFormat ?? 'default'} ${createHash('sha256').update(global).digest('hex')}`;
  const made = runCached(slot, (d) => execFileSync('git', gitInitArgs(join(d, 'repo'), opts), { env, stdio: 'pipe' }));
  cpSync(join(made, 'repo'), dir, { recursive: true });
  return repoAt(root, dir, !!opts.bare);
}

/**
 * A copy of `source` (its repository and its home, as they are now) in a temp folder of its own: a
 * history made once per test file (in beforeAll) and copied for each test that changes it, which
 * costs a file copy instead of the forks that made it. Nothing in the copy points back at the source
 * unless the source's own config names an absolute path.
 */
export function copyRepo(source: TestRepo): TestRepo {
  const root = tempDir();
  // gpg-agent's sockets are the source's agent's, not files to copy.
  cpSync(dirname(source.home), root, { recursive: true, filter: (p) => !lstatSync(p).isSocket() });
  const bare = basename(source.dir).endsWith('.git');
  return repoAt(root, join(root, basename(source.dir)), bare, ticks.get(source)?.() ?? 0);
}

/** Each repository's commit counter (repo.commit's dates), so that a copy goes on from its source's. */
const ticks = new WeakMap<TestRepo, () => number>();

// Both gits from one small shell, which execs the second: every process a test starts is forked from
// its jest worker at a cost in proportion to the worker's memory, while a fork of sh costs little
// (100 commits from a 200 MB process: 3.1 CPU-s as two gits each, 2.2 through this).
const ADD_ALL_THEN_GIT = 'git add -A && exec git "$@"';

function repoAt(root: string, dir: string, bare: boolean, startTick = 0): TestRepo {
  const home = join(root, 'home');
  const env = pinnedEnv(home);
  const start = (argv: string[], o: { input?: string | Buffer; env?: NodeJS.ProcessEnv } = {}): string =>
    execFileSync(argv[0]!, argv.slice(1), {
      cwd: dir,
      env: { ...env, ...o.env },
      input: o.input,
      stdio: ['pipe', 'pipe', 'pipe'],
      maxBuffer: 256 * 1024 * 1024,
    })
      .toString()
      .trim();
  const run: TestRepo['run'] = (args, o) => start(['git', ...args], o);

  let tick = startTick;
  const repo: TestRepo = {
    dir,
    home,
    env,
    // Our own repository with our own pinned config paths, so simple-git's guard may stand aside.
    get git() {
      return simpleGit()({ baseDir: dir, unsafe: { allowUnsafeConfigPaths: true } }).env(env);
    },
    run,
    addAllAndRun: (args, o) => start(['sh', '-c', ADD_ALL_THEN_GIT, 'sh', ...args], o),
    write(files) {
      for (const [path, content] of Object.entries(files)) {
        const full = join(dir, path);
        mkdirSync(dirname(full), { recursive: true });
        writeFileSync(full, content);
      }
    },
    commit(message, files = {}, extraArgs = []) {
      repo.write(Object.keys(files).length ? files : { [`file-${tick}.txt`]: `change ${tick}\n` });
      tick += 1;
      // Each commit one minute after the last, so dates are distinct and ordered.
      const date = new Date(Date.UTC(2024, 0, 1) + tick * 60_000).toISOString();
      repo.addAllAndRun(['commit', '-q', '-m', message, ...extraArgs], {
        env: { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date },
      });
      return repo.head();
    },
    head() {
      // Read from the files git just wrote (the tests make thousands of commits, and a process from
      // the test runner is costly); asked of git whenever they are not plain loose refs.
      try {
        const gitDir = bare ? dir : join(dir, '.git');
        const head = readFileSync(join(gitDir, 'HEAD'), 'utf8').trim();
        const ref = /^ref: (refs\/[^\s]+)$/.exec(head)?.[1];
        const oid = ref ? readFileSync(join(gitDir, ref), 'utf8').trim() : head;
        if (/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(oid)) return oid;
      } catch {
        // a packed ref, a linked worktree's .git file: git knows
      }
      return run(['rev-parse', 'HEAD']);
    },
    config(settings) {
      const file = join(bare ? dir : join(dir, '.git'), 'config');
      for (const [key, value] of Object.entries(settings)) {
        const text = readFileSync(file, 'utf8');
        const m = /^([A-Za-z0-9-]+)\.([A-Za-z][A-Za-z0-9-]*)$/.exec(key);
        // A section the file already has, a subsection or a value git would quote: git itself.
        if (
          !m ||
          new RegExp(`^\\[${m[1]}\\]`, 'im').test(text) ||
          !/^[^\s"#;\\][^"#;\\\n]*$/.test(value) ||
          /\s$/.test(value)
        )
          run(['config', key, value]);
        else writeFileSync(file, `${text}[${m[1]!.toLowerCase()}]\n\t${m[2]} = ${value}\n`);
      }
    },
    cleanup() {
      rmSync(root, { recursive: true, force: true });
    },
  };
  ticks.set(repo, () => tick);
  return repo;
}

/** Removes every temp folder made by this module (call from afterAll). */
export function cleanupTemp(): void {
  while (tempRoots.length) rmSync(tempRoots.pop()!, { recursive: true, force: true });
}
