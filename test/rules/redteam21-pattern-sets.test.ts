// Red team 21: the forge's tag patterns compared as sets of names (src/domain/pattern-sets.ts) against
// the names the forge itself matches, by brute force over every short ref name. GitHub matches a
// ruleset's ref condition with Ruby's File.fnmatch and FNM_PATHNAME; the reference below follows
// Ruby's dir.c (fnmatch, fnmatch_helper, bracket) as written there, with its own quirks: `**/` is
// zero or more folders only at the start of a folder (elsewhere `**` is `*`), and a `]` right after
// `[` or `[!` closes the class (`[]` matches nothing, `[!]` any one character). A pattern
// pattern-sets says covers the policy's must match every name the policy's glob (refGlob, the
// matcher protected.refs uses) matches; an exclusion it says shares no name with it must share none.
import fc from 'fast-check';
import { covers, githubSet, gitlabSet, meets, policySet } from '../../src/domain/pattern-sets.js';
import { refGlob, wildcardGlob } from '../../src/domain/ledger.js';

/** Ruby's bracket(): the length of the class at `p` (just after `[`) when it takes `c`, else -1. */
function rubyBracket(p: string, at: number, c: string): number {
  let i = at;
  let not = false;
  if (p[i] === '!' || p[i] === '^') {
    not = true;
    i++;
  }
  let ok = false;
  while (p[i] !== ']') {
    if (i >= p.length || p[i] === '\\') return -1; // unclosed (escapes are not drawn below)
    const lo = p[i]!;
    i++;
    if (i >= p.length) return -1;
    if (p[i] === '-' && p[i + 1] !== ']') {
      const hi = p[i + 1];
      if (hi === undefined) return -1;
      i += 2;
      if (lo <= c && c <= hi) ok = true;
    } else if (lo === c) ok = true;
  }
  return ok === not ? -1 : i + 1;
}

/** Ruby's fnmatch_helper over one folder of `s` from `si` with the pattern from `pi`: [p, s] at the
 *  folder's end when it matched, else undefined. */
function rubySegment(p: string, pi: number, s: string, si: number): [number, number] | undefined {
  const end = (x: string, i: number): boolean => i >= x.length || x[i] === '/';
  let pTmp = -1;
  let sTmp = -1;
  for (;;) {
    const ch = p[pi];
    if (ch === '*') {
      while (p[pi] === '*') pi++;
      if (end(p, pi)) return [pi, si];
      if (end(s, si)) return undefined;
      pTmp = pi;
      sTmp = si;
      continue;
    }
    let matched: number | undefined;
    if (ch === '?') matched = end(s, si) ? undefined : pi + 1;
    else if (ch === '[') {
      const next = end(s, si) ? -1 : rubyBracket(p, pi + 1, s[si]!);
      matched = next === -1 ? undefined : next;
    } else {
      if (end(s, si)) return end(p, pi) ? [pi, si] : undefined;
      matched = !end(p, pi) && p[pi] === s[si] ? pi + 1 : undefined;
    }
    if (matched !== undefined) {
      pi = matched;
      si++;
      continue;
    }
    if (pTmp === -1) return undefined;
    pi = pTmp;
    si = ++sTmp;
    if (end(s, si)) return undefined;
  }
}

/** Ruby's File.fnmatch(pattern, name, File::FNM_PATHNAME). */
function rubyFnmatch(p: string, s: string): boolean {
  let pi = 0;
  let si = 0;
  let pTmp = -1;
  let sTmp = -1;
  for (;;) {
    if (p.startsWith('**/', pi)) {
      while (p.startsWith('**/', pi)) pi += 3;
      pTmp = pi;
      sTmp = si;
    }
    const m = rubySegment(p, pi, s, si);
    if (m) {
      [pi, si] = m;
      while (si < s.length && s[si] !== '/') si++;
      if (pi < p.length && si < s.length) {
        pi++;
        si++;
        continue;
      }
      if (pi >= p.length && si >= s.length) return true;
    }
    if (pTmp !== -1) {
      while (sTmp < s.length && s[sTmp] !== '/') sTmp++;
      if (sTmp < s.length) {
        pi = pTmp;
        si = ++sTmp;
        continue;
      }
    }
    return false;
  }
}

// Tag names of up to four characters under refs/tags/ over the letters the patterns use ("]" is a
// legal ref character), folders never empty (git check-ref-format).
const LETTERS = ['a', 'v', '1', ']', '/'];
const NAMES: string[] = [];
(function grow(prefix: string): void {
  if (prefix && !prefix.startsWith('/') && !prefix.endsWith('/') && !prefix.includes('//'))
    NAMES.push(`refs/tags/${prefix}`);
  if (prefix.length < 4) for (const l of LETTERS) grow(prefix + l);
})('');

