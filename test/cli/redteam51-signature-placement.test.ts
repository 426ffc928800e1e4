// A key's self-signatures placed under another part of the key, and a subkey listed twice. gpg's
// import (import-options repair-keys, on by default: key-check.c key_check_all_keysigs) moves each
// self-signature to the user ID, attribute or subkey it verifies over, and keeps a block's copies of a
// subkey apart (the first one it keeps is the one found by its fingerprint). gitguard tied a signature
// to what it follows and merged the copies: a subkey's or a user ID's revocation placed under another
// one was ignored (G where git says R; a revoked address still spoke for the key), a binding or
// certification placed elsewhere left its subkey or user ID unsigned (E, another signer named), and a
// revocation in a second copy of a subkey revoked the first (R where git says G).
// One real key made by gpg (a photo ID, two signing subkeys, a user ID and a subkey revoked), two
// commits signed by real gpg; its packets rearranged; git's %G?/%GS and gpg's live user IDs on a
// fresh keyring against gitguard's letter, signer and identities. Then generated rearrangements
// (GITGUARD_PLACEMENT_SEED / GITGUARD_PLACEMENT_CASES; scripts/differential.mjs --placement N).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { cleanupTemp } from '../helpers/repo.js';
import { makeGpg, signedCommitAt } from '../helpers/gpg.js';
import { keysDifferential, type KeysDifferential } from '../helpers/keys-differential.js';
import { packet } from '../helpers/openpgp-build.js';
import { packetFrames } from '../../src/collect/signatures/openpgp-critical.js';
import { loadKeyring } from '../../src/collect/signatures/openpgp.js';

afterAll(cleanupTemp);

const KEYS_AT = 1_700_000_000;
const SIGNED_AT = KEYS_AT + 86_400;
const REVOKED_AT = SIGNED_AT + 60;

/** A part of the key: its primary key, a user ID, the photo ID or a subkey, and the signatures after it. */
interface Part {
  name: string;
  head: Buffer;
  sigs: Buffer[];
}
type Key = Part[];

const frame = (tag: number, body: Uint8Array): Buffer => packet(tag, body);
/** A v4 signature packet's class: after the tag, the five length octets and the version. */
const classOf = (sig: Buffer): number => sig[7]!;
const bytesOf = (key: Key): Buffer => Buffer.concat(key.flatMap((p) => [p.head, ...p.sigs]));

let diff: KeysDifferential;
let primary: string;
let exported: Key;
const commits: Record<'s1' | 's2', string> = { s1: '', s2: '' };

beforeAll(() => {
  diff = keysDifferential();
  const { gpg } = diff;
  primary = gpg.genKey('Alice <alice@example.com>', 'ed25519', { usage: 'cert', at: KEYS_AT });
  gpg.run(['--quick-add-uid', primary, 'Bob <bob@example.com>'], { at: KEYS_AT + 5 });
  const jpeg = join(mkdtempSync(join(tmpdir(), 'gg-')), 'photo.jpg');
  writeFileSync(jpeg, Buffer.concat([Buffer.of(0xff, 0xd8, 0xff, 0xe0), Buffer.alloc(60, 7), Buffer.of(0xff, 0xd9)]));
  gpg.interactive(['--edit-key', primary, 'addphoto'], `${jpeg}\nsave\n`, KEYS_AT + 8);
  const s1 = gpg.addSubkey(primary, 'ed25519', { usage: 'sign', at: KEYS_AT + 10 });
  const s2 = gpg.addSubkey(primary, 'ed25519', { usage: 'sign', at: KEYS_AT + 20 });
  commits.s1 = signedCommitAt(diff.r, gpg, 'by s1', `${s1}!`, 'alice@example.com', SIGNED_AT);
  commits.s2 = signedCommitAt(diff.r, gpg, 'by s2', `${s2}!`, 'alice@example.com', SIGNED_AT);
  gpg.interactive(['--edit-key', primary, `key ${s2}`, 'revkey'], 'y\n0\n\ny\nsave\n', REVOKED_AT);
  gpg.run(['--quick-revoke-uid', primary, 'Alice <alice@example.com>'], { at: REVOKED_AT + 10 });
  exported = [];
  let subkeys = 0;
  for (const { tag, body } of packetFrames(gpg.exportPublic(primary))!) {
    const f = frame(tag, body);
    if (tag === 2) exported.at(-1)!.sigs.push(f);
    else {
      const name =
        tag === 6 ? 'primary' : tag === 17 ? 'photo' : tag === 14 ? `s${++subkeys}` : Buffer.from(body).toString();
      exported.push({ name: name.replace(/ <.*/, ''), head: f, sigs: [] });
    }
  }
}, 60_000);
afterAll(() => diff?.kill());

