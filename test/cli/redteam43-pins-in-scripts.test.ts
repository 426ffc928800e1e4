// Red team 43: the range search compares a workflow change that only moves remote actions' pins
// instead of reading the commit (cleanpass25, domain/action-pins.ts). It judged by line: any line
// shaped `uses: owner/repo@ref` had its ref left out, even one inside a step's `run:` script. There
// the "ref" is a word the shell passes on: folded (`run: >`) after `make`, it is a make goal. Alice,
// the maintainer, points the CI's `make` at another goal (a second gate) (a "pins only" change, not read), Bob, a
// signer, empties that goal's recipe while the CI runs it, and Alice points it back: Bob's change
// of what the CI ran passed. A pin is now a step's or a job's own `uses:` as YAML reads the file.
// Twins: Bob rewriting a recipe no CI ran passes; a bump of a step's pin beside it stays compared.
import { cleanupTemp } from '../helpers/repo.js';
import { aliceAndBob, GATE_FAIL, GATE_PASS } from '../helpers/team.js';
import { commitAsPerson } from '../helpers/ssh.js';
import { parseJson, resultOf, runMain } from '../helpers/cli.js';

afterAll(cleanupTemp);

const RULES = ['protected-paths-changed-by-maintainers', 'ci-gate-kept'];
const workflow = (checkout: string, goal: string): string =>
  'on: push\njobs:\n  gate:\n    runs-on: ubuntu-latest\n    steps:\n' +
  `      - uses: actions/checkout@${checkout}\n` +
  '      - run: ./ci/gate.sh\n' +
  `      - run: >\n          make\n          uses: org/build@${goal}\n`;
const makefile = (gate: string, other: string): string =>
  `org/build@v1:\n\techo build\norg/build@gate:\n\t${gate}\norg/build@other:\n\t${other}\n`;
const SECOND_GATE = 'npx gitguard audit --all';

const team = aliceAndBob(
  {
    '.github/workflows/ci.yml': workflow('v4', 'v1'),
    'ci/gate.sh': '#!/bin/sh\nnpx gitguard audit\n',
    Makefile: makefile(SECOND_GATE, 'echo other'),
    'README.md': 'x\n',
  },
  'own',
);
const { r, alice, bob } = team;
const base = r.head();

/** Alice points the CI's make at `goal`, Bob changes the Makefile, Alice points it back; the audit's outcomes. */
async function history(goal: string, bobsMakefile: string, checkout = 'v4'): Promise<Record<string, string | number>> {
  r.run(['reset', '-q', '--hard', base]);
  commitAsPerson(r, alice, 'alice@example.com', 'ci: build', { '.github/workflows/ci.yml': workflow(checkout, goal) });
  commitAsPerson(r, bob, 'bob@example.com', 'work', { Makefile: bobsMakefile });
  commitAsPerson(r, alice, 'alice@example.com', 'ci: back', { '.github/workflows/ci.yml': workflow('v4', 'v1') });
  const res = await runMain(
    ['audit', '-C', r.dir, '--format', 'json', '--no-ledger', '--no-cache', '-r', RULES.join(',')],
    {
      env: r.env,
    },
  );
  const report = parseJson(res);
  return { code: res.code, ...Object.fromEntries(RULES.map((id) => [id, resultOf(report, id).outcome])) };
}

test('a make goal in a folded run: script, spelled like a pin, is no pin: Bob rewriting its recipe fails', async () => {
  // What the CI ran at Bob's commit: `make uses: org/build@gate`, whose recipe (a second gate) Bob emptied.
  expect(await history('gate', makefile('echo skipped', 'echo other'))).toEqual(GATE_FAIL);
});

test('twin: Bob rewriting the recipe of a goal no CI ran in the range passes', async () => {
  expect(await history('gate', makefile(SECOND_GATE, 'echo changed'))).toEqual(GATE_PASS);
});

test("twin: Alice's bump of the checkout step's pin is still a pin: Bob emptying a recipe no CI ran passes", async () => {
  expect(await history('v1', makefile('echo skipped', 'echo changed'), 'v5')).toEqual(GATE_PASS);
});
