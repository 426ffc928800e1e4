// Clean workflows 39: a Python project whose CI runs the gate as a pre-commit hook (`pre-commit run
// --all-files`, a local hook running gitguard after the stock hooks; a second job runs
// `pre-commit run gitguard-deep --hook-stage manual`). Bob, a signer who is no maintainer, adds a
// linter's hooks at the end of .pre-commit-config.yaml and edits the manual stage's other hook. The
// file was protected whole, so this failed protected-paths-changed-by-maintainers; now what
// pre-commit runs up to the gate counts (it runs hooks in order and fails if any does: a hook after
// the gate cannot make it pass), with every setting outside `repos`. Twins: the gate hook's entry, a
// hook inserted before it, a top-level `exclude`, the manual gate hook renamed, still fail.
import { cleanupTemp } from '../helpers/repo.js';
import { GATE_FAIL as FAIL, GATE_PASS as PASS, gateTeam } from '../helpers/team.js';

afterAll(cleanupTemp);

const STOCK = `  - repo: https://github.com/pre-commit/pre-commit-hooks
    rev: v4.5.0
    hooks:
      - id: trailing-whitespace
      - id: end-of-file-fixer
`;
const GATE = `  - repo: local
    hooks:
      - id: gitguard
        name: gitguard audit
        entry: gitguard audit --fail-on high
        language: system
        pass_filenames: false
        always_run: true
      - id: gitguard-deep
        name: deep audit
        entry: gitguard audit --all
        language: system
        pass_filenames: false
        stages: [manual]
      - id: docs-deep
        name: docs
        entry: mkdocs build --strict
        language: system
        stages: [manual]
`;
const CONFIG = `default_install_hook_types: [pre-commit, pre-push]\nrepos:\n${STOCK}${GATE}`;
const RUFF = `  - repo: https://github.com/astral-sh/ruff-pre-commit
    rev: v0.4.4
    hooks:
      - id: ruff
        args: [--fix]
      - id: ruff-format
`;
const FILES: Record<string, string> = {
  '.github/workflows/ci.yml':
    'on: push\njobs:\n  gate:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n' +
    '      - run: pip install pre-commit\n      - run: pre-commit run --all-files --show-diff-on-failure\n' +
    '      - run: pre-commit run gitguard-deep --hook-stage manual\n',
  '.pre-commit-config.yaml': CONFIG,
  'pyproject.toml': '[project]\nname = "app"\nversion = "1.0.0"\n',
};
const { alice, outcomes } = gateTeam(FILES);

test("Bob's linter hooks added after the gate, and the manual stage's other hook edited, pass", async () => {
  const edited = `${CONFIG.replace('mkdocs build --strict', 'mkdocs build --strict --clean')}${RUFF}`;
  expect(await outcomes({ '.pre-commit-config.yaml': edited })).toEqual(PASS);
});

test.each([
  ["the gate hook's entry", CONFIG.replace('gitguard audit --fail-on high', 'true')],
  [
    'a hook inserted before the gate',
    `default_install_hook_types: [pre-commit, pre-push]\nrepos:\n${STOCK}${RUFF}${GATE}`,
  ],
  ['a top-level exclude', `exclude: '.*'\n${CONFIG}`],
  ['the manual gate hook renamed', CONFIG.replace('id: gitguard-deep', 'id: gitguard-deeper')],
])('%s changed by Bob fails', async (_, text) => {
  expect(await outcomes({ '.pre-commit-config.yaml': text })).toEqual(FAIL);
});

test('the gate hook changed by Alice passes', async () => {
  expect(
    await outcomes({ '.pre-commit-config.yaml': CONFIG.replace('high', 'critical') }, alice, 'alice@example.com'),
  ).toEqual(PASS);
});
