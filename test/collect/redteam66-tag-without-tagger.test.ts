// A signed tag with no "tagger" line, as git 2.39 reads it: `git verify-tag` (and a mergetag under
// `git log --show-signature`) takes the signing time from the tagger line (gpg-interface.c
// parse_payload_metadata) and, with none, runs no gpg at all: exit 1, nothing verified. gitguard
// checked the signature as of 1970 and said G. Now such a tag is refused (malformed, E), as git
// refuses to judge it. Real gpg, real tags; git verify-tag's answer on each, in the same test.
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
let key: string;
let head: string;

const write = (body: Buffer): string =>
  execFileSync('git', ['hash-object', '-w', '-t', 'tag', '--stdin'], { cwd: r.dir, env: r.env, input: body })
    .toString()
    .trim();

/** A tag over `head` with these header lines after "tag NAME", signed by gpg as git tag -s signs. */
function signedTag(extra: string): string {
  const unsigned = Buffer.from(`object ${head}\ntype commit\ntag v2\n${extra}\nrelease 2\n`);
  return write(Buffer.concat([unsigned, gpg.run(['--armor', '--detach-sign', '-u', key], { input: unsigned })]));
}

/** git verify-tag's status keyword, or how it ended without one. */
function gitSays(oid: string): string {
  const res = spawnSync('git', ['verify-tag', '--raw', oid], { cwd: r.dir, env: { ...r.env, ...gpg.env } });
  return /\[GNUPG:\] (GOODSIG|BADSIG|ERRSIG) /.exec(res.stderr.toString())?.[1] ?? `no gpg run, exit ${res.status}`;
}

async function oursSays(oid: string): Promise<string> {
  const tag = parseTagObject(oid, execFileSync('git', ['cat-file', 'tag', oid], { cwd: r.dir, env: r.env }));
  if (tag.malformed) return `malformed: ${tag.malformed}`;
  return (await keyring.verify(tag.payload, tag.signature!)).letter;
}

beforeAll(async () => {
  r = makeRepo();
  gpg = makeGpg(mkdtempSync(join(tmpdir(), 'gg-')));
  key = gpg.genKey('Tess Tagger <tess@example.com>', 'ed25519');
  head = r.commit('first');
  keyring = await loadKeyring([{ file: 'tess.gpg', data: gpg.exportPublic(key) }]);
}, 60_000);

afterAll(() => gpg?.kill());

test('a signed tag without a tagger: git runs no gpg (exit 1); gitguard refuses it (before: G)', async () => {
  const oid = signedTag('');
  expect(gitSays(oid)).toBe('no gpg run, exit 1');
  expect(await oursSays(oid)).toMatch(/^malformed: a signature but no "tagger" line/);
});

test('twin: the same tag with its tagger line is good to both', async () => {
  const oid = signedTag('tagger Tess Tagger <tess@example.com> 1700000000 +0000\n');
  expect(gitSays(oid)).toBe('GOODSIG');
  expect(await oursSays(oid)).toBe('G');
});

test('twin: an unsigned tag without a tagger is read (git keeps such tags from before 2005)', () => {
  const oid = write(Buffer.from(`object ${head}\ntype commit\ntag v0\n\nold\n`));
  const tag = parseTagObject(oid, execFileSync('git', ['cat-file', 'tag', oid], { cwd: r.dir, env: r.env }));
  expect(tag.malformed).toBeUndefined();
  expect(tag.signature).toBeUndefined();
  expect(tag.message).toBe('old\n');
  r.run(['update-ref', 'refs/tags/v0', oid]);
  expect(r.run(['for-each-ref', '--format=%(objecttype) [%(taggername)] %(contents:subject)', 'refs/tags/v0'])).toBe(
    'tag [] old',
  );
});
