// target92: a gate's gitguard reads files of the checkout through its options: `--baseline F` (the
// findings it suppresses) and `--allowed-signers F` / `--keyring F` / `--revoked-keys F` (whose keys
// it trusts). Whoever changes such a file chooses what the gate lets through: Bob, a signer but no
// maintainer, changes a protected path (commit A) and then adds A's finding to the baseline (commit
// B): the real `gitguard audit --baseline` then passed (checked below). The file is now watched as
// the workflow naming it is: a change to it needs a maintainer (protected-paths-changed-by-
// maintainers), and B's own finding cannot be in the baseline B writes (its fingerprint holds B's id).
// Twins: a baseline committed by the maintainer long ago and unchanged, Bob's other changes, and the
// maintainer's own update of the baseline pass.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTemp } from '../helpers/repo.js';
import { aliceAndBob, checkoutWorkflow, GATE_FAIL, GATE_PASS, gateTeam } from '../helpers/team.js';
import { commitAsPerson } from '../helpers/ssh.js';
import { runMain } from '../helpers/cli.js';

afterAll(cleanupTemp);

const WF = '.github/workflows/gate.yml';
const BASELINE = '.gitguard-baseline.json';
const EMPTY = `${JSON.stringify({ version: 1, fingerprintKey: 'gitguard/v1', createdAt: '2024-01-01T00:00:00.000Z', findings: [] })}\n`;
const step = (command: string): string => checkoutWorkflow(`      - run: ${JSON.stringify(command)}\n`);

test.each([
  ['--baseline in the step', { [WF]: step(`npx gitguard audit --baseline ${BASELINE}`), [BASELINE]: EMPTY }, BASELINE],
  [
    '--baseline= in the step',
    { [WF]: step(`npx gitguard audit --baseline=./${BASELINE}`), [BASELINE]: EMPTY },
    BASELINE,
  ],
  [
    '--baseline in a script the step runs',
    {
      [WF]: step('bash ci/gate.sh'),
      'ci/gate.sh': 'set -e\nnpx gitguard audit --baseline ci/baseline.json\n',
      'ci/baseline.json': EMPTY,
    },
    'ci/baseline.json',
  ],
  [
    '--allowed-signers in the step',
    { [WF]: step('npx gitguard audit --allowed-signers ci/allowed_signers'), 'ci/allowed_signers': '# none yet\n' },
    'ci/allowed_signers',
  ],
  [
    '--revoked-keys in the step',
    { [WF]: step('npx gitguard audit --revoked-keys=ci/revoked'), 'ci/revoked': '# none yet\n' },
    'ci/revoked',
  ],
])(
  '%s: a signer no maintainer changing the file fails; other changes and the maintainer pass',
  async (_n, files, file) => {
    const { alice, outcomes } = gateTeam(files);
    expect(await outcomes({ [file]: 'changed\n' })).toEqual(GATE_FAIL);
    expect(await outcomes({ 'README.md': 'docs\n' })).toEqual(GATE_PASS);
    expect(await outcomes({ [file]: 'changed\n' }, alice, 'alice@example.com')).toEqual(GATE_PASS);
  },
);

// The reference: the real audit with --baseline, on the history Bob makes.
describe('gitguard audit --baseline on a baseline the change wrote', () => {
  const RULE = 'protected-paths-changed-by-maintainers';
  const history = async (baselineBy: 'alice' | 'bob'): Promise<number> => {
    const team = aliceAndBob({ [WF]: step(`npx gitguard audit --baseline ${BASELINE}`), [BASELINE]: EMPTY }, 'own');
    const { r, alice, bob } = team;
    // A: Bob changes a protected path (the workflow), a finding of RULE.
    commitAsPerson(r, bob, 'bob@example.com', 'ci: tweak', {
      [WF]: step(`npx gitguard audit --baseline ${BASELINE} -q`),
    });
    const written = join(r.home, 'found.json');
    const w = await runMain(['baseline', 'write', written, '-C', r.dir, '-r', RULE], { env: r.env });
    expect(w.code).toBe(0);
    const found = readFileSync(written, 'utf8');
    expect(JSON.parse(found).findings).toHaveLength(1);
    // B: the baseline with A's finding in it.
    const [who, email] = baselineBy === 'bob' ? [bob, 'bob@example.com'] : [alice, 'alice@example.com'];
    commitAsPerson(r, who, email, 'baseline', { [BASELINE]: found });
    const res = await runMain(['audit', '-C', r.dir, '--baseline', join(r.dir, BASELINE), '-r', RULE, '--no-ledger'], {
      env: r.env,
    });
    return res.code;
  };
  test('written by Bob: the audit fails (B changed the baseline without a maintainer)', async () => {
    expect(await history('bob')).toBe(1);
  });
  test('written by Alice, the maintainer: A is excused and the audit passes', async () => {
    expect(await history('alice')).toBe(0);
  });
});
