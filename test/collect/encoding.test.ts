// The `encoding` header, byte for byte against git: for every encoding name gitguard reads and
// every byte 0x80-0xff, the author name gitguard judges must be the one `git log` shows (git
// converts with iconv), and where iconv rejects a byte (git then shows the raw bytes) gitguard
// must refuse the commit. Names gitguard does not know are refused whatever git does with them.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCommitObject } from '../../src/collect/commit-object.js';
import { cleanupTemp, makeRepo } from '../helpers/repo.js';

afterAll(cleanupTemp);

const ISO = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 13, 14, 15];
const CANONICAL = [
  ...ISO.map((n) => `ISO-8859-${n}`),
  ...[1250, 1251, 1252, 1253, 1254, 1255, 1256, 1257].map((n) => `windows-${n}`),
  'KOI8-R',
  'KOI8-U',
  'IBM866',
];
// Other spellings gitguard folds onto those: each must be one iconv accepts for the same table.
const SPELLINGS = [
  ...ISO.map((n) => `iso8859-${n}`),
  'latin1',
  'LATIN1',
  'cp1250',
  'CP1252',
  'Windows-1251',
  'cp866',
  'koi8-u',
  'utf8',
  'UTF-8',
  'utf-8',
];
// Spellings iconv does not know (or not for every table) are refused too, rather than guessed.
const REFUSED = [
  'ISO_8859-13',
  'iso-8859_1',
  'ISO_8859_2',
  'ISO-8859-01',
  'UTF-7',
  'utf7',
  'SHIFT_JIS',
  'UTF-16',
  'ISO-8859-11',
  'ISO-8859-16',
  'windows-1258',
  'macintosh',
  'latin-1',
  'ISO-8859-1 ',
  '',
  'x-unknown',
];

test('identities decode exactly as git log shows them, or the commit is refused', () => {
  const repo = makeRepo({ bare: true });
  const tree = repo.run(['hash-object', '-t', 'tree', '-w', '--stdin'], { input: '' });
  const cases: Array<{ encoding: string; byte: number; body: Buffer }> = [];
  const add = (encoding: string, byte: number): void => {
    const body = Buffer.concat([
      Buffer.from(`tree ${tree}\nauthor A`),
      Buffer.of(byte),
      Buffer.from(` <a@x> 1 +0000\ncommitter C <c@x> 1 +0000\nencoding ${encoding}\n\nm\n`),
    ]);
    cases.push({ encoding, byte, body });
  };
  for (const e of CANONICAL) for (let b = 0x80; b <= 0xff; b += 1) add(e, b);
  for (const e of [...SPELLINGS, ...REFUSED])
    for (const b of [0x80, 0x8d, 0xa4, 0xbe, 0xc0, 0xd0, 0xe9, 0xfe]) add(e, b);

  const paths = cases.map((c, i) => {
    const p = join(repo.home, `c${i}`);
    writeFileSync(p, c.body);
    return p;
  });
  const ids = repo
    .run(['hash-object', '-t', 'commit', '-w', '--literally', '--stdin-paths'], { input: paths.join('\n') + '\n' })
    .split('\n');
  // Bytes, not text: a byte iconv rejected comes out raw, and must be seen as such.
  const out = execFileSync('git', ['log', '--no-walk=unsorted', '--stdin', '--format=%an%x00'], {
    cwd: repo.dir,
    env: repo.env,
    input: ids.join('\n') + '\n',
    maxBuffer: 1 << 26,
  });
  const shown: Buffer[] = [];
  for (let pos = 0; pos < out.length;) {
    const nul = out.indexOf(0, pos);
    shown.push(out.subarray(pos, nul));
    pos = nul + 2;
  }

  const wrong: string[] = [];
  cases.forEach((c, i) => {
    const git = shown[i]!;
    const raw = git.length === 2 && git[1] === c.byte; // iconv failed: git printed the byte as is
    const ours = parseCommitObject(ids[i]!, c.body);
    const label = `${JSON.stringify(c.encoding)} byte ${c.byte.toString(16)}`;
    if (REFUSED.includes(c.encoding)) {
      if (!ours.malformed) wrong.push(`${label}: accepted, should be refused`);
    } else if (/^utf-?8$/i.test(c.encoding)) {
      if (ours.malformed) wrong.push(`${label}: refused a UTF-8 spelling`);
    } else if (raw) {
      if (!ours.malformed)
        wrong.push(`${label}: git shows the raw byte, gitguard decoded ${JSON.stringify(ours.author.name)}`);
    } else if (ours.malformed)
      wrong.push(`${label}: refused (${ours.malformed}), git shows ${JSON.stringify(git.toString('utf8'))}`);
    else if (ours.author.name !== git.toString('utf8'))
      wrong.push(`${label}: gitguard ${JSON.stringify(ours.author.name)}, git ${JSON.stringify(git.toString('utf8'))}`);
  });
  expect(wrong).toEqual([]);
  // Not vacuous: most bytes of the encodings we read are read.
  expect(
    cases.filter((c, i) => !REFUSED.includes(c.encoding) && !parseCommitObject(ids[i]!, c.body).malformed).length,
  ).toBeGreaterThan(CANONICAL.length * 100);
});
