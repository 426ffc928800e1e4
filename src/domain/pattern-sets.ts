// Whether one ref pattern covers another, or shares a name with it, as sets of names: a forge's
// tag pattern (GitHub's fnmatch, GitLab's wildcards) against the policy's glob. Matching one
// pattern's text as if it were a name gets this wrong both ways: refs/tags/v? "matches" the text
// refs/tags/v* (its ? takes the *), yet protects only two-character tags; refs/tags/*1 and
// refs/tags/v* match neither text, yet both name v1. Pure: no I/O.

/** One piece of a pattern: a character, one character but "/", a run without "/", any run, zero or
 *  more whole folders (`**` then "/"), or nothing at all (a piece gitguard does not read, on the side where
 *  reading it as matching nothing is the safe answer). */
type Token =
  { lit: string } | { ranges: Array<[number, number]>; negated: boolean } | 'one' | 'seg' | 'any' | 'dirs' | 'never';

export interface PatternSet {
  tokens: Token[];
  /** Longer than any pattern the walk reads (MAX_TOKENS): not read at all. */
  tooBig?: boolean;
}

/** Pieces in both patterns (a class: one and each of its ranges), past any real pair (a ref name is a
 *  few hundred bytes). A piece takes at most three characters (`a-z`, `**` then "/"), so a longer text
 *  has more pieces: it is not read, as a forge's 30 MB pattern would take gigabytes as pieces. */
const MAX_TOKENS = 2048;
const TOO_BIG: PatternSet = { tokens: [], tooBig: true };
const tooLong = (text: string): boolean => text.length > 3 * MAX_TOKENS;

/** The policy's globs (protected.refs): `*` and `?` stay in a folder, `**` crosses them. */
export function policySet(glob: string): PatternSet {
  if (tooLong(glob)) return TOO_BIG;
  const tokens: Token[] = [];
  for (let i = 0; i < glob.length; i++) {
    if (glob[i] === '*' && glob[i + 1] === '*') {
      tokens.push('any');
      i += 1;
    } else tokens.push(glob[i] === '*' ? 'seg' : glob[i] === '?' ? 'one' : { lit: glob[i]! });
  }
  return { tokens };
}

/** One ref name, as the set holding it alone (to ask whether a forge's pattern matches it). */
export function nameSet(name: string): PatternSet {
  if (tooLong(name)) return TOO_BIG;
  return { tokens: [...name].map((ch): Token => ({ lit: ch })) };
}

/** GitLab's protected branch and tag names: `*` matches anything, "/" included. */
export function gitlabSet(name: string): PatternSet {
  if (tooLong(name)) return TOO_BIG;
  return { tokens: [...name].map((ch): Token => (ch === '*' ? 'any' : { lit: ch })) };
}

/**
 * GitHub's ruleset patterns: Ruby's File.fnmatch with FNM_PATHNAME (`*` and `?` stay in a folder,
 * `**` then "/" at a folder's start is zero or more folders, `[a-z]` and `[!a-z]` one character of a class but
 * "/"). What is read only approximately is read on the safe side: `as: 'include'` (does it cover?)
 * reads an escape, a `[^` class or an unclosed one as matching nothing and any other `**` as `*`;
 * `as: 'exclude'` (does it take names away?) reads them as any run.
 */
export function githubSet(pattern: string, as: 'include' | 'exclude'): PatternSet {
  if (tooLong(pattern)) return TOO_BIG;
  const tokens: Token[] = [];
  const wide = as === 'exclude';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '*' && pattern[i + 1] === '*') {
      // Ruby reads `**/` as folders only at a folder's start: elsewhere (`refs/tags**/*`) it is `*`.
      if (pattern[i + 2] === '/' && (i === 0 || pattern[i - 1] === '/')) {
        tokens.push('dirs');
        i += 2;
      } else {
        tokens.push(wide ? 'any' : 'seg');
        i += 1;
      }
    } else if (ch === '*') tokens.push('seg');
    else if (ch === '?') tokens.push('one');
    else if (ch === '[') {
      const cls = charClass(pattern, i);
      if (!cls) return { tokens: [wide ? 'any' : 'never'] };
      tokens.push(cls.token);
      i = cls.end;
    } else if (ch === '\\') {
      tokens.push(wide ? 'any' : 'never');
      i += 1;
    } else tokens.push({ lit: ch });
  }
  return { tokens };
}

