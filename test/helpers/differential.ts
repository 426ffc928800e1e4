// The differential property behind test/collect/object-differential.test.ts (and the long run in
// scripts/differential.mjs): fast-check writes commit and tag objects with permuted, duplicated,
// misplaced, re-encoded, NUL-carrying and malformed headers into a real repository, git says what
// it reads in each (one `git log --no-walk --stdin` for the commits, one `git for-each-ref` for the
// tags), and gitguard's parser must read the same parents, identities, dates and message, or refuse
// the object. Objects an honest git writes must never be refused.
import fc from 'fast-check';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCommitObject } from '../../src/collect/commit-object.js';
import { parseTagObject } from '../../src/collect/tag-object.js';
import { commitSignature } from '../../src/collect/signatures/verify.js';
import { signatureFormat } from '../../src/domain/signature.js';
import type { TestRepo } from './repo.js';
import { gitSignedBytes, type GitSigned, type SignedBytes } from './signed-bytes.js';

export interface Case {
  kind: 'commit' | 'tag';
  body: Buffer;
  /** What was done to a well-formed object (empty: an object git itself could have written). */
  mutations: string[];
}

export interface Outcome {
  cases: number;
  refused: number;
  /** Well-formed objects gitguard refused (must be none). */
  honestRefused: string[];
  divergences: string[];
}

const B = (s: string): Buffer => Buffer.from(s, 'latin1');

// Encodings as `encoding` headers spell them: ones gitguard reads, UTF-8 spellings, and ones it must refuse.
const ENCODINGS = [
  'UTF-8',
  'utf8',
  'ISO-8859-1',
  'latin1',
  'ISO8859-9',
  'iso-8859-15',
  'windows-1252',
  'CP1251',
  'KOI8-R',
  'ISO-8859-7',
  'UTF-7',
  'SHIFT_JIS',
  'UTF-16',
  'ebcdic-nope',
  '',
];
const HONEST_ENCODINGS = new Set(['UTF-8', 'utf8', 'ISO-8859-1', 'latin1']);

/** A name or e-mail: mostly plain, sometimes with high bytes, brackets or UTF-7 shifts. */
const text = (min: number): fc.Arbitrary<Buffer> =>
  fc
    .array(
      fc.oneof(
        { weight: 40, arbitrary: fc.constantFrom('a', 'l', 'i', 'c', 'e', 'M', '.', '-', '@', 'x') },
        { weight: 1, arbitrary: fc.constantFrom(' ', '\t', '<', '>', '+ADw-', '+AD4-', '+AAo-', '\r', '"') },
        { weight: 2, arbitrary: fc.integer({ min: 0x80, max: 0xff }).map((b) => String.fromCharCode(b)) },
        {
          weight: 1,
          arbitrary: fc.constantFrom('\u00e9', '\u00fc').map((c) => Buffer.from(c, 'utf8').toString('latin1')),
        },
      ),
      { minLength: min, maxLength: 12 },
    )
    .map((parts) => B(parts.join('')));

const date = fc.oneof(
  { weight: 20, arbitrary: fc.integer({ min: 0, max: 4_000_000_000 }).map(String) },
  { weight: 1, arbitrary: fc.constantFrom('', '0001700000000', '99999999999999999999', '17e8') },
);
const tz = fc.oneof(
  { weight: 20, arbitrary: fc.constantFrom('+0000', '-0500', '+0530', '+1400') },
  { weight: 1, arbitrary: fc.constantFrom('', '+', 'Z', '0000') },
);

interface Ident {
  bytes: Buffer;
  honest: boolean;
}
const ident: fc.Arbitrary<Ident> = fc
  .record({ name: text(0), email: text(1), date, tz, shape: fc.nat(20) })
  .map(({ name, email, date: d, tz: z, shape }) => {
    const plain = !/[<>\n]/.test(name.toString('latin1')) && !/[<>\n]/.test(email.toString('latin1'));
    const honest =
      plain && /^(0|[1-9]\d{0,14})$/.test(d) && /^[+-]\d{4}$/.test(z) && !/^\s|\s$/.test(name.toString('latin1'));
    if (shape === 0) return { bytes: Buffer.concat([name, B(` ${d} ${z}`)]), honest: false }; // no e-mail
    if (shape === 1)
      return { bytes: Buffer.concat([name, B(' <'), email, B('> <'), email, B(`> ${d} ${z}`)]), honest: false };
    return { bytes: Buffer.concat([name, B(' <'), email, B(`> ${d} ${z}`)]), honest };
  });

