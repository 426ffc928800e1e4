// An include GitLab cannot follow makes it refuse the whole configuration: no pipeline runs, so a
// gate job in `.gitlab-ci.yml` next to it runs nothing (docs.gitlab.com/ee/ci/yaml/includes.html;
// GitLab's lib/gitlab/ci/config/external): a local file not in the commit ("Local file `x` does not
// exist!", a folder as well), a file without a .yml/.yaml extension ("does not have YAML
// extension!"), an empty file ("is empty!"), more than 150 includes counted with repeats, and so an
// include cycle ("Maximum of 150 nested includes are allowed!"). Each "removed" case kept the gate
// before the fix; the twins are the honest files next to them (a wildcard matching nothing includes
// nothing, an include its rules leave out is never fetched).
import { expectGitlabGate, gateCases } from '../helpers/team.js';

const CI = '.gitlab-ci.yml';
const JOB = 'audit:\n  script: [npx gitguard audit]\n';
const gate = { [CI]: JOB };
const LINT = 'lint:\n  script: [make]\n';
const including = (include: string, files: Record<string, string> = {}): Record<string, string> => ({
  [CI]: `include:\n${include}${JOB}`,
  ...files,
});
const times = (n: number, path: string): string => `  - local: ${path}\n`.repeat(n);

describe('ci-gate-kept: an include GitLab refuses runs no gate', () => {
  gateCases(
    (after, kept) => expectGitlabGate(gate, after, kept),
    [
      ['a local include of a file not in the commit', including('  - local: missing.yml\n')],
      ['a plain include of a file not in the commit', { [CI]: `include: ci/missing.yml\n${JOB}` }],
      [
        'an include of a file not in the commit, from an included file',
        including('  - local: ci/lint.yml\n', { 'ci/lint.yml': `include: [ci/missing.yml]\n${LINT}` }),
      ],
      ['an include of a folder', including('  - local: ci.yml\n', { 'ci.yml/lint.yml': LINT })],
      ['an include of a file without a YAML extension', including('  - local: ci/lint.txt\n', { 'ci/lint.txt': LINT })],
      ['an include of an empty file', including('  - local: ci/empty.yml\n', { 'ci/empty.yml': '\n' })],
      ['151 includes of one file', including(times(151, 'ci/lint.yml'), { 'ci/lint.yml': LINT })],
      [
        '60 includes of a file that includes another twice (180 in all)',
        including(times(60, 'ci/a.yml'), { 'ci/a.yml': `include: [ci/b.yml, ci/b.yml]\n${LINT}`, 'ci/b.yml': LINT }),
      ],
      [
        'an include cycle',
        including('  - local: ci/a.yml\n', {
          'ci/a.yml': `include: [ci/b.yml]\n${LINT}`,
          'ci/b.yml': 'include: [ci/a.yml]\nbuild:\n  script: [make build]\n',
        }),
      ],
    ],
    [
      ['a local include of a file in the commit', including('  - local: ci/lint.yml\n', { 'ci/lint.yml': LINT })],
      [
        'an include with an upper-case .YAML extension',
        including('  - local: ci/lint.YAML\n', { 'ci/lint.YAML': LINT }),
      ],
      ['a wildcard include matching a file', including("  - local: 'ci/*.yml'\n", { 'ci/lint.yml': LINT })],
      ['a wildcard include matching nothing', including("  - local: 'ci/*.yml'\n", { 'lint.sh': 'make\n' })],
      [
        '60 includes of a file that includes another once (120 in all)',
        including(times(60, 'ci/a.yml'), { 'ci/a.yml': `include: [ci/b.yml]\n${LINT}`, 'ci/b.yml': LINT }),
      ],
      ['150 includes of one file', including(times(150, 'ci/lint.yml'), { 'ci/lint.yml': LINT })],
      [
        'an include of a file not in the commit that its rules leave out',
        including('  - local: missing.yml\n    rules:\n      - when: never\n', { 'lint.sh': 'make\n' }),
      ],
    ],
  );
});
