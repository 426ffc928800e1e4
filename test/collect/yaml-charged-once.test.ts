// The run's YAML budget charges each text once (yaml-budget.ts, command-reading.ts). What is kept of a
// text is bounded (its parse, the files its commands run), so a text may be dropped and asked for again
// later in the run. Charged again then, an honest history spent its budget twice on the same versions
// and ended in a false "cannot be judged". Now a text read again is charged to a smaller allowance for
// readings again, by its digest, never as a new text; a new text past the budget is still refused.
import { inBudget, KiB, padded } from '../helpers/yaml-budget-texts.js';
import { parsedYaml } from '../../src/collect/yaml-budget.js';
import { commandsRefused, filesRun } from '../../src/collect/command-reading.js';

/** A workflow of about `size` bytes of comments, distinct per `n`. */
const comments = (n: number, size: number): string => padded(`on: [push]\n# version ${n}\n`, n, size);

describe('the YAML budget charges a text once a run', () => {
  test('a parse dropped from those kept and asked for again is read, not refused for the budget', async () => {
    // 9 MiB: the text (200 KiB), then 36 others of 250 KiB (8.8 MiB, past the 8 MiB of parses kept):
    // the text's parse is dropped and what is left of the budget is less than it.
    await inBudget(9, async () => {
      const text = comments(0, 200 * KiB);
      expect(await parsedYaml(text)).toEqual(expect.any(Array));
      for (let n = 1; n <= 36; n += 1) expect(await parsedYaml(comments(n, 250 * KiB))).toEqual(expect.any(Array));
      expect(await parsedYaml(text)).toEqual(expect.any(Array));
      // Twin: a text not read before does not fit what is left, and is refused.
      expect(await parsedYaml(comments(99, 200 * KiB))).toBe('past-budget');
    });
  }, 60_000);

  test('a command dropped from those kept and read again is not refused for the budget', async () => {
    // 5 MiB: the command (200 KiB), then 23 others of 210 KiB (past the 4 MiB of commands kept): what is
    // left of the budget is less than the command.
    await inBudget(5, async () => {
      const command = (n: number, size: number): string => `make check-${n} ${'a'.repeat(size)}`;
      expect(filesRun(command(0, 200 * KiB))).toBeDefined();
      for (let n = 1; n <= 23; n += 1) expect(filesRun(command(n, 210 * KiB))).toBeDefined();
      expect(filesRun(command(0, 200 * KiB))).toBeDefined();
      expect(commandsRefused()).toBe(false);
      // Twin: a new command past the budget is refused, and the run says so.
      expect(filesRun(command(99, 200 * KiB))).toBeUndefined();
      expect(commandsRefused()).toBe(true);
    });
  }, 60_000);
});