const message = fc
  .array(
    fc.oneof(
      { weight: 5, arbitrary: fc.constantFrom('fix', ' ', 'the', '\n', 'bug', '\n\n', 'tree x', 'author y') },
      { weight: 1, arbitrary: fc.integer({ min: 0x80, max: 0xff }).map((b) => String.fromCharCode(b)) },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          '-----BEGIN PGP SIGNATURE-----\n',
          '-----BEGIN SSH SIGNATURE-----\n',
          '-----END PGP SIGNATURE-----\n',
        ),
      },
    ),
    { maxLength: 12 },
  )
  .map((p) => B(p.join('')));

const SIG = '-----BEGIN PGP SIGNATURE-----\n \n iQEzBAABCAAdFiEE\n =abcd\n -----END PGP SIGNATURE-----';
// Signature headers beside (or instead of) git's one: repeated, bare, other formats, odd ends.
const SIG_HEADERS = [
  `gpgsig ${SIG.replace('iQEz', 'iQE0')}`,
  `gpgsig\n ${SIG}`,
  'gpgsig -----BEGIN SSH SIGNATURE-----\n U1NIU0lH\n -----END SSH SIGNATURE-----',
  'gpgsig -----BEGIN SIGNED MESSAGE-----\n MIAG\n -----END SIGNED MESSAGE-----',
  `gpgsig ${SIG}\n `,
  `gpgsig ${SIG}\n  indented`,
  'gpgsig-sha256 x',
  'gpgsig\tx',
  'gpgsig-sha1 x',
];

/** Line-level damage: what an attacker (or a buggy tool) can do to a header. */
type Mutation = (lines: Buffer[], ids: string[], rnd: number[]) => string;
const MUTATIONS: Mutation[] = [
  (l, _i, r) => {
    const a = r[0]! % l.length;
    const b = r[1]! % l.length;
    [l[a], l[b]] = [l[b]!, l[a]!];
    return `swap ${a} ${b}`;
  },
  (l, _i, r) => {
    const a = r[0]! % l.length;
    l.splice(r[1]! % (l.length + 1), 0, l[a]!);
    return `duplicate ${a}`;
  },
  (l, ids, r) => {
    l.splice(r[1]! % (l.length + 1), 0, B(`parent ${ids[r[0]! % ids.length]}`));
    return 'misplaced parent';
  },
  (l, _i, r) => {
    l.splice(r[0]! % l.length, 1);
    return 'drop a line';
  },
  (l, _i, r) => {
    l.splice(r[1]! % (l.length + 1), 0, B(' continued'));
    return 'stray continuation line';
  },
  (l, _i, r) => {
    const a = r[0]! % l.length;
    const line = l[a]!;
    const at = r[1]! % (line.length + 1);
    l[a] = Buffer.concat([line.subarray(0, at), Buffer.of(0), line.subarray(at)]);
    return `NUL in line ${a}`;
  },
  (l, _i, r) => {
    const a = r[0]! % l.length;
    l[a] = B(l[a]!.toString('latin1').toUpperCase());
    return `upper-case line ${a}`;
  },
  (l, _i, r) => {
    const a = r[0]! % l.length;
    l[a] = l[a]!.subarray(0, Math.max(0, l[a]!.length - 1 - (r[1]! % 3)));
    return `truncate line ${a}`;
  },
  (l, _i, r) => {
    l.splice(
      r[1]! % (l.length + 1),
      0,
      B(
        ['author', 'committer', 'tagger', 'encoding UTF-7', 'gpgsig x', 'gpgsigx y', 'tree', 'type commit'][r[0]! % 8]!,
      ),
    );
    return 'extra core-looking header';
  },
  (l, _i, r) => {
    // A CR git keeps as a byte of the line: at its end (a CRLF object), or inside it.
    const a = r[0]! % l.length;
    const line = l[a]!;
    const at = r[1]! % 2 ? line.length : r[1]! % (line.length + 1);
    l[a] = Buffer.concat([line.subarray(0, at), B('\r'), line.subarray(at)]);
    return `CR in line ${a}`;
  },
];

const mutationList = fc.oneof(
  { weight: 1, arbitrary: fc.constant([] as Array<[number, number, number]>) },
  {
    weight: 1,
    arbitrary: fc.array(fc.tuple(fc.nat(MUTATIONS.length - 1), fc.nat(1000), fc.nat(1000)), {
      minLength: 1,
      maxLength: 2,
    }),
  },
);

