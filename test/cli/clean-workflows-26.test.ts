// Clean workflows 26: a mirror of a Gerrit project (`git clone --mirror`) holds Gerrit's NoteDb refs
// beside the branches: refs/changes/NN/<change>/meta (the review's metadata: commits by the server,
// unsigned, whose trees hold the comments as notes keyed by the patch set's commit id),
// refs/meta/config (the project's access rights, a history of its own) and, in All-Projects,
// refs/sequences/changes (a blob holding the next change number). `audit --all` walked the first two
// as unrelated histories and failed commits-signed on the server's commits. They are left out now,
// as notes and other forge refs are. Twins: a meta ref holding a file that is no note, or one
// reaching a commit on top of a branch, and a ref of another name, are still walked and still fail.
import { cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { commitAsPerson, sharedSshKey } from '../helpers/ssh.js';
import { aliceAndBob } from '../helpers/team.js';
import { parseJson, resultOf, runMain } from '../helpers/cli.js';

afterAll(() => cleanupTemp());

const GERRIT = {
  GIT_AUTHOR_NAME: 'Gerrit Code Review',
  GIT_AUTHOR_EMAIL: 'gerrit@example.com',
  GIT_COMMITTER_NAME: 'Gerrit Code Review',
  GIT_COMMITTER_EMAIL: 'gerrit@example.com',
};

/** An unsigned commit by the Gerrit server of `tree` on `parents`. */
function serverCommit(r: TestRepo, tree: string, message: string, parents: string[] = []): string {
  return r
    .run(['commit-tree', '--no-gpg-sign', tree, ...parents.flatMap((p) => ['-p', p]), '-m', message], {
      env: { ...r.env, ...GERRIT },
    })
    .trim();
}

/** A tree of `files` (path -> content), made by git mktree. */
function tree(r: TestRepo, files: Record<string, string>): string {
  const lines = Object.entries(files).map(([path, content]) => {
    const blob = r.run(['hash-object', '-w', '--stdin'], { input: content }).trim();
    return `100644 blob ${blob}\t${path}\n`;
  });
  return r.run(['mktree'], { input: lines.join('') }).trim();
}

/** Alice's signed project with change 1234 under review: its patch set and its NoteDb history. */
function gerritProject(): { r: TestRepo; patchSet: string; meta: string } {
  const { r } = aliceAndBob({});
  const alice = sharedSshKey('alice');
  commitAsPerson(r, alice, 'alice@example.com', 'work', { 'a.txt': '1\n' });
  const main = r.head();
  commitAsPerson(r, alice, 'alice@example.com', 'the change', { 'a.txt': '2\n' });
  const patchSet = r.head();
  r.run(['reset', '-q', '--hard', main]);
  r.run(['update-ref', 'refs/changes/34/1234/1', patchSet]);
  const created = serverCommit(r, tree(r, {}), 'Create change\n\nPatch-set: 1\nChange-id: I0123\nSubject: the change');
  const meta = serverCommit(
    r,
    tree(r, { [patchSet]: '{"comments":[{"message":"Looks good"}]}\n' }),
    'Update patch set 1\n\nPatch-set: 1\nLabel: Code-Review=+2',
    [created],
  );
  r.run(['update-ref', 'refs/changes/34/1234/meta', meta]);
  const config = serverCommit(
    r,
    tree(r, { 'project.config': '[access "refs/*"]\n\tread = group Anonymous Users\n' }),
    'Created project',
  );
  r.run(['update-ref', 'refs/meta/config', config]);
  r.run(['update-ref', 'refs/sequences/changes', r.run(['hash-object', '-w', '--stdin'], { input: '1235' }).trim()]);
  return { r, patchSet, meta };
}

async function signedAll(r: TestRepo): Promise<{ code: number; outcome: string; scope: string }> {
  const res = await runMain(['audit', '-C', r.dir, '--all', '--format', 'json', '--no-cache', '-r', 'commits-signed'], {
    env: r.env,
  });
  const report = parseJson(res);
  return { code: res.code, outcome: resultOf(report, 'commits-signed').outcome, scope: report.scope.description };
}

test("Gerrit's NoteDb refs are left out of --all: the signed branches pass", async () => {
  const { r } = gerritProject();
  const got = await signedAll(r);
  expect(got).toMatchObject({ code: 0, outcome: 'pass' });
  expect(got.scope).toMatch(/notes ref.*forge refs? \(.*refs\/meta\/config: 1/);
});

test('twin: a meta ref whose tree holds a file that is no note is walked: fails', async () => {
  const { r, meta } = gerritProject();
  const code = serverCommit(r, tree(r, { 'evil.c': 'int main(){}\n' }), 'not a note', [meta]);
  r.run(['update-ref', 'refs/changes/34/1234/meta', code]);
  expect(await signedAll(r)).toMatchObject({ code: 1, outcome: 'fail' });
});

test('twin: a meta ref reaching an unsigned commit on top of the branch is walked: fails', async () => {
  const { r, patchSet } = gerritProject();
  const onTop = serverCommit(r, r.run(['rev-parse', `${patchSet}^{tree}`]).trim(), 'unsigned work', [patchSet]);
  r.run(['update-ref', 'refs/changes/34/1234/meta', onTop]);
  expect(await signedAll(r)).toMatchObject({ code: 1, outcome: 'fail' });
});

test('twin: the same metadata under a name of another shape (refs/meta/configs, a wrong shard) is walked: fails', async () => {
  for (const [name, from] of [
    ['refs/meta/configs', 'refs/meta/config'],
    ['refs/changes/35/1234/meta', 'refs/changes/34/1234/meta'],
  ] as const) {
    const { r } = gerritProject();
    r.run(['update-ref', name, from]);
    r.run(['update-ref', '-d', from]);
    expect(await signedAll(r)).toMatchObject({ code: 1, outcome: 'fail' });
  }
});
