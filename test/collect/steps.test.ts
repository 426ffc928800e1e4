import { runSteps, type Steps } from '../../src/collect/steps.js';

function* sum(values: Array<number | Promise<number>>): Steps<number> {
  let total = 0;
  for (const v of values) total += (yield v) as number;
  return total;
}

describe('runSteps', () => {
  it('answers at once, not with a promise, when nothing yielded is pending', () => {
    expect(runSteps(sum([1, 2, 3]))).toBe(6);
  });

  it('answers with a promise from the first pending value on, with every value handed back in order', async () => {
    const r = runSteps(sum([1, Promise.resolve(2), 3, Promise.resolve(4)]));
    expect(r).toBeInstanceOf(Promise);
    await expect(r).resolves.toBe(10);
  });

  it('throws a rejection into the steps at their yield, as an await would, and they may catch it', async () => {
    function* guarded(): Steps<string> {
      try {
        yield Promise.reject(new Error('unreadable'));
        return 'not reached';
      } catch (err) {
        return `caught ${(err as Error).message}`;
      }
    }
    await expect(runSteps(guarded())).resolves.toBe('caught unreadable');
    await expect(runSteps(sum([1, Promise.reject(new Error('lost'))]))).rejects.toThrow('lost');
  });

  it('throws at once when the steps throw before anything was pending, and rejects after', async () => {
    function* failing(pendingFirst: boolean): Steps<number> {
      if (pendingFirst) yield Promise.resolve(0);
      throw new Error('bad policy');
    }
    expect(() => runSteps(failing(false))).toThrow('bad policy');
    await expect(runSteps(failing(true))).rejects.toThrow('bad policy');
  });
});
