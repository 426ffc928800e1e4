// A history built by many git commands (checkouts, merges, moves, commits) from ONE shell the test
// starts, as commitSeries does for plain runs of commits: every process a test starts is forked from
// its jest worker, at a cost in proportion to the worker's memory, while the same gits forked from a
// small shell cost little. Steps are recorded in order (files written, removed, git run) and run
// together by run(); file contents are staged now and copied in when their turn comes.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tempDir, type TestRepo } from './repo.js';

/** Single-quoted for sh: every byte literal. */
const sq = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export class GitScript {
  private readonly work = tempDir('gitguard-script-');
  private readonly lines = ['set -e'];
  private staged = 0;

  constructor(private readonly repo: TestRepo) {
    this.lines.push(`cd ${sq(repo.dir)}`);
  }

  /** Writes files (relative path -> content) into the work tree at this point of the script. */
  write(files: Record<string, string | Buffer>): this {
    const stage = join(this.work, String((this.staged += 1)));
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(dirname(join(stage, path)), { recursive: true });
      writeFileSync(join(stage, path), content);
    }
    this.lines.push(`cp -R ${sq(stage)}/. .`);
    return this;
  }

  /** Removes a file of the work tree at this point (none there is no error). */
  remove(path: string): this {
    this.lines.push(`rm -f -- ${sq(path)}`);
    return this;
  }

  /** Runs git with `args` at this point, with `env` over the repository's own; a failing git stops the script. */
  git(args: string[], env: Record<string, string> = {}): this {
    const vars = Object.entries(env).map(([k, v]) => {
      if (!NAME.test(k)) throw new Error(`not an environment variable name: ${k}`);
      return `${k}=${sq(v)}`;
    });
    this.lines.push([...vars, 'git', ...args.map(sq)].join(' '));
    return this;
  }

  /** Runs every step in order in one sh (throws, naming the git that failed, on the first failure). */
  run(): void {
    const script = join(this.work, 'script.sh');
    writeFileSync(script, `${this.lines.join('\n')}\n`);
    execFileSync('sh', [script], {
      env: this.repo.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 16 * 1024 * 1024,
    });
  }
}
