// Scale 14 (round k): the changed-path filter check streams diff-tree's paths and hashes each key
// where it lies, and a folder a commit's path shares with the path listed before it (diff-tree sorts
// them) is hashed once. A filter that holds every key of a commit but one folder must still fail,
// whichever path names that folder first, with git's own `git log -- <folder>` skipping the commit;
// the filters git wrote pass.
import { join } from 'node:path';
import { cleanupTemp, copyRepo, makeRepo, type TestRepo } from '../helpers/repo.js';
import { madeOnce } from '../helpers/made-once.js';
import { auditRules, resultOf } from '../helpers/cli.js';
import { forgeGraph } from '../helpers/commit-graph.js';

afterAll(cleanupTemp);

const RULE = 'commit-graph-matches-objects';

/** A root commit, then one changing three files under two folders of src/ and one at the top. */
const base = madeOnce(() => {
  const r = makeRepo();
  r.commit('root', { 'README.md': 'hello\n' });
  const work = r.commit('work', {
    'src/a/x.txt': 'x\n',
    'src/a/y.txt': 'y\n',
    'src/b/z.txt': 'z\n',
    'top.txt': 't\n',
  });
  r.run(['commit-graph', 'write', '--reachable', '--changed-paths']);
  return { r, work };
});

/** The keys git adds for the work commit: its paths and each leading folder. */
const KEYS = ['src/a/x.txt', 'src/a/y.txt', 'src/b/z.txt', 'top.txt', 'src/a', 'src/b', 'src'];

/** Rewrites `commit`'s filter in the graph to hold `keys` (forgeGraph: same size, checksum recomputed). */
function rewriteFilter(r: TestRepo, commit: string, keys: string[]): void {
  forgeGraph(join(r.dir, '.git', 'objects', 'info', 'commit-graph'), commit, { filter: keys });
}

async function messages(r: TestRepo): Promise<{ outcome: string; messages: string[] }> {
  const { code, report } = await auditRules(r.dir, r.env, [RULE]);
  expect(code).not.toBe(2);
  const res = resultOf(report, RULE);
  const all = res.findings.flatMap((f) =>
    String((f.evidence as { verify?: string } | undefined)?.verify ?? f.message).split('\n'),
  );
  return { outcome: res.outcome, messages: all.filter((m) => m.includes('changed-path filter')) };
}

test('the filters git wrote, and a filter rewritten with every key, pass', async () => {
  const b = base();
  expect(await messages(copyRepo(b.r))).toEqual({ outcome: 'pass', messages: [] });
  const r = copyRepo(b.r);
  rewriteFilter(r, b.work, KEYS);
  expect(r.run(['log', '--format=%H', '--', 'src/a'])).toContain(b.work);
  expect(await messages(r)).toEqual({ outcome: 'pass', messages: [] });
});

test.each(['src', 'src/a', 'src/b', 'src/a/y.txt'])(
  'a filter holding every key of the commit but %s fails, naming it, as git log -- it skips the commit',
  async (dropped) => {
    const b = base();
    const r = copyRepo(b.r);
    rewriteFilter(
      r,
      b.work,
      KEYS.filter((k) => k !== dropped),
    );
    // git's answer: the commit that changed the folder is gone from its log.
    expect(r.run(['log', '--format=%H', '--', dropped])).not.toContain(b.work);
    expect(r.run(['log', '--format=%H', '--', 'top.txt'])).toContain(b.work);
    expect(await messages(r)).toEqual({
      outcome: 'fail',
      messages: [
        expect.stringContaining(
          `the changed-path filter of commit ${b.work} says ${JSON.stringify(dropped)} did not change there`,
        ),
      ],
    });
  },
);
