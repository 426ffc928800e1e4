// Which refs are protected (globs, remote-tracking twins), reflog files read as data, and the
// ledger facts collected from a real repository.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { protectionOf } from '../../src/collect/protected-refs.js';
import { readReflog } from '../../src/collect/remote-record.js';
import { isAncestor } from '../../src/collect/ancestry.js';
import { createShadow } from '../../src/collect/git.js';
import { refGlob, wildcardGlob } from '../../src/domain/ledger.js';
import { discoverRepository } from '../../src/collect/repository.js';
import { collectHistory } from '../../src/collect/refs.js';
import { updateLedger } from '../../src/collect/ledger.js';
import { collectLedger } from '../../src/engine/ledger.js';
import { inRun } from '../../src/collect/run-context.js';
import { makeRepo, tempDir, cleanupTemp } from '../helpers/repo.js';

afterAll(cleanupTemp);

describe('protected ref globs', () => {
  const globs = ['refs/heads/main', 'refs/heads/release/*', 'refs/tags/**'].map(refGlob);
  test.each([
    ['refs/heads/main', 'branch'],
    ['refs/heads/release/1.0', 'branch'],
    ['refs/heads/release/1.0/hotfix', undefined],
    ['refs/heads/mainline', undefined],
    ['refs/tags/v1', 'tag'],
    ['refs/tags/team/v1', 'tag'],
    ['refs/remotes/origin/main', 'remote'],
    ['refs/remotes/upstream/release/2.0', 'remote'],
    ['refs/remotes/origin/HEAD', undefined],
    ['refs/remotes/origin/topic', undefined],
  ])('%s is protected as %s', (name, kind) => {
    expect(protectionOf(name, globs)).toBe(kind);
  });
});