/** Ruby's bracket expression (dir.c bracket) at `at`: its ranges, negated by a leading !; the first
 *  `]` closes it, even right after `[` or `[!` (`[]` matches nothing, `[!]` any one character, unlike
 *  POSIX); undefined when it does not close, holds an escape or is negated by `^`, which GitHub
 *  documents it does not support. */
function charClass(pattern: string, at: number): { token: Token; end: number } | undefined {
  let i = at + 1;
  if (pattern[i] === '^') return undefined;
  const negated = pattern[i] === '!';
  if (negated) i += 1;
  const ranges: Array<[number, number]> = [];
  while (i < pattern.length) {
    const ch = pattern[i]!;
    if (ch === ']') return { token: { ranges: merged(ranges), negated }, end: i };
    if (ch === '\\') return undefined;
    const lo = ch.codePointAt(0)!;
    if (pattern[i + 1] === '-' && pattern[i + 2] !== undefined && pattern[i + 2] !== ']') {
      ranges.push([lo, pattern[i + 2]!.codePointAt(0)!]);
      i += 3;
    } else {
      ranges.push([lo, lo]);
      i += 1;
    }
  }
  return undefined;
}

/** The same characters as fewest ranges, in order: `[a-aa-a...]` is one range (an empty `z-a` none). */
function merged(ranges: Array<[number, number]>): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const [lo, hi] of ranges.filter(([l, h]) => l <= h).sort((x, y) => x[0] - y[0])) {
    const last = out[out.length - 1];
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}

/** A pattern as an automaton: per state, the transitions it takes on a character (with what testing
 *  one costs: a class is read range by range), and its ε moves. */
interface Nfa {
  moves: Array<Array<{ on: (c: string) => boolean; to: number; cost: number }>>;
  eps: number[][];
  accept: number;
}

function compile(p: PatternSet): Nfa {
  const moves: Nfa['moves'] = [];
  const eps: number[][] = [];
  const state = (): number => {
    eps.push([]);
    return moves.push([]) - 1;
  };
  const notSlash = (c: string): boolean => c !== '/';
  let at = state();
  for (const t of p.tokens) {
    const next = state();
    if (t === 'seg' || t === 'any') {
      moves[at]!.push({ on: t === 'any' ? () => true : notSlash, to: at, cost: 1 });
      eps[at]!.push(next);
    } else if (t === 'dirs') {
      // (any run ending in "/")?, as fnmatch's **/ matches zero or more folders.
      const inside = state();
      eps[at]!.push(next, inside);
      moves[inside]!.push({ on: () => true, to: inside, cost: 1 }, { on: (c) => c === '/', to: next, cost: 1 });
    } else if (t === 'one') moves[at]!.push({ on: notSlash, to: next, cost: 1 });
    else if (t !== 'never' && 'lit' in t) moves[at]!.push({ on: (c) => c === t.lit, to: next, cost: 1 });
    else if (t !== 'never') {
      const inClass = (c: string): boolean => {
        const code = c.codePointAt(0)!;
        return t.ranges.some(([lo, hi]) => lo <= code && code <= hi);
      };
      moves[at]!.push({ on: (c) => c !== '/' && inClass(c) !== t.negated, to: next, cost: 1 + t.ranges.length });
    }
    at = next;
  }
  return { moves, eps, accept: at };
}

/** The work a walk has done, in steps of about the same cost: each move tested (a class: each of its
 *  ranges), each ε move followed, each state kept. */
