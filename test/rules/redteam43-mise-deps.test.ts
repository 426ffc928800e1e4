// domain/mise-parts.ts: the tasks a chain's mise tasks depend on are run as `mise run <dep>` is.
import { miseDependencyRuns } from '../../src/domain/mise-parts.js';

test('depends, depends_post and wait_for, on one line or several, with arguments', () => {
  expect(
    miseDependencyRuns([
      '[tasks.gate]',
      'depends = ["setup", \'lint:fix\']',
      'depends_post = [',
      '  "report --fast",',
      ']',
      'wait_for = ["db"]',
      'run = "npx gitguard audit"',
    ]),
  ).toEqual(['mise run setup', 'mise run lint:fix', 'mise run report', 'mise run db']);
});

test('twins: other keys name no task; a value with shell syntax is not made a command', () => {
  expect(miseDependencyRuns(['run = ["a"]', 'description = "depends = [\\"x\\"]"', 'depends = ["$(x)"]'])).toEqual([]);
});
