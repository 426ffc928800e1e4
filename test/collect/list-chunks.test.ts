// Commit lists for git's long passes: cut into chunks of whole lines, and sorted once per run when the
// secrets scan and the walk ask for the same revisions.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createShadow } from '../../src/collect/git.js';
import { walkCommits } from '../../src/collect/commits.js';
import { lineRanges, longLineHeads, writeRange } from '../../src/collect/list-chunks.js';
import { discoverRepository } from '../../src/collect/repository.js';
import { inRun } from '../../src/collect/run-context.js';
import { scanSecrets } from '../../src/collect/secrets/scan.js';
import { makeRepo, cleanupTemp, tempDir } from '../helpers/repo.js';

afterAll(cleanupTemp);

describe('lineRanges and writeRange', () => {
  const dir = tempDir();
  const file = join(dir, 'list');
  const cut = (text: string, max: number): string[] => {
    writeFileSync(file, text);
    return lineRanges(file, max).map((r, i) => {
      const out = readFileSync(writeRange(file, r, join(dir, `part${i}`))).toString();
      expect(out.split('\n').filter((l, j, all) => l !== '' || j < all.length - 1)).toHaveLength(r.lines);
      return out;
    });
  };

  test('whole lines, at most N a range, nothing lost or doubled, a last line without its newline counted', () => {
    expect(cut('a 1\nb 2\nc 3\n', 1)).toEqual(['a 1\n', 'b 2\n', 'c 3\n']);
    expect(cut('a 1\nb 2\nc 3\n', 2)).toEqual(['a 1\nb 2\n', 'c 3\n']);
    expect(cut('a 1\nb 2\nc 3\n', 3)).toEqual(['a 1\nb 2\nc 3\n']);
    expect(cut('a 1\nb 2\nc 3', 2)).toEqual(['a 1\nb 2\n', 'c 3']);
    expect(cut('', 2)).toEqual([]);
    writeFileSync(file, 'a 1\nb 2\n');
    expect(lineRanges(file, 5)).toEqual([{ start: 0, end: 8, lines: 2, longest: 3 }]);
  });

  test('lines longer than one read block are cut at their newlines', () => {
    const long = `${'x'.repeat(1_500_000)} p\n`;
    const parts = cut(`${long}short\n${long}`, 2);
    expect(parts.map((p) => p.length)).toEqual([long.length + 6, long.length]);
  });

  test("each range's longest line, and the first words of the lines at least N bytes long, across read blocks", () => {
    const big = `w ${'p'.repeat(1_500_000)}`; // over a 1 MiB read block
    writeFileSync(file, `a 1\nbb 22 333\n${big}\nc\nlast line`);
    expect(lineRanges(file, 2).map((r) => r.longest)).toEqual([9, big.length, 9]);
    expect(longLineHeads(file, 9)).toEqual(['bb', 'w', 'last']);
    expect(longLineHeads(file, 10)).toEqual(['w']);
    expect(longLineHeads(file, big.length + 1)).toEqual([]);
    writeFileSync(file, `${'x'.repeat(1024 * 1024 - 1)}\ny z\n`); // a newline at the last byte of a block
    expect(longLineHeads(file, 3)).toEqual(['x'.repeat(1024 * 1024 - 1), 'y']);
  });

  test('firstWord keeps the commit of "<commit> <parents...>" lines', () => {
    writeFileSync(file, 'c1\nc2 c1\nc3 c2 c1\n');
    const [r] = lineRanges(file, 10);
    expect(readFileSync(writeRange(file, r!, join(dir, 'words'), true), 'latin1')).toBe('c1\nc2\nc3\n');
  });

  test('firstWord across copy blocks: words and parents longer than a block, newlines and spaces at a block edge', () => {
    const block = 256 * 1024;
    const lines = [
      `${'a'.repeat(300_000)} p1 p2`, // a first word longer than a block
      `b ${'p'.repeat(600_000)} q`, // parents over two block edges
      ...Array.from({ length: 40_000 }, (_, i) => `c${i} d${i}`), // short lines, edges anywhere
    ];
    // Lines whose newline, or whose space, falls exactly at the end of a block.
    const head = lines.join('\n').length + 1;
    const fill = block * Math.ceil(head / block) + block - head - 1;
    lines.push(`${'e'.repeat(fill)}`, `${'f'.repeat(block - 1)} g`, 'h i');
    const text = `${lines.join('\n')}\n`;
    writeFileSync(file, text);
    const expected = lines.map((l) => `${l.split(' ')[0]}\n`).join('');
    for (const max of [997, 100_000]) {
      const got = lineRanges(file, max)
        .map((r, i) => readFileSync(writeRange(file, r, join(dir, `w${i}`), true), 'latin1'))
        .join('');
      expect([max, got.length, got === expected]).toEqual([max, expected.length, true]);
    }
  });
});

