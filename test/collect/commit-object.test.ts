// The commit and tag parsers on hand-written objects: each anomaly of issue 11 by name, and what
// an honest git writes accepted. (test/collect/object-differential.test.ts checks the same against
// git itself on generated objects.)
import { parseCommitObject } from '../../src/collect/commit-object.js';
import { parseTagObject } from '../../src/collect/tag-object.js';

const T = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';
const P1 = 'a'.repeat(40);
const P2 = 'b'.repeat(40);
const ALICE = 'Alice <alice@example.com> 1700000000 +0000';
const ID = '0'.repeat(40);
const commit = (head: string, msg = 'm\n'): Buffer => Buffer.from(`${head}\n\n${msg}`, 'latin1');
const ok = `tree ${T}\nparent ${P1}\nauthor ${ALICE}\ncommitter ${ALICE}`;

describe('parseCommitObject', () => {
  test('takes parents only from the lines right after tree, as git does', () => {
    expect(
      parseCommitObject(ID, commit(`tree ${T}\nparent ${P1}\nparent ${P2}\nauthor ${ALICE}\ncommitter ${ALICE}`)),
    ).toMatchObject({ parents: [P1, P2] });
    const late = parseCommitObject(ID, commit(`${ok}\nparent ${P2}`));
    expect(late.parents).toEqual([P1]);
    expect(late.malformed).toContain('"parent" header after the author');
  });

  test.each([
    [
      'a second author',
      `tree ${T}\nauthor ${ALICE}\nauthor Mallory <m@x> 1 +0000\ncommitter ${ALICE}`,
      'a second "author"',
    ],
    ['a committer after other headers', `${ok}\ncommitter Mallory <m@x> 1 +0000`, 'a second "committer"'],
    ['author after committer', `tree ${T}\ncommitter ${ALICE}\nauthor ${ALICE}`, 'not right after'],
    ['no tree first', `parent ${P1}\ntree ${T}\nauthor ${ALICE}\ncommitter ${ALICE}`, 'first line'],
    [
      'an upper-case parent id',
      `tree ${T}\nparent ${P1.toUpperCase()}\nauthor ${ALICE}\ncommitter ${ALICE}`,
      '"parent <id>"',
    ],
    ['a NUL in the header', `${ok}\nx-note a\0b`, 'NUL'],
    ['a NUL in the message', `${ok}\n\nbody\0`, 'NUL'],
    ['two encodings', `${ok}\nencoding ISO-8859-1\nencoding UTF-7`, 'a second "encoding"'],
    ['UTF-7', `${ok}\nencoding UTF-7`, 'unsupported encoding "UTF-7"'],
    ['two gpgsig headers', `${ok}\ngpgsig A\ngpgsig B`, 'a second "gpgsig"'],
    ['an unknown gpgsig header', `${ok}\ngpgsig-x A`, 'unknown signature header'],
    [
      'a name with two spaces before "<"',
      `tree ${T}\nauthor Alice  <alice@example.com> 1 +0000\ncommitter ${ALICE}`,
      'exactly one space',
    ],
    ['a second "<"', `tree ${T}\nauthor A <a@x> <m@x> 1 +0000\ncommitter ${ALICE}`, 'a second "<"'],
    ['a date with a leading zero', `tree ${T}\nauthor A <a@x> 01 +0000\ncommitter ${ALICE}`, 'no date and time zone'],
    ['no committer', `tree ${T}\nauthor ${ALICE}`, 'no "committer"'],
  ])('refuses %s', (_, head, why) => {
    expect(parseCommitObject(ID, commit(head)).malformed).toContain(why);
  });

  test('accepts what git writes: merges, signatures, mergetags, unknown headers, UTF-8 and latin-1', () => {
    const head = `${ok}\nencoding ISO-8859-1\nmergetag object ${P1}\n type commit\n tag v1\n tagger ${ALICE}\n \n msg\nx-custom value\n more\ngpgsig -----BEGIN SSH SIGNATURE-----\n U1NI\n -----END SSH SIGNATURE-----`;
    const c = parseCommitObject(ID, Buffer.from(`${head.replace('Alice <', 'Alic\xe9 <')}\n\ncaf\xe9\n`, 'latin1'));
    expect(c.malformed).toBeUndefined();
    expect(c.author.name).toBe('Alic\u00e9');
    expect(c.message).toBe('caf\u00e9\n');
    expect(c.signatures).toHaveLength(1);
    expect(c.mergetags).toHaveLength(1);
    expect(parseCommitObject(ID, commit(`tree ${T}\nauthor ${ALICE}\ncommitter ${ALICE}`)).malformed).toBeUndefined();
  });
});

describe('parseTagObject', () => {
  const head = `object ${P1}\ntype commit\ntag v1\ntagger ${ALICE}`;
  const tag = (h: string, msg = 'release\n'): Buffer => Buffer.from(`${h}\n\n${msg}`);

  test('reads a signed tag, the signature starting at the last armour line', () => {
    const t = parseTagObject(
      ID,
      tag(head, 'release\n-----BEGIN SSH SIGNATURE-----\nU1NI\n-----END SSH SIGNATURE-----\n'),
    );
    expect(t.malformed).toBeUndefined();
    expect(t).toMatchObject({
      object: P1,
      type: 'commit',
      name: 'v1',
      message: 'release\n',
      tagger: { email: 'alice@example.com' },
    });
    expect(t.signature).toBe('-----BEGIN SSH SIGNATURE-----\nU1NI\n-----END SSH SIGNATURE-----\n');
    expect(t.hashOk).toBe(false);
  });

  test.each([
    ['a second tagger', `${head}\ntagger Mallory <m@x> 1 +0000`, 'a second "tagger"'],
    ['tagger before tag', `object ${P1}\ntype commit\ntagger ${ALICE}\ntag v1`, 'out of place'],
    ['an armour line in the header', `${head}\n-----BEGIN PGP SIGNATURE-----`, 'armour line'],
    ['a NUL', `${head}\nx a\0`, 'NUL'],
    ['an unknown type', `object ${P1}\ntype nonsense\ntag v1\ntagger ${ALICE}`, 'unknown object type'],
    ['a short object id', `object ${P1.slice(1)}\ntype commit\ntag v1\ntagger ${ALICE}`, '"object <id>"'],
  ])('refuses %s', (_, h, why) => {
    expect(parseTagObject(ID, tag(h)).malformed).toContain(why);
  });
});
