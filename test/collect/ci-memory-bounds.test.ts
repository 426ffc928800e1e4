// What one run keeps of CI readings is bounded: a few commits read their CI changes at once (ci-slots.ts;
// each holds the texts it reads, and 300 commits in flight held 300 versions of a 200 KiB workflow), and
// the readings kept per CI state are the most recently asked (recent-map.ts; kept for the run, every
// version read stayed in memory).
import { Slots } from '../../src/collect/ci-slots.js';
import { RecentMap } from '../../src/collect/recent-map.js';

describe('CI readings held at once are bounded', () => {
  test('past its count a slot is given only when one is given back, in order', async () => {
    const slots = new Slots(2);
    expect(slots.take()).toBe(true);
    expect(slots.take()).toBe(true);
    const order: number[] = [];
    const third = slots.take();
    const fourth = slots.take();
    expect(third).toBeInstanceOf(Promise);
    void (third as Promise<true>).then(() => order.push(3));
    void (fourth as Promise<true>).then(() => order.push(4));
    await Promise.resolve();
    expect(order).toEqual([]);
    slots.give();
    await third;
    expect(order).toEqual([3]);
    slots.give();
    await fourth;
    expect(order).toEqual([3, 4]);
    // Twin: with every slot given back, one is taken at once again.
    slots.give();
    slots.give();
    expect(slots.take()).toBe(true);
  });

  test('a recent map keeps its most recently asked entries only', () => {
    const m = new RecentMap<string, number>(2);
    m.set('a', 1);
    m.set('b', 2);
    expect(m.get('a')).toBe(1); // asked: b is now the oldest
    m.set('c', 3);
    expect([...m.keys()].sort()).toEqual(['a', 'c']);
    expect(m.get('b')).toBeUndefined();
    expect(m.size).toBe(2);
  });
});
