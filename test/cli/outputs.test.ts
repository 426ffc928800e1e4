import { plannedOutputs } from '../../src/cli/outputs.js';
// The progress line is tested in progress.test.ts, with an injected clock.

describe('audit outputs', () => {
  test('plans the main format on stdout plus one file per --output-<format>', () => {
    expect(plannedOutputs('text', undefined, { outputSarif: 'a.sarif', outputJunit: 'a.xml' })).toEqual([
      { format: 'text' },
      { format: 'sarif', file: 'a.sarif' },
      { format: 'junit', file: 'a.xml' },
    ]);
    expect(() => plannedOutputs('json', 'x', { outputSarif: 'x' })).toThrow(/two reports would be written to x/);
  });
});
