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
  '0', '1', '1.0', '1.0-0', '1.00', '1.0-1', '1.0-1~bpo1', '1.0~', '1.0~~', '1.0~rc1', '1.0~rc1-1', '1.0a', '1.0A', '1.0+',
  '1.0.', '1.0+b1', '1.0.1', '1:0.9', '2:0', '1.0-1.1', '1.0-1+deb12u1', '1.0-1+deb12u10', '1.0-1ubuntu0.1', '9.2p1-2',
  '9.2p1-2+deb12u6', '10.0p1-1', '1:2.39.5-0+deb12u3', '1:2.39.5-0+deb12u2', '2.39.5', '1.2-3-4', '1.2-3~4', '1z',
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
  return Array.from({ length: count }, () => `${next(4) === 0 ? `${next(3)}:` : ''}${part()}${next(2) ? `-${part()}` : ''}`);
}

const DPKG = ['/usr/bin/dpkg', '/bin/dpkg'].find((p) => existsSync(p));

function dpkgCompare(a: string, b: string): number {
  const ask = (op: string): boolean => {
    const r = spawnSync(DPKG as string, ['--compare-versions', a, op, b]);
    if (r.status !== 0 && r.status !== 1) throw new Error(`dpkg --compare-versions ${a} ${op} ${b}: ${String(r.stderr)}`);
    return r.status === 0;
  };
  return ask('lt') ? -1 : ask('eq') ? 0 : 1;
}

(DPKG ? describe : describe.skip)(`the same answers as dpkg --compare-versions${DPKG ? '' : ' (skipped: dpkg is not installed on this machine)'}`, () => {
  test('every pair of the hand-picked versions', () => {
    const mismatches: string[] = [];
    for (let i = 0; i < FIXED.length; i += 1) {
      for (let j = i + 1; j < FIXED.length; j += 1) {
        const a = FIXED[i] as string;
        const b = FIXED[j] as string;
        const want = dpkgCompare(a, b);
        if (compareDebianVersions(a, b) !== want) mismatches.push(`${a} vs ${b}: dpkg says ${want}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  test('200 pairs of generated versions (seeded)', () => {
    const list = generated(400, 12);
    const mismatches: string[] = [];
    let compared = 0;
    for (let k = 0; k < list.length; k += 2) {
      const a = list[k] as string;
      const b = list[k + 1] as string;
      if (!parseDebianVersion(a) || !parseDebianVersion(b)) continue;
      compared += 1;
      const want = dpkgCompare(a, b);
      if (compareDebianVersions(a, b) !== want) mismatches.push(`${a} vs ${b}: dpkg says ${want}`);
    }
    expect(compared).toBeGreaterThan(150);
    expect(mismatches).toEqual([]);
  });
});