/** The names of `names` a policy glob (refGlob) matches, in their order: filtered once per glob, as
 *  the draws repeat policy globs (refGlob is pure, so each property sees the same names as before). */
const matcherOver = (names: string[]): ((glob: string) => string[]) => {
  const made = new Map<string, string[]>();
  return (glob) => {
    let hit = made.get(glob);
    if (!hit) {
      const g = refGlob(glob);
      made.set(glob, (hit = names.filter((n) => g.test(n))));
    }
    return hit;
  };
};
const refsMatchedBy = matcherOver(NAMES);
const tagsMatchedBy = matcherOver(NAMES.map((n) => n.slice('refs/tags/'.length)));

const PIECES = ['a', 'v', '1', '/', ']', '*', '**', '?', '**/', '[a-v]', '[]v]', '[!]v]', '[!a]', '[^a]'];
const policyPieces = ['a', 'v', '1', '/', ']', '*', '**', '?'];
const tail = (pieces: string[]): fc.Arbitrary<string> =>
  fc.array(fc.constantFrom(...pieces), { minLength: 1, maxLength: 4 }).map((xs) => xs.join(''));
const SEED = 20261221;

describe('red team 21: pattern-sets against the forge, name by name', () => {
  test('the reference is Ruby: its own quirks reproduced', () => {
    expect(rubyFnmatch('refs/tags/**/*', 'refs/tags/a/b/c')).toBe(true);
    expect(rubyFnmatch('refs/tags**/*', 'refs/tags/a/b')).toBe(false); // **/ inside a folder is *
    expect(rubyFnmatch('refs/tags**/*', 'refs/tagsx/b')).toBe(true);
    expect(rubyFnmatch('refs/tags/[]v]*', 'refs/tags/v1')).toBe(false); // [] matches nothing
    expect(rubyFnmatch('refs/tags/[!]v]', 'refs/tags/av]')).toBe(true); // [!] is any character
    expect(rubyFnmatch('refs/tags/v[0-9]*', 'refs/tags/v1.0')).toBe(true);
    expect(rubyFnmatch('refs/tags/*', 'refs/tags/a/b')).toBe(false);
  });

  test('the named counterexamples: a nested tag GitHub leaves movable is not covered', () => {
    // Ruby: refs/tags**/* is refs/tags*/* (one more folder only); release/1.0 under it stays movable.
    expect(covers(githubSet('refs/tags**/*', 'include'), policySet('refs/tags/**'))).toBe(false);
    expect(covers(githubSet('refs/tags/v**/*', 'include'), policySet('refs/tags/v**'))).toBe(false);
    // Ruby: [] matches nothing, so this ruleset protects no tag at all.
    expect(covers(githubSet('refs/tags/[]v]*', 'include'), policySet('refs/tags/v*'))).toBe(false);
    // Clean twins: what GitHub's own syntax covers still does.
    expect(covers(githubSet('refs/tags/**/*', 'include'), policySet('refs/tags/**'))).toBe(true);
    expect(covers(githubSet('refs/tags/v*', 'include'), policySet('refs/tags/v*'))).toBe(true);
    expect(covers(githubSet('refs/tags/[v]*', 'include'), policySet('refs/tags/v*'))).toBe(true);
  });

  test(`GitHub include: covers only when Ruby matches every name the policy's glob does (seed ${SEED})`, () => {
    fc.assert(
      fc.property(tail(PIECES), tail(policyPieces), (gh, pol) => {
        const pattern = `refs/tags/${gh}`;
        if (!covers(githubSet(pattern, 'include'), policySet(`refs/tags/${pol}`))) return true;
        const missed = refsMatchedBy(`refs/tags/${pol}`).find((n) => !rubyFnmatch(pattern, n));
        return missed === undefined;
      }),
      { seed: SEED, numRuns: 1200 },
    );
  });

  test(`GitHub exclude: an exclusion that takes a policy name away is seen (seed ${SEED})`, () => {
    fc.assert(
      fc.property(tail(PIECES), tail(policyPieces), (gh, pol) => {
        const pattern = `refs/tags/${gh}`;
        if (meets(githubSet(pattern, 'exclude'), policySet(`refs/tags/${pol}`))) return true;
        return !refsMatchedBy(`refs/tags/${pol}`).some((n) => rubyFnmatch(pattern, n));
      }),
      { seed: SEED, numRuns: 1200 },
    );
  });

  test(`GitLab wildcard: covers only when GitLab matches every name (seed ${SEED})`, () => {
    fc.assert(
      fc.property(tail(['a', 'v', '1', '/', '*']), tail(policyPieces), (gl, pol) => {
        if (!covers(gitlabSet(gl), policySet(pol))) return true;
        const theirs = wildcardGlob(gl);
        return !tagsMatchedBy(pol).some((n) => !theirs.test(n));
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });
});