const part = (key: Key, name: string): Part => key.find((p) => p.name === name)!;
const copy = (key: Key): Key => key.map((p) => ({ ...p, sigs: [...p.sigs] }));

/** `key` with the signature of class `cls` under `from` put last under `to`. */
function moved(from: string, cls: number, to: string, key: Key = exported): Key {
  const out = copy(key);
  const f = part(out, from);
  const i = f.sigs.findIndex((s) => classOf(s) === cls);
  if (i < 0) throw new Error(`no signature of class ${cls.toString(16)} under ${from}`);
  part(out, to).sigs.push(...f.sigs.splice(i, 1));
  return out;
}

/** `key` with a second copy of subkey `name` after it: the first copy keeps `first` of its signatures, the second `second`. */
function twice(name: string, first: (s: Buffer) => boolean, second: (s: Buffer) => boolean): Key {
  const out = copy(exported);
  const at = out.findIndex((p) => p.name === name);
  const p = out[at]!;
  out.splice(at, 1, { ...p, sigs: p.sigs.filter(first) }, { ...p, sigs: p.sigs.filter(second) });
  return out;
}

const [BINDING, SUBKEY_REVOCATION, UID_REVOCATION, POSITIVE] = [0x18, 0x28, 0x30, 0x13];

interface Answer {
  s1: string;
  s2: string;
  signer: string;
  identities: string[];
}

/** git's letters and signer (gpg on a fresh keyring), and gpg's live user IDs' addresses. */
function theirs(keys: Buffer): Answer {
  const home = makeGpg(mkdtempSync(join(tmpdir(), 'gg-')));
  home.run(['--import'], { input: keys });
  const identities = home
    .run(['--list-keys', '--with-colons', primary])
    .toString()
    .split('\n')
    .filter((l) => l.startsWith('uid:') && !/^uid:[re]:/.test(l))
    .map((l) => /<([^>]*)>/.exec(l.split(':')[9]!)![1]!)
    .sort();
  home.kill();
  const [a, b] = [diff.git(keys, primary, commits.s1), diff.git(keys, primary, commits.s2)];
  return { s1: a.letter, s2: b.letter, signer: a.signer, identities };
}

async function ours(keys: Buffer): Promise<Answer> {
  const [a, b] = [await diff.ours(keys, commits.s1), await diff.ours(keys, commits.s2)];
  const ring = await loadKeyring([{ file: 'keys.gpg', data: keys }]);
  return { s1: a.letter, s2: b.letter, signer: a.signerUserId ?? '', identities: await ring.identities(primary) };
}

