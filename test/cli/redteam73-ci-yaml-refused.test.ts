// A CI file its forge's YAML parser refuses, or reads otherwise than the parser here. The parser here
// (eemeli/yaml) reads on past a syntax error and an alias of no anchor, where GitHub's reader and
// Ruby's Psych (GitLab) refuse the whole file ("did not find expected ','", "Unknown alias: x"), so
// no job of it runs. GitHub compares a map's keys as text, letter case aside (actions/runner
// TemplateReader: HashSet OrdinalIgnoreCase, "'env' is already defined"). GitLab's Psych types an
// unquoted yes/on as true and reads `:allow_failure:` as the symbol deep_symbolize_keys makes of
// `allow_failure`. Each "removed" case passed before the fix; the twins are the honest files next to them.
import { expectGitlabGate, expectWorkflowGate, gateCases, gateWorkflow as workflow } from '../helpers/team.js';

describe('ci-gate-kept: a workflow GitHub refuses runs no gate', () => {
  gateCases(
    expectWorkflowGate,
    [
      ['a flow list left open', workflow('    env: {A: [1}\n')],
      ['a quoted value left open', workflow('', '      - run: "make\n')],
      ['a tab as indentation', workflow('', '\t- run: make\n')],
      ['an alias of no anchor', workflow('    env: *missing\n')],
      ['env and ENV', workflow('    env: {A: "1"}\n    ENV: {B: "2"}\n')],
      ['a variable written in two cases', workflow('    env: {GATE: "1", gate: "2"}\n')],
      ['a number key and its text', workflow('    env: {1: a, "1": b}\n')],
    ],
    [
      ['a closed flow list', workflow('    env: {A: "[1"}\n')],
      ['an alias of an anchor above it', workflow('    env: &e {A: "1"}\n    container: {env: *e, image: node:20}\n')],
      ['variables in one case each', workflow('    env: {GATE: "1", OTHER: "2"}\n')],
      ['a key ß beside ss (ToUpperInvariant keeps ß)', workflow('    env: {"ß": a, ss: b}\n')],
    ],
  );
});

describe('ci-gate-kept: .gitlab-ci.yml read as Psych reads it', () => {
  const gate = { '.gitlab-ci.yml': 'audit:\n  script: [npx gitguard audit]\n' };
  const job = (extra: string): Record<string, string> => ({
    '.gitlab-ci.yml': `audit:\n  script: [npx gitguard audit]\n${extra}`,
  });
  gateCases(
    (after, kept) => expectGitlabGate(gate, after, kept),
    [
      ['allow_failure: yes', job('  allow_failure: yes\n')],
      ['allow_failure: On', job('  allow_failure: On\n')],
      [':allow_failure: true', job('  :allow_failure: true\n')],
      [':"allow_failure": true', job('  :"allow_failure": true\n')],
      ['a second :script', job('  :script: [make]\n')],
      ['a syntax error in another job', job('lint:\n  script: [make\n')],
      ['an alias of no anchor', job('lint:\n  script: *missing\n')],
      [
        'a syntax error in an included file',
        { ...job('include: [ci/lint.yml]\n'), 'ci/lint.yml': 'lint:\n  script: "make\n' },
      ],
    ],
    [
      ['allow_failure: no', job('  allow_failure: no\n')],
      ['allow_failure: Off', job('  allow_failure: Off\n')],
      [
        'the gate in the last :script',
        { '.gitlab-ci.yml': 'audit:\n  script: [make]\n  :script: [npx gitguard audit]\n' },
      ],
      ['a valid included file', { ...job('include: [ci/lint.yml]\n'), 'ci/lint.yml': 'lint:\n  script: "make"\n' }],
    ],
  );
});
