// Red-team round 24: readReflog against `git reflog show` over generated reflog files (fast-check,
// fixed seed). git's show_one_reflog_ent reads the time with strtoumax: a '-' sign is taken (and
// wraps: "-1" is 2^64-1) and a number past 2^64-1 is clamped to it; and it finds the ident's end
// with strchr, which stops at a NUL byte; an id is of the repository's length only. gitguard dropped
// the first kind of line and read the others.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { cleanupTemp, makeRepo } from '../helpers/repo.js';
import { readReflog } from '../../src/collect/remote-record.js';

afterAll(() => cleanupTemp());

const r = makeRepo();
const A = r.commit('one');
const B = r.commit('two');
r.run(['branch', 'x']);
const FILE = join(r.dir, '.git', 'logs', 'refs', 'heads', 'x');

/** git's reading of the file: new id, time, message per entry, oldest first. */
function gitReads(): string[] {
  const out = r.run(['reflog', 'show', '--format=%H|%gd|%gs', '--date=unix', 'refs/heads/x']);
  return out
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [id, sel, msg] = l.split('|');
      return `${id}|${Number(/@\{(\d+)\}/.exec(sel!)![1])}|${msg}`;
    })
    .reverse();
}

const ours = (): string[] => readReflog(FILE, 'sha1').map((e) => `${e.new}|${e.time}|${e.message}`);

// The pieces of a line, each well formed or broken in the ways a parser may read differently.
// A SHA-256 length id in this SHA-1 repository is no id to git.
const id = fc.constantFrom(A, B, A.toUpperCase(), B.slice(0, 39), `${B}0`, `${A}${'0'.repeat(24)}`);
const ident = fc.constantFrom('Me <me@x>', 'Me me@x', 'M>e <me@x>', 'Me <m\0e@x>', 'Me <me@x>>', '<>');
const gap = fc.constantFrom(' ', '  ', ' \t', '', ' \v');
const time = fc.constantFrom(
  '1700000000',
  '+1700000001',
  '-1',
  '-0',
  '0',
  '00',
  '99999999999999999999999',
  'x',
  '17e8',
);
const zone = fc.constantFrom(' +0000', ' -0130', ' +000', '+0000', ' 0000', ' +00000');
const tab = fc.constantFrom('\t', '', '\t\t', ' ');
const message = fc.constantFrom('commit: a', '', 'a > b 12 +0000', 'clone: from x', '\tx');
const line = fc
  .tuple(id, id, ident, gap, time, zone, tab, message)
  .map(([o, n, who, sp, t, z, tb, msg]) => `${o} ${n} ${who}${sp}${t}${z}${tb}${msg}\n`);

test('readReflog keeps the lines git reads, with git time and message (fast-check, 150 files)', () => {
  fc.assert(
    fc.property(fc.array(line, { minLength: 1, maxLength: 6 }), (lines) => {
      writeFileSync(FILE, lines.join(''));
      expect(ours()).toEqual(gitReads());
    }),
    { seed: 24, numRuns: 150 },
  );
});

test('a time git reads with a sign or past 2^64-1, an ident git cuts at a NUL', () => {
  writeFileSync(
    FILE,
    [
      `${A} ${B} Me <me@x> -1 +0000\tnegative\n`,
      `${B} ${A} Me <me@x> 99999999999999999999999 +0000\tbig\n`,
      `${A} ${B} Me <m\0e@x> 1700000001 +0000\tnul\n`,
      `${B} ${A} Me <me@x> 1700000002 +0000\tplain\n`,
    ].join(''),
  );
  expect(ours()).toEqual(gitReads());
  expect(ours()).toEqual([`${B}|${2 ** 64}|negative`, `${A}|${2 ** 64}|big`, `${A}|1700000002|plain`]);
});
