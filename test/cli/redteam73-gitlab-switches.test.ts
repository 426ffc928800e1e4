// What can switch a GitLab gate job off that gitguard read as strict: rules GitLab takes first-match
// (a rule without `if:`/`changes:`/`exists:` matches always, so one saying `when: never` ends the
// list), `when: on_failure` (runs only after another job failed), and values no file here fixes: an
// input interpolation (`$[[ inputs.x ]]`, set by the including file's `include: inputs:`: GitLab's
// documented `allow_failure: $[[ inputs.allow_failure ]]`, a job named by an input) and a template or
// `!reference` of a remote include; an include whose `rules:` never include the file; a job in a
// stage `stages:` does not list (GitLab refuses the file: "chosen stage does not exist").
// gitlab-ci-local 4.52 lists the first two cases `when: never` and `on_failure`, the input cases
// `allow_failure: "true"` and no job at all, and refuses the stray stages. Each "removed" case passed
// before the fix; the twins are the honest files next to them.
import { expectGitlabGate, gateCases } from '../helpers/team.js';

const CI = '.gitlab-ci.yml';
const gate = { [CI]: 'audit:\n  script: [npx gitguard audit]\n' };
const job = (extra: string, head = ''): Record<string, string> => ({
  [CI]: `${head}audit:\n  script: [npx gitguard audit]\n${extra}`,
});
const included = (inputs: string, file: string): Record<string, string> => ({
  [CI]: `include:\n  - local: ci/gate.yml\n    inputs:\n${inputs}`,
  'ci/gate.yml': file,
});
const includeRules = (rules: string): Record<string, string> => ({
  [CI]: `include:\n  - local: ci/gate.yml\n    rules:\n${rules}lint:\n  script: [make]\n`,
  'ci/gate.yml': 'audit:\n  script: [npx gitguard audit]\n',
});
const REMOTE = 'include:\n  - remote: https://ci.example.com/templates.yml\n';

describe('ci-gate-kept: GitLab switches read as GitLab reads them', () => {
  gateCases(
    (after, kept) => expectGitlabGate(gate, after, kept),
    [
      ['a rule matching always says never first', job('  rules:\n    - when: never\n    - when: always\n')],
      [
        'a rule matching always lets it fail first',
        job('  rules:\n    - allow_failure: true\n    - when: on_success\n'),
      ],
      ['when: on_failure', job('  when: on_failure\n')],
      ['a rule saying on_failure', job('  rules:\n    - if: $CI_COMMIT_BRANCH\n      when: on_failure\n')],
      [
        'allow_failure set by an input',
        included(
          '      af: true\n',
          'spec:\n  inputs:\n    af:\n      type: boolean\n      default: false\n---\naudit:\n  script: [npx gitguard audit]\n  allow_failure: $[[ inputs.af ]]\n',
        ),
      ],
      [
        'when set by an input',
        included(
          '      when: manual\n',
          'spec:\n  inputs:\n    when:\n      default: on_success\n---\naudit:\n  script: [npx gitguard audit]\n  when: $[[ inputs.when ]]\n',
        ),
      ],
      [
        'the job named by an input',
        included(
          '      name: .audit\n',
          'spec:\n  inputs:\n    name:\n      default: audit\n---\n$[[ inputs.name ]]:\n  script: [npx gitguard audit]\n',
        ),
      ],
      ['extends a remote template', job('  extends: .strict\n', REMOTE)],
      ['allow_failure from a remote template', job('  allow_failure: !reference [.strict, allow_failure]\n', REMOTE)],
      ['rules from a remote template', job('  rules: !reference [.strict, rules]\n', REMOTE)],
      ["a stages: list without the job's stage (test)", job('', 'stages: [build]\n')],
      ['a stage no list names', job('  stage: verify\n')],
      ['the gate in a file an include rule never includes', includeRules('      - when: never\n')],
      [
        'the gate in a file only a never-included file includes',
        {
          [CI]: 'include:\n  - local: ci/outer.yml\n    rules:\n      - when: never\n',
          'ci/outer.yml': 'include: [ci/gate.yml]\n',
          'ci/gate.yml': 'audit:\n  script: [npx gitguard audit]\n',
        },
      ],
    ],
    [
      ['a rule saying never only if', job('  rules:\n    - if: $SKIP_AUDIT\n      when: never\n    - when: always\n')],
      ['when: always', job('  when: always\n')],
      [
        'a stage set by an input',
        included(
          '      stage: test\n',
          'spec:\n  inputs:\n    stage:\n      default: test\n---\naudit:\n  stage: $[[ inputs.stage ]]\n  script: [npx gitguard audit]\n',
        ),
      ],
      ['extends a template defined here', job('  extends: .strict\n', '.strict:\n  allow_failure: false\n')],
      ['a remote template named for gitguard', job('  extends: .gitguard-audit\n', REMOTE)],
      ["a stages: list with the job's stage", job('', 'stages: [build, test]\n')],
      ['a stage of a nested stages: list', job('  stage: verify\n', 'stages: [build, [verify]]\n')],
      ['the .post stage', job('  stage: .post\n', 'stages: [build]\n')],
      ['an include rule on a file that exists', includeRules('      - exists: [ci/gate.yml]\n')],
      [
        'an include rule saying never only if',
        includeRules('      - if: $SKIP\n        when: never\n      - when: always\n'),
      ],
    ],
  );
});
