// Red team: GitHub's test merge (refs/pull/<n>/merge) is excused only when its tree is what merging
// its parents gives, with the .gitattributes both sides hold unchanged. A pull request that ADDS a
// nested .gitattributes (merge=union), or changes a shared one (merge=ours) on its side only, must not
// make a hand-made "test merge" whose tree git's plain merge would not give pass as GitHub's.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { sshSigningRepo } from '../helpers/signing-repo.js';
import { makeSshKey, type SshTestKey } from '../helpers/ssh.js';
import { parseJson, resultOf, runMain } from '../helpers/cli.js';

let alice: SshTestKey;
beforeAll(() => {
  alice = makeSshKey(mkdtempSync(join(tmpdir(), 'gg-rt13-tm-')), 'ed25519', 'alice');
});
afterAll(() => cleanupTemp());

/** A "test merge" of `pr` into main whose tree is `files` over main's, committed by hand; audited as GitHub's. */
async function forged(
  setup: (r: TestRepo) => void,
  main: (r: TestRepo) => void,
  pr: (r: TestRepo) => void,
  files: Record<string, string>,
) {
  const r = sshSigningRepo(alice);
  setup(r);
  r.run(['checkout', '-q', '-b', 'pr']);
  pr(r);
  const head = r.head();
  r.run(['checkout', '-q', 'main']);
  main(r);
  const base = r.head();
  r.run(['checkout', '-q', '--detach', base]);
  r.run(['checkout', '-q', head, '--', '.']);
  r.write(files);
  r.run(['add', '-A']);
  const tree = r.run(['write-tree']);
  const sha = r.run(['commit-tree', tree, '-p', base, '-p', head, '-m', `Merge ${head} into ${base}`]);
  r.run(['checkout', '-q', '-f', '--detach', sha]);
  const res = await runMain(['audit', '-C', r.dir, '--format', 'json', '--no-cache', '-r', 'commits-signed'], {
    env: {
      ...r.env,
      GITHUB_ACTIONS: 'true',
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_REF: 'refs/pull/3/merge',
      GITHUB_SHA: sha,
    },
  });
  return { code: res.code, findings: resultOf(parseJson(res), 'commits-signed').findings.map((f) => f.message) };
}

const setupChanges = (r: TestRepo) => r.commit('a', { 'docs/CHANGES': '# log\n', 'src/a.txt': 'a\n' });
const mainChanges = (r: TestRepo) => r.commit('main log', { 'docs/CHANGES': '# log\n- main\n' });

test('a pull request adding docs/.gitattributes merge=union: the union "test merge" is judged (unsigned)', async () => {
  const a = await forged(
    setupChanges,
    mainChanges,
    (r) => r.commit('pr log', { 'docs/.gitattributes': 'CHANGES merge=union\n', 'docs/CHANGES': '# log\n- pr\n' }),
    { 'docs/CHANGES': '# log\n- main\n- pr\n' },
  );
  expect(a.code).toBe(1);
  expect(a.findings.join('\n')).toMatch(/no signature: "Merge /);
});

test('a shared .gitattributes changed to merge=ours on the pull request only: its "ours" merge is judged', async () => {
  const a = await forged(
    (r) => r.commit('a', { '.gitattributes': '*.md text\n', 'README.md': 'one\ntwo\nthree\n' }),
    (r) => r.commit('main', { 'README.md': 'one\ntwo\nthree main\n' }),
    (r) => r.commit('pr', { '.gitattributes': '*.md merge=ours\n', 'README.md': 'one PR\ntwo\nthree\n' }),
    { 'README.md': 'one PR\ntwo\nthree\n' },
  );
  expect(a.code).toBe(1);
  expect(a.findings.join('\n')).toMatch(/no signature: "Merge /);
});

test('twin: the honest merge of the same pull request (git merge-tree, no attributes) is excused', async () => {
  const a = await forged(
    setupChanges,
    (r) => r.commit('main', { 'src/a.txt': 'a main\n' }),
    (r) => r.commit('pr log', { 'docs/.gitattributes': 'CHANGES merge=union\n', 'docs/CHANGES': '# log\n- pr\n' }),
    { 'src/a.txt': 'a main\n' },
  );
  expect(a).toEqual({ code: 0, findings: [] });
});