function applyMutations(lines: Buffer[], ids: string[], list: Array<[number, number, number]>): string[] {
  return list.map(([m, a, b]) => MUTATIONS[m]!(lines, ids, [a, b]));
}

/** Commit objects over the given tree, with parents drawn from `ids`. */
export function commitCase(tree: string, ids: string[]): fc.Arbitrary<Case> {
  return fc
    .record({
      parents: fc.array(fc.constantFrom(...ids), { maxLength: 3 }),
      author: ident,
      committer: ident,
      encoding: fc.option(fc.constantFrom(...ENCODINGS), { freq: 1 }),
      signed: fc.boolean(),
      sigHeaders: fc.oneof(
        { weight: 3, arbitrary: fc.constant([] as string[]) },
        { weight: 1, arbitrary: fc.subarray(SIG_HEADERS, { minLength: 1, maxLength: 2 }) },
      ),
      headerOnly: fc.nat(9),
      extra: fc.subarray(
        [
          'HG:extra x',
          'mergetag object ' + ids[0] + '\n type commit\n tag v1\n tagger T <t@x> 1 +0000\n \n msg',
          'x-custom value\n more',
          // the other object format's signature (git writes both with extensions.compatObjectFormat)
          `${tree.length === 64 ? 'gpgsig' : 'gpgsig-sha256'} -----BEGIN SSH SIGNATURE-----\n abc\n -----END SSH SIGNATURE-----`,
        ],
        { maxLength: 2 },
      ),
      message,
      mutations: mutationList,
      utf7attack: fc.nat(15),
    })
    .map((c) => {
      const lines = [
        B(`tree ${tree}`),
        ...c.parents.map((p) => B(`parent ${p}`)),
        Buffer.concat([B('author '), c.author.bytes]),
        Buffer.concat([B('committer '), c.committer.bytes]),
      ];
      let encoding = c.encoding;
      if (c.utf7attack === 0) {
        // issue 11, finding 3: git log shows "Alice <alice@example.com>" for this committer.
        encoding = 'UTF-7';
        lines[lines.length - 1] = B('committer Alice +ADw-alice@example.com+AD4- <mallory@evil.test> 1700000000 +0000');
      }
      if (encoding !== null) lines.push(B(`encoding ${encoding}`));
      for (const e of c.extra) lines.push(B(e));
      // The header git signs with in this object format (a SHA-256 tree id: gpgsig-sha256).
      if (c.signed) lines.push(B(`${tree.length === 64 ? 'gpgsig-sha256' : 'gpgsig'} ${SIG}`));
      for (const h of c.sigHeaders) lines.splice(lines.length - (c.signed && c.headerOnly % 2 ? 1 : 0), 0, B(h));
      const done = applyMutations(lines, c.parents.length ? c.parents : ids, c.mutations);
      if (c.sigHeaders.length) done.push('extra signature headers');
      const honest =
        c.author.honest &&
        c.committer.honest &&
        c.utf7attack !== 0 &&
        (encoding === null || HONEST_ENCODINGS.has(encoding));
      if (!honest) done.push('unusual identity or encoding');
      // Now and then an object that ends in its header (no blank line, no message, no last newline).
      const body =
        c.headerOnly === 0
          ? B(lines.map((l) => l.toString('latin1')).join('\n'))
          : Buffer.concat([...lines.flatMap((l) => [l, B('\n')]), B('\n'), c.message]);
      if (c.headerOnly === 0) done.push('no message');
      return { kind: 'commit' as const, body, mutations: done };
    });
}

