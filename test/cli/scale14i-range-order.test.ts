// Issue 14: the range search (collect/derived-range.ts) asked each file once, with the part of it on
// the chain known then. A package.json edit of a script the chain came to run only through an older
// commit read later in the same search was skipped, and what it named never searched: Alice has the
// gate script run `npm run x` (a second gate), then moves x's gate into a new script, Bob deletes that script, Alice
// takes `npm run x` out of the gate again. Newest first, Alice's edit of x was compared before her
// older commit put x on the chain, and Bob's deletion passed. A file is now asked again whenever more
// of it is on the chain, so the answer no longer depends on the order commits are read in (which is
// what lets the walk checkpoint keep it: range-memo.ts). Twin: Alice deleting the script herself passes.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTemp } from '../helpers/repo.js';
import { aliceAndBob, checkoutWorkflow } from '../helpers/team.js';
import { commitAsPerson } from '../helpers/ssh.js';
import { parseJson, resultOf, runMain } from '../helpers/cli.js';

afterAll(cleanupTemp);

const RULES = ['protected-paths-changed-by-maintainers', 'ci-gate-kept'];
const pkg = (scripts: Record<string, string>): string => `${JSON.stringify({ name: 'x', scripts }, null, 2)}\n`;
const team = aliceAndBob(
  {
    '.github/workflows/ci.yml': checkoutWorkflow('      - run: npm run gate\n'),
    'package.json': pkg({ gate: 'gitguard audit', x: 'echo x' }),
  },
  'own',
);
const first = team.r.head();

async function outcome(deleter: 'alice' | 'bob'): Promise<string> {
  const { r, alice } = team;
  r.run(['reset', '-q', '--hard', first]);
  commitAsPerson(r, alice, 'alice@example.com', 'gate runs x, a second gate', {
    'package.json': pkg({ gate: 'gitguard audit && npm run x', x: 'npx gitguard audit --all' }),
  });
  commitAsPerson(r, alice, 'alice@example.com', 'x runs a second gate', {
    'package.json': pkg({ gate: 'gitguard audit && npm run x', x: './scripts/g2.sh' }),
    'scripts/g2.sh': '#!/bin/sh\nnpx gitguard audit --all\n',
  });
  rmSync(join(r.dir, 'scripts', 'g2.sh'));
  commitAsPerson(r, team[deleter], `${deleter}@example.com`, 'drop it', {});
  commitAsPerson(r, alice, 'alice@example.com', 'one gate', {
    'package.json': pkg({ gate: 'gitguard audit', x: './scripts/g2.sh' }),
  });
  const args = ['audit', '-C', r.dir, '--format', 'json', '--no-ledger', '--no-cache', '-r', RULES.join(',')];
  const res = await runMain(args, { env: r.env });
  const report = parseJson(res);
  return `${res.code} ${RULES.map((id) => resultOf(report, id).outcome).join(' ')}`;
}

test('Bob deletes the gate script a package script Alice put on the chain ran: fails (before: passed)', async () => {
  expect(await outcome('bob')).toBe('1 fail pass');
});

test('twin: Alice deleting it herself passes', async () => {
  expect(await outcome('alice')).toBe('0 pass pass');
});
