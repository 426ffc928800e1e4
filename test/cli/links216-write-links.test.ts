// links216: the checks that keep gitguard's writes inside the repository (safe-fs.ts assertInside,
// folderInside) resolved a path's links with node's own realpathSync, which joins a link's target to
// the path as text: `results -> l/..` with `l -> /elsewhere/sub` was read as the repository itself
// where the kernel reads `/elsewhere`, so `--output-sarif results/x.sarif` and `hook install` through
// such a hooks folder wrote outside the repository. They resolve as the kernel does now (libc's
// realpath); the same link leading inside the repository is written as before.
import { mkdirSync, readdirSync, readFileSync, realpathSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTemp, makeRepo, tempDir, type TestRepo } from '../helpers/repo.js';
import { runMain } from '../helpers/cli.js';

afterAll(cleanupTemp);

/** A repository committing `results -> l/..` and `l -> <sub>`; `sub`'s parent is where the kernel writes. */
function linked(sub: (r: TestRepo) => string): { r: TestRepo; lands: string } {
  const r = makeRepo();
  const target = sub(r);
  mkdirSync(target, { recursive: true });
  symlinkSync(target, join(r.dir, 'l'));
  symlinkSync('l/..', join(r.dir, 'results'));
  r.run(['add', '-A']);
  r.run(['commit', '-q', '-m', 'ci results folder']);
  return { r, lands: realpathSync.native(join(r.dir, 'results')) };
}

describe('links216: a .. after a link on the way of a path gitguard writes', () => {
  test('results -> l/.., l -> /elsewhere/sub: refused, nothing written in /elsewhere (before: written there)', async () => {
    const elsewhere = tempDir();
    const { r, lands } = linked(() => join(elsewhere, 'sub'));
    // The reference: the kernel reads results as /elsewhere (node's realpathSync says the repository).
    expect(lands).toBe(realpathSync.native(elsewhere));
    for (const args of [
      ['audit', '-t', 'history', '--no-ledger', '--output-sarif', 'results/gitguard.sarif'],
      ['baseline', 'write', 'results/baseline.json', '-t', 'history'],
    ]) {
      const res = await runMain(args, { env: r.env, cwd: r.dir });
      expect(res.code).toBe(2);
      expect(res.stderr).toMatch(/its folder leads outside .* \(through a symbolic link\)/);
    }
    expect(readdirSync(elsewhere)).toEqual(['sub']);
  });

  test('core.hooksPath results/hooks through the same links: hook install refused, nothing written there', async () => {
    const elsewhere = tempDir();
    const { r } = linked(() => join(elsewhere, 'sub'));
    mkdirSync(join(elsewhere, 'hooks'));
    // A hooks folder where node's reading of the path leads too (inside): the check then passed.
    mkdirSync(join(r.dir, 'hooks'));
    r.run(['config', 'core.hooksPath', 'results/hooks']);
    const res = await runMain(['hook', 'install', '-C', r.dir], { env: r.env });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/leads outside the repository/);
    expect(readdirSync(join(elsewhere, 'hooks'))).toEqual([]);
  });

  test('twin: l -> a folder of the repository (results is the repository itself): written', async () => {
    const { r, lands } = linked((repo) => join(repo.dir, 'out', 'sub'));
    expect(lands).toBe(realpathSync.native(join(r.dir, 'out')));
    const res = await runMain(['audit', '-t', 'history', '--no-ledger', '--output-sarif', 'results/gitguard.sarif'], {
      env: r.env,
      cwd: r.dir,
    });
    expect(res.code).toBe(0);
    expect(readFileSync(join(r.dir, 'out', 'gitguard.sarif'), 'utf8')).toContain('"runs"');
  });
});
