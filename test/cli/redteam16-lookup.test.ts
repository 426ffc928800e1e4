// Red-team round 16: a path is looked up in a tree by its bytes, as git and a CI runner do. A name
// that is not UTF-8 (0xee) decodes to U+FFFD, as the real folder "\u{FFFD}" does: looked up by decoded
// name, the decoy sorted first and was read in place of the action the workflow runs.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeRepo, cleanupTemp } from '../helpers/repo.js';
import { commitAsPerson, configureSshSigning, sharedSshKey } from '../helpers/ssh.js';
import { runMain } from '../helpers/cli.js';

afterAll(cleanupTemp);

const GATE = 'runs:\n  using: composite\n  steps:\n    - run: npx gitguard audit\n      shell: bash\n';
const NO_GATE = 'runs:\n  using: composite\n  steps:\n    - run: make\n      shell: bash\n';

test.each([
  [
    'the gate kept only in a decoy folder whose name decodes like the action the workflow runs: fails',
    GATE,
    NO_GATE,
    1,
  ],
  ['twin: the gate in the action the workflow runs, none in the decoy: passes', NO_GATE, GATE, 0],
])('%s', async (_name, inDecoy, inAction, code) => {
  const r = makeRepo();
  const alice = sharedSshKey('alice');
  configureSshSigning(r, alice);
  const keys = join(r.home, 'allowed');
  writeFileSync(keys, `alice@example.com ${alice.pub}\n`);
  const inline = 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npx gitguard audit\n';
  commitAsPerson(r, alice, 'alice@example.com', 'ci', { '.github/workflows/ci.yml': inline });
  const decoy = Buffer.concat([Buffer.from(join(r.dir, 'acts/')), Buffer.from([0xee])]);
  mkdirSync(decoy, { recursive: true });
  writeFileSync(Buffer.concat([decoy, Buffer.from('/action.yml')]), inDecoy);
  commitAsPerson(r, alice, 'alice@example.com', 'ci: the step in a local action', {
    '.github/workflows/ci.yml':
      'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: ./acts/\u{FFFD}\n',
    'acts/\u{FFFD}/action.yml': inAction,
  });
  const res = await runMain(['audit', '-C', r.dir, '-r', 'ci-gate-kept', '--no-ledger', '--allowed-signers', keys], {
    env: r.env,
  });
  expect([res.code, res.stderr]).toEqual([code, '']);
});
