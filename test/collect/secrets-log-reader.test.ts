// The secrets scan reads the next chunk's `git log -p` while the current one is still being read,
// its files kept aside (deferred) until the chunk before is done. Differential: on random small
// histories (merges, a file reverted to an earlier version, one blob under two names, binaries,
// deletions, renames and new files (named with tokens too), tokens and a private key block), the facts are the same whether every chunk
// is read directly in turn or each one deferred and switched at a random point of its output,
// with git's output cut into random pieces (mid-line too). Seeded: the same cases on every run.
import { execFileSync } from 'node:child_process';
import { LogReader } from '../../src/collect/secrets/log-reader.js';
import { ScanTally } from '../../src/collect/secrets/scan-tally.js';
import { FILE_NAME } from '../../src/domain/content.js';
import { keyEdit, newBlobAt } from '../../src/collect/secrets/diff-lines.js';
import { SecretDetector } from '../../src/collect/secrets/detect.js';
import { logArgs, scanSecrets } from '../../src/collect/secrets/scan.js';
import { discoverRepository } from '../../src/collect/repository.js';
import type { SecretsFacts } from '../../src/domain/content.js';
import { makeRepo, cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { emptySecretsFacts, rng, TokenFactory } from '../helpers/secrets.js';
import { GitScript } from '../helpers/git-script.js';

afterAll(cleanupTemp);

const emptyFacts = (): SecretsFacts => emptySecretsFacts();

/** A random history of `n` commits on two branches, merged now and then. */
function randomHistory(seed: number, n: number): TestRepo {
  const rand = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const tokens = new TokenFactory(seed);
  const all = tokens.all();
  const key = `-----BEGIN ${'PRIVATE KEY'}-----\n${tokens.base64(64)}\n${tokens.base64(40)}\n-----END ${'PRIVATE KEY'}-----\n`;
  // A few contents, so that blobs repeat across commits, files and branches.
  const contents = [
    'plain\n',
    'plain\nmore\n',
    `T=${pick(Object.values(all))}\n`,
    `a\nb\nT=${pick(Object.values(all))}\nc\n`,
    key,
    `x\n${key}y\n`,
    `N=${pick(Object.values(all))}\nplain\n`,
  ];
  const r = makeRepo();
  r.commit('base', { 'main.txt': 'start\n', 'shared.txt': 'plain\n' });
  // The rest from one shell (GitScript): the same gits, in the same order, as one fork each before.
  const s = new GitScript(r);
  s.git(['branch', 'side']);
  let branch = 'main';
  s.git(['checkout', '-q', '-B', 'main']);
  // The changes are dated as repo.commit dates its own: a minute after its last one (the base, the first).
  let tick = 1;
  for (let i = 0; i < n; i += 1) {
    const roll = rand();
    if (roll < 0.15) {
      branch = branch === 'main' ? 'side' : 'main';
      s.git(['checkout', '-q', branch]);
      continue;
    }
    if (roll < 0.27 && branch === 'main') {
      // A merge; now and then the merge adds a line of its own (scanned at the merge, --cc).
      s.git(['merge', '-q', '--no-commit', '--no-ff', '-X', 'theirs', 'side']);
      if (rand() < 0.5) s.write({ 'main.txt': `merged ${i}\nM=${tokens.checksummed('npm_')}\n` });
      s.git(['add', '-A']);
      s.git(['commit', '-q', '--allow-empty', '-m', `merge ${i}`]);
      continue;
    }
    const prefix = branch === 'main' ? 'm' : 's';
    const file = `${prefix}${Math.floor(rand() * 4)}.txt`;
    if (roll < 0.35) {
      s.remove(file);
      s.git(['add', '-A']);
      s.git(['commit', '-q', '--allow-empty', '-m', `remove ${i}`]);
    } else if (roll < 0.4) {
      // Now and then to a name holding a token (a name a commit gives is scanned: redteam53).
      const named = rand() < 0.5 ? `-${tokens.checksummed(`gh${'p'}_`)}` : '';
      s.git(['mv', '-k', file, `${prefix}-moved${named}-${i}.txt`]);
      s.git(['commit', '-q', '--allow-empty', '-m', `move ${i}`]);
    } else if (roll < 0.45) {
      const named = rand() < 0.5 ? `-${tokens.checksummed(`gh${'o'}_`)}` : '';
      s.write({ [`${prefix}${i}${named}.bin`]: Buffer.from([0, 1, 2, i & 0xff, 0x0a]) });
      s.git(['add', '-A']);
      s.git(['commit', '-q', '-m', `binary ${i}`]);
    } else {
      s.write({ [file]: pick(contents), ...(rand() < 0.3 ? { 'shared.txt': pick(contents) } : {}) });
      tick += 1;
      const date = new Date(Date.UTC(2024, 0, 1) + tick * 60_000).toISOString();
      s.git(['add', '-A']);
      s.git(['commit', '-q', '-m', `change ${i}`, '--allow-empty'], {
        GIT_AUTHOR_DATE: date,
        GIT_COMMITTER_DATE: date,
      });
    }
  }
  s.git(['checkout', '-q', 'main']);
  s.run();
  return r;
}

/** The output cut into pieces of random sizes (1 to 200 bytes): lines split across reads. */
function pieces(out: Buffer, rand: () => number): Buffer[] {
  const ps: Buffer[] = [];
  for (let at = 0; at < out.length;) {
    const n = 1 + Math.floor(rand() * 200);
    ps.push(out.subarray(at, at + n));
    at += n;
  }
  return ps;
}

// `npm test` runs three fixed seeds; scripts/differential.mjs runs more from a random first seed
// (GITGUARD_SCAN_SEED, GITGUARD_SCAN_HISTORIES), for as long as asked.
const FIRST_SEED = Number(process.env.GITGUARD_SCAN_SEED ?? 1);
const HISTORIES = Number(process.env.GITGUARD_SCAN_HISTORIES ?? 3);
/** The fixed seeds are chosen to reach repeated blobs and leaks; a random one may reach neither. */
const FIXED_SEEDS = process.env.GITGUARD_SCAN_SEED === undefined;

describe('a deferred log reader gives the facts of reading every chunk in turn', () => {
  for (const seed of Array.from({ length: HISTORIES }, (_, i) => FIRST_SEED + i)) {
    test(`seed ${seed}`, async () => {
      const r = randomHistory(seed, 40);
      const rand = rng(seed * 7919);
      const list = execFileSync('git', ['-C', r.dir, 'rev-list', '--topo-order', '--reverse', 'HEAD'])
        .toString()
        .trim()
        .split('\n');
      // Random chunk sizes: each chunk is one git log, as the scan runs them.
      const chunks: string[][] = [];
      for (let at = 0; at < list.length;) {
        const n = 1 + Math.floor(rand() * 8);
        chunks.push(list.slice(at, at + n));
        at += n;
      }
      const outs = chunks.map((c) =>
        execFileSync('git', ['-C', r.dir, ...logArgs(8 * 1024 * 1024)], { input: `${c.join('\n')}\n` }),
      );
      const readDirect = (detector: SecretDetector): ScanTally => {
        const tally = new ScanTally(emptyFacts());
        for (const out of outs) {
          const reader = new LogReader(tally, detector);
          for (const p of pieces(out, rand)) reader.read(p);
          reader.end();
        }
        return tally;
      };
      const detector = new SecretDetector({ entropy: seed % 2 === 0 });
      // Every chunk read directly, one after the other.
      const direct = readDirect(detector);

      // Each later chunk deferred while the one before is read, switched at a random point.
      const overlapped = new ScanTally(emptyFacts());
      let current = new LogReader(overlapped, detector);
      let left = pieces(outs[0]!, rand);
      let ended = false;
      for (let i = 0; i < outs.length; i += 1) {
        const next = i + 1 < outs.length ? new LogReader(overlapped, detector, true) : undefined;
        let nextLeft = next ? pieces(outs[i + 1]!, rand) : [];
        let nextEnded = false;
        while (left.length || !ended) {
          if (next && rand() < 0.5 && (nextLeft.length || !nextEnded)) {
            // The next git's output comes in (or it exits) while this one is still read.
            if (nextLeft.length) next.read(nextLeft.shift()!);
            else {
              next.end();
              nextEnded = true;
            }
          } else if (left.length) current.read(left.shift()!);
          else {
            current.end();
            ended = true;
          }
        }
        if (!next) break;
        expect(next.deferred).toBe(true);
        next.goDirect();
        expect(next.deferred).toBe(false);
        current = next;
        left = nextLeft;
        ended = nextEnded;
        nextLeft = [];
      }
      expect(overlapped.facts).toEqual(direct.facts);
      expect([...overlapped.binaries]).toEqual([...direct.binaries]);
      // The case reaches what the deferred path replays (the fixed seeds do; a random one may not).
      if (FIXED_SEEDS) {
        expect(direct.facts.skipped.repeated).toBeGreaterThan(0);
        expect(direct.facts.leaks.length).toBeGreaterThan(0);
        expect(direct.facts.leaks.some((l) => l.path === FILE_NAME)).toBe(true);
      }

      // And the scan itself, two logs at a time or one, gives the same facts (the binaries told
      // from oversized ones by their sizes afterwards: all small here).
      const plain = readDirect(new SecretDetector({ entropy: false })).facts;
      const want = { ...plain, skipped: { ...plain.skipped, binary: direct.binaries.size } };
      const repo = await discoverRepository(r.dir);
      for (const serialLogs of [false, true]) {
        const facts = await scanSecrets(repo, [r.head()], { chunkCommits: 3, serialLogs });
        // Less the copies of leaks its pass after the logs adds where a commit moves their blob (leak-copies.ts).
        const logs = { ...facts, leaks: facts.leaks.filter((l) => !l.from) };
        expect([serialLogs, logs]).toEqual([serialLogs, want]);
      }
    });
  }
});

test("the new blob of an index line is where git's pattern finds it (the first '..' followed by hex, within 200 characters)", () => {
  const rand = rng(42);
  const alphabet = ['.', '.', 'a', 'f', '0', '9', 'g', ' ', ',', 'x'];
  const lines = [
    'index 0123abc..4567def 100644',
    'index 0123abc,89ab..4567def',
    'index ...a',
    'index a..',
    'index ..g..0',
    `index ${'a'.repeat(190)}..${'b'.repeat(40)}`,
  ];
  for (let i = 0; i < 2000; i += 1) {
    let l = 'index ';
    const n = Math.floor(rand() * 40);
    for (let j = 0; j < n; j += 1) l += alphabet[Math.floor(rand() * alphabet.length)];
    lines.push(l);
  }
  for (const line of lines) {
    // Inside a longer text, as the reader sees a line of git's output.
    const text = `..ab\n${line}\n..cd`;
    const s = 5;
    const at = newBlobAt(text, s, s + line.length);
    const m = /\.\.([0-9a-f]+)/.exec(line.slice(0, 200));
    expect([line, at ? text.slice(at[0], at[1]) : undefined]).toEqual([line, m?.[1]]);
  }
});

test('keyEdit reads the one line it is given: a key header or END line in it counts, one after it in the chunk does not', () => {
  const header = '-----BEGIN OPENSSH PRIVATE KEY-----';
  const lines: Array<[string, boolean]> = [
    [header, true],
    ['  "-----END RSA PRIVATE KEY-----\\n" +', true],
    ['------BEGIN EC PRIVATE KEY-----', true],
    ['----- ----- -----BEGIN PRIVATE KEY-----', true],
    ['-----BEGIN CERTIFICATE-----', false],
    ['b3BlbnNzaC1rZXktdjEAAAAA', true],
    ['0123456789abcdef0123456789abcdef', false],
    ['const minified=function(a){return a-1}', false],
    ['-----', false],
  ];
  for (const [line, want] of lines) {
    // Inside a chunk of git's output whose next lines hold a header: only [s, e) is the line.
    const text = `+x\n+${line}\n+${header}\n+${'-'.repeat(9)}`;
    const s = 4;
    expect([line, keyEdit(text, s, s + line.length)]).toEqual([line, want]);
    expect([line, keyEdit(`${line}${header}`.slice(0, line.length + 3), 0, line.length)]).toEqual([line, want]);
  }
});

test('a keyword counts only in an added line: the same output cut at every byte finds the added token and nothing in headers, raw records or removed lines', () => {
  const tokens = new TokenFactory(7);
  const added = tokens.all()['github-pat']!;
  const elsewhere = tokens.all()['gitlab-pat']!;
  const blob = 'b'.repeat(40);
  // One commit's log -p --raw output as git prints it, a token of another kind in every line
  // that is not an added one (the path, the raw record, a removed line).
  const log = [
    `\x01${'c'.repeat(40)}`,
    '',
    `:100644 100644 ${'a'.repeat(40)} ${blob} M\tsecret-${elsewhere}.txt`,
    '',
    `diff --git a/secret-${elsewhere}.txt b/secret-${elsewhere}.txt`,
    `index ${'a'.repeat(40)}..${blob} 100644`,
    `--- a/secret-${elsewhere}.txt`,
    `+++ b/secret-${elsewhere}.txt`,
    '@@ -2,2 +2,2 @@',
    `-T=${elsewhere}`,
    '-plain',
    `+T=${added}`,
    '+plain',
    '',
  ].join('\n');
  const bytes = Buffer.from(log, 'latin1');
  const detector = new SecretDetector({ entropy: false });
  for (let cut = 0; cut <= bytes.length; cut += 1) {
    const facts = emptyFacts();
    const reader = new LogReader(new ScanTally(facts), detector);
    reader.read(Buffer.from(bytes.subarray(0, cut)));
    reader.read(Buffer.from(bytes.subarray(cut)));
    reader.end();
    expect([cut, facts.leaks.map((l) => [l.kind, l.line, l.path])]).toEqual([
      cut,
      [['github-pat', 2, `secret-${elsewhere}.txt`]],
    ]);
  }
});