interface Work {
  spent: number;
}

function closure(n: Nfa, states: Iterable<number>, work: Work): number[] {
  const seen = new Set(states);
  const todo = [...seen];
  while (todo.length) {
    const eps = n.eps[todo.pop()!]!;
    work.spent += 1 + eps.length;
    for (const e of eps)
      if (!seen.has(e)) {
        seen.add(e);
        todo.push(e);
      }
  }
  return [...seen].sort((a, b) => a - b);
}

function step(n: Nfa, states: number[], c: string, work: Work): number[] {
  const out = new Set<number>();
  for (const s of states)
    for (const m of n.moves[s]!) {
      work.spent += m.cost;
      if (m.on(c)) out.add(m.to);
    }
  return closure(n, out, work);
}

/** One character of each run of characters no pattern tells apart: every literal, "/" and class
 *  bound starts a run, and so does the character after each. */
function alphabet(a: PatternSet, b: PatternSet): string[] {
  const starts = new Set<number>([0, 0x2f, 0x30]);
  for (const t of [...a.tokens, ...b.tokens]) {
    if (typeof t !== 'object') continue;
    const bounds: Array<[number, number]> = 'lit' in t ? [[t.lit.codePointAt(0)!, t.lit.codePointAt(0)!]] : t.ranges;
    for (const [lo, hi] of bounds) starts.add(lo).add(hi + 1);
  }
  return [...starts].filter((c) => c <= 0x10ffff).map((c) => String.fromCodePoint(c));
}

/** More pairs of states than any real pattern pair reaches: past it, the safe answer. */
const MAX_PAIRS = 50_000;
/** The work of the walk (Work) past any real pair: a forge's or a policy's 20 KB `*a*a...` otherwise
 *  costs hours though its pairs stay few, and a class of 2,000 ranges costs each test of it 2,000 steps. */
const MAX_WORK = 4_000_000;

/** Walks both automata in step over every name; `stop` sees each pair of state sets. True past the
 *  bounds above (too big to tell). */
function walk(a: PatternSet, b: PatternSet, stop: (sa: number[], sb: number[], na: Nfa, nb: Nfa) => boolean): boolean {
  const pieces = (p: PatternSet): number =>
    p.tokens.reduce((n, t) => n + 1 + (typeof t === 'object' && 'ranges' in t ? t.ranges.length : 0), 0);
  if (a.tooBig || b.tooBig || pieces(a) + pieces(b) > MAX_TOKENS) return true;
  const na = compile(a);
  const nb = compile(b);
  const chars = alphabet(a, b);
  const work: Work = { spent: 0 };
  const start: [number[], number[]] = [closure(na, [0], work), closure(nb, [0], work)];
  const seen = new Set<string>();
  const todo = [start];
  while (todo.length) {
    const [sa, sb] = todo.pop()!;
    const key = `${sa.join(',')}|${sb.join(',')}`;
    work.spent += sa.length + sb.length + 1;
    if (seen.has(key)) continue;
    seen.add(key);
    if (seen.size > MAX_PAIRS || work.spent > MAX_WORK) return true;
    if (stop(sa, sb, na, nb)) return true;
    for (const c of chars) {
      const next: [number[], number[]] = [step(na, sa, c, work), step(nb, sb, c, work)];
      if (work.spent > MAX_WORK) return true;
      if (next[0].length) todo.push(next);
    }
  }
  return false;
}

/** Does `big` match every name `small` matches? (Too big to tell: no.) */
export function covers(big: PatternSet, small: PatternSet): boolean {
  return !walk(small, big, (ss, sb, ns, nb) => ss.includes(ns.accept) && !sb.includes(nb.accept));
}

/** Is there a name both match? (Too big to tell: yes.) */
export function meets(a: PatternSet, b: PatternSet): boolean {
  return walk(a, b, (sa, sb, na, nb) => sa.includes(na.accept) && sb.includes(nb.accept));
}