/** Tag objects naming the given commit. */
export function tagCase(target: string): fc.Arbitrary<Case> {
  return fc
    .record({
      type: fc.oneof(
        { weight: 8, arbitrary: fc.constant('commit') },
        { weight: 1, arbitrary: fc.constantFrom('nonsense', '', 'commit ') },
      ),
      name: text(1),
      tagger: fc.option(ident, { freq: 8 }),
      extra: fc.array(
        fc.constantFrom(
          'encoding ISO-8859-1',
          'x-custom value',
          '-----BEGIN PGP SIGNATURE-----',
          'gpgsig x\n y', // git cuts it from the payload it verifies (commit.c remove_signature)
          'gpgsig-sha256 x',
        ),
        { maxLength: 2 },
      ),
      message,
      signature: fc.option(
        fc.constantFrom(
          '-----BEGIN PGP SIGNATURE-----\n\niQ==\n-----END PGP SIGNATURE-----\n',
          '-----BEGIN SSH SIGNATURE-----\nU1NI\n-----END SSH SIGNATURE-----\n',
          '-----BEGIN PGP MESSAGE-----x\n',
        ),
        { freq: 2 },
      ),
      mutations: mutationList,
    })
    .map((t) => {
      const lines = [B(`object ${target}`), B(`type ${t.type}`), Buffer.concat([B('tag '), t.name])];
      if (t.tagger) lines.push(Buffer.concat([B('tagger '), t.tagger.bytes]));
      for (const e of t.extra) lines.push(B(e));
      const done = applyMutations(lines, [target], t.mutations);
      const nameOk = !/[\s<>]/.test(t.name.toString('latin1'));
      if (t.type !== 'commit' || !nameOk || (t.tagger && !t.tagger.honest) || t.extra.some((e) => e.startsWith('-')))
        done.push('unusual type, name, tagger or header');
      // git tag has written a tagger since 2005, and git checks no signature (in the message too) without one.
      if (!t.tagger) done.push('no tagger');
      const body = Buffer.concat([
        ...lines.flatMap((l) => [l, B('\n')]),
        B('\n'),
        t.message,
        t.message.length && t.message[t.message.length - 1] !== 10 ? B('\n') : B(''),
        B(t.signature ?? ''),
      ]);
      return { kind: 'tag' as const, body, mutations: done };
    });
}

/** Fields split from `git ... --format` output: `count` NUL-terminated fields per record, records ending in "\n". */
function records(out: Buffer, count: number): Buffer[][] {
  const rows: Buffer[][] = [];
  let pos = 0;
  while (pos < out.length) {
    const row: Buffer[] = [];
    for (let i = 0; i < count; i += 1) {
      const nul = out.indexOf(0, pos);
      if (nul === -1) throw new Error('short record from git');
      row.push(out.subarray(pos, nul));
      pos = nul + 1;
    }
    if (out[pos] === 10) pos += 1;
    rows.push(row);
  }
  return rows;
}

const COMMIT_FORMAT = ['%H', '%P', '%an', '%ae', '%at', '%cn', '%ce', '%ct', '%B'];
const TAG_FORMAT = [
  '%(objectname)',
  '%(object)',
  '%(type)',
  '%(tag)',
  '%(taggername)',
  '%(taggeremail:trim)',
  '%(taggerdate:unix)',
  '%(contents)',
  '%(contents:signature)',
];

/** What git reads in each object; undefined where git refuses to read it. Bisects when a batch fails. */
function askGit(repo: TestRepo, ids: string[], kind: 'commit' | 'tag'): Array<Buffer[] | undefined> {
  if (!ids.length) return [];
  try {
    if (kind === 'commit') {
      const out = execFileSync(
        'git',
        ['log', '--no-walk=unsorted', '--stdin', `--format=${COMMIT_FORMAT.map((f) => `${f}%x00`).join('')}`],
        {
          cwd: repo.dir,
          env: repo.env,
          input: ids.join('\n') + '\n',
          stdio: ['pipe', 'pipe', 'pipe'],
          maxBuffer: 1 << 28,
        },
      );
      const rows = records(out, COMMIT_FORMAT.length);
      if (rows.length !== ids.length) throw new Error('git skipped an object');
      return rows;
    }
    const refs = ids.map((id) => `refs/tags/d/${id}`);
    const out = execFileSync(
      'git',
      ['for-each-ref', `--format=${TAG_FORMAT.map((f) => `${f}%00`).join('')}`, ...refs],
      { cwd: repo.dir, env: repo.env, stdio: ['pipe', 'pipe', 'pipe'], maxBuffer: 1 << 28 },
    );
    const rows = records(out, TAG_FORMAT.length);
    const byId = new Map(rows.map((r) => [r[0]!.toString(), r]));
    if (rows.length !== ids.length) throw new Error('git skipped an object');
    return ids.map((id) => byId.get(id));
  } catch {
    if (ids.length === 1) return [undefined];
    const half = ids.length >> 1;
    return [...askGit(repo, ids.slice(0, half), kind), ...askGit(repo, ids.slice(half), kind)];
  }
}

const show = (b: Buffer): string => JSON.stringify(b.toString('latin1'));

