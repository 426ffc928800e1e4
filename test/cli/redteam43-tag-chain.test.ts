// Red team 43: the secrets scan read the tags in scope one level of tags-naming-tags at a time, one
// `git cat-file --batch` per level (redteam42's tag-objects.ts). A chain of tags, each naming the
// one below (`git fast-import` writes 2,000 of them in half a second), made it start 2,000 gits: 35 s
// measured, and a million deep, hours. The chains are now listed by one `git rev-list --objects`,
// which peels them as git does, and read by one cat-file: the gits started do not grow with the
// depth. The token at the chain's bottom, and in the blob the bottom tag names, is still reported.
import { readFileSync, rmSync } from 'node:fs';
import { makeRepo, cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { loggingGit, parseJson, resultOf, runMain, type JsonFinding } from '../helpers/cli.js';
import { TokenFactory } from '../helpers/secrets.js';

afterAll(cleanupTemp);

const f = new TokenFactory(4343);
const deepToken = f.checksummed(`gh${'p'}_`);
const blobToken = f.checksummed(`np${'m'}_`);
const DEPTH = 400;

/** `depth` annotated tags, each naming the one below, the bottom one naming `from`; only the top keeps a ref. */
function chain(r: TestRepo, name: string, from: string, depth: number, bottomMessage: string): void {
  const msg = (i: number): string => (i === 0 ? bottomMessage : `level ${i}\n`);
  let stream = '';
  for (let i = 0; i < depth; i += 1) {
    const m = msg(i);
    stream +=
      `tag ${name}-${i}\nmark :${i + 1}\nfrom ${i === 0 ? from : `:${i}`}\n` +
      `tagger T <t@example.com> 1700000000 +0000\ndata ${Buffer.byteLength(m)}\n${m}\n`;
  }
  r.run(['fast-import', '--quiet'], { input: stream });
  const deletes = Array.from({ length: depth - 1 }, (_, i) => `delete refs/tags/${name}-${i}\n`).join('');
  r.run(['update-ref', '--stdin'], { input: deletes });
}

async function audit(r: TestRepo, git: string): Promise<{ outcome: string; findings: JsonFinding[] }> {
  const res = await runMain(
    ['audit', '-C', r.dir, '-r', 'secrets-not-in-history', '--all', '--format', 'json', '--no-ledger', '--git', git],
    { env: r.env },
  );
  const result = resultOf(parseJson(res), 'secrets-not-in-history');
  return { outcome: result.outcome, findings: result.findings ?? [] };
}

test(`a chain of ${DEPTH} tags: the token at its bottom and in the blob it names are reported, by a fixed number of gits`, async () => {
  const r = makeRepo();
  r.commit('one', { 'README.md': '# demo\n' });
  const blob = r.run(['hash-object', '-w', '--stdin'], { input: `NPM_TOKEN=${blobToken}\n` });
  chain(r, 'deep', 'refs/heads/main', DEPTH, `bottom\n\nGH_TOKEN=${deepToken}\n`);
  chain(r, 'file', blob, DEPTH, 'a file\n');
  // git's own answer: the top tag peels, through the chain, to the bottom tag's message and the blob.
  const top = r.run(['rev-parse', `refs/tags/deep-${DEPTH - 1}`]);
  const objects = r.run(['rev-list', '--objects', '--no-walk', '--filter=tree:0', top]).split('\n');
  expect(objects).toHaveLength(DEPTH + 1); // the commit and every tag
  const bottom = objects.find((l) => l.endsWith(' deep-0'))!.split(' ')[0]!;
  expect(r.run(['cat-file', '-p', bottom])).toContain(deepToken);
  expect(r.run(['cat-file', '-p', `refs/tags/file-${DEPTH - 1}^{blob}`])).toContain(blobToken);

  const { git, log } = loggingGit(r.home);
  const res = await audit(r, git);
  expect(res.outcome).toBe('fail');
  const texts = res.findings.map((x) => JSON.stringify(x));
  expect(texts.some((t) => t.includes(bottom.slice(0, 12)))).toBe(true);
  expect(texts.some((t) => t.includes('npm'))).toBe(true);
  const batches = readFileSync(log, 'utf8')
    .split('\n')
    .filter((l) => l.includes('cat-file --batch') && !l.includes('--batch-check'));
  expect(batches.length).toBeLessThan(10);
  rmSync(log, { force: true });
});

test('the clean twin: a chain of tags whose messages hold no credential passes', async () => {
  const r = makeRepo();
  r.commit('one', { 'README.md': '# demo\n' });
  chain(r, 'deep', 'refs/heads/main', DEPTH, 'bottom\n\nRotate GITHUB_TOKEN=your_token_here\n');
  const { git } = loggingGit(r.home);
  expect((await audit(r, git)).outcome).toBe('pass');
});
