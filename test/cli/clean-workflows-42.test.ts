// Clean workflows 42: a Python project whose CI runs the gate as a tox environment (`tox -e gate`,
// [testenv:gate] running gitguard; another job runs `tox -e py311,lint`). Bob, a signer who is no
// maintainer, edits the py311 environment's deps, the docs environment, and the [flake8] and [pytest]
// sections tox.ini also holds. tox.ini was protected whole, so this failed
// protected-paths-changed-by-maintainers; now what `tox -e gate` reads counts: [tox], [testenv] and
// [testenv:gate] (and the sections they read). Twins: the gate's commands, [testenv]'s, [tox]'s
// settings, and the gate reading another section (`{[testenv:docs]deps}`) still fail.
import { cleanupTemp } from '../helpers/repo.js';
import { GATE_FAIL as FAIL, GATE_PASS as PASS, gateTeam } from '../helpers/team.js';

afterAll(cleanupTemp);

const TOX = `[tox]
env_list = py311, lint, docs
requires = tox>=4

[testenv]
deps = pytest
commands = pytest {posargs}

[testenv:gate]
skip_install = true
deps = {[testenv]deps}
allowlist_externals = gitguard
commands = gitguard audit --fail-on high

[testenv:lint]
deps = ruff
commands = ruff check .

[testenv:docs]
deps =
    mkdocs
    mkdocs-material
commands = mkdocs build --strict

[flake8]
max-line-length = 100

[pytest]
addopts = -q
`;
const FILES: Record<string, string> = {
  '.github/workflows/ci.yml':
    'on: push\njobs:\n  gate:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n' +
    '      - run: pip install tox\n      - run: tox -e gate\n      - run: tox -e py311,lint\n',
  'tox.ini': TOX,
  'pyproject.toml': '[project]\nname = "app"\nversion = "1.0.0"\n',
};
const { alice, outcomes } = gateTeam(FILES);

test("Bob's edits of other environments and of the tools' sections pass", async () => {
  const edited = TOX.replace('deps = ruff', 'deps = ruff>=0.4')
    .replace('    mkdocs-material\n', '    mkdocs-material\n    mkdocstrings[python]\n')
    .replace('max-line-length = 100', 'max-line-length = 120')
    .replace('addopts = -q', 'addopts = -q --strict-markers');
  expect(await outcomes({ 'tox.ini': edited })).toEqual(PASS);
});

test.each([
  ["the gate's commands", TOX.replace('gitguard audit --fail-on high', 'python -c pass')],
  ['the environment every one inherits', TOX.replace('deps = pytest', 'deps = pytest\n    ./vendor/gitguard-shim')],
  ["tox's settings", TOX.replace('requires = tox>=4', 'requires = tox>=4\n    tox-gitguard-skip')],
  ['the gate reading another section', TOX.replace('deps = {[testenv]deps}', 'deps = {[testenv:docs]deps}')],
])('%s changed by Bob fails', async (_, text) => {
  expect(await outcomes({ 'tox.ini': text })).toEqual(FAIL);
});

test("the gate's commands changed by Alice pass", async () => {
  expect(await outcomes({ 'tox.ini': TOX.replace('high', 'critical') }, alice, 'alice@example.com')).toEqual(PASS);
});