const CASES: Array<[string, () => Key, Partial<Answer>]> = [
  ['as gpg exported it (the twin)', () => exported, { s1: 'G', s2: 'R', identities: ['bob@example.com'] }],
  ["s2's revocation under s1", () => moved('s2', SUBKEY_REVOCATION, 's1'), { s2: 'R' }],
  ["s2's revocation under Bob's user ID", () => moved('s2', SUBKEY_REVOCATION, 'Bob'), { s2: 'R' }],
  [
    "Alice's revocation under Bob's user ID",
    () => moved('Alice', UID_REVOCATION, 'Bob'),
    { identities: ['bob@example.com'] },
  ],
  ["Alice's revocation under s1", () => moved('Alice', UID_REVOCATION, 's1'), { identities: ['bob@example.com'] }],
  ["Alice's revocation right after the primary key", () => moved('Alice', UID_REVOCATION, 'primary'), {}],
  ["s1's binding under Alice's user ID", () => moved('s1', BINDING, 'Alice'), { s1: 'G' }],
  [
    "Bob's certification under the photo ID",
    () => moved('Bob', POSITIVE, 'photo'),
    { signer: 'Bob <bob@example.com>' },
  ],
  [
    "s1's binding and s2's revocation swapped",
    () => moved('s2', SUBKEY_REVOCATION, 's1', moved('s1', BINDING, 's2')),
    {},
  ],
  // A subkey listed twice: the first copy gpg keeps speaks.
  [
    's2 twice, the first copy not revoked',
    () =>
      twice(
        's2',
        (s) => classOf(s) === BINDING,
        () => true,
      ),
    { s2: 'G' },
  ],
  [
    's2 twice, the first copy revoked (the twin)',
    () =>
      twice(
        's2',
        () => true,
        (s) => classOf(s) === BINDING,
      ),
    { s2: 'R' },
  ],
  [
    's2 twice, the first copy unbound',
    () =>
      twice(
        's2',
        () => false,
        (s) => classOf(s) === BINDING,
      ),
    { s2: 'G' },
  ],
  [
    's2 twice, the revocation alone in the second copy',
    () =>
      twice(
        's2',
        (s) => classOf(s) === BINDING,
        (s) => classOf(s) === SUBKEY_REVOCATION,
      ),
    { s2: 'G' },
  ],
];

describe('self-signatures placed under another part of the key, as gpg re-homes them', () => {
  test.each(CASES)('%s: git and gpg answer, gitguard the same', async (_name, make, expected) => {
    const keys = bytesOf(make());
    const git = theirs(keys);
    expect(git).toMatchObject(expected); // what gpg itself says of this shape
    expect(await ours(keys)).toEqual(git);
  });
});

// ---- generated rearrangements ----------------------------------------------------------------

const seed = Number(process.env.GITGUARD_PLACEMENT_SEED ?? 20261206);
const count = Number(process.env.GITGUARD_PLACEMENT_CASES ?? 8);

test(`generated placements: git's letters, signer and gpg's user IDs (seed ${seed}, ${count} keys)`, async () => {
  const names = exported.map((p) => p.name);
  const sigCount = exported.reduce((n, p) => n + p.sigs.length, 0);
  const cases = fc.sample(
    fc.record({
      // Where each signature goes: its own part (undefined) or another, first or last there.
      moves: fc.array(fc.option(fc.record({ to: fc.constantFrom(...names), first: fc.boolean() }), { freq: 2 }), {
        minLength: sigCount,
        maxLength: sigCount,
      }),
      // A subkey listed twice, each copy with some of its signatures.
      twice: fc.option(
        fc.record({
          name: fc.constantFrom('s1', 's2'),
          first: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
          second: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
        }),
      ),
    }),
    { seed, numRuns: count },
  );
  const divergences: string[] = [];
  for (const c of cases) {
    let key = copy(exported);
    if (c.twice) {
      const { name, first, second } = c.twice;
      key = twice(
        name,
        (s) => first[part(exported, name).sigs.indexOf(s)] ?? true,
        (s) => second[part(exported, name).sigs.indexOf(s)] ?? true,
      );
    }
    const all = key.flatMap((p) => p.sigs.map((s) => ({ s, from: p })));
    all.forEach(({ s, from }, i) => {
      const m = c.moves[i % c.moves.length];
      if (!m || m.to === from.name) return;
      from.sigs.splice(from.sigs.indexOf(s), 1);
      const to = key.find((p) => p.name === m.to)!;
      if (m.first) to.sigs.unshift(s);
      else to.sigs.push(s);
    });
    const keys = bytesOf(key);
    const git = theirs(keys);
    const got = await ours(keys);
    if (JSON.stringify(got) !== JSON.stringify(git))
      divergences.push(`${JSON.stringify(c)}: git ${JSON.stringify(git)}, ours ${JSON.stringify(got)}`);
  }
  expect(divergences).toEqual([]);
}, 600_000);
