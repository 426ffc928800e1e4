// What commit objects hold beyond `git log -p` (red teams 49 and 50: a header git never formats, an
// author line past its e-mail, a message past its first NUL byte) is read by the secrets scan from the
// walk's own reading of the same commits when the audit walks them (src/collect/commit-feed.ts): one
// `git cat-file --batch` over the history rather than two, and the same findings as the scan reading
// them alone, at the lines `git cat-file -p` prints the tokens on.
import { readFileSync, rmSync } from 'node:fs';
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

test('with the walk, the commit objects are read once, and found as the scan alone finds them, where cat-file -p prints them', async () => {
  const { r, expected } = history([f.checksummed(`gh${'p'}_`), f.checksummed(`gh${'r'}_`), f.checksummed(`gh${'s'}_`)]);
  // The scan alone (no per-commit rule: nothing walks): its own cat-file.
  const alone = await audit(r, [SECRETS]);
  expect(alone.readers).toBe(1);
  // Beside the walk of the same history: the walk's cat-file only, the same findings.
  const walked = await audit(r, [SECRETS, 'commits-signed']);
  expect(walked.readers).toBe(1);
  expect(walked.findings).toEqual(alone.findings);
  expect(walked.outcome).toBe('fail');
  const at = walked.findings.map((x) => ({ path: x.evidence.path, line: x.evidence.line }));
  expect(at).toEqual(
    expected.map((e) => ({ path: expect.stringContaining('commit object') as unknown, line: e.line })),
  );
  expect(JSON.stringify(walked.findings)).toContain(expected[0]!.commit);
}, 60_000);

test('twin: the same commit shapes holding nothing secret pass, read once', async () => {
  const { r } = history(undefined);
  const walked = await audit(r, [SECRETS, 'commits-signed']);
  expect(walked).toMatchObject({ outcome: 'pass', findings: [], readers: 1 });
}, 60_000);
