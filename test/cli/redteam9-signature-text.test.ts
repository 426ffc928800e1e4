// The text of a commit's signature header as git reads it (commit.c parse_buffer_signed_by_header,
// gpg-interface.c get_format_by_sig), against a real gpg: alice's one good signature, moved or
// doubled inside the header, must never be G to gitguard when git says it is not (N, E or no format).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeRepo, cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { makeGpg, type Gpg } from '../helpers/gpg.js';
import { runMain } from '../helpers/cli.js';

afterAll(cleanupTemp);

interface Row {
  commit: string;
  letter: string;
  status: string;
}

let r: TestRepo;
let gpg: Gpg;
let keyring: string;
let raw: string;
let armor: string;
let payload: string;
const A = {} as { alice: string; mallory: string };

/** git's %G? for one commit, with the gpg home that trusts the test keys; "refused" when git stops
 *  at a signature in no format it knows (fatal: bad/incompatible signature). */
function gitLetter(oid: string): string {
  try {
    return execFileSync('git', ['rev-list', '--no-walk', '--format=%G?', oid], {
      cwd: r.dir,
      env: { ...r.env, GNUPGHOME: gpg.home },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
      .toString()
      .split('\n')[1]!;
  } catch (e) {
    if (/bad\/incompatible signature/.test(String((e as { stderr?: Buffer }).stderr))) return 'refused';
    throw e;
  }
}

const write = (body: string): string =>
  r.run(['hash-object', '-t', 'commit', '-w', '--literally', '--stdin'], { input: body });

/** The commit with `header` (already folded) put where git writes its signature, after committer. */
const withHeader = (header: string): string => payload.replace(/^(committer [^\n]*\n)/m, `$1${header}`);
/** `gpgsig <text>` folded as git folds it: each further line after one space. */
const gpgsig = (text: string, sep = ' '): string => `gpgsig${sep}${text.trimEnd().split('\n').join('\n ')}\n`;

async function ours(oid: string): Promise<Row> {
  const res = await runMain(['verify', '-C', r.dir, '--format', 'json', '--no-cache', '--keyring', keyring, oid], {
    env: r.env,
  });
  return (JSON.parse(res.stdout) as { commits: Row[] }).commits[0]!;
}

beforeAll(() => {
  r = makeRepo();
  gpg = makeGpg(mkdtempSync(join(tmpdir(), 'gg-')));
  A.alice = gpg.genKey('Alice <alice@example.com>', 'ed25519');
  A.mallory = gpg.genKey('Mallory <mallory@example.com>', 'ed25519');
  gpg.trust(A.alice, A.mallory);
  keyring = join(r.home, 'keys.gpg');
  writeFileSync(keyring, gpg.exportPublic(A.alice, A.mallory));
  r.run(['-c', `user.signingkey=${A.alice}`, 'commit', '-q', '--allow-empty', '-S', '-m', 'signed by alice'], {
    env: { GNUPGHOME: gpg.home },
  });
  raw = execFileSync('git', ['cat-file', 'commit', 'HEAD'], { cwd: r.dir, env: r.env }).toString();
  const m = /^gpgsig ([^\n]*\n(?: [^\n]*\n)*)/m.exec(raw)!;
  armor = m[1]!.replace(/\n /g, '\n');
  payload = raw.replace(m[0], '');
}, 60_000);

afterAll(() => gpg?.kill());

const sign = (key: string, data: string): string =>
  gpg.run(['--armor', '--detach-sign', '-u', key], { input: data }).toString();

test('the honest commit: G to git and to gitguard', async () => {
  const oid = r.head();
  expect(gitLetter(oid)).toBe('G');
  expect(await ours(oid)).toMatchObject({ letter: 'G', status: 'authorized' });
});

// [case, the header, git's letter (or refusal) measured with git 2.39.5 + gpg 2.2.40]
const cases: [string, () => string, string][] = [
  // "gpgsig" alone on its line, the armor on the continuation lines: git drops the header from the
  // payload but takes no signature from it (before: G, authorized).
  ['"gpgsig" with no space, the armor folded below it', () => gpgsig(`\n${armor}`, ''), 'N'],
  // "gpgsig " then the armor on the next line: the signature starts with a newline: git stops,
  // "bad/incompatible signature" (before: G, authorized: the format was read after trimming).
  ['"gpgsig " then the armor on the next line', () => gpgsig(`\n${armor}`), 'refused'],
  ['"gpgsig  " (two spaces) before the armor', () => gpgsig(` ${armor}`), 'refused'],
  // Two armored blocks: gpg verifies both and git says E; openpgp.js read the first only (before: G).
  ["alice's block twice", () => gpgsig(armor + armor), 'E'],
  ["alice's good block, then a bad one", () => gpgsig(armor + sign(A.alice, `${payload}x`)), 'E'],
  ["mallory's good block, then alice's", () => gpgsig(sign(A.mallory, payload) + armor), 'E'],
];

test.each(cases)('%s: gitguard says E, never G', async (_name, header, git) => {
  const oid = write(withHeader(header()));
  expect(gitLetter(oid)).toBe(git);
  const v = await ours(oid);
  expect(v.letter).toBe('E');
  expect(v.status).toBe('cannot-check');
});

test('twins that git still calls G stay G: text after the block, an armor header, no checksum', async () => {
  const lines = armor.trimEnd().split('\n');
  for (const text of [
    `${armor}not armor\n`,
    armor.replace('-----\n\n', '-----\nComment: a comment\n\n'),
    `${lines.filter((l) => !/^=/.test(l)).join('\n')}\n`,
  ]) {
    const oid = write(withHeader(gpgsig(text)));
    expect(gitLetter(oid)).toBe('G');
    expect(await ours(oid)).toMatchObject({ letter: 'G', status: 'authorized' });
  }
});
