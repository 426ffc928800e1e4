// Red team 38: a credential pasted into a commit message. `git log` prints every commit's message,
// and a push publishes it with the commit, so a token or a private key in it is as leaked as one in
// a file; the scan read only the diffs, and passed. One repository, read as a whole and chunk by
// chunk (a deferred reader), and through the rule.
import { COMMIT_MESSAGE } from '../../src/domain/content.js';
import { scanSecrets } from '../../src/collect/secrets/scan.js';
import { discoverRepository } from '../../src/collect/repository.js';
import { makeRepo, cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { parseJson, resultOf, runMain } from '../helpers/cli.js';
import { TokenFactory, privateKeys } from '../helpers/secrets.js';

afterAll(cleanupTemp);

const f = new TokenFactory(3838);
const subject = f.checksummed(`gh${'p'}_`);
const body = f.checksummed(`np${'m'}_`);
const inFile = f.checksummed(`gh${'s'}_`);
const forged = f.checksummed(`gh${'o'}_`);
const merged = f.checksummed(`gh${'u'}_`);
const key = privateKeys(f).ec;

let r: TestRepo;
const at: Record<string, string> = {};
/** git's own answer: the line of the commit's message (`git log --format=%B`) that holds `text`. */
const messageLine = (commit: string, text: string): number =>
  r
    .run(['log', '-1', '--format=%B', commit])
    .split('\n')
    .findIndex((l) => l.includes(text)) + 1;

beforeAll(() => {
  r = makeRepo();
  at.clean = r.commit(
    // What messages say about secrets without holding one: none of it is reported.
    [
      'rotate the deploy token',
      '',
      `The old one (gh${'p'}_${'x'.repeat(36)}) was revoked; set GITHUB_TOKEN=your_token_here.`,
      `Keys start with "-----BEGIN RSA ${'PRIVATE KEY'}-----" and are never committed.`,
      'See https://user:password@example.com/ for the format.',
    ].join('\n'),
    { 'README.md': '# demo\n' },
  );
  at.subject = r.commit(`use ${subject} for now`, { 'a.txt': 'a\n' });
  at.body = r.commit(`ci: publish\n\nNPM_TOKEN=${body}\n`, { 'b.env': `T=${inFile}\n` });
  at.key = r.commit(`add the server key\n\n${key}`);
  // A message that reads as a diff: it names no file, and its token is the message's.
  at.forged = r.commit(
    [
      'fake diff',
      '',
      'diff --git a/x b/x',
      'index 0000000..1111111 100644',
      '+++ b/x',
      '@@ -0,0 +1 @@',
      `+T=${forged}`,
    ].join('\n'),
  );
  r.run(['checkout', '-q', '-b', 'side']);
  r.commit('side', { 's.txt': 's\n' });
  r.run(['checkout', '-q', '-']);
  r.run(['merge', '-q', '--no-ff', '-m', `merge side\n\nOAUTH=${merged}`, 'side']);
  at.merge = r.head();
});

const expected = (): Array<[string, string, number, string]> => [
  [at.subject!, COMMIT_MESSAGE, 1, 'github-pat'],
  [at.body!, COMMIT_MESSAGE, 3, 'npm-access-token'],
  [at.body!, 'b.env', 1, 'github-app-token'],
  [at.key!, COMMIT_MESSAGE, 3, 'private-key'],
  [at.forged!, COMMIT_MESSAGE, 7, 'github-oauth'],
  [at.merge!, COMMIT_MESSAGE, 3, 'github-app-token'],
];

const found = (facts: Awaited<ReturnType<typeof scanSecrets>>): Array<[string, string, number, string]> =>
  facts.leaks.map((l) => [l.commit, l.path, l.line, l.kind]);

test("a token or a key in a commit's message is reported at the commit, at the message's line as git prints it", async () => {
  // git's own answer for the lines
  expect(messageLine(at.body!, body)).toBe(3);
  expect(messageLine(at.forged!, forged)).toBe(7);
  expect(messageLine(at.merge!, merged)).toBe(3);
  const repo = await discoverRepository(r.dir);
  const facts = await scanSecrets(repo, [at.merge!]);
  expect(found(facts).sort()).toEqual(expected().sort());
  // a message is no file version (six files were committed); a diff in a message opens no file
  expect(facts.scanned).toBe(6);
  expect(facts.leaks.every((l) => !JSON.stringify(l).includes(subject.slice(4)))).toBe(true);
  // read one commit per git log, and ahead (deferred readers), or one log at a time: the same facts
  for (const opts of [{ chunkCommits: 1 }, { chunkCommits: 2, serialLogs: true }]) {
    expect(found(await scanSecrets(repo, [at.merge!], opts)).sort()).toEqual(expected().sort());
  }
});

test("the clean twin: messages that talk about secrets find nothing; the rule names a message's leak, redacted", async () => {
  const repo = await discoverRepository(r.dir);
  expect(found(await scanSecrets(repo, [at.clean!]))).toEqual([]);
  const res = await runMain(['audit', '-C', r.dir, '-r', 'secrets-not-in-history', '--format', 'json', '--no-ledger'], {
    env: r.env,
  });
  const result = resultOf(parseJson(res), 'secrets-not-in-history');
  expect(res.code).toBe(1);
  const findings = result.findings;
  const msg = findings.find((x) => x.commit === at.subject);
  expect(msg?.message).toBe(
    `GitHub personal access token (classic) committed in ${at.subject!.slice(0, 12)} at ${COMMIT_MESSAGE}:1: ghp_…(40 chars)`,
  );
  expect(res.stdout).not.toContain(subject.slice(4));
  expect(res.stdout).not.toContain(body.slice(4));
});
