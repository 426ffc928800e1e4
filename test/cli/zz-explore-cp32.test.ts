import { cleanupTemp } from '../helpers/repo.js';
import { gateTeam } from '../helpers/team.js';
afterAll(cleanupTemp);
const SRC = { 'src/index.js': 'module.exports = 1;\n' };
const EDIT = { 'src/index.js': 'module.exports = 2;\n' };
const setups: Record<string, Record<string, string>> = {
  gitlab: {
    '.gitlab-ci.yml': `include:
  - template: Jobs/SAST.gitlab-ci.yml
  - template: Security/Secret-Detection.gitlab-ci.yml
  - local: ci/gate.yml
stages: [gate, test]
test:
  stage: test
  image: node:20
  needs: [gitguard]
  rules:
    - if: $CI_PIPELINE_SOURCE == "merge_request_event"
    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH
  script:
    - npm ci
    - npm test
`,
    'ci/gate.yml': `gitguard:
  stage: gate
  image: node:20
  variables:
    GIT_DEPTH: 0
  needs: []
  rules:
    - if: $CI_PIPELINE_SOURCE == "merge_request_event"
    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH
  script:
    - npx --yes gitguard audit
`,
    ...SRC,
  },
  gitlabInline: {
    '.gitlab-ci.yml': `include:
  - template: Jobs/SAST.gitlab-ci.yml
workflow:
  rules:
    - if: $CI_PIPELINE_SOURCE == "merge_request_event"
    - if: $CI_COMMIT_TAG
    - if: $CI_COMMIT_BRANCH
default:
  image: node:20
gitguard:
  stage: .pre
  variables:
    GIT_DEPTH: 0
  script:
    - npx --yes gitguard audit --format sarif --output-sarif gl-gitguard.sarif || exit 1
  artifacts:
    when: always
    paths: [gl-gitguard.sarif]
test:
  needs: [gitguard]
  script:
    - npm ci
    - npm test
`,
    ...SRC,
  },
  forgejo: {
    '.forgejo/workflows/ci.yml': `on:
  push:
  pull_request:
jobs:
  gate:
    runs-on: docker
    container:
      image: node:20-bookworm
    steps:
      - uses: https://code.forgejo.org/actions/checkout@v4
        with:
          fetch-depth: 0
      - run: npx --yes gitguard audit
`,
    ...SRC,
  },
  gitea: {
    '.gitea/workflows/gate.yaml': `name: gate
on: [push, pull_request]
jobs:
  gitguard:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0
      - uses: actions/setup-node@v4
        with:
          node-version: 20
      - run: npx --yes gitguard audit
`,
    ...SRC,
  },
};
test.each(Object.keys(setups))('%s', async (k) => {
  const team = gateTeam(setups[k]!);
  console.log(k, JSON.stringify(await team.outcomes(EDIT)));
});
