// Red-team round 71: three readings of GitLab's configuration in ci-gate-kept (collect/gitlab-gate.ts,
// collect/ci-yaml.ts). (1) A job's own key replaces what it extends (GitLab's `extends` merge:
// hashes deep-merged, anything else, a script, a list, the job's own), but the gate was looked for in
// every key of the job and of each template, so `audit: {extends: .gitguard, script: [make]}` kept
// it. (2) A gate only in `after_script` (of the job, `default:` or the top level) counted, though
// GitLab ignores an after_script's failure; `before_script` fails the job and is a gate. (3)
// `allow_failure: {exit_codes: 137}` counted as lenient, though GitLab lets the job fail only with a
// listed code and gitguard exits 1 (failure) or 2 (error). Reference: GitLab's documented reading
// (docs.gitlab.com/ci/yaml: `extends` "merges hashes, not arrays", `after_script` "failures do not
// fail the job", `allow_failure:exit_codes`, `default`, `inherit:default`).
import { cleanupTemp } from '../helpers/repo.js';
import { expectGitlabGate } from '../helpers/team.js';

afterAll(cleanupTemp);

const TEMPLATES = 'ci/t.yml';
const MAIN = (jobs: string): string => `include: [{local: ${TEMPLATES}}]\nbuild:\n  script: make\n${jobs}`;
const BEFORE = {
  '.gitlab-ci.yml': 'audit:\n  script: [npx gitguard audit]\n',
  [TEMPLATES]: '.gitguard:\n  script: [npx gitguard audit]\n.other:\n  extends: .gitguard\n',
};
const AUDIT = (extra: string): string => MAIN(`audit:\n  script: [npx gitguard audit]\n${extra}`);

interface Case {
  name: string;
  ci: string;
  templates?: string;
  kept: boolean;
}

test.each<Case>([
  // (1) What GitLab's merge keeps of a job.
  {
    name: 'the job’s own script replaces its template’s gate',
    ci: MAIN('audit:\n  extends: .gitguard\n  script: [make]\n'),
    kept: false,
  },
  {
    name: 'the job’s own script replaces the gate two templates up',
    ci: MAIN('audit:\n  extends: .other\n  script: [make]\n'),
    kept: false,
  },
  {
    name: 'a later template’s script replaces an earlier one’s gate',
    ci: MAIN('.make:\n  script: [make]\naudit:\n  extends: [.gitguard, .make]\n'),
    kept: false,
  },
  {
    name: 'the script a !reference to a template’s script that is no gate, over the gate it extends',
    ci: MAIN('.make:\n  script: [make]\naudit:\n  extends: .gitguard\n  script: !reference [.make, script]\n'),
    kept: false,
  },
  {
    name: 'the including file’s job replaces the included job’s script',
    ci: MAIN('audit:\n  script: [make]\n'),
    templates: 'audit:\n  script: [npx gitguard audit]\n',
    kept: false,
  },
  {
    name: 'a template made lenient, its allow_failure kept over the job’s template',
    ci: MAIN('.lenient:\n  allow_failure: true\naudit:\n  extends: [.gitguard, .lenient]\n'),
    kept: false,
  },
  // (2) after_script is no gate.
  {
    name: 'the gate only in the job’s after_script',
    ci: MAIN('audit:\n  script: [make]\n  after_script: [npx gitguard audit]\n'),
    kept: false,
  },
  {
    name: 'the gate only in default: after_script',
    ci: `default:\n  after_script: [npx gitguard audit]\n${MAIN('')}`,
    kept: false,
  },
  {
    name: 'the gate only in the top-level after_script',
    ci: `after_script: [npx gitguard audit]\n${MAIN('')}`,
    kept: false,
  },
  {
    name: 'default: before_script a job opts out of',
    ci: `default:\n  before_script: [npx gitguard audit]\n${MAIN('').replace('  script: make\n', '  script: make\n  inherit:\n    default: false\n')}`,
    kept: false,
  },
  // (3) allow_failure: exit_codes that let gitguard's exit pass.
  ...['[1]', '[2]', '[137, 1]', '[]', 'one', '[137, x]'].map((codes) => ({
    name: `allow_failure: exit_codes: ${codes}`,
    ci: AUDIT(`  allow_failure:\n    exit_codes: ${codes}\n`),
    kept: false,
  })),
  { name: 'allow_failure: a map without exit_codes', ci: AUDIT('  allow_failure: {}\n'), kept: false },
  // Twins: the gate GitLab still runs and fails on.
  { name: 'twin: the job takes its template’s script', ci: MAIN('audit:\n  extends: .gitguard\n'), kept: true },
  {
    name: 'twin: the job takes the script two templates up and sets other keys',
    ci: MAIN('audit:\n  extends: .other\n  stage: test\n  variables: {X: "1"}\n'),
    kept: true,
  },
  {
    name: 'twin: the later template’s script is the gate',
    ci: MAIN('.make:\n  script: [make]\naudit:\n  extends: [.make, .gitguard]\n'),
    kept: true,
  },
  {
    name: 'twin: the included job’s script, the including file setting other keys',
    ci: MAIN('audit:\n  stage: test\n'),
    templates: 'audit:\n  script: [npx gitguard audit]\n',
    kept: true,
  },
  {
    name: 'twin: the gate in before_script',
    ci: MAIN('audit:\n  before_script: [npx gitguard audit]\n  script: [make]\n'),
    kept: true,
  },
  {
    name: 'twin: the gate in default: before_script',
    ci: `default:\n  before_script: [npx gitguard audit]\n  after_script: [echo done]\n${MAIN('')}`,
    kept: true,
  },
  {
    name: 'twin: the gate in the template’s before_script, the job’s own script',
    ci: MAIN('.gate:\n  before_script: [npx gitguard audit]\naudit:\n  extends: .gate\n  script: [make]\n'),
    kept: true,
  },
  ...['137', '[137]', '[137, 255]'].map((codes) => ({
    name: `twin: allow_failure: exit_codes: ${codes}`,
    ci: AUDIT(`  allow_failure:\n    exit_codes: ${codes}\n`),
    kept: true,
  })),
  {
    name: 'twin: strict exit codes through a template',
    ci: MAIN('.codes:\n  allow_failure:\n    exit_codes: [137, 255]\naudit:\n  extends: [.gitguard, .codes]\n'),
    kept: true,
  },
])('$name', async ({ ci, templates, kept }) => {
  const after = { '.gitlab-ci.yml': ci, ...(templates ? { [TEMPLATES]: templates } : {}) };
  await expectGitlabGate(BEFORE, after, kept);
});
