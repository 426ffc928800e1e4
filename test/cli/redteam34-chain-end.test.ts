// Red team 34: ci-gate-kept reads the CI files (and the actions and includes they name) for gitguard,
// not the command chains protected-paths-changed-by-maintainers follows (workflow -> script -> script
// -> gitguard, a package script, a make target). Bob (a signer, no maintainer) turning the chain's last
// step into a no-op must fail one of the two: protected-paths-changed-by-maintainers does (the step is
// on the chain, watched; ci-gate-kept leaves it to that rule). Without a policy that rule judges
// nothing, and ci-gate-kept, which fails a gitguard step taken out of a workflow, passed the same gate
// taken out of the script the workflow runs: it now follows the chain where no policy judges the commit.
import { cleanupTemp, makeRepo } from '../helpers/repo.js';
import { auditRules, resultOf } from '../helpers/cli.js';
import { GATE_FAIL, GATE_PASS, gateTeam } from '../helpers/team.js';

afterAll(cleanupTemp);

const pkg = (audit: string): string =>
  `${JSON.stringify({ name: 'app', version: '1.0.0', scripts: { audit, build: 'tsc' } }, null, 2)}\n`;
const team = gateTeam({
  '.github/workflows/ci.yml':
    'on: push\njobs:\n  gate:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: ./scripts/gate.sh\n      - run: make check\n      - run: npm run audit\n',
  'scripts/gate.sh': '#!/bin/sh\nexec ./scripts/real-gate.sh\n',
  'scripts/real-gate.sh': '#!/bin/sh\nset -e\nnpx gitguard audit\n',
  Makefile: 'check:\n\t./scripts/check.sh\nbuild:\n\ttsc\n',
  'scripts/check.sh': '#!/bin/sh\nnpx gitguard audit --base origin/main\n',
  'package.json': pkg('gitguard audit'),
});

test("Bob turns the chain's last step into a no-op: protected-paths fails, ci-gate-kept passes", async () => {
  expect(await team.outcomes({ 'scripts/real-gate.sh': '#!/bin/sh\nexit 0\n' })).toEqual(GATE_FAIL);
  expect(await team.outcomes({ 'scripts/real-gate.sh': '#!/bin/sh\nnpx gitguard audit || true\n' })).toEqual(GATE_FAIL);
  expect(await team.outcomes({ 'scripts/check.sh': '#!/bin/sh\ntrue\n' })).toEqual(GATE_FAIL);
  expect(await team.outcomes({ 'package.json': pkg('echo skipped') })).toEqual(GATE_FAIL);
  expect(await team.outcomes({ Makefile: 'check:\n\t@true\nbuild:\n\ttsc\n' })).toEqual(GATE_FAIL);
});

test('twins: Alice does the same; Bob edits another make target or package script: pass', async () => {
  expect(
    await team.outcomes({ 'scripts/real-gate.sh': '#!/bin/sh\nexit 0\n' }, team.alice, 'alice@example.com'),
  ).toEqual(GATE_PASS);
  expect(await team.outcomes({ Makefile: 'check:\n\t./scripts/check.sh\nbuild:\n\ttsc -b\n' })).toEqual(GATE_PASS);
  expect(await team.outcomes({ 'package.json': pkg('gitguard audit').replace('"tsc"', '"tsc -b"') })).toEqual(
    GATE_PASS,
  );
});

test('without a policy: gutting the chain past the CI files fails ci-gate-kept as removing the step does (before: passed)', async () => {
  const r = makeRepo();
  r.commit('ci', {
    '.github/workflows/ci.yml':
      'on: push\njobs:\n  gate:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ./scripts/gate.sh\n      - run: make lint\n',
    'scripts/gate.sh': '#!/bin/sh\nexec ./scripts/real-gate.sh\n',
    'scripts/real-gate.sh': '#!/bin/sh\nnpx gitguard audit\n',
    Makefile: 'lint:\n\teslint .\n',
  });
  const base = r.head();
  const kept = async (files: Record<string, string>): Promise<string> => {
    r.run(['reset', '-q', '--hard', base]);
    r.commit('work', files);
    const { code, report } = await auditRules(r.dir, r.env, ['ci-gate-kept'], true);
    return `${code} ${resultOf(report, 'ci-gate-kept').outcome}`;
  };
  expect(await kept({ 'scripts/real-gate.sh': '#!/bin/sh\nexit 0\n' })).toBe('1 fail');
  expect(await kept({ 'scripts/gate.sh': '#!/bin/sh\ntrue\n' })).toBe('1 fail');
  // Twins: the gate's line kept, another target edited.
  expect(await kept({ 'scripts/real-gate.sh': '#!/bin/sh\nset -e\nnpx gitguard audit\n' })).toBe('0 pass');
  expect(await kept({ Makefile: 'lint:\n\teslint . --fix\n' })).toBe('0 pass');
});
