// Red team 42: a credential in an annotated tag. `git show v1.0` prints the tag's message, `git push
// --tags` publishes it and every clone fetches it, but the scan read commits only (`git log -p`
// never shows a tag object), and `audit --all` passed. A tag naming another tag, or a blob that no
// commit holds, hid a token one step further.
import { TAG_OBJECT, TAGGED_BLOB } from '../../src/domain/content.js';
import { makeRepo, cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { parseJson, resultOf, runMain, type JsonFinding } from '../helpers/cli.js';
import { TokenFactory } from '../helpers/secrets.js';

afterAll(cleanupTemp);

const f = new TokenFactory(4243);
const inMessage = f.checksummed(`gh${'p'}_`);
const inner = f.checksummed(`gh${'o'}_`);
const inBlob = f.checksummed(`np${'m'}_`);

let r: TestRepo;
const tagId = (name: string): string => r.run(['rev-parse', `refs/tags/${name}`]);
/** git's own answer: the line of `git cat-file -p <object>` that holds `text`. */
const lineOf = (object: string, text: string): number =>
  r
    .run(['cat-file', '-p', object])
    .split('\n')
    .findIndex((l) => l.includes(text)) + 1;

async function audit(...args: string[]): Promise<{ outcome: string; findings: JsonFinding[]; out: string }> {
  const res = await runMain(
    ['audit', '-C', r.dir, '-r', 'secrets-not-in-history', '--format', 'json', '--no-ledger', ...args],
    {
      env: r.env,
    },
  );
  const result = resultOf(parseJson(res), 'secrets-not-in-history');
  return { outcome: result.outcome, findings: result.findings ?? [], out: res.stdout };
}

beforeAll(() => {
  r = makeRepo();
  r.commit('one', { 'README.md': '# demo\n' });
  // The clean twin: lightweight and annotated tags whose messages talk about tokens without one.
  r.run(['tag', 'light']);
  r.run(['tag', '-a', 'v0.9', '-m', 'v0.9\n\nRotate GITHUB_TOKEN=your_token_here before the release.']);
});

test('the clean twin: tags whose messages hold no credential pass with --all', async () => {
  const res = await audit('--all');
  expect(res.outcome).toBe('pass');
});

test("a token in an annotated tag's message, in a tag a tag names, in a blob a tag names: --all reports each", async () => {
  r.run(['tag', '-a', 'v1.0', '-m', `release 1.0\n\ndeploy with GH_TOKEN=${inMessage}`]);
  r.run(['tag', '-a', 'inner', '-m', `inner ${inner}`]);
  r.run(['tag', '-a', 'outer', '-m', 'outer', 'inner']);
  r.run(['tag', '-d', 'inner']); // only the outer tag's ref is left: `git push --tags` still carries both
  const blob = r.run(['hash-object', '-w', '--stdin'], { input: `NPM_TOKEN=${inBlob}\n` });
  r.run(['tag', '-a', 'blob-tag', '-m', 'a file', blob]);
  const outer = tagId('outer');
  const innerId = r.run(['cat-file', '-p', outer]).split('\n')[0]!.slice('object '.length);
  // What git shows
  expect(r.run(['show', '-s', 'v1.0'])).toContain(inMessage);
  expect(r.run(['log', '-p', '--all'])).not.toContain(inMessage);
  expect(r.run(['cat-file', '-p', innerId])).toContain(inner);
  expect(r.run(['cat-file', '-p', blob])).toContain(inBlob);

  const res = await audit('--all');
  expect(res.outcome).toBe('fail');
  const found = res.findings.map((x) => [x.commit, x.file, x.evidence?.line, x.evidence?.kind]).sort();
  expect(found).toEqual(
    [
      [tagId('v1.0'), TAG_OBJECT, lineOf('v1.0', inMessage), 'github-pat'],
      [innerId, TAG_OBJECT, lineOf(innerId, inner), 'github-oauth'],
      [tagId('blob-tag'), TAGGED_BLOB, 1, 'npm-access-token'],
    ].sort(),
  );
  expect(lineOf('v1.0', inMessage)).toBe(8);
  for (const t of [inMessage, inner, inBlob]) expect(res.out).not.toContain(t.slice(4));
  // HEAD's history holds no tag: the default scope reads none (as it reads no other branch).
  expect((await audit()).outcome).toBe('pass');
});