describe('one sorted list per run and set of revisions', () => {
  function history(): { r: ReturnType<typeof makeRepo>; tip: string; mid: string } {
    const r = makeRepo();
    r.commit('one', { 'a.txt': 'a\n' });
    const mid = r.commit('two', { 'b.txt': 'b\n' });
    r.run(['checkout', '-q', '-b', 'side', 'HEAD~1']);
    r.commit('side', { 'c.txt': 'c\n' });
    r.run(['checkout', '-q', 'main']);
    r.run(['merge', '-q', '--no-edit', 'side']);
    return { r, tip: r.head(), mid };
  }

  async function scanAndWalk(
    dir: string,
    scanRevs: string[],
    walkRevs: string[],
    log: string,
    wrapper: string,
    scanFirst = false,
  ) {
    const repo = await discoverRepository(dir);
    const shadow = createShadow(repo.commonDir, repo.objectFormat);
    rmSync(log, { force: true });
    try {
      return await inRun({ gitBinary: wrapper }, async () => {
        const scan = scanSecrets(repo, scanRevs); // started first, as the audit starts it
        if (scanFirst) await scan; // done, its file removed, before the walk asks
        const walked: string[] = [];
        for await (const c of walkCommits(shadow, { revisions: walkRevs, parentsFirst: true, paths: ['a.txt'] }))
          walked.push(`${c.oid} ${JSON.stringify(c.pathChanges)}`);
        const facts = await scan;
        const sorts = readFileSync(log, 'utf8')
          .split('\n')
          .filter((l) => / rev-list .*--topo-order/.test(l)).length;
        return { walked, commits: facts.commits, sorts };
      });
    } finally {
      shadow.dispose();
    }
  }

  test("the walk shares the scan's list when the revisions are the same, sorts its own otherwise, and answers the same", async () => {
    const { r, tip, mid } = history();
    const log = join(r.home, 'git.log');
    const wrapper = join(r.home, 'logging-git');
    const real = execFileSync('sh', ['-c', 'command -v git']).toString().trim();
    writeFileSync(wrapper, `#!/bin/sh\necho "$*" >> '${log}'\nexec ${real} "$@"\n`, { mode: 0o755 });
    const shared = await scanAndWalk(r.dir, [tip], [tip], log, wrapper);
    const apart = await scanAndWalk(r.dir, [tip], [tip, `^${mid}`], log, wrapper);
    const alone = await scanAndWalk(r.dir, [mid], [tip], log, wrapper);
    expect(shared.sorts).toBe(1);
    expect(apart.sorts).toBe(2);
    expect(alone.sorts).toBe(2);
    expect(shared.commits).toBe(4);
    expect(shared.walked).toHaveLength(4);
    expect(shared.walked).toEqual(alone.walked);
    expect(apart.walked).toHaveLength(2);
  });

  test("a short list outlives the scan's file: a walk that asks after the scan is done sorts nothing, and answers the same", async () => {
    const { r, tip } = history();
    const log = join(r.home, 'git.log');
    const wrapper = join(r.home, 'logging-git');
    const real = execFileSync('sh', ['-c', 'command -v git']).toString().trim();
    writeFileSync(wrapper, `#!/bin/sh\necho "$*" >> '${log}'\nexec ${real} "$@"\n`, { mode: 0o755 });
    const after = await scanAndWalk(r.dir, [tip], [tip], log, wrapper, true);
    const beside = await scanAndWalk(r.dir, [tip], [tip], log, wrapper);
    expect(after.sorts).toBe(1);
    expect(after.walked).toHaveLength(4);
    expect(after.walked).toEqual(beside.walked);
  });
});

test('a pass that fails is named by its git subcommand, not by the value of a -c setting before it', async () => {
  const r = makeRepo();
  r.commit('one', { 'a.txt': 'a\n' });
  const repo = await discoverRepository(r.dir);
  const shadow = createShadow(repo.commonDir, repo.objectFormat);
  try {
    const walk = async (): Promise<void> => {
      for await (const _ of walkCommits(shadow, { revisions: ['1'.repeat(40)], parentsFirst: true })) void _;
    };
    await expect(walk()).rejects.toThrow(/^git rev-list failed: fatal: bad object 1{40}/);
    await expect(scanSecrets(repo, ['1'.repeat(40)])).rejects.toThrow(/^git rev-list failed: fatal: bad object/);
  } finally {
    shadow.dispose();
  }
});
