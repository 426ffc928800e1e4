// Red-team round 67: ci-gate-kept read `.gitlab-ci.yml` and each file it includes alone, but GitLab
// reads them as one configuration: a job made lenient by a hidden job of an included file
// (`extends: .lenient`, `rules: !reference [.off, rules]`), the gate left only in a hidden job
// (`.audit:`, which GitLab never runs), `rules:` that never run the job and a `workflow:` that runs
// no pipeline all kept the gate, and the audit passed. The whole configuration is judged now
// (collect/gitlab-gate.ts); the reference is GitLab's documented reading (docs.gitlab.com/ci/yaml:
// `extends`, `!reference`, hidden jobs, `rules`, `workflow:rules`), checked against
// gitlab-ci-local's where noted in the report.
import { cleanupTemp } from '../helpers/repo.js';
import { expectGitlabGate } from '../helpers/team.js';

afterAll(cleanupTemp);

const TEMPLATES = 'ci/templates.yml';
const MAIN = (jobs: string): string => `include: ${TEMPLATES}\nbuild:\n  script: make\n${jobs}`;
const AUDIT = 'audit:\n  script: npx gitguard audit\n';
const BEFORE = {
  '.gitlab-ci.yml': MAIN(AUDIT),
  [TEMPLATES]:
    '.lenient:\n  allow_failure: true\n.strict:\n  allow_failure: false\n.off:\n  rules:\n    - when: never\n' +
    '.gitguard:\n  script:\n    - npx gitguard audit\n',
};

/** Templates .t0 to .t9 each extending the next level ten times, .t10 holding `last`. */
const FAN = (last: string): string =>
  Array.from(
    { length: 10 },
    (_, d) =>
      `.t${d}:\n  extends: [${Array(10)
        .fill(`.t${d + 1}`)
        .join(', ')}]\n`,
  ).join('') + `.t10:\n${last}`;

interface Case {
  name: string;
  after: Record<string, string>;
  kept: boolean;
}

test.each<Case>([
  {
    name: 'the job extends a lenient template of the included file',
    after: { '.gitlab-ci.yml': MAIN(`${AUDIT}  extends: .lenient\n`) },
    kept: false,
  },
  {
    name: 'the job’s rules a !reference to the included file’s, which never run',
    after: { '.gitlab-ci.yml': MAIN(`${AUDIT}  rules: !reference [.off, rules]\n`) },
    kept: false,
  },
  { name: 'the gate left only in a hidden job', after: { '.gitlab-ci.yml': MAIN(`.${AUDIT}`) }, kept: false },
  {
    name: 'rules that never run the job',
    after: {
      '.gitlab-ci.yml': MAIN(`${AUDIT}  rules:\n    - if: $CI_COMMIT_TAG\n      when: never\n    - when: never\n`),
    },
    kept: false,
  },
  {
    name: 'rules that let the job fail',
    after: { '.gitlab-ci.yml': MAIN(`${AUDIT}  rules:\n    - allow_failure: true\n`) },
    kept: false,
  },
  {
    name: 'a workflow that runs no pipeline',
    after: { '.gitlab-ci.yml': `workflow:\n  rules:\n    - when: never\n${MAIN(AUDIT)}` },
    kept: false,
  },
  {
    name: 'the included file’s job made lenient by the including file',
    after: { '.gitlab-ci.yml': MAIN('audit:\n  allow_failure: true\n'), [TEMPLATES]: AUDIT },
    kept: false,
  },
  {
    // Ten templates at each of 10 levels, each extending the next level's ten: 10^10 paths, read once per template.
    name: 'the job made lenient through a fan of templates 11 levels deep',
    after: { '.gitlab-ci.yml': MAIN(`${AUDIT}  extends: .t0\n`), [TEMPLATES]: FAN('  allow_failure: true\n') },
    kept: false,
  },
  // Twins: the gate GitLab still runs.
  {
    name: 'twin: the same fan of templates, strict',
    after: { '.gitlab-ci.yml': MAIN(`${AUDIT}  extends: .t0\n`), [TEMPLATES]: FAN('  allow_failure: false\n') },
    kept: true,
  },
  {
    name: 'twin: the job extends a strict template of the included file',
    after: { '.gitlab-ci.yml': MAIN(`${AUDIT}  extends: .strict\n`) },
    kept: true,
  },
  {
    name: 'twin: the script moved to a template of the included file the job extends',
    after: { '.gitlab-ci.yml': MAIN('audit:\n  extends: .gitguard\n') },
    kept: true,
  },
  {
    name: 'twin: the script a !reference to the included file’s template',
    after: { '.gitlab-ci.yml': MAIN('audit:\n  script:\n    - echo start\n    - !reference [.gitguard, script]\n') },
    kept: true,
  },
  {
    name: 'twin: rules of which one runs the job',
    after: {
      '.gitlab-ci.yml': MAIN(`${AUDIT}  rules:\n    - if: $CI_COMMIT_TAG\n      when: never\n    - when: on_success\n`),
    },
    kept: true,
  },
  {
    name: 'twin: a template of a project include (not in this repository) named for gitguard',
    after: {
      '.gitlab-ci.yml': MAIN('audit:\n  extends: .gitguard-audit\n').replace(
        `include: ${TEMPLATES}\n`,
        `include:\n  - local: ${TEMPLATES}\n  - project: security/ci-templates\n    file: gitguard.yml\n`,
      ),
    },
    kept: true,
  },
])('$name', async ({ after, kept }) => {
  await expectGitlabGate(BEFORE, after, kept);
});
