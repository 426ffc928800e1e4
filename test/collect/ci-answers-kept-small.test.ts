// What a run keeps of a CI text's answers is small where the answer is the text itself: a text read
// line by line (too large to parse, or past the budget) answered with every line as a command, and each
// version's ~8,600 lines were kept as copies (a 200 KiB version: ~0.8 MB counted, ~40 kept at once, the
// most of what was live in a hostile history's audit). Now that reading is kept as a fact and its
// lines split from the text again when asked.
import { inRun } from '../../src/collect/run-context.js';
import { runCommands } from '../../src/collect/ci-yaml.js';
import { keptAnswerBytes } from '../../src/collect/ci-yaml-memo.js';

const KiB = 1024;
const WORKFLOWS = '.github/workflows';

/** A workflow of ~300 KiB of one-line steps (past what is parsed at all). */
function tooLarge(): string {
  const lines = ['on: [push]\njobs:\n  a:\n    runs-on: x\n    steps:\n'];
  for (let k = 0, length = 0; length < 300 * KiB; k += 1) {
    const line = `      - run: ./ci/step-${k}.sh\n`;
    lines.push(line);
    length += line.length;
  }
  return lines.join('');
}

const inOwnRun = <T>(f: () => Promise<T>): Promise<T> => inRun({ env: { ...process.env }, secrets: new Set() }, f);

describe('the answers kept of a CI text read line by line', () => {
  test('hold not its lines, and the lines asked again are the same', async () => {
    await inOwnRun(async () => {
      const text = tooLarge();
      const first = await runCommands(text, WORKFLOWS);
      expect(first?.length).toBeGreaterThan(8_000);
      expect(first).toContainEqual({ text: '      - run: ./ci/step-7.sh', dir: '' });
      expect(keptAnswerBytes()).toBeLessThan(4 * KiB);
      expect(await runCommands(text, WORKFLOWS)).toEqual(first);
    });
  }, 60_000);

  test('a parsed workflow keeps its commands, each step its own', async () => {
    await inOwnRun(async () => {
      const text =
        'on: [push]\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: ./ci/a.sh\n      - run: ./ci/b.sh\n';
      const commands = await runCommands(text, WORKFLOWS);
      expect(commands?.map((c) => c.text)).toEqual(['./ci/a.sh', './ci/b.sh']);
      expect(keptAnswerBytes()).toBeGreaterThan(0);
      expect(await runCommands(text, WORKFLOWS)).toEqual(commands);
    });
  }, 60_000);
});
