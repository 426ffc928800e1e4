// Clean workflows 28: what rounds 21-23 made stricter, on the projects that did nothing wrong.
// - Round 22 fails the commands git-lfs and git-annex read from the repository's config. What the
//   real tools write there (git-lfs 3.3.0: `install --local`, `track`, `migrate import`, `fetch`, an
//   LFS server with `lfs.url`, `locksverify`, an `access` mode; git-annex 10.20230126: `init`, `add`,
//   `sync`, `initremote ... type=directory`, captured byte for byte) passes; a custom transfer agent
//   (lfs-folderstore) set in the global config passes, the same in .git/config fails.
// - Round 23 stops the run on a ref for-each-ref lists twice: a ref packed then updated, `git gc`, a
//   worktree's commits, `origin/HEAD`, `refs/stash` list each name once; a reflog git wrote (commit,
//   reset, rebase -i with its (start)/(finish), pull --rebase, push's remote-tracking entries) is read
//   entry for entry as `git log -g` reads it.
// - Round 21 reads GitHub's tag patterns as Ruby's fnmatch: the patterns projects use cover the
//   policy's matching protected.refs.
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { collectConfig } from '../../src/collect/config.js';
import { listRefs } from '../../src/collect/ref-list.js';
import { readReflog } from '../../src/collect/remote-record.js';
import { discoverRepository } from '../../src/collect/repository.js';
import { coversTags, matchesBranch, type Ruleset } from '../../src/collect/forge/github-rules.js';
import rule from '../../src/rules/no-code-execution-in-local-config.js';
import { evaluate, withConfig } from '../helpers/facts.js';
import { cleanupTemp, makeRepo, tempDir } from '../helpers/repo.js';

afterAll(cleanupTemp);

// .git/config after `git lfs install --local`, `git lfs track '*.bin'`, `git lfs migrate import`,
// `git config lfs.url|locksverify|<url>.access` and `git lfs fetch` (git-lfs 3.3.0).
const LFS = `[lfs]
\trepositoryformatversion = 0
\turl = https://lfs.example.com/repo
\tlocksverify = true
[filter "lfs"]
\tclean = git-lfs clean -- %f
\tsmudge = git-lfs smudge -- %f
\tprocess = git-lfs filter-process
\trequired = true
[lfs "https://lfs.example.com/"]
\taccess = basic
[lfs "https://lfs.example.com/repo/info/lfs"]
\tlocksverify = false
`;

// .git/config after `git annex init`, `add`, `sync` and `initremote mydir type=directory` (10.20230126).
const ANNEX = `[remote "origin"]
\turl = ../bare.git
\tfetch = +refs/heads/*:refs/remotes/origin/*
\tannex-uuid = 3a8090f5-064d-428d-a2a4-e98184cc13d8
[annex]
\tuuid = c06e6da1-9068-4f41-a3fb-e69091e61080
\tversion = 10
[filter "annex"]
\tsmudge = git-annex smudge -- %f
\tclean = git-annex smudge --clean -- %f
\tprocess = git-annex filter-process
[remote "mydir"]
\tannex-directory = /srv/annex-store
\tannex-uuid = 172eaa8d-023f-4fcb-b7ae-81459123a170
\tskipFetchAll = true
`;

// lfs-folderstore as its README sets it up: a standalone custom transfer agent.
const FOLDERSTORE = `[lfs "customtransfer.lfs-folder"]
\tpath = lfs-folderstore
\targs = /mnt/shared/lfs-store
`;

async function judgeConfig(local: string, global = ''): Promise<string> {
  const r = makeRepo();
  r.commit('one');
  appendFileSync(join(r.dir, '.git', 'config'), local);
  appendFileSync(join(r.home, '.gitconfig'), global);
  return evaluate(rule, withConfig(...(await collectConfig(await discoverRepository(r.dir), r.env)))).outcome;
}

test('git-lfs and git-annex as their real commands left .git/config: passes', async () => {
  expect(await judgeConfig(LFS)).toBe('pass');
  expect(await judgeConfig(ANNEX)).toBe('pass');
});

