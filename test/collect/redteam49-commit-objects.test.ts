// Red team 49: what a commit object publishes beyond what `git log -p` prints. The scan read each
// commit's message (%B), author and committer (%an <%ae>) and its diff; a header git keeps but never
// formats (`x-token`), a continuation line, a `gpgsig` block, a `mergetag` block with its embedded
// tag message, the tail of an author line and a message past its first NUL byte (a UTF-16 message:
// git log prints one letter) were not read, and the rule passed. `git cat-file -p` prints them all,
// and a push or a clone carries them. Now read from one `git cat-file --batch` over the commits
// (commit-objects.ts), at `(commit object)` and the line cat-file -p prints the token on.
import { scanSecrets } from '../../src/collect/secrets/scan.js';
import { discoverRepository } from '../../src/collect/repository.js';
import { COMMIT_MESSAGE, COMMIT_OBJECT } from '../../src/domain/content.js';
import { makeRepo, cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { TokenFactory } from '../helpers/secrets.js';
import { catCommit, configureSshSigning, sharedSshKey, signedCommit, writeCommitObject } from '../helpers/ssh.js';

afterAll(cleanupTemp);

const f = new TokenFactory(4949);

/** The commit at HEAD rewritten: `edit` gets its raw text (latin1) and returns the new one; HEAD moves to it. */
function rewrite(r: TestRepo, edit: (raw: string) => string | Buffer): string {
  const out = edit(catCommit(r, r.head()).toString('latin1'));
  const id = writeCommitObject(r, typeof out === 'string' ? Buffer.from(out, 'latin1') : out).trim();
  r.run(['update-ref', 'HEAD', id]);
  return id;
}

/** The 1-based line of `git cat-file -p <id>` that holds `needle`: where git prints it. */
function catLine(r: TestRepo, id: string, needle: string): number {
  return (
    r
      .run(['cat-file', '-p', id])
      .split('\n')
      .findIndex((l) => l.includes(needle)) + 1
  );
}

const afterCommitter = (raw: string, header: string): string => raw.replace(/^(committer [^\n]*\n)/m, `$1${header}`);

async function leaks(r: TestRepo): Promise<Array<[string, string, number, string]>> {
  const facts = await scanSecrets(await discoverRepository(r.dir), [r.head()]);
  return facts.leaks.map((l) => [l.commit, l.path, l.line, l.kind]);
}

test('a header git does not know, and a continuation line, are read where cat-file -p prints them', async () => {
  for (const shape of ['one', 'continued'] as const) {
    const r = makeRepo();
    r.commit('init', { 'a.txt': 'a\n' });
    const token = f.checksummed(`gh${'p'}_`);
    const header = shape === 'one' ? `x-token ${token}\n` : `x-data first\n ${token}\n`;
    const id = rewrite(r, (raw) => afterCommitter(raw, header));
    // git keeps the header: fsck accepts the object and cat-file prints it; git log's formats never do
    expect(r.run(['fsck', '--strict'])).not.toMatch(/error/);
    expect(r.run(['cat-file', '-p', id])).toContain(token);
    expect(r.run(['log', '-1', '--format=%B%an%ae%cn%ce', id])).not.toContain(token);
    expect(await leaks(r)).toEqual([[id, COMMIT_OBJECT, catLine(r, id, token), 'github-pat']]);
  }
});

test("a gpgsig block's payload and a mergetag's embedded tag message are read", async () => {
  const r = makeRepo();
  r.commit('init', { 'a.txt': 'a\n' });
  r.run(['checkout', '-q', '-b', 'side']);
  const side = r.commit('side', { 's.txt': 's\n' });
  r.run(['checkout', '-q', '-']);
  r.commit('main', { 'm.txt': 'm\n' });
  r.run(['merge', '-q', '--no-ff', '--no-edit', 'side']);
  const inSig = f.checksummed(`gh${'o'}_`);
  const inTag = f.checksummed(`np${'m'}_`);
  const id = rewrite(r, (raw) =>
    afterCommitter(
      raw,
      `mergetag object ${side}\n type commit\n tag v1\n tagger A <a@example.com> 1700000000 +0000\n \n release notes ${inTag}\n` +
        `gpgsig -----BEGIN PGP SIGNATURE-----\n \n ${inSig}\n -----END PGP SIGNATURE-----\n`,
    ),
  );
  // git shows the embedded tag (log --show-signature prints "merged tag 'v1'"), cat-file -p all of it
  expect(r.run(['log', '-1', '--show-signature', '--format=', id])).toContain("merged tag 'v1'");
  expect(await leaks(r)).toEqual([
    [id, COMMIT_OBJECT, catLine(r, id, inTag), 'npm-access-token'],
    [id, COMMIT_OBJECT, catLine(r, id, inSig), 'github-oauth'],
  ]);
});

test('a UTF-16 message (git log stops at its first NUL) and an author line past its e-mail are read', async () => {
  const r = makeRepo();
  r.commit('init', { 'a.txt': 'a\n' });
  const inMessage = f.checksummed(`gh${'s'}_`);
  const inDate = f.checksummed(`gh${'r'}_`);
  const id = rewrite(r, (raw) => {
    const head = raw.slice(0, raw.indexOf('\n\n') + 1).replace(/^(author [^>]*>)/m, `$1 ${inDate}`);
    return Buffer.concat([
      Buffer.from(`${head}encoding UTF-16LE\n\n`, 'latin1'),
      Buffer.from(`deploy\ntoken ${inMessage}\n`, 'utf16le'),
    ]);
  });
  expect(r.run(['log', '-1', '--format=%B%an%ae', id])).not.toContain(inMessage);
  expect(r.run(['log', '-1', '--format=%B%an%ae', id])).not.toContain(inDate);
  // what a reader of the object sees: the message decoded as its header says
  const raw = catCommit(r, id);
  expect(raw.subarray(raw.indexOf('\n\n') + 2).toString('utf16le')).toContain(inMessage);
  // the header's lines, the blank line, "deploy", then the token's line
  const lineOfMessage = raw.subarray(0, raw.indexOf('\n\n')).toString('latin1').split('\n').length + 3;
  expect(await leaks(r)).toEqual([
    [id, COMMIT_OBJECT, 2, 'github-refresh-token'],
    [id, COMMIT_OBJECT, lineOfMessage, 'github-app-token'],
  ]);
});

test('twins: a token in the message or author, even under a Latin-1 encoding, is reported once, at the log reading; a real signature is no finding', async () => {
  const r = makeRepo();
  configureSshSigning(r, sharedSshKey('rt49'));
  r.commit('init', { 'a.txt': 'a\n' });
  const signed = signedCommit(r, sharedSshKey('rt49'), 'signed, nothing secret');
  expect(catCommit(r, signed).toString()).toContain('-----BEGIN SSH SIGNATURE-----');
  const token = f.checksummed(`gh${'p'}_`);
  r.run(['-c', 'i18n.commitEncoding=ISO-8859-1', 'commit', '-q', '--no-gpg-sign', '--allow-empty', '-F', '-'], {
    input: Buffer.from(`caf\xe9\n\n${token}\n`, 'latin1'),
  });
  const latin = r.head();
  expect(r.run(['cat-file', '-p', latin])).toContain('encoding ISO-8859-1');
  expect(await leaks(r)).toEqual([[latin, COMMIT_MESSAGE, 3, 'github-pat']]);
});
