import { createHash } from 'node:crypto';
import { Interned, OidIndex } from '../../src/domain/oid-index.js';

const sha1 = (i: number): string => createHash('sha1').update(String(i)).digest('hex');
const sha256 = (i: number): string => createHash('sha256').update(String(i)).digest('hex');

describe('OidIndex', () => {
  it('numbers ids in insertion order and finds each again, through many rehashes (same answers as a Map)', () => {
    // Each answer is checked, but a wrong one is collected rather than asserted on the spot: 80,000
    // expect() calls were 3 of this file's 3.6 CPU-s.
    const index = new OidIndex();
    const times = index.column((n) => new Float64Array(n));
    const expected = new Map<string, number>();
    const wrong: string[] = [];
    for (let i = 0; i < 20_000; i += 1) {
      const oid = sha1(i);
      const n = index.add(oid);
      if (n !== i) wrong.push(`add #${i} gave ${n}`);
      times.set(n, 1_600_000_000 + i);
      expected.set(oid, i);
    }
    expect(index.add(sha1(7))).toBe(7); // adding again gives the same number
    expect(index.size).toBe(20_000);
    for (const [oid, n] of expected) {
      if (index.get(oid) !== n) wrong.push(`get ${oid} gave ${index.get(oid)}, not ${n}`);
      if (times.get(n) !== 1_600_000_000 + n) wrong.push(`times #${n} is ${times.get(n)}`);
    }
    for (let i = 20_000; i < 20_100; i += 1) if (index.get(sha1(i)) !== -1) wrong.push(`never added #${i} found`);
    expect(wrong.slice(0, 5)).toEqual([]); // the first few, if any
  });

  it('answers the same across the chunks its ids are kept in (65,536 a chunk), asked in any order, again and again', () => {
    const index = new OidIndex();
    const n = 140_000;
    const ids = Array.from({ length: n }, (_, i) => sha1(i));
    let wrong = 0;
    for (let i = 0; i < n; i += 1) {
      if (index.add(ids[i]!) !== i) wrong += 1;
      if (index.add(ids[i]!) !== i || index.get(ids[i]!) !== i) wrong += 1; // the id asked for last
      if (i > 0 && index.get(ids[(i * 7919) % i]!) !== (i * 7919) % i) wrong += 1;
    }
    for (let i = n - 1; i >= 0; i -= 1) if (index.get(ids[i]!) !== i) wrong += 1;
    expect(wrong).toBe(0);
    expect(index.get(sha1(n))).toBe(-1);
    expect(index.get(sha1(n))).toBe(-1); // a miss is not remembered as a hit
    expect(index.size).toBe(n);
  });

  it('keeps ids that differ only in their last byte apart, and SHA-256 ids', () => {
    const index = new OidIndex();
    const a = `${'ab'.repeat(31)}00`;
    const b = `${'ab'.repeat(31)}01`;
    expect(index.add(sha256(1))).toBe(0);
    expect(index.add(a)).toBe(1);
    expect(index.add(b)).toBe(2);
    expect(index.get(a)).toBe(1);
    expect(index.get(b)).toBe(2);
    expect(index.get(`${'ab'.repeat(31)}02`)).toBe(-1);
  });

  it("keeps ids that are not hex of the walk's width apart from the hex ones", () => {
    const index = new OidIndex();
    const flags = index.column((n) => new Int8Array(n));
    const hex = sha1(1);
    // Uppercase is another string, as in a Map (git writes and gitguard accepts lowercase ids only).
    const odd = ['not-an-id', hex.slice(0, 39) + 'z', sha256(2), '', hex.toUpperCase()];
    flags.set(index.add(hex), 2);
    for (const o of odd) flags.set(index.add(o), 1);
    expect(index.get(hex)).toBe(0);
    expect(flags.get(index.get(hex))).toBe(2);
    odd.forEach((o, i) => {
      expect(index.get(o)).toBe(i + 1);
      expect(flags.get(i + 1)).toBe(1);
    });
    expect(flags.get(10_000)).toBe(0); // never set
  });

  it('answers as a Map for ids asked in turns that share their first digits (one slot of its table of recent ids)', () => {
    // Ids that begin alike, and strings that are not ids, take the same slot of the recent-id table in
    // turn: each answer must still be the one a Map of the strings gives.
    const index = new OidIndex();
    const expected = new Map<string, number>();
    const ids: string[] = [];
    for (let i = 0; ids.length < 64; i += 1) if (sha1(i).startsWith('abc')) ids.push(sha1(i));
    const odd = ['abc', 'ab', 'a', '', 'abcz', 'ABC' + ids[0]!.slice(3)];
    let wrong = 0;
    for (let round = 0; round < 3; round += 1)
      for (const id of [...ids, ...odd]) {
        const n = index.add(id);
        if (!expected.has(id)) expected.set(id, n);
        if (n !== expected.get(id)) wrong += 1;
        for (const back of [ids[0]!, odd[0]!, id, 'abc' + '0'.repeat(37)])
          if (index.get(back) !== (expected.get(back) ?? -1)) wrong += 1;
      }
    expect(index.size).toBe(ids.length + odd.length);
    expect(wrong).toBe(0);
  });
});

describe('Interned', () => {
  it('gives equal keys one number (from 1) and its first value', () => {
    const states = new Interned<string[]>();
    const a = ['x', 'y'];
    expect(states.number('x y', a)).toBe(1);
    expect(states.number('x y', ['x', 'y'])).toBe(1);
    expect(states.value(1)).toBe(a);
    expect(states.number('', [])).toBe(2);
    expect(states.value(0)).toBeUndefined();
  });
});
