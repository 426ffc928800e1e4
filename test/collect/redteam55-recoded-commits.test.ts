// git log re-encodes a commit from its `encoding` header (to UTF-8), message, names and e-mails alike,
// while `git cat-file -p`, a push and a clone carry its bytes as they are. A token written as ASCII in a
// commit that says `encoding UTF-16BE` prints as other letters in the log, so the scan, which takes the
// message and identities from the log, passed it. The commit-object pass now reads such a commit as
// it is. Commits written with `git hash-object -t commit`; git's own answers (log, cat-file, fsck) on
// them. The twin: a Latin-1 commit that git writes (i18n.commitEncoding) with no token passes.
import { cleanupTemp, makeRepo, type TestRepo } from '../helpers/repo.js';
import { parseJson, resultOf, runMain, type JsonFinding } from '../helpers/cli.js';
import { TokenFactory } from '../helpers/secrets.js';

afterAll(cleanupTemp);

const audit = async (r: TestRepo) => {
  const res = await runMain(['audit', '-C', r.dir, '-r', 'secrets-not-in-history', '--format', 'json', '--no-ledger'], {
    env: r.env,
  });
  const result = resultOf(parseJson(res), 'secrets-not-in-history');
  return { code: res.code, result, findings: result.findings as Array<JsonFinding & { suppressed?: boolean }> };
};

/** A commit object on HEAD, written as given (`encoding` header and all). */
function rawCommit(r: TestRepo, author: string, message: string): string {
  const text = [
    `tree ${r.run(['rev-parse', 'HEAD^{tree}'])}`,
    `parent ${r.head()}`,
    `author ${author} 1700000000 +0000`,
    `committer ${author} 1700000000 +0000`,
    'encoding UTF-16BE',
    '',
    message,
  ].join('\n');
  // an even number of bytes: git's iconv from UTF-16BE succeeds (else the log prints the bytes as they are)
  const even = text.length % 2 ? text.replace(/\n$/, ' \n') : text;
  const id = r.run(['hash-object', '-t', 'commit', '-w', '--stdin'], { input: even });
  r.run(['update-ref', 'refs/heads/main', id]);
  return id;
}

test('a token in a commit git log re-encodes from UTF-16BE fails, in its message and in its author name', async () => {
  const token = new TokenFactory(55).checksummed('ghp_');
  const r = makeRepo();
  r.run(['symbolic-ref', 'HEAD', 'refs/heads/main']);
  r.commit('base', { 'a.txt': 'a\n' });
  const inMessage = rawCommit(r, 'a <a@example.com>', `deploy  ${token} ok\n`);
  const inName = rawCommit(r, `x${token} <a@example.com>`, 'ok\n');
  for (const [id, format] of [
    [inMessage, '%B'],
    [inName, '%an'],
  ] as const) {
    expect(r.run(['log', '-1', `--format=${format}`, id])).not.toContain('ghp_');
    expect(r.run(['cat-file', '-p', id])).toContain(token);
  }
  r.run(['fsck', '--strict']); // git finds nothing wrong with either
  const { code, result, findings } = await audit(r);
  expect([result.outcome, code]).toEqual(['fail', 1]);
  // the name is the author's and the committer's: two lines of the object
  expect(findings.map((x) => [x.commit, x.file]).sort()).toEqual(
    [
      [inMessage, '(commit object)'],
      [inName, '(commit object)'],
      [inName, '(commit object)'],
    ].sort(),
  );
});

test('the twin: a Latin-1 commit git writes, with no token, passes', async () => {
  const r = makeRepo();
  r.config({ 'i18n.commitEncoding': 'ISO-8859-1' });
  r.write({ 'a.txt': 'a\n' });
  r.addAllAndRun(['commit', '-q', '-F', '-'], { input: Buffer.from('caf\xe9 au lait\n', 'latin1') });
  expect(r.run(['cat-file', '-p', 'HEAD'])).toContain('encoding ISO-8859-1');
  const { code, result, findings } = await audit(r);
  expect([result.outcome, code, findings]).toEqual(['pass', 0, []]);
});
