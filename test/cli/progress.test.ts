import { progressReporter } from '../../src/cli/progress.js';
import type { Io } from '../../src/cli/io.js';

function fakeIo(tty: boolean): Io & { err: string[] } {
  const err: string[] = [];
  return { err, stdout: () => {}, stderr: (s) => err.push(s), env: {}, isTTY: tty, stderrIsTTY: tty, stdin: async () => '', gitguard: () => undefined };
}

describe('progress line', () => {
  it('stays silent for a short walk, then shows commits and the rate, and clears itself', () => {
    const io = fakeIo(true);
    let now = 10_000;
    const p = progressReporter(io, () => now);
    p.onProgress!(1000);
    now += 1000;
    p.onProgress!(2000);
    expect(io.err).toEqual([]); // under two seconds: nothing
    now += 1500;
    p.onProgress!(6000); // 5,000 commits in 2.5 s since the first report
    expect(io.err).toEqual(['\r\u001b[Kgitguard: 6,000 commits checked (2,000/s)…']);
    p.done();
    expect(io.err[1]).toBe('\r\u001b[K');
  });

  it('prints nothing when stderr is not a terminal', () => {
    const io = fakeIo(false);
    const p = progressReporter(io, () => 0);
    expect(p.onProgress).toBeUndefined();
    p.done();
    expect(io.err).toEqual([]);
  });

  it('leaves nothing to clear when it never showed', () => {
    const io = fakeIo(true);
    const p = progressReporter(io, () => 5);
    p.onProgress!(1000);
    p.done();
    expect(io.err).toEqual([]);
  });
});