/** Writes the cases into `repo`, asks git, compares; returns what diverged. */
export function runDifferential(repo: TestRepo, cases: Case[], scratch: string): Outcome {
  mkdirSync(scratch, { recursive: true });
  const outcome: Outcome = { cases: cases.length, refused: 0, honestRefused: [], divergences: [] };
  for (const kind of ['commit', 'tag'] as const) {
    const mine = cases.filter((c) => c.kind === kind);
    if (!mine.length) continue;
    const paths = mine.map((c, i) => {
      const p = join(scratch, `${kind}-${i}`);
      writeFileSync(p, c.body);
      return p;
    });
    const ids = execFileSync('git', ['hash-object', '-t', kind, '-w', '--literally', '--stdin-paths'], {
      cwd: repo.dir,
      env: repo.env,
      input: paths.join('\n') + '\n',
    })
      .toString()
      .trim()
      .split('\n');
    if (kind === 'tag') {
      // Loose ref files: update-ref parses a tag before naming it, and refuses the broken ones.
      mkdirSync(join(repo.dir, 'refs', 'tags', 'd'), { recursive: true });
      for (const id of ids) writeFileSync(join(repo.dir, 'refs', 'tags', 'd', id), `${id}\n`);
    }
    const seen = new Map<string, Buffer[] | undefined>();
    const signed = new Map<string, GitSigned>();
    const unique = [...new Set(ids)];
    askGit(repo, unique, kind).forEach((row, i) => seen.set(unique[i]!, row));
    gitSignedBytes(repo, unique, kind, scratch).forEach((b, i) => signed.set(unique[i]!, b));
    mine.forEach((c, i) => {
      const id = ids[i]!;
      const git = seen.get(id);
      const label = `${kind} ${id} [${c.mutations.join('; ') || 'well-formed'}] ${show(c.body)}`;
      const diff =
        kind === 'commit'
          ? (compareCommit(id, c.body, git) ?? compareSigned(id, c.body, kind, signed.get(id)!))
          : (compareTag(id, c.body, git) ?? compareSigned(id, c.body, kind, signed.get(id)!));
      if (diff === 'refused') {
        outcome.refused += 1;
        if (!c.mutations.length) outcome.honestRefused.push(`${label}: refused: ${refusal(kind, id, c.body)}`);
      } else if (diff) outcome.divergences.push(`${label}: ${diff}`);
    });
  }
  return outcome;
}

function refusal(kind: 'commit' | 'tag', id: string, body: Buffer): string | undefined {
  return kind === 'commit' ? parseCommitObject(id, body).malformed : parseTagObject(id, body).malformed;
}

/** 'refused', a description of the first divergence, or undefined when gitguard reads what git reads. */
function compareCommit(id: string, body: Buffer, git: Buffer[] | undefined): string | undefined {
  const c = parseCommitObject(id, body);
  if (c.malformed) return 'refused';
  if (!git) return 'git cannot read this commit, gitguard accepted it';
  const [, parents, an, ae, at, cn, ce, ct, msg] = git.map((b) => b.toString('utf8'));
  const diffs: string[] = [];
  const eq = (what: string, ours: string, theirs: string | undefined): void => {
    if (ours !== theirs) diffs.push(`${what}: gitguard ${JSON.stringify(ours)}, git ${JSON.stringify(theirs)}`);
  };
  eq('parents', c.parents.join(' '), parents);
  eq('author name', c.author.name, an);
  eq('author email', c.author.email, ae);
  eq('author date', String(c.author.time), at);
  eq('committer name', c.committer.name, cn);
  eq('committer email', c.committer.email, ce);
  eq('committer date', String(c.committer.time), ct);
  eq('message', c.message, msg);
  return diffs.length ? diffs.join('; ') : undefined;
}

function compareTag(id: string, body: Buffer, git: Buffer[] | undefined): string | undefined {
  const t = parseTagObject(id, body);
  if (t.malformed) return 'refused';
  if (!git) return 'git cannot read this tag, gitguard accepted it';
  const [, object, type, name, tn, te, td, contents, sig] = git.map((b) => b.toString('utf8'));
  const diffs: string[] = [];
  const eq = (what: string, ours: string, theirs: string | undefined): void => {
    if (ours !== theirs) diffs.push(`${what}: gitguard ${JSON.stringify(ours)}, git ${JSON.stringify(theirs)}`);
  };
  eq('object', t.object, object);
  eq('type', t.type, type);
  eq('name', t.name, name);
  eq('tagger name', t.tagger?.name ?? '', tn);
  eq('tagger email', t.tagger?.email ?? '', te);
  eq('tagger date', t.tagger ? String(t.tagger.time) : '', td);
  // %(contents) starts after the blank lines that follow the header and runs on through the signature.
  eq('message and signature', (t.message + (t.signature ?? '')).replace(/^\n+/, ''), contents);
  eq('signature', t.signature ?? '', sig);
  return diffs.length ? diffs.join('; ') : undefined;
}

