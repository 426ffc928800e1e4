// The secrets scan's log reader counts a hunk's lines from its header (how many each side has, where
// the new side starts): a wrong count would read an added line as context, or a header as a hunk's
// line. The header was read with a regular expression and a second one over its "-" ranges, the
// largest single cost of reading a hunk; it is now read by hand (diff-lines.ts hunkHeader). Both must
// agree on every header, the ones git prints (plain and combined diffs) and the ones it never would.
// The expressions are kept here as the reference.
import { hunkHeader } from '../../src/collect/secrets/diff-lines.js';
import { cleanupTemp, makeRepo } from '../helpers/repo.js';
import { rng } from '../helpers/secrets.js';

afterAll(cleanupTemp);

const HUNK = /^(@{2,}) ((?:-\d+(?:,\d+)? )+)\+(\d+)(?:,(\d+))? @/;

/** What the reader took from a header before: [columns, old lines, first new line, new lines]. */
function reference(line: string): [number, number, number, number] | undefined {
  const m = HUNK.exec(line);
  if (!m) return undefined;
  let old = 0;
  for (const r of m[2]!.matchAll(/-\d+(?:,(\d+))? /g)) old += r[1] === undefined ? 1 : Number(r[1]);
  return [m[1]!.length - 1, old, Number(m[3]), m[4] === undefined ? 1 : Number(m[4])];
}

const PIECES = ['@', ' ', '-', '+', ',', '0', '7', '12', '99999999999999999999', '\t', 'x', '@@', '-1,2 '];

function header(next: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  const num = (): string => pick(['0', '1', '3', '42', '007', '123456789012345', '1234567890123456789012']);
  const range = (): string => (next() < 0.5 ? num() : `${num()},${num()}`);
  const parents = 1 + Math.floor(next() * 4);
  const ats = '@'.repeat(parents + 1);
  let h = `${ats} `;
  for (let p = 0; p < parents; p += 1) h += `-${range()} `;
  return `${h}+${range()} ${ats}${pick(['', ' function f() {', ' x'])}`;
}

function mutate(h: string, next: () => number): string {
  let out = h;
  for (let n = Math.floor(next() * 3); n > 0; n -= 1) {
    const at = Math.floor(next() * (out.length + 1));
    const piece = PIECES[Math.floor(next() * PIECES.length)]!;
    const op = Math.floor(next() * 3);
    out =
      op === 0
        ? out.slice(0, at) + piece + out.slice(at)
        : out.slice(0, at) + (op === 1 ? '' : piece) + out.slice(at + 1);
  }
  return out;
}

/** hunkHeader over `line` standing in a longer text, as the reader calls it (its end the line's). */
function read(line: string): ReturnType<typeof hunkHeader> {
  const text = `before\n${line}\nafter`;
  return hunkHeader(text, 7, 7 + line.length);
}

describe('hunkHeader', () => {
  it('answers as the expressions on 20,000 seeded headers, as git prints them and edited', () => {
    const next = rng(1414);
    let read_ = 0;
    for (let i = 0; i < 20_000; i += 1) {
      const line = mutate(header(next), next);
      const want = reference(line);
      const got = read(line);
      if (JSON.stringify(got) !== JSON.stringify(want))
        throw new Error(`differs on ${JSON.stringify(line)}: ${JSON.stringify(got)} for ${JSON.stringify(want)}`);
      if (want) read_ += 1;
    }
    expect(read_).toBeGreaterThan(5_000);
    expect(read_).toBeLessThan(18_000);
  });

  it('answers as the expressions on the edges: no "-" range, one "@", a comma without a count, no " @"', () => {
    for (const line of [
      '@@ +1 @@',
      '@ -1 +1 @',
      '@@ -1 +1 @',
      '@@ -1, +1 @@',
      '@@ -1 +1,',
      '@@ -1 +1',
      '@@-1 +1 @@',
      '@@ -1 -2 +3,4 @',
    ])
      expect(read(line)).toEqual(reference(line));
  });

  it('reads nothing past the end it is given (the reader gives at most 400 characters)', () => {
    const line = '@@@ -1,2 -3,4 +5,6 @@@ tail';
    for (let cut = 0; cut <= line.length; cut += 1)
      expect(hunkHeader(line, 0, cut)).toEqual(reference(line.slice(0, cut)));
  });

  it('answers as the expressions on every header git prints for edits and a merge (--cc)', () => {
    const r = makeRepo();
    r.commit('base', { 'a.txt': 'one\ntwo\nthree\nfour\nfive\n', 'b.txt': 'b\n' });
    r.run(['checkout', '-q', '-b', 'side']);
    r.commit('side', { 'a.txt': 'one\nTWO\nthree\nfour\nfive\n', 'c.txt': 'c\n' });
    r.run(['checkout', '-q', '-']);
    r.commit('main', { 'a.txt': 'one\ntwo\nthree\nfour\nFIVE\n', 'b.txt': '' });
    r.run(['merge', '-q', '--no-commit', 'side']);
    r.write({ 'a.txt': 'one\nTWO\nthree\nevil\nFIVE\nsix\n' });
    r.addAllAndRun(['commit', '-q', '-m', 'merge']);
    const log = r.run(['log', '-p', '-U0', '--cc', '--format=%H']);
    const headers = log.split('\n').filter((l) => l.startsWith('@@'));
    expect(headers.some((h) => h.startsWith('@@@ '))).toBe(true);
    for (const h of headers) {
      expect(reference(h)).toBeDefined();
      expect(read(h)).toEqual(reference(h));
    }
  });
});
