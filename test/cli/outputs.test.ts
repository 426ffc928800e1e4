import { plannedOutputs } from '../../src/cli/outputs.js';
import { progressReporter } from '../../src/cli/progress.js';
import type { Io } from '../../src/cli/io.js';

const io = (stderrIsTTY: boolean, sink: string[]): Io => ({ stdout: () => {}, stderr: (s) => sink.push(s), env: {}, isTTY: false, stderrIsTTY });

describe('audit outputs', () => {
  test('plans the main format on stdout plus one file per --output-<format>', () => {
    expect(plannedOutputs('text', undefined, { outputSarif: 'a.sarif', outputJunit: 'a.xml' })).toEqual([
      { format: 'text' },
      { format: 'sarif', file: 'a.sarif' },
      { format: 'junit', file: 'a.xml' },
    ]);
    expect(() => plannedOutputs('json', 'x', { outputSarif: 'x' })).toThrow(/two reports would be written to x/);
  });

  test('shows progress on stderr only when stderr is a terminal, and clears the line at the end', () => {
    const quiet: string[] = [];
    const p0 = progressReporter(io(false, quiet));
    expect(p0.onProgress).toBeUndefined();
    p0.done();
    expect(quiet).toEqual([]);
    const tty: string[] = [];
    const p1 = progressReporter(io(true, tty));
    p1.onProgress!(12000);
    p1.done();
    expect(tty).toEqual(['\r\u001b[Kgitguard: 12,000 commits checked…', '\r\u001b[K']);
  });
});