/**
 * The bytes gitguard verifies against those git hands to gpg/ssh-keygen: the same payload and
 * signature, or no signature on either side (a signature header for the other object format is one
 * to gitguard, which says E, and none to git). A signature git cannot tell the format of stops git
 * (`bad/incompatible signature`); gitguard must then have no format for it either (E).
 */
function compareSigned(id: string, body: Buffer, kind: 'commit' | 'tag', git: GitSigned): string | undefined {
  let ours: { payload: Buffer; armored: string } | undefined;
  let sent: SignedBytes | undefined; // what the verification pool is handed instead (CommitRecord.writeSigned)
  if (kind === 'commit') {
    const c = parseCommitObject(id, body);
    const sig = commitSignature(c);
    ours = sig && 'armored' in sig ? { payload: c.payload, armored: sig.armored } : undefined;
    const into = Buffer.alloc(c.signedMaxBytes ?? 0);
    const ends: number[] = [];
    if (c.writeSigned?.(into, 0, ends))
      sent = { payload: into.subarray(0, ends[0]), signature: into.subarray(ends[0], ends[1]) };
    if (!ours !== !sent)
      return `the pool is handed ${sent ? 'a' : 'no'} signature, the main thread checks ${ours ? 'one' : 'none'}`;
  } else {
    const t = parseTagObject(id, body);
    ours = t.signature === undefined ? undefined : { payload: t.payload, armored: t.signature };
  }
  if (git === 'dies')
    return ours && signatureFormat(ours.armored) !== 'unknown'
      ? `git stops on this signature, gitguard checks it as ${signatureFormat(ours.armored)}`
      : undefined;
  if (git === 'none') return ours ? 'git checks no signature, gitguard checks one' : undefined;
  if (!ours) return 'git checks a signature, gitguard none';
  const diffs: string[] = [];
  if (!ours.payload.equals(git.payload))
    diffs.push(`signed payload: gitguard ${show(ours.payload)}, git ${show(git.payload)}`);
  // gitguard reads the armour as UTF-8 text: a byte that is not UTF-8 is one U+FFFD, which no armour
  // reader takes for base64, as gpg skips the byte ("invalid radix64 character skipped").
  const theirs = git.signature.toString('utf8');
  if (ours.armored !== theirs)
    diffs.push(`signature: gitguard ${JSON.stringify(ours.armored)}, git ${JSON.stringify(theirs)}`);
  // The pool's bytes are git's own, byte for byte (the worker decodes them as the main thread does).
  if (sent && !sent.payload.equals(git.payload))
    diffs.push(`payload sent to the pool: ${show(sent.payload)}, git ${show(git.payload)}`);
  if (sent && !sent.signature.equals(git.signature))
    diffs.push(`signature sent to the pool: ${show(sent.signature)}, git ${show(git.signature)}`);
  return diffs.length ? diffs.join('; ') : undefined;
}

/** Case generators over a fresh repository: a tree, two commits to name as parents, a tag target. */
export function seedRepository(repo: TestRepo): { commits: fc.Arbitrary<Case>; tags: fc.Arbitrary<Case> } {
  const tree = repo.run(['hash-object', '-t', 'tree', '-w', '--stdin'], { input: '' });
  const a = repo.run(['commit-tree', tree, '-m', 'a']);
  const b = repo.run(['commit-tree', tree, '-p', a, '-m', 'b']);
  return { commits: commitCase(tree, [a, b]), tags: tagCase(b) };
}

/** `count` cases from a fixed seed: commits and tags, three to one. */
export function sampleCases(repo: TestRepo, seed: number, count: number): Case[] {
  const { commits, tags } = seedRepository(repo);
  return fc.sample(fc.oneof({ weight: 3, arbitrary: commits }, { weight: 1, arbitrary: tags }), {
    seed,
    numRuns: count,
  });
}
