// Debian version comparison: hand-picked cases from dpkg's rules, then a differential test against
// `dpkg --compare-versions` itself (skipped, saying why, where dpkg is not installed).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { compareDebianVersions, parseDebianVersion } from '../../src/vulndb/debian-version.js';

describe('parseDebianVersion', () => {
  test('splits epoch, upstream and revision (the last hyphen)', () => {
    expect(parseDebianVersion('1:2.39.5-0+deb12u3')).toEqual({ epoch: 1, upstream: '2.39.5', revision: '0+deb12u3' });
    expect(parseDebianVersion('9.2p1-2+deb12u6')).toEqual({ epoch: 0, upstream: '9.2p1', revision: '2+deb12u6' });
    expect(parseDebianVersion('1.2-3-4')).toEqual({ epoch: 0, upstream: '1.2-3', revision: '4' });
    expect(parseDebianVersion('2.4.5')).toEqual({ epoch: 0, upstream: '2.4.5', revision: '' });
  });
  test.each(['', 'a1.0', 'x:1.0', '1.0-', '1 0', ':1.0'])('rejects %j', (v) => {
    expect(parseDebianVersion(v)).toBeNull();
  });
});

describe('compareDebianVersions', () => {
  test.each([
    ['1.0~rc1', '1.0', -1],
    ['1.0~rc1', '1.0~rc1~', 1],
    ['1:1.0', '2.0', 1],
    ['1.0', '1.0-0', 0],
    ['1.0-1', '1.0-1+deb12u1', -1],
    ['1:2.39.5-0+deb12u2', '1:2.39.5-0+deb12u3', -1],
    ['1:2.39.5-0+deb12u3', '1:2.39.5-0+deb12u10', -1],
    ['2.2.40-1.1', '2.2.40-1.1+deb12u2', -1],
    ['1.0a', '1.0', 1],
    ['1.01', '1.1', 0],
    ['1.0+b1', '1.0.1', -1],
  ])('%s vs %s = %i', (a, b, expected) => {
    expect(compareDebianVersions(a, b)).toBe(expected);
    expect(compareDebianVersions(b, a)).toBe(-expected || 0);
  });
  test('throws on something that is not a version', () => {
    expect(() => compareDebianVersions('x', '1.0')).toThrow(/not a Debian version/);
  });
});

// Versions chosen to exercise every branch: epochs, tildes (before the end, before letters), letters,
// other characters (+ . ~ -), leading zeros, missing revisions, revisions with hyphens in upstream.
const FIXED = [
  '0',
  '1',
  '1.0',
  '1.0-0',
  '1.00',
  '1.0-1',
  '1.0-1~bpo1',
  '1.0~',
  '1.0~~',
  '1.0~rc1',
  '1.0~rc1-1',
  '1.0a',
  '1.0A',
  '1.0+',
  '1.0.',
  '1.0+b1',
  '1.0.1',
  '1:0.9',
  '2:0',
  '1.0-1.1',
  '1.0-1+deb12u1',
  '1.0-1+deb12u10',
  '1.0-1ubuntu0.1',
  '9.2p1-2',
  '9.2p1-2+deb12u6',
  '10.0p1-1',
  '1:2.39.5-0+deb12u3',
  '1:2.39.5-0+deb12u2',
  '2.39.5',
  '1.2-3-4',
  '1.2-3~4',
  '1z',
];

/** A deterministic stream of random versions (seeded LCG): no luck in the test. */
function generated(count: number, seed: number): string[] {
  let s = seed >>> 0;
  const next = (n: number): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % n;
  };
  const alphabet = ['0', '1', '2', '9', '10', '.', '~', '+', 'a', 'b', 'Z', 'p'];
  const part = (): string => {
    let out = String(next(3));
    for (let i = next(5); i > 0; i -= 1) out += alphabet[next(alphabet.length)];
    return out;
  };
  return Array.from(
    { length: count },
    () => `${next(4) === 0 ? `${next(3)}:` : ''}${part()}${next(2) ? `-${part()}` : ''}`,
  );
}

