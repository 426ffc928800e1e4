// What commit objects hold beyond `git log -p` (red teams 49 and 50: a header git never formats, an
// author line past its e-mail, a message past its first NUL byte) is read by the secrets scan from the
// walk's own reading of the same commits when the audit walks them (src/collect/commit-feed.ts): one
// `git cat-file --batch` over the history rather than two, and the same findings as the scan reading
// them alone, at the lines `git cat-file -p` prints the tokens on.
import { readFileSync, rmSync } from 'node:fs';
import { scanSecrets } from '../../src/collect/secrets/scan.js';
import { announceCommitFeed } from '../../src/collect/commit-feed.js';
import { walkCommitBatches } from '../../src/collect/commits.js';
import { createShadow } from '../../src/collect/git.js';
import { discoverRepository } from '../../src/collect/repository.js';
import { inRun } from '../../src/collect/run-context.js';
import { COMMIT_OBJECT, type SecretsFacts } from '../../src/domain/content.js';
import { makeRepo, cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { catCommit, writeCommitObject } from '../helpers/ssh.js';
import { loggingGit, parseJson, resultOf, runMain } from '../helpers/cli.js';
import { TokenFactory } from '../helpers/secrets.js';

afterAll(cleanupTemp);

const f = new TokenFactory(1414);
const SECRETS = 'secrets-not-in-history';
/** The commit reader's cat-file: the walk's and the scan's own ask for the same format. */
const COMMIT_READER = /cat-file --batch=%\(objectname\) %\(objecttype\) %\(objectsize\) %\(rest\)/;

/** HEAD rewritten by `edit` (its raw text, latin1): HEAD moves to the new object. */
function rewrite(r: TestRepo, edit: (raw: string) => string | Buffer): string {
  const out = edit(catCommit(r, r.head()).toString('latin1'));
  const id = writeCommitObject(r, typeof out === 'string' ? Buffer.from(out, 'latin1') : out).trim();
  r.run(['update-ref', 'HEAD', id]);
  return id;
}

/** The 1-based line of `git cat-file -p <id>` holding `needle`. */
const catLine = (r: TestRepo, id: string, needle: string): number =>
  r
    .run(['cat-file', '-p', id])
    .split('\n')
    .findIndex((l) => l.includes(needle)) + 1;

/** A history whose commit objects hold `tokens` (or, as the twin, harmless words in the same places). */
function history(tokens: [string, string, string] | undefined): {
  r: TestRepo;
  expected: Array<{ commit: string; line: number }>;
} {
  const [inHeader, inAuthor, inMessage] = tokens ?? ['plain-header-text', 'plain-author-text', 'plain-message-text'];
  const r = makeRepo();
  r.commit('init', { 'a.txt': 'a\n' });
  const header = rewrite(r, (raw) => raw.replace(/^(committer [^\n]*\n)/m, `$1x-data ${inHeader}\n`));
  r.commit('work', { 'b.txt': 'b\n' });
  const author = rewrite(r, (raw) => raw.replace(/^(author [^>]*>)/m, `$1 ${inAuthor}`));
  r.commit('more', { 'c.txt': 'c\n' });
  const message = rewrite(r, (raw) => {
    const head = raw.slice(0, raw.indexOf('\n\n') + 1);
    return Buffer.concat([
      Buffer.from(`${head}encoding UTF-16LE\n\n`, 'latin1'),
      Buffer.from(`deploy\ntoken ${inMessage}\n`, 'utf16le'),
    ]);
  });
  r.commit('last', { 'd.txt': 'd\n' });
  // cat-file -p prints them, git log's formats do not
  expect(r.run(['cat-file', '-p', header])).toContain(inHeader);
  expect(r.run(['cat-file', '-p', author])).toContain(inAuthor);
  expect(r.run(['log', '--format=%B%an%ae%cn%ce'])).not.toMatch(new RegExp(`${inHeader}|${inAuthor}`));
  const headLines = (id: string): number => catCommit(r, id).toString('latin1').split('\n\n')[0]!.split('\n').length;
  return {
    r,
    expected: [
      { commit: header, line: catLine(r, header, inHeader) },
      { commit: author, line: catLine(r, author, inAuthor) },
      // the header's lines, the blank line, "deploy", then the token's line (cat-file -p decodes nothing)
      { commit: message, line: headLines(message) + 3 },
    ],
  };
}

interface Finding {
  evidence: { commit?: string; path: string; line: number };
}

async function audit(r: TestRepo, rules: string[]): Promise<{ outcome: string; findings: Finding[]; readers: number }> {
  const { git, log } = loggingGit(r.home);
  rmSync(log, { force: true });
  const res = await runMain(
    ['audit', '-C', r.dir, '--format', 'json', '--no-cache', '--no-ledger', '--git', git, '-r', rules.join(',')],
    { env: r.env },
  );
  const result = resultOf(parseJson(res), SECRETS) as unknown as { outcome: string; findings: Finding[] };
  const readers = readFileSync(log, 'utf8')
    .split('\n')
    .filter((l) => COMMIT_READER.test(l)).length;
  return { outcome: result.outcome, findings: result.findings, readers };
}

test('the scan takes the commit objects from a walk of the same list: one cat-file, the findings of the scan alone', async () => {
  const { r, expected } = history([f.checksummed(`gh${'p'}_`), f.checksummed(`gh${'r'}_`), f.checksummed(`gh${'s'}_`)]);
  const repo = await discoverRepository(r.dir);
  const revisions = [r.head()];
  const { git, log } = loggingGit(r.home);
  const readers = (): number =>
    readFileSync(log, 'utf8')
      .split('\n')
      .filter((l) => COMMIT_READER.test(l)).length;
  const leaks = (facts: SecretsFacts): unknown => facts.leaks.map((l) => [l.commit, l.path, l.line, l.kind]);
  // The scan alone: its own cat-file, the tokens where cat-file -p prints them.
  rmSync(log, { force: true });
  const alone = await inRun({ gitBinary: git }, () => scanSecrets(repo, revisions));
  expect(readers()).toBe(1);
  expect(leaks(alone)).toEqual(expected.map((e) => [e.commit, COMMIT_OBJECT, e.line, expect.any(String)]));
  // Announced as the audit does, a walk of the same list waits for the scan to say which list it
  // reads, hands it every commit, and the scan reads none itself.
  rmSync(log, { force: true });
  const fed = await inRun({ gitBinary: git }, async () => {
    const commitFeed = announceCommitFeed();
    const shadow = createShadow(repo.commonDir, repo.objectFormat);
    try {
      const walked = (async () => {
        let n = 0;
        for await (const batch of walkCommitBatches(shadow, { revisions, parentsFirst: true })) n += batch.length;
        return n;
      })();
      const facts = await scanSecrets(repo, revisions, { commitFeed });
      expect(await walked).toBe(Number(r.run(['rev-list', '--count', 'HEAD']).trim()));
      return facts;
    } finally {
      commitFeed.close();
      shadow.dispose();
    }
  });
  expect(readers()).toBe(1);
  expect(fed).toEqual(alone);
}, 60_000);

test('through the audit, with the walk or without, the same findings', async () => {
  const { r } = history([f.checksummed(`gh${'o'}_`), f.checksummed(`gh${'r'}_`), f.checksummed(`gh${'s'}_`)]);
  const alone = await audit(r, [SECRETS]);
  const walked = await audit(r, [SECRETS, 'commits-signed']);
  // The walk's cat-file alone: the scan waits for the walk the audit announced, however early its logs end.
  expect(alone.readers).toBe(1);
  expect(walked.readers).toBe(1);
  expect(walked.findings).toEqual(alone.findings);
  expect(walked.outcome).toBe('fail');
  expect(walked.findings).toHaveLength(3);
}, 60_000);

test('twin: the same commit shapes holding nothing secret pass', async () => {
  const { r } = history(undefined);
  const walked = await audit(r, [SECRETS, 'commits-signed']);
  expect(walked).toMatchObject({ outcome: 'pass', findings: [] });
}, 60_000);
