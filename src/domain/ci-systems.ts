// The CI systems whose configuration lives in the repository: where each reads it (the vendor's
// documented default place), protected by default so a non-maintainer cannot gut the CI anywhere.
// `gate`: gitguard also reads the files there for its step (ci-gate-kept): GitHub's workflow syntax
// (Forgejo and Gitea Actions use it) or GitLab's; the others are protected only.

export interface CiSystem {
  readonly name: string;
  /** The protected pattern: a file, or a folder's whole content (`dir/**`). */
  readonly pattern: string;
  /** What the CI reads there. */
  readonly reads: string;
  /** The vendor's page documenting the place. */
  readonly doc: string;
  /** Where ci-gate-kept reads the gitguard step: 'workflows' (a folder of GitHub-syntax workflows) or 'gitlab' (one file). */
  readonly gate?: 'workflows' | 'gitlab';
}

export const CI_SYSTEMS: readonly CiSystem[] = [
  {
    name: 'GitHub Actions',
    pattern: '.github/workflows/**',
    reads: 'every *.yml/*.yaml workflow in the folder',
    doc: 'https://docs.github.com/en/actions/using-workflows/about-workflows',
    gate: 'workflows',
  },
  {
    name: 'GitHub Actions (local actions)',
    pattern: '.github/actions/**',
    reads: 'local composite actions the workflows run',
    doc: 'https://docs.github.com/en/actions/creating-actions/creating-a-composite-action',
  },
  {
    name: 'Forgejo Actions',
    pattern: '.forgejo/workflows/**',
    reads:
      'every *.yml/*.yaml workflow in the folder and its subfolders (else .gitea/workflows, else .github/workflows)',
    doc: 'https://forgejo.org/docs/latest/user/actions/overview',
    gate: 'workflows',
  },
  {
    name: 'Gitea Actions',
    pattern: '.gitea/workflows/**',
    reads: 'every *.yml/*.yaml workflow in the folder and its subfolders (else .github/workflows)',
    doc: 'https://docs.gitea.com/usage/actions/quickstart',
    gate: 'workflows',
  },
  {
    name: 'GitLab CI/CD',
    pattern: '.gitlab-ci.yml',
    reads: 'the pipeline file',
    doc: 'https://docs.gitlab.com/ee/ci/yaml/',
    gate: 'gitlab',
  },
  {
    name: 'CircleCI',
    pattern: '.circleci/**',
    reads: 'config.yml',
    doc: 'https://circleci.com/docs/configuration-reference/',
  },
  {
    name: 'Azure Pipelines',
    pattern: 'azure-pipelines.yml',
    reads: 'the pipeline file a new pipeline uses',
    doc: 'https://learn.microsoft.com/en-us/azure/devops/pipelines/create-first-pipeline',
  },
  {
    name: 'Azure Pipelines',
    pattern: 'azure-pipelines.yaml',
    reads: 'the pipeline file, .yaml spelling',
    doc: 'https://learn.microsoft.com/en-us/azure/devops/pipelines/create-first-pipeline',
  },
  {
    name: 'Jenkins',
    pattern: 'Jenkinsfile',
    reads: 'the Pipeline script',
    doc: 'https://www.jenkins.io/doc/book/pipeline/jenkinsfile/',
  },
  {
    name: 'Travis CI',
    pattern: '.travis.yml',
    reads: 'the build file',
    doc: 'https://docs.travis-ci.com/user/customizing-the-build/',
  },
  {
    name: 'Bitbucket Pipelines',
    pattern: 'bitbucket-pipelines.yml',
    reads: 'the pipeline file',
    doc: 'https://support.atlassian.com/bitbucket-cloud/docs/configure-bitbucket-pipelinesyml/',
  },
  {
    name: 'Buildkite',
    pattern: '.buildkite/**',
    reads: 'pipeline.yml (or .yaml, .json) the default upload step reads',
    doc: 'https://buildkite.com/docs/pipelines/configure/defining-steps',
  },
  {
    name: 'Buildkite',
    pattern: 'buildkite.yml',
    reads: 'the pipeline file at the top level',
    doc: 'https://buildkite.com/docs/pipelines/configure/defining-steps',
  },
  {
    name: 'Buildkite',
    pattern: 'buildkite.yaml',
    reads: 'the pipeline file at the top level',
    doc: 'https://buildkite.com/docs/pipelines/configure/defining-steps',
  },
  {
    name: 'Drone',
    pattern: '.drone.yml',
    reads: 'the pipeline file',
    doc: 'https://docs.drone.io/pipeline/configuration/',
  },
  {
    name: 'Woodpecker CI',
    pattern: '.woodpecker/**',
    reads: 'every *.yml/*.yaml workflow in the folder',
    doc: 'https://woodpecker-ci.org/docs/usage/workflows',
  },
  {
    name: 'Woodpecker CI',
    pattern: '.woodpecker.yml',
    reads: 'the single workflow file (used when .woodpecker/ is absent)',
    doc: 'https://woodpecker-ci.org/docs/usage/workflows',
  },
  {
    name: 'Woodpecker CI',
    pattern: '.woodpecker.yaml',
    reads: 'the single workflow file, .yaml spelling',
    doc: 'https://woodpecker-ci.org/docs/usage/workflows',
  },
  {
    name: 'AppVeyor',
    pattern: 'appveyor.yml',
    reads: 'the build file',
    doc: 'https://www.appveyor.com/docs/build-configuration/',
  },
  {
    name: 'AppVeyor',
    pattern: '.appveyor.yml',
    reads: 'the build file, hidden spelling',
    doc: 'https://www.appveyor.com/docs/build-configuration/',
  },
  {
    name: 'Cirrus CI',
    pattern: '.cirrus.yml',
    reads: 'the task file',
    doc: 'https://cirrus-ci.org/guide/writing-tasks/',
  },
  {
    name: 'Cirrus CI',
    pattern: '.cirrus.star',
    reads: 'the Starlark task program',
    doc: 'https://cirrus-ci.org/guide/programming-tasks/',
  },
  {
    name: 'Semaphore',
    pattern: '.semaphore/**',
    reads: 'semaphore.yml and the pipelines it promotes to',
    doc: 'https://docs.semaphoreci.com/reference/pipeline-yaml',
  },
  {
    name: 'Google Cloud Build',
    pattern: 'cloudbuild.yaml',
    reads: 'the build config a trigger reads by default',
    doc: 'https://cloud.google.com/build/docs/configuring-builds/create-basic-configuration',
  },
  {
    name: 'Google Cloud Build',
    pattern: 'cloudbuild.json',
    reads: 'the build config, JSON form',
    doc: 'https://cloud.google.com/build/docs/configuring-builds/create-basic-configuration',
  },
];