test('a custom transfer agent in the global config, the repository choosing it as standalone: passes', async () => {
  expect(await judgeConfig('[lfs]\n\tstandalonetransferagent = lfs-folder\n', FOLDERSTORE)).toBe('pass');
});

test('twin: the same agent, or an annex hook special remote, in .git/config: fails', async () => {
  expect(await judgeConfig(`${LFS}${FOLDERSTORE}[lfs]\n\tstandalonetransferagent = lfs-folder\n`)).toBe('fail');
  expect(await judgeConfig(`${ANNEX}[annex]\n\tdemo-store-hook = sh -c 'cp $ANNEX_FILE /x'\n`)).toBe('fail');
});

test('refs after pack-refs, later updates, gc, a worktree, origin/HEAD and a stash: each listed once', async () => {
  const bare = makeRepo({ bare: true });
  const r = makeRepo();
  r.commit('one');
  r.run(['remote', 'add', 'origin', bare.dir]);
  r.run(['push', '-q', 'origin', 'main']);
  r.run(['remote', 'set-head', 'origin', 'main']);
  r.run(['tag', 'v1']);
  r.run(['pack-refs', '--all']);
  r.commit('two');
  r.run(['tag', '-f', 'v1']);
  r.run(['push', '-q', 'origin', 'main']);
  r.write({ 'f.txt': 'x\n' });
  r.run(['add', 'f.txt']);
  r.run(['stash', '-q']);
  const wt = join(tempDir('gg-cw28-'), 'wt');
  r.run(['worktree', 'add', '-q', wt, '-b', 'feature']);
  r.run(['-C', wt, 'commit', '-q', '--allow-empty', '-m', 'on feature']);
  r.run(['gc', '-q']);
  r.commit('three');
  r.run(['update-ref', 'refs/heads/feature', 'HEAD~1']);
  const want = r.run(['for-each-ref', '--format=%(refname)']).split('\n');
  const { refs } = await listRefs(join(r.dir, '.git'));
  expect(refs.map((x) => x.name)).toEqual(want);
  expect(new Set(want).size).toBe(want.length);
});

test('twin: packed-refs naming a ref twice with two ids still stops the run', async () => {
  const r = makeRepo();
  const one = r.commit('one');
  const two = r.commit('two');
  r.run(['pack-refs', '--all']);
  writeFileSync(
    join(r.dir, '.git', 'packed-refs'),
    `# pack-refs with: peeled fully-peeled sorted \n${one} refs/heads/main\n${two} refs/heads/main\n`,
  );
  await expect(listRefs(join(r.dir, '.git'))).rejects.toThrow(/lists refs\/heads\/main twice/);
});

test("a reflog git wrote (commit, reset, rebase -i, pull --rebase, push) is read entry for entry as git's", async () => {
  const bare = makeRepo({ bare: true });
  const r = makeRepo();
  r.commit('one');
  r.run(['remote', 'add', 'origin', bare.dir]);
  r.run(['push', '-q', '-u', 'origin', 'main']);
  // Another clone pushes, so pull --rebase has work to do.
  const other = join(tempDir('gg-cw28-'), 'other');
  r.run(['clone', '-q', bare.dir, other]);
  r.run(['-C', other, 'commit', '-q', '--allow-empty', '-m', 'theirs 1700000000 +0000']);
  r.run(['-C', other, 'push', '-q', 'origin', 'main']);
  r.commit('two', { 'a.txt': 'a\n' });
  r.commit('three', { 'b.txt': 'b\n' });
  r.run(['pull', '-q', '--rebase', 'origin', 'main']);
  r.run(['rebase', '-q', '-i', 'HEAD~2'], {
    env: { ...r.env, GIT_SEQUENCE_EDITOR: 'sed -i 1s/^pick/reword/', GIT_EDITOR: 'sed -i s/two/two-again/' },
  });
  r.run(['reset', '-q', '--hard', 'HEAD~1']);
  r.run(['commit', '-q', '--amend', '-m', 'amended\r\nwith CRLF 1600000000 +0000']);
  r.run(['push', '-q', '-f', 'origin', 'main']);
  for (const ref of ['HEAD', 'refs/heads/main', 'refs/remotes/origin/main']) {
    const git = r
      .run(['log', '-g', '--format=%H %gs', ref])
      .split('\n')
      .map((l) => l.replace(/\r$/, ''));
    const ours = readReflog(join(r.dir, '.git', 'logs', ...ref.split('/')), 'sha1')
      .reverse()
      .map((e) => `${e.new} ${e.message.replace(/\r$/, '')}`);
    expect(ours).toEqual(git);
  }
  const messages = readReflog(join(r.dir, '.git', 'logs', 'HEAD'), 'sha1').map((e) => e.message);
  expect(messages).toEqual(
    expect.arrayContaining([expect.stringMatching(/^rebase \(start\)/), expect.stringMatching(/^rebase \(finish\)/)]),
  );
});

