// The commands a run keeps read (command-reading.ts) are bounded by what they weigh in the heap, not by
// their length alone: the hostile CI history's ~10-byte one-line steps kept ~400,000 entries under a
// 4 MiB bound counted in characters, each a key string, an answer and a Map slot (16.8 MB held late in the run).
import { inBudget } from '../helpers/yaml-budget-texts.js';
import { commandsRefused, filesRun, keptCommands } from '../../src/collect/command-reading.js';

/** The least a kept entry weighs in V8 besides its characters: a string's header and a Map entry's slots. */
const LEAST_ENTRY_BYTES = 40;
const BOUND = 4 * 1024 * 1024;

describe('the commands a run keeps read', () => {
  test('many short distinct commands keep no more than the bound weighs', async () => {
    await inBudget(32, async () => {
      const command = (n: number): string => `a${n.toString(36)}v1`;
      let read = 0;
      for (let n = 0; n < 150_000; n += 1) if (filesRun(command(n))) read += 1;
      expect(read).toBe(150_000);
      expect(commandsRefused()).toBe(false);
      expect(keptCommands() * (LEAST_ENTRY_BYTES + command(150_000).length)).toBeLessThanOrEqual(BOUND);
    });
  }, 60_000);

  test("an honest workflow's commands are all kept and answered again", async () => {
    await inBudget(8, async () => {
      const command = (n: number): string => `npm run task-${n} -- --shard 0`;
      let read = 0;
      for (let n = 0; n < 6_000; n += 1) if (filesRun(command(n))) read += 1;
      expect(read).toBe(6_000);
      expect(keptCommands()).toBe(6_000);
      expect(filesRun('bash ci/check.sh')).toEqual([expect.objectContaining({ path: 'ci/check.sh' })]);
      expect(keptCommands()).toBe(6_001);
    });
  }, 60_000);
});
