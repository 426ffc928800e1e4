// The files a CI configuration runs besides itself (src/domain/ci-references.ts): what the walk
// watches like the CI file that names them. Forms from GitHub's and GitLab's documentation.
import { referencesIn, runsFile } from '../../src/domain/ci-references.js';

describe('GitHub: uses: ./path', () => {
  test('local actions and reusable workflows, quoted or not, with or without a ref; remote actions are not files here', () => {
    const wf = [
      'jobs:',
      '  a:',
      '    uses: ./.github/workflows/reusable.yml',
      '  b:',
      '    steps:',
      '      - uses: actions/checkout@v4',
      "      - uses: './tools/audit'",
      '      - uses: "./.github/actions/lint/" # trailing slash',
      '      - name: x',
      '        uses: docker://alpine:3',
      '      - uses: ./',
    ].join('\n');
    expect(referencesIn(wf, '.github/workflows').sort()).toEqual(
      ['.github/actions/lint', '.github/workflows/reusable.yml', 'action.yaml', 'action.yml', 'tools/audit'].sort(),
    );
  });
  test('paths that leave the repository or depend on a variable are not read', () => {
    const wf =
      '      - uses: ./../x\n      - uses: ./a/../../b\n      - uses: ./${{ inputs.dir }}\n      - uses: ./a//b\n';
    expect(referencesIn(wf, '.github/workflows')).toEqual([]);
  });
  test('at most 64 references from one file', () => {
    const wf = Array.from({ length: 1000 }, (_, i) => `      - uses: ./a${i}`).join('\n');
    expect(referencesIn(wf, '.github/workflows')).toHaveLength(64);
  });
});

describe('GitLab: include', () => {
  test('a plain string, a flow list, local: entries; remote, project and template includes are not local files', () => {
    expect(referencesIn("include: '/templates/a.yml'\n", '.gitlab-ci.yml')).toEqual(['templates/a.yml']);
    expect(referencesIn("include: ['/a.yml', 'b.yml']\n", '.gitlab-ci.yml')).toEqual(['a.yml', 'b.yml']);
    const ci = [
      'stages: [test]',
      'include:',
      "  - local: '/ci/jobs.yml'",
      '  - remote: https://example.com/x.yml',
      '  - project: group/other',
      '    file: /templates/t.yml',
      '  - template: Auto-DevOps.gitlab-ci.yml',
      '  - ci/plain.yml',
      '  - https://example.com/y.yml',
      '  - local: configs/*.yml',
      'test:',
      '  script: make',
      '  local: not/an/include.yml',
    ].join('\n');
    expect(referencesIn(ci, '.gitlab-ci.yml')).toEqual(['ci/jobs.yml', 'ci/plain.yml', 'configs/*.yml']);
  });
  test('include: local: as a mapping', () => {
    expect(referencesIn('include:\n  local: /x/y.yml\n', '.gitlab-ci.yml')).toEqual(['x/y.yml']);
  });
});

test('what a runner reads in a folder: the workflows, or an action folder’s definition', () => {
  expect([runsFile('.github/workflows', 'ci.yaml'), runsFile('.github/workflows', 'README.md')]).toEqual([true, false]);
  expect([runsFile('tools/audit', 'action.yml'), runsFile('tools/audit', 'ci.yml')]).toEqual([true, false]);
});
