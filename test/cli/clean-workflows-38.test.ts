// Clean workflows 38: a project whose CI runs its gate through just (`just gate`, the recipe running
// gitguard after a recipe it depends on), and Bob, a signer who is no maintainer, editing the
// justfile's other recipes: a test recipe's flags, a new release recipe, a private helper. The
// justfile was protected whole, so each edit failed protected-paths-changed-by-maintainers; now the
// part just reads for `gate` counts: its recipe and those it depends on, and every line that is no
// recipe (settings, variables, aliases, imports). Twins: the gate's body, the recipe it depends on,
// `set shell`, a variable, and a recipe the gate runs by `{{just_executable()}}` still fail.
import { cleanupTemp } from '../helpers/repo.js';
import { GATE_FAIL as FAIL, GATE_PASS as PASS, gateTeam } from '../helpers/team.js';

afterAll(cleanupTemp);

const JUSTFILE = `set shell := ["bash", "-euo", "pipefail", "-c"]
level := "high"

# lint the code
lint:
    ruff check .

test *args:
    pytest {{args}}

[private]
tools:
    pip install -r requirements-ci.txt

gate: tools (lint)
    gitguard audit --fail-on {{level}}
`;
const NESTED =
  'check:\n    {{just_executable()}} -f ci/justfile real\n\nreal:\n    gitguard audit\n\nother:\n    echo hi\n';
const FILES: Record<string, string> = {
  '.github/workflows/ci.yml':
    'on: push\njobs:\n  gate:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n' +
    '      - run: just gate\n      - run: just -f ci/justfile check\n      - run: just test -x\n',
  justfile: JUSTFILE,
  'ci/justfile': NESTED,
  'README.md': 'app\n',
};
const { alice, outcomes } = gateTeam(FILES);

test("Bob's edits of the justfile's other recipes pass", async () => {
  const edited = JUSTFILE.replace('pytest {{args}}', 'pytest -q --maxfail=1 {{args}}').concat(
    '\n# tag and push a release\n[confirm]\nrelease version:\n    git tag v{{version}}\n    git push origin v{{version}}\n',
    '\n[private]\nclean:\n    rm -rf dist\n',
  );
  expect(await outcomes({ justfile: edited, 'ci/justfile': NESTED.replace('echo hi', 'echo hello') })).toEqual(PASS);
});

test.each([
  ['the gate recipe', { justfile: JUSTFILE.replace('gitguard audit --fail-on {{level}}', 'true') }],
  [
    'a recipe the gate depends on',
    { justfile: JUSTFILE.replace('pip install -r requirements-ci.txt', 'ln -sf /bin/true ~/.local/bin/gitguard') },
  ],
  ['the shell', { justfile: JUSTFILE.replace('"bash", "-euo", "pipefail", "-c"', '"true"') }],
  ['a variable the gate reads', { justfile: JUSTFILE.replace('level := "high"', 'level := "none"') }],
  ['a recipe run by {{just_executable()}}', { 'ci/justfile': NESTED.replace('gitguard audit', 'true') }],
])('%s changed by Bob fails', async (_, files) => {
  expect(await outcomes(files)).toEqual(FAIL);
});

test('the gate recipe changed by Alice passes', async () => {
  expect(await outcomes({ justfile: JUSTFILE.replace('high', 'critical') }, alice, 'alice@example.com')).toEqual(PASS);
});