/** The place a pattern stands for ('.github/workflows/**' → '.github/workflows'). */
const placeOf = (pattern: string): string => pattern.replace(/\/\*\*$/, '');

/** Where ci-gate-kept reads the gitguard step, in the table's order. */
export const CI_GATE_PATHS: readonly string[] = CI_SYSTEMS.flatMap((s) => (s.gate ? [placeOf(s.pattern)] : []));

/** The folders of GitHub-syntax workflows (GitHub, Forgejo, Gitea Actions). */
export const WORKFLOW_FOLDERS: readonly string[] = CI_SYSTEMS.flatMap((s) =>
  s.gate === 'workflows' ? [placeOf(s.pattern)] : [],
);

/** The CI systems' patterns, protected by default. */
export const CI_PROTECTED_PATTERNS: readonly string[] = CI_SYSTEMS.map((s) => s.pattern);

/**
 * What each forge that runs a gate path reads: the first of `reads` that is there (a folder for a
 * workflows folder, a file for GitLab's), the others ignored. Forgejo's and Gitea's ListWorkflows
 * (modules/actions/workflows.go) take the first workflows folder that is a tree, in this order, and
 * every *.yml/*.yaml below it; GitHub reads its folder's own files only. So a `.forgejo/workflows`
 * folder holding anything at all switches off a gate Forgejo read in `.github/workflows`, and a
 * gate in another forge's place is none: the gate is judged forge by forge.
 */
