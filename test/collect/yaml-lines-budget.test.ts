// A CI text not parsed (too large for the parser, or past the run's YAML budget) is read line by line
// for what it runs. That reading was charged to nothing, so a history of thousands of such versions
// cost time without bound. Now each line reading is charged to an allowance of its own (four times
// the budget, in bytes of text): past it the reader has no answer and the run says so (the files the
// CI runs are not watched, the gate not judged), never an answer read as "runs nothing".
import { inBudget, KiB, padded } from '../helpers/yaml-budget-texts.js';
import { ciReferencesIn, ciVariables, referencesUnread, runCommands } from '../../src/collect/ci-yaml.js';
import { commandsRefused } from '../../src/collect/command-reading.js';

const WORKFLOWS = '.github/workflows';

/** A workflow of ~300 KiB (past what is parsed at all), running a local workflow of its own, distinct per `n`. */
const tooLarge = (n: number): string =>
  padded(`on: [push]\njobs:\n  a:\n    uses: ./.github/workflows/reused-${n}.yml\n`, n, 300 * KiB);

describe('line readings of CI texts are charged', () => {
  test('past the allowance a text is not read by line, and the run says what it runs is not known', async () => {
    // 1 MiB budget: line readings get 4 MiB, 13 texts of 300 KiB.
    await inBudget(1, async () => {
      for (let n = 0; n < 13; n += 1) {
        expect(await ciReferencesIn(tooLarge(n), WORKFLOWS)).toEqual([`.github/workflows/reused-${n}.yml`]);
        expect(referencesUnread(tooLarge(n))).toBe(false);
      }
      expect(commandsRefused()).toBe(false);
      const past = tooLarge(13);
      expect(await ciReferencesIn(past, WORKFLOWS)).toEqual([]);
      expect(referencesUnread(past)).toBe(true);
      expect(await runCommands(past, WORKFLOWS)).toBeUndefined();
      expect(await ciVariables(past, WORKFLOWS)).toBeUndefined();
      expect(commandsRefused()).toBe(true);
    });
  }, 60_000);

  test('within the allowance a text too large to parse is read by line, its commands and variables too', async () => {
    await inBudget(1, async () => {
      const text = `${tooLarge(0)}# GATE=ci/gate.sh\n`;
      expect(await ciReferencesIn(text, WORKFLOWS)).toEqual(['.github/workflows/reused-0.yml']);
      expect(referencesUnread(text)).toBe(false);
      expect((await runCommands(text, WORKFLOWS))?.length).toBeGreaterThan(1000);
      expect(await ciVariables(text, WORKFLOWS)).toEqual([['GATE', 'ci/gate.sh']]);
      expect(commandsRefused()).toBe(false);
    });
  }, 60_000);
});
