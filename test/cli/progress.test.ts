import { durationText, progressReporter } from '../../src/cli/progress.js';
import type { Io } from '../../src/cli/io.js';

function fakeIo(tty: boolean): Io & { err: string[] } {
  const err: string[] = [];
  return {
    err,
    stdout: () => {},
    stderr: (s) => err.push(s),
    env: {},
    isTTY: tty,
    stderrIsTTY: tty,
    stdin: async () => '',
    gitguard: () => undefined,
  };
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

  it("with the walk's size known, shows the total and the time left at the rate so far", () => {
    const io = fakeIo(true);
    let now = 0;
    const p = progressReporter(io, () => now);
    p.onProgress!(1000, 1_000_000);
    now += 1000;
    p.onProgress!(2000, 1_000_000);
    expect(io.err).toEqual([]); // still a short walk so far
    now += 4000;
    p.onProgress!(21_000, 1_000_000); // 20,000 in 5 s: 4,000/s, 979,000 to go
    expect(io.err).toEqual([
      '\r\u001b[Kgitguard: 21,000 of 1,000,000 commits checked (4,000/s, about 4 min 05 s left)…',
    ]);
    now += 240_000;
    p.onProgress!(999_000, 1_000_000);
    expect(io.err[1]).toMatch(/999,000 of 1,000,000 commits checked \(4,0\d\d\/s, about 1 s left\)…$/);
  });

  it('omits the time left when the size is not known', () => {
    const io = fakeIo(true);
    let now = 0;
    const p = progressReporter(io, () => now);
    p.onProgress!(1000);
    now += 3000;
    p.onProgress!(7000);
    expect(io.err).toEqual(['\r\u001b[Kgitguard: 7,000 commits checked (2,000/s)…']);
  });

  it('writes durations for people', () => {
    expect([0.2, 12.4, 59.6, 61, 245, 3599, 3600, 4020].map(durationText)).toEqual([
      '1 s',
      '12 s',
      '1 min 00 s',
      '1 min 01 s',
      '4 min 05 s',
      '59 min 59 s',
      '1 h 00 min',
      '1 h 07 min',
    ]);
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
