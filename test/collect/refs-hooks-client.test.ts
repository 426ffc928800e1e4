// Refs, replace refs, grafts, hooks and client versions, collected from real repositories.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { collectHistory } from '../../src/collect/refs.js';
import { collectHooks } from '../../src/collect/hooks.js';
import { collectClient } from '../../src/collect/client.js';
import { collectConfig } from '../../src/collect/config.js';
import { discoverRepository } from '../../src/collect/repository.js';
import { makeRepo, cleanupTemp } from '../helpers/repo.js';

afterAll(cleanupTemp);

describe('collectHistory', () => {
  test('reports HEAD, branches, annotated tags with their target, and replace refs', async () => {
    const r = makeRepo();
    const a = r.commit('one');
    const b = r.commit('two');
    r.run(['tag', '-a', '-m', 'release', 'v1', a]);
    r.run(['replace', a, b]);
    const h = await collectHistory(await discoverRepository(r.dir));
    expect(h.head).toEqual({ ref: 'refs/heads/main', oid: b });
    expect(h.refs.find((x) => x.name === 'refs/tags/v1')).toMatchObject({ type: 'tag', peeled: a });
    // Subjects come from the real objects (replace objects switched off).
    expect(h.replaceRefs).toEqual([{ replaced: a, replacement: b, replacedSubject: 'one', replacementSubject: 'two' }]);
    expect(h.grafts).toBeUndefined();
  });

  test('reads HEAD itself, not its replacement', async () => {
    const r = makeRepo();
    const a = r.commit('one');
    const b = r.commit('two');
    r.run(['replace', b, a]);
    const h = await collectHistory(await discoverRepository(r.dir));
    expect(h.head.oid).toBe(b);
  });

  test('reads the grafts file and ignores its comments', async () => {
    const r = makeRepo();
    const a = r.commit('one');
    const b = r.commit('two');
    mkdirSync(join(r.dir, '.git', 'info'), { recursive: true });
    writeFileSync(join(r.dir, '.git', 'info', 'grafts'), `# comment\n${b} ${a}\n`);
    const h = await collectHistory(await discoverRepository(r.dir));
    expect(h.grafts?.entries).toEqual([`${b} ${a}`]);
  });

  test('an empty repository has an unborn HEAD', async () => {
    const r = makeRepo();
    const h = await collectHistory(await discoverRepository(r.dir));
    expect(h.head).toEqual({ ref: 'refs/heads/main' });
    expect(h.refs).toEqual([]);
  });

  test('a detached HEAD has no branch', async () => {
    const r = makeRepo();
    const a = r.commit('one');
    r.commit('two');
    r.run(['checkout', '-q', a]);
    expect((await collectHistory(await discoverRepository(r.dir))).head).toEqual({ oid: a });
  });

  test("HEAD is each worktree's own, and a branch whose tip is a tag object is peeled like git does", async () => {
    const r = makeRepo();
    const a = r.commit('one');
    const b = r.commit('two');
    const wt = join(r.home, 'wt');
    r.run(['worktree', 'add', '-q', '-b', 'side', wt, a]);
    expect((await collectHistory(await discoverRepository(wt))).head).toEqual({ ref: 'refs/heads/side', oid: a });
    expect((await collectHistory(await discoverRepository(r.dir))).head).toEqual({ ref: 'refs/heads/main', oid: b });
    // A branch pointing at an annotated tag (git refuses to write one; a hostile repository just
    // writes the file): git's HEAD^{commit} is the tagged commit.
    const tag = r.run(['mktag'], {
      input: `object ${a}\ntype commit\ntag t\ntagger T <t@example.com> 1700000000 +0000\n\nt\n`,
    });
    writeFileSync(join(r.dir, '.git', 'refs', 'heads', 'main'), `${tag}\n`);
    expect((await collectHistory(await discoverRepository(r.dir))).head).toEqual({ ref: 'refs/heads/main', oid: a });
  });
});

describe('collectHooks', () => {
  test('lists executable hooks in .git/hooks and skips samples', async () => {
    const r = makeRepo();
    const hooks = join(r.dir, '.git', 'hooks');
    mkdirSync(hooks, { recursive: true });
    writeFileSync(join(hooks, 'pre-push'), '#!/bin/sh\nexit 0\n');
    chmodSync(join(hooks, 'pre-push'), 0o755);
    writeFileSync(join(hooks, 'pre-commit.sample'), '');
    writeFileSync(join(hooks, 'post-merge'), '');
    const info = await discoverRepository(r.dir);
    const facts = collectHooks(info, await collectConfig(info, r.env));
    expect(facts.source).toBe('default');
    expect(facts.hooks).toEqual([
      { name: 'post-merge', path: join(hooks, 'post-merge'), executable: false, marker: 'absent' },
      { name: 'pre-push', path: join(hooks, 'pre-push'), executable: true, marker: 'absent' },
    ]);
  });

  test('follows core.hooksPath, relative to the work tree', async () => {
    const r = makeRepo();
    r.run(['config', 'core.hooksPath', '.githooks']);
    const info = await discoverRepository(r.dir);
    const facts = collectHooks(info, await collectConfig(info, r.env));
    expect(facts.dir).toBe(join(r.dir, '.githooks'));
    expect(facts.source).toBe('core.hooksPath (local)');
  });
});

describe('collectClient', () => {
  test('finds the installed git and reports its version line', async () => {
    const tools = await collectClient();
    expect(tools.find((t) => t.tool === 'git')?.raw).toMatch(/^git version \d+\.\d+/);
  });
});
