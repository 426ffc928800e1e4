// A tag's "gpgsig"/"gpgsig-sha256" headers, as git 2.39 reads them: `git verify-tag` runs
// commit.c remove_signature on the payload before gpg sees it, so up to two such headers (with their
// continuation lines) are not signed, whatever they say. gitguard verified the tag's bytes as they
// were: B where git says good for a signed tag given such a header, and G where git says bad for a
// signature made over one. Real gpg, real tags; git verify-tag's answer on each, in the same test.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseTagObject } from '../../src/collect/tag-object.js';
import { loadKeyring } from '../../src/collect/signatures/openpgp.js';
import type { Keyring } from '../../src/domain/keys.js';
import { makeRepo, cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { makeGpg, type Gpg } from '../helpers/gpg.js';

afterAll(cleanupTemp);

let r: TestRepo;
let gpg: Gpg;
let keyring: Keyring;
let signed: Buffer; // the tag git tag -s wrote
let key: string;

/** A tag object of these bytes in the repository (hash-object --literally: git fsck would not mind). */
const write = (body: Buffer): string =>
  execFileSync('git', ['hash-object', '-w', '--literally', '-t', 'tag', '--stdin'], {
    cwd: r.dir,
    env: r.env,
    input: body,
  })
    .toString()
    .trim();

/** `headers` inserted after the tagger line of the signed tag (before the blank line). */
function withHeaders(headers: string, base = signed): Buffer {
  const blank = base.indexOf('\n\n');
  return Buffer.concat([base.subarray(0, blank + 1), Buffer.from(headers), base.subarray(blank + 1)]);
}

/** git verify-tag's status keyword, or how it ended without one. */
function gitSays(oid: string): string {
  const res = spawnSync('git', ['verify-tag', '--raw', oid], { cwd: r.dir, env: { ...r.env, ...gpg.env } });
  return /\[GNUPG:\] (GOODSIG|BADSIG|ERRSIG) /.exec(res.stderr.toString())?.[1] ?? (res.signal ? 'aborted' : 'none');
}

async function oursSays(oid: string, body: Buffer): Promise<string> {
  const tag = parseTagObject(oid, body);
  if (tag.malformed) return `malformed: ${tag.malformed}`;
  return (await keyring.verify(tag.payload, tag.signature!)).letter;
}

beforeAll(async () => {
  r = makeRepo();
  gpg = makeGpg(mkdtempSync(join(tmpdir(), 'gg-')));
  key = gpg.genKey('Tess Tagger <tess@example.com>', 'ed25519');
  r.run(['config', 'gpg.program', gpg.wrapper]);
  r.commit('first');
  r.run(['-c', `user.signingkey=${key}`, 'tag', '-s', '-m', 'release 1', 'v1'], { env: { GNUPGHOME: gpg.home } });
  signed = execFileSync('git', ['cat-file', 'tag', 'v1'], { cwd: r.dir, env: r.env });
  keyring = await loadKeyring([{ file: 'tess.gpg', data: gpg.exportPublic(key) }]);
}, 60_000);

afterAll(() => gpg?.kill());

test.each([
  ['as git tag -s wrote it', 'GOODSIG', 'G', ''],
  ['a "gpgsig" header added (before: B)', 'GOODSIG', 'G', 'gpgsig anything\n at all\n'],
  ['a "gpgsig-sha256" header added (before: B)', 'GOODSIG', 'G', 'gpgsig-sha256 -----BEGIN PGP SIGNATURE-----\n x\n'],
  [
    'twin: two headers, the second right after the first (git cuts only the second)',
    'BADSIG',
    'B',
    'gpgsig a\n b\ngpgsig-sha256 c\n',
  ],
  ['twin: "gpgsig" with no space (no signature header to git)', 'BADSIG', 'B', 'gpgsig\n b\n'],
  ['twin: another header added', 'BADSIG', 'B', 'nonce 1\n'],
])('a signed tag, %s: git %s, gitguard %s', async (_what, git, ours, headers) => {
  const body = withHeaders(headers);
  const oid = write(body);
  expect(gitSays(oid)).toBe(git);
  expect(await oursSays(oid, body)).toBe(ours);
});

test('three signature headers: git 2.39 aborts; gitguard reads the tag as malformed (E), never as signed', async () => {
  const body = withHeaders('gpgsig a\nx 1\ngpgsig b\nx 2\ngpgsig c\n');
  const oid = write(body);
  expect(gitSays(oid)).toBe('aborted');
  expect(await oursSays(oid, body)).toMatch(/^malformed: a third signature header/);
});

test('a signature made over a "gpgsig" header: git cuts the header and says BADSIG; gitguard B (before: G)', async () => {
  const unsigned = withHeaders('gpgsig hidden\n', signed.subarray(0, signed.indexOf('-----BEGIN PGP SIGNATURE-----')));
  const sig = gpg.run(['--armor', '--detach-sign', '-u', key], { input: unsigned });
  const body = Buffer.concat([unsigned, sig]);
  const oid = write(body);
  expect(gitSays(oid)).toBe('BADSIG');
  expect(await oursSays(oid, body)).toBe('B');
});

// Red team 66: git takes a tag signature's time from the tagger line (gpg-interface.c
// parse_payload_metadata) and, with none, runs no gpg at all (`git verify-tag` exits 1 unverified).
// gitguard checked such a tag as of 1970 and said G; it is now refused as malformed (E).
describe('a signed tag without a tagger line', () => {
  /** The signed tag's text before its signature, less its tagger line, signed again by gpg. */
  function resigned(dropTagger: boolean): Buffer {
    let unsigned = signed.subarray(0, signed.indexOf('-----BEGIN PGP SIGNATURE-----')).toString('latin1');
    if (dropTagger) unsigned = unsigned.replace(/^tagger .*\n/m, '');
    const body = Buffer.from(unsigned, 'latin1');
    return Buffer.concat([body, gpg.run(['--armor', '--detach-sign', '-u', key], { input: body })]);
  }

  test('git runs no gpg; gitguard refuses it (before: G)', async () => {
    const body = resigned(true);
    const oid = write(body);
    expect(gitSays(oid)).toBe('none');
    expect(await oursSays(oid, body)).toMatch(/^malformed: a signature but no "tagger" line/);
  });

  test('twin: the same tag signed again with its tagger line is good to both', async () => {
    const body = resigned(false);
    const oid = write(body);
    expect(gitSays(oid)).toBe('GOODSIG');
    expect(await oursSays(oid, body)).toBe('G');
  });

  test('twin: an unsigned tag without a tagger is read as git reads it (tags from before 2005 have none)', () => {
    const body = Buffer.from(`object ${r.run(['rev-parse', 'HEAD'])}\ntype commit\ntag v0\n\nold\n`);
    const oid = write(body);
    const tag = parseTagObject(oid, body);
    expect(tag.malformed).toBeUndefined();
    expect(tag.signature).toBeUndefined();
    r.run(['update-ref', 'refs/tags/v0', oid]);
    expect(r.run(['for-each-ref', '--format=%(objecttype) [%(taggername)] %(contents:subject)', 'refs/tags/v0'])).toBe(
      'tag [] old',
    );
  });
});