describe('globs from a hostile policy', () => {
  /** The RegExp form the globs had, as the reference on short names. */
  const reference = (glob: string): RegExp => {
    let re = '';
    for (let i = 0; i < glob.length; i++) {
      const ch = glob[i]!;
      if (ch === '*' && glob[i + 1] === '*') {
        re += '.*';
        i += 1;
      } else if (ch === '*') re += '[^/]*';
      else if (ch === '?') re += '[^/]';
      else re += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
    return new RegExp(`^${re}$`);
  };
  const words = (alphabet: string, max: number): string[] => {
    const out = [''];
    for (let i = 0; i < out.length; i++) if (out[i]!.length < max) for (const c of alphabet) out.push(out[i]! + c);
    return out;
  };

  test('match as the RegExp form did, for every glob of up to 5 and name of up to 5 characters', () => {
    const names = words('a/.', 5);
    const differ: string[] = [];
    for (const glob of words('a/*?.', 5)) {
      const ours = refGlob(glob);
      const theirs = reference(glob);
      for (const name of names) if (ours.test(name) !== theirs.test(name)) differ.push(`${glob} ${name}`);
    }
    expect(differ).toEqual([]);
    expect(wildcardGlob('release-*').test('release-1/x')).toBe(true);
    expect(wildcardGlob('a.c').test('abc')).toBe(false);
  });

  test('many stars against a long ref name answer at once (the RegExp backtracked exponentially)', () => {
    const name = `refs/heads/${'a'.repeat(5000)}`;
    expect(refGlob(`refs/heads/${'**a'.repeat(40)}**b`).test(name)).toBe(false);
    expect(refGlob(`refs/heads/${'*a'.repeat(40)}*`).test(name)).toBe(true);
    expect(wildcardGlob(`${'*a'.repeat(40)}*b`).test(name)).toBe(false);
  });
});

test('reads reflog lines as data and skips malformed ones', () => {
  const file = join(tempDir(), 'main');
  const a = 'a'.repeat(40);
  const b = 'b'.repeat(40);
  writeFileSync(
    file,
    `${a} ${b} Alice Example <alice@example.com> 1700000000 +0100\treset: moving to HEAD~3\ngarbage line\n${b} ${a} Bob <b@x> 1700000100 -0500\tcommit: x\n`,
  );
  expect(readReflog(file, 'sha1')).toEqual([
    {
      old: a,
      new: b,
      who: 'Alice Example <alice@example.com>',
      time: 1_700_000_000,
      tz: '+0100',
      message: 'reset: moving to HEAD~3',
    },
    { old: b, new: a, who: 'Bob <b@x>', time: 1_700_000_100, tz: '-0500', message: 'commit: x' },
  ]);
});

test('collects a fast-forward as intact, a reset as a forced reflog entry, and a rewrite with the lost commits', async () => {
  const repo = makeRepo();
  const first = repo.commit('one');
  const second = repo.commit('two');
  const r = await discoverRepository(repo.dir);
  updateLedger(r.commonDir, (l) => ({ ...l, refs: { 'refs/heads/main': { oid: first, recordedAt: 'x' } } }));
  let facts = await collectLedger(r, await collectHistory(r));
  expect(facts.refs).toEqual([{ name: 'refs/heads/main', kind: 'branch', current: second, recorded: first }]);
  expect(facts.forcedUpdates).toEqual([]);

  updateLedger(r.commonDir, (l) => ({ ...l, refs: { 'refs/heads/main': { oid: second, recordedAt: 'x' } } }));
  repo.run(['reset', '-q', '--hard', first]);
  const third = repo.commit('three');
  facts = await collectLedger(r, await collectHistory(r));
  expect(facts.refs[0]!.current).toBe(third);
  expect(facts.refs[0]!.rewritten).toEqual({
    lost: 1,
    commits: [{ oid: second, subject: 'two', author: 'Alice Example <alice@example.com>' }],
  });
  expect(facts.forcedUpdates.map((e) => [e.old, e.new, e.message])).toEqual([
    [second, first, `reset: moving to ${first}`],
  ]);
});

test("judges every reflog entry as git's merge-base does, and asks merge-base only where old is not a parent of new", async () => {
  const repo = makeRepo();
  repo.commit('one');
  repo.commit('two'); // a commit: old is new's parent
  repo.run(['checkout', '-q', '-b', 'side']);
  repo.commit('side one');
  repo.commit('side two');
  repo.run(['checkout', '-q', 'main']);
  repo.run(['merge', '-q', '--ff-only', 'side']); // fast-forward over two commits: an ancestor, not a parent
  repo.run(['checkout', '-q', '-b', 'other', 'HEAD~1']);
  repo.commit('other');
  repo.run(['checkout', '-q', 'main']);
  repo.run(['merge', '-q', '--no-ff', '--no-edit', 'other']); // a merge: old is the first parent
  repo.run(['commit', '-q', '--amend', '-m', 'amended merge']); // an amend: not a descendant
  repo.commit('three');
  repo.run(['reset', '-q', '--hard', 'HEAD~2']); // backwards
  repo.commit('four');
  const r = await discoverRepository(repo.dir);
  const entries = readReflog(join(r.commonDir, 'logs', 'refs', 'heads', 'main'), r.objectFormat).filter(
    (e) => !/^0+$/.test(e.old) && e.old !== e.new,
  );
  const gitSays = (e: { old: string; new: string }): boolean => {
    try {
      repo.run(['merge-base', '--is-ancestor', e.old, e.new]);
      return true;
    } catch {
      return false;
    }
  };
  const parentOf = (e: { old: string; new: string }): boolean =>
    repo.run(['rev-list', '--no-walk', '--parents', e.new]).split(' ').slice(1).includes(e.old);
  expect(entries.map(parentOf)).toEqual([true, false, true, false, true, false, true]);

  // Every git the collector starts, logged by a wrapper given as the run's git.
  const dir = tempDir();
  const log = join(dir, 'git.log');
  const wrapper = join(dir, 'git.sh');
  writeFileSync(wrapper, `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\nexec git "$@"\n`, { mode: 0o755 });
  const facts = await inRun({ gitBinary: wrapper }, async () => collectLedger(r, await collectHistory(r)));
  expect(facts.forcedUpdates.map((e) => e.new)).toEqual(entries.filter((e) => !gitSays(e)).map((e) => e.new));
  expect(facts.forcedUpdates).toHaveLength(2);
  const mergeBases = readFileSync(log, 'utf8')
    .split('\n')
    .filter((l) => l.includes('merge-base --is-ancestor'));
  expect(mergeBases).toHaveLength(entries.filter((e) => !parentOf(e)).length);
});

test('isAncestor asks git once per pair of ids and view of the objects in a run; "cannot tell" is asked again; another view or run asks afresh', async () => {
  const repo = makeRepo();
  const a = repo.commit('a', { 'a.txt': 'a\n' });
  const b = repo.commit('b', { 'b.txt': 'b\n' });
  const missing = 'f'.repeat(40);
  const dir = tempDir();
  const log = join(dir, 'git.log');
  const wrapper = join(dir, 'git.sh');
  writeFileSync(wrapper, `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\nexec git "$@"\n`, { mode: 0o755 });
  const asked = (): number => {
    const n = readFileSync(log, 'utf8')
      .split('\n')
      .filter((l) => l.includes('merge-base --is-ancestor')).length;
    writeFileSync(log, '');
    return n;
  };
  await inRun({ gitBinary: wrapper }, async () => {
    const shadow = createShadow(join(repo.dir, '.git'), 'sha1');
    const answers = await Promise.all([isAncestor(shadow, a, b), isAncestor(shadow, a, b), isAncestor(shadow, b, a)]);
    expect(answers).toEqual([true, true, false]);
    expect(await isAncestor(shadow, b, a)).toBe(false);
    expect(asked()).toBe(2);
    expect(await isAncestor(shadow, missing, b)).toBeUndefined();
    expect(await isAncestor(shadow, missing, b)).toBeUndefined();
    expect(asked()).toBe(2);
    shadow.dispose();
    // Another shadow of the same objects (the ledger's beside the walk's) has the answers already.
    const same = createShadow(join(repo.dir, '.git'), 'sha1');
    expect(await isAncestor(same, a, b)).toBe(true);
    expect(asked()).toBe(0);
    same.dispose();
    // One that sees more objects (a push's quarantine) asks afresh, and so does the next run.
    const more = createShadow(join(repo.dir, '.git'), 'sha1', [dir]);
    expect(await isAncestor(more, a, b)).toBe(true);
    expect(asked()).toBe(1);
    more.dispose();
  });
  await inRun({ gitBinary: wrapper }, async () => {
    const shadow = createShadow(join(repo.dir, '.git'), 'sha1');
    expect(await isAncestor(shadow, a, b)).toBe(true);
    expect(asked()).toBe(1);
    shadow.dispose();
  });
});
