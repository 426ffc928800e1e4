// A commit's signature headers as git 2.39 reads them (commit.c parse_buffer_signed_by_header): git
// hands gpg every "gpgsig " header's lines joined (a second one too) and leaves every header starting
// "gpgsig" out of the payload. gitguard must verify the same bytes git hands to gpg, or refuse the
// commit (E): never check a signature git does not, or other bytes. Each case asks git through a
// stand-in gpg/ssh-keygen that keeps what it is given (test/helpers/signed-bytes.ts).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { parseCommitObject } from '../../src/collect/commit-object.js';
import { commitSignature } from '../../src/collect/signatures/verify.js';
import { makeRepo, cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { gitSignedBytes, type GitSigned } from '../helpers/signed-bytes.js';

afterAll(cleanupTemp);

const SIG = '-----BEGIN PGP SIGNATURE-----\n \n iQEzBAABCAAdFiEE\n =abcd\n -----END PGP SIGNATURE-----';
const SSH = '-----BEGIN SSH SIGNATURE-----\n U1NIU0lH\n -----END SSH SIGNATURE-----';
const HEAD = 'author A <a@x> 1700000000 +0000\ncommitter A <a@x> 1700000000 +0000\n';

let r: TestRepo;
let tree: string;
beforeAll(() => {
  r = makeRepo({ bare: true });
  tree = r.run(['hash-object', '-t', 'tree', '-w', '--stdin'], { input: '' });
});

// [what, what git checks, what gitguard does, the headers after the committer]
const cases: Array<[string, 'signed' | 'none', 'same' | 'refused' | 'other format', string]> = [
  ['one gpgsig (as git commit -S writes it)', 'signed', 'same', `gpgsig ${SIG}\n`],
  ['a second gpgsig: git joins both for gpg', 'signed', 'refused', `gpgsig ${SIG}\ngpgsig ${SIG}\n`],
  ['a second gpgsig of junk after a good one', 'signed', 'refused', `gpgsig ${SIG}\ngpgsig junk\n`],
  ['a second gpgsig after another header', 'signed', 'refused', `gpgsig ${SIG}\nx-h 1\ngpgsig junk\n`],
  ['"gpgsig" alone, the armour on its continuation lines', 'none', 'refused', `gpgsig\n ${SIG}\n`],
  ['"gpgsig<TAB>"', 'none', 'refused', `gpgsig\t${SIG}\n`],
  ['"gpgsigx" beside a gpgsig', 'signed', 'refused', `gpgsig ${SIG}\ngpgsigx y\n z\n`],
  ['gpgsig-sha256 only, in a SHA-1 repository', 'none', 'other format', `gpgsig-sha256 ${SIG}\n`],
  ['gpgsig-sha256 and gpgsig (a compat-hash commit)', 'signed', 'same', `gpgsig-sha256 ${SSH}\ngpgsig ${SIG}\n`],
  ['an SSH signature', 'signed', 'same', `gpgsig ${SSH}\n`],
  ['an empty last continuation line (before: one newline less)', 'signed', 'same', `gpgsig ${SIG}\n \n`],
  ['a stray continuation line after the armour', 'signed', 'same', `gpgsig ${SIG}\n stray\n`],
  [
    'a mergetag before the signature',
    'signed',
    'same',
    `mergetag object ${'a'.repeat(40)}\n type commit\n tag v1\n tagger T <t@x> 1 +0000\n \n m\ngpgsig ${SIG}\n`,
  ],
];

test.each(cases)('%s: git %s, gitguard %s', (_what, git, ours, headers) => {
  const body = Buffer.from(`tree ${tree}\n${HEAD}${headers}\nmessage\n`);
  const oid = execFileSync('git', ['hash-object', '-t', 'commit', '-w', '--literally', '--stdin'], {
    cwd: r.dir,
    env: r.env,
    input: body,
  })
    .toString()
    .trim();
  const [theirs] = gitSignedBytes(r, [oid], 'commit', join(r.home, 'scratch-' + oid));
  expect(typeof theirs === 'string' ? theirs : 'signed').toBe(git);
  const c = parseCommitObject(oid, body);
  const sig = commitSignature(c);
  const mine = c.malformed ? 'refused' : sig && 'other' in sig ? 'other format' : sig ? 'same' : 'none';
  expect(mine).toBe(ours);
  if (mine === 'same') {
    const bytes = theirs as Exclude<GitSigned, string>;
    expect(c.payload.toString('latin1')).toBe(bytes.payload.toString('latin1'));
    expect(sig && 'armored' in sig ? sig.armored : '').toBe(bytes.signature.toString('utf8'));
  }
});

test('a header that runs to the end of the object with no newline is refused: git log reads the message from past it', () => {
  const body = Buffer.from(`tree ${tree}\n${HEAD}gpgsig ${SIG}`);
  const oid = r.run(['hash-object', '-t', 'commit', '-w', '--literally', '--stdin'], { input: body });
  expect(parseCommitObject(oid, body).malformed).toMatch(/^no newline at the end of the header/);
  // twin: the same header with its newline (no blank line, no message) is read, as git reads it: no message.
  const twin = Buffer.from(`tree ${tree}\n${HEAD}gpgsig ${SIG}\n`);
  const id = r.run(['hash-object', '-t', 'commit', '-w', '--literally', '--stdin'], { input: twin });
  const c = parseCommitObject(id, twin);
  expect(c.malformed).toBeUndefined();
  expect(c.message).toBe(r.run(['log', '--no-walk', '--format=%B', id]));
});
