// Red-team round 11: the forge's test merge (GitHub's refs/pull/<n>/merge, GitLab's merged results
// merge) is not judged; its parents are. What says a commit is that merge is the environment, and a
// GitLab developer who runs a pipeline may set pipeline variables, which outrank GitLab's predefined
// ones (CI_PIPELINE_SOURCE, CI_MERGE_REQUEST_*): an unsigned merge of her own, whose tree is not the
// merge of its parents (a file neither side has), was excused. The forge's merge is the merge of its
// parents: one whose tree differs is judged as it is.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupTemp } from '../helpers/repo.js';
import { makeSshKey, type SshTestKey } from '../helpers/ssh.js';
import { sshSigningRepo } from '../helpers/signing-repo.js';
import { runMain, parseJson, resultOf } from '../helpers/cli.js';

let alice: SshTestKey;
beforeAll(() => {
  alice = makeSshKey(mkdtempSync(join(tmpdir(), 'gg-rt11m-')), 'ed25519', 'alice');
});
afterAll(cleanupTemp);

test('GitLab: an unsigned merge of target and source whose tree adds a file, named the test merge by pipeline variables: judged (before: excused, pass)', async () => {
  const r = sshSigningRepo(alice);
  r.commit('work', { 'src/a.txt': 'a\n' });
  r.run(['checkout', '-q', '-b', 'feature']);
  const source = r.commit('feature', { 'src/f.txt': 'f\n' });
  r.run(['checkout', '-q', 'main']);
  const target = r.commit('main moves on', { 'src/m.txt': 'm\n' });
  const clean = r.run(['merge-tree', '--write-tree', target, source]);
  // The evil tree: the merge's, plus a file neither parent has.
  r.run(['read-tree', clean]);
  r.write({ 'src/evil.txt': 'evil\n' });
  r.run(['add', 'src/evil.txt']);
  const evil = r.run(['write-tree']);
  const message = "Merge branch 'feature' into 'main'\n\nSee merge request group/app!7";
  const env = (head: string): NodeJS.ProcessEnv => ({
    ...r.env,
    GITLAB_CI: 'true',
    CI_PIPELINE_SOURCE: 'merge_request_event',
    CI_MERGE_REQUEST_IID: '7',
    CI_COMMIT_SHA: head,
    CI_MERGE_REQUEST_TARGET_BRANCH_SHA: target,
    CI_MERGE_REQUEST_SOURCE_BRANCH_SHA: source,
  });
  const audit = async (head: string, extra: string[]) => {
    r.run(['checkout', '-q', '--detach', head]);
    const res = await runMain(
      ['audit', '-C', r.dir, '--format', 'json', '--no-cache', '-r', 'commits-signed', ...extra],
      {
        env: env(head),
      },
    );
    return { code: res.code, signed: resultOf(parseJson(res), 'commits-signed') };
  };
  const bad = r.run(['commit-tree', evil, '-p', target, '-p', source, '-m', message]);
  for (const extra of [[], ['--all']]) {
    const a = await audit(bad, extra);
    expect(a.signed.findings.map((f) => f.commit)).toEqual([bad]);
    expect(a.code).toBe(1);
  }
  // twin: the merge GitLab makes (the tree of merging its parents) is still excused
  const good = r.run(['commit-tree', clean, '-p', target, '-p', source, '-m', message]);
  for (const extra of [[], ['--all']]) {
    const a = await audit(good, extra);
    expect(a.signed.outcome).toBe('pass');
    expect(a.code).toBe(0);
  }
});