const tagRuleset = (include: string[], exclude: string[] = []): Ruleset => ({
  id: 7,
  target: 'tag',
  enforcement: 'active',
  conditions: { ref_name: { include, exclude } },
  rules: [{ type: 'update' }, { type: 'deletion' }],
});

test.each([
  [['refs/tags/v*'], 'refs/tags/v*'],
  [['v*'], 'refs/tags/v*'],
  [['refs/tags/**/*'], 'refs/tags/**'],
  [['refs/tags/**/*'], 'refs/tags/*'],
  [['~ALL'], 'refs/tags/**'],
  [['refs/tags/release-*'], 'refs/tags/release-*'],
  [['refs/tags/v*', 'refs/tags/release-*'], 'refs/tags/release-*'],
])('GitHub tag ruleset %j covers the policy pattern %s', (include, pattern) => {
  expect(coversTags(tagRuleset(include), pattern).covered).toBe(true);
});

test("a ruleset of every tag but nightly ones covers the policy's release tags", () => {
  const rs = tagRuleset(['~ALL'], ['refs/tags/nightly-*', 'nightly']);
  expect(coversTags(rs, 'refs/tags/v*').covered).toBe(true);
  expect(coversTags(rs, 'refs/tags/release/**').covered).toBe(true);
});

test('twin: patterns Ruby reads narrower than they look still cover nothing nested', () => {
  expect(coversTags(tagRuleset(['refs/tags**/*']), 'refs/tags/**').covered).toBe(false);
  expect(coversTags(tagRuleset(['refs/tags/*']), 'refs/tags/**').covered).toBe(false);
  expect(coversTags(tagRuleset(['~ALL'], ['refs/tags/v[!]x]*']), 'refs/tags/v*').covered).toBe(false);
  expect(coversTags(tagRuleset(['~ALL'], ['nightly-*']), 'refs/tags/**').covered).toBe(false);
});

const branchRuleset = (include: string[], exclude: string[] = []): Ruleset => ({
  id: 8,
  target: 'branch',
  enforcement: 'evaluate',
  conditions: { ref_name: { include, exclude } },
  rules: [{ type: 'non_fast_forward' }],
});

test("a branch ruleset's conditions are read as GitHub reads them (shown when GitHub does not apply it)", () => {
  // GitHub's documented example: releases/**/* matches releases/v2023 (no folder) and releases/2023/v1.
  expect(matchesBranch(branchRuleset(['refs/heads/release/**/*']), 'refs/heads/release/1.0', 'main')).toBe(true);
  expect(matchesBranch(branchRuleset(['release/**/*']), 'refs/heads/release/2023/1.0', 'main')).toBe(true);
  expect(matchesBranch(branchRuleset(['refs/heads/release-*']), 'refs/heads/release-1.0', 'main')).toBe(true);
  expect(matchesBranch(branchRuleset(['~ALL'], ['~DEFAULT_BRANCH']), 'refs/heads/dev', 'main')).toBe(true);
  // Ruby reads `**` without a "/" after it as `*`: no nested branch.
  expect(matchesBranch(branchRuleset(['refs/heads/**']), 'refs/heads/release/1.0', 'main')).toBe(false);
  expect(matchesBranch(branchRuleset(['~ALL'], ['~DEFAULT_BRANCH']), 'refs/heads/main', 'main')).toBe(false);
  expect(matchesBranch(branchRuleset(['~ALL'], ['release/**/*']), 'refs/heads/release/1.0', 'main')).toBe(false);
});
