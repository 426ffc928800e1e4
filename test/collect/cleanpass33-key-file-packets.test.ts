// A key file with packets beside the key that gpg 2.2's import reads past (import.c read_block keeps
// only key, user ID and signature packets): a literal data packet after the key, before it or inside it,
// cut off at the end, of partial or indeterminate length; a one-pass signature; a tag gpg has no parser
// for. gpg imports the key and git says the commit's signature is good; gitguard refused the whole
// file ("Packet not allowed in this context"), an exit 2 for the policy. The twins gpg refuses (a literal
// packet under 6 bytes, a one-pass signature of another version or too short, a header cut off) or
// reads nothing from (a literal of partial length before the key) are still refused. Real gpg, real
// signed commit, git's letter from a keyring that imported the same file.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadKeyring } from '../../src/collect/signatures/openpgp.js';
import { cleanupTemp, makeRepo, type TestRepo } from '../helpers/repo.js';
import { commitSignature, makeGpg, signedCommitAt, type Gpg } from '../helpers/gpg.js';
import { packet } from '../helpers/openpgp-build.js';

afterAll(cleanupTemp);

let r: TestRepo;
let gpg: Gpg;
let key: string;
let oid: string;
let exported: Buffer;

beforeAll(() => {
  r = makeRepo();
  gpg = makeGpg(mkdtempSync(join(tmpdir(), 'gg-')));
  r.run(['config', 'gpg.program', gpg.wrapper]);
  const at = 1_700_000_000;
  key = gpg.genKey('Alice <alice@example.org>', 'ed25519', { at: at - 60 });
  gpg.addSubkey(key, 'ed25519', { at: at - 60 });
  oid = signedCommitAt(r, gpg, 'signed', key, 'alice@example.org', at);
  exported = gpg.exportPublic(key);
}, 60_000);

afterAll(() => gpg?.kill());

/** The key's packets, each whole with its header (gpg exports one-octet or two-octet lengths, new format). */
function framesOf(bin: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let p = 0; p < bin.length;) {
    const l0 = bin[p + 1]!;
    const [len, at] = l0 < 192 ? [l0, p + 2] : [((l0 - 192) << 8) + bin[p + 2]! + 192, p + 3];
    out.push(bin.subarray(p, at + len));
    p = at + len;
  }
  return out;
}

const literal = (body: string): Buffer => packet(11, Buffer.from(body, 'latin1'));
const LIT = 'b\x08hello.md\x00\x00\x00\x00some text\n';
const ONE_PASS = Buffer.from([3, 0x00, 8, 22, 1, 2, 3, 4, 5, 6, 7, 8, 1]);

/** What git says of the commit with a fresh gpg home that imported `file`, and whether the import failed. */
function gitWith(file: string): { letter: string; importFailed: boolean } {
  const home = makeGpg(mkdtempSync(join(tmpdir(), 'gg-')));
  let importFailed = false;
  try {
    home.run(['--import', file]);
  } catch {
    importFailed = true;
  }
  const letter = execFileSync('git', ['rev-list', '--no-walk', '--format=%G?', oid], {
    cwd: r.dir,
    env: { ...r.env, GNUPGHOME: home.home },
  })
    .toString()
    .split('\n')[1]!;
  home.kill();
  return { letter, importFailed };
}

async function oursWith(data: Buffer): Promise<string> {
  try {
    const ring = await loadKeyring([{ file: 'alice.gpg', data }]);
    const { payload, signature } = commitSignature(
      oid,
      execFileSync('git', ['cat-file', 'commit', oid], { cwd: r.dir, env: r.env }),
    );
    return (await ring.verify(payload, signature!)).letter;
  } catch (e) {
    return `refused: ${(e as Error).message}`;
  }
}

/** Each honest file, from the exported key (`whole`) and its packets (`k`). */
const VARIANTS: Record<string, (whole: Buffer, k: Buffer[]) => Buffer> = {
  'a literal data packet after the key': (whole) => Buffer.concat([whole, literal(LIT)]),
  'a literal data packet before the key': (whole) => Buffer.concat([literal(LIT), whole]),
  'a literal data packet between the user ID self-signature and the subkey': (_whole, k) =>
    Buffer.concat([...k.slice(0, 3), literal(LIT), ...k.slice(3)]),
  'a literal data packet cut off at the end (header whole)': (whole) =>
    Buffer.concat([whole, literal(LIT).subarray(0, 12)]),
  'a literal data packet of exactly 6 bytes': (whole) => Buffer.concat([whole, literal('b\x00\x00\x00\x00\x00')]),
  'a literal data packet of partial length after the key': (whole) =>
    Buffer.concat([
      whole,
      Buffer.from([0xcb, 0xe1]),
      Buffer.from('b\x00', 'latin1'),
      Buffer.from([10]),
      Buffer.from('\x00\x00\x00\x00hello!', 'latin1'),
    ]),
  'an old-format literal data packet of indeterminate length after the key': (whole) =>
    Buffer.concat([whole, Buffer.from([0x80 | (11 << 2) | 3]), Buffer.from('b\x00\x00\x00\x00\x00hello', 'latin1')]),
  'a one-pass signature packet before the key': (whole) => Buffer.concat([packet(4, ONE_PASS), whole]),
  'a packet of tag 15 (no parser in gpg) after the key': (whole) =>
    Buffer.concat([whole, packet(15, Buffer.from('x'))]),
  'a packet of tag 30 (no parser in gpg) inside the key': (_whole, k) =>
    Buffer.concat([...k.slice(0, 3), packet(30, Buffer.from('x')), ...k.slice(3)]),
};