const DPKG = ['/usr/bin/dpkg', '/bin/dpkg'].find((p) => existsSync(p));

// dpkg's answer for each pair: -1, 0 or 1 from `dpkg --compare-versions`. One shell runs every dpkg of
// a batch (a fork from the test process costs far more than one from sh), and each pair is first asked
// as the one question whose "yes" confirms our answer (lt for -1, eq for 0, gt for 1): one dpkg a pair
// where we agree, and where dpkg says no, the full answer (lt, then eq) for the mismatch to name.
const DPKG_LOOP = `while read -r a op b; do
  if "$0" --compare-versions "$a" "$op" "$b"; then echo "$op"; continue; else s=$?; fi
  if [ $s -ne 1 ]; then echo "exit $s: $a $op $b"; continue; fi
  if "$0" --compare-versions "$a" lt "$b"; then echo -1; continue; else s=$?; fi
  if [ $s -ne 1 ]; then echo "exit $s: $a lt $b"; continue; fi
  if "$0" --compare-versions "$a" eq "$b"; then echo 0; else s=$?; if [ $s -eq 1 ]; then echo 1; else echo "exit $s: $a eq $b"; fi; fi
done`;

const QUESTION: Record<number, string> = { [-1]: 'lt', 0: 'eq', 1: 'gt' };

function dpkgCompareAll(pairs: Array<[string, string]>): number[] {
  for (const [a, b] of pairs)
    if (/\s/.test(a + b)) throw new Error(`a version with white space cannot be asked in a batch: ${a} vs ${b}`);
  const ours = pairs.map(([a, b]) => compareDebianVersions(a, b));
  const r = spawnSync('sh', ['-c', DPKG_LOOP, DPKG as string], {
    input: pairs.map(([a, b], i) => `${a} ${QUESTION[ours[i]!]} ${b}\n`).join(''),
    encoding: 'utf8',
  });
  const lines = r.stdout.split('\n').filter(Boolean);
  if (r.status !== 0 || lines.length !== pairs.length)
    throw new Error(`dpkg batch: exit ${r.status}, ${lines.length} answers for ${pairs.length} pairs: ${r.stderr}`);
  return lines.map((l, i) => {
    // "yes" to the question asked: dpkg's answer is ours.
    if (l === QUESTION[ours[i]!]) return ours[i]!;
    if (!['-1', '0', '1'].includes(l))
      throw new Error(`dpkg --compare-versions ${pairs[i]!.join(' vs ')}: ${l} ${r.stderr}`);
    return Number(l);
  });
}

(DPKG ? describe : describe.skip)(
  `the same answers as dpkg --compare-versions${DPKG ? '' : ' (skipped: dpkg is not installed on this machine)'}`,
  () => {
    test('every pair of the hand-picked versions', () => {
      const pairs: Array<[string, string]> = [];
      for (let i = 0; i < FIXED.length; i += 1)
        for (let j = i + 1; j < FIXED.length; j += 1) pairs.push([FIXED[i] as string, FIXED[j] as string]);
      const wants = dpkgCompareAll(pairs);
      const mismatches: string[] = [];
      pairs.forEach(([a, b], k) => {
        if (compareDebianVersions(a, b) !== wants[k]) mismatches.push(`${a} vs ${b}: dpkg says ${wants[k]}`);
      });
      expect(mismatches).toEqual([]);
    });

    test('200 pairs of generated versions (seeded)', () => {
      const list = generated(400, 12);
      const pairs: Array<[string, string]> = [];
      for (let k = 0; k < list.length; k += 2) {
        const a = list[k] as string;
        const b = list[k + 1] as string;
        if (parseDebianVersion(a) && parseDebianVersion(b)) pairs.push([a, b]);
      }
      const wants = dpkgCompareAll(pairs);
      const mismatches: string[] = [];
      pairs.forEach(([a, b], k) => {
        if (compareDebianVersions(a, b) !== wants[k]) mismatches.push(`${a} vs ${b}: dpkg says ${wants[k]}`);
      });
      expect(pairs.length).toBeGreaterThan(150);
      expect(mismatches).toEqual([]);
    });
  },
);
