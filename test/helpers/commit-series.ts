// Many commits, signed or not, made by the real `git commit` (with gpg or ssh-keygen as git runs
// them) from ONE shell the test starts: every process a test starts is forked from its jest worker,
// which costs in proportion to the worker's memory (jest.config.js), while git and its signers forked
// from a small shell cost little. A 66-commit signed history took one fork per commit (plus `git add`)
// before; the commits are the same bytes `git commit -S` makes one at a time (commit-series.test.ts).
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tempDir, type TestRepo } from './repo.js';

export interface SeriesCommit {
  message: string;
  /** `git commit -S<signWith>`: an SSH private key's path (with gpg.format=ssh) or an OpenPGP key; none: unsigned (--no-gpg-sign). */
  signWith?: string;
  /** Files written into the work tree (relative path -> content) and staged before this commit; none: an empty commit. */
  files?: Record<string, string>;
  /** Environment for this commit only (dates, committer, GNUPGHOME...), over the repository's own. */
  env?: Record<string, string>;
  /** git options before `commit` (`-c key=value`). */
  gitArgs?: string[];
  /** The work tree emptied (all but .git) before `files` are written: the commit's tree is `files` alone. */
  replace?: boolean;
  /** Symbolic links written beside `files` (relative path -> the link's target), committed as links (mode 120000). */
  links?: Record<string, string>;
  /** Submodule entries staged beside `files` (relative path -> the commit id recorded), mode 160000, no folder written. */
  gitlinks?: Record<string, string>;
}

/** git's arguments for one commit of a series (its files already staged). */
export function commitArgs(c: SeriesCommit): string[] {
  const sign = c.signWith === undefined ? '--no-gpg-sign' : `-S${c.signWith}`;
  return [...(c.gitArgs ?? []), 'commit', '-q', '--allow-empty', sign, '-m', c.message];
}

/** Single-quoted for sh: every byte literal. */
const sq = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Makes `commits` on the current branch of `repo`, in order, each its parent's child (a linear
 * history), from one `sh`; returns their ids in the same order. Stops at the first git that fails
 * (the error names it).
 */
export function commitSeries(repo: TestRepo, commits: SeriesCommit[], env: Record<string, string> = {}): string[] {
  if (!commits.length) return [];
  const work = tempDir('gitguard-series-');
  const lines = ['set -e', `cd ${sq(repo.dir)}`];
  commits.forEach((c, i) => {
    if (c.replace) lines.push('find . -mindepth 1 -maxdepth 1 ! -name .git -exec rm -rf {} +', 'git add -A');
    if ((c.files && Object.keys(c.files).length) || (c.links && Object.keys(c.links).length)) {
      // Written now into a staging folder of their own, copied in by the shell when their turn comes.
      const stage = join(work, String(i));
      for (const [path, content] of Object.entries(c.files ?? {})) {
        mkdirSync(dirname(join(stage, path)), { recursive: true });
        writeFileSync(join(stage, path), content);
      }
      // `cp -R` copies a link as a link.
      for (const [path, target] of Object.entries(c.links ?? {})) {
        mkdirSync(dirname(join(stage, path)), { recursive: true });
        symlinkSync(target, join(stage, path));
      }
      lines.push(`cp -R ${sq(stage)}/. .`, 'git add -A');
    }
    for (const [path, oid] of Object.entries(c.gitlinks ?? {}))
      lines.push(`git update-index --add --cacheinfo ${sq(`160000,${oid},${path}`)}`);
    const vars = Object.entries(c.env ?? {}).map(([k, v]) => {
      if (!NAME.test(k)) throw new Error(`not an environment variable name: ${k}`);
      return `${k}=${sq(v)}`;
    });
    lines.push([...vars, 'git', ...commitArgs(c).map(sq)].join(' '));
  });
  lines.push(`git rev-list --first-parent --max-count=${commits.length} HEAD`);
  const script = join(work, 'series.sh');
  writeFileSync(script, `${lines.join('\n')}\n`);
  const out = execFileSync('sh', [script], {
    env: { ...repo.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 16 * 1024 * 1024,
  });
  return out.toString().trim().split('\n').reverse();
}
