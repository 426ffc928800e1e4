// A key written twice in one YAML map of .gitlab-ci.yml: GitLab's loader (Ruby's Psych) keeps the last
// value. Reading the first let a gate job whose second `script:` runs `make` keep the gate (each
// "removed" case passed before the fix); the twins put the gate in the value GitLab keeps.
import { expectGitlabGate } from '../helpers/team.js';

const gate = { '.gitlab-ci.yml': 'audit:\n  script: [npx gitguard audit]\n' };
const after = (text: string): Record<string, string> => ({ '.gitlab-ci.yml': text });

describe('ci-gate-kept: duplicate keys in .gitlab-ci.yml read as GitLab reads them (the last wins)', () => {
  test.each([
    ['a second script', 'audit:\n  script: [npx gitguard audit]\n  script: [make]\n'],
    ['a second job of the same name', 'audit:\n  script: [npx gitguard audit]\naudit:\n  script: [make]\n'],
    [
      'a second allow_failure',
      'audit:\n  script: [npx gitguard audit]\n  allow_failure: false\n  allow_failure: true\n',
    ],
  ])(
    'removed: %s',
    async (_name, text) => {
      await expectGitlabGate(gate, after(text), false);
    },
    60_000,
  );

  test.each([
    ['the gate in the second script', 'audit:\n  script: [make]\n  script: [npx gitguard audit]\n'],
    ['the gate in the second job', 'audit:\n  script: [make]\naudit:\n  script: [npx gitguard audit, make]\n'],
    [
      'strict in the second allow_failure',
      'audit:\n  script: [npx gitguard audit]\n  allow_failure: true\n  allow_failure: false\n',
    ],
  ])(
    'kept: %s',
    async (_name, text) => {
      await expectGitlabGate(gate, after(text), true);
    },
    60_000,
  );
});