export interface CiRunner {
  readonly name: string;
  readonly reads: readonly string[];
  /** Workflows in subfolders run too. */
  readonly recursive: boolean;
}

export const CI_RUNNERS: readonly CiRunner[] = [
  { name: 'GitHub Actions', reads: ['.github/workflows'], recursive: false },
  { name: 'Forgejo Actions', reads: ['.forgejo/workflows', '.gitea/workflows', '.github/workflows'], recursive: true },
  { name: 'Gitea Actions', reads: ['.gitea/workflows', '.github/workflows'], recursive: true },
  { name: 'GitLab CI/CD', reads: ['.gitlab-ci.yml'], recursive: false },
];

/**
 * The public forges whose host names the one CI that can run a repository kept there (Codeberg runs
 * Forgejo). Any other host (a self-hosted server, an enterprise host) could run any of CI_RUNNERS.
 */
const FORGE_HOSTS: Readonly<Record<string, string>> = {
  'github.com': 'GitHub Actions',
  'gitlab.com': 'GitLab CI/CD',
  'codeberg.org': 'Forgejo Actions',
  'gitea.com': 'Gitea Actions',
};

/**
 * The variable each forge's CI sets to `true` in its jobs. Forgejo's and Gitea's runners set
 * GITHUB_ACTIONS too (their compatibility with GitHub's actions), so in the Actions family only the
 * first one set, in this order, names the forge.
 */
const RUNNER_ENV: ReadonlyArray<{ variable: string; runner: string; actions: boolean }> = [
  { variable: 'FORGEJO_ACTIONS', runner: 'Forgejo Actions', actions: true },
  { variable: 'GITEA_ACTIONS', runner: 'Gitea Actions', actions: true },
  { variable: 'GITHUB_ACTIONS', runner: 'GitHub Actions', actions: true },
  { variable: 'GITLAB_CI', runner: 'GitLab CI/CD', actions: false },
];

/** The forges (CI_RUNNERS' names) whose CI runs this job, from the variables they set. */
export function runnersOfEnv(env: Readonly<Record<string, string | undefined>>): string[] {
  const set = RUNNER_ENV.filter((e) => env[e.variable] === 'true');
  const actions = set.find((e) => e.actions);
  return set.filter((e) => !e.actions || e === actions).map((e) => e.runner);
}

/** Which forges' CI may run the repository: `runners` undefined where any may. */
export interface HostingForges {
  readonly runners?: readonly string[];
  /** The remotes' hosts (all in FORGE_HOSTS) when `runners` is set. */
  readonly hosts: readonly string[];
}

/**
 * The forges that may host the repository: those its remotes' hosts name, with those the CI job's
 * variables name. `hosts` holds one entry per remote URL, undefined where it names no host (a path,
 * a `file://` URL): no remote, such a remote or a host FORGE_HOSTS does not know may be any forge.
 */
export function hostingForges(hosts: ReadonlyArray<string | undefined>, envRunners: readonly string[]): HostingForges {
  if (!hosts.length || hosts.some((h) => h === undefined || !Object.hasOwn(FORGE_HOSTS, h))) return { hosts: [] };
  const known = [...new Set(hosts as string[])].sort();
  const runners = new Set([...known.map((h) => FORGE_HOSTS[h]!), ...envRunners]);
  return { runners: CI_RUNNERS.map((r) => r.name).filter((n) => runners.has(n)), hosts: known };
}