const TWINS: Record<string, (whole: Buffer, k: Buffer[]) => Buffer> = {
  'a literal data packet of 5 bytes (gpg: too short)': (whole) => Buffer.concat([whole, literal('b\x00\x00\x00\x00')]),
  'a literal data packet whose header is cut off': (whole) => Buffer.concat([whole, literal(LIT).subarray(0, 3)]),
  'a one-pass signature of version 4 (gpg: unknown version)': (whole) =>
    Buffer.concat([whole, packet(4, Buffer.concat([Buffer.of(4), ONE_PASS.subarray(1)]))]),
  'a one-pass signature of 12 bytes (gpg: too short)': (whole) =>
    Buffer.concat([whole, packet(4, ONE_PASS.subarray(0, 12))]),
  'a literal data packet of partial length before the key (gpg reads it to the end: no key)': (whole) =>
    Buffer.concat([
      Buffer.from([0xcb, 0xe1]),
      Buffer.from('b\x00', 'latin1'),
      Buffer.from([10]),
      Buffer.from('\x00\x00\x00\x00hello!', 'latin1'),
      whole,
    ]),
};

const build = (f: (whole: Buffer, k: Buffer[]) => Buffer): Buffer => f(exported, framesOf(exported));

test('the honest key file itself: G, as git says', async () => {
  const file = join(gpg.home, 'plain.gpg');
  writeFileSync(file, exported);
  expect(gitWith(file)).toEqual({ letter: 'U', importFailed: false });
  expect(await oursWith(exported)).toBe('G');
});

test.each(Object.keys(VARIANTS))(
  '%s: gpg imports the key, git says the signature is good, gitguard G',
  async (name) => {
    const data = build(VARIANTS[name]!);
    const file = join(gpg.home, 'variant.gpg');
    writeFileSync(file, data);
    expect(gitWith(file)).toEqual({ letter: 'U', importFailed: false }); // good signature, key not certified
    expect(await oursWith(data)).toBe('G');
  },
);

test.each(Object.keys(TWINS))('twin, %s: gpg imports no key, gitguard refuses the file', async (name) => {
  const data = build(TWINS[name]!);
  const file = join(gpg.home, 'twin.gpg');
  writeFileSync(file, data);
  expect(gitWith(file).letter).toBe('E'); // no public key
  expect(await oursWith(data)).toMatch(/^refused: alice\.gpg: not a readable OpenPGP key file/);
});

test('armored: the literal packet after the key inside the armor, read as gpg reads it', async () => {
  const data = Buffer.concat([exported, literal(LIT)]);
  const armored = gpg.run(['--enarmor'], { input: data }).toString().replaceAll('ARMORED FILE', 'PUBLIC KEY BLOCK');
  const file = join(gpg.home, 'armored.asc');
  writeFileSync(file, armored);
  expect(gitWith(file)).toEqual({ letter: 'U', importFailed: false });
  expect(await oursWith(Buffer.from(armored))).toBe('G');
});

// An armored block whose blank line after the headers was lost (a copy and paste): gpg ends the headers
// at the first line that is no `Key: value` line, decodes it as data and imports the key (it logs
// "invalid armor header" and exits 2); openpgp.js refused the block. The twin: a line gpg would read
// as a broken header (`Comment:x`), which both refuse.
const ARMOR_CUTS: Record<string, { edit: (lines: string[]) => string[]; git: string; ours: RegExp }> = {
  'no blank line after the BEGIN line': { edit: (l) => [l[0]!, ...l.slice(2)], git: 'U', ours: /^G$/ },
  'a Version header and no blank line': {
    edit: (l) => [l[0]!, 'Version: GnuPG v2', ...l.slice(2)],
    git: 'U',
    ours: /^G$/,
  },
  'an empty Comment: header and no blank line': {
    edit: (l) => [l[0]!, 'Comment:', ...l.slice(2)],
    git: 'U',
    ours: /^G$/,
  },
  'twin: a Comment:x line and no blank line': {
    edit: (l) => [l[0]!, 'Comment:x', ...l.slice(2)],
    git: 'E',
    ours: /^refused: .*Mandatory blank line/,
  },
};

test.each(Object.keys(ARMOR_CUTS))('armored, %s: as gpg imports it', async (name) => {
  const { edit, git, ours } = ARMOR_CUTS[name]!;
  const armored = gpg.run(['--armor', '--export', key]).toString();
  expect(armored.split('\n')[1]).toBe(''); // gpg 2.2 writes no header: the blank line follows BEGIN
  for (const eol of ['\n', '\r\n']) {
    const text = edit(armored.split('\n')).join(eol);
    const file = join(gpg.home, 'cut.asc');
    writeFileSync(file, text);
    expect({ eol, letter: gitWith(file).letter }).toEqual({ eol, letter: git });
    expect({ eol, ours: await oursWith(Buffer.from(text)) }).toEqual({ eol, ours: expect.stringMatching(ours) });
  }
});
