// Red team 53: a tag (or any ref) naming a tree or a blob no commit holds. `git push --tags` (and a
// clone) carries the tree, its files and their names, and `git show v1-files:deploy.env` prints the
// file, but the scan listed tag chains without trees (tree:0) and read refs naming tags only: a token
// in such a file, in a file's name under it, or in a blob a lightweight tag names passed `audit --all`.
import { FILE_NAME, TAGGED_BLOB } from '../../src/domain/content.js';
import { makeRepo, cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { parseJson, resultOf, runMain, type JsonFinding } from '../helpers/cli.js';
import { TokenFactory } from '../helpers/secrets.js';

afterAll(cleanupTemp);

const f = new TokenFactory(5354);

async function audit(r: TestRepo): Promise<{ outcome: string; findings: JsonFinding[] }> {
  const res = await runMain(
    ['audit', '-C', r.dir, '-r', 'secrets-not-in-history', '--format', 'json', '--no-ledger', '--all'],
    { env: r.env },
  );
  const result = resultOf(parseJson(res), 'secrets-not-in-history');
  return { outcome: result.outcome, findings: result.findings ?? [] };
}

/** A tree of `files` ("<path>": text, folders by "/"), written with git's own plumbing. */
function tree(r: TestRepo, files: Record<string, string>): string {
  const sub: Record<string, Record<string, string>> = {};
  const entries: string[] = [];
  for (const [path, text] of Object.entries(files)) {
    const slash = path.indexOf('/');
    if (slash >= 0) (sub[path.slice(0, slash)] ??= {})[path.slice(slash + 1)] = text;
    else entries.push(`100644 blob ${r.run(['hash-object', '-w', '--stdin'], { input: text })}\t${path}`);
  }
  for (const [name, inner] of Object.entries(sub)) entries.push(`040000 tree ${tree(r, inner)}\t${name}`);
  return r.run(['mktree'], { input: `${entries.join('\n')}\n` });
}

/** Refs of each kind naming a tree or a blob: an annotated tag of a tree, a lightweight tag of a tree, of a blob. */
function tagged(tokens: { file: string; name: string; blob: string }): TestRepo {
  const r = makeRepo();
  r.commit('one', { 'README.md': '# demo\n' });
  r.run(['tag', '-a', 'v1-files', '-m', 'the release files', tree(r, { 'deploy.env': `GH_TOKEN=${tokens.file}\n` })]);
  r.run(['tag', 'v1-docs', tree(r, { [`docs/key-${tokens.name}.txt`]: 'see the wiki\n' })]);
  r.run(['tag', 'v1-blob', r.run(['hash-object', '-w', '--stdin'], { input: `NPM_TOKEN=${tokens.blob}\n` })]);
  return r;
}

test('a token in a tree or blob a tag names, or in a name under such a tree, is reported with --all', async () => {
  const tokens = {
    file: f.checksummed(`gh${'p'}_`),
    name: f.checksummed(`gh${'o'}_`),
    blob: f.checksummed(`np${'m'}_`),
  };
  const r = tagged(tokens);
  // git's answer: what the tags publish
  expect(r.run(['show', 'v1-files:deploy.env'])).toContain(tokens.file);
  expect(r.run(['ls-tree', '-r', '--name-only', 'v1-docs'])).toContain(tokens.name);
  expect(r.run(['cat-file', '-p', 'v1-blob'])).toContain(tokens.blob);
  const res = await audit(r);
  expect(res.outcome).toBe('fail');
  const at = (ref: string): string => r.run(['rev-parse', ref]);
  expect(res.findings.map((x) => [x.commit, x.file, x.evidence?.kind]).sort()).toEqual(
    [
      [at('v1-files'), TAGGED_BLOB, 'github-pat'],
      [at('v1-docs'), FILE_NAME, 'github-oauth'],
      [at('v1-blob'), TAGGED_BLOB, 'npm-access-token'],
    ].sort(),
  );
});

test('the clean twin: the same tags of trees and blobs without a credential pass', async () => {
  const res = await audit(tagged({ file: 'your_token_here', name: 'rotation', blob: '${NPM_TOKEN}' }));
  expect(res.outcome).toBe('pass');
});
